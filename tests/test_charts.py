"""Charts: the three figures, their files (SVG with text, 300 dpi PNG), French alt text and
captions, reproducible bytes, and figures skipped when they have no data."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from proceedings.model import (
    Block,
    Event,
    FrontMatter,
    Group,
    Note,
    NoteContent,
    Session,
    SessionContent,
    SessionKind,
    Span,
    Speaker,
    Synthesis,
    Tag,
    Tags,
    Turn,
)
from proceedings.render.charts import Figure, draw, speaking, theme_table

NBSP = "\u00a0"
NNBSP = "\u202f"
SVG_NS = "{http://www.w3.org/2000/svg}"

SESSIONS = (
    ("accueil", SessionKind.ACCUEIL, "Accueil des participants", dt.time(8, 45)),
    ("ouverture", SessionKind.OUVERTURE, "Ouverture", dt.time(9, 0)),
    ("table-ronde", SessionKind.TABLE_RONDE, "Table ronde", dt.time(9, 15)),
    ("ateliers", SessionKind.ATELIERS, "Ateliers", dt.time(11, 0)),
)
NAMES = {
    "accueil": f"Accueil (8{NBSP}h{NBSP}45)",
    "ouverture": f"Ouverture (9{NBSP}h)",
    "table-ronde": f"Table ronde (9{NBSP}h{NBSP}15)",
    "ateliers": f"Ateliers (11{NBSP}h)",
}


def note(path: str, fmt: str = "markdown", turns: tuple[Turn, ...] = ()) -> NoteContent:
    return NoteContent(Note(path, path, fmt, FrontMatter(), ()), turns)


def turn(name: str, *texts: str) -> Turn:
    blocks = tuple(Block("paragraph", (Span(t),)) for t in texts)
    return Turn(Speaker(name, name), blocks)


def synthesis(transcripts: bool = True, speakers: int = 2) -> Synthesis:
    """Four sessions: the welcome has no note; the round table has a transcript, where
    ``speakers`` people say something."""
    sessions = tuple(Session(sid, kind, titre, debut) for sid, kind, titre, debut in SESSIONS)
    event = Event(
        reseau="Réseau de test",
        edition=1,
        titre="Rencontre d’essai",
        theme="Essayons ensemble",
        date=dt.date(2020, 3, 12),
        debut=dt.time(8, 45),
        fin=dt.time(12, 0),
        lieu="Salle des fêtes",
        adresse="1, place de la Mairie, 35000 Rennes",
        organisateur="Association d’essai",
        introduction=(),
        sessions=sessions,
    )
    turns = (
        turn("Hélène Valade", "un deux trois quatre cinq six", "sept huit"),  # 8 words
        turn("Une élue", "un deux trois four"),  # 4 words
        turn("Hélène Valade", "un deux"),  # 2 more: 10 in all
        turn("Silencieux", "   "),  # no words: not counted
        *(turn(f"Intervenant {i:02d}", "un") for i in range(speakers - 2)),
    )
    round_table = note("table-ronde/video.vtt", "webvtt" if transcripts else "markdown", turns)
    groups = {
        "ouverture": (Group("", "", (note("ouverture/notes.md"),)),),
        "table-ronde": (Group("", "", (round_table, note("table-ronde/notes.md"))),),
        "ateliers": (
            Group("mobilite", "Mobilité", (note("ateliers/mobilite/notes.md"),)),
            Group("sante", "Santé", (note("ateliers/sante/notes.docx", "word"),)),
        ),
    }
    return Synthesis(event, tuple(SessionContent(s, groups.get(s.id, ())) for s in sessions))


def tag(label: str, kind: str, key: str, count: int) -> Tag:
    return Tag(label, kind, key, count)


def tags(themes: int = 3, keyphrases: int = 4) -> Tags:
    """Theme 0 « Mobilité » is the most frequent, mostly in the round table (3 passages)."""
    passages: dict[str, tuple[tuple[str, str], ...]] = {
        "mobilite": (
            ("table-ronde/video.vtt", "Les navettes."),
            ("table-ronde/notes.md", "Le covoiturage."),
            ("table-ronde/notes.md", "Les bus."),
            ("ateliers/mobilite/notes.md", "Le vélo."),
            ("ailleurs/perdu.md", "Une note hors session : pas comptée."),
        ),
        "sante": (("ateliers/sante/notes.docx", "Les soins."), ("ouverture/notes.md", "Santé.")),
        "ecologie": (("ouverture/notes.md", "Le climat."),),
    }
    theme_tags = [
        tag("Mobilité", "thème", "mobilite", 5),
        tag("Santé et accès aux soins", "thème", "sante", 2),
        tag("Transition écologique", "thème", "ecologie", 1),
    ]
    for i in range(3, themes):
        key = f"theme-{i:02d}"
        theme_tags.append(tag(f"Thème numéro {i:02d}", "thème", key, 1))
        passages[key] = (("ateliers/mobilite/notes.md", "…"),)
    words = ["covoiturage", "navette partagée", "santé", "transition écologique"]
    words += [f"mot {i:02d}" for i in range(len(words), keyphrases)]
    return Tags(
        by_note={},
        by_session={},
        themes_by_session={},
        keyphrases=tuple(
            tag(w, "mot-clé", w, max(1, 12 - i)) for i, w in enumerate(words[:keyphrases])
        ),
        themes=tuple(theme_tags[:themes]),
        entities=(),
        acronyms=(),
        passages=passages if themes else {},
    )


EMPTY_TAGS = Tags({}, {}, {}, (), (), (), (), {})


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Figure]]:
    out = tmp_path_factory.mktemp("charts")
    figures = draw(synthesis(), tags(), out, NAMES)
    return out, {f.id: f for f in figures}


def test_three_figures_in_order(drawn: tuple[Path, dict[str, Figure]]) -> None:
    _, figures = drawn
    assert list(figures) == ["themes-sessions", "mots-cles", "temps-de-parole"]
    for fid, figure in figures.items():
        assert figure.stem == Path(".travail/figures") / fid
        assert figure.caption and figure.alt


def test_svg_and_png_written(drawn: tuple[Path, dict[str, Figure]]) -> None:
    out, figures = drawn
    for figure in figures.values():
        svg = out / figure.stem.parent / f"{figure.stem.name}.svg"
        png = out / figure.stem.parent / f"{figure.stem.name}.png"
        assert svg.read_bytes().startswith(b"<?xml")
        with Image.open(png) as image:
            assert image.format == "PNG"
            assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
            assert image.width == round(16 / 2.54 * 300)  # 16 cm wide
    leftovers = [p.name for p in (out / ".travail" / "figures").iterdir() if p.suffix == ".tmp"]
    assert not leftovers


def test_heat_map_svg_keeps_labels_as_text(drawn: tuple[Path, dict[str, Figure]]) -> None:
    out, _ = drawn
    texts = svg_texts(out / ".travail/figures/themes-sessions.svg")
    for label in ("Mobilité", "Transition écologique"):
        assert label in texts
    for sid in ("ouverture", "table-ronde", "ateliers"):
        assert NAMES[sid] in texts
    assert NAMES["accueil"] not in texts  # no notes, no column
    assert {"3", "1"} <= set(texts)  # counts written in the cells
    assert "0" not in texts  # empty cells stay blank
    assert "Santé et accès aux soins" in texts


def test_heat_map_counts_every_passage() -> None:
    table = theme_table(synthesis(), tags())
    assert table.sessions == ("ouverture", "table-ronde", "ateliers")
    assert table.themes == ("Mobilité", "Santé et accès aux soins", "Transition écologique")
    # The passage of a note outside every session is not counted.
    assert table.counts == ((0, 3, 1), (1, 0, 1), (1, 0, 0))
    assert not table.truncated


def test_alt_text_states_main_values(drawn: tuple[Path, dict[str, Figure]]) -> None:
    _, figures = drawn
    alt = figures["themes-sessions"].alt
    assert f"«{NBSP}Mobilité{NBSP}» (4{NBSP}passages)" in alt  # top theme
    assert f"«{NBSP}{NAMES['table-ronde']}{NBSP}» (3{NBSP}passages)" in alt  # top session
    assert f"«{NBSP}Mobilité{NBSP}» dans «{NBSP}{NAMES['table-ronde']}{NBSP}»" in alt
    keyphrases = figures["mots-cles"].alt
    assert f"«{NBSP}covoiturage{NBSP}» (12)" in keyphrases
    speaking_alt = figures["temps-de-parole"].alt
    assert f"Hélène Valade 71,4{NNBSP}%" in speaking_alt  # 10 words of 14
    assert f"Une élue 28,6{NNBSP}%" in speaking_alt
    assert "Silencieux" not in speaking_alt


def test_speaking_caption_names_the_session(drawn: tuple[Path, dict[str, Figure]]) -> None:
    _, figures = drawn
    caption = figures["temps-de-parole"].caption
    assert f"«{NBSP}{NAMES['table-ronde']}{NBSP}»" in caption
    assert NAMES["ateliers"] not in caption


def test_french_typography(drawn: tuple[Path, dict[str, Figure]]) -> None:
    _, figures = drawn
    for figure in figures.values():
        for text in (figure.caption, figure.alt):
            for match in re.finditer(r"[:;!?%»]", text):
                before = text[match.start() - 1]
                assert before == (NBSP if match[0] in ":»" else NNBSP), text
            assert all(text[m.end()] == NBSP for m in re.finditer("«", text)), text
            assert '"' not in text and "'" not in text
            assert not re.search(r"\d\.\d", text)  # decimal comma


def test_svg_percent_labels_in_french(drawn: tuple[Path, dict[str, Figure]]) -> None:
    out, _ = drawn
    texts = svg_texts(out / ".travail/figures/temps-de-parole.svg")
    assert f"71,4{NNBSP}%" in texts
    assert "Hélène Valade" in texts


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    draw(synthesis(), tags(), first, NAMES)
    draw(synthesis(), tags(), second, NAMES)
    assert files(first) == files(second)
    assert len(files(first)) == 6
    before = files(first)
    draw(synthesis(), tags(), first, NAMES)  # redrawn in place
    assert files(first) == before


def test_no_transcript_no_speaking_figure(tmp_path: Path) -> None:
    figures = draw(synthesis(transcripts=False), tags(), tmp_path, NAMES)
    assert [f.id for f in figures] == ["themes-sessions", "mots-cles"]
    assert not (tmp_path / ".travail/figures/temps-de-parole.svg").exists()


def test_empty_tags_no_figure(tmp_path: Path) -> None:
    assert draw(synthesis(transcripts=False), EMPTY_TAGS, tmp_path, NAMES) == ()
    assert not (tmp_path / ".travail").exists()
    # Speaking shares come from the transcripts, not from tagging.
    figures = draw(synthesis(), EMPTY_TAGS, tmp_path, NAMES)
    assert [f.id for f in figures] == ["temps-de-parole"]


def test_at_most_twelve_rows_and_bars(tmp_path: Path) -> None:
    figures = {f.id: f for f in draw(synthesis(speakers=16), tags(14, 15), tmp_path, NAMES)}
    heat = svg_texts(tmp_path / ".travail/figures/themes-sessions.svg")
    assert "Thème numéro 11" in heat and "Thème numéro 12" not in heat
    assert figures["themes-sessions"].caption.startswith("Les 12 thèmes les plus fréquents")
    bars = svg_texts(tmp_path / ".travail/figures/mots-cles.svg")
    assert "mot 11" in bars and "mot 12" not in bars
    assert figures["mots-cles"].caption.startswith("Les 12 premiers mots-clés")
    talk = svg_texts(tmp_path / ".travail/figures/temps-de-parole.svg")
    assert f"Autres (4{NBSP}intervenants)" in talk  # 16 speakers with words, 12 shown


def test_speaking_counts_words_per_name() -> None:
    data = speaking(synthesis())
    assert data.speakers == (("Hélène Valade", 10), ("Une élue", 4))
    assert data.total == 14 and data.others == 0
    assert data.sessions == ("table-ronde",)


def test_files_written_apart_are_the_same(tmp_path: Path) -> None:
    """With --jobs, another process writes the files while the build goes on: same figures,
    same bytes, and whoever waits finds them all."""
    from proceedings.render.charts import draw_apart

    here = draw(synthesis(), tags(), tmp_path / "ici", NAMES)
    figures, drawing = draw_apart(synthesis(), tags(), tmp_path / "apart", NAMES)
    assert figures == here and drawing is not None
    drawing.wait()
    for figure in figures:
        for ext in ("svg", "png"):
            written = (tmp_path / "apart" / figure.stem).with_suffix(f".{ext}")
            assert (
                written.read_bytes()
                == (tmp_path / "ici" / figure.stem).with_suffix(f".{ext}").read_bytes()
            )
    drawing.join()


def test_files_that_cannot_be_written_stop_the_conversions(tmp_path: Path) -> None:
    from proceedings.errors import ConvertError
    from proceedings.render.charts import draw_apart

    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier", encoding="utf-8")
    _, drawing = draw_apart(synthesis(), tags(), blocked, NAMES)
    assert drawing is not None
    with pytest.raises(ConvertError, match="graphiques"):
        drawing.wait()
    with pytest.raises(ConvertError):
        drawing.join()


def test_a_chart_is_drawn_again_only_when_its_data_or_its_files_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview builds again at each change: a figure whose data is the same and whose
    files are as this process wrote them is not drawn again; the files are always those of
    the data given."""
    from proceedings.render import charts

    drawn: list[str] = []
    save = charts._save

    def counted(chart: object, base: Path, figure: Figure, raster: bool = True) -> None:
        drawn.append(figure.id)
        save(chart, base, figure, raster)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "_save", counted)
    monkeypatch.setattr(charts, "_WRITTEN", {})
    out = tmp_path / "sortie"
    figures = draw(synthesis(), tags(), out, NAMES)
    assert drawn == ["themes-sessions", "mots-cles", "temps-de-parole"]
    first = {f.id: (out / f.stem).with_suffix(".svg").read_bytes() for f in figures}

    drawn.clear()
    assert draw(synthesis(), tags(), out, NAMES) == figures
    assert drawn == []  # nothing changed

    drawn.clear()
    draw(synthesis(), tags(keyphrases=6), out, NAMES)  # two more keyphrases
    assert drawn == ["mots-cles"]
    assert (out / ".travail/figures/mots-cles.svg").read_bytes() != first["mots-cles"]

    drawn.clear()
    (out / ".travail/figures/temps-de-parole.svg").write_text("<svg/>", encoding="utf-8")
    (out / ".travail/figures/themes-sessions.png").unlink()
    draw(synthesis(), tags(keyphrases=6), out, NAMES)  # files changed by something else
    assert drawn == ["themes-sessions", "temps-de-parole"]
    assert (out / ".travail/figures/temps-de-parole.svg").read_bytes() == first["temps-de-parole"]

    drawn.clear()
    draw(synthesis(), tags(keyphrases=6), out, NAMES, raster=False)  # no PNG asked
    assert drawn == ["themes-sessions", "mots-cles", "temps-de-parole"]
