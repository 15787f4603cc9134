"""Shared fixtures: a tiny event (two sessions, a Markdown and a text note) in tmp_path; the
demo and the tiny event built once for the whole run, for the tests that only read what a
build wrote; and their notes' analyses, for the tests whose subject is not the analysis."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from proceedings.build import CACHE, BuildResult, build
from proceedings.errors import Diagnostic, Diagnostics

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "transcripts"
TEMPLATES = ROOT / "templates"

TINY_PROGRAMME = """\
exemple: true
reseau: Réseau de test
edition: 1
titre: Rencontre d'essai
theme: Essayons ensemble !
date: 2020-03-12
debut: "09:00"
fin: "12:00"
lieu: Salle des fêtes
adresse: 1, place de la Mairie, 35000 Rennes
organisateur: Association d'essai
introduction: |
  Une introduction avec une référence[^rapport].

references:
  - id: rapport
    texte: Rapport d'essai (2019).
sessions:
  - id: ouverture
    type: ouverture
    debut: "09:00"
    fin: "09:30"
    titre: Ouverture de la matinée
    intervenants:
      - nom: Alice MARTIN
        role: Présidente
        organisation: Association d'essai
  - id: ateliers
    type: ateliers
    debut: "09:30"
    fin: "12:00"
    titre: Ateliers du matin
    ateliers:
      - id: mobilite
        titre: Atelier mobilité
        partenaires: [Réseau Mobilité]
"""

OPENING_NOTE = """\
---
rapporteur: Jeanne Rapporteuse
type: notes
statut: relu
---
## Ce qu'il faut retenir

- La co-construction demande du temps.
- Les élus veulent des preuves.

## Échanges

Une élue : « Nous avons besoin d'outils simples. »
"""

WORKSHOP_NOTE = """\
Atelier mobilité

Un participant : il faut des navettes partagées.

- Proposition : une plateforme de covoiturage locale.
"""


def write_tiny_event(root: Path) -> Path:
    (root / "ouverture").mkdir(parents=True)
    (root / "ateliers" / "mobilite").mkdir(parents=True)
    (root / "programme.yaml").write_text(TINY_PROGRAMME, encoding="utf-8")
    (root / "ouverture" / "notes.md").write_text(OPENING_NOTE, encoding="utf-8")
    (root / "ateliers" / "mobilite" / "notes.txt").write_text(WORKSHOP_NOTE, encoding="utf-8")
    return root


@pytest.fixture
def tiny_event(tmp_path: Path) -> Path:
    return write_tiny_event(tmp_path / "evenement")


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    target = tmp_path / "transcripts"
    shutil.copytree(DEMO, target)
    return target


# -- the order of the test files ----------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files first, so that pytest-xdist (``--dist loadfile``, which hands a
    file to whichever worker is free, in this order when ``--no-loadscope-reorder`` keeps it)
    does not start a long file last: files slow as a whole (``pytestmark`` has ``lent``),
    then files by their number of slow tests, then the others, each group in its usual
    order."""

    def slow_file(item: pytest.Item) -> bool:
        marks = getattr(getattr(item, "module", None), "pytestmark", [])
        return any(m.name == "lent" for m in (marks if isinstance(marks, list) else [marks]))

    slow: dict[str, int] = {}
    whole: dict[str, bool] = {}
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        slow[path] = slow.get(path, 0) + (item.get_closest_marker("lent") is not None)
        whole[path] = whole.get(path, False) or slow_file(item)
    position = {path: i for i, path in enumerate(slow)}
    items.sort(
        key=lambda item: (
            not whole[path := item.nodeid.split("::", 1)[0]],
            -slow[path],
            position[path],
        )
    )


# -- built once for the whole run -------------------------------------------------------------


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """What ``make`` returns, made once in the whole run: the first test process that asks
    makes it in a folder all the processes share (pytest-xdist's workers have one base
    folder each, under a common one), under a lock; the others wait and read the value back.
    ``make`` gets an empty folder and returns a picklable value; if it fails, nothing is kept
    and the next test that asks tries again (and fails the same way)."""
    base = factory.getbasetemp()
    shared = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base
    folder = shared / f"commun-{name}"
    with (shared / f"commun-{name}.verrou").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / "valeur.pickle"
        if done.is_file():
            value: T = pickle.loads(done.read_bytes())
            return value
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        value = make(folder)
        done.write_bytes(pickle.dumps(value))  # last: the value is there only when whole
        return value


@dataclass(frozen=True)
class Built:
    """An event built once for the run: read its outputs, never write into them."""

    event: Path
    out: Path
    result: BuildResult
    diagnostics: tuple[Diagnostic, ...]

    def analyses(self) -> Path:
        return self.out / CACHE


def _built(event: Callable[[Path], Path], formats: tuple[str, ...]) -> Callable[[Path], Built]:
    def make(folder: Path) -> Built:
        source = event(folder)
        diag = Diagnostics()
        result = build(source, folder / "sortie", formats, diag)
        return Built(source, folder / "sortie", result, tuple(diag))

    return make


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The demo (transcripts/, read in place) built once, as DOCX and PDF: what the tests
    that read it need (HTML and fiches are read back on the tiny event's build)."""
    return made_once(tmp_path_factory, "demo", _built(lambda _: DEMO, ("docx", "pdf")))


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The tiny event built once: DOCX, PDF, HTML and the fiches."""
    return made_once(
        tmp_path_factory,
        "petit",
        _built(lambda f: write_tiny_event(f / "evenement"), ("docx", "pdf", "html", "fiches")),
    )


@pytest.fixture(scope="session")
def analysed(tiny_built: Built, demo_built: Built) -> Callable[[Path], Path]:
    """Puts the analyses of the tiny event's and the demo's notes into an output folder
    before a build, for tests whose subject is not the analysis: the build then neither
    loads the model nor analyses those notes again (the cache is keyed by content, so a
    note a test changes is analysed as usual)."""

    def seed(out: Path) -> Path:
        for built in (tiny_built, demo_built):
            shutil.copytree(built.analyses(), out / CACHE, dirs_exist_ok=True)
        return out

    return seed
