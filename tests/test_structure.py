"""Notes attached to sessions and workshops, and the notes that fit nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from proceedings.errors import Diagnostics
from proceedings.model import Block, FrontMatter, Note, Span
from proceedings.read.programme import load_programme
from proceedings.structure.notes import assign

from .conftest import write_tiny_event


def note(path: str, session: str | None = None) -> Note:
    return Note(
        path=path,
        shown=f"ev/{path}",
        format="markdown",
        meta=FrontMatter(session=session, session_line=2 if session else 0),
        blocks=(Block("paragraph", (Span("Texte."),)),),
    )


def test_session_from_front_matter_then_folder_then_file_name(tmp_path: Path) -> None:
    event, _ = load_programme(write_tiny_event(tmp_path / "ev") / "programme.yaml")
    diag = Diagnostics()
    sessions = assign(
        [
            note("ateliers/a.md", session="ouverture"),
            note("ouverture/b.md"),
            note("ateliers_c.md"),
            note("ateliers/mobilite/d.md"),
            note("ateliers/velo/e.md"),
        ],
        event,
        diag,
    )
    opening, workshops = sessions
    assert [n.note.path for n in opening.notes] == ["ateliers/a.md", "ouverture/b.md"]
    assert [(g.id, g.titre, [n.note.path for n in g.notes]) for g in workshops.groups] == [
        ("", "Ateliers du matin", ["ateliers_c.md"]),
        ("mobilite", "Atelier mobilité", ["ateliers/mobilite/d.md"]),
        ("velo", "Velo", ["ateliers/velo/e.md"]),
    ]
    assert [str(d) for d in diag] == [
        "ev/ateliers/velo: avertissement : sous-dossier « velo » absent des ateliers de la "
        "session « ateliers » dans le programme ; titre déduit du nom du dossier "
        "(identifiants possibles : mobilite)"
    ]


def test_notes_that_fit_no_session_are_errors_with_a_suggestion(tmp_path: Path) -> None:
    event, _ = load_programme(write_tiny_event(tmp_path / "ev") / "programme.yaml")
    diag = Diagnostics()
    sessions = assign(
        [
            note("x.md", session="atelier"),
            note("cloture/y.md"),
            note("divers.md"),
        ],
        event,
        diag,
    )
    assert all(not s.notes for s in sessions)
    assert [str(d) for d in diag] == [
        "ev/x.md:2: session « atelier » inconnue du programme (vouliez-vous dire "
        "« ateliers » ? identifiants possibles : ouverture, ateliers), fichier ignoré",
        "ev/cloture/y.md: dossier « cloture » sans session correspondante dans le programme "
        "(identifiants possibles : ouverture, ateliers), fichier ignoré",
        "ev/divers.md: impossible de rattacher la note à une session : placez-la dans le "
        "dossier de sa session ou indiquez « session: » dans son en-tête (sessions : "
        "ouverture, ateliers), fichier ignoré",
    ]


# -- turns, speakers, quotes, proposals ----------------------------------------------------

PROGRAMME_PEOPLE = """\
reseau: R
edition: 2
titre: Rencontre
theme: Thème
date: 2021-05-04
debut: "09:00"
fin: "17:00"
lieu: Lieu
adresse: Adresse
organisateur: Org
sessions:
  - id: table-ronde
    type: table-ronde
    debut: "09:00"
    titre: Table ronde
    intervenants:
      - nom: Hélène VALADE
        role: Présidente
        organisation: ORSE
      - nom: Jean-François CARON
        role: Maire
      - nom: Marc Dupont
        alias: [le maire de Trifouillis]
"""


def structured(tmp_path: Path, body: str, name: str = "n.md", diag: Diagnostics | None = None):  # type: ignore[no-untyped-def]
    from proceedings.read.readers import discover, read_or_report

    root = tmp_path / "ev"
    (root / "table-ronde").mkdir(parents=True)
    (root / "programme.yaml").write_text(PROGRAMME_PEOPLE, encoding="utf-8")
    (root / "table-ronde" / name).write_text(body, encoding="utf-8")
    event, _ = load_programme(root / "programme.yaml")
    diag = diag if diag is not None else Diagnostics()
    notes = [n for f in discover(root, diag) if (n := read_or_report(f, diag))]
    (content,) = assign(notes, event, diag)[0].notes
    return content


def turns(content):  # type: ignore[no-untyped-def]
    from proceedings.model import Turn

    return [
        (
            i.speaker.name,
            i.speaker.person is not None,
            i.speaker.anonymous,
            " / ".join(b.text for b in i.blocks),
        )
        for i in content.items
        if isinstance(i, Turn)
    ]


@pytest.mark.parametrize(
    ("line", "speaker", "programme", "anonymous", "text"),
    [
        ("Hélène VALADE : La RSE existe.", "Hélène VALADE", True, False, "La RSE existe."),
        ("**H. Valade** : La RSE existe.", "Hélène VALADE", True, False, "La RSE existe."),
        ("Hélène Valade — La RSE existe.", "Hélène VALADE", True, False, "La RSE existe."),
        ("[Hélène Valade] La RSE existe.", "Hélène VALADE", True, False, "La RSE existe."),
        ("Mme Valade : La RSE existe.", "Hélène VALADE", True, False, "La RSE existe."),
        ("VALADE : La RSE existe.", "Hélène VALADE", True, False, "La RSE existe."),
        ("J.-F. Caron : Oui.", "Jean-François CARON", True, False, "Oui."),
        ("Le maire de Trifouillis : Oui.", "Marc Dupont", True, False, "Oui."),
        (
            "M. le président. La séance est ouverte.",
            "M. le président",
            False,
            False,
            "La séance est ouverte.",
        ),
        ("Q : Et demain ?", "Question", False, True, "Et demain ?"),
        ("Question : Et après ?\n\nR : On verra.", "Réponse", False, True, "On verra."),
        (">> On verra.", "Intervenant·e", False, True, "On verra."),
        ("SPEAKER_01: On verra.", "Intervenant·e 2", False, True, "On verra."),
        (
            "Une élue d’une commune rurale : « Il faut du temps pour tout cela. »",
            "Une élue d’une commune rurale",
            False,
            True,
            "« Il faut du temps pour tout cela. »",
        ),
        ("**Claire Morvan**, chargée de mission : Oui.", "Claire Morvan", False, False, "Oui."),
    ],
)
def test_speaker_label_styles(
    tmp_path: Path, line: str, speaker: str, programme: bool, anonymous: bool, text: str
) -> None:
    # ">>" opens a nested quotation in Markdown: the marker is a transcript's, in a .txt
    name = "n.txt" if line.startswith(">>") else "n.md"
    content = structured(tmp_path, f"Introduction du rapporteur.\n\n{line}\n", name)
    assert turns(content)[-1:] == [(speaker, programme, anonymous, text)]


def test_an_answer_is_a_voice_only_where_someone_asks(tmp_path: Path) -> None:
    """« Réponse : non » alone is a form's field (a pad's questionnaire), not a speaker."""
    content = structured(tmp_path, "Accès au site en fauteuil ?\n\nRéponse : non.\n")
    assert turns(content) == []


@pytest.mark.parametrize(
    "line",
    [
        "Le constat est simple : rien ne change.",
        "Atelier KiMSO : une démarche d’évaluation.",
        "Objectif : mesurer l’impact.",
        "Une participante lui répond : « Pas du tout, et depuis longtemps. »",
        "Trois enjeux ressortent : le temps, l’argent, la confiance.",
    ],
)
def test_sentences_are_not_mistaken_for_labels(tmp_path: Path, line: str) -> None:
    assert turns(structured(tmp_path, f"{line}\n")) == []


def test_heading_per_speaker_and_consecutive_turns_merged(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        (
            "## Échanges\n\n#### Hélène Valade\n\nPremier paragraphe.\n\nSecond paragraphe.\n\n"
            "#### Marc Dupont\n\nRéponse.\n\n## Suite\n\nUn participant : Un.\n\n"
            "Un participant : Deux.\n\nTexte du rapporteur.\n"
        ),
    )
    assert turns(content) == [
        ("Hélène VALADE", True, False, "Premier paragraphe. / Second paragraphe."),
        ("Marc Dupont", True, False, "Réponse."),
        ("Un participant", False, True, "Un. / Deux."),
    ]
    headings = [i.text for i in content.items if getattr(i, "kind", "") == "heading"]
    assert headings == ["Échanges", "Suite"]


def test_quotes_with_their_speaker(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        (
            "Une élue : « Nous avons besoin d’outils simples et partagés. »\n\n"
            "Le mot « catalyse » revient souvent.\n\n"
            "Une participante lui répond : « Pas du tout, et depuis longtemps déjà. »\n\n"
            "> « L’intérêt général se construit aussi dans les territoires. » (un participant, "
            "à la sortie)\n\n"
            "> Une citation sans guillemets mais assez longue.\n"
        ),
    )
    assert [(q.text, q.speaker.name if q.speaker else None) for q in content.quotes] == [
        ("Nous avons besoin d’outils simples et partagés.", "Une élue"),
        ("Pas du tout, et depuis longtemps déjà.", "Une participante"),
        ("L’intérêt général se construit aussi dans les territoires.", "Un participant"),
        ("Une citation sans guillemets mais assez longue.", None),
    ]


def test_proposals_under_a_heading_and_on_a_line(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        (
            "## Constats\n\n- Le temps manque.\n\n## Nos propositions\n\n"
            "- créer un fonds commun ;\n- former les élus.\n\n### Détail\n\n- une sous-piste\n\n"
            "## Suite\n\n- pas une proposition\n\nProposition : ouvrir les données.\n\n"
            "SPEAKER_00: Proposition : un annuaire des catalyseurs.\n"
        ),
    )
    assert [(p.text, p.line) for p in content.proposals] == [
        ("Créer un fonds commun ;", 7),
        ("Former les élus.", 8),
        ("Une sous-piste", 12),
        ("Ouvrir les données.", 18),
        ("Un annuaire des catalyseurs.", 20),
    ]


def test_a_misspelt_programme_name_is_a_warning(tmp_path: Path) -> None:
    diag = Diagnostics()
    content = structured(
        tmp_path, "Hélène Valadde : Bonjour.\n\nHélène Valadde : Encore.\n", diag=diag
    )
    assert turns(content) == [("Hélène Valadde", False, False, "Bonjour. / Encore.")]
    assert [str(d) for d in diag] == [
        f"{(tmp_path / 'ev').as_posix()}/table-ronde/n.md:1: avertissement : intervenant "
        "« Hélène Valadde » absent du programme ; le plus proche : « Hélène VALADE » "
        "(ajoutez une graphie dans « alias » si c’est la même personne)"
    ]


def test_participants_declared_in_the_header(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        (
            "---\nintervenants: [Claire Morvan, Paul Roy]\ndate: 2019-06-26\n---\n"
            "Claire : Bonjour.\n\nRoy : Bonsoir.\n"
        ),
    )
    assert content.note.meta.intervenants == ("Claire Morvan", "Paul Roy")
    assert str(content.note.meta.date) == "2019-06-26"
    assert turns(content) == [
        ("Claire Morvan", False, False, "Bonjour."),
        ("Paul Roy", False, False, "Bonsoir."),
    ]


# -- what real minutes and verbatims write (the gold standard measures the whole) ----------


@pytest.mark.parametrize(
    ("label", "person"),
    [
        ("Hélène VALADE", True),
        ("VALADE Hélène", True),
        ("Seckou SADIO", True),
        ("Thierry P.", True),
        ("A-Y. Guégan", True),
        ("Mme. COTTA", True),
        ("Patrick Poivre d'Arvor", True),
        ("MARINE LE PEN", True),
        ("TITRE I", False),
        ("Aménagement du Territoire", False),
        ("Affaire Elf", False),
        ("Cegep Saint-Laurent", False),
        ("Impasse des Lavandes", False),
        ("Conférence Les Greniers d'Abondance", False),
        ("Famille Otor", False),
    ],
)
def test_a_name_is_a_person_not_a_heading_or_a_place(label: str, person: bool) -> None:
    from proceedings.structure.speakers import is_name

    assert is_name(label) is person


def test_initials_of_a_debate_are_speakers_when_several_recur(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        "EZ : On est très peu dépendants du gaz.\n\nVP : Ce n’est pas vous qui payez.\n\n"
        "EZ : Je continue.\n\nVP : Et madame Thatcher ?\n\nNB : une note du rapporteur.\n",
        name="debat.txt",
    )
    assert [(t.speaker.name, t.blocks[0].text) for t in _turns(content)] == [
        ("EZ", "On est très peu dépendants du gaz."),
        ("VP", "Ce n’est pas vous qui payez."),
        ("EZ", "Je continue."),
        ("VP", "Et madame Thatcher ?"),
    ]


def test_a_list_of_participants_is_not_a_turn_of_speech(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        "## Les participants\n\n**Delphine Robinault** : élue de la commune de Matignon.\n\n"
        "**Nicolas** : citoyen de la commune.\n\n## Échanges\n\n"
        "**Delphine Robinault** : nous avons signé la convention.\n\n"
        "Participants :\n\n- Sébastien : Eurométropole\n- Anna : café solidaire\n",
    )
    assert [(t.speaker.name, t.blocks[0].text) for t in _turns(content)] == [
        ("Delphine Robinault", "nous avons signé la convention.")
    ]


def test_a_name_on_its_own_line_gives_what_follows_to_its_speaker(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        "### Suivi des projets\n\n"
        "S. Gaillac (CRAIG)\\\n- Vision globale du PCRS\\\n- métadonnées\n\n"
        "F. Deneux (CRAIG)\\\nSujets d'importance :\n\n* Mises à jour\n* Financement\n\n"
        "**Plouër-sur-Rance, Emmanuel Cibert**\n\n- les écoles représentent 600 repas.\n\n"
        "(Béatrice)\n- Existence à Dinan d’un dispositif.\n",
    )
    assert [(t.speaker.name, len(t.blocks)) for t in _turns(content)] == [
        ("S. Gaillac", 2),
        ("F. Deneux", 3),
        ("Emmanuel Cibert", 1),
        ("Béatrice", 1),
    ]


def test_variants_of_one_label_are_one_speaker(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        "Intervenant du public 2 : une question sur le foncier.\n\n"
        "Emmanuel Cibert : la commune a signé.\n\nIntervenant public 2 : et les écoles ?\n\n"
        "Emmanuel C : elles suivent.\n\nLaurence Le Du-Blayo : Dinan aussi.\n\n"
        "Laurence : et le marché.\n",
    )
    assert [t.speaker.name for t in _turns(content)] == [
        "Intervenant du public 2",
        "Emmanuel Cibert",
        "Intervenant du public 2",
        "Emmanuel Cibert",
        "Laurence Le Du-Blayo",
    ]


def test_a_label_after_the_rapporteurs_sentence_starts_a_turn(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        "La question a trouvé un écho. Une chargée de mission : « Les ODD parlent à tous. »\n",
    )
    (turn,) = _turns(content)
    assert (turn.speaker.name, turn.blocks[0].text) == (
        "Une chargée de mission",
        "« Les ODD parlent à tous. »",
    )
    assert [b.text for b in content.items if isinstance(b, Block)] == [
        "La question a trouvé un écho."
    ]


def test_quotes_are_words_someone_said_and_credited_only_when_the_text_says_who(
    tmp_path: Path,
) -> None:
    content = structured(
        tmp_path,
        "Bruno adhère à une « charte de bon sens pour tous ».\n\n"
        "Elle a lu le livre « Nous vivrons dans nos villes demain ».\n\n"
        "Marc Dupont : je vous cite, vous disiez : « il y a des fortunes immenses » et c’est "
        "faux, le président déclarait : « Nous tiendrons nos engagements. » Voilà.\n\n"
        "Marc Dupont : « Nous avons besoin d’outils simples. »\n",
    )
    assert [(q.text, q.speaker.name if q.speaker else None) for q in content.quotes] == [
        ("il y a des fortunes immenses", None),
        ("Nous tiendrons nos engagements.", "Le président"),
        ("Nous avons besoin d’outils simples.", "Marc Dupont"),
    ]


def _turns(content):  # type: ignore[no-untyped-def]
    from proceedings.model import Turn

    return [i for i in content.items if isinstance(i, Turn)]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("A-Y. Guégan (CRIGE Normandie) : GT resserré", "A-Y. Guégan (CRIGE Normandie)"),
        ("A. Richard : FEDER ne finance que 60 %", "A. Richard"),
        ("Intervenant du public 2 : une question", "Intervenant du public 2"),
        ("Il a dit : non", None),
        ("Président : Yann Lossouarn @yann", None),  # who holds a role, not a turn
        ("Claude Bideau @claudebideau : 19 voix", None),  # a count of votes
        ("Participants : 12", None),
    ],
)
def test_labels_of_real_minutes(text: str, label: str | None) -> None:
    from proceedings.structure.speakers import split_label

    found = split_label(text)
    assert (found[0] if found else None) == label


def test_a_chat_export_is_turns_without_the_softwares_notices(tmp_path: Path) -> None:
    """A Rocket.Chat export as the real corpus has it (2-transcriptions-verbatim/index.html):
    a paragraph per message under « pseudo (date) : », « Has joined the channel. », and
    emojis written as « :slightly_smiling_face: »."""
    html = (
        '<meta charset="utf-8">'
        "<p><strong>alexis</strong> (Tue, 15 Mar 2016 09:48:57 GMT):<br/>"
        "Has joined the channel.</p>"
        "<p><strong>anne_h</strong> (Tue, 15 Mar 2016 09:50:02 GMT):<br/>"
        "Bonjour, je cherche une définition de la mobilité inclusive.</p>"
        "<p><strong>alexis</strong> (Tue, 15 Mar 2016 09:52:11 GMT):<br/>"
        "La capacité de chacun à se déplacer pour vivre sa vie. :slightly_smiling_face:</p>"
        "<p><strong>karim</strong> (Wed, 16 Mar 2016 10:00:00 GMT):<br/>"
        "Has left the channel.</p>"
    )
    content = structured(tmp_path, html, "salon.html")
    assert turns(content) == [
        ("anne_h", False, False, "Bonjour, je cherche une définition de la mobilité inclusive."),
        ("alexis", False, False, "La capacité de chacun à se déplacer pour vivre sa vie."),
    ]


def test_a_time_in_parentheses_is_not_a_chat_in_minutes(tmp_path: Path) -> None:
    content = structured(
        tmp_path,
        "Réunion du 12 mars (10:00 - 12:00) :\n\nLes élus ont rejoint la réunion.\n",
    )
    assert turns(content) == []
