"""Markdown notes (CommonMark, as pads and editors export it), read with markdown-it-py.

Raw HTML in a note is kept as text: a note is data, never markup to execute.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..errors import Diagnostics
from ..model import Block, Note, Span
from .decode import decode, encoding_conversion
from .frontmatter import read_header

_PARSER = MarkdownIt("commonmark")


def read(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    meta, body, offset = read_header(text, shown, diag)
    blocks = _blocks(_PARSER.parse(body), offset)
    return Note(
        path=path,
        shown=shown,
        format="markdown",
        meta=meta,
        blocks=tuple(blocks),
        encoding=encoding,
        conversions=encoding_conversion(encoding),
    )


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
                if not any(s.text.strip() for s in spans):
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
                _push(spans, child.content or "", strong, emph)
    return tuple(spans)


def _push(spans: list[Span], text: str, strong: int, emph: int) -> None:
    if not text:
        return
    if spans and spans[-1].strong == bool(strong) and spans[-1].emph == bool(emph):
        spans[-1] = Span(spans[-1].text + text, bool(strong), bool(emph))
    else:
        spans.append(Span(text, bool(strong), bool(emph)))
