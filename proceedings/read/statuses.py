"""The event's status file (``statuts.yaml``): the status, the rapporteur and the
publication of notes that cannot carry them in a header of their own (subtitles, Word and
LibreOffice documents, web pages), so that every note can be marked « valide » and the
watermark can go.

    table-ronde/echanges-salle.vtt: valide
    cloture/captation.srt:
      statut: relu
      rapporteur: Claire Martin
      publication: actes
    extraits relus: [table-ronde, co-developpement/groupe-2]

Keys are note paths relative to the event folder; ``extraits relus`` lists the sessions and
groups (« session/groupe ») whose automatic text (key messages the tool chose, a condensed
account) the editor has reviewed: publication waits for it
(:mod:`proceedings.export.publish`). The file is the editor's word: its status replaces the
one a note's header gives (the deposit report says so). The file is checked as every YAML
file an editor writes (:mod:`proceedings.support.yamlcheck`): unknown paths, unknown
statuses, unknown keys and a path written twice (the last one is used) are reported at
their own line; the rest of the file is used.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TypeVar

from proceedings.errors import Diagnostics
from proceedings.model import Note, NoteStatus, Publication
from proceedings.support import yamlcheck
from proceedings.support.limits import STATUS_FILE
from proceedings.support.yamlcheck import Checker, Node
from proceedings.support.yamlfr import excerpt, keyword

MAX_FILE_BYTES = 1024 * 1024
E = TypeVar("E", bound=Enum)
_STATUSES = ", ".join(s.value for s in NoteStatus)
_KEYS = ("statut", "rapporteur", "publication")
REVIEWED = "extraits relus"  # the one key that is not a note's path


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
    # an entry's key path is the note's path, quoted: « cloture/notes.txt », statut
    c = Checker(path.as_posix(), separator=", ", partial=True)
    root, _raw = yamlcheck.read_mapping(c, path, MAX_FILE_BYTES)
    entries = {} if root is None else _entries(c, root)
    known = {n.path for n in notes}
    for key, (_entry, line) in entries.items():
        if key not in known and key != REVIEWED:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
            hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
            c.warning(
                line,
                f"« {key} »",
                f"aucune note lue sous ce chemin dans le dossier de l’événement{hint}, "
                "ligne ignorée",
            )
    diag.extend(c.problems)
    return [_applied(n, entries[n.path][0]) if n.path in entries else n for n in notes]


def reviewed(event_dir: Path, places: frozenset[str], diag: Diagnostics) -> frozenset[str]:
    """The sessions and groups whose automatic text the editor has reviewed (``extraits
    relus``); a name that is none of ``places`` is warned about. The rest of the file is
    checked by :func:`apply_statuses`."""
    path = event_dir / STATUS_FILE
    if not path.exists() and not path.is_symlink():
        return frozenset()
    c = Checker(path.as_posix(), separator=", ", partial=True)
    root, _raw = yamlcheck.read_mapping(c, path, MAX_FILE_BYTES)
    node = root.value.get(REVIEWED) if root is not None else None
    found: set[str] = set()
    for name in c.texts(node, REVIEWED, bare=True):
        place = name.strip().strip("/")
        if place in places:
            found.add(place)
        else:
            close = difflib.get_close_matches(place, sorted(places), n=1, cutoff=0.6)
            hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
            c.warning(node, REVIEWED, f"« {excerpt(place)} » : aucun texte automatique ici{hint}")
    diag.extend(p for p in c.problems if p.message.startswith(REVIEWED))
    return frozenset(found)


def _entries(c: Checker, root: Node) -> dict[str, tuple[Entry, int]]:
    """What the file says of each note, and the line of the note's path."""
    entries: dict[str, tuple[Entry, int]] = {}
    for path, node in root.value.items():
        if path == REVIEWED:
            continue
        key = f"« {path} »"
        if isinstance(node.value, list):
            c.error(node, key, f"attendu un statut ({_STATUSES})")
            continue
        if isinstance(node.value, str):  # "path: valide"
            fields = {"statut": node}
        else:
            fields = c.mapping(node, key, _KEYS) or {}
        status = _chosen(c, fields.get("statut"), key, "statut", NoteStatus, "inconnu")
        publication = _chosen(
            c, fields.get("publication"), key, "publication", Publication, "inconnue"
        )
        rapporteur = c.text(fields.get("rapporteur"), c.join(key, "rapporteur"))
        entries[path.strip().lstrip("./")] = (Entry(status, rapporteur, publication), node.key_line)
    return entries


def _chosen(
    c: Checker, node: Node | None, key: str, field: str, enum: type[E], unknown: str
) -> E | None:
    """The value of ``field`` among those of ``enum`` (case and accents aside); an error
    at the value's line for any other."""
    raw = c.text(node, c.join(key, field))
    if not raw:
        return None
    try:
        return enum(keyword(raw))
    except ValueError:
        allowed = ", ".join(str(e.value) for e in enum)
        c.error(node, key, f"{field} « {excerpt(raw)} » {unknown} ({field}s : {allowed})")
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
