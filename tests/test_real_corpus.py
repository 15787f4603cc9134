"""A study day made of real files nobody here wrote (../shared/corpus-reel and a debate
transcript of ../shared/bench), built into DOCX, PDF and HTML and read back as an editor
would: no raw markup, no file name or status, no false speaker, no missing glyph.

The files are copied, at test time, into a temporary event folder (never into the
project); the test is skipped where ../shared is absent (a clone on its own).
"""

from __future__ import annotations

import html as html_module
import re
import shutil
from collections import Counter
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from proceedings.build import collect
from proceedings.cli import main
from proceedings.errors import Diagnostics
from proceedings.structure.speakers import is_description, is_first_name, is_name, is_role

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CORPUS = SHARED / "corpus-reel"
DEBATES = SHARED / "bench" / "summary-fr" / "fredsum-dev" / "transcripts"

PROGRAMME = """\
exemple: true
reseau: Réseau d'essai des acteurs de la transition
edition: 2
titre: Journée d'étude sur les communs territoriaux
theme: Faire ensemble, à partir du réel
date: 2024-10-24
debut: "09:00"
fin: "17:00"
lieu: Maison de la vie associative
adresse: 12 rue de l'Exemple, 22100 Dinan
organisateur: Réseau d'essai des acteurs de la transition
introduction: |
  Une journée fictive assemblée à partir de documents réels publiés sous licence ouverte.
sessions:
  - {id: ouverture, type: ouverture, debut: "09:00", titre: Ouverture}
  - {id: table-ronde, type: table-ronde, debut: "09:30", titre: Débat}
  - id: ateliers
    type: ateliers
    debut: "11:00"
    titre: Ateliers
    ateliers:
      - {id: pcrs, titre: Plan de corps de rue simplifié}
      - {id: bati, titre: Référentiel du bâti}
      - {id: paysage, titre: Paysages}
  - {id: dejeuner, type: dejeuner, debut: "12:30", titre: Déjeuner}
  - {id: outils, type: outils, debut: "14:00", titre: Outils}
  - {id: cloture, type: cloture, debut: "16:30", titre: Clôture}
"""

# session folder <- file of the corpus (or of the debates), as a rapporteur drops it
FILES = {
    "ouverture": ["1-notes-markdown/index.md", "2-transcriptions-verbatim/index.md"],
    "table-ronde": ["debat:Chirac_Jospin--Partie_5_Immigration.txt"],
    "ateliers/pcrs": [
        "2-transcriptions-verbatim/animateurs-regionaux-2-fevrier-2023.md",
        "1-notes-markdown/acteurs-regionaux-12-septembre-2024.md",
        "1-notes-markdown/bilan-2023-25-janvier-2024.md",
    ],
    "ateliers/bati": [
        "1-notes-markdown/CR-GT-7.md",
        "1-notes-markdown/CR-GT-9.md",
        "1-notes-markdown/CR-GT-11.md",
    ],
    "ateliers/paysage": [
        "2-transcriptions-verbatim/CR Entretien ONF v1.0.docx",
        "4-bureautique/CR Entretien Occitanie v1.0.docx",
        "4-bureautique/230912_Synthèse contributions Standard Paysages_Pour diffusion.docx",
    ],
    "dejeuner": [
        "6-ateliers-sondages/agriculture_alimentation.md",
        "6-ateliers-sondages/25_09_16_feedback.md",
        "2-transcriptions-verbatim/index.html",
    ],
    "outils": [
        "6-ateliers-sondages/mise-a-jour-16-mars-2023.md",
        "6-ateliers-sondages/crowdsource_resultat_analyses.csv",
    ],
    "cloture": [
        "4-bureautique/20251024_CR GT1 Standard CNIG ACEN.docx",
        "1-notes-markdown/2013-12-20-assemblee-generale-2013.md",
        "1-notes-markdown/2017-12-20 CA.md",
        "6-ateliers-sondages/_index.md",
        "5-html/index.html",
    ],
}
# What markup left in a published text looks like: HTML tags (the texts themselves write
# « fr-<SIREN>-theme<date>.xml », which is text), comments, site generators' tags, MkDocs
# admonitions, diarisation labels.
_TAGS = (
    "a|abbr|b|br|details|summary|div|span|p|img|iframe|script|style|mark|font|i|em|strong|"
    "u|sup|sub|table|tr|td|th|li|ul|ol|h[1-6]|figure|section|article|nav|header|footer"
)
MARKUP = re.compile(
    rf"<\s*/?\s*(?:{_TAGS})(?:\s[^<>]*)?/?>|<!--|\{{%|%\}}|\{{\{{|\}}\}}|SPEAKER_\d"
    r"|^(?:!!!|\?\?\?) \w",
    re.IGNORECASE | re.MULTILINE,
)
# False speakers real files once gave (headings, institutions, places, fields).
NOT_SPEAKERS = {
    "TITRE I",
    "Aménagement du Territoire",
    "Conférence Les Greniers d'Abondance",
    "Famille Otor",
    "Côté RNB",
    "Stationnement PMR",
    "Personne interviewée",
    "Président",
    "Trésorier",
}

pytestmark = [
    pytest.mark.skipif(
        not CORPUS.is_dir() or not DEBATES.is_dir(), reason="corpus réel absent (../shared)"
    ),
    pytest.mark.lent,  # the real study day is built whole
]


@pytest.fixture(scope="module")
def real_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    root = tmp_path_factory.mktemp("journee-reelle")
    event = root / "ev"
    names = []
    for folder, files in FILES.items():
        (event / folder).mkdir(parents=True)
        for i, name in enumerate(files):
            source = DEBATES / name[6:] if name.startswith("debat:") else CORPUS / name
            # two « index.md » in one folder keep distinct names, as a rapporteur would
            target = (
                event
                / folder
                / (f"{i}-{source.name}" if source.name.startswith("index") else source.name)
            )
            shutil.copyfile(source, target)
            names.append(target.name)
    (event / "programme.yaml").write_text(PROGRAMME, encoding="utf-8")
    out = root / "sortie"
    # the Actes intégraux as DOCX only, the format the test reads them in
    build = ["build", str(event), "--sortie", str(out), "--formats", "docx,pdf,html"]
    code = main([*build, "--actes", "docx"])
    assert code == 0
    return event, out, names


def test_the_published_text_shows_no_markup_no_file_name_no_status(
    real_day: tuple[Path, Path, list[str]],
) -> None:
    _event, out, names = real_day
    pdf = "\n".join(page.extract_text() or "" for page in PdfReader(out / "synthese.pdf").pages)
    document = docx.Document(str(out / "synthese.docx"))
    word = "\n".join(p.text for p in document.paragraphs)
    html = (out / "synthese.html").read_text(encoding="utf-8")
    # the text of the page, its own tags apart; the notes' text, unescaped, must hold no tag
    body = html_module.unescape(re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1]))
    for text in (pdf, word, body):
        assert not MARKUP.findall(text), MARKUP.findall(text)[:5]
    for name in names:
        assert name not in pdf and name not in word and name not in body, name
    assert not re.search(r"\((?:brouillon|relu|valide)\)", pdf + word)
    assert "— fichier" not in pdf + word + body  # the old « Notes — fichier x.md »
    assert "\ufffd" not in pdf  # no missing character


def test_speakers_are_people_or_roles(real_day: tuple[Path, Path, list[str]]) -> None:
    event, _out, _names = real_day
    synthesis = collect(event, Diagnostics()).synthesis
    every = {s for content in synthesis.notes for s in content.speakers}
    # the Rocket.Chat export's authors go by pseudonyms, their messages dated
    chat = {
        s.name for s in every if re.search(r"\(\w{3}, \d{1,2} \w{3} \d{4} [\d:]{8} GMT\)$", s.label)
    }
    assert len(chat) >= 10, chat
    speakers = {s.name for s in every} - chat
    assert not speakers & NOT_SPEAKERS
    for name in speakers:
        assert (
            is_name(name)
            or is_role(name)
            or is_description(name)
            or is_first_name(name.split()[0])
            or name in ("Réponse", "Question")
        ), name
    # the debate's four voices, the verbatim's speakers and the round of regional actors
    assert {"M. JOSPIN", "M. CHIRAC", "M. DURAND", "M. DUHAMEL"} <= speakers
    assert {"Emmanuel Cibert", "Laurence Le Du-Blayo", "S. Gaillac", "Seckou SADIO"} <= speakers


def test_a_long_day_keeps_to_its_page_budget_and_the_proceedings_hold_every_note(
    real_day: tuple[Path, Path, list[str]],
) -> None:
    """About 76,000 words of notes for seven sessions: the synthesis's chapters keep to the
    default budget (40 pages), every long note and transcript condensed; the complete
    proceedings hold every word of every note kept."""
    import docx

    from proceedings.build import collect
    from proceedings.errors import Diagnostics
    from proceedings.export.convert import chapter_pages
    from proceedings.structure.notes import CHAT_EMOJI, CHAT_NOTICE

    event, out, _ = real_day
    synthesis = collect(event, Diagnostics()).synthesis
    first = synthesis.event.sessions[0].titre
    chapters, total = chapter_pages(out / "synthese.pdf", first)
    assert 20 <= chapters <= 40, (chapters, total)
    master = (out / "synthese.md").read_text(encoding="utf-8")
    assert master.count("Compte rendu condensé") >= 5
    actes = docx.Document(str(out / "actes.docx"))
    said = Counter(w.lower() for p in actes.paragraphs for w in re.findall(r"[^\W\d_]{3,}", p.text))
    for table in actes.tables:
        for row in table.rows:
            for cell in row.cells:
                said.update(w.lower() for w in re.findall(r"[^\W\d_]{3,}", cell.text))
    for content in synthesis.notes:
        note = content.note
        text = " ".join(
            # a chat's notices (« Has joined the channel. ») and their headers, and its
            # emojis (« :smile: »), are left out, on purpose
            [
                CHAT_EMOJI.sub("", b.text)
                for b, after in zip(note.blocks, (*note.blocks[1:], None), strict=True)
                if not CHAT_NOTICE.fullmatch(b.text.strip())
                and not (after is not None and CHAT_NOTICE.fullmatch(after.text.strip()))
            ]
            + [s.text for b in note.blocks for row in b.rows for cell in row for s in cell]
        )
        words = Counter(w.lower() for w in re.findall(r"[^\W\d_]{3,}", text))
        missing = words - said
        assert sum(missing.values()) <= 0.01 * sum(words.values()), (note.path, missing)
    assert said["joined"] == 0  # the Rocket.Chat export's 810 notices
