"""One palette: the colours are written in proceedings/render/palette.py only, and every colour a
template asks pandoc for is one it gives."""

from __future__ import annotations

import re
from pathlib import Path

from proceedings.render import palette

ROOT = Path(__file__).resolve().parent.parent
HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


def test_no_colour_is_written_outside_the_palette() -> None:
    places = [
        *(ROOT / "proceedings").rglob("*.py"),
        *(p for p in (ROOT / "templates").iterdir() if p.suffix in (".typ", ".html", ".j2")),
        ROOT / "scripts" / "make_reference_docx.py",
    ]
    found = {
        str(p.relative_to(ROOT)): HEX.findall(p.read_text(encoding="utf-8"))
        for p in places
        if p.name != "palette.py"
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_every_colour_a_template_uses_is_given_to_pandoc() -> None:
    given = {o.removeprefix("--variable=").split("=", 1)[0] for o in palette.pandoc_variables()}
    used: set[str] = set()
    for template in (ROOT / "templates").iterdir():
        if template.suffix in (".typ", ".html"):
            used |= set(re.findall(r"\$(couleur-[a-z-]+)\$", template.read_text(encoding="utf-8")))
    assert used, "the templates take their colours from the palette"
    # pandoc writes nothing for a variable it is not given: a colour would vanish unseen
    assert used <= given, used - given
