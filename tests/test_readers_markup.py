"""Markup is structure, never text: HTML in Markdown, site generators' headers and tags,
MkDocs admonitions — on real files of the corpus and on cases built here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from proceedings.errors import Diagnostics
from proceedings.model import Note
from proceedings.read.readers import markdown

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-reel"
# What markup left in a text looks like: a tag, a comment, a site generator's tag.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][\w-]*[\s>/]|<!--|\{%|%\}|\{\{|\}\}")


def read(text: str, diag: Diagnostics | None = None) -> Note:
    return markdown.read(text.encode("utf-8"), "n.md", "notes/n.md", diag or Diagnostics())


def texts(note: Note) -> list[str]:
    return [b.text for b in note.blocks]


def corpus_markdown() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*.md") if p.name != "SOURCES.md")


@pytest.mark.skipif(not corpus_markdown(), reason="corpus réel absent (../shared/corpus-reel)")
@pytest.mark.parametrize("path", corpus_markdown(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_markup_is_left_in_the_text_of_real_notes(path: Path) -> None:
    diag = Diagnostics()
    note = markdown.read(path.read_bytes(), path.name, str(path), diag)
    left = [t for t in texts(note) if MARKUP.search(t)]
    assert not left, left[:3]
    # a site generator's header: its title is the note's, its own keys are only listed
    assert not [d for d in diag if "champ d’en-tête inconnu « title »" in d.message]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus réel absent (../shared/corpus-reel)")
def test_a_hugo_page_keeps_its_title_and_lists_its_own_keys() -> None:
    path = CORPUS / "1-notes-markdown" / "index.md"
    diag = Diagnostics()
    note = markdown.read(path.read_bytes(), path.name, str(path), diag)
    first = note.blocks[0]
    assert (first.kind, first.level) == ("heading", 1)
    assert first.text == "Journée inter association alimentation, le compte-rendu"
    assert note.conversions == ("champs d’en-tête non lus : draft, picture",)
    assert list(diag) == []
    assert not any("more" in t for t in texts(note))  # <!--more--> is not text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus réel absent (../shared/corpus-reel)")
def test_liquid_links_keep_their_text() -> None:
    path = (
        CORPUS
        / "1-notes-markdown"
        / "2013-03-04-compte-rendu-des-reunions-du-18-et-25-fevrier-2013.md"
    )
    note = markdown.read(path.read_bytes(), path.name, str(path), Diagnostics())
    joined = "\n".join(texts(note))
    assert "site.url" not in joined
    assert "@yann a demandé au groupe breton des Fablab" in joined


def test_html_tags_are_structure() -> None:
    note = read(
        "Avant <b>gras</b>, <i>italique</i>,<br>à la ligne <!-- caché --> "
        '<span class="x">gardé</span> <a href="https://exemple.org">lien</a> '
        "<script>alert(1)</script>fin.\n"
    )
    (paragraph,) = note.blocks
    assert paragraph.text == "Avant gras, italique,\nà la ligne  gardé lien fin."
    assert [s.text for s in paragraph.spans if s.strong] == ["gras"]
    assert [s.text for s in paragraph.spans if s.emph] == ["italique"]


def test_a_heading_inside_a_summary_is_a_heading() -> None:
    note = read(
        "## Échanges\n\n<details>\n<summary>#### Hélène Valade</summary>\n\n"
        "Ma réponse tient en une phrase.\n\n</details>\n\n"
        "<details><summary>Réponse du public</summary>\n\nUne question.\n</details>\n"
    )
    assert [(b.kind, b.level, b.text) for b in note.blocks] == [
        ("heading", 1, "Échanges"),
        ("heading", 3, "Hélène Valade"),
        ("paragraph", 0, "Ma réponse tient en une phrase."),
        ("paragraph", 0, "Réponse du public"),
        ("paragraph", 0, "Une question."),
    ]


def test_a_block_of_html_is_read_as_text_once_and_stays_inert() -> None:
    note = read(
        '<div class="encart">\n<p>Premier &amp; seul paragraphe</p>\n'
        '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<iframe src="//x"></iframe>\n</div>\n'
        "<!--\ncommentaire\nsur trois lignes\n-->\n\nSuite.\n"
    )
    assert texts(note) == [
        "Premier & seul paragraphe",
        "<script>alert(1)</script>",  # what was written as text stays text, never a tag
        "Suite.",
    ]


def test_site_generator_tags_are_not_text_but_code_is() -> None:
    note = read(
        '{% file src="../.gitbook/assets/atelier.pdf" %}\n\nVoir {{< ref "page" >}} et '
        "{{ site.url }}.\n\n```\n{% raw %} reste du code {{ x }}\n```\n\n"
        "Une accolade { seule et {% non fermée.\n"
    )
    assert texts(note) == [
        "Voir  et .",
        "{% raw %} reste du code {{ x }}",
        "Une accolade { seule et {% non fermée.",
    ]


def test_admonitions_are_framed_boxes_with_their_title() -> None:
    from proceedings.model import NoteContent
    from proceedings.render.master import render_note

    note = read(
        '## Points\n\n!!! note "À retenir"\n    Premier point.\n\n    Second paragraphe.\n\n'
        "??? warning\n    Attention à ceci.\n\nFin.\n"
    )
    assert [
        (b.kind, b.text, b.line, any(s.strong for s in b.spans), b.box) for b in note.blocks
    ] == [
        ("heading", "Points", 1, False, 0),
        ("paragraph", "À retenir", 3, True, 3),
        ("paragraph", "Premier point.", 4, False, 3),
        ("paragraph", "Second paragraphe.", 6, False, 3),
        ("paragraph", "Attention", 8, True, 8),
        ("paragraph", "Attention à ceci.", 9, False, 8),
        ("paragraph", "Fin.", 11, False, 0),
    ]
    master = render_note(NoteContent(note, note.blocks), 2)
    assert master.split("\n\n")[1:] == [
        "::: {.encadre}",
        "**À retenir**",
        "Premier point.",
        "Second paragraphe.",
        ":::",
        "::: {.encadre}",
        "**Attention**",
        "Attention à ceci.",
        ":::",
        "Fin.",
    ]


def test_a_header_title_is_not_repeated_and_shifts_the_headings() -> None:
    same = read("---\ntitle: Compte rendu\n---\n# Compte rendu\n\n## Suite\n")
    assert [(b.level, b.text) for b in same.blocks] == [(1, "Compte rendu"), (2, "Suite")]
    other = read("---\ntitle: Compte rendu\n---\n# Matin\n\nTexte.\n")
    assert [(b.kind, b.level, b.text) for b in other.blocks] == [
        ("heading", 1, "Compte rendu"),
        ("heading", 2, "Matin"),
        ("paragraph", 0, "Texte."),
    ]


def test_links_keep_their_text_and_their_address_when_it_is_a_web_one() -> None:
    from proceedings.render.typography import spans_md

    note = read(
        'Voir [la délibération](https://exemple.org/d?x=1&y=2), <a href="javascript:alert(1)">'
        'ceci</a>, <a href="https://ex.org/a">**le site**</a> et [un fichier](../etc/passwd).\n'
    )
    (paragraph,) = note.blocks
    assert [(s.text, s.link) for s in paragraph.spans if s.link] == [
        ("la délibération", "https://exemple.org/d?x=1&y=2"),
        ("le site", "https://ex.org/a"),
    ]
    assert spans_md(paragraph.spans) == (
        "Voir [la délibération](<https://exemple.org/d?x=1&y=2>), ceci, "
        "[**le site**](<https://ex.org/a>) et un fichier."
    )
