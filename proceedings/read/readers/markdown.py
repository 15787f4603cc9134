"""Markdown notes (CommonMark, as pads, editors and site generators write them), read with
markdown-it-py.

HTML inside a note is structure, never text: tags are dropped and their content kept
(``<br>`` a line break, ``<b>``/``<strong>`` and ``<i>``/``<em>`` emphasis, ``<details>``,
``<summary>``, ``<div>``, ``<span>``, ``<a>`` unwrapped), comments, scripts, styles and
embedded frames dropped whole; a block of HTML is read again as Markdown, so that a heading
written inside ``<summary>`` is a heading. Nothing of it is ever executed or printed.
Site generators' own syntax is not text either: Liquid and Hugo tags (``{% … %}``,
``{{ … }}``, ``{{< … >}}``) are dropped, and MkDocs admonitions (``!!! note "Titre"``,
``??? …``) become their title in bold followed by their paragraphs.
"""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Block, BlockKind, Note, Span
from proceedings.read.readers.decode import decode, encoding_conversion
from proceedings.read.readers.frontmatter import ignored_keys, read_header, titled
from proceedings.read.readers.text import timed_runs
from proceedings.render.typography import web_address

# markdown-it stops reading (and drops the text) past maxNesting levels, and recurses once
# per level: deep lists and quotes are flattened to MAX_DEPTH levels before parsing, so that
# no text is lost and no stack overflows; the limit is then never reached.
MAX_DEPTH = 30
_PARSER = MarkdownIt("commonmark", {"maxNesting": 4 * MAX_DEPTH})
_INDENT = re.compile(r"^([ \t]+)")
_QUOTES = re.compile(r"^((?:[ ]{0,3}>)+)")
_FENCE = re.compile(r"^[ ]{0,3}(```|~~~)")
_ADMONITION = re.compile(r'^[ ]{0,3}(?:!!!|\?\?\?\+?)[ \t]+([\w-]+)(?:[ \t]+"([^"\n]*)")?[ \t]*$')
# MkDocs/Material admonition types, in French (a title given in the file wins).
ADMONITIONS = {
    "note": "Note",
    "abstract": "Résumé",
    "summary": "Résumé",
    "tldr": "Résumé",
    "info": "Information",
    "todo": "À faire",
    "tip": "Astuce",
    "hint": "Astuce",
    "important": "Important",
    "success": "Réussite",
    "check": "Réussite",
    "done": "Fait",
    "question": "Question",
    "help": "Question",
    "faq": "Question",
    "warning": "Attention",
    "caution": "Attention",
    "attention": "Attention",
    "failure": "Échec",
    "fail": "Échec",
    "missing": "Manquant",
    "danger": "Danger",
    "error": "Erreur",
    "bug": "Anomalie",
    "example": "Exemple",
    "quote": "Citation",
    "cite": "Citation",
}
# Elements whose content is code or an embedded object, never text of the note.
_HIDDEN = frozenset(
    {
        "script",
        "style",
        "template",
        "iframe",
        "object",
        "embed",
        "noscript",
        "svg",
        "math",
        "video",
        "audio",
        "canvas",
        "head",
        "title",
    }
)
# Elements that end a paragraph (in a block of HTML).
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "details",
        "summary",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "figure",
        "figcaption",
        "blockquote",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "pre",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "center",
        "form",
        "fieldset",
    }
)
_TAG = re.compile(r"^<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
_BOX = "\ue010"  # private use: marks the title of an admonition while it is parsed


def read(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    meta, body, offset = read_header(text, shown, diag)

    def parse(chunk: str, start: int) -> list[Block]:
        text, boxes = _prepare(chunk)
        blocks = _blocks(_PARSER.parse(text), start)
        return [_boxed(b, boxes, start) for b in blocks] if boxes else blocks

    try:
        # speech-to-text segments among the text are a transcript's turns, whatever
        # surrounds them (a title, a summary); never those of a code block
        blocks, cues = timed_runs(
            body.split("\n"), offset, path, shown, parse, diag, _code(body, offset)
        )
    except RecursionError:
        raise SourceError("structure Markdown trop imbriquée pour être lue", shown) from None
    return Note(
        path=path,
        shown=shown,
        format="markdown",
        meta=meta,
        blocks=tuple(titled(blocks, meta)),
        encoding=encoding,
        conversions=encoding_conversion(encoding) + ignored_keys(meta),
        cues=cues,
    )


def _code(body: str, offset: int) -> frozenset[int]:
    """The file lines inside fenced code blocks."""
    inside, fence = set(), ""
    for number, line in enumerate(body.split("\n"), start=offset + 1):
        if m := _FENCE.match(line):
            mark = m[1][0] * 3
            if not fence:
                fence = mark
            elif m[1].startswith(fence):
                fence = ""
            inside.add(number)
        elif fence:
            inside.add(number)
    return frozenset(inside)


def _boxed(block: Block, boxes: list[tuple[int, int]], start: int) -> Block:
    """The block, marked with the admonition it is in (its first line in the file)."""
    for first, last in boxes:
        if start + first <= block.line <= start + last:
            return dataclasses.replace(block, box=start + first)
    return block


def _prepare(body: str) -> tuple[str, list[tuple[int, int]]]:
    """The body ready for the parser, with the same number of lines (so that messages give
    the file's lines): site generators' tags dropped and admonitions turned into their title
    and paragraphs, outside code blocks; indentation and quotation marks capped at
    MAX_DEPTH levels. With the lines (first, last, from 1) of each admonition."""
    lines = []
    fence = ""
    admonition = False
    boxes: list[tuple[int, int]] = []
    for number, line in enumerate(body.split("\n"), start=1):
        if m := _FENCE.match(line):
            fence = "" if fence and m[1] == fence else (fence or m[1])
        elif not fence:
            if m := _ADMONITION.match(line):
                title = m[2] if m[2] is not None else ADMONITIONS.get(m[1].lower(), m[1])
                # a heading marked as a box's title (a line of its own, read as a heading,
                # then given back as a bold paragraph by _blocks)
                line = f"###### {_BOX}{_escaped(title)}" if title.strip() else ""
                admonition = True
                boxes.append((number, number))
            elif admonition and (line.startswith(("    ", "\t")) or not line.strip()):
                line = line[4:] if line.startswith("    ") else line[1:]
                if line.strip():
                    boxes[-1] = (boxes[-1][0], number)
            else:
                admonition = False
            line = _without_tags(line)
        lines.append(_capped(line))
    return "\n".join(lines), boxes


def _escaped(text: str) -> str:
    """Plain text that Markdown reads as it is (an admonition's title)."""
    return re.sub(r"([\\`*_{}\[\]<>#+!|~])", r"\\\1", text)


def _without_tags(line: str) -> str:
    """A line without Liquid or Hugo tags (``{% … %}``, ``{{ … }}``, ``{{< … >}}``): a
    generator's instructions, not text. Scanned once from left to right (linear)."""
    if "{%" not in line and "{{" not in line:
        return line
    out = []
    at = 0
    while True:
        starts = [i for i in (line.find("{%", at), line.find("{{", at)) if i >= 0]
        if not starts:
            break
        start = min(starts)
        end = line.find("%}" if line.startswith("{%", start) else "}}", start + 2)
        if end < 0:
            break
        out.append(line[at:start])
        at = end + 2
    out.append(line[at:])
    return "".join(out)


def _capped(line: str) -> str:
    """Indentation and quotation marks capped at MAX_DEPTH levels."""
    if m := _INDENT.match(line):
        width = len(m[1].expandtabs(4))
        if width > 2 * MAX_DEPTH:
            line = " " * (2 * MAX_DEPTH) + line[len(m[1]) :]
    if (m := _QUOTES.match(line)) and m[1].count(">") > MAX_DEPTH:
        line = ">" * MAX_DEPTH + line[len(m[1]) :]
    return line


class _HtmlText(HTMLParser):
    """The text of a block of HTML, as Markdown to read again: tags dropped (a line break
    or a paragraph break for those that end a line or a block), comments and hidden
    elements dropped with their content, the text escaped so that none of it becomes HTML
    again (the characters of Markdown itself stay: « #### Nom » in a summary is a heading).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data.replace("&", "&amp;").replace("<", "&lt;"))


def _html_text(fragment: str) -> str:
    reader = _HtmlText()
    reader.feed(fragment)
    reader.close()
    lines = [line.strip() for line in "".join(reader.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _blocks(tokens: list[Token], offset: int, top: int = 0, nested: bool = False) -> list[Block]:
    """The blocks of a parsed note; ``top``: the level of its highest heading (computed
    here, or given for a block of HTML read again, whose headings belong to the note)."""
    blocks: list[Block] = []
    list_depth = -1
    ordered: list[bool] = []
    numbers: list[int] = []  # the number of the current item of each open list
    fresh = False  # the next text is the first of a list item
    quote_depth = 0
    heading_level = 0
    top_heading = top or min((int(t.tag[1]) for t in tokens if t.type == "heading_open"), default=1)
    for token in tokens:
        line = offset + token.map[0] + 1 if token.map else 0
        match token.type:
            case "bullet_list_open" | "ordered_list_open":
                list_depth += 1
                ordered.append(token.type == "ordered_list_open")
                start = token.attrGet("start") if ordered[-1] else None
                numbers.append(int(start) - 1 if isinstance(start, int | str) else 0)
            case "bullet_list_close" | "ordered_list_close":
                list_depth -= 1
                ordered.pop()
                numbers.pop()
            case "list_item_open":
                numbers[-1] += 1
                fresh = True
            case "blockquote_open":
                quote_depth += 1
            case "blockquote_close":
                quote_depth -= 1
            case "heading_open":
                heading_level = int(token.tag[1]) - top_heading + 1
            case "inline":
                spans = _without_final_break(inline_spans(token.children or []))
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
                if heading_level and spans[0].text.startswith(_BOX):
                    title = "".join(x.text for x in spans).replace(_BOX, "").strip()
                    blocks.append(Block("paragraph", (Span(title, strong=True),), line=line))
                    heading_level = 0
                elif heading_level:
                    blocks.append(Block("heading", spans, level=heading_level, line=line))
                    heading_level = 0
                elif quote_depth:
                    blocks.append(Block("quote", spans, line=line))
                elif list_depth >= 0:
                    number = numbers[-1] if ordered[-1] and fresh else 0
                    blocks.append(
                        Block(
                            "item",
                            spans,
                            level=list_depth,
                            ordered=ordered[-1],
                            number=number,
                            line=line,
                        )
                    )
                    fresh = False
                else:
                    blocks.append(Block("paragraph", spans, line=line))
                blocks.extend(images)
            case "fence" | "code_block":
                content = token.content.strip("\n")
                if content.strip():
                    kind: BlockKind = "quote" if quote_depth else "paragraph"
                    blocks.append(Block(kind, (Span(content),), line=line))
            case "html_block":
                text = _html_text(token.content)
                if not text:
                    continue
                if nested:  # read again once only: what remains is text
                    inner = [Block("paragraph", (Span(html.unescape(text)),), line=line)]
                else:
                    inner = _blocks(_PARSER.parse(text), line - 1, top_heading, nested=True)
                if quote_depth:
                    inner = [
                        Block("quote", b.spans, line=b.line) if b.kind == "paragraph" else b
                        for b in inner
                    ]
                blocks.extend(inner)
    return blocks


def inline_spans(children: list[Token]) -> tuple[Span, ...]:
    """Inline tokens to spans; adjacent spans with the same emphasis are merged. Inline HTML
    is structure: its tags give line breaks and emphasis, or nothing; the content of hidden
    elements (scripts, frames…) and comments are dropped."""
    spans: list[Span] = []
    strong = emph = 0
    hidden = 0
    link = ""  # the address of the link the text is in
    expansion = ""  # the title of the <abbr> the text is in
    for child in children:
        if child.type == "html_inline":
            closing, tag = _inline_tag(child.content)
            if tag in _HIDDEN:
                hidden = max(0, hidden + (-1 if closing else 1))
            elif tag == "br":
                _push(spans, "\n", strong, emph, link)
            elif tag in ("b", "strong"):
                strong = max(0, strong + (-1 if closing else 1))
            elif tag in ("i", "em"):
                emph = max(0, emph + (-1 if closing else 1))
            elif tag == "a":
                link = "" if closing else web_address(_attribute(child.content, "href"))
            elif tag == "abbr" and not closing:
                expansion = _attribute(child.content, "title").strip()
            elif tag == "abbr" and expansion:
                # « ODD (objectifs de développement durable) »: the reader sees what the
                # author defined, and the glossary finds the acronym with its expansion
                _push(spans, f" ({expansion})", strong, emph, link)
                expansion = ""
            continue
        if hidden and child.type in ("text", "code_inline", "softbreak", "hardbreak"):
            continue
        match child.type:
            case "strong_open":
                strong += 1
            case "strong_close":
                strong -= 1
            case "em_open":
                emph += 1
            case "em_close":
                emph -= 1
            case "link_open":
                link = web_address(str(child.attrGet("href") or ""))
            case "link_close":
                link = ""
            case "softbreak":
                _push(spans, " ", strong, emph, link)
            case "hardbreak":
                _push(spans, "\n", strong, emph, link)
            case "text" | "code_inline":
                _push(spans, child.content, strong, emph, link)
            case "image":
                pass  # an image becomes a block of its own, after its paragraph
    return tuple(spans)


def _push(spans: list[Span], text: str, strong: int, emph: int, link: str = "") -> None:
    if not text:
        return
    last = spans[-1] if spans else None
    if last and (last.strong, last.emph, last.link) == (bool(strong), bool(emph), link):
        spans[-1] = Span(last.text + text, bool(strong), bool(emph), link=link)
    else:
        spans.append(Span(text, bool(strong), bool(emph), link=link))


_ATTRIBUTES = {
    name: re.compile(rf"""\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
    for name in ("href", "title")
}


def _attribute(tag: str, name: str) -> str:
    """An attribute of an inline HTML tag (``href`` of ``<a>``, ``title`` of ``<abbr>``),
    entities decoded."""
    m = _ATTRIBUTES[name].search(tag[:4000])
    return html.unescape(next((g for g in m.groups() if g is not None), "")) if m else ""


def _without_final_break(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """A block's text without the backslash of a line break that ends it: GitBook writes
    « S. Gaillac (CRAIG)\\ » before a list, where Markdown keeps the backslash as text."""
    if spans and not spans[-1].footnote and spans[-1].text.endswith("\\"):
        last = dataclasses.replace(spans[-1], text=spans[-1].text[:-1].rstrip())
        spans = (*spans[:-1], last)
    return tuple(s for s in spans if s.text or s.footnote)


def _inline_tag(raw: str) -> tuple[bool, str]:
    """(closing, tag name) of an inline HTML token; (False, "") for a comment and the like."""
    m = _TAG.match(raw)
    if m is None:
        return False, ""
    name = m[2].lower()
    if raw.rstrip().endswith("/>") and name in _HIDDEN:
        return True, ""  # <iframe … /> opens nothing
    return bool(m[1]), name
