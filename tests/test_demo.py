"""The demo event: every programme session has notes, and it builds cleanly."""

from __future__ import annotations

import re

import docx
from pypdf import PdfReader

from proceedings.build import collect
from proceedings.errors import Diagnostics
from proceedings.model import Turn

from .conftest import DEMO, Built

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
    synthesis = collect(DEMO, diag).synthesis
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
    formats = {n.note.format for n in synthesis.notes}
    assert formats == {
        "markdown",
        "texte",
        "word",
        "libreoffice",
        "html",
        "webvtt",
        "srt",
        "whisper",
    }
    encodings = {n.note.encoding for n in synthesis.notes}
    assert {"windows-1252", "utf-8 (avec BOM)"} <= encodings
    assert sum(n.note.words for n in synthesis.notes) > 8000
    assert sum(len(n.proposals) for n in synthesis.notes) >= 15
    assert sum(len(n.quotes) for n in synthesis.notes) >= 40


def test_no_turn_or_quotation_is_given_to_a_real_person() -> None:
    synthesis = collect(DEMO, Diagnostics()).synthesis
    for content in synthesis.notes:
        for item in content.items:
            if isinstance(item, Turn):
                assert item.speaker.person is None, (content.note.path, item.speaker)
        for quote in content.quotes:
            assert quote.speaker is None or quote.speaker.person is None, quote


def test_demo_builds_with_every_session_in_order(demo_built: Built) -> None:
    assert demo_built.diagnostics == ()
    result = demo_built.result
    assert result.synthesis is not None
    titles = [c.session.titre for c in result.synthesis.sessions]
    document = docx.Document(str(demo_built.out / "synthese.docx"))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    plain = [re.sub(r"[\s\u00a0\u202f]+", " ", h) for h in headings]
    expected = [re.sub(r"\s+", " ", t.replace("'", "’")) for t in titles]
    assert [h for h in plain if h in expected] == expected  # every session, in order
    reader = PdfReader(str(demo_built.out / "synthese.pdf"))
    assert len(reader.pages) > 20
    assert "Document d’exemple" in (reader.pages[0].extract_text() or "")


def test_the_demo_binaries_are_what_their_sources_make() -> None:
    """The demo's Word and LibreOffice notes are made from scripts/demo/ (make
    demo-binaires): a source edited without regenerating them, or the reverse, fails."""
    import subprocess
    import sys

    root = DEMO.parent
    done = subprocess.run(
        [sys.executable, str(root / "scripts" / "make_demo_binaries.py"), "--verifier"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "4 binaires conformes à leurs sources\n"
