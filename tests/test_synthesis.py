"""The synthesis's contents, read in the Markdown master of the demo: chapters in order,
key messages, quotes, proposals by theme, figures, annexes, draft and example marks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from proceedings.build import BuildResult
from proceedings.errors import Diagnostics

from .conftest import TEMPLATES, Built


@pytest.fixture(scope="module")
def demo(demo_built: Built) -> tuple[BuildResult, str, dict]:  # type: ignore[type-arg]
    result = demo_built.result
    master = (demo_built.out / "synthese.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(master.split("---\n")[1])
    return result, master, meta


def headings(master: str, level: int) -> list[str]:
    marks = "#" * level
    return [
        re.sub(r"\s*\{#[^}]*\}$", "", line[level + 1 :])
        for line in master.splitlines()
        if line.startswith(marks + " ")
    ]


def test_chapters_in_the_order_of_actes(demo) -> None:  # type: ignore[no-untyped-def]
    result, master, _ = demo
    sessions = [c.session.titre.replace("'", "’") for c in result.synthesis.sessions]
    chapters = [re.sub(r"[\u00a0\u202f]", " ", h) for h in headings(master, 1)]
    expected = [
        "Éditorial",
        "La Rencontre",
        "La Rencontre en chiffres",
        "Le programme en un coup d’œil",
        *sessions[:6],
        "En synthèse, que proposons-nous ensemble ?",
        *sessions[6:],
        "Annexes",
    ]
    assert chapters == [re.sub(r"[\u00a0\u202f]", " ", e) for e in expected]


def test_cover_metadata_marks_example_draft_and_partners(demo) -> None:  # type: ignore[no-untyped-def]
    _, _, meta = demo
    assert meta["exemple"].startswith("Document d’exemple")
    assert meta["brouillon"] is True  # some demo notes are drafts
    assert "KiMSO" in meta["partenaires"] and "UNADEL" in meta["partenaires"]
    assert meta["date"] == "Mercredi 26 juin 2019"
    assert len(meta["keywords"]) >= 8


def test_key_messages_written_or_chosen_and_marked(demo, demo_built: Built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, master, _ = demo
    boxes = master.count("**Ce qu’il faut retenir**")
    assert boxes >= 12
    # The co-development groups have no « Ce qu'il faut retenir »: sentences are chosen
    # automatically, and the editor is told to review them.
    selection = {k: v for k, v in result_selection(demo_built, tmp_path).items()}
    automatic = [k for k, v in selection.items() if v.automatic]
    assert ("co-developpement", "groupe-2") in automatic
    assert master.count("*Phrases choisies automatiquement dans les notes, à relire.*") == len(
        automatic
    )


def result_selection(built: Built, scratch: Path):  # type: ignore[no-untyped-def]
    """The key points of the demo's sessions, tagged as its build tagged them: its
    vocabulary, and the analyses its build left in its cache (read from a copy: the build's
    folder is shared by the tests)."""
    from proceedings.analyse.analysis import Analyser, Cache
    from proceedings.analyse.tagging import tag
    from proceedings.analyse.vocabulary import load_vocabulary
    from proceedings.select.selection import select

    shutil.copytree(built.analyses(), scratch / "analyses")
    vocabulary = load_vocabulary(TEMPLATES, built.event, Diagnostics())
    analyser = Analyser(vocabulary, Cache(scratch / "analyses"))
    synthesis = built.result.synthesis
    assert synthesis is not None
    return select(synthesis.sessions, tag(synthesis, analyser), analyser).key_points


def test_quotes_are_attributed(demo) -> None:  # type: ignore[no-untyped-def]
    _, master, _ = demo
    blocks = re.findall(r"::: \{\.citations\}\n(.*?)\n:::", master, re.S)
    assert len(blocks) >= 10
    assert all("> «" in b for b in blocks)
    assert sum(b.count("> — ") for b in blocks) >= 20


def test_every_proposal_is_grouped_by_theme_and_traced(demo) -> None:  # type: ignore[no-untyped-def]
    result, master, _ = demo
    chapter = master.split("# En synthèse, que proposons-nous ensemble")[1].split("\n# ")[0]
    items = re.findall(r"^- (.*) — \*\[(.*?)\]\(#([\w-]+)\)\*$", chapter, re.M)
    total = sum(len(n.proposals) for n in result.synthesis.notes)
    assert len(items) == total >= 20
    anchors = set(re.findall(r"\{#([\w-]+)", master))
    assert {a for _, _, a in items} <= anchors  # every trace leads to a heading
    assert len(re.findall(r"^## ", chapter, re.M)) >= 4  # several themes


def test_figures_with_caption_and_alt_text(demo) -> None:  # type: ignore[no-untyped-def]
    _result, master, _ = demo
    figures = re.findall(r"!\[(.+?)\]\((\.travail/figures/[\w-]+)\)\{fig-alt=\"(.+?)\"\}", master)
    assert [Path(f[1]).name for f in figures] == ["themes-sessions", "mots-cles", "temps-de-parole"]
    assert all(caption and alt for caption, _, alt in figures)


def test_annexes(demo) -> None:  # type: ignore[no-untyped-def]
    _, master, _ = demo
    annexes = master.split("\n# Annexes")[1]
    assert headings(annexes, 2) == [
        "Index des thèmes et des mots-clés",
        "Index des personnes et des organisations",
        "Sigles",
        "Rapporteurs et contributeurs",
        "Partenaires",
    ]
    assert "- **ODD** : " in annexes
    assert "Mathilde Garnier" in annexes  # a rapporteur
    assert "**Hélène VALADE**, Présidente, ORSE" in annexes  # a programme speaker
