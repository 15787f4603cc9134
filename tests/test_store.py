"""The store of notes read by pandoc (proceedings/read/store.py), used directly: kept by
content, read back whole, never trusted when damaged, swept and purged."""

from __future__ import annotations

from pathlib import Path

from proceedings.errors import Diagnostic, Severity
from proceedings.model import Block, FrontMatter, Note, Span
from proceedings.read.store import NoteStore


def _note(shown: str) -> Note:
    return Note(
        path="ateliers/notes.docx",
        shown=shown,
        format="word",
        meta=FrontMatter(rapporteur="Une rapporteure"),
        blocks=(
            Block("heading", (Span("Atelier mobilité"),), level=1, line=1),
            Block("paragraph", (Span("Les navettes "), Span("partagées", strong=True)), line=3),
        ),
    )


def test_a_note_is_read_back_whole_under_the_name_it_is_shown_by(tmp_path: Path) -> None:
    store = NoteStore(tmp_path / "notes")
    key = store.key(b"octets du document", ".docx", "ateliers/notes.docx")
    message = Diagnostic(Severity.WARNING, "image non reprise", "ev/ateliers/notes.docx", 4)
    store.put(key, _note("ev/ateliers/notes.docx"), [message])
    again = NoteStore(tmp_path / "notes").get(key, "autre/ateliers/notes.docx")
    assert again is not None
    note, messages = again
    assert note == _note("autre/ateliers/notes.docx")
    assert messages == [
        Diagnostic(Severity.WARNING, "image non reprise", "autre/ateliers/notes.docx", 4)
    ]


def test_the_key_follows_the_bytes_the_format_and_the_path(tmp_path: Path) -> None:
    store = NoteStore(tmp_path)
    key = store.key(b"a", ".docx", "x.docx")
    assert key == store.key(b"a", ".docx", "x.docx")
    assert (
        len(
            {
                key,
                store.key(b"b", ".docx", "x.docx"),
                store.key(b"a", ".odt", "x.docx"),
                store.key(b"a", ".docx", "y.docx"),
            }
        )
        == 4
    )


def test_a_damaged_entry_is_not_used(tmp_path: Path) -> None:
    store = NoteStore(tmp_path / "notes")
    key = store.key(b"x", ".docx", "ateliers/notes.docx")
    store.put(key, _note("ev/a.docx"), [])
    entry = tmp_path / "notes" / f"{key}.json"
    entry.write_bytes(entry.read_bytes()[:-20])
    assert NoteStore(tmp_path / "notes").get(key, "ev/a.docx") is None


def test_sweep_keeps_what_the_build_used_and_purge_keeps_nothing(tmp_path: Path) -> None:
    first = NoteStore(tmp_path / "notes")
    old, kept = first.key(b"ancien", ".docx", "a.docx"), first.key(b"garde", ".docx", "b.docx")
    first.put(old, _note("ev/a.docx"), [])
    first.put(kept, _note("ev/b.docx"), [])
    second = NoteStore(tmp_path / "notes")
    assert second.get(kept, "ev/b.docx") is not None
    second.sweep()
    assert NoteStore(tmp_path / "notes").get(old, "ev/a.docx") is None
    assert NoteStore(tmp_path / "notes").get(kept, "ev/b.docx") is not None
    second.purge()
    assert NoteStore(tmp_path / "notes").get(kept, "ev/b.docx") is None
