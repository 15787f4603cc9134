"""The WordprocessingML that python-docx's DOCX is made of, as both the finishing
(:mod:`proceedings.export.docx_finish`) and the page estimate
(:mod:`proceedings.export.docx_pages`) read it: the ``w:`` namespace and the paragraph
styles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document

# python-docx's oxml elements are lxml elements; lxml has no type stubs here.
Element = Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def el(tag: str, attrs: dict[str, str] | None = None, *children: Element) -> Element:
    """A ``w:`` element (python-docx's element classes), with ``w:`` attributes."""
    from docx.oxml import OxmlElement

    element = OxmlElement(f"w:{tag}")
    for name, value in (attrs or {}).items():
        element.set(w(name), value)
    for c in children:
        element.append(c)
    return element


def text_of(element: Element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


class Styles:
    """The paragraph styles of the document, by name (case-insensitive) and by id."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.by_id: dict[str, Element] = {}
        self.id_by_name: dict[str, str] = {}
        for style in document.styles.element.findall(w("style")):
            if style.get(w("type")) != "paragraph":
                continue
            sid = style.get(w("styleId")) or ""
            name = style.find(w("name"))
            self.by_id[sid] = style
            if name is not None:
                self.id_by_name.setdefault((name.get(w("val")) or "").lower(), sid)

    def id(self, name: str) -> str | None:
        """The id of the paragraph style called ``name`` ("toc 1" or "TOC 1"…), or None."""
        return self.id_by_name.get(name.lower())

    def name_of(self, paragraph: Element) -> str:
        sid = self.style_id_of(paragraph)
        style = self.by_id.get(sid or "")
        name = style.find(w("name")) if style is not None else None
        return (name.get(w("val")) or "") if name is not None else ""

    @staticmethod
    def style_id_of(paragraph: Element) -> str | None:
        ppr = paragraph.find(w("pPr"))
        pstyle = ppr.find(w("pStyle")) if ppr is not None else None
        return pstyle.get(w("val")) if pstyle is not None else None

    def chain(self, sid: str | None) -> Iterator[Element]:
        """The style ``sid`` and the styles it is based on."""
        seen: set[str] = set()
        while sid and sid not in seen and sid in self.by_id:
            seen.add(sid)
            style = self.by_id[sid]
            yield style
            based = style.find(w("basedOn"))
            sid = based.get(w("val")) if based is not None else None

    def page_break_before(self, paragraph: Element) -> bool:
        """Whether the paragraph starts a page (its own pPr, else its styles')."""
        ppr = paragraph.find(w("pPr"))
        sources = [ppr] if ppr is not None else []
        sources += [s.find(w("pPr")) for s in self.chain(self.style_id_of(paragraph))]
        for source in sources:
            if source is None:
                continue
            pbb = source.find(w("pageBreakBefore"))
            if pbb is not None:
                return pbb.get(w("val"), "true") not in ("0", "false", "off")
        return False

    def heading_level(self, paragraph: Element) -> int | None:
        """The level of a heading: its style "heading N", else its own outline level."""
        match = re.fullmatch(r"heading ([1-9])", self.name_of(paragraph).lower())
        if match:
            return int(match.group(1))
        ppr = paragraph.find(w("pPr"))
        outline = ppr.find(w("outlineLvl")) if ppr is not None else None
        if outline is not None and (outline.get(w("val")) or "").isdigit():
            level = int(outline.get(w("val"))) + 1
            return level if level <= 9 else None
        return None

    def ensure_header(self) -> str | None:
        """The id of the "header" style; created (like "footer", ruled) if missing."""
        sid = self.id("header")
        if sid is not None:
            return sid
        if "Header" in self.by_id:  # taken by a style of another name: leave it
            return None
        footer = self.id("footer")
        style = el("style", {"type": "paragraph", "styleId": "Header"})
        style.append(el("name", {"val": "header"}))
        base = footer or ("Normal" if "Normal" in self.by_id else None)
        if base:
            style.append(el("basedOn", {"val": base}))
        style.append(el("uiPriority", {"val": "99"}))
        style.append(el("unhideWhenUsed"))
        bottom = {"val": "single", "sz": "4", "space": "4", "color": "B8C6CA"}
        ppr = el(
            "pPr",
            None,
            el("pBdr", None, el("bottom", bottom)),
            el("spacing", {"before": "0", "after": "0"}),
            el("jc", {"val": "center"}),
        )
        style.append(ppr)
        self.document.styles.element.append(style)
        self.by_id["Header"] = style
        self.id_by_name["header"] = "Header"
        return "Header"
