"""Notes attached to sessions and workshops, and the notes that fit nowhere."""

from __future__ import annotations

from pathlib import Path

from proceedings.errors import Diagnostics
from proceedings.model import Block, FrontMatter, Note, Span
from proceedings.programme import load_programme
from proceedings.structure import assign

from .conftest import write_tiny_event


def note(path: str, session: str | None = None) -> Note:
    return Note(
        path=path,
        shown=f"ev/{path}",
        format="markdown",
        meta=FrontMatter(session=session, session_line=2 if session else 0),
        blocks=(Block("paragraph", (Span("Texte."),)),),
    )


def test_session_from_front_matter_then_folder_then_file_name(tmp_path: Path) -> None:
    event, _ = load_programme(write_tiny_event(tmp_path / "ev") / "programme.yaml")
    diag = Diagnostics()
    sessions = assign(
        [
            note("ateliers/a.md", session="ouverture"),
            note("ouverture/b.md"),
            note("ateliers_c.md"),
            note("ateliers/mobilite/d.md"),
            note("ateliers/velo/e.md"),
        ],
        event,
        diag,
    )
    opening, workshops = sessions
    assert [n.path for n in opening.notes] == ["ateliers/a.md", "ouverture/b.md"]
    assert [(g.id, g.titre, [n.path for n in g.notes]) for g in workshops.groups] == [
        ("", "Ateliers du matin", ["ateliers_c.md"]),
        ("mobilite", "Atelier mobilité", ["ateliers/mobilite/d.md"]),
        ("velo", "Velo", ["ateliers/velo/e.md"]),
    ]
    assert [str(d) for d in diag] == [
        "ev/ateliers/velo: avertissement : sous-dossier « velo » absent des ateliers de la "
        "session « ateliers » dans le programme ; titre déduit du nom du dossier (connus : "
        "mobilite)"
    ]


def test_notes_that_fit_no_session_are_errors_with_a_suggestion(tmp_path: Path) -> None:
    event, _ = load_programme(write_tiny_event(tmp_path / "ev") / "programme.yaml")
    diag = Diagnostics()
    sessions = assign(
        [
            note("x.md", session="atelier"),
            note("cloture/y.md"),
            note("divers.md"),
        ],
        event,
        diag,
    )
    assert all(not s.notes for s in sessions)
    assert [str(d) for d in diag] == [
        "ev/x.md:2: session « atelier » inconnue du programme (vouliez-vous dire "
        "« ateliers » ?), fichier ignoré",
        "ev/cloture/y.md: dossier « cloture » sans session correspondante dans le programme "
        "(connus : ouverture, ateliers), fichier ignoré",
        "ev/divers.md: impossible de rattacher la note à une session : placez-la dans le "
        "dossier de sa session ou indiquez « session: » dans son en-tête (sessions : "
        "ouverture, ateliers), fichier ignoré",
    ]
