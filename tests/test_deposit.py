"""The deposit report: every file of the drop folder accounted for, with the reason."""

from __future__ import annotations

from pathlib import Path

from proceedings.build import check
from proceedings.errors import Diagnostics
from proceedings.read import deposit


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
    (opening / "plan.svg").write_text("<svg/>", encoding="utf-8")
    (opening / "photo.jpeg").write_bytes(b"\xff\xd8")
    diag = Diagnostics()
    report = check(tiny_event, tmp_path / "out", diag)
    shown = tiny_event.as_posix()
    assert [str(d) for d in diag] == [
        f"{shown}/ouverture/plan.svg: avertissement : format non pris en charge, fichier "
        "ignoré (formats lus : .csv, .doc, .docx, .htm, .html, .markdown, .md, .odt, .rtf, "
        ".srt, .txt, .vtt, .xlsx ; photos : .heic, .heif, .jpeg, .jpg, .png, .webp)",
        f"{shown}/ouverture/casse.vtt:3: horodatage « 00:61:00.000 » invalide (attendu "
        "HH:MM:SS.mmm), fichier ignoré",
        f"{shown}/ouverture/notes.md: avertissement : contenu identique à "
        f"{shown}/ouverture/copie.md, doublon ignoré",
        f"{shown}/ouverture/vide.md: avertissement : note vide (aucun texte), ignorée",
        f"{shown}/ouverture/photo.jpeg: image JPEG tronquée ou endommagée, photo ignorée",
    ]
    opening_line = report.sessions[0]
    assert [(f.path, f.status) for f in opening_line.files] == [
        ("ouverture/casse.vtt", "erreur"),
        ("ouverture/copie.md", "lu"),
        ("ouverture/notes.md", "doublon"),
        ("ouverture/vide.md", "vide"),
    ]
    assert [(f.path, f.problems) for f in report.skipped] == [
        ("ouverture/plan.svg", ("format non pris en charge",)),
        ("ouverture/~$notes.docx", ("fichier de verrou de Word",)),
    ]
    assert [(p.path, p.shown, p.problems) for p in report.photos] == [
        (
            "ouverture/photo.jpeg",
            False,
            ("erreur : image JPEG tronquée ou endommagée, photo ignorée",),
        )
    ]
    text = deposit.as_text(report)
    assert "    ouverture/casse.vtt — vtt — ERREUR\n        erreur : ligne 3 : horodatage" in text
    assert "    ouverture/~$notes.docx — fichier de verrou de Word" in text
    assert "Photos :\n    ouverture/photo.jpeg — ÉCARTÉE\n        erreur : image JPEG" in text
    assert (tmp_path / "out" / "bilan-depot.html").exists()


def test_sessions_without_notes_are_listed(tiny_event: Path, tmp_path: Path) -> None:
    (tiny_event / "ateliers" / "mobilite" / "notes.txt").unlink()
    report = check(tiny_event, tmp_path / "out", Diagnostics())
    assert [s.id for s in report.empty_sessions] == ["ateliers"]
    assert "Sessions sans note : ateliers" in deposit.as_text(report)


def test_the_same_recording_in_two_files_is_published_once() -> None:
    """A .vtt and its word-level twin (one word a cue) hold the same words: the one read
    by sentences is kept, the other is a duplicate, with a warning naming both."""
    from proceedings.read.readers import subtitles

    sentences = [
        "Bonjour à toutes et à tous, merci d’être venus si nombreux ce matin.",
        "Nous allons parler des alliances entre les territoires et les entreprises.",
        "La première question porte sur la façon de valoriser ce travail commun.",
    ]
    cues, words = ["WEBVTT", ""], ["WEBVTT", ""]
    t = 0
    for i, sentence in enumerate(sentences):
        cues += [f"00:00:{i * 5:02d}.000 --> 00:00:{i * 5 + 4:02d}.000", sentence, ""]
        for word in sentence.split():
            words += [
                f"00:00:{t // 10:02d}.{t % 10}00 --> 00:00:{t // 10:02d}.{t % 10}50",
                word,
                "",
            ]
            t += 1
    d = Diagnostics()
    by_word = subtitles.read_vtt("\n".join(words).encode(), "a/mots.vtt", "ev/a/mots.vtt", d)
    by_sentence = subtitles.read_vtt("\n".join(cues).encode(), "a/salle.vtt", "ev/a/salle.vtt", d)
    other = subtitles.read_vtt(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nUne tout autre intervention, sans rapport "
        "avec la précédente, sur le budget participatif de la commune.\n".encode(),
        "a/autre.vtt",
        "ev/a/autre.vtt",
        d,
    )
    diag = Diagnostics()
    kept = deposit.screen([by_word, by_sentence, other], diag).kept
    assert [n.path for n in kept] == ["a/salle.vtt", "a/autre.vtt"]
    assert [(m.path, m.message) for m in diag] == [
        (
            "ev/a/mots.vtt",
            "mêmes mots que ev/a/salle.vtt (même enregistrement ou même texte dans un autre "
            "format), doublon ignoré ; ev/a/salle.vtt est gardé",
        )
    ]
