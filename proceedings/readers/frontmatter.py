"""The optional YAML header of a note (``---`` … ``---`` at the top of the file)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from enum import Enum
from typing import TypeVar

import yaml

from .. import yamlfr
from ..errors import Diagnostics, SourceError
from ..model import FrontMatter, NoteStatus, NoteType

E = TypeVar("E", bound=Enum)

FIELDS = ("session", "rapporteur", "type", "statut", "date", "intervenants", "anonymes")
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")


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
        data = yaml.safe_load(header) if header.strip() else {}
    except yaml.YAMLError as exc:
        problem, line = yamlfr.describe(exc, first_line=2)
        raise SourceError(f"en-tête YAML invalide : {problem}", shown, line or 1) from None
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
            hint = difflib.get_close_matches(str(key), FIELDS, n=1)
            suggestion = f" (vouliez-vous dire « {hint[0]} » ?)" if hint else ""
            diag.warning(
                f"champ d’en-tête inconnu « {key} », ignoré{suggestion}", shown, line_of(str(key))
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
                f"{key} « {value} » inconnu, ignoré (attendu : {allowed})", shown, line_of(key)
            )
            return None

    session, rapporteur = data.get("session"), data.get("rapporteur")
    date = data.get("date")
    if date not in (None, "") and not isinstance(date, dt.date):
        try:
            date = dt.date.fromisoformat(str(date).strip())
        except ValueError:
            diag.warning(
                f"date « {date} » invalide, ignorée (attendu AAAA-MM-JJ)", shown, line_of("date")
            )
            date = None
    if isinstance(date, dt.datetime):
        date = date.date()
    hidden = data.get("anonymes")
    if isinstance(hidden, str):
        hidden = re.split(r"[,;\n]", hidden)
    if hidden is not None and not isinstance(hidden, list):
        diag.warning("anonymes : attendu une liste de noms, ignoré", shown, line_of("anonymes"))
        hidden = None
    declared = data.get("intervenants")
    if isinstance(declared, str):
        declared = [n for n in re.split(r"[,;\n]", declared)]
    if declared is not None and not isinstance(declared, list):
        diag.warning(
            "intervenants : attendu une liste de noms, ignoré", shown, line_of("intervenants")
        )
        declared = None
    meta = FrontMatter(
        session=str(session).strip() if session not in (None, "") else None,
        rapporteur=str(rapporteur).strip() if rapporteur else "",
        type=choice("type", NoteType),
        statut=choice("statut", NoteStatus),
        date=date or None,
        intervenants=tuple(str(n).strip() for n in declared or () if str(n).strip()),
        anonymes=tuple(str(n).strip() for n in hidden or () if str(n).strip()),
        session_line=line_of("session") or 0,
    )
    return meta, "\n".join(lines[end + 1 :]), end + 1
