"""The programme file: the demo's content, and the exact French messages for bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from proceedings.errors import ProgrammeError
from proceedings.model import SessionKind
from proceedings.read.programme import load_programme

from .conftest import DEMO, TINY_PROGRAMME


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeError) as info:
        load_programme(path, "programme.yaml")
    return [str(p) for p in info.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_demo_programme_describes_the_whole_seed() -> None:
    event, warnings = load_programme(DEMO / "programme.yaml")
    assert warnings == []
    assert event.exemple is True
    assert event.edition == 5
    assert event.theme == "Ensemble, valorisons les territoires !"
    assert event.date == dt.date(2019, 6, 26)
    assert (event.debut, event.fin) == (dt.time(9, 0), dt.time(17, 30))
    assert "Masseran" in event.adresse
    assert [s.type for s in event.sessions] == list(SessionKind)
    assert [r.id for r in event.references] == ["phare", "innovons", "juris", "referentiel"]
    round_table = event.session("table-ronde")
    assert round_table is not None
    assert len(round_table.intervenants) == 5
    assert all(p.question.endswith("?") for p in round_table.intervenants)
    assert round_table.animateur is not None and "HEIDSIECK" in round_table.animateur.nom
    assert round_table.eclairages[0].organisation == "Tamkeen Li Tanmia"
    workshops = event.session("ateliers")
    assert workshops is not None and len(workshops.ateliers) == 6
    assert workshops.introduction is not None
    lunch = event.session("dejeuner")
    assert lunch is not None and lunch.eclairages[0].intervenants[0].nom == "Florence RAINEIX"
    codev = event.session("co-developpement")
    assert codev is not None and len(codev.partenaires) == 4 and codev.restitution
    tools = event.session("outils")
    assert tools is not None and len(tools.outils) == 6 and tools.animation == "Villes au Carré"
    opening = event.session("ouverture")
    assert opening is not None and "GOURAULT" in opening.intervenants[0].represente


def test_missing_key_is_reported_with_its_path_and_line(tmp_path: Path) -> None:
    text = TINY_PROGRAMME.replace("    titre: Ateliers du matin\n", "")
    assert problems_of(tmp_path, text) == [
        f"programme.yaml:{line_of(text, '- id: ateliers')}: "
        "sessions[2].titre : clé obligatoire absente"
    ]


def test_wrong_time_says_what_was_expected(tmp_path: Path) -> None:
    text = TINY_PROGRAMME.replace('debut: "09:30"', "debut: 9h30")
    assert problems_of(tmp_path, text) == [
        f"programme.yaml:{line_of(text, 'debut: 9h30')}: "
        "sessions[2].debut : attendu HH:MM, reçu « 9h30 »"
    ]


def test_unknown_session_kind_lists_the_known_kinds(tmp_path: Path) -> None:
    text = TINY_PROGRAMME.replace("type: ateliers", "type: pleniere")
    assert problems_of(tmp_path, text) == [
        f"programme.yaml:{line_of(text, 'type: pleniere')}: "
        "sessions[2].type : type de session inconnu « pleniere » (attendu : accueil, "
        "ouverture, table-ronde, ateliers, dejeuner, co-developpement, outils, cloture)"
    ]


def test_yaml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    text = TINY_PROGRAMME.replace("lieu: Salle des fêtes", "lieu: Salle : des fêtes")
    assert problems_of(tmp_path, text) == [
        f"programme.yaml:{line_of(text, 'lieu:')}: erreur de syntaxe YAML : deux-points "
        "inattendu (une valeur contenant « : » doit être entre guillemets) (colonne 13)"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        TINY_PROGRAMME.replace('fin: "12:00"\nlieu', "lieu")
        .replace('debut: "09:00"\n    fin', 'debut: "25:00"\n    fin')
        .replace("titre: Ouverture", "titr: Ouverture")
    )
    problems = problems_of(tmp_path, text)
    assert problems == [
        "programme.yaml:1: fin : clé obligatoire absente",
        f"programme.yaml:{line_of(text, '- id: ouverture')}: "
        "sessions[1].titre : clé obligatoire absente",
        f"programme.yaml:{line_of(text, 'titr:')}: avertissement : sessions[1].titr : clé "
        "inconnue, ignorée (vouliez-vous dire « titre » ?)",
        f"programme.yaml:{line_of(text, '25:00')}: "
        "sessions[1].debut : attendu HH:MM, reçu « 25:00 »",
    ]


def test_unknown_key_is_only_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(
        TINY_PROGRAMME.replace("exemple: true", "exemple: true\nlieux: x"), encoding="utf-8"
    )
    event, warnings = load_programme(path, "programme.yaml")
    assert event.lieu == "Salle des fêtes"
    assert [str(w) for w in warnings] == [
        "programme.yaml:2: avertissement : lieux : clé inconnue, ignorée "
        "(vouliez-vous dire « lieu » ?)"
    ]


def test_citation_of_a_missing_reference_is_an_error(tmp_path: Path) -> None:
    text = TINY_PROGRAMME.replace("[^rapport]", "[^rapport] et [^absente]")
    problems = problems_of(tmp_path, text)
    assert problems == [
        f"programme.yaml:{line_of(text, 'introduction:')}: introduction : renvoi "
        "« [^absente] » vers une référence absente de « references »"
    ]


def test_times_are_read_as_written_not_as_yaml_numbers(tmp_path: Path) -> None:
    # YAML 1.1 reads 9:30 unquoted as the sexagesimal number 570.
    path = tmp_path / "programme.yaml"
    path.write_text(TINY_PROGRAMME.replace('"09:30"', "9:30"), encoding="utf-8")
    event, _ = load_programme(path)
    assert event.sessions[1].debut == dt.time(9, 30)


def test_missing_file_and_non_utf8_file(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError) as info:
        load_programme(tmp_path / "absent.yaml", "absent.yaml")
    assert [str(p) for p in info.value.problems] == [
        "absent.yaml: fichier de programme introuvable"
    ]
    path = tmp_path / "programme.yaml"
    path.write_bytes(TINY_PROGRAMME.encode("cp1252"))
    with pytest.raises(ProgrammeError) as info:
        load_programme(path, "programme.yaml")
    assert [str(p) for p in info.value.problems] == [
        "programme.yaml:2: le fichier n’est pas en UTF-8 ; enregistrez-le en UTF-8 depuis "
        "votre éditeur"
    ]
