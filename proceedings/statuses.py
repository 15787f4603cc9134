"""The event's status file (``statuts.yaml``): the status, the rapporteur and the
publication of notes that cannot carry them in a header of their own (subtitles, Word and
LibreOffice documents, web pages), so that every note can be marked « valide » and the
watermark can go.

    table-ronde/echanges-salle.vtt: valide
    cloture/captation.srt:
      statut: relu
      rapporteur: Claire Martin
      publication: actes

Keys are note paths relative to the event folder. The file is the editor's word: its status
replaces the one a note's header gives (the deposit report says so). Unknown paths, unknown
statuses and unknown keys are reported with their line; the rest of the file is used.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from . import yamlcheck, yamlfr
from .errors import Diagnostics
from .limits import STATUS_FILE
from .model import Note, NoteStatus, Publication

MAX_FILE_BYTES = 1024 * 1024
E = TypeVar("E", bound=Enum)
_STATUSES = ", ".join(s.value for s in NoteStatus)
_KEYS = ("statut", "rapporteur", "publication")


@dataclass(frozen=True, slots=True)
class Entry:
    """What the status file says of one note."""

    statut: NoteStatus | None = None
    rapporteur: str = ""
    publication: Publication | None = None


def apply_statuses(notes: list[Note], event_dir: Path, diag: Diagnostics) -> list[Note]:
    """The notes with the status and rapporteur the event's status file gives them."""
    path = event_dir / STATUS_FILE
    if not path.exists() and not path.is_symlink():
        return notes
    data, _raw, text = yamlfr.read_mapping(path, diag, MAX_FILE_BYTES)
    if not data:
        return notes
    shown = path.as_posix()
    entries = _entries(data, text, shown, diag)
    known = {n.path for n in notes}
    for key in entries:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
            hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
            diag.warning(
                f"« {key} » : aucune note lue sous ce chemin dans le dossier de "
                f"l’événement{hint}, ligne ignorée",
                shown,
                _line(text, key),
            )
    return [_applied(n, entries[n.path]) if n.path in entries else n for n in notes]


def _entries(data: dict[str, Any], text: str, shown: str, diag: Diagnostics) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for key, value in data.items():
        line = _line(text, key)
        if isinstance(value, str) or value is None:
            value = {"statut": value}
        if not isinstance(value, dict):
            diag.error(f"« {key} » : attendu un statut ({_STATUSES})", shown, line)
            continue
        for unknown in sorted(set(value) - set(_KEYS), key=str):
            diag.warning(
                f"« {key} », {yamlfr.excerpt(str(unknown))} : "
                f"{yamlcheck.unknown_key(str(unknown), _KEYS)}",
                shown,
                line,
            )
        where = (key, shown, line)
        status = _chosen(value, "statut", NoteStatus, "inconnu", where, diag)
        publication = _chosen(value, "publication", Publication, "inconnue", where, diag)
        rapporteur = value.get("rapporteur")
        entries[str(key).strip().lstrip("./")] = Entry(
            status, rapporteur.strip() if isinstance(rapporteur, str) else "", publication
        )
    return entries


def _chosen(
    value: dict[str, Any],
    field: str,
    enum: type[E],
    unknown: str,
    where: tuple[str, str, int | None],
    diag: Diagnostics,
) -> E | None:
    """The value of ``field`` among those of ``enum`` (case and accents aside); an error
    with the entry's line for any other."""
    raw = value.get(field)
    if raw is None:
        return None
    try:
        return enum(yamlfr.keyword(raw))
    except ValueError:
        key, shown, line = where
        allowed = ", ".join(str(e.value) for e in enum)
        diag.error(
            f"« {key} » : {field} « {yamlfr.excerpt(str(raw))} » {unknown} ({field}s : {allowed})",
            shown,
            line,
        )
        return None


def _applied(note: Note, entry: Entry) -> Note:
    meta, said = note.meta, []
    if entry.statut is not None and entry.statut is not meta.statut:
        was = f" (l’en-tête disait « {meta.statut.value} »)" if meta.statut else ""
        said.append(f"statut « {entry.statut.value} » donné par {STATUS_FILE}{was}")
        meta = dataclasses.replace(meta, statut=entry.statut)
    if entry.publication is not None and entry.publication is not meta.publication:
        said.append(f"publication « {entry.publication.value} » donnée par {STATUS_FILE}")
        meta = dataclasses.replace(meta, publication=entry.publication)
    if entry.rapporteur and entry.rapporteur != meta.rapporteur:
        said.append(f"rapporteur donné par {STATUS_FILE}")
        meta = dataclasses.replace(meta, rapporteur=entry.rapporteur)
    return dataclasses.replace(note, meta=meta, conversions=(*note.conversions, *said))


def _line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip("\"' ").startswith(key):
            return number
    return None
