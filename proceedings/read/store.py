"""Notes read by pandoc (Word, LibreOffice, RTF, web pages), kept on disk by content so
that a rebuild does not run pandoc again on files that did not change. The messages a
reader gave are kept with the note.

Each entry is checked on reading (:mod:`proceedings.support.cachefile`): a missing, damaged,
swapped or foreign entry is read again from its file; a write the disk refuses is skipped.
A note is kept as read, before anonymous publication replaces any name: when a build hides
someone, it does not use the store and empties it (:meth:`NoteStore.purge`), so that the
output folder holds no name.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from proceedings.errors import Diagnostic, Severity
from proceedings.model import Note
from proceedings.support import cachefile

STORE_VERSION = "6"  # change it when a reader changes what it returns
SCHEMA = f"note-{STORE_VERSION}"


class NoteStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()  # keys read or written since this object was made

    def key(self, data: bytes, suffix: str, path: str) -> str:
        h = hashlib.sha256()
        for part in (STORE_VERSION.encode(), suffix.encode(), path.encode(), data):
            h.update(part)
            h.update(b"\0")
        return h.hexdigest()

    def get(self, key: str, shown: str) -> tuple[Note, list[Diagnostic]] | None:
        data = cachefile.read(self.folder / f"{key}.json", SCHEMA, key)
        if not isinstance(data, dict):
            return None
        try:
            note: Note = cachefile.decode(Note, {**_dict(data.get("note")), "shown": shown})
            messages = [
                Diagnostic(Severity(d[0]), d[1], shown, d[2])
                for d in cachefile.decode(list[tuple[str, str, int | None]], data.get("messages"))
            ]
        except (cachefile.Invalid, ValueError):
            return None
        self.used.add(key)
        return note, messages

    def put(self, key: str, note: Note, messages: list[Diagnostic]) -> None:
        self.used.add(key)
        data = {
            "note": cachefile.encode(note),
            "messages": [[d.severity.value, d.message, d.line] for d in messages],
        }
        cachefile.write(self.folder / f"{key}.json", SCHEMA, key, data)

    def sweep(self) -> None:
        """Remove the entries this build did not use (files changed or deleted)."""
        cachefile.sweep(self.folder, self.used)

    def purge(self) -> None:
        """Remove every entry: the notes kept hold names that a build now hides."""
        self.used.clear()
        cachefile.sweep(self.folder, ())


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise cachefile.Invalid("objet")
    return value
