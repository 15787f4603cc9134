"""The demo event: every programme session has notes, and it builds cleanly."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from pypdf import PdfReader

from proceedings.build import build, collect
from proceedings.errors import Diagnostics

from .conftest import DEMO

# Real people named in the programme: the demo notes never quote them directly.
REAL_PEOPLE = [
    "Bevort",
    "Gourault",
    "Laville",
    "Jahshan",
    "Valade",
    "Caron",
    "Rossat-Mignod",
    "Heidsieck",
    "Belemlih",
    "Raineix",
]


def test_every_session_has_a_note_and_nothing_is_reported() -> None:
    diag = Diagnostics()
    synthesis = collect(DEMO, diag)
    assert [str(d) for d in diag] == []
    assert all(content.notes for content in synthesis.sessions)
    workshops = next(c for c in synthesis.sessions if c.session.id == "ateliers")
    assert [g.id for g in workshops.groups] == [
        "",
        "convergences",
        "estelling",
        "fidarec",
        "kimso",
        "revelateurs-richesses-immaterielles",
        "social-value-france",
    ]
    formats = {n.format for n in synthesis.notes}
    assert formats == {"markdown", "texte"}
    assert sum(n.words for n in synthesis.notes) > 8000


def test_no_direct_quotation_is_given_to_a_real_person() -> None:
    for path in sorted(DEMO.rglob("*")):
        if path.suffix not in (".md", ".txt"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in REAL_PEOPLE:
                # a speaker label ("Nom :") or a name right before a quotation
                label = re.search(rf"{name}\w*\**\s*[:—-]\s*«", line, re.IGNORECASE)
                assert label is None, f"{path}:{number}: citation attribuée à {name}"


def test_demo_builds_with_every_session_in_order(tmp_path: Path) -> None:
    diag = Diagnostics()
    result = build(DEMO, tmp_path, ("docx", "pdf"), diag)
    assert list(diag) == []
    titles = [c.session.titre for c in result.synthesis.sessions]
    document = docx.Document(str(tmp_path / "synthese.docx"))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    plain = [re.sub(r"[\s\u00a0\u202f]+", " ", h) for h in headings[2:]]
    assert plain == [re.sub(r"\s+", " ", t.replace("'", "’")) for t in titles]
    reader = PdfReader(str(tmp_path / "synthese.pdf"))
    assert len(reader.pages) > 20
    assert "Document d’exemple" in (reader.pages[0].extract_text() or "")
