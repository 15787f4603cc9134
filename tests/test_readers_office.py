"""Word, LibreOffice, RTF, legacy Word and web pages: what each reader extracts, from files
the tests write (python-docx writes the .docx, pandoc writes the .odt, .rtf and .html)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pypandoc
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Note, NoteStatus
from proceedings.read.readers import office

MARKDOWN = """\
## Atelier mobilité

Un participant : « Il faut des navettes partagées entre les communes. »[^1]

- premier point **important**
- second point *nuancé*

| Indicateur | Limite |
|---|---|
| Trajets évités | Déclaratif |

[^1]: Propos recueilli en fin d’atelier.
"""


def pandoc_file(tmp_path: Path, fmt: str, suffix: str, text: str = MARKDOWN) -> bytes:
    target = tmp_path / f"note{suffix}"
    pypandoc.convert_text(
        text, fmt, format="markdown", outputfile=str(target), extra_args=["--standalone"]
    )
    return target.read_bytes()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (11, 92, 107)).save(buffer, format="PNG")
    return buffer.getvalue()


def _holding(tag: str, words: str) -> Any:
    """A Word element (an insertion, a hyperlink) holding one run of text."""
    element = OxmlElement(tag)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = words
    run.append(text)
    element.append(run)
    return element


def word_document(tmp_path: Path) -> bytes:
    """A .docx as Word writes it: heading, emphasis, list, table, image, comment and
    tracked changes (an insertion and a deletion)."""
    document = docx.Document()
    document.core_properties.author = "Léa Roux"
    document.core_properties.content_status = "Relu"
    document.add_heading("Atelier mobilité", level=2)
    p = document.add_paragraph("Un participant : ")
    p.add_run("les navettes").bold = True
    p.add_run(" sont ")
    p.add_run("indispensables").italic = True
    p.add_run(".")
    document.add_comment(p.runs[1], text="À vérifier avec l’élue", author="Relecteur")
    tracked = document.add_paragraph("La commune ")
    ins = _holding("w:ins", "finance désormais")
    ins.set(qn("w:id"), "1")
    ins.set(qn("w:author"), "Relecteur")
    ins.set(qn("w:date"), "2019-06-27T10:00:00Z")
    tracked._p.append(ins)
    deleted = OxmlElement("w:del")
    deleted.set(qn("w:id"), "2")
    deleted.set(qn("w:author"), "Relecteur")
    deleted.set(qn("w:date"), "2019-06-27T10:00:00Z")
    run = OxmlElement("w:r")
    text = OxmlElement("w:delText")
    text.text = " refuse de financer"
    run.append(text)
    deleted.append(run)
    tracked._p.append(deleted)
    tracked.add_run(" le service.")
    document.add_paragraph("premier point", style="List Bullet")
    document.add_paragraph("second point", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for cell, value in zip(
        table._cells, ["Indicateur", "Limite", "Trajets évités", "Déclaratif"], strict=True
    ):
        cell.text = value
    image = tmp_path / "logo.png"
    image.write_bytes(png())
    document.add_picture(str(image))
    target = tmp_path / "note.docx"
    document.save(str(target))
    return target.read_bytes()


def read(reader, data: bytes, name: str) -> Note:  # type: ignore[no-untyped-def]
    return reader(data, name, f"ev/{name}", Diagnostics())


def summary(note: Note) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, b.text) for b in note.blocks if b.kind != "table"]


def test_docx_written_by_python_docx(tmp_path: Path) -> None:
    note = read(office.read_docx, word_document(tmp_path), "note.docx")
    assert note.format == "word"
    assert note.meta.rapporteur == "Léa Roux"
    assert note.meta.statut is NoteStatus.RELU
    assert summary(note) == [
        ("heading", 2, "Atelier mobilité"),
        ("paragraph", 0, "Un participant : les navettes sont indispensables."),
        ("paragraph", 0, "La commune finance désormais le service."),  # changes accepted
        ("item", 0, "premier point"),
        ("item", 0, "second point"),
        ("image", 0, ""),
    ]
    spans = note.blocks[1].spans
    assert [(s.text, s.strong, s.emph) for s in spans] == [
        ("Un participant : ", False, False),
        ("les navettes", True, False),
        (" sont ", False, False),
        ("indispensables", False, True),
        (".", False, False),
    ]
    assert "À vérifier" not in " ".join(b.text for b in note.blocks)  # comment left out
    (table,) = [b for b in note.blocks if b.kind == "table"]
    assert [[c[0].text for c in row] for row in table.rows] == [
        ["Indicateur", "Limite"],
        ["Trajets évités", "Déclaratif"],
    ]
    (image,) = note.media
    assert image.name == "image1.png" and image.data == png()
    assert note.blocks[-1].media == "image1.png"


def test_docx_footnote_written_by_pandoc(tmp_path: Path) -> None:
    note = read(office.read_docx, pandoc_file(tmp_path, "docx", ".docx"), "note.docx")
    footnotes = [s.text for b in note.blocks for s in b.spans if s.footnote]
    assert footnotes == ["Propos recueilli en fin d’atelier."]
    assert note.blocks[1].text == (
        "Un participant : « Il faut des navettes partagées entre les communes. »"
    )


@pytest.mark.parametrize(
    ("fmt", "suffix", "reader", "name"),
    [
        ("odt", ".odt", office.read_odt, "libreoffice"),
        ("rtf", ".rtf", office.read_rtf, "rtf"),
        ("html", ".html", office.read_html, "html"),
    ],
)
def test_documents_written_by_pandoc(
    tmp_path: Path,
    fmt: str,
    suffix: str,
    reader,  # type: ignore[no-untyped-def]
    name: str,
) -> None:
    note = read(reader, pandoc_file(tmp_path, fmt, suffix), f"note{suffix}")
    assert note.format == name
    kinds = summary(note)
    assert ("heading", 2, "Atelier mobilité") in kinds
    assert ("item", 0, "premier point important") in kinds
    assert any(b.kind == "table" for b in note.blocks)
    footnotes = [s.text for b in note.blocks for s in b.spans if s.footnote]
    if fmt == "odt":  # pandoc's RTF reader and HTML writer do not round-trip footnotes
        assert footnotes == ["Propos recueilli en fin d’atelier."]


def test_pad_export_lines_are_paragraphs_and_scripts_are_dropped() -> None:
    page = (
        '<!DOCTYPE html><html><head><title>Pad</title><meta name="author" '
        "content=\"Marc Roy\"><script>alert('x')</script><style>p{}</style></head><body>"
        "Première ligne<br>Une élue : « Nous voulons des preuves simples. »<br>"
        "<ul><li>Proposition : créer un fonds</li></ul><script>steal()</script>"
        "</body></html>"
    )
    note = read(office.read_html, page.encode(), "pad.html")
    assert [b.text for b in note.blocks] == [
        "Première ligne",
        "Une élue : « Nous voulons des preuves simples. »",
        "Proposition : créer un fonds",
    ]
    assert note.meta.rapporteur == "Marc Roy"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) absent")
def test_legacy_word_converted_by_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "note.docx"
    source.write_bytes(word_document(tmp_path))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    data = (tmp_path / "note.doc").read_bytes()
    note = read(office.read_doc, data, "note.doc")
    assert note.format == "word-97"
    assert note.conversions == ("converti de .doc en .docx par LibreOffice",)
    assert "La commune finance désormais le service." in [b.text for b in note.blocks]


def test_legacy_word_without_libreoffice_asks_for_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(SourceError) as info:
        read(office.read_doc, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "vieux.doc")
    assert str(info.value) == (
        "ev/vieux.doc: ancien format Word (.doc) : LibreOffice n’est pas installé pour le "
        "convertir ; ouvrez le fichier dans Word ou LibreOffice et enregistrez-le au format "
        ".docx"
    )


def broken_zip(tmp_path: Path) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    return data.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: b"ceci n'est pas un document Word",
            "ev/note.docx: document Word (.docx) endommagé ou tronqué : ce n’est pas une archive "
            "valide",
        ),
        (
            lambda p: word_document(p)[:2000],
            "ev/note.docx: document Word (.docx) endommagé ou tronqué : ce n’est pas une archive "
            "valide",
        ),
        (
            broken_zip,
            "ev/note.docx: document Word (.docx) incomplet : la partie « word/document.xml » "
            "manque",
        ),
        (
            lambda p: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "ev/note.docx: ce fichier n’est pas un document Word (.docx) : il est protégé par mot "
            "de passe ou au format Word 97-2003 ; ouvrez-le et enregistrez-le sans mot de passe au "
            "format .docx",
        ),
        (lambda p: b"", "ev/note.docx: document Word (.docx) vide (0 octet)"),
    ],
)
def test_bad_word_files_give_clear_messages(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SourceError) as info:
        read(office.read_docx, make(tmp_path), "note.docx")
    assert str(info.value) == message


def test_rtf_that_is_not_rtf() -> None:
    with pytest.raises(SourceError) as info:
        read(office.read_rtf, b"Bonjour", "note.rtf")
    assert str(info.value) == (
        "ev/note.rtf:1: ce fichier n’est pas au format RTF (en-tête « {\\rtf » absent)"
    )


def test_odt_tracked_changes_are_accepted(tmp_path: Path) -> None:
    """An insertion kept, a deletion dropped, as LibreOffice records them in content.xml."""
    original = pandoc_file(tmp_path, "odt", ".odt", "La commune XX le service.\n")
    region = (
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
        "<office:change-info><dc:creator>R</dc:creator><dc:date>2019-06-27T10:00:00"
        "</dc:date></office:change-info><text:p>refuse de financer</text:p></text:deletion>"
        '</text:changed-region><text:changed-region text:id="ct2"><text:insertion>'
        "<office:change-info><dc:creator>R</dc:creator><dc:date>2019-06-27T10:00:00"
        "</dc:date></office:change-info></text:insertion></text:changed-region>"
        "</text:tracked-changes>"
    )
    changed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(changed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content.xml":
                xml = data.decode("utf-8").replace("<office:text>", "<office:text>" + region, 1)
                xml = xml.replace(
                    "XX",
                    '<text:change text:change-id="ct1"/><text:change-start '
                    'text:change-id="ct2"/>finance désormais<text:change-end '
                    'text:change-id="ct2"/>',
                )
                if 'xmlns:dc="' not in xml[:2000]:
                    xml = xml.replace(
                        "<office:document-content ",
                        '<office:document-content xmlns:dc="http://purl.org/dc/elements/1.1/" ',
                        1,
                    )
                data = xml.encode("utf-8")
            dst.writestr(info, data)
    note = read(office.read_odt, changed.getvalue(), "note.odt")
    assert [b.text for b in note.blocks] == ["La commune finance désormais le service."]


@pytest.mark.parametrize(
    ("author", "rapporteur"),
    [("Léa Roux", "Léa Roux"), ("sam2", ""), ("DDT 35", ""), ("Windows User", "")],
)
def test_the_author_property_is_a_rapporteur_only_when_it_names_a_person(
    author: str, rapporteur: str
) -> None:
    document = docx.Document()
    document.core_properties.author = author
    document.add_paragraph("Une note de séance.")
    buffer = io.BytesIO()
    document.save(buffer)
    note = office.read_docx(buffer.getvalue(), "n.docx", "ev/n.docx", Diagnostics())
    assert note.meta.rapporteur == rapporteur
    refused = [c for c in note.conversions if "non retenu comme rapporteur" in c]
    expected = (
        []
        if rapporteur or author == "Windows User"
        else [f"auteur du document non retenu comme rapporteur : « {author} »"]
    )
    assert refused == expected


def test_word_title_nested_tables_links_and_numbers_are_kept() -> None:
    """What Word minutes hold and was once lost: the Title paragraph, a table inside a
    table cell (a building permit's details), a hyperlink, the numbers of a list."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    document = docx.Document()
    document.add_paragraph("Compte rendu du conseil municipal", style="Title")
    document.add_heading("Permis de construire", level=1)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Dossier", "Détail"
    table.cell(1, 0).text = "PC 22 001"
    inner = table.cell(1, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Demandeur", "M. Durand"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "Objet", "Extension d’une grange"
    paragraph = document.add_paragraph("Voir le ")
    r_id = document.part.relate_to(
        "https://exemple.org/deliberation", RELATIONSHIP_TYPE.HYPERLINK, is_external=True
    )
    link = _holding("w:hyperlink", "texte de la délibération")
    link.set(qn("r:id"), r_id)
    paragraph._p.append(link)
    for i in range(3):
        document.add_paragraph(f"point {i + 1}", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    note = office.read_docx(buffer.getvalue(), "n.docx", "ev/n.docx", Diagnostics())
    kinds = [(b.kind, b.level, b.text) for b in note.blocks if b.kind != "table"]
    assert kinds[:3] == [
        ("heading", 1, "Compte rendu du conseil municipal"),
        ("heading", 2, "Permis de construire"),
        ("paragraph", 0, "Voir le texte de la délibération"),
    ]
    (grid,) = [b for b in note.blocks if b.kind == "table"]
    cells = [["".join(s.text for s in cell) for cell in row] for row in grid.rows]
    assert cells == [
        ["Dossier", "Détail"],
        ["PC 22 001", "Demandeur : M. Durand ; Objet : Extension d’une grange"],
    ]
    linked = [(s.text, s.link) for b in note.blocks for s in b.spans if s.link]
    assert linked == [("texte de la délibération", "https://exemple.org/deliberation")]
    assert [(b.text, b.number) for b in note.blocks if b.kind == "item"] == [
        ("point 1", 1),
        ("point 2", 2),
        ("point 3", 3),
    ]
