"""Readers: one module per format, registered by file extension.

Every reader takes the file's bytes and its shown path and returns a ``Note``, or raises
``SourceError`` with the line when it knows it. ``discover`` lists the files of an event
folder in a stable order and tells which ones are skipped and why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
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
# Files of the event folder that describe the event and are not notes.
EDITORIAL_FILE = "editorial.md"
EVENT_FILES = frozenset({PROGRAMME_FILE, EDITORIAL_FILE, "thesaurus.yaml", "mots-cles.yaml"})

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
    skipped: str = ""  # why the file is not read, when it is not


def known_formats() -> str:
    return ", ".join(sorted(READERS))


def debris(name: str) -> str:
    """Why a file left behind by an editor or a system is not a note ("" if it may be one)."""
    lower = name.lower()
    if name.startswith("~$"):
        return "fichier de verrou de Word"
    if name.startswith(".~lock."):
        return "fichier de verrou de LibreOffice"
    if lower in _DEBRIS_NAMES:
        return "fichier système"
    if name.startswith("."):
        return "fichier caché"
    if lower.endswith(("~", ".tmp", ".bak")):
        return "copie temporaire ou de sauvegarde"
    return ""


def discover(event_dir: Path, diag: Diagnostics) -> list[Found]:
    """Every file of the event folder, sorted by path so that builds are repeatable.

    Files that cannot be notes come with the reason they are skipped: editors' and systems'
    debris silently, other formats with a warning. Hidden folders are not entered.
    """
    found: list[Found] = []
    for folder, dirs, files in os.walk(event_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            rel = path.relative_to(event_dir).as_posix()
            if rel in EVENT_FILES:
                continue
            shown = (event_dir / rel).as_posix()
            reason = debris(name)
            reader = None if reason else READERS.get(path.suffix.lower())
            if reader is None and not reason:
                reason = "format non pris en charge"
                diag.warning(f"{reason}, fichier ignoré (formats lus : {known_formats()})", shown)
            found.append(Found(path, rel, shown, reader, reason))
    found.sort(key=lambda f: f.rel)
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


def read_editorial(event_dir: Path, diag: Diagnostics) -> Note | None:
    """The optional editorial of the event folder (Markdown), None when absent or unreadable."""
    path = event_dir / EDITORIAL_FILE
    if not path.is_file():
        return None
    found = Found(path, EDITORIAL_FILE, path.as_posix(), markdown.read)
    return read_or_report(found, diag)
