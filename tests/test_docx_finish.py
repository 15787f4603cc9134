"""The DOCX finishing step (proceedings.export.docx_finish) on a DOCX that pandoc writes from
a small Markdown master with the project's reference document: cover, filled table of contents,
running header and footer, draft watermark, core properties; and, when LibreOffice is
installed, what its PDF shows."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypandoc
import pytest
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from proceedings.export.docx_finish import WATERMARK_TEXT, DocxFinish, finish

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "templates" / "reference.docx"
HEADER = "5e Rencontre des pionniers des alliances en territoire"
CREATED = dt.datetime(2019, 6, 26, 12, 0, 0)
LONG_ID = "un-identifiant-bien-trop-long-pour-un-signet-de-word"  # > 40 characters

# (level, text, explicit id): levels 1 and 2 are in the contents, level 3 is not.
HEADINGS = [
    (1, "La Rencontre", "presentation"),
    (2, "Les enjeux de la 5e édition", ""),
    (2, "Un atelier au titre assez long", LONG_ID),
    (1, "Le programme", ""),
    (2, "La matinée", ""),
    (3, "Un détail qui n’est pas au sommaire", ""),
    (2, "L’après-midi", ""),
    (1, "Conclusion", ""),
]
TOC = [(level, text) for level, text, _ in HEADINGS if level <= 2]
SENTENCE = (
    "Les participants ont partagé leurs pratiques d’évaluation et leurs questions sur la "
    "valorisation des alliances en territoire, entre collectivités, associations et "
    "entreprises. "
)
PARAGRAPH = SENTENCE * 5


def master() -> str:
    lines = [
        "---",
        'title: "5^e^ Rencontre des pionniers"',
        'subtitle: "« Ensemble, valorisons les territoires ! »"',
        'date: "Mercredi 26 juin 2019"',
        'author: "Réseau des pionniers"',
        "lang: fr-FR",
        'toc-title: "Sommaire"',
        "---",
        "",
    ]
    for level, text, ident in HEADINGS:
        heading = text.replace("5e", "5^e^")
        lines += ["#" * level + " " + heading + (f" {{#{ident}}}" if ident else ""), ""]
        lines += [PARAGRAPH, "", PARAGRAPH, "", PARAGRAPH, ""]
    return "\n".join(lines)


def spec(draft: bool) -> DocxFinish:
    return DocxFinish(
        title="5e Rencontre des pionniers",
        subject="Synthèse de la journée",
        author="Réseau des pionniers",
        keywords=("évaluation", "alliances"),
        network="Réseau des pionniers des alliances en territoire",
        cover=(("Couverture détails", "De 9 h à 17 h 30"), ("Bandeau exemple", "Exemple")),
        header=HEADER,
        draft=draft,
        created=CREATED,
    )


def pandoc_docx(target: Path, reference: Path | None = REFERENCE, toc: bool = True) -> Path:
    source = target.with_suffix(".md")
    source.write_text(master(), encoding="utf-8")
    args = [pypandoc.get_pandoc_path(), str(source), "-f", "markdown-smart", "-t", "docx"]
    if toc:
        args += ["--toc", "--toc-depth=2"]
    if reference is not None:
        args.append(f"--reference-doc={reference}")
    subprocess.run([*args, "-o", str(target)], check=True, capture_output=True)
    return target


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pandoc_docx(tmp_path_factory.mktemp("pandoc") / "raw.docx")


def finished(raw: Path, target: Path, draft: bool) -> Path:
    shutil.copyfile(raw, target)
    finish(target, spec(draft))
    return target


@pytest.fixture(scope="module")
def draft_docx(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished(raw, tmp_path_factory.mktemp("draft") / "brouillon.docx", True)


@pytest.fixture(scope="module")
def final_docx(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return finished(raw, tmp_path_factory.mktemp("final") / "definitif.docx", False)


def open_docx(path: Path) -> Document:
    return docx.Document(str(path))


def style_names(document: Document) -> dict[str, str]:
    return {s.style_id: s.name for s in document.styles}


def toc_sdt(document: Document):  # type: ignore[no-untyped-def]
    for sdt in document.element.body.iter(qn("w:sdt")):
        gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
        if gallery is not None and gallery.get(qn("w:val")) == "Table of Contents":
            return sdt
    raise AssertionError("no table of contents")


def toc_entries(document: Document) -> list[tuple[str, str, str, str]]:
    """(style name, text, anchor, cached page number) of each entry."""
    names = style_names(document)
    entries = []
    for p in toc_sdt(document).iter(qn("w:p")):
        link = p.find(qn("w:hyperlink"))
        if link is None:
            continue
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        texts = [t.text or "" for t in link.iter(qn("w:t"))]
        entries.append(
            (
                names.get(style.get(qn("w:val")), "") if style is not None else "",
                "".join(texts[:-1]),
                link.get(qn("w:anchor")),
                texts[-1],
            )
        )
    return entries


def part_xml(path: Path, prefix: str) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.startswith(prefix)}


# -- table of contents ----------------------------------------------------------------------


def test_toc_lists_the_headings_of_levels_1_and_2_in_order(final_docx: Path) -> None:
    entries = toc_entries(open_docx(final_docx))
    assert [(style, text) for style, text, _, _ in entries] == [
        (f"toc {level}", text) for level, text in TOC
    ]


def test_toc_entries_link_to_a_bookmark_of_their_heading(final_docx: Path) -> None:
    document = open_docx(final_docx)
    body = document.element.body
    bookmarks = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    headings = {
        "".join(t.text or "" for t in p.iter(qn("w:t"))): p
        for p in body.iter(qn("w:p"))
        if (p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None)
        and p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")).startswith("Heading")
    }
    for _, text, anchor, _ in toc_entries(document):
        assert bookmarks.count(anchor) == 1, anchor
        assert len(anchor) <= 40  # Word's limit
        heading = headings[text]
        inside = [b.get(qn("w:name")) for b in heading.iter(qn("w:bookmarkStart"))]
        before = []
        for sibling in heading.itersiblings(preceding=True):
            if sibling.tag != qn("w:bookmarkStart"):
                break
            before.append(sibling.get(qn("w:name")))
        assert anchor in inside + before, text
    anchors = {text: anchor for _, text, anchor, _ in toc_entries(document)}
    assert anchors["La Rencontre"] == "presentation"  # pandoc's, reused
    assert anchors["Un atelier au titre assez long"] != LONG_ID  # too long: a new one


def test_toc_keeps_the_field_for_word(final_docx: Path) -> None:
    sdt = toc_sdt(open_docx(final_docx))
    chars = [f.get(qn("w:fldCharType")) for f in sdt.iter(qn("w:fldChar"))]
    instructions = [(i.text or "").strip() for i in sdt.iter(qn("w:instrText"))]
    assert instructions[0] == 'TOC \\o "1-2" \\h \\z \\u'
    assert len(instructions) == 1 + len(TOC)
    assert all(re.fullmatch(r"PAGEREF \S+ \\h", i) for i in instructions[1:])
    # begin TOC, separate, (begin, separate, end) per entry, end TOC
    assert chars == ["begin", "separate", *["begin", "separate", "end"] * len(TOC), "end"]
    first = next(sdt.iter(qn("w:fldChar")))
    assert first.get(qn("w:dirty")) == "true"  # pandoc's: Word offers to update it
    assert next(sdt.iter(qn("w:p"))).find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None


def test_toc_entries_have_a_dot_leader_tab_and_page_numbers(final_docx: Path) -> None:
    document = open_docx(final_docx)
    for p in toc_sdt(document).iter(qn("w:p")):
        if p.find(qn("w:hyperlink")) is None:
            continue
        tab = p.find(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}")
        assert tab.get(qn("w:val")) == "right"
        assert tab.get(qn("w:leader")) == "dot"
        assert p.find(qn("w:hyperlink")).find(f"{qn('w:r')}/{qn('w:tab')}") is not None
    pages = [int(page) for _, _, _, page in toc_entries(document)]
    assert pages == sorted(pages)
    assert pages[0] == 3  # cover, contents, then the first heading (Heading 1: new page)


# -- cover ----------------------------------------------------------------------------------


def test_cover(final_docx: Path) -> None:
    document = open_docx(final_docx)
    names = [p.style.name if p.style is not None else "" for p in document.paragraphs]
    texts = [p.text for p in document.paragraphs]
    assert "Author" not in names
    assert names[:6] == [
        "Couverture réseau",
        "Title",
        "Subtitle",
        "Date",
        "Couverture détails",
        "Bandeau exemple",
    ]
    assert texts[0] == "Réseau des pionniers des alliances en territoire"
    assert texts[4:6] == ["De 9 h à 17 h 30", "Exemple"]
    # one page break after the cover: the contents' heading (based on Heading 1) starts a
    # page, so no break run is added (Word would show an empty page).
    last = document.paragraphs[5]._p
    breaks = [b for b in last.iter(qn("w:br")) if b.get(qn("w:type")) == "page"]
    contents = last.getnext()
    assert contents is toc_sdt(document)
    heading = next(contents.iter(qn("w:p")))
    assert "".join(t.text or "" for t in heading.iter(qn("w:t"))) == "Sommaire"
    style = document.styles.get_by_id(
        heading.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")), WD_STYLE_TYPE.PARAGRAPH
    )
    starts_page = False
    while style is not None and not starts_page:
        starts_page = bool(style.paragraph_format.page_break_before)
        style = style.base_style
    assert starts_page and not breaks


def test_cover_without_contents_ends_with_a_page_break(
    tmp_path: Path,
) -> None:
    path = pandoc_docx(tmp_path / "sans-sommaire.docx", toc=False)
    finish(path, spec(False))
    document = open_docx(path)
    last = document.paragraphs[5]
    assert last.text == "Exemple"
    assert any(b.get(qn("w:type")) == "page" for b in last._p.iter(qn("w:br")))


# -- header, footer, watermark --------------------------------------------------------------


def test_running_header_and_footer(final_docx: Path) -> None:
    document = open_docx(final_docx)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert [p.text for p in section.header.paragraphs] == [HEADER]
    assert section.header.paragraphs[0].style.style_id == "Header"
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""
    footer = "".join(i.text or "" for i in section.footer._element.iter(qn("w:instrText")))
    assert re.search(r"\bPAGE\b", footer) and "NUMPAGES" in footer
    first = "".join(
        i.text or "" for i in section.first_page_footer._element.iter(qn("w:instrText"))
    )
    assert "PAGE" not in first  # no page number on the cover


@pytest.mark.parametrize("draft", [True, False])
def test_watermark_only_on_drafts(draft_docx: Path, final_docx: Path, draft: bool) -> None:
    path = draft_docx if draft else final_docx
    document = open_docx(path)
    section = document.sections[0]
    for header in (section.header, section.first_page_header):
        xml = header._element.xml
        assert (f'string="{WATERMARK_TEXT}"' in xml) is draft
        if draft:
            shape = re.search(r"<v:shape [^>]*>", xml)
            assert shape is not None
            assert 'type="#_x0000_t136"' in shape.group(0)
            assert "rotation:315" in shape.group(0)
            assert 'fillcolor="silver"' in shape.group(0)
            assert re.search(r"z-index:-\d+", shape.group(0))  # behind the text
            assert "<v:textpath " in xml
    headers = part_xml(path, "word/header")
    assert len(headers) == 2
    assert all(("v:textpath" in xml) is draft for xml in headers.values())


# -- properties, determinism, robustness ----------------------------------------------------


def test_core_properties(final_docx: Path) -> None:
    props = open_docx(final_docx).core_properties
    assert props.title == "5e Rencontre des pionniers"
    assert props.subject == "Synthèse de la journée"
    assert props.author == "Réseau des pionniers"
    assert props.last_modified_by == "Réseau des pionniers"
    assert props.keywords == "évaluation, alliances"
    assert props.language == "fr-FR"
    assert props.created == CREATED.replace(tzinfo=dt.UTC)
    assert props.modified == CREATED.replace(tzinfo=dt.UTC)
    assert props.revision == 1


def test_same_input_same_output(raw: Path, draft_docx: Path, tmp_path: Path) -> None:
    again = finished(raw, tmp_path / "encore.docx", True)
    with zipfile.ZipFile(draft_docx) as a, zipfile.ZipFile(again) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_missing_styles_are_left_out(tmp_path: Path) -> None:
    """With pandoc's own reference document (no toc or cover styles), nothing breaks."""
    path = pandoc_docx(tmp_path / "pandoc.docx", reference=None)
    finish(path, spec(True))
    document = open_docx(path)
    names = style_names(document)
    entries = toc_entries(document)
    assert [text for _, text, _, _ in entries] == [text for _, text in TOC]
    assert "TOC1" not in names and "CouvertureDetails" not in names
    assert [style for style, _, _, _ in entries] == [""] * len(TOC)  # unstyled
    assert all(page.isdigit() for _, _, _, page in entries)
    cover = [p for p in document.paragraphs if p.text == "De 9 h à 17 h 30"]
    assert len(cover) == 1
    assert cover[0]._p.style is None
    assert [p.text for p in document.sections[0].header.paragraphs] == [HEADER]


# -- LibreOffice ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_pages(draft_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) n’est pas installé")
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path_factory.mktemp("pdf")
    profile = out / "profil"  # its own profile: no clash with a running LibreOffice
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(draft_docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    reader = pypdf.PdfReader(str(out / f"{draft_docx.stem}.pdf"))
    return [page.extract_text() for page in reader.pages]


def test_libreoffice_shows_the_contents_with_page_numbers(pdf_pages: list[str]) -> None:
    contents = pdf_pages[1]
    assert "Sommaire" in contents
    numbers = []
    for _, text in TOC:
        # any spacing between the characters: superscripts come out on a line of their own
        letters = r"\s*".join(re.escape(c) for c in text.replace(" ", ""))
        match = re.search(letters + r"\s*\.{3,}\s*(\d+)[ \t]*$", contents, re.MULTILINE)
        assert match is not None, f"{text!r} sans numéro de page : {contents!r}"
        numbers.append(int(match.group(1)))
    # the numbers are the pages where the headings are (estimated: one off at worst)
    bodies = [re.sub(r"\s+", "", page) for page in pdf_pages]
    for (level, text), number in zip(TOC, numbers, strict=True):
        pages = [i + 1 for i, page in enumerate(bodies) if i > 1 and text.replace(" ", "") in page]
        assert pages, text
        if level == 1:  # a heading 1 starts a page: the estimate is right
            assert number == pages[0], text
        else:
            assert abs(number - pages[0]) <= 1, text


def test_libreoffice_shows_the_header_but_not_on_the_cover(pdf_pages: list[str]) -> None:
    assert HEADER not in pdf_pages[0]
    assert HEADER in pdf_pages[1]
    assert HEADER in pdf_pages[2]
    assert re.search(rf"\b2 / {len(pdf_pages)}\b", pdf_pages[1])
