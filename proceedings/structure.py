"""Notes to sessions: each note is attached to a programme session and to its workshop.

The session comes from the note's front matter first, else from its folder, else from a
file-name prefix (``table-ronde_notes.md``). Sub-folders of a session are its workshops or
groups, titled from the programme when it declares them.
"""

from __future__ import annotations

import difflib
import re

from .errors import Diagnostics
from .model import Event, Group, Note, Session, SessionContent


def assign(notes: list[Note], event: Event, diag: Diagnostics) -> tuple[SessionContent, ...]:
    """Attach every note to its session; a note that fits none is reported and left out."""
    by_session: dict[str, list[Note]] = {s.id: [] for s in event.sessions}
    for note in notes:
        session_id = _session_of(note, event, diag)
        if session_id is not None:
            by_session[session_id].append(note)
    return tuple(
        SessionContent(session=s, groups=_groups(s, by_session[s.id], diag)) for s in event.sessions
    )


def _session_of(note: Note, event: Event, diag: Diagnostics) -> str | None:
    known = [s.id for s in event.sessions]
    if note.meta.session is not None:
        if note.meta.session in known:
            return note.meta.session
        diag.error(
            f"session « {note.meta.session} » inconnue du programme"
            f"{_hint(note.meta.session, known)}, fichier ignoré",
            note.shown,
            note.meta.session_line or None,
        )
        return None
    if note.folder:
        if note.folder[0] in known:
            return note.folder[0]
        diag.error(
            f"dossier « {note.folder[0]} » sans session correspondante dans le programme"
            f"{_hint(note.folder[0], known)}, fichier ignoré",
            note.shown,
        )
        return None
    stem = note.path.rsplit(".", 1)[0]
    for session_id in sorted(known, key=len, reverse=True):
        if re.match(rf"{re.escape(session_id)}(?:[-_ .]|$)", stem):
            return session_id
    diag.error(
        "impossible de rattacher la note à une session : placez-la dans le dossier "
        f"de sa session ou indiquez « session: » dans son en-tête (sessions : "
        f"{', '.join(known)}), fichier ignoré",
        note.shown,
    )
    return None


def _groups(session: Session, notes: list[Note], diag: Diagnostics) -> tuple[Group, ...]:
    """Session-level notes first, then workshops in programme order, then other folders."""
    buckets: dict[str, list[Note]] = {}
    for note in sorted(notes, key=lambda n: n.path):
        sub = note.folder[1] if len(note.folder) > 1 and note.folder[0] == session.id else ""
        buckets.setdefault(sub, []).append(note)
    declared = {w.id: w for w in session.ateliers}
    groups = []
    # The plenary report-back of a co-development session comes after its groups.
    plenary = Group(
        id="", titre=session.restitution or session.titre, notes=tuple(buckets.pop("", []))
    )
    if plenary.notes and not session.restitution:
        groups.append(plenary)
    for workshop in session.ateliers:
        if workshop.id in buckets:
            groups.append(
                Group(
                    id=workshop.id,
                    titre=workshop.titre,
                    notes=tuple(buckets.pop(workshop.id)),
                    workshop=workshop,
                )
            )
    for sub in sorted(buckets):
        diag.warning(
            f"sous-dossier « {sub} » absent des ateliers de la session "
            f"« {session.id} » dans le programme ; titre déduit du nom du dossier"
            f"{_hint(sub, list(declared))}",
            buckets[sub][0].shown.rsplit("/", 1)[0],
        )
        groups.append(Group(id=sub, titre=_title_from_folder(sub), notes=tuple(buckets[sub])))
    if plenary.notes and session.restitution:
        groups.append(plenary)
    return tuple(groups)


def _title_from_folder(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def _hint(value: str, known: list[str]) -> str:
    """The closest known id when one is close, else the list of known ids."""
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.7)
    if close:
        return f" (vouliez-vous dire « {close[0]} » ?)"
    return f" (connus : {', '.join(known)})" if known else ""
