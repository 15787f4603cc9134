"""The synthesis within its page budget, and the complete proceedings beside it.

One event with long notes is built once (DOCX, PDF, HTML): a round-table recording of
about 5,000 words with three speakers, a short note, a long note with the rapporteur's own
« Synthèse », a note kept for the proceedings and a note the editor wants whole. The
outputs are read back (pypdf, python-docx, the master) and checked against the notes.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from proceedings.build import BuildResult, build, collect
from proceedings.errors import Diagnostics, ProgrammeError
from proceedings.export.convert import chapter_pages
from proceedings.model import Publication
from proceedings.read.programme import load_programme
from proceedings.select import budget
from proceedings.select.condense import sentences

from .conftest import DEMO, TINY_PROGRAMME

PROGRAMME = """\
exemple: true
reseau: Réseau de test
edition: 2
titre: Rencontre d'essai
theme: Condenser sans trahir
date: 2021-05-20
debut: "09:00"
fin: "17:00"
lieu: Salle des fêtes
adresse: 1, place de la Mairie, 35000 Rennes
organisateur: Association d'essai
synthese:
  pages: {pages}
sessions:
  - id: table-ronde
    type: table-ronde
    debut: "09:00"
    fin: "10:30"
    titre: Table ronde du matin
  - id: ateliers
    type: ateliers
    debut: "11:00"
    fin: "12:30"
    titre: Ateliers
    ateliers:
      - id: mobilite
        titre: Atelier mobilité
      - id: velo
        titre: Atelier vélo
"""

SPEAKERS = {"Claire Dubois": 0.55, "Marc Petit": 0.28, "Une élue": 0.17}
ACTES_ONLY = "Cette annexe technique ne figure que dans les actes intégraux de la journée."
WHOLE = "Ce compte rendu demandé en entier garde chacune de ses phrases dans la synthèse."
SUMMARY = (
    "La synthèse de la rapporteuse tient en quelques lignes choisies par elle. Les "
    "participants veulent des navettes partagées entre les communes rurales du secteur. "
    "Ils demandent aussi un calendrier commun pour les transports scolaires et les "
    "marchés. Enfin, ils proposent de tester une plateforme de covoiturage locale avec "
    "les entreprises, avant de l’étendre au département entier."
)

pytestmark = pytest.mark.lent  # whole builds (see pyproject: make test runs them)


def _sentences() -> list[str]:
    """Sentences of the demo's written notes (8 to 40 words), in a fixed order."""
    found: list[str] = []
    for path in sorted(DEMO.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?s)^---.*?---", "", text)
        for line in text.splitlines():
            line = re.sub(r"^[#>*\-\d. ]+|\*\*[^*]+\*\*\s*:?", "", line).strip()
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])", line):
                if 8 <= len(sentence.split()) <= 40 and ":" not in sentence[:25]:
                    found.append(sentence)
    return list(dict.fromkeys(found))


def _transcript(words: int) -> str:
    """A WebVTT recording: speakers in turn, each with their share of the words."""
    sentences = _sentences()
    cues, said = ["WEBVTT", ""], Counter[str]()
    total, index, second = 0, 0, 0
    while total < words:
        speaker = min(SPEAKERS, key=lambda s: said[s] / SPEAKERS[s])
        text = " ".join(sentences[(index + k) % len(sentences)] for k in range(2))
        index += 2
        start, end = second, second + 12
        second = end
        cues += [
            f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.000 --> "
            f"{end // 3600:02d}:{end // 60 % 60:02d}:{end % 60:02d}.000",
            f"<v {speaker}>{text}",
            "",
        ]
        said[speaker] += len(text.split())
        total += len(text.split())
    return "\n".join(cues)


def _long_note(words: int, offset: int) -> str:
    sentences = _sentences()
    paragraphs, total, i = [], 0, offset
    while total < words:
        paragraph = " ".join(sentences[(i + k) % len(sentences)] for k in range(3))
        paragraphs.append(paragraph)
        total += len(paragraph.split())
        i += 3
    return "\n\n".join(paragraphs)


def write_event(root: Path, pages: int = 6) -> Path:
    root.mkdir(parents=True)
    (root / "programme.yaml").write_text(PROGRAMME.format(pages=pages), encoding="utf-8")
    (root / "table-ronde").mkdir()
    (root / "table-ronde" / "captation.vtt").write_text(_transcript(5000), encoding="utf-8")
    (root / "table-ronde" / "notes.md").write_text(
        "---\nrapporteur: Jeanne Rapporteuse\n---\nLa table ronde a réuni trois voix sur la "
        "mobilité rurale. Les échanges ont porté sur le financement des navettes.\n",
        encoding="utf-8",
    )
    mobilite = root / "ateliers" / "mobilite"
    mobilite.mkdir(parents=True)
    (mobilite / "notes.md").write_text(
        "---\nrapporteur: Paul Noteur\n---\n# Déroulé\n\n"
        + _long_note(3000, 40)
        + f"\n\n## Synthèse\n\n{SUMMARY}\n",
        encoding="utf-8",
    )
    (mobilite / "annexe.md").write_text(
        f"---\npublication: actes\n---\n{ACTES_ONLY}\n\n{_long_note(300, 7)}\n",
        encoding="utf-8",
    )
    velo = root / "ateliers" / "velo"
    velo.mkdir(parents=True)
    (velo / "notes.md").write_text(
        f"---\npublication: Intégrale\n---\n{WHOLE}\n\n{_long_note(400, 90)}\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, BuildResult]:
    root = tmp_path_factory.mktemp("budget")
    event = write_event(root / "evenement")
    out = root / "sortie"
    diag = Diagnostics()
    result = build(event, out, ("docx", "pdf", "html"), diag)
    assert not diag.errors, [str(d) for d in diag]
    return event, out, result


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def _spaces(text: str) -> str:
    """Text with French typography's no-break spaces as plain spaces, one between words,
    without quotation marks (an extract cut out of a quotation loses the one it has no
    pair for)."""
    text = re.sub(r"[«»“”]", " ", text)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in re.findall(r"[^\W\d_]{3,}", text))


def test_the_chapters_keep_to_the_page_budget(built: tuple[Path, Path, BuildResult]) -> None:
    _, out, result = built
    chapters, total = chapter_pages(out / "synthese.pdf", "Table ronde du matin")
    assert result.pages is not None
    assert (result.pages.chapters, result.pages.total) == (chapters, total)
    assert 2 <= chapters <= 6
    # the proceedings hold everything: far longer than the synthesis
    assert result.pages.actes > 2 * chapters
    assert "pages de chapitres pour un budget de 6" in result.pages.said()


def test_publication_of_each_note(built: tuple[Path, Path, BuildResult]) -> None:
    _, out, _ = built
    synthesis = _docx_text(out / "synthese.docx")
    actes = _docx_text(out / "actes.docx")
    assert ACTES_ONLY not in synthesis and ACTES_ONLY in actes  # publication: actes
    assert WHOLE in synthesis  # publication: Intégrale (accents and case do not matter)
    # a short written note stays whole
    assert "Les échanges ont porté sur le financement des navettes." in synthesis
    # the long note is represented by the rapporteur's own synthesis, not condensed
    assert "Synthèse de Paul Noteur" in synthesis
    assert "Ils demandent aussi un calendrier commun" in synthesis
    # the recording is condensed, and the synthesis says where the whole text is
    assert "Compte rendu condensé" in synthesis
    assert "Actes intégraux" in synthesis
    assert "Actes intégraux" in actes.split("\n", 5)[:5] or "Actes intégraux" in actes[:400]


def test_extracts_are_attributed_sentences_of_the_recording(
    built: tuple[Path, Path, BuildResult],
) -> None:
    event, out, _ = built
    master = (out / "synthese.md").read_text(encoding="utf-8")
    section = master.split("Compte rendu condensé", 1)[1].split("::: {.note-source}", 1)[0]
    source = _spaces((event / "table-ronde" / "captation.vtt").read_text(encoding="utf-8"))
    labelled = re.findall(r"^\*\*(.+?)\*\*\u00a0: (.+)$", section, re.MULTILINE)
    assert labelled
    speakers = {name for name, _ in labelled}
    # every speaker with 15 % of the words or more is represented, and nobody else speaks
    assert speakers == set(SPEAKERS)
    words = 0
    for _, text in labelled:
        for piece in text.split("\\[…\\]"):
            # sentences next to each other in the session are joined: each one is in the
            # recording as it was said
            for sentence in sentences(_spaces(piece.replace("\\", ""))):
                assert sentence in source, sentence
                words += len(sentence.split())
    # the recording's 5,000 words are condensed, not reprinted
    assert 80 <= words <= 1500


def test_the_proceedings_hold_every_notes_words(built: tuple[Path, Path, BuildResult]) -> None:
    event, out, _ = built
    actes = _words(_docx_text(out / "actes.docx"))
    notes = collect(event, Diagnostics()).synthesis.notes
    assert len(notes) == 5
    for content in notes:
        note = _words(" ".join(b.text for b in content.note.blocks))
        missing = note - actes
        assert sum(missing.values()) <= 0.01 * sum(note.values()), (content.note.path, missing)


def test_the_budget_sets_the_length_of_the_condensed_accounts(tmp_path: Path) -> None:
    event = write_event(tmp_path / "evenement", pages=6)
    synthesis = collect(event, Diagnostics()).synthesis
    short = budget.plan(synthesis)
    longer = budget.plan(synthesis, scale=3.0)
    key = ("table-ronde", "")
    assert short.accounts[key].words < longer.accounts[key].words
    assert short.publication["ateliers/mobilite/annexe.md"] is Publication.ACTES
    assert short.publication["ateliers/velo/notes.md"] is Publication.INTEGRALE
    assert short.publication["table-ronde/notes.md"] is Publication.INTEGRALE
    assert short.publication["table-ronde/captation.vtt"] is Publication.CONDENSEE
    assert short.over() == ""


def test_a_budget_that_cannot_be_kept_says_why(tmp_path: Path) -> None:
    event = write_event(tmp_path / "evenement", pages=4)
    note = event / "ateliers" / "mobilite" / "notes.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace(
            "---\nrapporteur", "---\npublication: integrale\nrapporteur"
        ),
        encoding="utf-8",
    )
    synthesis = collect(event, Diagnostics()).synthesis
    plan = budget.plan(synthesis)
    assert plan.publication["ateliers/mobilite/notes.md"] is Publication.INTEGRALE
    assert "« publication : integrale »" in plan.over()


def test_a_condensed_note_with_a_short_conclusion_is_condensed_too(tmp_path: Path) -> None:
    event = write_event(tmp_path / "evenement")
    note = event / "ateliers" / "mobilite" / "notes.md"
    conclusion = ". ".join(SUMMARY.split(". ")[1:])  # its first sentence apart
    text = note.read_text(encoding="utf-8").replace(SUMMARY, conclusion)
    note.write_text(text.replace("## Synthèse", "## Conclusion"), encoding="utf-8")
    plan = budget.plan(collect(event, Diagnostics()).synthesis)
    account = plan.accounts[("ateliers", "mobilite")]
    assert [n.note.path for n in account.summaries] == ["ateliers/mobilite/notes.md"]
    assert [n.note.path for n in account.condensed] == ["ateliers/mobilite/notes.md"]
    assert account.extracts and all("navettes partagées" not in e.text for e in account.extracts)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("beaucoup", "attendu un nombre entier"),
        ("1", "entre 4 et 2000"),
        ("99999", "entre 4 et 2000"),
    ],
)
def test_the_page_budget_is_checked(tmp_path: Path, value: str, problem: str) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(TINY_PROGRAMME + f"synthese:\n  pages: {value}\n", encoding="utf-8")
    with pytest.raises(ProgrammeError) as info:
        load_programme(path, "programme.yaml")
    messages = [str(p) for p in info.value.problems]
    assert any("synthese.pages" in m and problem in m for m in messages), messages


def test_the_page_budget_defaults_to_forty(tmp_path: Path) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(TINY_PROGRAMME, encoding="utf-8")
    assert load_programme(path)[0].pages == 40
    path.write_text(TINY_PROGRAMME + "synthese:\n  pages: 12\n", encoding="utf-8")
    assert load_programme(path)[0].pages == 12


def test_the_layout_estimate_counts_lines_and_chapter_pages() -> None:
    paragraph = "mot " * 27  # 108 characters: one line
    one = budget.layout_pages(f"# Un {{#un}}\n\n{paragraph}\n")
    assert one == 1  # a chapter takes at least its page
    long = budget.layout_pages("# Un {#un}\n\n" + f"{paragraph}\n\n" * 200)
    assert long == 7  # 200 lines and their gaps: 310 lines of 50 a page
    two = budget.layout_pages(f"# Un {{#un}}\n\n{paragraph}\n\n# Deux {{#deux}}\n\n{paragraph}\n")
    assert two == 2  # each chapter starts a page
    master = "# Avant {#avant}\n\nx\n\n# Un {#un}\n\ny\n\n# Annexes {#annexes}\n\nz\n"
    assert budget.chapters_of(master, "un") == "# Un {#un}\n\ny\n\n"
