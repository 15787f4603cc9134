"""The deposit report: every file of the drop folder accounted for, with the reason."""

from __future__ import annotations

from pathlib import Path

from proceedings import deposit
from proceedings.build import check
from proceedings.errors import Diagnostics


def test_report_lists_read_empty_duplicate_broken_and_skipped_files(
    tiny_event: Path, tmp_path: Path
) -> None:
    opening = tiny_event / "ouverture"
    (opening / "vide.md").write_text("   \n", encoding="utf-8")
    (opening / "copie.md").write_bytes((opening / "notes.md").read_bytes())
    (opening / "casse.vtt").write_text(
        "WEBVTT\n\n00:61:00.000 --> 00:62:00.000\nx\n", encoding="utf-8"
    )
    (opening / "~$notes.docx").write_bytes(b"verrou")
    (opening / "photo.jpeg").write_bytes(b"\xff\xd8")
    diag = Diagnostics()
    report = check(tiny_event, tmp_path / "out", diag)
    shown = tiny_event.as_posix()
    assert [str(d) for d in diag] == [
        f"{shown}/ouverture/photo.jpeg: avertissement : format non pris en charge, fichier "
        "ignoré (formats lus : .doc, .docx, .htm, .html, .markdown, .md, .odt, .rtf, .srt, "
        ".txt, .vtt)",
        f"{shown}/ouverture/casse.vtt:3: horodatage « 00:61:00.000 » invalide (attendu "
        "HH:MM:SS.mmm), fichier ignoré",
        f"{shown}/ouverture/notes.md: avertissement : contenu identique à "
        f"{shown}/ouverture/copie.md, doublon ignoré",
        f"{shown}/ouverture/vide.md: avertissement : note vide (aucun texte), ignorée",
    ]
    opening_line = report.sessions[0]
    assert [(f.path, f.status) for f in opening_line.files] == [
        ("ouverture/casse.vtt", "erreur"),
        ("ouverture/copie.md", "lu"),
        ("ouverture/notes.md", "doublon"),
        ("ouverture/vide.md", "vide"),
    ]
    assert [(f.path, f.problems) for f in report.skipped] == [
        ("ouverture/photo.jpeg", ("format non pris en charge",)),
        ("ouverture/~$notes.docx", ("fichier de verrou de Word",)),
    ]
    text = deposit.as_text(report)
    assert "    ouverture/casse.vtt — vtt — ERREUR\n        erreur : ligne 3 : horodatage" in text
    assert "    ouverture/~$notes.docx — fichier de verrou de Word" in text
    assert (tmp_path / "out" / "bilan-depot.html").exists()


def test_sessions_without_notes_are_listed(tiny_event: Path, tmp_path: Path) -> None:
    (tiny_event / "ateliers" / "mobilite" / "notes.txt").unlink()
    report = check(tiny_event, tmp_path / "out", Diagnostics())
    assert [s.id for s in report.empty_sessions] == ["ateliers"]
    assert "Sessions sans note : ateliers" in deposit.as_text(report)
