"""Finish the DOCX that pandoc writes: cover, filled table of contents, running header and
footer, draft watermark, core properties.

pandoc's DOCX needs a few things it cannot write:

* the cover's details under the date (network, place, organiser…) and a page break after it;
* a table of contents that shows something: pandoc writes a ``TOC`` field with no result,
  so the contents stay empty until Word refreshes the fields, and LibreOffice shows nothing.
  :func:`finish` writes the field's result itself (one ``toc 1`` / ``toc 2`` paragraph per
  heading, a link to the heading's bookmark, a dot leader and a ``PAGEREF`` field) and keeps
  the ``TOC`` field around it, so that Word can still rebuild it;
* a running header (not on the cover), the footer's page numbers, a draft watermark;
* the core properties (title, subject, author, keywords, language, fixed dates).

Everything is computed from the document itself: the same input gives the same output.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from lxml import etree  # type: ignore[import-untyped]  # no type stubs for lxml here

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import _Footer, _Header

# python-docx's oxml elements are lxml elements; lxml has no type stubs here.
Element = Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
W10_NS = "urn:schemas-microsoft-com:office:word"

COVER_STYLES = ("Title", "Subtitle", "Author", "Date")
WATERMARK_TEXT = "Document de travail"
TOC_DEFAULT_LEVELS = (1, 2)
BOOKMARK_MAX = 40  # Word ignores bookmarks with longer names (links go to the top)


@dataclass(frozen=True, slots=True)
class DocxFinish:
    """What :func:`finish` adds to pandoc's DOCX."""

    title: str  # plain text
    subject: str
    author: str
    keywords: tuple[str, ...]
    network: str  # shown above the title on the cover (style "Couverture réseau")
    cover: tuple[tuple[str, str], ...]  # (paragraph style, text) under the cover's date
    header: str  # running header, on every page but the cover
    draft: bool  # True: watermark "Document de travail" on every page
    created: dt.datetime  # naive, written to the core properties (fixed for determinism)


def finish(path: Path, spec: DocxFinish) -> None:
    """Edit the pandoc-written DOCX at ``path`` in place."""
    import docx  # python-docx; imported here so that other formats do not pay for it

    document = docx.Document(str(path))
    styles = _Styles(document)
    _cover(document, spec, styles)
    _fill_toc(document, styles)
    _headers_footers(document, spec, styles)
    _core_properties(document, spec)
    document.save(str(path))


# -- XML helpers ----------------------------------------------------------------------------


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _el(tag: str, attrs: dict[str, str] | None = None, *children: Element) -> Element:
    """A ``w:`` element (python-docx's element classes), with ``w:`` attributes."""
    from docx.oxml import OxmlElement

    element = OxmlElement(f"w:{tag}")
    for name, value in (attrs or {}).items():
        element.set(_w(name), value)
    for c in children:
        element.append(c)
    return element


def _run(*children: Element, rpr: Element | None = None) -> Element:
    run = _el("r")
    if rpr is not None:
        run.append(rpr)
    for c in children:
        run.append(c)
    return run


def _text(text: str) -> Element:
    t = _el("t")
    t.text = text
    if text != text.strip() or "  " in text:
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


def _instr(text: str) -> Element:
    instr = _el("instrText")
    instr.text = text
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return instr


def _fld(kind: str) -> Element:
    return _el("fldChar", {"fldCharType": kind})


def _field_runs(
    instruction: str, result: str | Element, prop: Element | None = None
) -> list[Element]:
    """The runs of a complex field: begin, instruction, separate, cached result (a text or
    a ``w:t``), end; ``prop`` is a run property given to each run."""
    from copy import deepcopy

    def r(*children: Element) -> Element:
        props = _el("rPr", None, deepcopy(prop)) if prop is not None else None
        return _run(*children, rpr=props)

    cached = _text(result) if isinstance(result, str) else result
    return [
        r(_fld("begin")),
        r(_instr(f" {instruction} ")),
        r(_fld("separate")),
        r(cached),
        r(_fld("end")),
    ]


def _ppr(paragraph: Element) -> Element:
    ppr = paragraph.find(_w("pPr"))
    if ppr is None:
        ppr = _el("pPr")
        paragraph.insert(0, ppr)
    return ppr


def _text_of(element: Element) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t")))


class _Styles:
    """The paragraph styles of the document, by name (case-insensitive) and by id."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.by_id: dict[str, Element] = {}
        self.id_by_name: dict[str, str] = {}
        for style in document.styles.element.findall(_w("style")):
            if style.get(_w("type")) != "paragraph":
                continue
            sid = style.get(_w("styleId")) or ""
            name = style.find(_w("name"))
            self.by_id[sid] = style
            if name is not None:
                self.id_by_name.setdefault((name.get(_w("val")) or "").lower(), sid)

    def id(self, name: str) -> str | None:
        """The id of the paragraph style called ``name`` ("toc 1" or "TOC 1"…), or None."""
        return self.id_by_name.get(name.lower())

    def name_of(self, paragraph: Element) -> str:
        sid = self.style_id_of(paragraph)
        style = self.by_id.get(sid or "")
        name = style.find(_w("name")) if style is not None else None
        return (name.get(_w("val")) or "") if name is not None else ""

    @staticmethod
    def style_id_of(paragraph: Element) -> str | None:
        ppr = paragraph.find(_w("pPr"))
        pstyle = ppr.find(_w("pStyle")) if ppr is not None else None
        return pstyle.get(_w("val")) if pstyle is not None else None

    def chain(self, sid: str | None) -> Iterator[Element]:
        """The style ``sid`` and the styles it is based on."""
        seen: set[str] = set()
        while sid and sid not in seen and sid in self.by_id:
            seen.add(sid)
            style = self.by_id[sid]
            yield style
            based = style.find(_w("basedOn"))
            sid = based.get(_w("val")) if based is not None else None

    def page_break_before(self, paragraph: Element) -> bool:
        """Whether the paragraph starts a page (its own pPr, else its styles')."""
        ppr = paragraph.find(_w("pPr"))
        sources = [ppr] if ppr is not None else []
        sources += [s.find(_w("pPr")) for s in self.chain(self.style_id_of(paragraph))]
        for source in sources:
            if source is None:
                continue
            pbb = source.find(_w("pageBreakBefore"))
            if pbb is not None:
                return pbb.get(_w("val"), "true") not in ("0", "false", "off")
        return False

    def heading_level(self, paragraph: Element) -> int | None:
        """The level of a heading: its style "heading N", else its own outline level."""
        match = re.fullmatch(r"heading ([1-9])", self.name_of(paragraph).lower())
        if match:
            return int(match.group(1))
        ppr = paragraph.find(_w("pPr"))
        outline = ppr.find(_w("outlineLvl")) if ppr is not None else None
        if outline is not None and (outline.get(_w("val")) or "").isdigit():
            level = int(outline.get(_w("val"))) + 1
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
        style = _el("style", {"type": "paragraph", "styleId": "Header"})
        style.append(_el("name", {"val": "header"}))
        base = footer or ("Normal" if "Normal" in self.by_id else None)
        if base:
            style.append(_el("basedOn", {"val": base}))
        style.append(_el("uiPriority", {"val": "99"}))
        style.append(_el("unhideWhenUsed"))
        bottom = {"val": "single", "sz": "4", "space": "4", "color": "B8C6CA"}
        ppr = _el(
            "pPr",
            None,
            _el("pBdr", None, _el("bottom", bottom)),
            _el("spacing", {"before": "0", "after": "0"}),
            _el("jc", {"val": "center"}),
        )
        style.append(ppr)
        self.document.styles.element.append(style)
        self.by_id["Header"] = style
        self.id_by_name["header"] = "Header"
        return "Header"


def _set_style(paragraph: Element, sid: str | None) -> None:
    if sid is None and paragraph.find(_w("pPr")) is None:
        return
    ppr = _ppr(paragraph)
    for old in ppr.findall(_w("pStyle")):
        ppr.remove(old)
    if sid is not None:
        ppr.insert(0, _el("pStyle", {"val": sid}))


# -- cover --------------------------------------------------------------------------------


def _cover(document: Document, spec: DocxFinish, styles: _Styles) -> None:
    """The network above the title, the details under the date, then a new page."""
    body = document.element.body
    paragraphs = body.findall(_w("p"))
    for p in paragraphs:  # the author is named in the details, with its role
        if styles.name_of(p) == "Author":
            body.remove(p)
    paragraphs = body.findall(_w("p"))
    title = next((p for p in paragraphs if styles.name_of(p) == "Title"), None)
    last = None
    for p in paragraphs:
        if styles.name_of(p) in COVER_STYLES:
            last = p
        elif last is not None:
            break
    if title is not None and spec.network:
        network = _el("p")
        _set_style(network, styles.id("Couverture réseau"))
        network.append(_run(_text(spec.network)))
        title.addprevious(network)
    if last is None:
        return
    for style, text in spec.cover:
        p = _el("p")
        _set_style(p, styles.id(style))
        p.append(_run(_text(text)))
        last.addnext(p)
        last = p
    following = last.getnext()
    first = following
    if following is not None and following.tag == _w("sdt"):
        content = following.find(_w("sdtContent"))
        first = content.find(_w("p")) if content is not None else None
    # A page break run, unless the next paragraph starts a page anyway (the contents'
    # heading does, as Heading 1): Word would then leave an empty page.
    if first is None or first.tag != _w("p") or not styles.page_break_before(first):
        last.append(_run(_el("br", {"type": "page"})))


# -- table of contents ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    level: int
    anchor: str
    runs: tuple[Element, ...]


def _toc_sdt(body: Element) -> Element | None:
    for sdt in body.findall(_w("sdt")):
        gallery = sdt.find(f"{_w('sdtPr')}/{_w('docPartObj')}/{_w('docPartGallery')}")
        if gallery is not None and gallery.get(_w("val")) == "Table of Contents":
            return sdt
    return None


def _fill_toc(document: Document, styles: _Styles) -> None:
    """Write the result of pandoc's empty TOC field: the entries, linked, with page numbers."""
    body = document.element.body
    sdt = _toc_sdt(body)
    content = sdt.find(_w("sdtContent")) if sdt is not None else None
    if sdt is None or content is None:
        return
    field_p = next((p for p in content.findall(_w("p")) if "TOC" in "".join(_instr_texts(p))), None)
    if field_p is None:
        return
    instruction = "".join(_instr_texts(field_p)).strip()
    begin = next(iter(field_p.iter(_w("fldChar"))), None)
    levels = _toc_levels(instruction)
    entries = list(_toc_entries(body, sdt, styles, levels))
    if not entries:
        return
    tab_pos = _text_width(document)
    results: list[tuple[str, Element]] = []  # (anchor, cached page number's w:t)
    for i, entry in enumerate(entries):
        p = _el("p")
        ppr = _ppr(p)
        sid = styles.id(f"toc {entry.level}")
        if sid is not None:
            ppr.append(_el("pStyle", {"val": sid}))
        if tab_pos:
            tab = {"val": "right", "leader": "dot", "pos": str(tab_pos)}
            ppr.append(_el("tabs", None, _el("tab", tab)))
        if i == 0:
            fld_begin = _fld("begin")
            if begin is not None:  # keep pandoc's attributes (w:dirty: Word refreshes it)
                for key, value in sorted(begin.attrib.items()):
                    fld_begin.set(key, value)
            p.append(_run(fld_begin))
            p.append(_run(_instr(f" {instruction} ")))
            p.append(_run(_fld("separate")))
        link = _el("hyperlink", {"anchor": entry.anchor, "history": "1"})
        for run in entry.runs:
            link.append(run)
        # No w:webHidden (Word's habit here): LibreOffice hides such runs outside an index.
        link.append(_run(_el("tab"), rpr=_el("rPr", None, _el("noProof"))))
        page = _text("")
        results.append((entry.anchor, page))
        for run in _field_runs(f"PAGEREF {entry.anchor} \\h", page, _el("noProof")):
            link.append(run)
        p.append(link)
        if i == len(entries) - 1:
            p.append(_run(_fld("end")))
        field_p.addprevious(p)
    content.remove(field_p)
    pages = _Pages(document, styles).run()
    for anchor, t in results:
        t.text = str(pages.get(anchor, ""))


def _instr_texts(element: Element) -> Iterator[str]:
    for instr in element.iter(_w("instrText")):
        yield instr.text or ""


def _toc_levels(instruction: str) -> tuple[int, int]:
    match = re.search(r'\\o\s+"(\d)-(\d)"', instruction)
    if match is None:
        return TOC_DEFAULT_LEVELS
    return int(match.group(1)), int(match.group(2))


def _toc_entries(
    body: Element, sdt: Element, styles: _Styles, levels: tuple[int, int]
) -> Iterator[_Entry]:
    """The headings after the contents (those before it are the cover's), with an anchor."""
    counts = Counter(b.get(_w("name")) for b in body.iter(_w("bookmarkStart")))
    names = set(counts)
    next_id = max([0, *(_int(b, "id", 0) for b in body.iter(_w("bookmarkStart")))]) + 1
    serial = 0
    for p in sdt.itersiblings():
        if p.tag != _w("p"):
            continue
        level = styles.heading_level(p)
        if level is None or not levels[0] <= level <= levels[1]:
            continue
        runs = tuple(_entry_runs(p))
        if not runs:
            continue
        anchor = _heading_bookmark(p)
        if anchor is None or counts[anchor] > 1:  # duplicate ids in the master: ambiguous
            serial += 1
            while f"_Toc{serial:08d}" in names:
                serial += 1
            anchor = f"_Toc{serial:08d}"
            names.add(anchor)
            ppr = p.find(_w("pPr"))
            start = _el("bookmarkStart", {"id": str(next_id), "name": anchor})
            if ppr is not None:
                ppr.addnext(start)
            else:
                p.insert(0, start)
            p.append(_el("bookmarkEnd", {"id": str(next_id)}))
            next_id += 1
        yield _Entry(level, anchor, runs)


def _heading_bookmark(paragraph: Element) -> str | None:
    """pandoc's bookmark of a heading: inside it, or just before it (around the section)."""
    candidates = list(paragraph.iter(_w("bookmarkStart")))
    for sibling in paragraph.itersiblings(preceding=True):
        if sibling.tag != _w("bookmarkStart"):
            break
        candidates.append(sibling)
    for b in candidates:
        name = b.get(_w("name")) or ""
        if name and len(name) <= BOOKMARK_MAX and not re.search(r"[\s\"\\]", name):
            return name
    return None


def _entry_runs(heading: Element) -> Iterator[Element]:
    """The heading's text as runs, keeping italics and super/subscripts (no notes)."""
    from copy import deepcopy

    keep = {_w(t) for t in ("i", "iCs", "vertAlign", "lang")}
    for run in heading.iter(_w("r")):
        if run.find(_w("footnoteReference")) is not None:
            continue
        text = "".join(t.text or "" for t in run.findall(_w("t")))
        if not text:
            continue
        rpr = _el("rPr")
        old = run.find(_w("rPr"))
        for c in old if old is not None else ():
            if c.tag in keep:
                rpr.append(deepcopy(c))
        yield _run(_text(text), rpr=rpr if len(rpr) else None)


def _text_width(document: Document) -> int | None:
    """The width between the margins of the last section, in twentieths of a point."""
    sect = document.element.body.find(_w("sectPr"))
    size = sect.find(_w("pgSz")) if sect is not None else None
    margins = sect.find(_w("pgMar")) if sect is not None else None
    if size is None or margins is None:
        return None
    try:
        width = int(size.get(_w("w")))
        left, right = int(margins.get(_w("left"))), int(margins.get(_w("right")))
    except (TypeError, ValueError):
        return None
    return width - left - right if width > left + right else None


# -- header, footer, watermark --------------------------------------------------------------


def _headers_footers(document: Document, spec: DocxFinish, styles: _Styles) -> None:
    header_sid = styles.ensure_header() if spec.header else styles.id("header")
    footer_sid = styles.id("footer")
    even = document.settings.odd_and_even_pages_header_footer
    shapes = 0
    for index, section in enumerate(document.sections):
        if index == 0:
            section.different_first_page_header_footer = True
        kinds: list[tuple[_Header, _Footer, bool]] = [(section.header, section.footer, True)]
        if even:
            kinds.append((section.even_page_header, section.even_page_footer, True))
        if section.different_first_page_header_footer:
            first = index == 0  # the cover: no running header, no page number
            kinds.append((section.first_page_header, section.first_page_footer, not first))
        for header, footer, running in kinds:
            if index > 0 and header.is_linked_to_previous and footer.is_linked_to_previous:
                continue  # the previous section's
            if spec.header or spec.draft:
                hdr = header._element  # the part is created if missing
                _fill_header(hdr, spec.header if running else "", header_sid)
                if spec.draft:
                    shapes += 1
                    _add_watermark(hdr, shapes)
            if running:
                _ensure_page_numbers(footer._element, footer_sid)


def _fill_header(hdr: Element, text: str, sid: str | None) -> None:
    paragraphs = hdr.findall(_w("p"))
    p = paragraphs[0] if paragraphs else None
    if p is None:
        p = _el("p")
        hdr.append(p)
    if not text:  # no rule, no style on the cover's header
        _set_style(p, None)
        return
    if text in _text_of(hdr):
        return
    for old in p.findall(_w("r")):
        p.remove(old)
    _set_style(p, sid)
    p.append(_run(_text(text)))


def _ensure_page_numbers(ftr: Element, sid: str | None) -> None:
    """« n / total » in the footer, unless a PAGE field is already there."""
    if any(re.match(r"\s*PAGE\b", t) for t in _instr_texts(ftr)):
        return
    simple = (s.get(_w("instr")) or "" for s in ftr.iter(_w("fldSimple")))
    if any(re.match(r"\s*PAGE\b", t) for t in simple):
        return
    paragraphs = ftr.findall(_w("p"))
    p = paragraphs[0] if paragraphs else None
    if p is None:
        p = _el("p")
        ftr.append(p)
    ppr = _ppr(p)
    if ppr.find(_w("pStyle")) is None:
        if sid is not None:
            _set_style(p, sid)
        elif ppr.find(_w("jc")) is None:
            tail = [c for c in ppr if c.tag in (_w("rPr"), _w("sectPr"), _w("pPrChange"))]
            if tail:
                tail[0].addprevious(_el("jc", {"val": "center"}))
            else:
                ppr.append(_el("jc", {"val": "center"}))
    for run in _field_runs("PAGE", "1"):
        p.append(run)
    p.append(_run(_text(" / ")))
    for run in _field_runs("NUMPAGES", "1"):
        p.append(run)


WATERMARK_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e">'
    "<v:formulas>"
    '<v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
    '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>'
    '<v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>'
    "</v:formulas>"
    '<v:path textpathok="t" o:connecttype="custom"'
    ' o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/>'
    '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
)


def _add_watermark(hdr: Element, number: int) -> None:
    """Word's text watermark: VML WordArt, light grey, 315°, behind the text, centred."""
    from docx.oxml import parse_xml

    style = ";".join(
        (
            "position:absolute",
            "margin-left:0",
            "margin-top:0",
            "width:468pt",
            "height:117pt",
            "rotation:315",
            "z-index:-251654144",
            "mso-position-horizontal:center",
            "mso-position-horizontal-relative:margin",
            "mso-position-vertical:center",
            "mso-position-vertical-relative:margin",
        )
    )
    xml = (
        f'<w:r xmlns:w="{W_NS}" xmlns:v="{V_NS}" xmlns:o="{O_NS}" xmlns:w10="{W10_NS}">'
        "<w:rPr><w:noProof/></w:rPr><w:pict>"
        f"{WATERMARK_SHAPETYPE}"
        f'<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{2048 + number}"'
        f' type="#_x0000_t136" style="{style}" o:allowincell="f"'
        ' fillcolor="silver" stroked="f">'
        '<v:fill opacity=".5"/>'
        '<v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt"'
        f" string={quoteattr(WATERMARK_TEXT)}/>"
        '<w10:wrap anchorx="margin" anchory="margin"/>'
        "</v:shape></w:pict></w:r>"
    )
    paragraphs = hdr.findall(_w("p"))
    p = paragraphs[0] if paragraphs else None
    if p is None:
        p = _el("p")
        hdr.append(p)
    ppr = p.find(_w("pPr"))
    run = parse_xml(xml)
    if ppr is not None:
        ppr.addnext(run)
    else:
        p.insert(0, run)


# -- core properties ------------------------------------------------------------------------


def _core_properties(document: Document, spec: DocxFinish) -> None:
    props = document.core_properties
    props.title = spec.title
    props.subject = spec.subject
    props.keywords = ", ".join(spec.keywords)
    props.author = spec.author
    props.language = "fr-FR"
    props.created = spec.created
    props.modified = spec.created
    props.last_modified_by = spec.author
    props.revision = 1


# -- page estimate --------------------------------------------------------------------------
#
# The page numbers cached in the contents are what LibreOffice shows: it imports the result
# of a TOC field as the fixed text of its own index (fields inside it included) and does
# not update indexes when it opens a document or converts it (w:updateFields and w:dirty
# are ignored). Word shows them too until it updates the field (pandoc marks it dirty, so
# Word offers to when the document is opened). Only a layout gives the real numbers; this is
# a small one: words wrapped with Arial's advance widths (Liberation Sans, which LibreOffice
# uses for it, has the same), line heights from the font size and line spacing, spacing,
# borders, page breaks before, keep-with-next, widows and orphans, table rows, images and
# footnotes. It is usually right, and off by one page where a paragraph barely fits.

TWIPS_PER_POINT = 20
EMU_PER_TWIP = 635
_ASCII = "".join(map(chr, range(32, 127)))  # space to tilde
_ASCII_WIDTHS = (
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278]
    + [556] * 10
    + [278, 278, 584, 584, 584, 556, 1015]
    + [667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833]
    + [722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611]
    + [278, 278, 278, 469, 556, 333]
    + [556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833]
    + [556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500]
    + [334, 260, 334, 584]
)
# Advance widths of Arial (1/1000 em), with French punctuation and ligatures.
ARIAL_WIDTHS: dict[str, int] = {
    **dict(zip(_ASCII, _ASCII_WIDTHS, strict=True)),
    "\u00a0": 278,
    "\u202f": 200,
    "«": 556,
    "»": 556,
    "‘": 222,
    "’": 222,
    "“": 333,
    "”": 333,
    "–": 556,
    "—": 1000,
    "…": 1000,
    "€": 556,
    "œ": 944,
    "Œ": 1000,
    "æ": 889,
    "Æ": 1000,
    "°": 400,
    "•": 350,
}
BOLD_FACTOR = 1.06
SERIF_FACTOR = 1.15  # Georgia (or the serif that replaces it) is wider than Arial
LINE_HEIGHT = 1.15  # Arial's ascent, descent and line gap, in em
MIN_LINES = 2  # widow and orphan control


@functools.lru_cache(maxsize=65536)
def _word_width(word: str) -> int:
    """A word's width in Arial's units (words repeat: the sum is done once per word)."""
    return sum(_char_width(c) for c in word)


def _char_width(char: str) -> int:
    width = ARIAL_WIDTHS.get(char)
    if width is None:
        base = unicodedata.normalize("NFD", char)[:1]
        width = ARIAL_WIDTHS.get(base, 556)
    return width


@dataclass(slots=True)
class _Par:
    """What the layout needs of a paragraph (sizes in twips)."""

    before: int
    after: int
    lines: list[int]  # the height of each line, -1 for a page break
    break_before: bool
    keep_next: bool
    keep_lines: bool
    widows: bool
    notes: int  # the height of its footnotes
    top: int = 0  # top border, with its spacing
    bottom: int = 0
    borders: str = ""  # paragraphs with the same borders share one box


_NO_PAR = _Par(0, 0, [], False, False, False, False, 0)


@dataclass(frozen=True, slots=True)
class _Props:
    """A paragraph's properties, resolved through its style chain (sizes in twips)."""

    before: int
    after: int
    line: int
    rule: str  # line spacing rule: auto, exact or atLeast
    left: int
    right: int
    first_line: int
    size: float
    bold: bool
    serif: bool
    break_before: bool
    keep_next: bool
    keep_lines: bool
    widows: bool
    top: int
    bottom: int
    borders: str

    def height(self, font_size: float) -> int:
        """The height of a line whose largest text is ``font_size`` points."""
        natural = font_size * LINE_HEIGHT * TWIPS_PER_POINT
        if self.rule == "exact":
            return self.line
        if self.rule == "atLeast":
            return max(self.line, int(natural))
        return int(natural * self.line / 240)


class _Pages:
    """A rough pagination of the body: the page of each bookmark."""

    def __init__(self, document: Document, styles: _Styles) -> None:
        from docx.oxml import parse_xml

        self.styles = styles
        body = document.element.body
        self.body = body
        sect = body.find(_w("sectPr"))
        size = sect.find(_w("pgSz")) if sect is not None else None
        margins = sect.find(_w("pgMar")) if sect is not None else None
        height = _int(size, "h", 16838)
        self.height = height - _int(margins, "top", 1440) - _int(margins, "bottom", 1440)
        self.width = _text_width(document) or 9026
        root = document.styles.element.find(_w("docDefaults"))
        self.default_ppr = (
            root.find(f"{_w('pPrDefault')}/{_w('pPr')}") if root is not None else None
        )
        self.default_rpr = (
            root.find(f"{_w('rPrDefault')}/{_w('rPr')}") if root is not None else None
        )
        self.table_styles = {
            s.get(_w("styleId")): s
            for s in document.styles.element.findall(_w("style"))
            if s.get(_w("type")) == "table"
        }
        self.numbering: Element | None = None
        self.footnotes: dict[str, Element] = {}
        for rel in document.part.rels.values():
            if rel.is_external:
                continue
            if rel.reltype.endswith("/numbering"):
                self.numbering = parse_xml(rel.target_part.blob)
            elif rel.reltype.endswith("/footnotes"):
                notes = parse_xml(rel.target_part.blob)
                self.footnotes = {n.get(_w("id")): n for n in notes.findall(_w("footnote"))}
        self.page = 1
        self.y = 0  # height used on the page
        self.hard = True  # whether the page began with a page break
        self.last = _NO_PAR  # the paragraph above
        self.anchors: dict[str, int] = {}
        self.pending: list[str] = []  # bookmarks waiting for the next paragraph
        self._known: dict[tuple[bytes, str | None, int], _Props] = {}

    def run(self) -> dict[str, int]:
        """The page of every bookmark of the body."""
        blocks = list(self._blocks(self.body, None))
        for i, (element, table) in enumerate(blocks):
            if element.tag == _w("bookmarkStart"):
                self.pending.append(element.get(_w("name")) or "")
            elif element.tag == _w("tbl"):
                self._table(element)
            else:
                par = self._paragraph(element, table, self.width)
                following = next(
                    (
                        self._paragraph(e, t, self.width)
                        for e, t in blocks[i + 1 :]
                        if e.tag == _w("p")
                    ),
                    None,
                )
                self._place(par, following)
                for b in element.iter(_w("bookmarkStart")):
                    self.anchors.setdefault(b.get(_w("name")) or "", self.page)
        return self.anchors

    def _blocks(
        self, parent: Element, table: Element | None
    ) -> Iterator[tuple[Element, Element | None]]:
        for child in parent:
            if child.tag in (_w("p"), _w("tbl"), _w("bookmarkStart")):
                yield child, table
            elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
                yield from self._blocks(child, table)

    # layout

    def _new_page(self, hard: bool = False) -> None:
        self.page += 1
        self.y = 0
        self.hard = hard
        self.last = _NO_PAR

    def _place(self, par: _Par, following: _Par | None) -> None:
        segments: list[list[int]] = [[]]  # the lines between page breaks
        for h in par.lines:
            if h < 0:
                segments.append([])
            else:
                segments[-1].append(h)
        if par.break_before and self.y > 0:
            self._new_page(hard=True)
        top = par.top
        if par.borders and par.borders == self.last.borders:  # one box: no border between
            top = 0
            self.y -= self.last.bottom
        # Spacing between paragraphs is the larger of the two (as LibreOffice lays out
        # DOCX); the space before is dropped at the top of a page, but after a page break.
        before = max(par.before - self.last.after, 0) if self.y > 0 else par.before
        if self.y == 0 and not self.hard:
            before = 0
        if self.y > 0 and (par.keep_lines or par.keep_next or len(segments[0]) <= MIN_LINES):
            need = before + top + sum(segments[0]) + par.notes
            if par.keep_next and following is not None:
                need += following.before + sum(h for h in following.lines[:MIN_LINES] if h > 0)
            if self.y + need > self.height:
                self._new_page()
                before = 0
        self.y += before + top + par.notes  # the notes: on the page of the call, roughly
        anchored = False
        for k, lines in enumerate(segments):
            if k > 0:
                self._new_page(hard=True)
            while lines:
                room = self.height - self.y
                fit, used = 0, 0
                while fit < len(lines) and used + lines[fit] <= room:
                    used += lines[fit]
                    fit += 1
                if fit < len(lines) and par.widows:
                    if fit < MIN_LINES:
                        fit = 0  # no orphan: the paragraph starts on the next page
                    elif len(lines) - fit < MIN_LINES:
                        fit = max(len(lines) - MIN_LINES, 1)  # no widow
                if fit == 0 and self.y == 0:
                    fit = 1  # taller than a page
                if fit and not anchored:
                    self._anchor()
                    anchored = True
                self.y += sum(lines[:fit])
                lines = lines[fit:]
                if lines:
                    self._new_page()
        if not anchored:
            self._anchor()
        self.y = min(self.y + par.bottom + par.after, self.height)
        self.last = par

    def _anchor(self) -> None:
        for name in self.pending:
            self.anchors.setdefault(name, self.page)
        self.pending.clear()

    def _table(self, tbl: Element) -> None:
        grid = [_int(c, "w", 0) for c in tbl.iter(_w("gridCol"))]
        total = sum(grid) or self.width
        scale = min(1.0, self.width / total)
        margin = 2 * 108
        tbl_style = tbl.find(f"{_w('tblPr')}/{_w('tblStyle')}")
        style = self.table_styles.get(tbl_style.get(_w("val"))) if tbl_style is not None else None
        first = True
        header = 0
        for row in tbl.findall(_w("tr")):
            heights = []
            col = 0
            for cell in row.findall(_w("tc")):
                span = cell.find(f"{_w('tcPr')}/{_w('gridSpan')}")
                n = _int(span, "val", 1) if span is not None else 1
                width = int(sum(grid[col : col + n]) * scale) if grid else self.width
                col += n
                height = 0
                for p in cell.iter(_w("p")):
                    par = self._paragraph(p, style, max(width - margin, 200))
                    height += par.before + sum(par.lines) + par.after + par.notes
                heights.append(height)
            row_height = max(heights, default=0) + 2 * 60
            if self.y > 0 and self.y + row_height > self.height:
                self._new_page()
                self.y += header
            self._anchor()
            self.y += row_height
            is_header = row.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None
            if first and (is_header or _table_header(style)):
                header = row_height
            first = False
        self.y += 120  # the paragraph spacing after a table

    # paragraph properties

    def _paragraph(self, p: Element, table_style: Element | None, width: int) -> _Par:
        props = self._props(p, table_style)
        avail = max(width - props.left - props.right, 400)
        lines, notes = self._lines(p, avail, props.first_line, props.size, props.bold, props.serif)
        return _Par(
            before=props.before,
            after=props.after,
            lines=[-1 if s < 0 else max(props.height(s), image) for s, image in lines],
            break_before=props.break_before,
            keep_next=props.keep_next,
            keep_lines=props.keep_lines,
            widows=props.widows,
            notes=notes,
            top=props.top,
            bottom=props.bottom,
            borders=props.borders,
        )

    def _props(self, p: Element, table_style: Element | None) -> _Props:
        """The paragraph's resolved properties; paragraphs with the same own properties,
        style and table style share them (thousands of paragraphs, a few dozen kinds)."""
        own = p.find(_w("pPr"))
        sid = self.styles.style_id_of(p)
        key = (
            etree.tostring(own) if own is not None else b"",
            sid,
            id(table_style) if table_style is not None else 0,
        )
        props = self._known.get(key)
        if props is None:
            props = self._known[key] = self._resolve(own, sid, table_style)
        return props

    def _resolve(self, own: Element | None, sid: str | None, table_style: Element | None) -> _Props:
        chain = [own]
        chain += [s.find(_w("pPr")) for s in self.styles.chain(sid)]
        if table_style is not None:
            chain.append(table_style.find(_w("pPr")))
        chain.append(self.default_ppr)
        pprs = [c for c in chain if c is not None]
        rprs = [s.find(_w("rPr")) for s in self.styles.chain(sid)]
        if table_style is not None:
            rprs.append(table_style.find(_w("rPr")))
        rprs.append(self.default_rpr)
        base_rprs = [r for r in rprs if r is not None]

        def ppr_attr(tag: str, attr: str) -> str | None:
            for ppr in pprs:
                el = ppr.find(_w(tag))
                if el is not None and el.get(_w(attr)) is not None:
                    return str(el.get(_w(attr)))
            return None

        def ppr_int(tag: str, *attrs: str) -> int:
            for attr in attrs:
                value = ppr_attr(tag, attr)
                if value is not None:
                    return _twips(value)
            return 0

        def ppr_flag(tag: str) -> bool:
            for ppr in pprs:
                el = ppr.find(_w(tag))
                if el is not None:
                    return el.get(_w("val"), "true") not in ("0", "false", "off")
            return False

        left = ppr_int("ind", "left", "start")
        num = self._numbering_indent(pprs)
        if num is not None:
            left = max(left, num)
        box = {"top": 0, "bottom": 0}
        borders = next((b for b in (p.find(_w("pBdr")) for p in pprs) if b is not None), None)
        key = (
            repr([(b.tag, sorted(b.attrib.items())) for b in borders])
            if borders is not None
            else ""
        )
        for side in box:
            b = borders.find(_w(side)) if borders is not None else None
            if b is not None and b.get(_w("val")) not in (None, "nil", "none"):
                # the border's spacing (points) and width (eighths of a point)
                box[side] = _int(b, "space", 0) * TWIPS_PER_POINT + _int(b, "sz", 0) * 5 // 2
        size, bold, serif = _font(base_rprs)
        return _Props(
            before=ppr_int("spacing", "before"),
            after=ppr_int("spacing", "after"),
            line=ppr_int("spacing", "line") or 240,
            rule=ppr_attr("spacing", "lineRule") or "auto",
            left=left,
            right=ppr_int("ind", "right", "end"),
            first_line=ppr_int("ind", "firstLine") - ppr_int("ind", "hanging"),
            size=size,
            bold=bold,
            serif=serif,
            break_before=ppr_flag("pageBreakBefore") or ppr_flag("sectPr"),
            keep_next=ppr_flag("keepNext"),
            keep_lines=ppr_flag("keepLines"),
            widows=ppr_flag("widowControl"),
            top=box["top"],
            bottom=box["bottom"],
            borders=key,
        )

    def _numbering_indent(self, pprs: list[Element]) -> int | None:
        num_pr = next((n for n in (p.find(_w("numPr")) for p in pprs) if n is not None), None)
        if num_pr is None:
            return None
        num_id = num_pr.find(_w("numId"))
        ilvl = num_pr.find(_w("ilvl"))
        level = _int(ilvl, "val", 0) if ilvl is not None else 0
        default = 720 * (level + 1)
        if self.numbering is None or num_id is None:
            return default
        num = next(
            (
                n
                for n in self.numbering.findall(_w("num"))
                if n.get(_w("numId")) == num_id.get(_w("val"))
            ),
            None,
        )
        abstract_id = num.find(_w("abstractNumId")) if num is not None else None
        if abstract_id is None:
            return default
        for abstract in self.numbering.findall(_w("abstractNum")):
            if abstract.get(_w("abstractNumId")) == abstract_id.get(_w("val")):
                for lvl in abstract.findall(_w("lvl")):
                    if _int(lvl, "ilvl", -1) == level:
                        ind = lvl.find(f"{_w('pPr')}/{_w('ind')}")
                        if ind is not None:
                            return _int(ind, "left", _int(ind, "start", default))
        return default

    def _lines(
        self, p: Element, width: int, first_line: int, size: float, bold: bool, serif: bool
    ) -> tuple[list[tuple[float, int]], int]:
        """Each line's font size and image height; the height of the footnotes."""
        lines: list[tuple[float, int]] = []
        notes = 0
        x = float(max(first_line, 0))
        line_size, line_image = size, 0
        started = False

        def newline() -> None:
            nonlocal x, line_size, line_image, started
            lines.append((line_size, line_image))
            x, line_size, line_image, started = 0.0, size, 0, False

        for run in p.iter(_w("r")):
            if run.getparent().tag in (_w("del"), _w("moveFrom")):
                continue
            r_size, r_bold, r_serif = _font([run.find(_w("rPr"))], size, bold, serif)
            factor = r_size * TWIPS_PER_POINT / 1000 * (BOLD_FACTOR if r_bold else 1)
            factor *= SERIF_FACTOR if r_serif else 1
            for child in run:
                if child.tag == _w("t"):
                    for word in re.split(r"( )", child.text or ""):
                        if not word:
                            continue
                        w = _word_width(word) * factor
                        if word != " " and x + w > width and started:
                            newline()
                        if word == " " and not started:
                            continue
                        while w > width:  # a word longer than the line
                            lines.append((max(line_size, r_size), line_image))
                            w -= width
                        x += w
                        started = True
                        line_size = max(line_size, r_size)
                elif child.tag == _w("tab"):
                    x = (int(x) // 720 + 1) * 720
                    started = True
                elif child.tag in (_w("br"), _w("cr")):
                    if child.get(_w("type")) == "page":
                        newline()
                        lines.append((-1, 0))  # page break marker
                    else:
                        newline()
                elif child.tag == _w("drawing"):
                    for extent in child.iter(
                        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
                    ):
                        line_image = max(
                            line_image, _int(extent, "cy", 0, ns=False) // EMU_PER_TWIP
                        )
                        started = True
                        break
                elif child.tag == _w("footnoteReference"):
                    notes += self._footnote(child.get(_w("id")) or "")
        if started or not lines:
            newline()
        return lines, notes

    def _footnote(self, note_id: str) -> int:
        note = self.footnotes.get(note_id)
        if note is None:
            return 0
        height = 0
        for p in note.iter(_w("p")):
            par = self._paragraph(p, None, self.width)
            height += par.before + sum(h for h in par.lines if h > 0) + par.after
        return height


def _twips(value: str) -> int:
    """A measure in twips: a number, or a number and a unit (pt, in, cm, mm), else 0."""
    match = re.fullmatch(r"\s*(-?[\d.]+)\s*(pt|in|cm|mm|pc|pi)?\s*", value)
    if match is None:
        return 0
    try:
        number = float(match.group(1))
    except ValueError:
        return 0
    per_unit = {None: 1, "pt": 20, "in": 1440, "cm": 567, "mm": 56.7, "pc": 240, "pi": 240}
    return int(number * per_unit[match.group(2)])


def _int(element: Element | None, attr: str, default: int, ns: bool = True) -> int:
    if element is None:
        return default
    value = element.get(_w(attr) if ns else attr)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _font(
    rprs: list[Element | None], size: float = 11.0, bold: bool = False, serif: bool = False
) -> tuple[float, bool, bool]:
    """Font size (points), bold and serif from the first rPr that says each."""
    found_size = found_bold = found_serif = False
    for rpr in rprs:
        if rpr is None:
            continue
        sz = rpr.find(_w("sz"))
        if not found_size and sz is not None and _int(sz, "val", 0):
            size, found_size = _int(sz, "val", 22) / 2, True
        b = rpr.find(_w("b"))
        if not found_bold and b is not None:
            bold, found_bold = b.get(_w("val"), "true") not in ("0", "false", "off"), True
        fonts = rpr.find(_w("rFonts"))
        if not found_serif and fonts is not None and fonts.get(_w("ascii")):
            name = (fonts.get(_w("ascii")) or "").lower()
            serif, found_serif = (
                any(k in name for k in ("georgia", "serif", "times", "cambria")),
                True,
            )
            serif = serif and "sans" not in name
    return size, bold, serif


def _table_header(style: Element | None) -> bool:
    if style is None:
        return False
    return any(
        s.get(_w("type")) == "firstRow" and s.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None
        for s in style.findall(_w("tblStylePr"))
    )
