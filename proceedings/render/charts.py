"""Charts of the proceedings: themes by session, keyphrases, speaking shares.

Each figure is drawn with matplotlib's object API (no pyplot, no global backend state
beyond a temporary ``rc_context``) and written twice: as SVG for the HTML and PDF
documents and as a 300 dpi PNG for the DOCX one. Visible text is French, with French
typography; the SVG keeps its text as text (``svg.fonttype = "none"``) so that it can be
searched, copied and read aloud. The same inputs give byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure as MplFigure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from proceedings.model import Synthesis, Tags, Turn
from proceedings.render import palette
from proceedings.support import schedule
from proceedings.support.safeio import atomic_write

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

NBSP = "\u00a0"
NNBSP = "\u202f"
ELLIPSIS = "…"

FIGURES = Path(".travail/figures")  # where the figures go, relative to the output folder
TRANSCRIPT_FORMATS = frozenset({"webvtt", "srt", "whisper"})
TOP = 12  # rows of the heat map, bars of a bar chart
DPI = 300

CM = 1 / 2.54
WIDTH = 6.3  # inches: 16 cm, a whole number of pixels at 300 dpi
INK = palette.RESEAU  # bars, and the dark end of the heat map's ramp
INK_LIGHT = palette.GRAPHIQUE_CLAIR  # the "Autres" bar (also told apart by its label)
TEXT = palette.ENCRE
LINE = palette.GRAPHIQUE_TRAIT
# One hue, lightness falling monotonically (every channel decreases): readable in grey.
RAMP = LinearSegmentedColormap.from_list("proceedings-teal", list(palette.RAMPE))

RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": LINE,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "figure.facecolor": "white",
    "savefig.facecolor": "none",  # transparent: the draft watermark shows through
    "svg.fonttype": "none",  # text stays text: searchable, and read by screen readers
    "svg.hashsalt": "proceedings",  # fixed ids: reproducible SVG
    # Labels are the notes' and the programme's words, never formulas: a name or a
    # keyword with "$" signs is drawn as written (mathtext would parse it, and fail).
    "text.parse_math": False,
}


@dataclass(frozen=True, slots=True)
class Figure:
    """A drawn chart: its files are ``<out>/<stem>.svg`` and ``<out>/<stem>.png``."""

    id: str  # "themes-sessions", "mots-cles", "temps-de-parole"
    stem: Path  # relative to the output folder, without extension
    caption: str  # French caption, for the document
    alt: str  # French alternative text, stating the main values, for screen readers


@dataclass(frozen=True, slots=True)
class _Chart:
    """A figure to draw: what it shows (``data``: everything its drawing depends on) and
    how it is drawn."""

    figure: Figure
    data: tuple[Any, ...]
    make: Callable[[], MplFigure]

    def digest(self, raster: bool) -> str:
        return hashlib.sha256(repr((self.figure, self.data, raster)).encode()).hexdigest()


# The files this process last wrote for each figure, with the digest of what they show:
# a figure whose data has not changed since is not drawn again, while its files are the
# ones written (the preview builds again at each change, and a corrected note seldom
# changes a chart: drawing was a third of its rebuild).
_WRITTEN: dict[Path, tuple[str, tuple[tuple[int, int], ...]]] = {}


def draw(
    synthesis: Synthesis,
    tags: Tags,
    out: Path,
    session_names: dict[str, str],
    raster: bool = True,
) -> tuple[Figure, ...]:
    """Writes each figure twice under out/<stem>: <stem>.svg (vector, for HTML and PDF) and,
    with ``raster`` (a DOCX is made), <stem>.png (300 dpi, for DOCX: half the drawing's
    time). A figure without data is skipped; the figures drawn are returned, in document
    order. A figure this process has already written, with the same data, to files that
    are still as it wrote them, is not drawn again."""
    made = _charts(synthesis, tags, session_names)
    _save_all(made, out, raster, _WRITTEN)
    return tuple(chart.figure for chart in made)


def draw_apart(
    synthesis: Synthesis,
    tags: Tags,
    out: Path,
    session_names: dict[str, str],
    raster: bool = True,
) -> tuple[tuple[Figure, ...], schedule.Background | None]:
    """As :func:`draw`, the files written by a forked process where there is one (drawing
    is most of the work: half a second that then overlaps the master and the conversions):
    the figures are known at once (the master can be written and the conversions started),
    the files once the returned work is waited for; elsewhere, written here and None."""
    if not schedule.can_fork():
        return draw(synthesis, tags, out, session_names, raster), None
    made = _charts(synthesis, tags, session_names)
    saving = schedule.Background(
        lambda: _save_all(made, out, raster), "les graphiques n’ont pas pu être écrits"
    )
    return tuple(chart.figure for chart in made), saving


def _charts(synthesis: Synthesis, tags: Tags, session_names: dict[str, str]) -> list[_Chart]:
    builders: tuple[Callable[[], _Chart | None], ...] = (
        lambda: _themes_sessions(synthesis, tags, session_names),
        lambda: _keyphrases(tags),
        lambda: _speaking(synthesis, session_names),
    )
    return [made for build in builders if (made := build()) is not None]


def _save_all(
    made: list[_Chart],
    out: Path,
    raster: bool,
    written: dict[Path, tuple[str, tuple[tuple[int, int], ...]]] | None = None,
) -> None:
    """Draws and writes the figures; with ``written``, only those whose files are not
    already the ones it records (and records those it writes)."""
    with matplotlib.rc_context(RC):
        for chart in made:
            base = out / chart.figure.stem
            files = [base.parent / f"{base.name}.svg"]
            files += [base.parent / f"{base.name}.png"] if raster else []
            digest = chart.digest(raster)
            if written is not None and written.get(base) == (digest, _stats(files)):
                continue
            _save(chart.make(), base, chart.figure, raster)
            if written is not None:
                written[base] = (digest, _stats(files))


def _stats(files: list[Path]) -> tuple[tuple[int, int], ...]:
    """Size and time of each file (-1 for a missing one): a file changed or removed by
    anything else is written again."""
    found = []
    for path in files:
        try:
            info = path.stat()
            found.append((info.st_size, info.st_mtime_ns))
        except OSError:
            found.append((-1, -1))
    return tuple(found)


# -- data ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThemeTable:
    """Passages per theme (rows, most frequent first) and session (columns, in order)."""

    themes: tuple[str, ...]  # labels
    sessions: tuple[str, ...]  # session ids
    counts: tuple[tuple[int, ...], ...]  # counts[theme][session]
    truncated: bool  # more themes than rows


def theme_table(synthesis: Synthesis, tags: Tags) -> ThemeTable:
    """Counts every passage of a theme, in the session of its note.

    ``tags.themes_by_session`` only keeps each session's first themes, so the counts are
    made from ``tags.passages``. Sessions without notes are left out.
    """
    session_of = {c.note.path: s.session.id for s in synthesis.sessions for c in s.notes}
    sessions = tuple(s.session.id for s in synthesis.sessions if s.notes)
    column = {sid: i for i, sid in enumerate(sessions)}
    themes = sorted(tags.themes, key=lambda t: -t.count)  # stable: keeps tagging's order
    rows: list[tuple[int, ...]] = []
    for theme in themes[:TOP]:
        row = [0] * len(sessions)
        for path, _ in tags.passages.get(theme.key, ()):
            sid = session_of.get(path)
            if sid is not None:
                row[column[sid]] += 1
        rows.append(tuple(row))
    return ThemeTable(
        tuple(t.label for t in themes[:TOP]), sessions, tuple(rows), len(themes) > TOP
    )


@dataclass(frozen=True, slots=True)
class Speaking:
    """Words spoken per speaker in the transcripts, most first, the rest grouped."""

    speakers: tuple[tuple[str, int], ...]  # (name, words), at most TOP
    others: int  # how many speakers are grouped in « Autres »
    others_words: int
    total: int
    sessions: tuple[str, ...]  # ids of the sessions whose transcripts count


LABELLED = 0.5  # share of a transcript's words in labelled turns for it to count


def speaking(synthesis: Synthesis) -> Speaking:
    """Words per speaker name, over the turns of every transcript (WebVTT, SRT, Whisper)."""
    words: Counter[str] = Counter()
    sessions: list[str] = []
    for content in synthesis.sessions:
        for note in content.notes:
            if note.note.format not in TRANSCRIPT_FORMATS:
                continue
            said = Counter[str]()
            for item in note.items:
                if isinstance(item, Turn):
                    said[item.speaker.name] += sum(len(b.text.split()) for b in item.blocks)
            # subtitles without speaker labels (a film, a talk) tell nobody's share; a few
            # labelled cues among them would give one voice the whole recording
            if sum(said.values()) < LABELLED * note.note.words:
                continue
            words.update({k: v for k, v in said.items() if v})
            if said and content.session.id not in sessions:
                sessions.append(content.session.id)
    ranked = sorted(words.items(), key=lambda nw: (-nw[1], nw[0]))
    rest = ranked[TOP:]
    return Speaking(
        tuple(ranked[:TOP]),
        len(rest),
        sum(w for _, w in rest),
        sum(words.values()),
        tuple(sessions),
    )


# -- figures ------------------------------------------------------------------------------


def _themes_sessions(synthesis: Synthesis, tags: Tags, names: dict[str, str]) -> _Chart | None:
    table = theme_table(synthesis, tags)
    if not table.sessions or not any(any(row) for row in table.counts):
        return None
    titles = {s.session.id: s.session.titre for s in synthesis.sessions}
    columns = [names.get(sid) or titles[sid] for sid in table.sessions]
    counts = np.array(table.counts, dtype=float)
    figure = Figure(
        "themes-sessions", FIGURES / "themes-sessions", *_themes_text(table, columns, counts)
    )
    return _Chart(figure, (table, tuple(columns)), lambda: _heat_map(table, columns, counts))


def _heat_map(table: ThemeTable, columns: list[str], counts: np.ndarray) -> MplFigure:
    n_rows, n_cols = counts.shape
    longest = max(len(_shorten(c, 34)) for c in columns)
    height = 1.2 + 0.72 * n_rows + 0.13 * longest  # rotated labels: about 40° of their length
    chart = _new_figure(min(max(height, 4.5), 22.0))
    ax = chart.add_subplot()
    norm = Normalize(0, float(counts.max()))
    ax.pcolormesh(counts, cmap=RAMP, norm=norm, edgecolors="white", linewidth=1.5)
    for r in range(n_rows):
        for c in range(n_cols):
            value = int(counts[r, c])
            if value:
                ax.text(
                    c + 0.5,
                    r + 0.5,
                    _number(value),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color=_ink_on(RAMP(norm(value))),
                )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)  # first theme on top
    ax.set_yticks(np.arange(n_rows) + 0.5, [_wrap(t, 30, 2) for t in table.themes])
    ax.set_xticks(
        np.arange(n_cols) + 0.5,
        [_shorten(c, 34) for c in columns],
        rotation=40,
        ha="right",
        rotation_mode="anchor",
    )
    ax.tick_params(length=0, pad=4)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return chart


def _themes_text(table: ThemeTable, columns: list[str], counts: np.ndarray) -> tuple[str, str]:
    """The heat map's caption and alternative text."""
    n_rows, n_cols = counts.shape
    totals = counts.sum(axis=1).astype(int)
    by_session = counts.sum(axis=0).astype(int)
    best = int(np.argmax(by_session))  # first in programme order on a tie
    cell = np.unravel_index(int(np.argmax(counts)), counts.shape)
    k, m = n_rows, n_cols
    caption = (
        f"Les {k} thèmes les plus fréquents, session par session (nombre de passages)"
        if table.truncated
        else "Les thèmes abordés, session par session (nombre de passages)"
    )
    themes_said = f"les {k} thèmes les plus fréquents" if table.truncated else _count(k, "thème")
    others = [f"{_q(table.themes[i])} ({_number(int(totals[i]))})" for i in range(1, min(k, 3))]
    alt = (
        f"Carte de chaleur croisant {themes_said} (en lignes) et {_count(m, 'session')} "
        f"(en colonnes){NNBSP}; chaque case indique le nombre de passages du thème dans la "
        f"session, et sa couleur est d’autant plus foncée que ce nombre est grand. "
        f"Thème le plus fréquent{NBSP}: {_q(table.themes[0])} "
        f"({_count(int(totals[0]), 'passage')})"
        + (f", puis {_enumerate(others)}" if others else "")
        + f". Session où les thèmes reviennent le plus{NBSP}: {_q(columns[best])} "
        f"({_count(int(by_session[best]), 'passage')}). "
        f"Case la plus forte{NBSP}: {_q(table.themes[int(cell[0])])} dans "
        f"{_q(columns[int(cell[1])])} ({_count(int(counts[cell]), 'passage')})."
    )
    return caption, alt


def _keyphrases(tags: Tags) -> _Chart | None:
    # the best keyphrases, drawn from the most frequent down
    shown = sorted(tags.keyphrases[:TOP], key=lambda t: (-t.count, t.label))
    if not shown or not any(t.count > 0 for t in shown):
        return None
    labels = [t.label for t in shown]
    counts = [t.count for t in shown]
    bars = (labels, counts, [_number(c) for c in counts], [False] * len(shown))
    caption = (
        f"Les {len(shown)} premiers mots-clés des notes et leur nombre d’occurrences"
        if len(tags.keyphrases) > TOP
        else "Les mots-clés des notes et leur nombre d’occurrences"
    )
    listed = _enumerate([f"{_q(t.label)} ({_number(t.count)})" for t in shown])
    alt = (
        (
            f"Diagramme en barres horizontales des {len(shown)} principaux mots-clés des "
            "notes, du plus fréquent au moins fréquent, avec leur nombre "
            f"d’occurrences{NBSP}: {listed}."
        )
        if len(shown) > 1
        else f"Diagramme à une seule barre, le mot-clé principal des notes{NBSP}: {listed}."
    )
    figure = Figure("mots-cles", FIGURES / "mots-cles", caption, alt)
    return _Chart(figure, tuple(tuple(part) for part in bars), lambda: _bars(*bars))


def _speaking(synthesis: Synthesis, names: dict[str, str]) -> _Chart | None:
    data = speaking(synthesis)
    if not data.total:
        return None
    rows = list(data.speakers)
    others = data.others > 0
    if others:
        rows.append((f"Autres ({_count(data.others, 'intervenant')})", data.others_words))
    shares = [100 * w / data.total for _, w in rows]
    bars = (
        [name for name, _ in rows],
        shares,
        [_percent(s) for s in shares],
        [False] * len(data.speakers) + [True] * others,
    )
    titles = {s.session.id: s.session.titre for s in synthesis.sessions}
    quoted = [_q(names.get(sid) or titles[sid]) for sid in data.sessions]
    where = (
        f"la transcription de la session {quoted[0]}"
        if len(quoted) == 1
        else f"les transcriptions des sessions {_enumerate(quoted)}"
    )
    caption = f"La répartition de la parole, en part des mots prononcés, d’après {where}"
    listed = [f"{name} {_percent(s)}" for (name, _), s in zip(data.speakers, shares, strict=False)]
    if data.others == 1:
        listed.append(f"un autre intervenant {_percent(shares[-1])}")
    elif others:
        listed.append(f"les {data.others} autres intervenants {_percent(shares[-1])}")
    alt = (
        "Diagramme en barres horizontales de la part de la parole de chaque intervenant, "
        f"en pourcentage des mots prononcés ({_count(data.total, 'mot')} transcrits) "
        f"d’après {where}{NBSP}: {_enumerate(listed)}."
    )
    figure = Figure("temps-de-parole", FIGURES / "temps-de-parole", caption, alt)
    return _Chart(figure, tuple(tuple(part) for part in bars), lambda: _bars(*bars))


def _new_figure(height_cm: float) -> MplFigure:
    layout = ConstrainedLayoutEngine(w_pad=2 / 72, h_pad=2 / 72)  # 2 pt margins
    chart = MplFigure(figsize=(WIDTH, height_cm * CM), dpi=DPI, layout=layout)
    FigureCanvasAgg(chart)
    return chart


def _bars(
    labels: Sequence[str], values: Sequence[float], texts: Sequence[str], light: Sequence[bool]
) -> MplFigure:
    """Horizontal bars, first on top, each with its value written at its end."""
    n = len(labels)
    chart = _new_figure(max(4.5, 1.0 + 0.62 * n))
    ax: Axes = chart.add_subplot()
    y = np.arange(n)
    ax.barh(y, values, height=0.66, color=[INK_LIGHT if x else INK for x in light])
    top = max(values)
    for yi, value, text in zip(y, values, texts, strict=True):
        ax.text(value + top * 0.012, float(yi), text, ha="left", va="center")
    ax.set_xlim(0, top * 1.14)
    ax.set_ylim(n - 0.5, -0.5)  # first bar on top
    ax.set_yticks(y, [_wrap(label, 38, 2) for label in labels])
    ax.tick_params(axis="y", length=0, pad=5)
    ax.xaxis.set_visible(False)  # values are written on the bars
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_linewidth(0.8)
    return chart


# -- files --------------------------------------------------------------------------------


def _save(chart: MplFigure, base: Path, figure: Figure, raster: bool = True) -> None:
    """SVG then PNG, with the caption and alt text as metadata and no date nor version."""
    svg = io.BytesIO()
    chart.savefig(
        svg,
        format="svg",
        metadata={"Date": None, "Title": figure.caption, "Description": figure.alt},
    )
    atomic_write(base.parent / f"{base.name}.svg", svg.getvalue())
    if not raster:
        return
    png = io.BytesIO()
    chart.savefig(
        png,
        format="png",
        dpi=DPI,
        metadata={"Software": None, "Title": figure.caption, "Description": figure.alt},
    )
    atomic_write(base.parent / f"{base.name}.png", png.getvalue())


# -- French text --------------------------------------------------------------------------


def _q(text: str) -> str:
    return f"«{NBSP}{text}{NBSP}»"


def _number(value: float, decimals: int = 0) -> str:
    """1234.5 -> "1 234,5", with a narrow no-break space between thousands."""
    return f"{value:,.{decimals}f}".replace(",", NNBSP).replace(".", ",")


def _percent(value: float) -> str:
    return f"{_number(value, 1)}{NNBSP}%"


def _count(n: int, noun: str) -> str:
    """ "1 passage", "3 passages"; a plural noun phrase is given as such."""
    if n > 1 and not noun.endswith("s"):
        noun = " ".join(f"{w}s" for w in noun.split())
    return f"{_number(n)}{NBSP}{noun}"


def _enumerate(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def _shorten(text: str, width: int) -> str:
    """The text, cut at a word and ended with « … » if longer than ``width``."""
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(f" {NBSP}{NNBSP},;:-–—(") + ELLIPSIS


def _wrap(text: str, width: int, lines: int) -> str:
    """At most ``lines`` lines of ``width`` characters; the last one shortened if need be."""
    wrapped = textwrap.wrap(text, width, break_on_hyphens=False) or [text]
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], _shorten(rest, width)]
    return "\n".join(wrapped)


def _ink_on(rgba: tuple[float, float, float, float]) -> str:
    """White or dark text, whichever contrasts more with the cell colour."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgba[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    dark = 0.0137  # luminance of TEXT
    return "white" if (1.05 / (luminance + 0.05)) > ((luminance + 0.05) / (dark + 0.05)) else TEXT
