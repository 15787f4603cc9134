"""Characters the PDF's fonts can draw. Typst falls back from Libertinus to DejaVu Sans and
STIX (shipped with matplotlib, already a dependency): together they draw Latin, Greek and
Cyrillic text, arrows, mathematical and many other symbols, some emoji (😀 ★ ✓). What none
of them has (most emoji: 🙂 ✅ 🥕) would print as a missing-glyph box: such characters are
left out of the PDF, and the build names them and the note that holds them.
"""

from __future__ import annotations

import functools
import importlib.util
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from fontTools.ttLib import TTFont

_MATPLOTLIB = importlib.util.find_spec("matplotlib")
assert _MATPLOTLIB is not None and _MATPLOTLIB.origin is not None
# matplotlib's fonts: the charts' font, and the PDF's fallback fonts (given to Typst)
CHART_FONTS = str(Path(_MATPLOTLIB.origin).parent / "mpl-data" / "fonts" / "ttf")

# The fallback fonts of the templates (« font: (…, "DejaVu Sans", "STIXGeneral") »).
FALLBACK_FILES = ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "STIXGeneral.ttf")
# Characters that draw nothing: spaces, joiners, controls (never a box).
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


@functools.cache
def _covered() -> frozenset[int]:
    codes: set[int] = set()
    for name in FALLBACK_FILES:
        path = Path(CHART_FONTS) / name
        if path.is_file():
            codes |= set(TTFont(path, lazy=True)["cmap"].getBestCmap())
    return frozenset(codes)


def _drawn(char: str) -> bool:
    code = ord(char)
    return code < 0x250 or code in _covered() or unicodedata.category(char) in _INVISIBLE


def _compatible(char: str) -> str:
    """What a character is drawn as when the fonts lack it but have its plain form
    (« Ｈ » full width is drawn « H »); "" when they have neither."""
    plain = unicodedata.normalize("NFKC", char)
    return plain if plain != char and all(_drawn(c) for c in plain) else ""


def missing(text: str) -> list[str]:
    """The characters of ``text`` that no font of the PDF draws, even in their plain form,
    in order of first use."""
    lacking = {c for c in set(text) if not _drawn(c) and not _compatible(c)}
    if not lacking:
        return []
    return list(dict.fromkeys(c for c in text if c in lacking))


def drawable(text: str) -> str:
    """``text`` as the PDF draws it: characters in their plain form where the fonts lack
    them (full-width letters), and without those no font has. Each distinct character is
    looked at once: a long document is translated in one pass."""
    table = {ord(c): _compatible(c) for c in set(text) if not _drawn(c)}
    return text.translate(table) if table else text


def described(chars: Iterable[str]) -> str:
    """« 🙂 (U+1F642) », for messages."""
    return ", ".join(f"« {c} » (U+{ord(c):04X})" for c in chars)
