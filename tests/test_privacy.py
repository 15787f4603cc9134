"""Anonymous publication: hidden names appear in no output file, in any form."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from proceedings.build import build
from proceedings.errors import Diagnostics

from .conftest import TINY_PROGRAMME, write_tiny_event

HIDDEN = [
    "Alice",
    "MARTIN",
    "Martin",
    "Jean Dupont",
    "Dupont",
    "Zoé Lefèvre",
    "Lefèvre",
    "Lefevre",
    "Paul",
]


def output_texts(out: Path) -> dict[str, str]:
    """The text of every output file: DOCX parts, PDF text and metadata, the rest as is."""
    texts = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = path.relative_to(out).as_posix()
        if name.startswith(".cache/") or name == ".verrou":
            continue
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                texts[name] = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        elif path.suffix == ".pdf":
            reader = PdfReader(str(path))
            texts[name] = " ".join(
                [*(p.extract_text() or "" for p in reader.pages), str(reader.metadata)]
            )
        elif path.suffix in (".png",):
            continue  # pixels: the charts' labels are checked in their SVG twins
        else:
            texts[name] = path.read_text(encoding="utf-8", errors="replace")
    return texts


@pytest.fixture(scope="module")
def hidden_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prive")
    event = write_tiny_event(root / "ev")
    (event / "programme.yaml").write_text(
        TINY_PROGRAMME.replace(
            "        organisation: Association d'essai\n",
            "        organisation: Association d'essai\n        anonyme: true\n",
        ),
        encoding="utf-8",
    )
    (event / "ouverture" / "verbatim.md").write_text(
        "---\nanonymes: [Jean Dupont]\n---\n"
        "Alice MARTIN : Bienvenue à tous, merci d’être venus.\n\n"
        "Comme l’a rappelé Mme Martin, puis A. Martin et alice martin, tout commence ici.\n\n"
        "Jean Dupont : Je confirme.\n\nDupont : Et j’insiste sur le rôle des élus.\n",
        encoding="utf-8",
    )
    (event / "ateliers" / "mobilite" / "echanges.vtt").write_text(
        "WEBVTT\n\n00:01.000 --> 00:04.000\n<v Zoé Lefèvre>Bonjour, je suis Zoé Lefèvre.</v>\n\n"
        "00:04.000 --> 00:06.000\n<v Paul>Bonjour Zoé Lefevre.</v>\n",
        encoding="utf-8",
    )
    programme = (event / "programme.yaml").read_text(encoding="utf-8")
    (event / "programme.yaml").write_text(
        programme.replace(
            "    titre: Ateliers du matin\n", "    titre: Ateliers du matin\n    anonyme: true\n"
        ),
        encoding="utf-8",
    )
    out = root / "sortie"
    build(event, out, ("docx", "pdf", "html", "fiches"), Diagnostics())
    return out


def test_hidden_names_appear_in_no_output(hidden_build: Path) -> None:
    texts = output_texts(hidden_build)
    assert {
        "synthese.md",
        "synthese.docx",
        "synthese.pdf",
        "synthese.html",
        "mots-cles.json",
        "mots-cles.csv",
        "bilan-depot.html",
    } <= set(texts)
    leaks = [
        (name, word)
        for name, text in texts.items()
        for word in HIDDEN
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
    ]
    assert leaks == []


def test_pseudonyms_are_consistent(hidden_build: Path) -> None:
    master = (hidden_build / "synthese.md").read_text(encoding="utf-8")
    assert "**Présidente**" in master  # Alice MARTIN has a role: it replaces her name
    assert "Comme l’a rappelé Présidente, puis Présidente et Présidente" in master
    assert master.count("**Intervenant·e 1**") >= 1  # Jean Dupont, in order of appearance
    assert "Intervenant·e 2" in master  # Zoé Lefèvre, of the anonymous session
    assert "Paul" not in master  # a voice of the anonymous session, however short
    assert "Intervenant·e 3" in master
