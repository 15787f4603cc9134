"""End to end: the tiny event built into DOCX, PDF and HTML, each read back."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from proceedings.build import build
from proceedings.errors import Diagnostics, ProceedingsError

from .conftest import TEMPLATES

SESSION_TITLES = ["Ouverture de la matinée", "Ateliers du matin"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import write_tiny_event

    root = tmp_path_factory.mktemp("build")
    event = write_tiny_event(root / "evenement")
    diag = Diagnostics()
    build(event, root / "sortie", ("docx", "pdf", "html"), diag)
    assert list(diag) == []
    return root / "sortie"


def test_master_is_kept_for_inspection(built: Path) -> None:
    master = (built / "synthese.md").read_text(encoding="utf-8")
    assert master.startswith('---\ntitle: "1^re^ Rencontre d’essai"\n')
    assert "[^rapport]: Rapport d’essai (2019)." in master
    assert "**Une élue**\u00a0: «\u00a0Nous avons besoin d’outils simples.\u00a0»" in master


def test_docx_has_cover_and_sessions_in_programme_order(built: Path) -> None:
    document = docx.Document(str(built / "synthese.docx"))
    styles = [(p.style.name, p.text) for p in document.paragraphs if p.style is not None]
    assert styles[:3] == [
        ("Couverture réseau", "Réseau de test"),
        ("Title", "1re Rencontre d’essai"),
        ("Subtitle", "«\u00a0Essayons ensemble\u202f!\u00a0»"),
    ]
    cover = [text for style, text in styles if style in ("Date", "Couverture détails")]
    assert cover == [
        "Jeudi 12 mars 2020",
        "1re édition",
        "De 9\u00a0h à 12\u00a0h",
        "Salle des fêtes, 1, place de la Mairie, 35000 Rennes",
        "Organisation\u00a0: Association d’essai",
    ]
    assert any(
        style == "Bandeau exemple" and "Document d’exemple" in text for style, text in styles
    )
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings == ["La Rencontre", "Le programme en un coup d’œil", *SESSION_TITLES, "Index"]
    assert [t for s, t in styles if s == "Heading 2"] == [
        "Ce qu’il faut retenir",
        "Atelier mobilité",
        "Thèmes",
        "Mots-clés",
    ]
    props = document.core_properties
    assert props.title == "1re Rencontre d’essai — Essayons ensemble\u202f!"
    assert props.language == "fr-FR"
    assert props.created is not None and props.created.year == 2020
    xml = document.element.xml
    assert "w:instr" in xml or "instrText" in xml  # the table of contents field


def test_docx_footnote_holds_the_reference(built: Path) -> None:
    import zipfile

    with zipfile.ZipFile(built / "synthese.docx") as z:
        notes = z.read("word/footnotes.xml").decode("utf-8")
    assert "Rapport d’essai (2019)." in notes


def test_pdf_has_pages_title_sessions_and_metadata(built: Path) -> None:
    reader = PdfReader(str(built / "synthese.pdf"))
    assert len(reader.pages) >= 4
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Rencontre d’essai" in flat
    assert "Document d’exemple" in flat
    positions = [flat.rfind(title) for title in SESSION_TITLES]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert reader.metadata is not None
    assert reader.metadata.title == "1re Rencontre d’essai — Essayons ensemble\u202f!"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert SESSION_TITLES[0] in outline


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2"):
            self._in = tag
            self.headings.append("")
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append((tag, name, value))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.headings[-1] += data


def test_html_is_self_contained_with_headings(built: Path) -> None:
    html = (built / "synthese.html").read_text(encoding="utf-8")
    parser = _Html()
    parser.feed(html)
    headings = [h.strip() for h in parser.headings]
    for title in SESSION_TITLES:
        assert title in headings
    assert '<html lang="fr' in html
    external = [
        u
        for u in parser.urls
        if u[0] in ("script", "link", "img", "source", "iframe")
        and not u[2].startswith(("data:", "#"))
    ]
    assert external == []
    assert "<script src=" not in html
    assert "Document d’exemple" in html


def test_failed_export_leaves_previous_documents_whole(built: Path, tmp_path: Path) -> None:
    from .conftest import write_tiny_event

    out = tmp_path / "sortie"
    shutil.copytree(built, out)
    before = {p.name: p.read_bytes() for p in out.glob("synthese.*")}
    broken = tmp_path / "gabarits"
    shutil.copytree(TEMPLATES, broken)
    (broken / "synthese.typ").write_text("#let x = (\n$body$\n", encoding="utf-8")
    with pytest.raises(ProceedingsError) as info:
        build(write_tiny_event(tmp_path / "ev"), out, ("pdf",), Diagnostics(), broken)
    assert "typst" in str(info.value)
    after = {p.name: p.read_bytes() for p in out.glob("synthese.*")}
    assert after["synthese.pdf"] == before["synthese.pdf"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_same_inputs_give_the_same_bytes(built: Path, tmp_path: Path) -> None:
    from .conftest import write_tiny_event

    again = tmp_path / "sortie"
    build(write_tiny_event(tmp_path / "evenement"), again, ("docx", "pdf", "html"), Diagnostics())
    for name in ("synthese.md", "synthese.docx", "synthese.pdf", "synthese.html"):
        assert (again / name).read_bytes() == (built / name).read_bytes(), name
