"""The condensed account: sentences as they were said, each with its speaker, within a
number of words, every main speaker represented, disfluencies and procedure left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proceedings.cli import main
from proceedings.errors import Diagnostics
from proceedings.read.readers import text
from proceedings.select.condense import condense_note, full_names, tidy

DEBATES = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "summary-fr"

DEBATE = "\n\n".join(
    [
        "P1 : Bonsoir à tous. Parlons de l'école, du niveau des élèves et des moyens. "
        "Jacques Chirac, Lionel Jospin, vous avez la parole.",
        "M. CHIRAC : Merci. Je crois que l'école doit d'abord apprendre à lire, écrire et "
        "compter à tous les élèves. Le niveau des élèves baisse depuis dix ans, et les moyens "
        "ne suffisent pas si l'on ne change pas les méthodes. Il faut donner plus d'autonomie "
        "aux établissements et aux directeurs d'école.",
        "M. JOSPIN : Euh je je ne suis pas d'accord avec cette analyse du niveau des élèves. "
        "Les moyens de l'école comptent : il faut des enseignants mieux formés et mieux payés "
        "dans les quartiers difficiles. L'autonomie des établissements sans moyens, c'est "
        "l'inégalité entre les territoires.",
        "M. CHIRAC : L'autonomie des établissements n'est pas l'inégalité, c'est la "
        "responsabilité des équipes. Je vous en prie.",
        "M. JOSPIN : Les enseignants mieux formés feront progresser le niveau des élèves, "
        "c'est ma conviction profonde.",
        "P1 : Merci à vous deux.",
    ]
)


def condensed(body: str, words: int):  # type: ignore[no-untyped-def]
    note = text.read(body.encode(), "debat.txt", "debat.txt", Diagnostics())
    return condense_note(note, words, Diagnostics())


def test_extracts_are_sentences_of_their_speaker_within_the_budget() -> None:
    result = condensed(DEBATE, 80)
    extracts = result.extracts
    assert extracts, "nothing kept"
    total = sum(e.words for e in extracts)
    assert total <= 80
    # names as the debate writes them in full; every extract said by that speaker
    turns = [t.split(" : ", 1) for t in DEBATE.split("\n\n")]
    names = {"M. CHIRAC": "Jacques Chirac", "M. JOSPIN": "Lionel Jospin", "P1": "P1"}
    said: dict[str, str] = {}
    for label, words in turns:
        said[names[label]] = said.get(names[label], "") + " " + words
    for e in extracts:
        assert e.speaker in said, e
        assert tidy(e.text) in tidy(said[e.speaker]), e
    # both debaters hold 15 % of the words or more: both are represented
    assert {"Jacques Chirac", "Lionel Jospin"} <= {e.speaker for e in extracts}
    kept, main_count = result.represented()
    assert kept == main_count >= 2
    # in the order of the debate, without greetings nor disfluencies
    assert [e.order for e in extracts] == sorted(e.order for e in extracts)
    joined = " ".join(e.text for e in extracts)
    assert "Bonsoir" not in joined and "Je vous en prie" not in joined
    assert "Euh" not in joined and "je je" not in joined


def test_the_longer_the_budget_the_more_is_kept() -> None:
    short, long = condensed(DEBATE, 40).extracts, condensed(DEBATE, 150).extracts
    assert sum(e.words for e in short) <= 40 < sum(e.words for e in long) <= 150


def test_labels_are_written_as_the_document_names_people() -> None:
    body = "Éric Zemmour et Valérie Pécresse débattent. Monsieur Chirac, Jacques Chirac, entre."
    assert full_names(["EZ", "VP", "M. CHIRAC", "M. DUHAMEL"], body) == {
        "EZ": "Éric Zemmour",
        "VP": "Valérie Pécresse",
        "M. CHIRAC": "Jacques Chirac",
    }


def test_resume_writes_one_condensed_text_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "textes"
    folder.mkdir()
    (folder / "debat.txt").write_text(DEBATE, encoding="utf-8")
    (folder / "notes.txt").write_text(
        "Atelier mobilité\n\nLes participants ont proposé des navettes entre les bourgs "
        "et la gare. Une élue a rappelé le coût du transport à la demande pour la commune.\n",
        encoding="utf-8",
    )
    out = tmp_path / "resumes.json"
    assert main(["resume", str(folder), "--mots", "60", "--json", str(out)]) == 0
    summaries = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(summaries) == ["debat", "notes"]
    assert all(len(s.split()) <= 60 for s in summaries.values())
    assert "Jacques Chirac : " in summaries["debat"] and "Lionel Jospin : " in summaries["debat"]
    assert "navettes" in summaries["notes"]


@pytest.mark.skipif(not DEBATES.is_dir(), reason="jeu de résumé absent (../shared/bench)")
def test_a_real_debate_is_condensed_with_both_sides() -> None:
    path = DEBATES / "fredsum-dev" / "transcripts" / "Chirac_Jospin--Partie_5_Immigration.txt"
    note = text.read(path.read_bytes(), path.name, str(path), Diagnostics())
    result = condense_note(note, 300, Diagnostics())
    assert sum(e.words for e in result.extracts) <= 300
    said, main_count = result.represented()
    assert said == main_count >= 2
    body = " ".join(path.read_text(encoding="utf-8").split())
    for e in result.extracts:
        assert tidy(e.text) in tidy(body), e.text
