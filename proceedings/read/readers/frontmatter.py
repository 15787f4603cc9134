"""The optional YAML header of a note (``---`` … ``---`` at the top of the file).

The header is read with the bounds of :mod:`proceedings.support.yamlfr` (size, depth, aliases): a
header over one is refused like a header with a syntax error, and the note is left out.
Values are read as written (``date: 2019-02-30`` is a wrong date, not a crash).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from enum import Enum
from typing import TypeVar

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Block, FrontMatter, Note, NoteStatus, NoteType, Publication, Span
from proceedings.support import yamlfr

E = TypeVar("E", bound=Enum)

FIELDS = (
    "session",
    "rapporteur",
    "type",
    "statut",
    "publication",
    "date",
    "intervenants",
    "anonymes",
)
TITLES = ("titre", "title")  # the note's title (Jekyll and Hugo write "title")
# A key this close to a field is a typo, told with the field; other keys (a site
# generator's: author, tags, layout, draft…) are only listed in the deposit report.
TYPO = 0.75
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
MAX_HEADER_CHARS = 65_536  # a real header is a few lines; a list of 1 000 names fits


def headerless_note(
    path: str,
    shown: str,
    fmt: str,
    blocks: list[Block],
    *,
    encoding: str = "",
    conversions: tuple[str, ...] = (),
    cues: int = 0,
) -> Note:
    """A note in a format that has no header of its own (subtitles, workshop boards): what
    a header would say comes from its folder and from the status file (``statuts.yaml``)."""
    return Note(
        path=path,
        shown=shown,
        format=fmt,
        meta=FrontMatter(),
        blocks=tuple(blocks),
        encoding=encoding,
        conversions=conversions,
        cues=cues,
    )


def read_header(text: str, shown: str, diag: Diagnostics) -> tuple[FrontMatter, str, int]:
    """Separate the header from the body and check its fields.

    Returns the header, the body and the number of lines the header took, so that readers
    give lines as they are in the file. A value that is not allowed is a warning and the
    field is ignored; a header that cannot be read is a ``SourceError``.
    """
    lines = text.split("\n")
    if not _FENCE.match(lines[0]):
        return FrontMatter(), text, 0
    end = next((i for i, line in enumerate(lines[1:], start=1) if _CLOSE.match(line)), None)
    if end is None:
        raise SourceError("en-tête YAML ouvert par « --- » mais jamais fermé", shown, 1)
    header = "\n".join(lines[1:end])
    try:
        data = yamlfr.load(header, MAX_HEADER_CHARS, first_line=2) if header.strip() else {}
    except yamlfr.Refused as exc:
        raise SourceError(f"en-tête YAML invalide : {exc.problem}", shown, exc.line or 1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourceError("en-tête YAML invalide : attendu des lignes « clé : valeur »", shown, 2)

    def line_of(key: str) -> int | None:
        return next(
            (
                i
                for i, line in enumerate(lines[1:end], start=2)
                if line.lstrip().startswith(f"{key}:")
            ),
            None,
        )

    ignored = []
    for key in data:
        if key in FIELDS or key in TITLES:
            continue
        hint = difflib.get_close_matches(key, FIELDS, n=1, cutoff=TYPO) if len(key) < 40 else []
        if hint:
            diag.warning(
                f"champ d’en-tête inconnu « {yamlfr.excerpt(key)} », ignoré (vouliez-vous "
                f"dire « {hint[0]} » ?)",
                shown,
                line_of(key),
            )
        else:
            ignored.append(yamlfr.excerpt(str(key)))

    def choice(key: str, enum: type[E]) -> E | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        try:
            return enum(yamlfr.keyword(value))
        except ValueError:
            allowed = ", ".join(str(e.value) for e in enum)
            diag.warning(
                f"{key} « {yamlfr.excerpt(str(value))} » inconnu, ignoré (attendu : {allowed})",
                shown,
                line_of(key),
            )
            return None

    def names(key: str) -> tuple[str, ...]:
        """A list of names, or names separated by commas, semicolons or lines."""
        value = data.get(key)
        if isinstance(value, str):
            value = re.split(r"[,;\n]", value)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(n, str | None) for n in value):
            diag.warning(f"{key} : attendu une liste de noms, ignoré", shown, line_of(key))
            return ()
        return tuple(n.strip() for n in value if n and n.strip())

    def scalar(key: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            diag.warning(f"{key} : attendu un texte, ignoré", shown, line_of(key))
            return ""
        return value.strip()

    session, rapporteur, written = scalar("session"), scalar("rapporteur"), scalar("date")
    date = None
    if written:
        try:
            date = dt.datetime.fromisoformat(written).date()  # a date, or a date and a time
        except ValueError:
            diag.warning(
                f"date « {yamlfr.excerpt(written)} » invalide, ignorée (attendu AAAA-MM-JJ)",
                shown,
                line_of("date"),
            )
    meta = FrontMatter(
        session=session or None,
        rapporteur=rapporteur,
        type=choice("type", NoteType),
        statut=choice("statut", NoteStatus),
        publication=choice("publication", Publication),
        date=date,
        intervenants=names("intervenants"),
        anonymes=names("anonymes"),
        session_line=line_of("session") or 0,
        titre=next((t for t in (_title(data.get(k)) for k in TITLES) if t), ""),
        titre_line=next((n for k in TITLES if _title(data.get(k)) and (n := line_of(k))), 0),
        ignored=tuple(ignored),
    )
    return meta, "\n".join(lines[end + 1 :]), end + 1


def _title(value: object) -> str:
    """A title as written (one line), or "" when it is not a text."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def ignored_keys(meta: FrontMatter) -> tuple[str, ...]:
    """What the deposit report says of the header keys that were not used."""
    if not meta.ignored:
        return ()
    return (f"champs d’en-tête non lus : {', '.join(meta.ignored)}",)


def titled(blocks: list[Block], meta: FrontMatter) -> list[Block]:
    """The blocks under the header's title, when it gives one that they do not begin with:
    the title becomes the first heading, the note's own headings one level below it."""
    if not meta.titre:
        return blocks
    first = blocks[0] if blocks else None
    if first is not None and first.kind == "heading" and _same(first.text, meta.titre):
        return blocks
    shifted = [
        Block("heading", b.spans, level=b.level + 1, line=b.line) if b.kind == "heading" else b
        for b in blocks
    ]
    return [Block("heading", (Span(meta.titre),), level=1, line=meta.titre_line), *shifted]


def _same(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return re.sub(r"[\W_]+", " ", text.lower()).strip()

    return key(a) == key(b)
