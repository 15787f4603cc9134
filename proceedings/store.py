"""Notes read by pandoc (Word, LibreOffice, RTF, web pages), kept on disk by content so
that a rebuild does not run pandoc again on files that did not change. A missing or
damaged entry is read again; the messages a reader gave are kept with the note."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import Diagnostic, Severity
from .model import Block, FrontMatter, Media, Note, NoteStatus, NoteType, Span

STORE_VERSION = "2"  # change it when a reader changes what it returns


class NoteStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, data: bytes, suffix: str, path: str) -> str:
        h = hashlib.sha256()
        for part in (STORE_VERSION.encode(), suffix.encode(), path.encode(), data):
            h.update(part)
            h.update(b"\0")
        return h.hexdigest()

    def get(self, key: str, shown: str) -> tuple[Note, list[Diagnostic]] | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            note = _note(data["note"], shown)
            messages = [Diagnostic(Severity(d[0]), d[1], shown, d[2]) for d in data["messages"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return note, messages

    def put(self, key: str, note: Note, messages: list[Diagnostic]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {
            "note": _plain(note),
            "messages": [[d.severity.value, d.message, d.line] for d in messages],
        }
        fd, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
        os.replace(name, self.folder / f"{key}.json")


def _plain(note: Note) -> dict[str, Any]:
    data = dataclasses.asdict(note)
    data["media"] = [
        {"name": m.name, "data": base64.b64encode(m.data).decode()} for m in note.media
    ]
    meta = data["meta"]
    meta["type"] = note.meta.type.value if note.meta.type else None
    meta["statut"] = note.meta.statut.value if note.meta.statut else None
    meta["date"] = note.meta.date.isoformat() if note.meta.date else None
    return data


def _note(data: dict[str, Any], shown: str) -> Note:
    meta = dict(data["meta"])
    meta["type"] = NoteType(meta["type"]) if meta["type"] else None
    meta["statut"] = NoteStatus(meta["statut"]) if meta["statut"] else None
    meta["date"] = dt.date.fromisoformat(meta["date"]) if meta["date"] else None
    for name in ("intervenants", "anonymes"):
        meta[name] = tuple(meta[name])
    blocks = tuple(
        Block(
            **{
                **b,
                "spans": tuple(Span(**s) for s in b["spans"]),
                "rows": tuple(
                    tuple(tuple(Span(**s) for s in cell) for cell in row) for row in b["rows"]
                ),
            }
        )
        for b in data["blocks"]
    )
    return Note(
        path=data["path"],
        shown=shown,
        format=data["format"],
        meta=FrontMatter(**meta),
        blocks=blocks,
        encoding=data["encoding"],
        conversions=tuple(data["conversions"]),
        media=tuple(Media(m["name"], base64.b64decode(m["data"])) for m in data["media"]),
        digest=data["digest"],
    )
