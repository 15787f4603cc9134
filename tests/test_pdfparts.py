"""A very long PDF composed in parts and joined: the same document as a whole composition."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from proceedings.errors import ProceedingsError
from proceedings.export import convert, pdfparts
from proceedings.read.programme import load_programme

from .conftest import TEMPLATES, Built

HEAD = "#let toc-depth = 2\n// @@corps\n"
TAIL = "// @@fin-corps\n"
BODY = (
    "= Premier chapitre\n<premier>\nTexte#footnote[Une note.] et #link(<second>)[renvoi].\n"
    "#block[\n= Titre dans un bloc\n]\n"
    '#figure([#image("a.svg")], caption: [Une figure])\n'
    "= Second chapitre\n<second>\n#link(<premier>)[retour] #link(<second>)[ici]\n"
    + "".join(f"== Section {i}\n<s{i}>\n{'Des mots. ' * 40}\n\n" for i in range(6))
)

pytestmark = pytest.mark.lent  # whole builds (see pyproject: make test runs them)


def test_the_body_is_cut_before_chapters_never_inside_a_block() -> None:
    head, parts, tail = pdfparts.split(HEAD + BODY + TAIL, limit=600)
    assert head == HEAD and tail == TAIL
    assert "".join(p.body for p in parts) == BODY
    starts = [p.body.splitlines()[0] for p in parts]
    assert starts[0] == "= Premier chapitre"
    assert starts[1] == "= Second chapitre"
    assert all(s.startswith(("= ", "== ")) for s in starts)
    assert "Titre dans un bloc" not in "".join(starts)
    # the chapter too long for a part goes on at its sections, which know it
    assert [p.continued for p in parts] == [False, False, *[True] * (len(parts) - 2)]
    assert len(parts) > 2
    # counters go on from the part before
    assert (parts[1].notes, parts[1].figures, parts[1].tables) == (1, 1, 0)


def test_links_to_another_part_are_left_for_the_joining() -> None:
    _, parts, _ = pdfparts.split(HEAD + BODY + TAIL, limit=600)
    first, second = (pdfparts.outward_links(p.body) for p in parts[:2])
    assert '#link("proceedings:dest:second")[renvoi]' in first
    assert '#link("proceedings:dest:premier")[retour]' in second
    assert "#link(<second>)[ici]" in second  # a label of the same part stays a label


def test_small_documents_are_composed_whole(tmp_path: Path, tiny_built: Built) -> None:
    """Below the threshold nothing changes: the footer gives the total of pages."""
    built = _built(tmp_path, tiny_built)
    text = " ".join(p.extract_text() for p in PdfReader(built / "synthese.pdf").pages)
    assert re.search(r"page 1 / \d+", text)


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory, tiny_built: Built) -> dict[str, Path]:
    """The tiny event's PDF whole, in parts of whole chapters, and in parts cut at sections."""
    root = tmp_path_factory.mktemp("parties")
    built = _built(root, tiny_built)
    event, _ = load_programme(root / "evenement" / "programme.yaml")
    source = built / ".synthese.typ"
    found = {"entier": built / "synthese.pdf"}
    for name, size in (("chapitres", 1_500), ("sections", 500)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pdfparts, "SPLIT_CHARS", 1_000)
            patch.setattr(pdfparts, "PART_CHARS", size)
            convert.to_pdf(built / "synthese.md", root / f"{name}.pdf", TEMPLATES, event)
            parts = pdfparts.split(source.read_text(encoding="utf-8"))[1]
        found[name] = root / f"{name}.pdf"
        if name == "chapitres":
            assert len(parts) >= 4 and not any(p.continued for p in parts)
        else:  # chapters alone, chapters together, chapters cut at their sections
            assert len(parts) >= 8 and sum(p.continued for p in parts) >= 3
    assert not list(built.glob(".synthese-*.typ")), "sources des parties laissés"
    assert not list(built.glob(".parties-*")), "dossier de travail laissé"
    return found


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    return [
        (item.title, reader.get_destination_page_number(item))
        for item in reader.outline
        if not isinstance(item, list)
    ]


def _built(root: Path, tiny: Built) -> Path:
    """A copy of the tiny event and of its build, in ``root``."""
    if not (root / "sortie").exists():
        shutil.copytree(tiny.event, root / "evenement")
        shutil.copytree(tiny.out, root / "sortie")
    return root / "sortie"


def test_parts_of_whole_chapters_make_the_same_document(composed: dict[str, Path]) -> None:
    whole, parts = PdfReader(composed["entier"]), PdfReader(composed["chapitres"])
    assert len(parts.pages) == len(whole.pages)
    assert _outline(parts) == _outline(whole)
    for a, b in zip(whole.pages, parts.pages, strict=True):
        assert _comparable(b.extract_text()) == _comparable(a.extract_text())
    assert [parts.page_labels[i] for i in range(len(parts.pages))] == [
        whole.page_labels[i] for i in range(len(whole.pages))
    ]


def test_sections_of_a_cut_chapter_stay_under_it(composed: dict[str, Path]) -> None:
    """A part cut at a section starts a new page; the bookmarks and contents keep the
    section under its chapter, and the running header keeps the chapter's title."""
    whole, parts = PdfReader(composed["entier"]), PdfReader(composed["sections"])
    assert [t for t, _ in _outline(parts)] == [t for t, _ in _outline(whole)]
    chapters = {t: n for t, n in _outline(parts)}
    annexes = chapters["Annexes"]
    sections = parts.outline[
        parts.outline.index(
            next(i for i in parts.outline if not isinstance(i, list) and i.title == "Annexes")
        )
        + 1
    ]
    assert isinstance(sections, list) and len(sections) >= 3
    for section in sections:
        page = parts.get_destination_page_number(section)
        assert page >= annexes
        if page > annexes:
            header = parts.pages[page].extract_text().splitlines()[:3]
            assert any("Annexes" in line for line in header), header
    contents = parts.pages[1].extract_text()
    assert "Rapporteurs et contributeurs" in contents


def _comparable(text: str) -> str:
    """Page text without what legitimately differs: the total of pages (unknown to a part),
    the length of the contents' dot leaders, and the character that text extraction gives
    for a hyphen (the same glyph serves soft hyphens)."""
    text = re.sub(r"(page \d+) / \d+", r"\1", text).replace("\xad", "-")
    return re.sub(r"(?: ?\.)+ +(\d+)$", r" … \1", text, flags=re.M)


@pytest.mark.parametrize("kind", ["chapitres", "sections"])
def test_the_joined_document_is_one_tagged_accessible_pdf(
    composed: dict[str, Path], kind: str
) -> None:
    with pikepdf.open(composed[kind]) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "fr-FR" and bool(root.MarkInfo.Marked)
        xmp = root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert f"<xmpTPg:NPages>{len(pdf.pages)}</xmpTPg:NPages>" in xmp
        tree = root.StructTreeRoot
        assert len(tree.K) == 1 and tree.K[0].S == "/Document"
        keys = {int(k) for k in list(tree.ParentTree.Nums)[::2]}
        assert int(tree.ParentTreeNextKey) == max(keys) + 1
        pages = {page.objgen for page in pdf.pages}
        for page in pdf.pages:
            assert int(page.StructParents) in keys
            for annot in page.get("/Annots", []):
                assert int(annot.StructParent) in keys
                assert "/A" not in annot or not str(annot.A.get("/URI", "")).startswith(
                    pdfparts.LINK
                )
        named = {bytes(n) for n in list(root.Names.Dests.Names)[::2]}
        links = [a for p in pdf.pages for a in p.get("/Annots", []) if "/Dest" in a]
        assert links
        for link in links:
            if isinstance(link.Dest, pikepdf.String):
                assert bytes(link.Dest) in named
            else:
                assert link.Dest[0].objgen in pages
        ids = [bytes(n) for n in list(tree.IDTree.Names)[::2]] if "/IDTree" in tree else []
        assert len(ids) == len(set(ids))
        # every structure element hangs from its parent, on a page of this document
        stack = [(tree.K[0], None)]
        elements = 0
        while stack:
            element, parent = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            elements += 1
            if parent is not None:
                assert element.P.objgen == parent.objgen
            if "/Pg" in element:
                assert element.Pg.objgen in pages
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            stack += [(kid, element) for kid in kids if kid is not None]
        assert elements > 100


def test_a_part_that_fails_falls_back_to_the_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_built: Built
) -> None:
    built = _built(tmp_path, tiny_built)
    work = tmp_path / "copie"
    shutil.copytree(built, work)
    event, _ = load_programme(tmp_path / "evenement" / "programme.yaml")
    monkeypatch.setattr(pdfparts, "SPLIT_CHARS", 1_000)

    whole = pdfparts.run

    def broken(job: pdfparts.Job) -> None:
        if job.inputs:  # a part, or the cover and contents
            raise pdfparts.PartsError("panne simulée")
        whole(job)

    monkeypatch.setattr(pdfparts, "run", broken)
    warnings = convert.to_pdf(work / "synthese.md", work / "secours.pdf", TEMPLATES, event)
    # never silent: the memory bound of the parts is lost, and the build says so
    assert [str(w) for w in warnings] == [
        "secours.pdf: avertissement : composition du PDF par parties impossible (panne "
        "simulée) : composé d’un seul tenant, sans la borne de mémoire des parties"
    ]
    assert isinstance(pdfparts.PartsError("x"), ProceedingsError)
    text = " ".join(p.extract_text() for p in PdfReader(work / "secours.pdf").pages)
    assert re.search(r"page 1 / \d+", text)  # composed whole
    assert not list(work.glob(".synthese-*.typ")) and not list(work.glob(".parties-*"))


def test_an_archival_pdf_in_parts_keeps_its_profile(tmp_path: Path, tiny_built: Built) -> None:
    """--archivage (PDF/A-2b and PDF/UA-1): the joined document keeps the output intent and
    the identification of both standards."""
    built = _built(tmp_path, tiny_built)
    event, _ = load_programme(tmp_path / "evenement" / "programme.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdfparts, "SPLIT_CHARS", 1_000)
        patch.setattr(pdfparts, "PART_CHARS", 500)
        convert.to_pdf(
            built / "synthese.md",
            tmp_path / "archive.pdf",
            TEMPLATES,
            event,
            standards=("a-2b", "ua-1"),
        )
    with pikepdf.open(tmp_path / "archive.pdf") as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part>" in xmp
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        assert len(pdf.Root.OutputIntents) == 1
        assert len(pdf.trailer.ID) == 2
        labels = [str(x) for x in list(pdf.Root.PageLabels.Nums)[1::2][:1]]
        assert labels
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "archive.pdf").pages)
    assert "page 1 —" in text  # composed in parts: no total in the footer
