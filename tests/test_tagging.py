"""Tagging on small texts with known content, the cache, the overrides and the exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from proceedings.analyse.analysis import Analyser, Cache, acronyms, load_nlp
from proceedings.analyse.tagging import _indexed, _Mentions, tag
from proceedings.analyse.vocabulary import Vocabulary, load_vocabulary
from proceedings.build import build
from proceedings.cli import main
from proceedings.errors import Diagnostics
from proceedings.model import Synthesis, Theme
from proceedings.read.programme import load_programme
from proceedings.read.readers import discover, read_or_report
from proceedings.structure.notes import assign

from .conftest import TEMPLATES, write_tiny_event


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


THEMES = (
    Theme(
        "odd",
        "Objectifs de développement durable",
        ("Objectifs de développement durable", "ODD", "agenda 2030"),
        "ODD",
    ),
    Theme("engagement", "Engagement", ("Engagement", "bénévolat", "s'engager")),
)


def event_with(tmp_path: Path, notes: dict[str, str]):  # type: ignore[no-untyped-def]
    root = write_tiny_event(tmp_path / "ev")
    for name, text in notes.items():
        (root / "ouverture" / name).write_text(text, encoding="utf-8")
    diag = Diagnostics()
    event, _ = load_programme(root / "programme.yaml")
    read = [n for f in discover(root, diag) if (n := read_or_report(f, diag))]
    return root, Synthesis(event, assign(read, event, diag))


def test_theme_and_its_synonym_land_on_the_same_theme(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    _, synthesis = event_with(
        tmp_path,
        {
            "a.md": (
                "Le bénévolat recule dans les communes.\n\n"
                "Les élus veulent que les habitants s’engagent davantage.\n\n"
                "Nos objectifs de développement durable restent flous.\n"
            )
        },
    )
    analyser = Analyser(Vocabulary(THEMES), loader=lambda: nlp)
    tags = tag(synthesis, analyser)
    themes = {t.key: t for t in tags.themes}
    assert themes["engagement"].count == 2
    assert themes["engagement"].notes == ("ouverture/a.md",)
    assert themes["odd"].count == 1
    assert [p for _, p in tags.passages["engagement"]] == [
        "Le bénévolat recule dans les communes.",
        "Les élus veulent que les habitants s'engagent davantage.",
    ]
    assert tags.themes_by_session["ouverture"][0].label == "Engagement"


def test_acronyms_get_their_expansion() -> None:
    found = acronyms(
        "Les objectifs de développement durable (ODD) et la responsabilité "
        "sociétale des entreprises (RSE) ; le CGET (Commissariat général à "
        "l’égalité des territoires). Un (OVNI) seul."
    )
    assert [(a.short, a.long) for a in found] == [
        ("ODD", "objectifs de développement durable"),
        ("RSE", "responsabilité sociétale des entreprises"),
        ("CGET", "Commissariat général à l'égalité des territoires"),
    ]


def test_glossary_uses_text_then_thesaurus(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    _, synthesis = event_with(
        tmp_path,
        {
            "a.md": (
                "Les ODD guident le projet. La Banque publique d’investissement (BPI) finance.\n"
            )
        },
    )
    tags = tag(synthesis, Analyser(Vocabulary(THEMES), loader=lambda: nlp))
    assert [(t.label, t.detail) for t in tags.acronyms] == [
        ("BPI", "Banque publique d'investissement"),
        ("ODD", "Objectifs de développement durable"),
    ]


def test_a_cited_speaker_is_merged_with_the_programme_person(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    _, synthesis = event_with(
        tmp_path,
        {
            "a.md": (
                "Comme l’a rappelé Alice Martin, la ville de Rennes soutient l’Association "
                "d’essai. Une délégation de Brest est venue.\n\nAlice MARTIN : Merci à tous, "
                "et à Rennes en particulier.\n"
            )
        },
    )
    tags = tag(synthesis, Analyser(Vocabulary(()), loader=lambda: nlp))
    people = [t for t in tags.entities if t.kind == "personne"]
    assert [(t.label, t.count) for t in people] == [("Alice MARTIN", 2)]
    places = [t.label for t in tags.entities if t.kind == "lieu"]
    # a place mentioned twice is indexed; once (Brest), it is not confirmed
    assert "Rennes" in places and "Brest" not in places


def test_the_index_lists_what_a_reader_looks_up() -> None:
    """Forms met in the real corpus's standards and minutes (tests/test_real_corpus.py):
    table headers and abbreviations are not bodies; an organisation's name, a name as
    minutes write it and a confirmed name are."""

    def indexed(kind: str, label: str, count: int, notes: int, expanded: set[str]) -> bool:
        key = label.lower()
        return _indexed(kind, key, label, _Mentions(count, notes), {"dupont"}, {"iso"}, expanded)

    organisation, person = "organisation", "personne"
    assert not indexed(organisation, "Remarque 1", 4, 2, set())
    assert not indexed(organisation, "Point de contact", 2, 2, set())
    assert not indexed(organisation, "Guide Identificateurs", 4, 2, set())
    assert indexed(organisation, "Direction régionale de l’environnement", 7, 1, set())
    assert not indexed(organisation, "Direction régionale de l’environnement", 2, 1, set())
    assert indexed(organisation, "Enedis", 3, 2, set())
    assert not indexed(organisation, "MAJ", 6, 2, set())  # an abbreviation in two notes
    assert indexed(organisation, "MAJ", 6, 3, set())
    assert indexed(organisation, "CNIG", 2, 2, {"cnig"})  # « Sigles » says what it is
    assert not indexed(organisation, "CNIG", 9, 1, {"cnig"})
    assert not indexed(person, "Xpath ISO", 20, 2, set())
    assert indexed(person, "Maël REBOUX", 3, 3, set())
    assert indexed(person, "Dupont", 1, 1, set())  # confirmed by the programme or speaking


def test_named_speakers_are_indexed_anonymous_ones_are_not(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    _, synthesis = event_with(
        tmp_path,
        {
            "debat.txt": (
                "M. DUHAMEL : Nous commençons.\n\n"
                "M. CHIRAC : La réforme est nécessaire.\n\n"
                "Participant 2 : Et les communes ?\n\n"
                "M. CHIRAC : Elles seront associées.\n"
            )
        },
    )
    tags = tag(synthesis, Analyser(Vocabulary(()), loader=lambda: nlp))
    people = {t.label: t.count for t in tags.entities if t.kind == "personne"}
    assert people.get("M. CHIRAC", 0) >= 2 and "M. DUHAMEL" in people
    assert not any("Participant" in label for label in people)


def test_keyphrases_group_inflections_and_contrast_with_other_notes(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    _, synthesis = event_with(
        tmp_path,
        {
            "a.md": (
                "## Ingénierie de catalyse\n\nL’ingénierie de catalyse territoriale mobilise "
                "les acteurs. Les ingénieries de catalyse sont récentes. Les acteurs "
                "parlent.\n"
            ),
            "b.md": "Les acteurs du territoire se rencontrent. Les acteurs échangent.\n",
        },
    )
    tags = tag(synthesis, Analyser(Vocabulary(()), loader=lambda: nlp))
    first = {t.label: t for t in tags.by_note["ouverture/a.md"]}
    assert first["ingénierie de catalyse"].count == 3  # title, singular, plural: one group
    ranked = [t.label for t in tags.by_note["ouverture/a.md"]]
    # in every note, "acteurs" contrasts little: it comes after the note's own phrases
    assert ranked.index("acteurs") > ranked.index("ingénierie de catalyse")


def test_second_run_makes_no_spacy_call_and_a_corrupt_cache_is_rebuilt(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    _, synthesis = event_with(tmp_path, {"a.md": "Les alliances innovantes progressent.\n"})
    cache = Cache(tmp_path / "cache")
    first = Analyser(Vocabulary(THEMES), cache, loader=lambda: nlp)
    tags = tag(synthesis, first)
    assert first.nlp_calls == 3  # three notes: the two of the tiny event, and a.md
    loads = []
    second = Analyser(Vocabulary(THEMES), cache, loader=lambda: loads.append(1) or nlp)
    assert tag(synthesis, second) == tags
    assert second.nlp_calls == 0 and loads == []  # the model is not even loaded
    damaged = sorted((tmp_path / "cache").glob("*.json"))[0]
    damaged.write_text("{pas du json", encoding="utf-8")
    third = Analyser(Vocabulary(THEMES), cache, loader=lambda: nlp)
    assert tag(synthesis, third) == tags
    assert third.nlp_calls == 1
    changed = Analyser(Vocabulary(THEMES[:1], digest="autre"), cache, loader=lambda: nlp)
    tag(synthesis, changed)
    assert changed.nlp_calls == 3  # another thesaurus: every note is analysed again


def test_vocabulary_mistakes_are_told_at_the_line_of_the_value(tmp_path: Path) -> None:
    """Each at the line of the value or key itself, not at the first line that mentions
    its key (« variantes » is on line 4 too); the rest of the file is used."""
    (tmp_path / "thesaurus.yaml").write_text(
        "themes:\n"
        "  - id: mobilite\n"
        "    libelle: Mobilité\n"
        "    variantes: [covoiturage, {a: b}]\n"
        "  - id: Sante\n"
        "    libelle: Santé\n"
        "  - id: eau\n"
        "    libelle: Eau\n"
        "    variantes:\n"
        "      cle: valeur\n"
        "    sigel: EAU\n",
        encoding="utf-8",
    )
    (tmp_path / "mots-cles.yaml").write_text(
        "renommer:\n  covoiturage: [a, b]\nfusionner: mobilité\n", encoding="utf-8"
    )
    diag = Diagnostics()
    vocabulary = load_vocabulary(TEMPLATES, tmp_path, diag)
    thesaurus, rules = tmp_path / "thesaurus.yaml", tmp_path / "mots-cles.yaml"
    assert [str(d) for d in diag] == [
        f"{thesaurus}:4: themes[1].variantes[2] : attendu un texte, reçu un ensemble de clés",
        f"{thesaurus}:5: themes[2] : « id » (minuscules, chiffres, tirets) et « libelle » sont "
        "obligatoires, thème ignoré",
        f"{thesaurus}:11: avertissement : themes[3].sigel : clé inconnue, ignorée (vouliez-vous "
        "dire « sigle » ?)",
        f"{thesaurus}:10: themes[3].variantes : attendu une liste, reçu un ensemble de clés",
        f"{rules}:3: fusionner : attendu des lignes « cible : [variantes] »",
        f"{rules}:2: renommer.covoiturage : attendu un texte, reçu une liste",
    ]
    mobility, water = vocabulary.theme("mobilite"), vocabulary.theme("eau")
    assert mobility is not None and mobility.variantes == ("Mobilité", "covoiturage")
    assert water is not None and water.variantes == ("Eau",)
    assert vocabulary.theme("Sante") is None
    assert (vocabulary.overrides.renommer, vocabulary.overrides.fusionner) == ((), ())


def test_overrides_keep_ban_rename_merge_and_say_what_they_did(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    root, synthesis = event_with(
        tmp_path,
        {
            "a.md": (
                "La coconstruction territoriale avance. La co-construction territoriale aussi. "
                "La maison de santé ouvre. La maison de santé recrute. Le covoiturage solidaire "
                "démarre.\n"
            )
        },
    )
    (root / "mots-cles.yaml").write_text(
        "fusionner:\n  co-construction territoriale: [coconstruction territoriale]\n"
        "exclure: [maisons de santé]\n"
        "renommer:\n  covoiturage solidaire: covoiturage de proximité\n"
        "garder: [covoiturage solidaire]\n"
        "inconnu: 1\n",
        encoding="utf-8",
    )
    diag = Diagnostics()
    vocabulary = load_vocabulary(TEMPLATES, root, diag)
    assert [str(d) for d in diag] == [
        f"{root}/mots-cles.yaml:7: avertissement : inconnu : clé inconnue, ignorée (clés "
        "possibles : garder, exclure, renommer, fusionner)"
    ]
    tags = tag(synthesis, Analyser(vocabulary, loader=lambda: nlp))
    labels = [t.label for t in tags.keyphrases]
    merged = [t for t in tags.keyphrases if t.label == "co-construction territoriale"]
    assert len(merged) == 1 and merged[0].count == 2
    assert "coconstruction territoriale" not in labels
    assert "maison de santé" not in labels
    assert "covoiturage de proximité" in labels  # kept though it occurs once, and renamed
    assert tags.rules == (
        "fusionner « co-construction territoriale » : appliqué",
        "exclure « maisons de santé » : appliqué",
        "renommer « covoiturage solidaire » : appliqué",
        "garder « covoiturage solidaire » : appliqué",
    )


def test_build_exports_tags_and_index(tmp_path: Path) -> None:
    root = write_tiny_event(tmp_path / "ev")
    result = build(root, tmp_path / "out", ("html",), Diagnostics())
    data = json.loads((tmp_path / "out" / "mots-cles.json").read_text(encoding="utf-8"))
    assert {"tags", "par_session", "themes_par_session", "par_note"} <= set(data)
    kinds = {row["kind"] for row in data["tags"]}
    assert {"mot-clé", "thème"} <= kinds
    with (tmp_path / "out" / "mots-cles.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["tag", "kind", "lemma", "count", "sessions", "notes"]
    assert len(rows) == len(data["tags"]) + 1
    master = (tmp_path / "out" / "synthese.md").read_text(encoding="utf-8")
    assert "## Index des thèmes et des mots-clés {#index}" in master
    assert "**Mots-clés** :" in master
    assert result.synthesis.notes


def test_motscles_command_ranks_each_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "textes"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Les proverbes\n\nLes proverbes et le figement des proverbes anciens.", encoding="utf-8"
    )
    (folder / "b.txt").write_text(
        "La chimie des polymères\n\nLes polymères fondent.", encoding="utf-8"
    )
    out = tmp_path / "mots.json"
    assert main(["motscles", str(folder), "--top", "3", "--json", str(out)]) == 0
    ranked = json.loads(out.read_text(encoding="utf-8"))
    assert list(ranked) == ["a", "b"]
    assert ranked["a"][0] == "proverbes"
    assert ranked["b"][0] == "polymères"
    assert len(ranked["a"]) <= 3
    assert capsys.readouterr().out == f"2 textes, mots-clés écrits dans {out}\n"


def test_spacy_batches_are_bounded_by_characters() -> None:
    """Long pieces go to spaCy a few at a time, short ones many at a time, order kept."""
    from proceedings.analyse.analysis import pipe

    class Recorder:
        def __init__(self) -> None:
            self.batches: list[list[str]] = []

        def pipe(self, texts: list[str], batch_size: int) -> list[str]:
            assert batch_size == len(texts)
            self.batches.append(list(texts))
            return [t.upper() for t in texts]

    nlp = Recorder()
    texts = ["aaaa", "bbbb", "cccc", "d" * 30, "ee"]
    assert list(pipe(nlp, iter(texts), limit=10)) == [t.upper() for t in texts]
    assert nlp.batches == [["aaaa", "bbbb"], ["cccc"], ["d" * 30], ["ee"]]


def test_analysis_processes_started_early_give_the_same_analyses(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    """A first build starts its analysis processes before reading the notes: whatever the
    size of the texts, they give the analyses of the model loaded here."""
    from proceedings.analyse.analysis import plain_text

    texts = [
        plain_text("Le bénévolat recule dans les communes rurales du Finistère."),
        plain_text("Les objectifs de développement durable (ODD) guident l’alliance."),
        plain_text("Une élue : « Il faut s’engager avec les habitants. »"),
    ]
    here = Analyser(Vocabulary(THEMES), loader=lambda: nlp).analyse(texts)
    early = Analyser(Vocabulary(THEMES), jobs=2)
    early.start()
    try:
        assert early._pool is not None
        assert early.analyse(texts) == here
        assert early._nlp is None  # the model was loaded in the processes only
    finally:
        early.close()
    assert early._pool is None


def test_an_expansion_is_printed_tidy() -> None:
    """A PDF's justified line and the quotation marks of the sentence stay out of
    « Sigles » (both seen in the real corpus)."""
    found = acronyms(
        "la norme « Accessibilité des cheminements en espaces naturels » (ACEN) et les "
        "Terres   Paysannes   et   Citoyennes   du   Penthièvre (TPCP)"
    )
    assert [(a.short, a.long) for a in found] == [
        ("ACEN", "Accessibilité des cheminements en espaces naturels"),
        ("TPCP", "Terres Paysannes et Citoyennes du Penthièvre"),
    ]
