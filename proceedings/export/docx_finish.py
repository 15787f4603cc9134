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
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import _Footer, _Header

from proceedings.export.docx_pages import Pages, int_attr, text_width
from proceedings.export.docx_xml import W_NS, Element, Styles, el, text_of
from proceedings.export.docx_xml import w as _w

# The cover's photo in Word: the text's width (the page's margins are Word's own)
COVER_PHOTO_WIDTH_CM = 16.0
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

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
    photo: CoverPhoto | None = None  # the cover's photo, under the details


@dataclass(frozen=True, slots=True)
class CoverPhoto:
    """The cover's photo: its file (a band, already cropped), description and credit."""

    path: Path
    alt: str
    credit: str = ""


def finish(path: Path, spec: DocxFinish) -> None:
    """Edit the pandoc-written DOCX at ``path`` in place."""
    import docx  # python-docx; imported here so that other formats do not pay for it

    document = docx.Document(str(path))
    styles = Styles(document)
    _cover(document, spec, styles)
    _fill_toc(document, styles)
    _headers_footers(document, spec, styles)
    _core_properties(document, spec)
    document.save(str(path))


def _cover_photo(document: Document, after: Element, photo: CoverPhoto, styles: Styles) -> Element:
    """The cover's photo across the text's width after ``after``, with its description
    (read by screen readers) and its credit; the last paragraph added."""
    from docx.shared import Cm
    from docx.text.paragraph import Paragraph

    p = el("p")
    _set_style(p, styles.id("Couverture détails"))
    after.addnext(p)
    run = Paragraph(p, document._body).add_run()
    run.add_picture(str(photo.path), width=Cm(COVER_PHOTO_WIDTH_CM))
    for prop in p.iter(f"{{{WP_NS}}}docPr"):
        prop.set("descr", photo.alt)
        prop.set("name", "Photo de couverture")
    if not photo.credit:
        return p
    credit = el("p")
    _set_style(credit, styles.id("Couverture détails"))
    credit.append(_run(_text(photo.credit)))
    p.addnext(credit)
    return credit


# -- XML helpers ----------------------------------------------------------------------------


def _run(*children: Element, rpr: Element | None = None) -> Element:
    run = el("r")
    if rpr is not None:
        run.append(rpr)
    for c in children:
        run.append(c)
    return run


def _text(text: str) -> Element:
    t = el("t")
    t.text = text
    if text != text.strip() or "  " in text:
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


def _instr(text: str) -> Element:
    instr = el("instrText")
    instr.text = text
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return instr


def _fld(kind: str) -> Element:
    return el("fldChar", {"fldCharType": kind})


def _field_runs(
    instruction: str, result: str | Element, prop: Element | None = None
) -> list[Element]:
    """The runs of a complex field: begin, instruction, separate, cached result (a text or
    a ``w:t``), end; ``prop`` is a run property given to each run."""
    from copy import deepcopy

    def r(*children: Element) -> Element:
        props = el("rPr", None, deepcopy(prop)) if prop is not None else None
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
        ppr = el("pPr")
        paragraph.insert(0, ppr)
    return ppr


def _set_style(paragraph: Element, sid: str | None) -> None:
    if sid is None and paragraph.find(_w("pPr")) is None:
        return
    ppr = _ppr(paragraph)
    for old in ppr.findall(_w("pStyle")):
        ppr.remove(old)
    if sid is not None:
        ppr.insert(0, el("pStyle", {"val": sid}))


# -- cover --------------------------------------------------------------------------------


def _cover(document: Document, spec: DocxFinish, styles: Styles) -> None:
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
        network = el("p")
        _set_style(network, styles.id("Couverture réseau"))
        network.append(_run(_text(spec.network)))
        title.addprevious(network)
    if last is None:
        return
    for style, text in spec.cover:
        p = el("p")
        _set_style(p, styles.id(style))
        p.append(_run(_text(text)))
        last.addnext(p)
        last = p
    if spec.photo is not None:
        last = _cover_photo(document, last, spec.photo, styles)
    following = last.getnext()
    first = following
    if following is not None and following.tag == _w("sdt"):
        content = following.find(_w("sdtContent"))
        first = content.find(_w("p")) if content is not None else None
    # A page break run, unless the next paragraph starts a page anyway (the contents'
    # heading does, as Heading 1): Word would then leave an empty page.
    if first is None or first.tag != _w("p") or not styles.page_break_before(first):
        last.append(_run(el("br", {"type": "page"})))


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


def _fill_toc(document: Document, styles: Styles) -> None:
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
    tab_pos = text_width(document)
    results: list[tuple[str, Element]] = []  # (anchor, cached page number's w:t)
    for i, entry in enumerate(entries):
        p = el("p")
        ppr = _ppr(p)
        sid = styles.id(f"toc {entry.level}")
        if sid is not None:
            ppr.append(el("pStyle", {"val": sid}))
        if tab_pos:
            tab = {"val": "right", "leader": "dot", "pos": str(tab_pos)}
            ppr.append(el("tabs", None, el("tab", tab)))
        if i == 0:
            fld_begin = _fld("begin")
            if begin is not None:  # keep pandoc's attributes (w:dirty: Word refreshes it)
                for key, value in sorted(begin.attrib.items()):
                    fld_begin.set(key, value)
            p.append(_run(fld_begin))
            p.append(_run(_instr(f" {instruction} ")))
            p.append(_run(_fld("separate")))
        link = el("hyperlink", {"anchor": entry.anchor, "history": "1"})
        for run in entry.runs:
            link.append(run)
        # No w:webHidden (Word's habit here): LibreOffice hides such runs outside an index.
        link.append(_run(el("tab"), rpr=el("rPr", None, el("noProof"))))
        page = _text("")
        results.append((entry.anchor, page))
        for run in _field_runs(f"PAGEREF {entry.anchor} \\h", page, el("noProof")):
            link.append(run)
        p.append(link)
        if i == len(entries) - 1:
            p.append(_run(_fld("end")))
        field_p.addprevious(p)
    content.remove(field_p)
    pages = Pages(document, styles).run()
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
    body: Element, sdt: Element, styles: Styles, levels: tuple[int, int]
) -> Iterator[_Entry]:
    """The headings after the contents (those before it are the cover's), with an anchor."""
    counts = Counter(b.get(_w("name")) for b in body.iter(_w("bookmarkStart")))
    names = set(counts)
    next_id = max([0, *(int_attr(b, "id", 0) for b in body.iter(_w("bookmarkStart")))]) + 1
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
            start = el("bookmarkStart", {"id": str(next_id), "name": anchor})
            if ppr is not None:
                ppr.addnext(start)
            else:
                p.insert(0, start)
            p.append(el("bookmarkEnd", {"id": str(next_id)}))
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
        rpr = el("rPr")
        old = run.find(_w("rPr"))
        for c in old if old is not None else ():
            if c.tag in keep:
                rpr.append(deepcopy(c))
        yield _run(_text(text), rpr=rpr if len(rpr) else None)


# -- header, footer, watermark --------------------------------------------------------------


def _headers_footers(document: Document, spec: DocxFinish, styles: Styles) -> None:
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
        p = el("p")
        hdr.append(p)
    if not text:  # no rule, no style on the cover's header
        _set_style(p, None)
        return
    if text in text_of(hdr):
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
        p = el("p")
        ftr.append(p)
    ppr = _ppr(p)
    if ppr.find(_w("pStyle")) is None:
        if sid is not None:
            _set_style(p, sid)
        elif ppr.find(_w("jc")) is None:
            tail = [c for c in ppr if c.tag in (_w("rPr"), _w("sectPr"), _w("pPrChange"))]
            if tail:
                tail[0].addprevious(el("jc", {"val": "center"}))
            else:
                ppr.append(el("jc", {"val": "center"}))
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
        p = el("p")
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
