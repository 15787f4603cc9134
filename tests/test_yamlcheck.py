"""The YAML checker shared by the files an editor writes: the tree and its lines, and the
exact French message of each problem, at its line, under its key path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from proceedings.errors import Severity
from proceedings.support import yamlfr
from proceedings.support.yamlcheck import Checker, Node, Reader, read_mapping


def tree(text: str, checker: Checker | None = None) -> Node:
    node = (checker or Checker("f.yaml")).compose(text, 10_000)
    assert node is not None
    return node


def told(checker: Checker) -> list[str]:
    return [str(d) for d in checker.problems]


# -- the tree -------------------------------------------------------------------------


def test_every_node_knows_its_line_and_the_line_of_its_key() -> None:
    root = tree("# un commentaire\ntitre: Rencontre\nsessions:\n  - id: ouverture\n    x: 1\n")
    assert (root.line, root.key_line) == (2, 0)
    titre, sessions = root.value["titre"], root.value["sessions"]
    assert (titre.value, titre.line, titre.key_line) == ("Rencontre", 2, 2)
    assert (sessions.line, sessions.key_line) == (4, 3)  # a block list starts at its "-"
    first = sessions.value[0]
    assert (first.line, first.key_line) == (4, 0)
    assert (first.value["x"].value, first.value["x"].line) == ("1", 5)


def test_lines_count_from_where_the_text_starts_in_its_file() -> None:
    node = Checker("n.md").compose("a: 1\nb: 2\n", 100, first_line=2)
    assert node is not None and node.value["b"].line == 3


def test_scalars_stay_as_written_and_empty_values_are_empty_texts() -> None:
    root = tree("debut: 9:15\nreponse: non\nvide:\ntilde: ~\ndate: 2019-02-30\n")
    assert {k: v.value for k, v in root.value.items()} == {
        "debut": "9:15",
        "reponse": "non",
        "vide": "",
        "tilde": "",
        "date": "2019-02-30",
    }


def test_an_empty_text_is_no_tree() -> None:
    assert Checker("f.yaml").compose("# rien\n", 100) is None


def test_a_key_written_twice_is_an_error_at_its_second_line_and_the_last_is_kept() -> None:
    c = Checker("f.yaml")
    root = tree("titre: A\nlieu: Ici\ntitre: B\n", c)
    assert told(c) == ["f.yaml:3: clé « titre » répétée"]
    assert root.value["titre"].value == "B"


def test_a_list_or_a_mapping_as_a_key_is_an_error_and_left_out() -> None:
    c = Checker("f.yaml")
    root = tree("a: 1\n? [x, y]\n: valeur\n", c)
    assert told(c) == [
        "f.yaml:2: clé non valide : une liste ou un ensemble de clés ne peut pas servir de clé"
    ]
    assert list(root.value) == ["a"]


def test_merged_keys_are_read_and_the_keys_written_win() -> None:
    c = Checker("f.yaml")
    root = tree("base: &b {statut: relu, rapporteur: X}\nnote:\n  <<: *b\n  statut: valide\n", c)
    note = root.value["note"].value
    assert {k: v.value for k, v in note.items()} == {"rapporteur": "X", "statut": "valide"}
    assert note["rapporteur"].line == 1  # where it is written
    assert c.problems == []


def test_a_text_over_a_bound_is_refused_by_yamlfr() -> None:
    with pytest.raises(yamlfr.Refused) as info:
        Checker("f.yaml").compose("a: &r [*r]\n", 100)
    assert (info.value.problem, info.value.line) == (
        "alias YAML qui se contient lui-même (récursif)",
        1,
    )


# -- structure -------------------------------------------------------------------------


def test_an_unknown_key_is_a_warning_at_its_line_with_the_key_meant() -> None:
    c = Checker("f.yaml")
    root = tree("titre: A\nsession:\n  titr: B\n  salle:\n    - x\n", c)
    c.mapping(root.value["session"], "sessions[2]", ("titre", "debut"))
    assert told(c) == [
        "f.yaml:3: avertissement : sessions[2].titr : clé inconnue, ignorée (vouliez-vous "
        "dire « titre » ?)",
        "f.yaml:4: avertissement : sessions[2].salle : clé inconnue, ignorée (clés "
        "possibles : titre, debut)",
    ]
    assert all(d.severity is Severity.WARNING for d in c.problems)


def test_a_required_key_missing_or_empty_is_an_error_with_its_path() -> None:
    c = Checker("f.yaml")
    root = tree("sessions:\n  - id: a\n    titre:\n", c)
    c.mapping(
        root.value["sessions"].value[0],
        "sessions[1]",
        ("id", "titre", "debut"),
        ("id", "titre", "debut"),
    )
    assert told(c) == [
        "f.yaml:2: sessions[1].titre : clé obligatoire absente",
        "f.yaml:2: sessions[1].debut : clé obligatoire absente",
    ]


def test_a_mapping_expected_and_something_else_found() -> None:
    c = Checker("f.yaml")
    root = tree("synthese: [1, 2]\n", c)
    assert c.mapping(root.value["synthese"], "synthese", ("pages",)) is None
    assert told(c) == ["f.yaml:1: synthese : attendu un ensemble de clés, reçu une liste"]


def test_a_record_is_read_key_by_key_in_the_order_of_its_readers() -> None:
    readers: dict[str, Reader] = {
        "nom": Checker.text,
        "anonyme": Checker.boolean,
        "alias": Checker.texts,
    }
    c = Checker("f.yaml")
    root = tree("alias: [Hélène]\nanonyme: peut-être\nnom: ' Hélène VALADE '\n", c)
    assert c.record(root, "intervenants[1]", readers, ("nom",)) == {
        "nom": "Hélène VALADE",
        "anonyme": False,
        "alias": ("Hélène",),
    }
    assert told(c) == [
        "f.yaml:2: intervenants[1].anonyme : attendu true ou false, reçu « peut-être »"
    ]


def test_a_list_over_its_bound_is_an_error_at_its_line_and_read_up_to_it() -> None:
    c = Checker("f.yaml", max_items=2)
    root = tree("partenaires:\n  - A\n  - B\n  - C\n", c)
    assert c.texts(root.value["partenaires"], "partenaires") == ("A", "B")
    assert told(c) == ["f.yaml:2: partenaires : liste trop longue (3 éléments ; au plus 2)"]
    c = Checker("f.yaml", max_items=2, partial=True)  # a file used in part says so
    assert c.sequence(root.value["partenaires"], "partenaires", lambda n, k: n.value, 1) == ("A",)
    assert told(c) == [
        "f.yaml:2: partenaires : liste trop longue (3 éléments ; au plus 1), les suivants "
        "sont ignorés"
    ]


def test_a_list_expected_and_something_else_found() -> None:
    c = Checker("f.yaml")
    root = tree("partenaires: Ville\nalias: {a: b}\nvide:\n", c)
    assert c.texts(root.value["partenaires"], "partenaires") == ()
    assert c.texts(root.value["alias"], "alias") == ()
    assert c.texts(root.value["vide"], "vide") == ()
    assert c.texts(None, "absent") == ()
    assert told(c) == [
        "f.yaml:1: partenaires : attendu une liste, reçu « Ville »",
        "f.yaml:2: alias : attendu une liste, reçu un ensemble de clés",
    ]


def test_a_bare_text_can_stand_for_a_list_of_one() -> None:
    c = Checker("f.yaml")
    root = tree("exclure: maisons de santé\ngarder: [a, '', [b], c]\n", c)
    assert c.texts(root.value["exclure"], "exclure", bare=True) == ("maisons de santé",)
    assert c.texts(root.value["garder"], "garder", bare=True) == ("a", "c")
    assert told(c) == ["f.yaml:2: garder[3] : attendu un texte, reçu une liste"]


def test_key_paths_are_joined_with_the_checker_separator() -> None:
    c = Checker("statuts.yaml", separator=", ")
    root = tree("a.vtt:\n  statu: X\n", c)
    c.mapping(root.value["a.vtt"], "« a.vtt »", ("statut",))
    assert c.join("« a.vtt »", "statut") == "« a.vtt », statut"
    assert told(c) == [
        "statuts.yaml:2: avertissement : « a.vtt », statu : clé inconnue, ignorée "
        "(vouliez-vous dire « statut » ?)"
    ]


# -- scalars ---------------------------------------------------------------------------


def test_a_text_of_the_wrong_kind_or_too_long() -> None:
    c = Checker("f.yaml", max_text=10)
    root = tree("titre: [a]\nlieu: Salle des fêtes\ntheme: Court\n", c)
    assert c.text(root.value["titre"], "titre") == ""
    assert c.text(root.value["lieu"], "lieu") == ""
    assert c.text(root.value["theme"], "theme", limit=3) == ""
    assert c.text(root.value["theme"], "theme") == "Court"
    assert told(c) == [
        "f.yaml:1: titre : attendu un texte, reçu une liste",
        "f.yaml:2: lieu : texte trop long (15 caractères ; au plus 10)",
        "f.yaml:3: theme : texte trop long (5 caractères ; au plus 3)",
    ]


def test_integers_booleans_and_identifiers() -> None:
    c = Checker("f.yaml")
    root = tree(
        "edition: 5\nparticipants: beaucoup\ngrand: 1234567890\nexemple: oui\nanonyme: non\n"
        "id: Table Ronde\n",
        c,
    )
    v = root.value
    assert c.integer(v["edition"], "edition") == 5
    assert c.integer(v["participants"], "participants") == 0
    assert c.integer(v["grand"], "grand") == 0
    assert c.boolean(v["exemple"], "exemple") is True
    assert c.boolean(v["anonyme"], "anonyme") is False
    assert c.identifier(v["id"], "id") == "Table Ronde"
    assert told(c) == [
        "f.yaml:2: participants : attendu un nombre entier, reçu « beaucoup »",
        "f.yaml:3: grand : nombre trop grand « 1234567890 » (au plus 9 chiffres)",
        "f.yaml:6: id : identifiant « Table Ronde » invalide (attendu : minuscules sans "
        "accents, chiffres et tirets, comme un nom de dossier)",
    ]


def test_dates_and_times_as_written() -> None:
    c = Checker("f.yaml")
    root = tree("date: 2019-06-26\nfaux: 2019-02-30\ndebut: 9:15\nfin: 9h30\nvide:\n", c)
    v = root.value
    assert c.date(v["date"], "date") == dt.date(2019, 6, 26)
    assert c.date(v["faux"], "faux") is None
    assert c.time(v["debut"], "debut") == dt.time(9, 15)
    assert c.time(v["fin"], "fin") is None
    assert (c.date(v["vide"], "vide"), c.time(None, "absent")) == (None, None)
    assert told(c) == [
        "f.yaml:2: faux : attendu une date AAAA-MM-JJ, reçu « 2019-02-30 »",
        "f.yaml:4: fin : attendu HH:MM, reçu « 9h30 »",
    ]


# -- a file used in part ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("# rien\n", []),
        ("\n- a\n- b\n", [":2: attendu des lignes « clé : valeur », fichier ignoré"]),
        (
            "a: b: c\n",
            [
                ":1: erreur de syntaxe YAML : deux-points inattendu (une valeur contenant "
                "« : » doit être entre guillemets) (colonne 5), fichier ignoré"
            ],
        ),
    ],
    ids=["vide", "commentaire", "liste", "syntaxe"],
)
def test_a_file_of_key_value_lines(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = tmp_path / "regles.yaml"
    path.write_text(text, encoding="utf-8")
    c = Checker(str(path))
    root, raw = read_mapping(c, path, 1000)
    assert raw == text.encode()
    assert told(c) == [f"{path}{e}" for e in expected]
    assert (root is None) == bool(expected)
    assert root is None or root.value == {}
