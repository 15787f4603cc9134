"""A small page layout of a finished DOCX: the page of each heading, for the page numbers
the contents show (see the comment below)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree  # type: ignore[import-untyped]  # no type stubs for lxml here

from proceedings.export.docx_xml import Element, Styles
from proceedings.export.docx_xml import w as _w

if TYPE_CHECKING:
    from docx.document import Document


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


class Pages:
    """A rough pagination of the body: the page of each bookmark."""

    def __init__(self, document: Document, styles: Styles) -> None:
        from docx.oxml import parse_xml

        self.styles = styles
        body = document.element.body
        self.body = body
        sect = body.find(_w("sectPr"))
        size = sect.find(_w("pgSz")) if sect is not None else None
        margins = sect.find(_w("pgMar")) if sect is not None else None
        height = int_attr(size, "h", 16838)
        self.height = height - int_attr(margins, "top", 1440) - int_attr(margins, "bottom", 1440)
        self.width = text_width(document) or 9026
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
        grid = [int_attr(c, "w", 0) for c in tbl.iter(_w("gridCol"))]
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
                n = int_attr(span, "val", 1) if span is not None else 1
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
                box[side] = (
                    int_attr(b, "space", 0) * TWIPS_PER_POINT + int_attr(b, "sz", 0) * 5 // 2
                )
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
        level = int_attr(ilvl, "val", 0) if ilvl is not None else 0
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
                    if int_attr(lvl, "ilvl", -1) == level:
                        ind = lvl.find(f"{_w('pPr')}/{_w('ind')}")
                        if ind is not None:
                            return int_attr(ind, "left", int_attr(ind, "start", default))
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
                            line_image, int_attr(extent, "cy", 0, ns=False) // EMU_PER_TWIP
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


def int_attr(element: Element | None, attr: str, default: int, ns: bool = True) -> int:
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
        if not found_size and sz is not None and int_attr(sz, "val", 0):
            size, found_size = int_attr(sz, "val", 22) / 2, True
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


def text_width(document: Document) -> int | None:
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
