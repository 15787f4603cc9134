"""Workshop boards: CSV and Excel (.xlsx) exports of post-it boards and live polls
(Klaxoon, Miro, Wooclap, Framaforms, LimeSurvey, Framacalc…), one row per contribution.

The header row is looked for among the first rows, by its column names in French or
English, whatever their case and accents: the contribution's text (« texte », « contenu »,
« idée », « réponse »…), its category (« colonne », « catégorie », « thème », « question »…),
its author and its votes. Without a text column, the column with the most text is read, with
a warning. Each category becomes a heading, in order of first appearance, and each
contribution a list item under it. A category of proposals (« Propositions », « Pistes »,
« Actions », « Idées d’action », « Recommandations ») gets a heading that ``structure``
reads as such, so that its contributions become the session's proposals. Votes follow the
text (« (12 votes) »); nothing is sorted. Authors are never published: the deposit report
only counts the contributions per author. Exact duplicates (same category, same text) are
merged.

A cell is text, never a formula: a CSV cell that starts with « = », « + », « - » or « @ »
is kept as written (the Markdown master escapes it like any note text), and a workbook is
read for the values its cells last showed (``data_only``), never computed again.

Bounds (README, « Garanties »): :data:`MAX_ROWS` rows, :data:`MAX_CELL` characters per cell,
:data:`MAX_COLUMNS` columns; beyond them the file is read up to the bound, with a warning.
A workbook's archive is checked as a Word document's is (:func:`office._check_zip`: each
member decompressed and counted, never trusted), with its own bound; then each part is
checked for what would let openpyxl's memory grow without bound (see :func:`_check_parts`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Block, Note, Span
from proceedings.read.readers import office
from proceedings.read.readers.decode import decode, encoding_conversion
from proceedings.read.readers.frontmatter import headerless_note
from proceedings.structure.notes import PROPOSAL_HEADING
from proceedings.support.safeio import MIB, count_text

# Bounds of a board, far above a day of workshops (a busy board holds a few hundred
# contributions, a national consultation's export a few thousand). Read at each call, so
# that tests can lower them.
MAX_ROWS = 20_000  # rows read: CSV records (blank ones not counted), rows of a sheet
MAX_CELL = 20_000  # characters of a cell; a longer one is cut, with a warning
MAX_COLUMNS = 200  # columns read; the others are left out, with a warning

# A workbook: what its archive may decompress to (a board of 20,000 post-its is a few
# megabytes), the XML tags of any one part, and the cells of a row (Excel's own maximum).
# openpyxl builds a dictionary per cell of a row and keeps some elements until the end of
# a part: a 64 MB row of empty cells would take it 2 GB; these bounds keep it to some
# hundreds of megabytes and a few seconds, whatever the file.
MAX_UNZIPPED = 64 * MIB
MAX_TAGS = 2_000_000
MAX_PARSED_TAGS = 200_000  # a part openpyxl builds whole (see _check_parts)
MAX_ROW_CELLS = 16_384

_WHAT = "classeur Excel (.xlsx)"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, or an encrypted Office file
_HEADER_ROWS = 20  # the header is looked for among the first rows (a title may precede it)
_SNIFF = 4096  # characters given to csv.Sniffer: its regular expressions are quadratic
_SAMPLE = 64 * 1024  # characters on which each delimiter is tried
_SAMPLE_RECORDS = 200
_CUT_WARNINGS = 10  # cut cells told one by one; the others are counted in one warning
_NO_CATEGORY = "Sans catégorie"
_DELIMITERS = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}
_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})

# -- column names ---------------------------------------------------------------------

_TEXT, _CATEGORY, _AUTHOR, _VOTES, _OTHER = "texte", "catégorie", "auteur", "votes", "autre"

# In order of preference within each role. « autre » names columns that are never the
# text (dates, identifiers, addresses), even when no text column is named.
_NAMES: dict[str, tuple[str, ...]] = {
    _TEXT: (
        "texte", "text", "contenu", "content", "contribution", "idée", "idea", "réponse",
        "response", "answer", "message", "commentaire", "comment", "post-it", "postit",
        "avis", "remarque", "verbatim", "description", "proposition", "titre", "title",
    ),
    _CATEGORY: (
        "colonne", "column", "catégorie", "category", "thème", "theme", "thématique",
        "topic", "rubrique", "section", "groupe", "group", "zone", "liste", "list", "axe",
        "étiquette", "tag", "label", "dimension", "question",
    ),
    _AUTHOR: (
        "auteur", "auteure", "autrice", "author", "participant", "participante",
        "contributeur", "contributrice", "contributor", "nom", "name", "prénom",
        "first name", "last name", "pseudo", "pseudonyme", "utilisateur", "utilisatrice",
        "user", "username", "créateur", "créatrice", "creator", "created by", "créé par",
        "membre", "member", "personne",
    ),
    _VOTES: (
        "votes", "nombre de votes", "nb votes", "likes", "j’aime", "jaime", "points",
        "score", "soutiens", "appuis", "upvotes",
    ),
    _OTHER: (
        "id", "identifiant", "uuid", "numéro", "n°", "date", "heure", "time", "timestamp",
        "horodatage", "created", "created at", "création", "date de création", "modifié",
        "updated", "submitdate", "soumis le", "email", "e-mail", "mail", "courriel",
        "adresse", "adresse ip", "ip", "téléphone", "phone", "couleur", "color", "colour",
        "url", "lien", "link", "position", "x", "y", "largeur", "hauteur", "width",
        "height", "statut", "status", "langue", "language",
    ),
}  # fmt: skip
# « Nom de la colonne », « Nombre de votes », « Texte de la question »: a generic noun
# followed by « de » takes the role of what follows it.
_GENERIC = frozenset({"nom", "nombre", "nb", "titre", "libelle", "intitule"})
_OF = frozenset({"de", "du", "des", "d", "of"})
_ARTICLES = frozenset({"la", "le", "l", "les", "the"})
_MAX_HEADER_WORDS = 5  # longer, a cell is a sentence: only a header if named exactly

# Categories whose contributions are proposals (folded: see _fold).
_PROPOSALS = re.compile(
    r"^(?:(?:nos|les|des|vos|quelque) )?"
    r"(?:proposition|piste|action|idee d action|recommandation|preconisation)\b"
)

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?\s*%?")


def _fold(text: str) -> str:
    """A header as compared: lower case, no accents, words of letters and digits, a final
    « s » dropped (« Idées » and « idee » match)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[^\W_]+", plain)
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


_ROLES = (_TEXT, _CATEGORY, _AUTHOR, _VOTES, _OTHER)
_EXACT: dict[str, tuple[str, int]] = {}
_PHRASES: list[tuple[tuple[str, ...], str, int]] = []
for _role_name in _ROLES:
    for _rank, _name in enumerate(_NAMES[_role_name]):
        _EXACT.setdefault(_fold(_name), (_role_name, _rank))
        _PHRASES.append((tuple(_fold(_name).split()), _role_name, _rank))


@dataclass(frozen=True, slots=True)
class _Role:
    """What a column's header names, and how surely."""

    role: str
    partial: bool  # the name is a part of the header (« Votre idée pour demain »)
    rank: int  # the name's place in its list: the first ones are preferred


def _role(header: str) -> _Role | None:
    """The role a header names, if any; an empty header is an index column."""
    if not header.strip():
        return _Role(_OTHER, False, 0)
    if len(header) > 200:  # a sentence, not a column name (and not folded: it may be long)
        return None
    folded = _fold(header)
    if folded in _EXACT:
        role, rank = _EXACT[folded]
        return _Role(role, False, rank)
    words = folded.split()
    if not words or len(words) > _MAX_HEADER_WORDS:
        return None
    if len(words) > 2 and words[0] in _GENERIC and words[1] in _OF:
        rest = [w for w in words[2:] if w not in _ARTICLES]
        found = _phrase(rest) if rest else None
        if found is not None:
            return found
    return _phrase(words)


def _phrase(words: list[str]) -> _Role | None:
    """The name found earliest in the header's words (the longer one at the same place)."""
    best: tuple[int, int, int] | None = None
    found: _Role | None = None
    for phrase, role, rank in _PHRASES:
        n = len(phrase)
        if n == 1 and len(phrase[0]) < 3:
            continue  # « id », « ip », « x »: only a header of its own
        for at in range(len(words) - n + 1):
            if tuple(words[at : at + n]) == phrase:
                key = (at, -n, _ROLES.index(role))
                if best is None or key < best:
                    best, found = key, _Role(role, True, rank)
                break
    return found


# -- cells ---------------------------------------------------------------------------

# Control characters: C1 ones are Windows-1252 characters decoded as Latin-1 by the tool
# that wrote the file (« d\x92autres »), given back; vertical tabs and form feeds are line
# breaks (Excel for Mac, PowerPoint); other C0 ones and DEL are dropped.
_REPAIR = str.maketrans(
    {
        **{c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D)},
        0x0B: "\n",
        0x0C: "\n",
        0x7F: None,
        **{c: bytes([c]).decode("cp1252", "ignore") or None for c in range(0x80, 0xA0)},
    }
)
_ODD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x80-\x9f]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # in a text, a few at most
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # bytes that no text holds


@dataclass(frozen=True, slots=True)
class _Row:
    line: int  # CSV: the physical line where the record starts; Excel: the sheet's row
    cells: list[str]


class _Cells:
    """Cells as kept: cut at MAX_CELL, control characters repaired, spaces and blank lines
    tidied, the row cut at MAX_COLUMNS; what is cut is told."""

    def __init__(self, shown: str, diag: Diagnostics) -> None:
        self.shown = shown
        self.diag = diag
        self.cut = 0
        self.repaired = 0
        self.wide = False

    def row(self, values: Sequence[Any], line: int) -> _Row | None:
        if len(values) > MAX_COLUMNS:
            if not self.wide and any(_value_text(v).strip() for v in values[MAX_COLUMNS:]):
                self.wide = True
                self.diag.warning(
                    f"ligne de plus de {count_text(MAX_COLUMNS)} colonnes : seules les "
                    f"{count_text(MAX_COLUMNS)} premières sont lues",
                    self.shown,
                    line,
                )
            values = values[:MAX_COLUMNS]
        cells = [self.cell(value, line, column) for column, value in enumerate(values, 1)]
        while cells and not cells[-1]:
            cells.pop()
        return _Row(line, cells) if cells else None

    def cell(self, value: Any, line: int, column: int) -> str:
        text = value if isinstance(value, str) else _value_text(value)
        if not text:
            return ""
        cut = len(text) > MAX_CELL
        if cut:
            self.cut += 1
            if self.cut <= _CUT_WARNINGS:
                self.diag.warning(
                    f"cellule de plus de {count_text(MAX_CELL)} caractères (colonne {column}), "
                    "coupée",
                    self.shown,
                    line,
                )
            text = text[:MAX_CELL]
        if _ODD.search(text):
            self.repaired += len(_C1.findall(text))
            text = text.translate(_REPAIR)
        text = _tidy(text)
        return f"{text} […]" if cut and text else text

    def report(self) -> list[str]:
        """Warnings left to give, and what the deposit report says of the cells."""
        if self.cut > _CUT_WARNINGS:
            self.diag.warning(
                f"{_n(self.cut - _CUT_WARNINGS, 'autre cellule coupée', 'autres cellules coupées')}"
                f" à {count_text(MAX_CELL)} caractères",
                self.shown,
            )
        if self.repaired:
            one, many = "caractère Windows-1252 mal codé", "caractères Windows-1252 mal codés"
            return [f"{_n(self.repaired, one, many)} rétabli{'s' if self.repaired > 1 else ''}"]
        return []


def _tidy(text: str) -> str:
    """Spaces collapsed; lines of a paragraph joined (a post-it's lines are its layout);
    paragraphs kept, one per line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if "\n" not in text:  # most cells: one line
        return " ".join(text.split())
    paragraphs = [" ".join(p.split()) for p in _BLANK_LINE.split(text)]
    return "\n".join(p for p in paragraphs if p)


def _value_text(value: Any) -> str:
    """A cell's value as text: workbooks give numbers, dates and booleans."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(value).replace(".", ",")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _n(count: int, one: str, many: str) -> str:
    return f"{count_text(count)} {one if count <= 1 else many}"


# -- CSV -----------------------------------------------------------------------------


def read_csv(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    if data.startswith(b"PK\x03\x04"):
        raise SourceError(
            "ce fichier n’est pas un tableau CSV mais une archive zip (un classeur Excel "
            ".xlsx ?) : donnez-lui l’extension .xlsx, ou enregistrez-le au format CSV",
            shown,
        )
    if data.startswith(_OLE):
        raise SourceError(
            "ce fichier n’est pas un tableau CSV mais un document Office 97-2003 (un "
            "classeur .xls ?) : enregistrez-le au format CSV ou .xlsx",
            shown,
        )
    text, encoding = decode(data, shown)
    sample = text[:_SAMPLE]
    if len(_CONTROL.findall(sample)) > max(16, len(sample) / 20):
        raise SourceError("fichier binaire (caractères de contrôle), pas un tableau CSV", shown)
    delimiter = _delimiter(text)
    cells = _Cells(shown, diag)
    rows = _csv_rows(text, delimiter, cells, shown, diag)
    blocks, conversions = _board(rows, shown, diag)
    conversions += [f"séparateur : {_DELIMITERS[delimiter]}", *encoding_conversion(encoding)]
    return _note(path, shown, "csv", blocks, [*conversions, *cells.report()], encoding)


def _delimiter(text: str) -> str:
    """The delimiter among « , », « ; » and tab: the one that cuts the first records into
    the same number of columns, more than one; csv.Sniffer's choice among equals."""
    sample = _lines_start(text, _SAMPLE)
    try:
        sniffed = csv.Sniffer().sniff(_lines_start(text, _SNIFF), "".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    scores = {d: _consistency(sample, d) for d in _DELIMITERS}
    best = max(scores.values())
    if scores.get(sniffed) == best:
        return sniffed
    return next(d for d in _DELIMITERS if scores[d] == best)


def _lines_start(text: str, size: int) -> str:
    """The first ``size`` characters of the text, cut after a line when possible."""
    if len(text) <= size:
        return text
    end = text.rfind("\n", 0, size)
    return text[: end + 1] if end > 0 else text[:size]


def _consistency(sample: str, delimiter: str) -> tuple[bool, float, int]:
    """How well a delimiter cuts the sample: more than one column, the share of records of
    the most frequent width, that width."""
    widths: list[int] = []
    try:
        for record in csv.reader(io.StringIO(sample), delimiter=delimiter, strict=False):
            if any(v.strip() for v in record):
                widths.append(len(record))
                if len(widths) == _SAMPLE_RECORDS:
                    break
    except csv.Error:  # a field past csv's own bound: the widths seen so far tell
        pass
    if not widths:
        return (False, 0.0, 0)
    width, count = Counter(widths).most_common(1)[0]
    return (width > 1, round(count / len(widths), 2), width)


class _TooWide(Exception):
    """A physical line with more delimiters than any row within the bounds could hold."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Lines:
    """The text's lines, for csv.reader: counts what was consumed (where a record starts)
    and stops at a line of too many delimiters (a row of millions of empty fields would be
    a list of millions of items before it could be cut)."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.text = text
        self.delimiter = delimiter
        self.bound = 100 * MAX_COLUMNS
        self.consumed = 0
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        start = self.consumed
        if start >= len(self.text):
            raise StopIteration
        end = self.text.find("\n", start)
        end = len(self.text) if end < 0 else end + 1
        self.consumed = end
        self.number += 1
        if self.text.count(self.delimiter, start, end) > self.bound:
            raise _TooWide(self.number)
        return self.text[start:end]


def _csv_rows(
    text: str, delimiter: str, cells: _Cells, shown: str, diag: Diagnostics
) -> list[_Row]:
    lines = _Lines(text, delimiter)
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    rows: list[_Row] = []
    start = 1  # the physical line where the next record starts
    last = (0, 0)  # where the last record starts: (offset, line)
    while True:
        offset = lines.consumed
        try:
            record = next(reader)
        except StopIteration:
            break
        except _TooWide as wide:
            diag.warning(
                f"ligne de plus de {count_text(lines.bound)} séparateurs : lecture arrêtée, "
                "la suite du fichier est ignorée",
                shown,
                wide.line,
            )
            return rows
        except csv.Error:  # csv's own bound on a field: a quote opened and never closed
            diag.warning(
                f"cellule de plus de {count_text(csv.field_size_limit())} caractères "
                "(guillemet jamais fermé ?) : lecture arrêtée, la suite du fichier est ignorée",
                shown,
                start,
            )
            return rows
        line, start = start, reader.line_num + 1
        if not any(v.strip() for v in record):
            continue
        if len(rows) == MAX_ROWS:
            diag.warning(
                f"plus de {count_text(MAX_ROWS)} lignes : seules les {count_text(MAX_ROWS)} "
                "premières sont lues",
                shown,
                line,
            )
            return rows
        last = (offset, line)
        if (row := cells.row(record, line)) is not None:
            rows.append(row)
    # A quote never closed makes the rest of the file one cell of the last record.
    offset, line = last
    if rows and start - 1 > line and text.count('"', offset) % 2:
        diag.warning(
            "guillemet ouvert jamais fermé : la fin du fichier est lue comme une seule cellule",
            shown,
            line,
        )
    return rows


# -- Excel ---------------------------------------------------------------------------


def read_xlsx(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    if data.startswith(_OLE):
        raise SourceError(
            f"ce fichier n’est pas un {_WHAT} : il est protégé par mot de passe ou au "
            "format Excel 97-2003 (.xls) ; ouvrez-le et enregistrez-le sans mot de passe au "
            "format .xlsx",
            shown,
        )
    head = data[:4096]
    if head and not head.startswith(b"PK") and not _BINARY.search(head):
        raise SourceError(
            f"ce fichier n’est pas un {_WHAT} mais du texte (un tableau CSV ?) : donnez-lui "
            "l’extension .csv",
            shown,
        )
    _other_package(data, shown)
    office._check_zip(data, shown, "xl/workbook.xml", _WHAT, MAX_UNZIPPED)
    _check_parts(data, shown)
    try:
        import openpyxl
    except ImportError:
        raise SourceError(
            "lecture des classeurs Excel impossible : le paquet openpyxl n’est pas installé "
            "(pip install openpyxl)",
            shown,
        ) from None
    cells = _Cells(shown, diag)
    try:
        with warnings.catch_warnings():
            # openpyxl warns in English of what it does not keep (styles, extensions).
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
            try:
                rows, sheet = _first_sheet(book, cells, shown, diag)
            finally:
                book.close()
    except SourceError:
        raise
    except Exception:  # openpyxl tells a damaged part by whatever its parsers raise
        raise SourceError(
            f"{_WHAT} illisible : une de ses parties est endommagée ; ouvrez-le et "
            "enregistrez-le de nouveau au format .xlsx, ou au format CSV",
            shown,
        ) from None
    blocks, conversions = _board(rows, shown, diag)
    if sheet:
        conversions.append(f"feuille « {_short(sheet)} »")
    return _note(path, shown, "xlsx", blocks, [*conversions, *cells.report()])


def _note(
    path: str, shown: str, fmt: str, blocks: list[Block], conversions: list[str], encoding: str = ""
) -> Note:
    return headerless_note(
        path, shown, fmt, blocks, encoding=encoding, conversions=tuple(conversions)
    )


def _other_package(data: bytes, shown: str) -> None:
    """A LibreOffice or Word document named .xlsx is told for what it is."""
    if data.count(b"PK\x01\x02") > office.MAX_MEMBERS:
        return  # refused by _check_zip, without listing the members
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError):
        return
    if "xl/workbook.xml" in names:
        return
    if "content.xml" in names:
        raise SourceError(
            f"ce fichier n’est pas un {_WHAT} mais un document LibreOffice (.ods ?) : "
            "enregistrez-le au format .xlsx ou CSV",
            shown,
        )
    if "word/document.xml" in names:
        raise SourceError(f"ce fichier n’est pas un {_WHAT} mais un document Word", shown)


_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_ROW_OR_CELL = re.compile(rb"<(?:[\w.-]+:)?(row|c)[\s/>]")
# Parts openpyxl always reads whole (its ARC_CONTENT_TYPES, ARC_CORE, ARC_CUSTOM, ARC_STYLE).
_WHOLE = frozenset(
    {"[Content_Types].xml", "docProps/core.xml", "docProps/custom.xml", "xl/styles.xml"}
)
_WORKBOOK_TYPES = (".sheet.main+xml", ".template.main+xml", ".main+xml")
# What the workbook's relationships name that openpyxl streams (worksheets, shared strings),
# reads as bytes (theme) or never reads (calculation chain); it builds anything else whole.
_NOT_WHOLE = ("/worksheet", "/sharedStrings", "/theme", "/calcChain", "/styles")


def _check_parts(data: bytes, shown: str) -> None:
    """Refuse a part that openpyxl should not parse: an XML DOCTYPE (entities, never in a
    real workbook), more than MAX_TAGS tags, a row of more than MAX_ROW_CELLS cells.

    openpyxl streams the worksheets row by row and the shared strings one by one; the
    other parts it builds whole, as trees and objects of a few hundred bytes per tag
    (2 million styles take it 1.6 GB and 40 s): those are bounded to MAX_PARSED_TAGS. Which
    parts are which is found as openpyxl finds them (content types, relationships), and a
    part is taken as built whole whenever any relationship but a worksheet's names it. The
    archive was checked whole and bounded by ``_check_zip``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {m.filename: archive.read(m) for m in archive.infolist()}
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError, zlib.error):
        raise SourceError(
            f"{_WHAT} endommagé ou tronqué : ce n’est pas une archive valide", shown
        ) from None
    tags = {name: part.count(b"<") for name, part in parts.items()}
    for name, part in parts.items():
        if any(marker in part for marker in _DECLARATIONS):
            raise SourceError(
                f"{_WHAT} refusé : la partie « {_short(name)} » contient une déclaration XML "
                "(DOCTYPE ou ENTITY) qu’aucun tableur n’écrit",
                shown,
            )
        _bound_tags(name, tags[name], MAX_TAGS, shown)
    whole = {name for name in parts if name in _WHOLE or name.endswith(".rels")}
    for name in whole:
        _bound_tags(name, tags[name], MAX_PARSED_TAGS, shown)
    for name in _built_whole(parts, shown) - whole:
        if name in parts:
            _bound_tags(name, tags[name], MAX_PARSED_TAGS, shown)
    for name, part in parts.items():
        if tags[name] > MAX_ROW_CELLS and _widest_row(part) > MAX_ROW_CELLS:
            raise SourceError(
                f"{_WHAT} refusé : une ligne de la partie « {_short(name)} » compte plus de "
                f"{count_text(MAX_ROW_CELLS)} cellules, le maximum d’Excel",
                shown,
            )


def _bound_tags(name: str, count: int, bound: int, shown: str) -> None:
    if count > bound:
        raise SourceError(
            f"{_WHAT} refusé : la partie « {_short(name)} » compte plus de "
            f"{count_text(bound)} balises XML ; un classeur réel en compte bien moins",
            shown,
        )


def _built_whole(parts: dict[str, bytes], shown: str) -> set[str]:
    """The parts openpyxl builds whole: the workbook, and whatever a relationship names
    except the workbook's worksheets, shared strings, theme and calculation chain, and a
    worksheet's own dependents (drawings, comments: not read in read-only mode). Called
    once the content types and relationships are known to be small and DOCTYPE-free.

    Two sheets of one part are refused: each sheet is parsed on its own, and a thousand
    sheets of one large part would make a small file take hours."""
    workbooks = {"xl/workbook.xml"}
    for element in _elements(parts.get("[Content_Types].xml", b""), "Override"):
        if element.get("ContentType", "").endswith(_WORKBOOK_TYPES):
            workbooks.add(element.get("PartName", "").lstrip("/"))
    whole = set(workbooks)
    for workbook in workbooks & parts.keys():
        _bound_tags(workbook, parts[workbook].count(b"<"), MAX_PARSED_TAGS, shown)
        ids = [e.get(_RELATIONSHIP_ID) for e in _elements(parts[workbook], "sheet")]
        if len(ids) != len(set(ids)):
            raise SourceError(_same_part(workbook), shown)
    workbook_rels = {_rels_path(w) for w in workbooks}
    sheets: set[str] = set()
    for name in workbook_rels & parts.keys():
        for element in _elements(parts[name], "Relationship"):
            target = _target(name, element)
            kind = element.get("Type", "")
            if kind.endswith("/worksheet"):
                if target in sheets:
                    raise SourceError(_same_part(target), shown)
                sheets.add(target)
            elif target and not kind.endswith(_NOT_WHOLE):
                whole.add(target)  # chartsheets, and what openpyxl may add
    sheet_rels = {_rels_path(s) for s in sheets}
    for name in parts.keys() - workbook_rels - sheet_rels:
        if name.endswith(".rels"):
            whole.update(
                t for e in _elements(parts[name], "Relationship") if (t := _target(name, e))
            )
    return whole


_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _same_part(name: str) -> str:
    return f"{_WHAT} refusé : plusieurs de ses feuilles désignent la même partie « {_short(name)} »"


def _elements(xml: bytes, local: str) -> Iterator[ElementTree.Element]:
    """The elements of that local name (any namespace); none if the XML is unreadable
    (openpyxl then refuses the workbook)."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return iter(())
    return (e for e in root.iter() if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] == local)


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _target(rels: str, element: ElementTree.Element) -> str:
    """The part a relationship names, as openpyxl resolves it ("" for an external one)."""
    target = element.get("Target", "")
    if element.get("TargetMode") == "External" or not target:
        return ""
    if target.startswith("/"):
        return target[1:]
    parent = posixpath.split(posixpath.dirname(rels))[0]
    return posixpath.normpath(posixpath.join(parent, target))


def _widest_row(part: bytes) -> int:
    """The most cells a row of the part holds (stops counting past MAX_ROW_CELLS)."""
    widest = count = 0
    for match in _ROW_OR_CELL.finditer(part):
        if match[1] == b"row":
            count = 0
            continue
        count += 1
        if count > widest:
            widest = count
            if widest > MAX_ROW_CELLS:
                break
    return widest


def _first_sheet(book: Any, cells: _Cells, shown: str, diag: Diagnostics) -> tuple[list[_Row], str]:
    """The rows of the first sheet that has any (visible sheets first); the other sheets
    that have some are told."""
    sheets = sorted(book.worksheets, key=lambda s: s.sheet_state != "visible")
    rows: list[_Row] = []
    chosen = ""
    others: list[str] = []
    for sheet in sheets:
        if not chosen:
            rows = _sheet_rows(sheet, cells, shown, diag)
            if rows:
                chosen = sheet.title
        elif _has_content(sheet):
            others.append(f"« {_short(sheet.title)} »")
    if others:
        listed = ", ".join(others[:10]) + (", …" if len(others) > 10 else "")
        one, many = "autre feuille non vide ignorée", "autres feuilles non vides ignorées"
        diag.warning(
            f"{_n(len(others), one, many)} : {listed} "
            f"(seule la première, « {_short(chosen)} », est lue)",
            shown,
        )
    return rows, chosen


def _sheet_rows(sheet: Any, cells: _Cells, shown: str, diag: Diagnostics) -> list[_Row]:
    rows: list[_Row] = []
    # max_col and max_row always given: openpyxl otherwise pads every row to the size the
    # sheet declares (« A1:XFD1048576 »), and fills the gaps between row numbers.
    values = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True)
    for number, row in enumerate(values, start=1):
        if number > MAX_ROWS:
            diag.warning(
                f"plus de {count_text(MAX_ROWS)} lignes : seules les {count_text(MAX_ROWS)} "
                "premières sont lues",
                shown,
                number,
            )
            break
        kept = [_sheet_value(v) for v in row]
        if (read := cells.row(kept, number)) is not None:
            rows.append(read)
    return rows


# Excel writes the control characters of a shared string as « _x000D_ » (a carriage return);
# openpyxl leaves them so.
_EXCEL_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f])_")


def _sheet_value(value: Any) -> Any:
    """A cell's value as read: an error (« #N/A ») is no value."""
    if not isinstance(value, str):
        return value
    if value in _ERRORS:
        return None
    if "_x" in value:
        return _EXCEL_ESCAPE.sub(lambda m: chr(int(m[1], 16)), value)
    return value


def _has_content(sheet: Any) -> bool:
    rows = sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True)
    return any(_value_text(v).strip() for row in rows for v in row)


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:59] + "…"


# -- the board -----------------------------------------------------------------------


@dataclass(slots=True)
class _Columns:
    """The columns read, by index in the rows."""

    names: list[str]
    text: int
    category: int | None = None
    author: int | None = None
    votes: int | None = None
    guessed: bool = False  # no header names the text: the column with the most text

    def read(self) -> str:
        chosen = [
            (_TEXT, self.text),
            (_CATEGORY, self.category),
            (_AUTHOR, self.author),
            (_VOTES, self.votes),
        ]
        return ", ".join(f"{role} « {self.names[i]} »" for role, i in chosen if i is not None)


@dataclass(slots=True)
class _Item:
    text: str
    line: int
    votes: int


def _board(rows: list[_Row], shown: str, diag: Diagnostics) -> tuple[list[Block], list[str]]:
    """The blocks of a board and what the deposit report says of it."""
    if not rows:
        return [], []
    width = max(len(r.cells) for r in rows)
    # A list of one column names its column exactly or not at all: « Une idée » is a
    # contribution.
    header_at = _header_row(rows, exact=width == 1)
    if header_at is None and width > 1:
        header_at = 0  # columns without known names: the first row names them
    header = rows[header_at].cells if header_at is not None else []
    data = rows[header_at + 1 :] if header_at is not None else rows
    conversions: list[str] = []
    if header_at:
        conversions.append(
            _n(header_at, "ligne avant l’en-tête ignorée", "lignes avant l’en-tête ignorées")
        )
    if header and (repeated := sum(1 for r in data if r.cells == header)):
        # Exports put end to end repeat their header: it is no contribution.
        data = [r for r in data if r.cells != header]
        conversions.append(_n(repeated, "en-tête répété ignoré", "en-têtes répétés ignorés"))
    columns = _columns(header, data, width)
    if columns is not None and columns.guessed and _roster(header):
        # « Nom ; Prénom ; Email ; Organisation »: who came, not what they said
        raise SourceError(
            "ce tableau ressemble à une liste de participants (colonnes "
            f"{', '.join(f'« {_short(h)} »' for h in header if h.strip())}), pas à des "
            "contributions : fichier ignoré (nommez « Texte » ou « Idée » la colonne des "
            "contributions si c’en est une)",
            shown,
            rows[header_at].line if header_at is not None else None,
        )
    if columns is None:
        if any(r.cells for r in data):
            raise SourceError(
                "aucune colonne de ce tableau ne contient de texte (seulement des nombres, des "
                "dates, des adresses ou des noms)",
                shown,
                rows[header_at].line if header_at is not None else None,
            )
        return [], conversions
    if columns.guessed and width > 1:
        diag.warning(
            "aucune colonne de texte reconnue (en-têtes attendus : texte, contenu, idée, "
            f"réponse…) : la colonne « {columns.names[columns.text]} », la plus fournie, est "
            "lue comme texte des contributions",
            shown,
            rows[header_at].line if header_at is not None else None,
        )
    return _contributions(data, columns, conversions)


def _header_row(rows: list[_Row], exact: bool) -> int | None:
    """The index of the row that names the columns: among the first rows, the one where
    the most headers are recognised (at least one that is not « autre »)."""
    best: int | None = None
    best_score = (0, 0)
    for i, row in enumerate(rows[:_HEADER_ROWS]):
        found = (_role(c) for c in row.cells if c.strip())
        roles = [r for r in found if r is not None and not (exact and r.partial)]
        named = {r.role for r in roles if r.role != _OTHER}
        score = (len(named), len(roles))
        if named and score > best_score:
            best, best_score = i, score
    return best


_CONTACT = frozenset(
    _fold(n) for n in ("email", "e-mail", "mail", "courriel", "téléphone", "phone", "adresse")
)


def _roster(header: list[str]) -> bool:
    """A header of people: a name column and a contact column, or two name columns."""
    roles = [_role(h) for h in header if h.strip()]
    names = sum(1 for r in roles if r is not None and r.role == _AUTHOR)
    contacts = sum(1 for h in header if _fold(h) in _CONTACT)
    return names >= 2 or (names >= 1 and contacts >= 1)


def _columns(header: list[str], data: list[_Row], width: int) -> _Columns | None:
    """Which columns are the text, the category, the author and the votes."""
    names = [
        _short(header[i]) if i < len(header) and header[i].strip() else f"colonne {i + 1}"
        for i in range(width)
    ]
    roles = [_role(header[i]) if i < len(header) else None for i in range(width)]

    def values(i: int) -> Iterator[str]:
        return (r.cells[i] for r in data if i < len(r.cells) and r.cells[i])

    def wordy(i: int) -> bool:  # holds text, not only numbers, dates or codes
        return any(any(c.isalpha() for c in v) for v in values(i))

    def candidates(role: str) -> list[int]:
        found = [(r.partial, r.rank, i) for i, r in enumerate(roles) if r and r.role == role]
        return [i for *_, i in sorted(found)]

    text = next((i for i in candidates(_TEXT) if wordy(i)), None)
    used = {text}
    category = next((i for i in candidates(_CATEGORY) if i not in used and wordy(i)), None)
    used.add(category)
    author = next((i for i in candidates(_AUTHOR) if i not in used and any(values(i))), None)
    used.add(author)
    votes = next(
        (i for i in candidates(_VOTES) if i not in used and any(_votes(v) for v in values(i))),
        None,
    )
    used.add(votes)
    if text is None:
        never = {i for i, r in enumerate(roles) if r is not None and r.role in (_OTHER, _AUTHOR)}
        lengths = {
            i: sum(len(v) for v in values(i) if any(c.isalpha() for c in v))
            for i in range(width)
            if i not in used and i not in never
        }
        if not lengths or max(lengths.values()) == 0:
            return None
        guessed = max(lengths, key=lambda i: (lengths[i], -i))
        return _Columns(names, guessed, category, author, votes, guessed=True)
    return _Columns(names, text, category, author, votes)


def _votes(value: str) -> int:
    """A count of votes (0 when the cell holds none)."""
    if not _NUMBER.fullmatch(value.strip()):
        return 0
    try:
        number = float(value.strip().rstrip("%").strip().replace(",", "."))
    except ValueError:
        return 0
    return int(number) if 0 < number < 1e9 else 0


def _contributions(
    data: list[_Row], columns: _Columns, conversions: list[str]
) -> tuple[list[Block], list[str]]:
    def cell(row: _Row, i: int | None) -> str:
        return row.cells[i] if i is not None and i < len(row.cells) else ""

    groups: dict[str, list[_Item]] = {}
    seen: dict[tuple[str, str], _Item] = {}
    authors: Counter[str] = Counter()
    unsigned = without_text = merged = 0
    for row in data:
        text = cell(row, columns.text)
        if not text:
            without_text += 1
            continue
        category = cell(row, columns.category)
        if columns.category is not None and not category:
            category = _NO_CATEGORY
        if columns.author is not None:
            if author := cell(row, columns.author):
                authors[_fold(author)] += 1
            else:
                unsigned += 1
        votes = _votes(cell(row, columns.votes))
        if (category, text) in seen:
            seen[category, text].votes += votes
            merged += 1
            continue
        item = seen[category, text] = _Item(text, row.line, votes)
        groups.setdefault(category, []).append(item)

    blocks: list[Block] = []
    for category, items in groups.items():
        if columns.category is not None:
            blocks.append(
                Block("heading", (Span(_heading(category)),), level=1, line=items[0].line)
            )
        for item in items:
            spans: tuple[Span, ...] = (Span(item.text),)
            if item.votes:
                spans += (Span(f" ({_n(item.votes, 'vote', 'votes')})"),)
            blocks.append(Block("item", spans, line=item.line))

    counts = [_n(len(data), "ligne", "lignes"), _n(len(seen), "contribution", "contributions")]
    if columns.category is not None:
        counts.append(_n(len(groups), "catégorie", "catégories"))
    summary = f"tableau de contributions : {', '.join(counts)}, colonnes lues : {columns.read()}"
    conversions.insert(0, summary)
    if merged:
        conversions.append(_n(merged, "doublon fusionné", "doublons fusionnés"))
    if without_text:
        conversions.append(
            _n(without_text, "ligne sans texte ignorée", "lignes sans texte ignorées")
        )
    if columns.author is not None:
        conversions.append(_per_author(authors, unsigned))
    return blocks, conversions


def _heading(category: str) -> str:
    """A category's heading; a category of proposals is one that ``structure`` knows."""
    if _PROPOSALS.match(_fold(category)) and not PROPOSAL_HEADING.match(category):
        lowered = category[:1].lower() + category[1:] if category[1:2].islower() else category
        return f"Propositions : {lowered}"
    return category


def _per_author(authors: Counter[str], unsigned: int) -> str:
    """Contributions per author, without their names (never published)."""
    counts = sorted(authors.values(), reverse=True)
    text = "contributions par auteur (noms non publiés) : "
    if not counts:
        text += "aucun auteur nommé"
    elif len(counts) <= 10:
        text += ", ".join(count_text(c) for c in counts)
    else:
        text += f"{_n(len(counts), 'auteur', 'auteurs')}, de {counts[-1]} à {counts[0]}"
    if unsigned:
        text += f" ; {_n(unsigned, 'contribution sans auteur', 'contributions sans auteur')}"
    return text
