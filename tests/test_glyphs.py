"""No missing-glyph box in the PDF: what the fonts cannot draw is named and left out."""

from __future__ import annotations

from proceedings.export import glyphs


def test_characters_the_fonts_draw_are_kept_and_the_others_named() -> None:
    text = "Éléments « clés » : 12 500 € — œuvre, ★ ✓ → 😀 ; puis 🙂 et ✅ 🥕 🙂\u200d\ufe0f"
    assert glyphs.missing(text) == ["🙂", "✅", "🥕"]
    assert glyphs.described(["🙂"]) == "« 🙂 » (U+1F642)"
    assert glyphs.drawable(text).endswith("😀 ; puis  et   \u200d\ufe0f")
    # full-width letters are drawn as plain ones, never named nor dropped
    assert glyphs.missing("ＶＡＬＡＤＥ") == [] and glyphs.drawable("ＶＡＬＡＤＥ") == "VALADE"
