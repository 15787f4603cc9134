"""Markdown and plain-text notes: blocks, front matter, encodings, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import NoteStatus, NoteType
from proceedings.read.readers import discover, markdown, read_or_report, text


def read_md(source: str | bytes, diag: Diagnostics | None = None):  # type: ignore[no-untyped-def]
    data = source.encode("utf-8") if isinstance(source, str) else source
    return markdown.read(data, "n.md", "notes/n.md", diag if diag is not None else Diagnostics())


def test_markdown_blocks_and_front_matter() -> None:
    note = read_md(
        "---\nsession: ateliers\nrapporteur: Léa Roux\ntype: verbatim\nstatut: valide\n---\n"
        "# Titre\n\nUn **gras** et *italique* <b>brut</b>.\n\n- un\n  - deux\n1. trois\n\n"
        "> « Une citation »\n> sur deux lignes\n\n### Sous-partie\n"
    )
    assert note.meta.session == "ateliers"
    assert note.meta.rapporteur == "Léa Roux"
    assert note.meta.type is NoteType.VERBATIM
    assert note.meta.statut is NoteStatus.VALIDE
    kinds = [(b.kind, b.level, b.text, b.line) for b in note.blocks]
    assert kinds == [
        ("heading", 1, "Titre", 7),
        ("paragraph", 0, "Un gras et italique brut.", 9),  # <b> is emphasis, not text
        ("item", 0, "un", 11),
        ("item", 1, "deux", 12),
        ("item", 0, "trois", 13),
        ("quote", 0, "« Une citation » sur deux lignes", 15),
        ("heading", 3, "Sous-partie", 18),
    ]
    paragraph = note.blocks[1]
    assert [(s.text, s.strong, s.emph) for s in paragraph.spans] == [
        ("Un ", False, False),
        ("gras", True, False),
        (" et ", False, False),
        ("italique", False, True),
        (" ", False, False),
        ("brut", True, False),
        (".", False, False),
    ]
    assert note.words == 17


def test_front_matter_warnings_do_not_reject_the_note() -> None:
    diag = Diagnostics()
    note = read_md("---\nstatut: fini\nrapporter: X\nlayout: post\n---\nTexte.\n", diag)
    assert note.meta.statut is None
    # a site generator's key (layout) is only listed in the deposit report
    assert note.conversions == ("champs d’en-tête non lus : layout",)
    assert [str(d) for d in diag] == [
        "notes/n.md:3: avertissement : champ d’en-tête inconnu « rapporter », ignoré "
        "(vouliez-vous dire « rapporteur » ?)",
        "notes/n.md:2: avertissement : statut « fini » inconnu, ignoré (attendu : brouillon, "
        "relu, valide)",
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "---\nsession: [ateliers\n---\nTexte\n",
            "notes/n.md:2: en-tête YAML invalide : crochet « [ » non fermé (colonne 19)",
        ),
        (
            "---\nsession: ateliers\nTexte sans fin d’en-tête\n",
            "notes/n.md:1: en-tête YAML ouvert par « --- » mais jamais fermé",
        ),
        (
            "---\n- une liste\n---\nTexte\n",
            "notes/n.md:2: en-tête YAML invalide : attendu des lignes « clé : valeur »",
        ),
    ],
)
def test_broken_front_matter_is_a_located_error(source: str, message: str) -> None:
    with pytest.raises(SourceError) as info:
        read_md(source)
    assert str(info.value) == message


def test_text_note_title_paragraphs_and_lists() -> None:
    source = (
        "Atelier mobilité\r\n\r\nUn participant : il faut\r\ndes navettes.\r\n\r\n"
        "- première piste\r\n  suite de la piste\r\n- seconde piste\r\n"
    )
    note = text.read(source.encode("cp1252"), "t.txt", "notes/t.txt", Diagnostics())
    assert [(b.kind, b.text, b.line) for b in note.blocks] == [
        ("heading", "Atelier mobilité", 1),
        ("paragraph", "Un participant : il faut des navettes.", 3),
        ("item", "première piste suite de la piste", 6),
        ("item", "seconde piste", 8),
    ]
    assert note.encoding == "windows-1252"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Élodie à l’écoute".encode("utf-8-sig"), "utf-8 (avec BOM)"),
        ("Élodie à l’écoute".encode("utf-16"), "utf-16"),
        ("Élodie à l’écoute".encode("cp1252"), "windows-1252"),
        ("Élodie à l'écoute".encode("latin-1"), "windows-1252"),
        # NFD (as macOS writes names) is normalised to NFC.
        ("E\u0301lodie a\u0300 l’écoute".encode(), "utf-8"),
    ],
)
def test_encodings_are_detected_and_text_is_nfc(data: bytes, encoding: str) -> None:
    note = text.read(data, "t.txt", "t.txt", Diagnostics())
    assert note.blocks[0].text.replace("'", "’") == "Élodie à l’écoute"
    assert note.encoding == encoding


def test_binary_file_named_txt_is_rejected_cleanly() -> None:
    with pytest.raises(SourceError) as info:
        text.read(b"PK\x03\x04\x00\x00binary", "t.txt", "t.txt", Diagnostics())
    assert str(info.value) == "t.txt: fichier binaire (octets nuls), pas un texte"


def test_discover_sorts_skips_debris_and_warns_on_unknown_formats(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in [
        "b/z.md",
        "b/a.txt",
        "a.md",
        "b/~$brouillon.md",
        "b/.DS_Store",
        ".cache/x.md",
        "b/Thumbs.db",
        "b/photo.jpeg",
        "b/photos.yaml",
        "b/plan.svg",
        "programme.yaml",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    diag = Diagnostics()
    found = discover(tmp_path, diag)
    # a photo is found as one, and so is the photos.yaml that describes it
    assert [(f.rel, f.skipped, f.photo, f.described) for f in found] == [
        ("a.md", "", False, False),
        ("b/.DS_Store", "fichier système", False, False),
        ("b/Thumbs.db", "fichier système", False, False),
        ("b/a.txt", "", False, False),
        ("b/photo.jpeg", "", True, False),
        ("b/photos.yaml", "", False, True),
        ("b/plan.svg", "format non pris en charge", False, False),
        ("b/z.md", "", False, False),
        ("b/~$brouillon.md", "fichier de verrou de Word", False, False),
    ]
    assert [str(d) for d in diag] == [
        f"{tmp_path.as_posix()}/b/plan.svg: avertissement : format non pris en charge, "
        "fichier ignoré (formats lus : .csv, .doc, .docx, .htm, .html, .markdown, .md, .odt, "
        ".rtf, .srt, .txt, .vtt, .xlsx ; photos : .heic, .heif, .jpeg, .jpg, .png, .webp)"
    ]
    assert read_or_report(found[4], diag) is None
    assert read_or_report(found[5], diag) is None
    assert read_or_report(found[6], diag) is None


def test_unreadable_note_is_reported_and_left_out(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_bytes(b"---\nsession: [\n---\n")
    diag = Diagnostics()
    (found,) = discover(tmp_path, diag)
    assert read_or_report(found, diag) is None
    assert [str(d) for d in diag] == [
        f"{tmp_path.as_posix()}/x.md:2: en-tête YAML invalide : valeur attendue (colonne 11), "
        "fichier ignoré"
    ]
