"""Plain-text notes: paragraphs separated by blank lines, dashes or bullets for lists.

A first line on its own, short and without final punctuation, is the note's title.
"""

from __future__ import annotations

import re

from ..errors import Diagnostics
from ..model import Block, Note, Span
from .decode import decode
from .frontmatter import read_header

_ITEM = re.compile(r"^(\s*)(?:[-*•–]|\d+[.)])\s+(.*)$")
_ORDERED = re.compile(r"^\s*\d+[.)]\s")
_END_PUNCT = tuple(".;,:…")


def read(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    meta, body, offset = read_header(text, shown, diag)
    return Note(
        path=path,
        shown=shown,
        format="texte",
        meta=meta,
        blocks=tuple(_blocks(body, offset)),
        encoding=encoding,
    )


def _blocks(body: str, offset: int) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []
    start = 0

    def flush() -> None:
        if paragraph:
            joined = " ".join(line.strip() for line in paragraph)
            blocks.append(Block("paragraph", (Span(joined),), line=start))
            paragraph.clear()

    lines = body.split("\n")
    for number, raw in enumerate(lines, start=offset + 1):
        line = raw.rstrip()
        item = _ITEM.match(line)
        if not line.strip():
            flush()
        elif item:
            flush()
            depth = len(item[1].expandtabs(4)) // 2
            blocks.append(
                Block(
                    "item",
                    (Span(item[2].strip()),),
                    level=min(depth, 3),
                    ordered=bool(_ORDERED.match(line)),
                    line=number,
                )
            )
        elif blocks and blocks[-1].kind == "item" and raw[:1].isspace() and not paragraph:
            last = blocks[-1]  # continuation line of a list item
            blocks[-1] = Block(
                "item",
                (Span(f"{last.text} {line.strip()}"),),
                level=last.level,
                ordered=last.ordered,
                line=last.line,
            )
        else:
            if not paragraph:
                start = number
            paragraph.append(line)
    flush()
    if len(blocks) > 1 and _is_title(blocks[0]):
        first = blocks[0]
        blocks[0] = Block("heading", first.spans, level=1, line=first.line)
    return blocks


def _is_title(block: Block) -> bool:
    text = block.text.strip()
    return (
        block.kind == "paragraph"
        and len(text) <= 90
        and "\n" not in text
        and not text.endswith(_END_PUNCT)
    )
