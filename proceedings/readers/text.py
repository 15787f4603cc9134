"""Plain-text notes: paragraphs separated by blank lines, dashes or bullets for lists.

A first line on its own, short and without final punctuation, is the note's title.
"""

from __future__ import annotations

import re

from ..errors import Diagnostics, SourceError
from ..model import Block, Note, Span
from ..speakers import split_label
from . import subtitles
from .decode import decode, encoding_conversion
from .frontmatter import ignored_keys, read_header, titled

_ITEM = re.compile(r"^(\s*)(?:[-*•–]|\d+[.)])\s+(.*)$")
_ORDERED = re.compile(r"^\s*\d+[.)]\s")
_END_PUNCT = tuple(".;,:…")


# Diarised transcripts (WhisperX and similar): "[12.3, 15.2] - SPEAKER_00: texte".
_TIMED = re.compile(r"^\[\s*(\d+(?:\.\d+)?)\s*[,-]\s*(\d+(?:\.\d+)?)\s*\]\s*-?\s*(.*)$")


def read(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    meta, body, offset = read_header(text, shown, diag)
    lines = [line for line in body.split("\n") if line.strip()]
    timed = sum(1 for line in lines if _TIMED.match(line.strip()))
    if lines and timed * 2 > len(lines):
        cues = _timed_cues(body, offset, shown)
        blocks = subtitles.from_cues(cues, path, shown, "whisper", encoding).blocks
        fmt = "whisper"
    else:
        blocks, fmt = tuple(_blocks(body, offset)), "texte"
    return Note(
        path=path,
        shown=shown,
        format=fmt,
        meta=meta,
        blocks=tuple(titled(list(blocks), meta)),
        encoding=encoding,
        conversions=encoding_conversion(encoding) + ignored_keys(meta),
    )


def _timed_cues(body: str, offset: int, shown: str) -> list[subtitles.Cue]:
    cues = []
    for number, line in enumerate(body.split("\n"), start=offset + 1):
        if not line.strip():
            continue
        m = _TIMED.match(line.strip())
        if m is None:
            raise SourceError(
                "ligne sans horodatage « [début, fin] » dans une transcription horodatée",
                shown,
                number,
            )
        start, end = float(m[1]), float(m[2])
        if end < start:
            raise SourceError(f"fin {m[2]} avant le début {m[1]}", shown, number)
        cues.append(subtitles.Cue(start, end, m[3].strip(), "", number))
    return cues


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
    # A short line on its own, without final punctuation and followed by text, is a title:
    # the note's title when it comes first, a section title otherwise.
    for i, block in enumerate(blocks[:-1]):
        if _is_title(block) and blocks[i + 1].kind != "heading":
            blocks[i] = Block("heading", block.spans, level=1 if i == 0 else 2, line=block.line)
    return blocks


def _is_title(block: Block) -> bool:
    text = block.text.strip()
    return (
        block.kind == "paragraph"
        and len(text) <= 90
        and "\n" not in text
        and not text.endswith(_END_PUNCT)
        and "«" not in text
        and split_label(text) is None  # "Un participant : d’accord" is a short turn
    )
