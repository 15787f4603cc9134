"""Readers: one module per format, registered by file extension.

Every reader takes the file's bytes and its shown path and returns a ``Note``, or raises
``SourceError`` with the line when it knows it. ``discover`` lists the files of an event
folder in a stable order and tells which ones are skipped and why.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics, SourceError
from ..model import Note
from . import markdown, office, subtitles, text

Reader = Callable[[bytes, str, str, Diagnostics], Note]

READERS: dict[str, Reader] = {
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".txt": text.read,
    ".docx": office.read_docx,
    ".odt": office.read_odt,
    ".rtf": office.read_rtf,
    ".doc": office.read_doc,
    ".html": office.read_html,
    ".htm": office.read_html,
    ".vtt": subtitles.read_vtt,
    ".srt": subtitles.read_srt,
}

PROGRAMME_FILE = "programme.yaml"

# Files that editors, office suites and operating systems leave behind: never notes
# (hidden files, Word's "~$" owner files and LibreOffice's ".~lock.…#" are hidden too).
_DEBRIS_NAMES = {".ds_store", "thumbs.db", "desktop.ini", "icon\r"}


@dataclass(frozen=True, slots=True)
class Found:
    """A file of the event folder and the reader chosen for it (None: not a note)."""

    path: Path
    rel: str  # relative to the event folder, with forward slashes
    shown: str  # as shown in messages: the event folder as given, then rel
    reader: Reader | None


def known_formats() -> str:
    return ", ".join(sorted(READERS))


def is_debris(name: str) -> bool:
    """Hidden files, lock files and system files, skipped without a word."""
    lower = name.lower()
    return (
        name.startswith((".", "~$", "~"))
        or lower in _DEBRIS_NAMES
        or lower.endswith(("~", ".tmp", ".bak"))
    )


def discover(event_dir: Path, diag: Diagnostics) -> list[Found]:
    """Every note file of the event folder, sorted by path so that builds are repeatable."""
    found: list[Found] = []
    for path in sorted(event_dir.rglob("*")):
        rel = path.relative_to(event_dir)
        if any(is_debris(part) for part in rel.parts) or not path.is_file():
            continue
        if rel.as_posix() == PROGRAMME_FILE:
            continue
        shown = (event_dir / rel).as_posix()
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            diag.warning(
                f"format non pris en charge, fichier ignoré (formats lus : {known_formats()})",
                shown,
            )
        found.append(Found(path, rel.as_posix(), shown, reader))
    return found


def read_or_report(found: Found, diag: Diagnostics) -> Note | None:
    """Read one file; a failure is reported with its location and the file is left out."""
    if found.reader is None:
        return None
    try:
        data = found.path.read_bytes()
    except OSError as exc:
        diag.error(f"lecture impossible ({exc.strerror}), fichier ignoré", found.shown)
        return None
    try:
        note = found.reader(data, found.rel, found.shown, diag)
    except SourceError as exc:
        diag.error(f"{exc.message}, fichier ignoré", exc.path or found.shown, exc.line)
        return None
    return dataclasses.replace(note, digest=hashlib.sha256(data).hexdigest())
