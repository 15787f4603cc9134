"""Shared fixtures: a tiny event (two sessions, a Markdown and a text note) in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
