"""The optional YAML header of a note (``---`` … ``---`` at the top of the file).

The header is read with the bounds of :mod:`proceedings.yamlfr` (size, depth, aliases): a
header over one is refused like a header with a syntax error, and the note is left out.
Values are read as written (``date: 2019-02-30`` is a wrong date, not a crash).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from enum import Enum
from typing import TypeVar

from .. import yamlfr
from ..errors import Diagnostics, SourceError
from ..model import FrontMatter, NoteStatus, NoteType

E = TypeVar("E", bound=Enum)

FIELDS = ("session", "rapporteur", "type", "statut", "date", "intervenants", "anonymes")
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
MAX_HEADER_CHARS = 65_536  # a real header is a few lines; a list of 1 000 names fits


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

    for key in data:
        if key not in FIELDS:
            hint = difflib.get_close_matches(key, FIELDS, n=1) if len(key) < 40 else []
            suggestion = f" (vouliez-vous dire « {hint[0]} » ?)" if hint else ""
            diag.warning(
                f"champ d’en-tête inconnu « {yamlfr.excerpt(key)} », ignoré{suggestion}",
                shown,
                line_of(key),
            )

    def choice(key: str, enum: type[E]) -> E | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        try:
            return enum(str(value).strip().lower())
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
        date=date,
        intervenants=names("intervenants"),
        anonymes=names("anonymes"),
        session_line=line_of("session") or 0,
    )
    return meta, "\n".join(lines[end + 1 :]), end + 1
