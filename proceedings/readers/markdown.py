"""Markdown notes (CommonMark, as pads and editors export it), read with markdown-it-py.

Raw HTML in a note is kept as text: a note is data, never markup to execute.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..errors import Diagnostics, SourceError
from ..model import Block, Note, Span
from .decode import decode, encoding_conversion
from .frontmatter import read_header

# markdown-it stops reading (and drops the text) past maxNesting levels, and recurses once
# per level: deep lists and quotes are flattened to MAX_DEPTH levels before parsing, so that
# no text is lost and no stack overflows; the limit is then never reached.
MAX_DEPTH = 30
_PARSER = MarkdownIt("commonmark", {"maxNesting": 4 * MAX_DEPTH})
_INDENT = re.compile(r"^([ \t]+)")
_QUOTES = re.compile(r"^((?:[ ]{0,3}>)+)")


def read(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    meta, body, offset = read_header(text, shown, diag)
    try:
        blocks = _blocks(_PARSER.parse(_flatten(body)), offset)
    except RecursionError:
        raise SourceError("structure Markdown trop imbriquée pour être lue", shown) from None
    return Note(
        path=path,
        shown=shown,
        format="markdown",
        meta=meta,
        blocks=tuple(blocks),
        encoding=encoding,
        conversions=encoding_conversion(encoding),
    )


def _flatten(body: str) -> str:
    """Indentation and quotation marks capped at MAX_DEPTH levels (same number of lines)."""
    lines = []
    for line in body.split("\n"):
        if m := _INDENT.match(line):
            width = len(m[1].expandtabs(4))
            if width > 2 * MAX_DEPTH:
                line = " " * (2 * MAX_DEPTH) + line[len(m[1]) :]
        if (m := _QUOTES.match(line)) and m[1].count(">") > MAX_DEPTH:
            line = ">" * MAX_DEPTH + line[len(m[1]) :]
        lines.append(line)
    return "\n".join(lines)


def _blocks(tokens: list[Token], offset: int) -> list[Block]:
    blocks: list[Block] = []
    list_depth = -1
    ordered: list[bool] = []
    quote_depth = 0
    heading_level = 0
    top_heading = min((int(t.tag[1]) for t in tokens if t.type == "heading_open"), default=1)
    for token in tokens:
        line = offset + token.map[0] + 1 if token.map else 0
        match token.type:
            case "bullet_list_open" | "ordered_list_open":
                list_depth += 1
                ordered.append(token.type == "ordered_list_open")
            case "bullet_list_close" | "ordered_list_close":
                list_depth -= 1
                ordered.pop()
            case "blockquote_open":
                quote_depth += 1
            case "blockquote_close":
                quote_depth -= 1
            case "heading_open":
                heading_level = int(token.tag[1]) - top_heading + 1
            case "inline":
                spans = inline_spans(token.children or [])
                images = [
                    Block(
                        "image",
                        (Span(c.content),) if c.content else (),
                        src=str(c.attrGet("src") or ""),
                        line=line,
                    )
                    for c in token.children or []
                    if c.type == "image"
                ]
                if not any(s.text.strip() for s in spans):
                    blocks.extend(images)
                    heading_level = 0
                    continue
                if heading_level:
                    blocks.append(Block("heading", spans, level=heading_level, line=line))
                    heading_level = 0
                elif quote_depth:
                    blocks.append(Block("quote", spans, line=line))
                elif list_depth >= 0:
                    blocks.append(
                        Block("item", spans, level=list_depth, ordered=ordered[-1], line=line)
                    )
                else:
                    blocks.append(Block("paragraph", spans, line=line))
                blocks.extend(images)
            case "fence" | "code_block" | "html_block":
                content = token.content.strip("\n")
                if content.strip():
                    kind = "quote" if quote_depth else "paragraph"
                    blocks.append(Block(kind, (Span(content),), line=line))
    return blocks


def inline_spans(children: list[Token]) -> tuple[Span, ...]:
    """Inline tokens to spans; adjacent spans with the same emphasis are merged."""
    spans: list[Span] = []
    strong = emph = 0
    for child in children:
        match child.type:
            case "strong_open":
                strong += 1
            case "strong_close":
                strong -= 1
            case "em_open":
                emph += 1
            case "em_close":
                emph -= 1
            case "softbreak":
                _push(spans, " ", strong, emph)
            case "hardbreak":
                _push(spans, "\n", strong, emph)
            case "text" | "code_inline" | "html_inline":
                _push(spans, child.content, strong, emph)
            case "image":
                pass  # an image becomes a block of its own, after its paragraph
    return tuple(spans)


def _push(spans: list[Span], text: str, strong: int, emph: int) -> None:
    if not text:
        return
    if spans and spans[-1].strong == bool(strong) and spans[-1].emph == bool(emph):
        spans[-1] = Span(spans[-1].text + text, bool(strong), bool(emph))
    else:
        spans.append(Span(text, bool(strong), bool(emph)))
