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

from .conftest import TEMPLATES, Built

SESSION_TITLES = ["Ouverture de la matinée", "Ateliers du matin"]


@pytest.fixture(scope="module")
def built(tiny_built: Built) -> Path:
    assert tiny_built.diagnostics == ()
    return tiny_built.out


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
        "En partenariat avec Réseau Mobilité",
    ]
    assert any(
        style == "Bandeau exemple" and "Document d’exemple" in text for style, text in styles
    )
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings == [
        "La Rencontre",
        "La Rencontre en chiffres",
        "Le programme en un coup d’œil",
        *SESSION_TITLES,
        "En synthèse, que proposons-nous ensemble\u202f?",
        "Annexes",
    ]
    assert [t for s, t in styles if s == "Heading 2"] == [
        "Échanges",
        "Atelier mobilité",
        "Autres propositions",
        "Index des thèmes et des mots-clés",
        "Rapporteurs et contributeurs",
        "Partenaires",
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


def test_docx_contents_headers_watermark_and_image_alt_texts(built: Path) -> None:
    import zipfile

    document = docx.Document(str(built / "synthese.docx"))
    body = document.element.body.xml
    entries = toc_entries(document)
    assert [(level, text) for level, text, _ in entries[:4]] == [
        (1, "La Rencontre"),
        (1, "La Rencontre en chiffres"),
        (1, "Le programme en un coup d’œil"),
        (1, "Ouverture de la matinée"),
    ]
    assert (2, "Atelier mobilité") in [(lv, t) for lv, t, _ in entries]
    assert all(page.isdigit() for _, _, page in entries)  # filled: no field to refresh
    bookmarks = set(re.findall(r'w:bookmarkStart [^>]*w:name="([^"]+)"', body))
    anchors = re.findall(r'<w:hyperlink [^>]*w:anchor="([^"]+)"', body)
    assert anchors and set(anchors) <= bookmarks
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert "1re Rencontre d’essai" in section.header.paragraphs[0].text
    with zipfile.ZipFile(built / "synthese.docx") as z:
        headers = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
        footers = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert 'string="Document de travail"' in headers  # a draft: the tiny notes are « relu »
    assert "PAGE" in footers and "NUMPAGES" in footers
    descriptions = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', body)
    assert descriptions and all(d.strip() for d in descriptions)
    assert any(d.startswith("Carte de chaleur") or "thème" in d for d in descriptions)
    assert document.core_properties.keywords


def toc_entries(document: docx.document.Document) -> list[tuple[int, str, str]]:
    """(level, heading, page) of each entry of the table of contents, read in its XML."""
    from docx.oxml.ns import qn

    entries = []
    for sdt in document.element.body.iter(qn("w:sdt")):
        for p in sdt.iter(qn("w:p")):
            style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            name = style.get(qn("w:val")) if style is not None else ""
            if not name.lower().startswith("toc") or not name[-1:].isdigit():
                continue
            texts = "".join(t.text or "" for t in p.iter(qn("w:t")))
            runs = [t.text or "" for t in p.iter(qn("w:t"))]
            entries.append(
                (int(name[-1]), texts[: len(texts) - len(runs[-1])].strip(), runs[-1].strip())
            )
    return entries


def test_pdf_is_accessible_with_outline_metadata_and_language(built: Path) -> None:
    reader = PdfReader(str(built / "synthese.pdf"))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr-FR"
    assert "/StructTreeRoot" in root  # tagged PDF
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp and ">1<" in xmp.split("pdfuaid:part")[1][:10]
    assert reader.metadata is not None
    assert reader.metadata.author == "Association d’essai"
    assert "/Keywords" in reader.metadata
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[:3] == [
        "La Rencontre",
        "La Rencontre en chiffres",
        "Le programme en un coup d’œil",
    ]
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Document de travail" in text  # the draft watermark


def test_html_anchors_and_alt_texts(built: Path) -> None:
    html = (built / "synthese.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and targets <= ids  # every internal link leads somewhere
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', html)
    assert alts and all(a.strip() for a in alts)
    assert any(a.startswith("Carte de chaleur") or "thème" in a for a in alts)
    assert "Document de travail" in html


def test_one_fiche_per_session_with_notes(built: Path) -> None:
    fiches = sorted((built / "fiches").glob("*.pdf"))
    assert [f.name for f in fiches] == ["01-ouverture.pdf", "02-ateliers.pdf"]
    reader = PdfReader(str(fiches[1]))
    assert 1 <= len(reader.pages) <= 3
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Ateliers du matin" in text
    assert "FICHEDESESSION" in text.replace(" ", "").upper()
    assert reader.metadata is not None and "Ateliers du matin" in (reader.metadata.title or "")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) absent")
def test_libreoffice_opens_the_docx(built: Path, tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(built / "synthese.docx"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reader = PdfReader(str(tmp_path / "synthese.pdf"))
    assert len(reader.pages) >= 4
    contents = reader.pages[1].extract_text() or ""
    assert "Ouverture de la matinée" in contents and "Annexes" in contents


@pytest.mark.lent
def test_jobs_give_the_same_documents(built: Path, tmp_path: Path) -> None:
    """With --jobs 2 (analysis processes started early, figures written apart, conversions
    side by side), the documents are byte for byte those of --jobs 1."""
    diag = Diagnostics()
    build(built.parent / "evenement", tmp_path, ("docx", "pdf", "html", "fiches"), diag, jobs=2)
    assert list(diag) == []
    names = ["synthese.docx", "synthese.pdf", "synthese.html", "synthese.md"]
    names += [str(p.relative_to(built)) for p in sorted((built / "fiches").glob("*.pdf"))]
    names += [str(p.relative_to(built)) for p in sorted((built / ".travail" / "figures").glob("*"))]
    assert len(names) > 6
    for name in names:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name
