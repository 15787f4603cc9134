"""Anonymous publication on hostile input, and a cache that is only ever a speed-up.

The first part builds an event where one hidden person (Hélène VALADE) appears in every
form a name takes in real notes — file names, rapporteur fields, programme fields,
invisible characters, e-mail addresses and web addresses, first name alone — and where an
anonymous session names other people in its text; a first build is made before she is
marked hidden, so that the cache held her name. Then every file of the output folder,
``.cache/`` included, is searched for every spelling.

The second part damages the caches in plausible ways (entries swapped, wrong types,
folders where files should be) and checks that the published result does not change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from proceedings.analyse.analysis import CACHE_SCHEMA, load_nlp
from proceedings.build import build
from proceedings.cli import main
from proceedings.errors import Diagnostics
from proceedings.model import Block, Event, FrontMatter, Note, Span
from proceedings.read.programme import load_programme
from proceedings.read.store import SCHEMA as NOTE_SCHEMA
from proceedings.structure import privacy
from proceedings.support import cachefile, regexcache

from .conftest import TINY_PROGRAMME, write_tiny_event

# -- searching the output folder ------------------------------------------------------------


def folded(text: str) -> str:
    """Compatibility forms and invisible characters gone, no accents, lower case."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


SEP = r"[\s._\-]*"
# Every spelling of the hidden people, on folded text (« Hélène Dupont » is someone else).
SPELLINGS = {
    "Hélène Valade": re.compile(rf"helene{SEP}valade|valade|helene(?!{SEP}dupont)"),
    "Bernard Testard": re.compile(r"testard"),
    "Lucien Gaubert": re.compile(r"gaubert|lucien"),
    "M. Dupuis": re.compile(r"dupuis"),
    "Mme Durand": re.compile(r"durand"),
}


def every_text(out: Path) -> dict[str, str]:
    """Every file of the output folder as text: its path, and its content (DOCX parts
    unzipped, PDF text and raw bytes, anything else decoded as it comes)."""
    texts: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        parts = [name]
        if path.is_file():
            raw = path.read_bytes()
            parts.append(raw.decode("utf-8", "replace"))
            parts.append(raw.decode("latin-1"))
            if path.suffix == ".docx":
                with zipfile.ZipFile(path) as z:
                    parts += z.namelist()
                    parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
            elif path.suffix == ".pdf":
                reader = PdfReader(str(path))
                parts += [p.extract_text() or "" for p in reader.pages]
                parts.append(str(reader.metadata))
                parts.append(
                    str(reader.xmp_metadata.stream.get_data() if reader.xmp_metadata else "")
                )
        texts[name] = folded("\n".join(parts))
    return texts


def leaks(out: Path) -> list[tuple[str, str, str]]:
    found = []
    for name, text in every_text(out).items():
        for who, pattern in SPELLINGS.items():
            if m := pattern.search(text):
                found.append((name, who, text[max(0, m.start() - 40) : m.end() + 40]))
    return found


# -- the event --------------------------------------------------------------------------------

PROGRAMME_ADDITIONS = """\
partenaires: [Cabinet Valade, Réseau Mobilité]
references:
  - id: rapport
    texte: Rapport d'essai (2019), rédigé par H. Valade.
"""

HIDDEN_PERSON = """\
      - nom: Hélène VALADE
        organisation: Collectif des tiers-lieux
"""

TOOLS_SESSION = """\
  - id: outils
    type: outils
    debut: "11:00"
    titre: Le tour des outils
    participants: les équipes d’Hélène Valade et du Réseau
    outils:
      - nom: La Boussole
        porteur: Hélène Valade
        description: Un carnet de bord conçu par helene valade pour les tiers-lieux.
"""

VALADE_NOTE = """\
---
rapporteur: Hélène Valade
statut: relu
---
## Ce qu'il faut retenir

- Hé\u200blène Va\u00adlade a ouvert la matinée : la co-construction demande du temps.
- \u202eＨélène ＶＡＬＡＤＥ\u202c a insisté sur les 120 m² du tiers-lieu et la 5ᵉ édition.
- Hélène a rappelé l’importance des alliances avec Hélène Dupont, qui anime le réseau.

## Échanges

Pour la suite, écrire à helene.valade@asso.fr ou à h.valade@asso.fr, voir
https://asso.fr/equipe/helene-valade et le site www.valade-conseil.fr pour les documents.

Le rapport de Hé\u2060lène V\ufeffalade sera diffusé.
Une élue : « Nous avons besoin d’outils simples. »
"""

# a rapporteur written with her initial, and a header value that names her (a message)
REPORT_NOTE = """\
---
rapporteur: H. Valade
statut: relu par Hélène Valade
---
Les porteurs d’outils ont présenté leurs carnets de bord aux élus.
"""

# a pad exported as a web page, its author a login
PAD = """\
<html><head><meta name="author" content="hvalade"><title>Pad</title></head>
<body><p>Le pad de l’atelier : chacun a noté ses outils préférés.</p></body></html>
"""

WORKSHOP_NOTE = """\
Atelier mobilité

Comme l’a expliqué M. Dupuis, la mobilité reste un enjeu des communes rurales.

Mme Durand a proposé une navette partagée entre les communes.

Lucien Gaubert a présenté la démarche du territoire, et Bernard TESTARD a conclu sur les alliances.

- Proposition : une plateforme de covoiturage locale.
"""


def write_event(root: Path, hidden: bool) -> Path:
    """The event; with ``hidden``, Hélène VALADE and the workshops are marked anonymous."""
    event = root / "ev"
    if not event.exists():
        write_tiny_event(event)
        (event / "ateliers" / "mobilite" / "notes.txt").write_text(WORKSHOP_NOTE, "utf-8")
        (event / "ouverture" / "notes-helene-valade.md").write_text(VALADE_NOTE, "utf-8")
        (event / "outils").mkdir()
        document = docx.Document()
        document.core_properties.author = "Hélène Valade"
        document.add_heading("Le tour des outils", 1)
        document.add_paragraph("La Boussole aide les tiers-lieux à suivre leurs alliances.")
        document.add_paragraph("Hélène Valade a montré le carnet de bord aux élus.")
        document.save(str(event / "outils" / "Valade.docx"))
        # the same notes under another name: a message names both files
        (event / "ouverture" / "valade-copie.md").write_text(VALADE_NOTE, "utf-8")
        (event / "outils" / "compte-rendu.md").write_text(REPORT_NOTE, "utf-8")
        (event / "outils" / "pad.html").write_text(PAD, "utf-8")
        # the editor's files name her too: the editorial, a keyword renamed after her
        (event / "editorial.md").write_text(
            "Merci à Hélène Valade pour son accueil.\n", encoding="utf-8"
        )
        (event / "mots-cles.yaml").write_text(
            "renommer:\n  carnet de bord: carnet de bord d’Hélène Valade\n", encoding="utf-8"
        )
    person = HIDDEN_PERSON + ("        anonyme: true\n" if hidden else "")
    programme = (
        TINY_PROGRAMME.replace(
            "references:\n  - id: rapport\n    texte: Rapport d'essai (2019).\n", ""
        )
        .replace("sessions:\n", PROGRAMME_ADDITIONS + "sessions:\n")
        .replace(
            "        organisation: Association d'essai\n",
            "        organisation: Association d'essai\n" + person,
        )
        .replace(
            "    titre: Ateliers du matin\n",
            "    titre: Ateliers du matin\n" + ("    anonyme: true\n" if hidden else ""),
        )
        + TOOLS_SESSION
    )
    (event / "programme.yaml").write_text(programme, encoding="utf-8")
    return event


@pytest.fixture(scope="module")
def hidden_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cache-prive")
    out = root / "sortie"
    formats = ("docx", "pdf", "html", "fiches")
    # a first build, before anyone was hidden: the cache holds the names (the documents a
    # change of the hidden people retires: test_documents_made_before_someone_was_hidden…)
    event = write_event(root, hidden=False)
    assert (
        main(["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1"]) == 0
    )
    assert (out / ".cache").is_dir()
    assert any("valade" in folded(p.read_text("utf-8")) for p in (out / ".cache").rglob("*.json"))
    event = write_event(root, hidden=True)
    assert (
        main(
            [
                "build",
                str(event),
                "--sortie",
                str(out),
                "--jobs",
                "1",
                "--formats",
                ",".join(formats),
            ]
        )
        == 0
    )
    return out


def test_no_spelling_of_a_hidden_name_is_left_in_the_output_folder(hidden_build: Path) -> None:
    assert {"synthese.md", "synthese.docx", "synthese.pdf", "bilan-depot.html"} <= {
        p.name for p in hidden_build.iterdir()
    }
    assert leaks(hidden_build) == []


def test_pseudonyms_are_consistent_and_the_rest_of_the_text_is_intact(hidden_build: Path) -> None:
    master = (hidden_build / "synthese.md").read_text(encoding="utf-8")
    one = "Intervenant·e 1"  # Hélène VALADE: first hidden, no role in the programme
    for expected in (
        f"- **{one}**, Collectif des tiers-lieux",  # the programme
        f"**La Boussole** ({one}) : Un carnet de bord conçu par {one} pour",  # tool owner
        f"rédigé par {one}.",  # reference
        f"Notes prises par {one}\n:::",  # a note's rapporteur, never its file's name
        f"- {one} a ouvert la matinée",  # zero-width space and soft hyphen inside
        f"- {one} a insisté sur les 120 m² du tiers-lieu et la 5ᵉ édition.",  # full width
        f"- {one} a rappelé l’importance des alliances avec Hélène Dupont",  # first name
        f"écrire à {one} ou à {one}, voir {one} et le site {one} pour",  # addresses
        f"Le rapport de {one} sera diffusé.",  # word joiner and BOM inside
        'partenaires: "Cabinet Intervenant·e 1, Réseau Mobilité"',
    ):
        assert expected in master
    assert master.count(f"Notes prises par {one}\n:::") >= 2  # the header's, Word's author
    assert "— fichier" not in master and "(relu)" not in master
    assert "\u202e" not in master and "\u200b" not in master  # gone with the name
    # the people the anonymous workshop names: one pseudonym each, never another's
    assert (
        "Comme l’a expliqué Intervenant·e 2, la mobilité" in master
        and "Intervenant·e 3 a proposé une navette" in master
        and "Intervenant·e 4 a présenté la démarche du territoire, et Intervenant·e 5 a conclu"
        in master
    )
    # a pseudonym is no keyword of its own; a keyword the editor renamed after her is hidden
    assert "- **intervenant·e**" not in master.lower()
    assert "- **carnet de bord d’Intervenant·e 1** — " in master
    assert "Merci à Intervenant·e 1 pour son accueil." in master  # the editorial
    tags = json.loads((hidden_build / "mots-cles.json").read_text(encoding="utf-8"))
    assert "ouverture/notes-intervenant-e-1.md" in tags["par_note"]
    assert "outils/intervenant-e-1.docx" in tags["par_note"]
    report = (hidden_build / "bilan-depot.html").read_text(encoding="utf-8")
    for path in (
        "ouverture/notes-intervenant-e-1.md",
        "ouverture/intervenant-e-1-copie.md",
        "outils/intervenant-e-1.docx",
    ):
        assert f"<code>{path}</code>" in report
    # the login of the pad's author, the initial of the report's rapporteur
    assert report.count(f"<td>{one}</td>") >= 4
    assert "statut « relu par Intervenant·e 1 » inconnu" in report


def test_an_unchanged_rebuild_replays_messages_without_names(
    hidden_build: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = hidden_build.parent / "ev"
    formats = "docx,pdf,html,fiches"
    assert main(["build", str(event), "--sortie", str(hidden_build), "--formats", formats]) == 0
    captured = capsys.readouterr()
    assert "La synthèse est à jour" in captured.out
    err = captured.err
    assert "doublon ignoré" in err and "inconnu" in err
    assert re.search("valade|hélène", folded(err)) is None


def test_check_writes_its_report_without_names_and_shows_the_real_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = write_event(tmp_path, hidden=True)
    out = tmp_path / "bilan"
    assert main(["check", str(event), "--sortie", str(out)]) == 0
    assert [p.name for p in out.iterdir() if p.name != ".verrou"] == ["bilan-depot.html"]
    assert leaks(out) == []
    # the terminal names the files as they are, for the editor to find them
    assert "ouverture/notes-helene-valade.md" in capsys.readouterr().out


# -- the replacement itself, spelling by spelling ---------------------------------------------

VALADE = privacy.Anonymiser((privacy.Hidden(("Hélène VALADE",), "Intervenant·e 1"),))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hélène VALADE ouvre.", "X ouvre."),
        ("helene valade, HELENE VALADE et Valade Hélène.", "X, X et X."),
        ("Mme Valade puis H. Valade et H.Valade.", "X puis X et X."),
        ("helene.valade, helene_valade et helene-valade.", "X, X et X."),
        ("Hé\u200blène Va\u00adlade et Va\u2060lade\ufeff !", "X et X !"),
        ("\u202eＨélène ＶＡＬＡＤＥ\u202c a parlé.", "X a parlé."),
        ("Hélène a rappelé, puis Hélène. Et Hélène, enfin.", "X a rappelé, puis X. Et X, enfin."),
        (
            "Hélène Dupont et Hélène de Rosnay restent.",
            "Hélène Dupont et Hélène de Rosnay restent.",
        ),
        ("une hélène, la valade.", "une hélène, la valade."),  # common words spared
        ("Écrire à helene.valade@asso.fr.", "Écrire à X."),
        ("Écrire à h.valade@asso.fr ou valade@asso.fr.", "Écrire à X ou X."),
        ("Voir https://asso.fr/equipe/helene-valade, puis…", "Voir X, puis…"),
        ("Voir www.valade-conseil.fr et helene@asso.fr.", "Voir X et X."),
        ("Écrire à helene.dupont@asso.fr.", "Écrire à helene.dupont@asso.fr."),
        ("Les 120 m² du 5ᵉ étage, Ｖａｌａｄｅ, ﬁn.", "Les 120 m² du 5ᵉ étage, X, ﬁn."),
    ],
)
def test_every_spelling_of_the_name_is_replaced_and_nothing_else(text: str, expected: str) -> None:
    assert VALADE.text(text).replace("Intervenant·e 1", "X") == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("ouverture/notes-helene-valade.md", "ouverture/notes-intervenant-e-1.md"),
        ("ouverture/Valade.docx", "ouverture/intervenant-e-1.docx"),
        ("ouverture/CR_H_Valade_v2.odt", "ouverture/CR_intervenant-e-1_v2.odt"),
        ("ouverture/hvalade.txt", "ouverture/intervenant-e-1.txt"),
        ("ouverture/notes-helene.md", "ouverture/notes-intervenant-e-1.md"),
        ("ouverture/helene-dupont.md", "ouverture/helene-dupont.md"),
        ("atelier-valade/notes.md", "atelier-intervenant-e-1/notes.md"),
    ],
)
def test_names_in_file_names_are_replaced(path: str, expected: str) -> None:
    assert VALADE.path(path) == expected


def test_a_rapporteur_field_holding_a_login_is_replaced_whole() -> None:
    assert VALADE.name("hvalade") == VALADE.name("helene.valade") == "Intervenant·e 1"
    assert VALADE.name("Hélène Dupont") == "Hélène Dupont"


def test_two_files_never_get_the_same_published_path() -> None:
    anonymiser = privacy.Anonymiser(VALADE.hidden)
    anonymiser.learn_paths(
        [(p, f"ev/{p}") for p in ("o/valade.md", "o/Valade.md", "o/intervenant-e-1.md")]
    )
    published = {anonymiser.published(p) for p in ("o/valade.md", "o/Valade.md")}
    assert len(published | {anonymiser.published("o/intervenant-e-1.md")}) == 3
    assert anonymiser.published("ev/o/valade.md") == "ev/" + anonymiser.published("o/valade.md")


def test_every_string_of_the_programme_is_walked(tmp_path: Path) -> None:
    event_dir = write_event(tmp_path, hidden=True)
    event, _ = load_programme(event_dir / "programme.yaml", "programme.yaml")
    hidden, _, _ = privacy.anonymise(event, [])
    strings: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, tuple):
            for v in value:
                collect(v)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                collect(getattr(value, f.name))

    collect(hidden)
    assert strings and not [s for s in strings if SPELLINGS["Hélène Valade"].search(folded(s))]


def test_a_note_header_hides_a_name_in_every_field_of_the_note() -> None:
    note = Note(
        path="ouverture/notes-paul-roy.md",
        shown="ev/ouverture/notes-paul-roy.md",
        format="markdown",
        meta=FrontMatter(rapporteur="Paul ROY", intervenants=("Paul Roy",), anonymes=("Paul ROY",)),
        blocks=(Block("paragraph", (Span("Selon P. Roy, c’est fini."),), speaker="Roy"),),
    )
    event = Event(
        "Réseau",
        1,
        "Rencontre",
        "Thème",
        dt.date(2020, 1, 1),
        dt.time(9),
        dt.time(12),
        "Lieu",
        "Adresse",
        "Organisation",
        (),
        (),
    )
    _, (hidden,), _ = privacy.anonymise(event, [note])
    assert hidden.path == "ouverture/notes-intervenant-e-1.md"
    assert hidden.meta.rapporteur == "Intervenant·e 1" and hidden.meta.anonymes == ()
    assert hidden.meta.intervenants == ("Intervenant·e 1",)
    assert hidden.blocks[0].text == "Selon Intervenant·e 1, c’est fini."
    assert hidden.blocks[0].speaker == "Intervenant·e 1"
    assert hidden.shown == note.shown  # messages in the terminal name the real file


# -- a cache that is only ever a speed-up -------------------------------------------------------


def write_cache_event(root: Path) -> Path:
    """The tiny event with a Word note (kept in the note store)."""
    event = write_tiny_event(root)
    document = docx.Document()
    document.add_heading("Compte rendu", 1)
    document.add_paragraph("Les maisons de santé rurales recrutent des médecins partagés.")
    document.add_paragraph("La plateforme de covoiturage locale démarre en septembre.")
    document.save(str(event / "ouverture" / "compte-rendu.docx"))
    return event


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An event and a first build of it (HTML), its caches filled."""
    root = tmp_path_factory.mktemp("cache-abime")
    event = write_cache_event(root / "ev")
    out = root / "chaud"
    assert (
        main(["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1"]) == 0
    )
    assert len(entries(out / ".cache" / "analyses")) >= 3
    assert len(entries(out / ".cache" / "notes")) == 1
    return event, out


PUBLISHED = ("mots-cles.json", "synthese.md")


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if re.fullmatch(r"[0-9a-f]{64}\.json", p.name))


def copy_analysis_under_another_key(out: Path) -> None:
    a, b = entries(out / ".cache" / "analyses")[:2]
    shutil.copyfile(a, b)


def swap_two_analyses(out: Path) -> None:
    a, b = entries(out / ".cache" / "analyses")[:2]
    data = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(data)


def list_where_an_object_is_expected(out: Path) -> None:
    """Whole entries, with their right key and checksum, but of the wrong types."""
    for path in entries(out / ".cache" / "analyses"):
        content = cachefile.read(path, CACHE_SCHEMA, path.stem)
        content["phrases"] = [list(p.values()) for p in content["phrases"]]
        cachefile.write(path, CACHE_SCHEMA, path.stem, content)
    (note,) = entries(out / ".cache" / "notes")
    content = cachefile.read(note, NOTE_SCHEMA, note.stem)
    content["note"]["blocks"] = {"0": content["note"]["blocks"]}
    cachefile.write(note, NOTE_SCHEMA, note.stem, content)


def folders_and_fifos_named_like_entries(out: Path) -> None:
    for path in entries(out / ".cache" / "analyses")[:2]:
        path.unlink()
        (path / "dedans").mkdir(parents=True)
    (note,) = entries(out / ".cache" / "notes")
    note.unlink()
    os.mkfifo(note)


def notes_folder_is_a_file(out: Path) -> None:
    shutil.rmtree(out / ".cache" / "notes")
    (out / ".cache" / "notes").write_text("pas un dossier", encoding="utf-8")


def cache_folder_is_a_file(out: Path) -> None:
    shutil.rmtree(out / ".cache")
    (out / ".cache").write_text("pas un dossier", encoding="utf-8")


def truncated_entries(out: Path) -> None:
    for path in (out / ".cache").rglob("*.json"):
        path.write_bytes(path.read_bytes()[:-10])


@pytest.mark.parametrize(
    "damage",
    [
        copy_analysis_under_another_key,
        swap_two_analyses,
        list_where_an_object_is_expected,
        folders_and_fifos_named_like_entries,
        notes_folder_is_a_file,
        cache_folder_is_a_file,
        truncated_entries,
    ],
)
def test_a_plausible_but_wrong_cache_changes_nothing(
    warm: tuple[Path, Path],
    damage: Callable[[Path], None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event, reference = warm
    out = tmp_path / "sortie"
    shutil.copytree(reference, out, symlinks=True)
    damage(out)
    capsys.readouterr()
    code = main(
        ["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1", "--forcer"]
    )
    err = capsys.readouterr().err
    assert code == 0 and "erreur interne" not in err and "Traceback" not in err
    assert {n: (out / n).read_bytes() for n in PUBLISHED} == {
        n: (reference / n).read_bytes() for n in PUBLISHED
    }


def test_the_analyses_are_really_recomputed_over_a_wrong_entry(
    warm: tuple[Path, Path], tmp_path: Path
) -> None:
    event, reference = warm
    out = tmp_path / "sortie"
    shutil.copytree(reference, out)
    copy_analysis_under_another_key(out)
    _, b = entries(out / ".cache" / "analyses")[:2]
    assert cachefile.read(b, CACHE_SCHEMA, b.stem) is None  # the copy is refused
    build(event, out, ("html",), Diagnostics(), force=True)
    assert cachefile.read(b, CACHE_SCHEMA, b.stem) is not None  # and written again


@pytest.mark.parametrize(
    "damage",
    [
        lambda content: [["../../etc/passwd"], []],
        lambda content: [content[0], [["grave", "message", None, None]]],
        lambda content: [content[0], [{"gravite": "erreur"}]],
        lambda content: {"sorties": content[0]},
    ],
    ids=["sortie-hors-du-dossier", "gravite-inconnue", "objet-pour-liste", "objet-pour-tout"],
)
def test_a_wrong_fingerprint_file_means_build_again(
    warm: tuple[Path, Path],
    damage: Callable[[Any], Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event, reference = warm
    out = tmp_path / "sortie"
    shutil.copytree(reference, out)
    target = out / ".cache" / "empreinte.json"
    key = json.loads(target.read_bytes().split(b"\n", 1)[0])["cle"]
    cachefile.write(target, "empreinte-2", key, damage(cachefile.read(target, "empreinte-2", key)))
    capsys.readouterr()
    assert (
        main(["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1"]) == 0
    )
    captured = capsys.readouterr()
    assert "à jour" not in captured.out and "erreur interne" not in captured.err
    assert {n: (out / n).read_bytes() for n in PUBLISHED} == {
        n: (reference / n).read_bytes() for n in PUBLISHED
    }


def test_a_folder_in_place_of_the_fingerprint_file(
    warm: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event, reference = warm
    out = tmp_path / "sortie"
    shutil.copytree(reference, out)
    (out / ".cache" / "empreinte.json").unlink()
    (out / ".cache" / "empreinte.json").mkdir()
    for _ in range(2):  # it cannot be written: each build is made again, without a word
        assert (
            main(["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1"])
            == 0
        )
        captured = capsys.readouterr()
        assert "à jour" not in captured.out and captured.err == ""
    assert (out / "synthese.md").read_bytes() == (reference / "synthese.md").read_bytes()


@pytest.mark.lent
def test_swapped_regex_cache_files_give_the_same_documents(
    warm: tuple[Path, Path], tmp_path: Path
) -> None:
    """The model loaded in a fresh process (the regular expressions this process compiled
    are in its own memory) from a user cache where two entries were swapped."""
    event, reference = warm
    xdg = tmp_path / "xdg"
    folder = xdg / "proceedings" / "regex"
    re.purge()
    load_nlp(folder)
    files = entries(folder)
    assert len(files) >= 2
    a, b = files[:2]
    data = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(data)
    out = tmp_path / "sortie"
    shutil.copytree(reference, out)
    shutil.rmtree(out / ".cache" / "analyses")  # every note analysed: the model is loaded
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "proceedings",
            "build",
            str(event),
            "--sortie",
            str(out),
            "--formats",
            "html",
            "--jobs",
            "1",
            "--forcer",
        ],
        env={**os.environ, "XDG_CACHE_HOME": str(xdg)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {n: (out / n).read_bytes() for n in PUBLISHED} == {
        n: (reference / n).read_bytes() for n in PUBLISHED
    }
    assert cachefile.read(a, regexcache.SCHEMA, a.stem) is not None  # written again


def test_a_swapped_or_altered_regex_entry_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexcache, "SLOW", 0.0)
    patterns = [r"(?i)^l['’](\w+)-(\w+)$", r"^(\d+)\s*h\s*(\d*)$"]
    samples = ["L’Île-France", "l'un-deux", "12 h 30", "9h"]

    def behaviour(compiled: list[re.Pattern[str]]) -> list[Any]:
        return [[(m.groups() if (m := c.match(s)) else None) for s in samples] for c in compiled]

    expected = behaviour([re.compile(p) for p in patterns])
    with regexcache.cached(tmp_path):
        re.purge()
        [re.compile(p) for p in patterns]
    a, b = entries(tmp_path)
    data = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(data)
    with regexcache.cached(tmp_path):
        re.purge()
        assert behaviour([re.compile(p) for p in patterns]) == expected
    # a program altered on disk (one literal changed) under its own key: the checksum
    for path in entries(tmp_path):
        head, body = path.read_bytes().split(b"\n", 1)
        path.write_bytes(head + b"\n" + body.replace(b"104", b"105"))
    with regexcache.cached(tmp_path):
        re.purge()
        assert behaviour([re.compile(p) for p in patterns]) == expected


@pytest.mark.lent
def test_documents_made_before_someone_was_hidden_are_retired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Built in every format while Alice Martin was named, then built again as HTML only
    once she is hidden: the PDF, the DOCX and the fiches of the first build named her and
    are not made again, so they are removed (and said to be); nothing left names her."""
    event = write_tiny_event(tmp_path / "ev")
    notes = event / "ouverture" / "notes.md"
    notes.write_text(
        notes.read_text(encoding="utf-8") + "\nAlice MARTIN : « Merci à toutes et à tous. »\n",
        encoding="utf-8",
    )
    out = tmp_path / "sortie"
    assert main(["build", str(event), "--sortie", str(out)]) == 0
    assert "martin" in every_text(out)["synthese.pdf"]
    programme = event / "programme.yaml"
    programme.write_text(
        programme.read_text(encoding="utf-8").replace(
            "        role: Présidente\n", "        role: Présidente\n        anonyme: true\n"
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["build", str(event), "--sortie", str(out), "--formats", "html"]) == 0
    err = capsys.readouterr().err
    for name in ("synthese.docx", "synthese.pdf", "fiches/01-ouverture.pdf"):
        assert not (out / name).exists()
        assert (
            f"{out / name}: avertissement : retiré : fait avant un changement des personnes "
            "publiées sans leur nom, il pourrait en nommer une (reconstruisez-le)" in err
        )
    texts = every_text(out)
    assert "presidente" in texts["synthese.html"]
    assert not [name for name, text in texts.items() if re.search(r"martin", text)]
    # built again with the same people hidden: nothing more is removed
    assert main(["build", str(event), "--sortie", str(out), "--forcer"]) == 0
    assert "retiré" not in capsys.readouterr().err
    assert (out / "synthese.pdf").exists()
