"""Plain-text notes: paragraphs separated by blank lines, dashes or bullets for lists.

A first line on its own, short and without final punctuation, is the note's title.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from proceedings.errors import Diagnostics
from proceedings.model import Block, Note, Span
from proceedings.read.readers import subtitles
from proceedings.read.readers.decode import decode, encoding_conversion
from proceedings.read.readers.frontmatter import ignored_keys, read_header, titled
from proceedings.structure.speakers import recurring_labels, split_label

_BULLET = re.compile(r"^\s*[-*+•]\s+(?=\[)")  # "- [0.0, 4.2] …": a segment in a list
_ITEM = re.compile(r"^(\s*)(?:[-*•–]|(\d{1,9})[.)])\s+(.*)$")
_END_PUNCT = tuple(".;,:…")


def read(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    meta, body, offset = read_header(text, shown, diag)
    blocks, cues = timed_runs(body.split("\n"), offset, path, shown, _blocks, diag)
    # a transcript when most of its lines are timed; a title or a summary around them
    # does not change that, and timed lines in notes are read as a transcript's turns
    lines = sum(1 for line in body.split("\n") if line.strip())
    fmt = "whisper" if lines and cues * 2 > lines else "texte"
    return Note(
        path=path,
        shown=shown,
        format=fmt,
        meta=meta,
        blocks=tuple(titled(_titles(blocks), meta)),
        encoding=encoding,
        conversions=encoding_conversion(encoding) + ignored_keys(meta),
        cues=cues,
    )


def timed_runs(
    lines: list[str],
    offset: int,
    path: str,
    shown: str,
    other: Callable[[str, int], list[Block]],
    diag: Diagnostics,
    code: frozenset[int] = frozenset(),
) -> tuple[list[Block], int]:
    """Blocks of a text where runs of timed lines (speech-to-text segments) are read as a
    transcript's turns and the rest by ``other``; with the number of timed lines. A list
    bullet before a timed line is allowed; lines numbered in ``code`` are never timed."""
    blocks: list[Block] = []
    run: list[subtitles.Cue] = []
    rest: list[str] = []
    rest_start = offset
    count = 0

    def flush_rest() -> None:
        if any(line.strip() for line in rest):
            blocks.extend(other("\n".join(rest), rest_start))
        rest.clear()

    def flush_run() -> None:
        if run:
            blocks.extend(subtitles.from_cues(run, path, shown, "whisper", "").blocks)
            run.clear()

    for number, line in enumerate(lines, start=offset + 1):
        timed = _BULLET.sub("", line, count=1)
        cue = (
            subtitles.timed_cue(timed, number, shown, diag)
            if timed.startswith("[") and number not in code
            else None
        )
        if cue is not None:
            if not run:
                flush_rest()
            run.append(cue)
            count += 1
        elif run and not line.strip():
            continue  # blank lines between segments
        else:
            flush_run()
            if not rest:
                rest_start = number - 1
            rest.append(line)
    flush_run()
    flush_rest()
    return blocks, count


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
                    (Span(item[3].strip()),),
                    level=min(depth, 3),
                    ordered=item[2] is not None,
                    number=int(item[2] or 0),
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
                number=last.number,
                line=last.line,
            )
        else:
            if not paragraph:
                start = number
            paragraph.append(line)
    flush()
    return blocks


def _titles(blocks: list[Block]) -> list[Block]:
    """A short line on its own, without final punctuation and followed by text, is a title:
    the note's title when it comes first, a section title otherwise."""
    voices = set(recurring_labels(b.text for b in blocks))
    for i, block in enumerate(blocks[:-1]):
        if not block.start and _is_title(block, voices) and blocks[i + 1].kind != "heading":
            blocks[i] = Block("heading", block.spans, level=1 if i == 0 else 2, line=block.line)
    return blocks


def _is_title(block: Block, voices: set[str]) -> bool:
    text = block.text.strip()
    return (
        block.kind == "paragraph"
        and len(text) <= 90
        and "\n" not in text
        and not text.endswith(_END_PUNCT)
        and "«" not in text
        # "Un participant : d’accord" or "EZ : non" (initials of a debate) is a short turn
        and split_label(text, voices.__contains__) is None
    )
