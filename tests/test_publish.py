"""Publication (``proceedings publier``): refused with the list of what remains, then the
version for distribution, the same bytes each time."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import pikepdf
import pytest
from pypdf import PdfReader

from proceedings.cli import main

from .conftest import Built

pytestmark = pytest.mark.lent  # whole builds, twice

NAMES = [
    "actes-rencontre-2020.docx",
    "actes-rencontre-2020.html",
    "actes-rencontre-2020.pdf",
    "synthese-rencontre-2020.docx",
    "synthese-rencontre-2020.html",
    "synthese-rencontre-2020.pdf",
]
READY = """\
ouverture/notes.md: valide
ateliers/mobilite/notes.txt: Valide
extraits relus: [ateliers/mobilite]
"""


def publish(event: Path, out: Path) -> int:
    return main(["publier", str(event), "--sortie", str(out), "--jobs", "1"])


WORKSHOP = """\
Atelier mobilité

Un participant : il faut des navettes partagées.

Les navettes partagées relient les villages au bourg deux fois par jour depuis le printemps.
La plateforme de covoiturage locale compte déjà trois cents inscrits sur le territoire.
Les élus veulent mesurer l’effet des navettes partagées sur les trajets des habitants.

- Proposition : une plateforme de covoiturage locale.
"""


@pytest.fixture
def event(tiny_built: Built, tmp_path: Path, analysed: Callable[[Path], Path]) -> Path:
    """A copy of the tiny event whose workshop note has no key messages of its own: the
    synthesis picks some (the opening note's analysis is in the publication's build)."""
    analysed(tmp_path / "publication" / ".construction")
    event = Path(shutil.copytree(tiny_built.event, tmp_path / "evenement"))
    (event / "ateliers" / "mobilite" / "notes.txt").write_text(WORKSHOP, encoding="utf-8")
    return event


def _marks(out: Path, stem: str) -> tuple[bool, bool, bool]:
    """Whether the DOCX has the draft's watermark, the PDF its « Document de travail », the
    HTML an « à relire »."""
    word = docx.Document(str(out / f"{stem}.docx"))
    headers = " ".join(p._p.xml for s in word.sections for p in s.header.paragraphs)
    text = " ".join(p.extract_text() or "" for p in PdfReader(out / f"{stem}.pdf").pages)
    html = re.sub(r"\s+", " ", (out / f"{stem}.html").read_text(encoding="utf-8"))
    return "PowerPlusWaterMarkObject" in headers, "Document de travail" in text, "à relire" in html


def test_publication_is_refused_with_what_remains(
    event: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "publication"
    assert publish(event, out) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "erreur : publication refusée : 3 points à régler avant la diffusion",
        "  - « ouverture/notes.md » : statut « relu », à passer à « valide » (dans son "
        "en-tête ou dans statuts.yaml)",
        "  - « ateliers/mobilite/notes.txt » : sans statut, à passer à « valide » (dans son "
        "en-tête ou dans statuts.yaml)",
        "  - « ateliers/mobilite » : messages clés choisis automatiquement, à relire puis à "
        "déclarer relu dans statuts.yaml (extraits relus : [ateliers/mobilite])",
    ]
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]  # nothing published
    # what it built is a working document: watermark, « Document de travail », « à relire »
    assert _marks(out / ".construction", "synthese") == (True, True, True)
    # a bad name among the reviewed ones is told; the rest still counts
    (event / "statuts.yaml").write_text(
        "ouverture/notes.md: valide\nateliers/mobilite/notes.txt: valide\n"
        "extraits relus: [ateliers/mobilte]\n",
        encoding="utf-8",
    )
    assert publish(event, out) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"{event.as_posix()}/statuts.yaml:3: avertissement : extraits relus : « ateliers/mobilte » "
        ": aucun texte automatique ici (vouliez-vous dire « ateliers/mobilite » ?)"
    )
    assert err[1] == "erreur : publication refusée : 1 point à régler avant la diffusion"
    # a note the deposit cannot read: its error, then the refusal that counts it
    (event / "statuts.yaml").write_text(READY, encoding="utf-8")
    (event / "ouverture" / "casse.md").write_text("---\nsession: [\n---\n", encoding="utf-8")
    assert publish(event, out) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{event.as_posix()}/ouverture/casse.md:2: en-tête YAML invalide : valeur attendue "
        "(colonne 11), fichier ignoré",
        "erreur : publication refusée : 1 point à régler avant la diffusion",
        "  - 1 erreur du dépôt, dite ci-dessus (voir make check)",
    ]
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]
    # with --strict, a warning is enough
    (event / "ouverture" / "casse.md").unlink()
    (event / "ouverture" / "notes.pages").write_bytes(b"PK")  # a format not read
    assert main(["publier", str(event), "--sortie", str(out), "--strict"]) == 1
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "erreur : publication refusée : 1 point à régler avant la diffusion",
        "  - 1 avertissement, dit ci-dessus (--strict)",
    ]
    assert not [p for p in out.iterdir() if not p.name.startswith(".")]


def test_a_ready_event_is_published_for_distribution_the_same_twice(
    event: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (event / "statuts.yaml").write_text(READY, encoding="utf-8")
    out = tmp_path / "publication"
    assert publish(event, out) == 0
    said = capsys.readouterr()
    assert said.err == ""
    published = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert published == sorted([*NAMES, "publication.json"])
    order = [
        f"{d}-rencontre-2020.{f}" for d in ("synthese", "actes") for f in ("docx", "pdf", "html")
    ]
    assert [line.removeprefix("publié : ") for line in said.out.splitlines()] == [
        str(out / n) for n in [*order, "publication.json"]
    ]
    manifest = json.loads((out / "publication.json").read_text(encoding="utf-8"))
    assert manifest["evenement"] == "Rencontre d'essai" and manifest["date"] == "2020-03-12"
    assert [f["fichier"] for f in manifest["fichiers"]] == NAMES
    for entry in manifest["fichiers"]:
        data = (out / entry["fichier"]).read_bytes()
        assert entry["octets"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    # no watermark nor « à relire »; PDF/A-2b and PDF/UA-1
    assert _marks(out, "synthese-rencontre-2020") == (False, False, False)
    for name in ("synthese-rencontre-2020.pdf", "actes-rencontre-2020.pdf"):
        with pikepdf.open(out / name) as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfuaid:part>1</pdfuaid:part>" in xmp
    # published again from the same inputs: the same bytes
    first = {n: (out / n).read_bytes() for n in [*NAMES, "publication.json"]}
    assert publish(event, out) == 0
    assert {n: (out / n).read_bytes() for n in first} == first


def test_what_an_earlier_publication_listed_is_known_by_its_manifest(tmp_path: Path) -> None:
    """The files of an earlier publication under other names (the event's year changed)
    are removed when the new one is written; a damaged or foreign manifest names nothing."""
    from proceedings.export.publish import published_before

    assert published_before(tmp_path) == set()
    manifest = tmp_path / "publication.json"
    manifest.write_text(
        json.dumps(
            {
                "fichiers": [
                    {"fichier": "synthese-rencontre-2019.pdf"},
                    {"fichier": "actes-journee-2018.html"},
                    {"fichier": "../programme.yaml"},
                    {"fichier": "notes.md"},
                ]
            }
        ),
        encoding="utf-8",
    )
    assert published_before(tmp_path) == {"synthese-rencontre-2019.pdf", "actes-journee-2018.html"}
    for damaged in ("{", '{"fichiers": 3}', '{"fichiers": [{"nom": "x"}]}', "[]"):
        manifest.write_text(damaged, encoding="utf-8")
        assert published_before(tmp_path) == set()


def test_the_demo_is_refused_then_published_once_marked_ready(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo as it is: drafts and unreviewed automatic text, refused; its statuts.yaml
    filled as an editor would after reading everything: published."""
    out = tmp_path / "publication"
    assert publish(demo_copy, out) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "erreur : publication refusée : 26 points à régler avant la diffusion"
    notes = sorted(line.split("« ")[1].split(" »")[0] for line in err if " : statut « " in line)
    unset = [line.split("« ")[1].split(" »")[0] for line in err if " : sans statut," in line]
    places = sorted({line.split("« ")[1].split(" »")[0] for line in err if "à relire" in line})
    assert len(notes) + len(unset) == 16 and places == [
        "ateliers/convergences",
        "ateliers/social-value-france",
        "cloture",
        "co-developpement/groupe-1",
        "co-developpement/groupe-2",
        "co-developpement/groupe-3",
        "table-ronde",
    ]
    ready = "".join(f"{path}: valide\n" for path in sorted([*notes, *unset]))
    ready += f"extraits relus: [{', '.join(places)}]\n"
    (demo_copy / "statuts.yaml").write_text(ready, encoding="utf-8")
    assert publish(demo_copy, out) == 0
    manifest = json.loads((out / "publication.json").read_text(encoding="utf-8"))
    assert [f["fichier"] for f in manifest["fichiers"]] == [
        n.replace("2020", "2019") for n in NAMES
    ]
    cover = PdfReader(out / "synthese-rencontre-2019.pdf").pages[0].extract_text() or ""
    assert "Document d’exemple" in cover and "Document de travail" not in cover
