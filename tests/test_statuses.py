"""The event's status file: every note, whatever its format, can be given a status and a
rapporteur, so that the « Document de travail » watermark can go."""

from __future__ import annotations

from pathlib import Path

from proceedings.errors import Diagnostics
from proceedings.model import NoteStatus, Publication
from proceedings.read.readers import subtitles, text
from proceedings.read.statuses import apply_statuses

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Claire Martin>Bonjour à tous.\n"


def _notes():  # type: ignore[no-untyped-def]
    d = Diagnostics()
    return [
        subtitles.read_vtt(VTT.encode(), "table-ronde/salle.vtt", "ev/table-ronde/salle.vtt", d),
        text.read(
            b"---\nstatut: relu\n---\nNotes.\n",
            "cloture/notes.txt",
            "ev/cloture/notes.txt",
            d,
        ),
    ]


def test_a_transcript_gets_its_status_and_rapporteur_from_the_status_file(tmp_path: Path) -> None:
    (tmp_path / "statuts.yaml").write_text(
        "table-ronde/salle.vtt:\n  statut: valide\n  rapporteur: Claire Martin\n"
        "cloture/notes.txt: valide\n",
        encoding="utf-8",
    )
    diag = Diagnostics()
    vtt, notes = apply_statuses(_notes(), tmp_path, diag)
    assert list(diag) == []
    assert (vtt.meta.statut, vtt.meta.rapporteur) == (NoteStatus.VALIDE, "Claire Martin")
    assert vtt.conversions[-2:] == (
        "statut « valide » donné par statuts.yaml",
        "rapporteur donné par statuts.yaml",
    )
    assert notes.meta.statut is NoteStatus.VALIDE
    assert notes.conversions[-1] == (
        "statut « valide » donné par statuts.yaml (l’en-tête disait « relu »)"
    )


def test_mistakes_in_the_status_file_are_told_with_their_line(tmp_path: Path) -> None:
    """Each at the line of what is wrong: the unknown key, the unknown value, the path."""
    (tmp_path / "statuts.yaml").write_text(
        "table-ronde/sale.vtt: valide\ncloture/notes.txt:\n  statut: fini\n  relu_par: X\n",
        encoding="utf-8",
    )
    diag = Diagnostics()
    vtt, notes = apply_statuses(_notes(), tmp_path, diag)
    shown = (tmp_path / "statuts.yaml").as_posix()
    assert [(d.message, d.path, d.line) for d in diag] == [
        (
            "« cloture/notes.txt », relu_par : clé inconnue, ignorée (clés possibles : "
            "statut, rapporteur, publication)",
            shown,
            4,
        ),
        (
            "« cloture/notes.txt » : statut « fini » inconnu (statuts : brouillon, relu, valide)",
            shown,
            3,
        ),
        (
            "« table-ronde/sale.vtt » : aucune note lue sous ce chemin dans le dossier de "
            "l’événement (vouliez-vous dire « table-ronde/salle.vtt » ?), ligne ignorée",
            shown,
            1,
        ),
    ]
    assert vtt.meta.statut is None and notes.meta.statut is NoteStatus.RELU


def test_the_status_file_says_where_a_note_is_published(tmp_path: Path) -> None:
    """``publication`` : integrale, condensee or actes, without regard to accents or case."""
    (tmp_path / "statuts.yaml").write_text(
        "table-ronde/salle.vtt:\n  publication: Actes\n"
        "cloture/notes.txt:\n  publication: condensée\n  statut: Validé\n",
        encoding="utf-8",
    )
    diag = Diagnostics()
    vtt, notes = apply_statuses(_notes(), tmp_path, diag)
    assert list(diag) == []
    assert vtt.meta.publication is Publication.ACTES
    assert vtt.conversions[-1] == "publication « actes » donnée par statuts.yaml"
    assert (notes.meta.publication, notes.meta.statut) == (
        Publication.CONDENSEE,
        NoteStatus.VALIDE,
    )
    (tmp_path / "statuts.yaml").write_text(
        "cloture/notes.txt:\n  publication: partielle\n", encoding="utf-8"
    )
    diag = Diagnostics()
    apply_statuses(_notes(), tmp_path, diag)
    assert [(d.message, d.line) for d in diag] == [
        (
            "« cloture/notes.txt » : publication « partielle » inconnue (publications : "
            "integrale, condensee, actes)",
            2,
        )
    ]


def test_a_wrong_value_is_told_at_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "statuts.yaml").write_text(
        "table-ronde/salle.vtt:\n  statut: valide\n  rapporteur: [Claire Martin]\n"
        "cloture/notes.txt:\n  statut: relu\n  publication: partout\n",
        encoding="utf-8",
    )
    diag = Diagnostics()
    vtt, notes = apply_statuses(_notes(), tmp_path, diag)
    assert [(d.message, d.line) for d in diag] == [
        ("« table-ronde/salle.vtt », rapporteur : attendu un texte, reçu une liste", 3),
        (
            "« cloture/notes.txt » : publication « partout » inconnue (publications : "
            "integrale, condensee, actes)",
            6,
        ),
    ]
    assert (vtt.meta.statut, vtt.meta.rapporteur) == (NoteStatus.VALIDE, "")
    assert (notes.meta.statut, notes.meta.publication) == (NoteStatus.RELU, None)


def test_a_path_written_twice_is_an_error_and_the_last_line_is_used(tmp_path: Path) -> None:
    (tmp_path / "statuts.yaml").write_text(
        "cloture/notes.txt: brouillon\ncloture/notes.txt: valide\n", encoding="utf-8"
    )
    diag = Diagnostics()
    _vtt, notes = apply_statuses(_notes(), tmp_path, diag)
    assert [str(d) for d in diag] == [
        f"{(tmp_path / 'statuts.yaml').as_posix()}:2: clé « cloture/notes.txt » répétée"
    ]
    assert notes.meta.statut is NoteStatus.VALIDE
