"""Documents pandoc reads (Word, LibreOffice, RTF, web pages), turned into a note's blocks.

pandoc parses the file into its JSON syntax tree; this module walks the tree. Tracked
changes are accepted (insertions kept, deletions dropped) and comments left out by pandoc's
``--track-changes=accept``.

A note is untrusted input: pandoc runs in its sandbox (``--sandbox``: it reads the document
given and nothing else — no other file, no ``file://`` or ``http://`` address, no
``<iframe>`` — and opens no network connection), with a bounded heap, in a private
folder. Images stored inside the document are extracted there and kept with the note once
their content is checked (:mod:`proceedings.read.images`); any other image (a link to a file, an
address, a ``data:`` URI) becomes an image block with its ``src``, resolved or refused by
the readers' ``_resolve_images``, which knows the event folder.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypandoc

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Block, BlockKind, Media, Span
from proceedings.read.images import Refused, check_file
from proceedings.render.typography import web_address
from proceedings.support import safeio
from proceedings.support.limits import PANDOC_HEAP_MB, PANDOC_OUT_OF_HEAP
from proceedings.support.safeio import count_text

Json = Any
_GLYPH = re.compile(r"^[•◦▪▫‣●○■□–-]\s+")

# pandoc's heap is bounded (limits.PANDOC_HEAP_MB): a document that does not fit is refused
# with a message rather than taking the machine's memory (tables nested 3,000 deep reach it).


@dataclass(slots=True)
class Parsed:
    """What a document gives: its blocks, its images and its metadata."""

    blocks: list[Block]
    media: list[Media] = field(default_factory=list)
    author: str = ""
    title: str = ""


def parse(
    data: bytes,
    pandoc_format: str,
    suffix: str,
    shown: str,
    what: str,
    lines_are_paragraphs: bool = False,
    diag: Diagnostics | None = None,
) -> Parsed:
    """Run pandoc on the bytes of a document and walk its syntax tree.

    ``what`` names the kind of document in messages ("document Word").
    ``lines_are_paragraphs``: a line break starts a new paragraph, as in pad exports
    (Etherpad writes every line of the pad followed by ``<br>``).
    ``diag`` receives a warning, naming the note, for each image left out.
    """
    with tempfile.TemporaryDirectory(prefix="proceedings-") as tmp:
        source = Path(tmp) / f"source{suffix}"
        source.write_bytes(data)
        media_dir = Path(tmp) / "media"
        command = [
            pypandoc.get_pandoc_path(),
            str(source),
            "-f",
            pandoc_format,
            "-t",
            "json",
            "--sandbox",
            "--track-changes=accept",
            f"--extract-media={media_dir}",
            "+RTS",
            f"-M{PANDOC_HEAP_MB}m",
            "-RTS",
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                check=False,
                timeout=300,
                cwd=tmp,  # nothing of the folder the build was started from is in reach
                env={**os.environ, "LC_ALL": "C.UTF-8"},
            )
        except subprocess.TimeoutExpired:
            raise SourceError(f"{what} trop long à lire (plus de 5 minutes)", shown) from None
        except OSError as exc:
            raise SourceError(
                f"pandoc n’a pas pu être lancé ({safeio.system_message(exc)})", shown
            ) from None
        if done.returncode == PANDOC_OUT_OF_HEAP:
            raise SourceError(
                f"{what} illisible : trop gros ou trop complexe, pandoc a dépassé la mémoire "
                f"qui lui est accordée ({count_text(PANDOC_HEAP_MB)} Mo) ; découpez le "
                "document en plusieurs "
                "fichiers",
                shown,
            )
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = detail[0] if detail else f"code {done.returncode}"
            raise SourceError(f"{what} illisible (pandoc : {reason})", shown)
        walker = _Walker(media_dir, lines_are_paragraphs)
        try:
            tree = json.loads(done.stdout)
            blocks = list(walker.blocks(tree.get("blocks", [])))
            meta = tree.get("meta", {})
            author, title = _meta_text(meta.get("author")), _meta_text(meta.get("title"))
        except RecursionError:
            raise SourceError(f"{what} illisible : structure trop imbriquée", shown) from None
        for name, reason in walker.refused:
            if diag is not None:
                diag.warning(f"image « {name} » non reprise : {reason}", shown)
        return Parsed(blocks, walker.media, author, title)


class _Walker:
    def __init__(self, media_dir: Path, lines_are_paragraphs: bool = False) -> None:
        self.media_dir = media_dir
        self.lines_are_paragraphs = lines_are_paragraphs
        self.media: list[Media] = []
        self.refused: list[tuple[str, str]] = []  # (image as named in the document, why)
        self._names: dict[str, str] = {}

    # -- blocks ---------------------------------------------------------------------
    def blocks(self, items: list[Json], depth: int = -1, quote: bool = False) -> Iterator[Block]:
        for item in items:
            yield from self.block(item, depth, quote)

    def block(self, item: Json, depth: int, quote: bool) -> Iterator[Block]:
        kind, content = item.get("t"), item.get("c")
        if kind in ("Para", "Plain"):
            yield from self.paragraph(
                content, "quote" if quote else ("item" if depth >= 0 else "paragraph"), depth
            )
        elif kind == "Header":
            spans = tuple(self.inlines(content[2]))
            if _has_text(spans):
                yield Block("heading", spans, level=content[0])
        elif kind == "BulletList":
            yield from self.list_items(content, depth + 1, ordered=False, quote=quote)
        elif kind == "OrderedList":
            start = content[0][0] if content and content[0] else 1
            yield from self.list_items(
                content[1], depth + 1, ordered=True, quote=quote, start=int(start)
            )
        elif kind == "BlockQuote":
            yield from self.blocks(content, depth, quote=True)
        elif kind in ("Div", "Figure"):
            yield from self.blocks(content[-1], depth, quote)
        elif kind == "LineBlock":
            for line in content:
                yield from self.paragraph(line, "quote" if quote else "paragraph", depth)
        elif kind == "CodeBlock":
            if content[1].strip():
                yield Block("quote" if quote else "paragraph", (Span(content[1]),))
        elif kind == "DefinitionList":
            for term, definitions in content:
                yield from self.paragraph(term, "paragraph", depth, strong=True)
                for definition in definitions:
                    yield from self.blocks(definition, depth, quote)
        elif kind == "Table":
            yield from self.table(content)
        # RawBlock (HTML, scripts, styles) and HorizontalRule carry no note text.

    def list_items(
        self, items: list[list[Json]], depth: int, ordered: bool, quote: bool, start: int = 1
    ) -> Iterator[Block]:
        for index, blocks in enumerate(items):
            first = True
            for block in self.blocks(blocks, depth, quote):
                if block.kind == "item" and block.level == depth:
                    # the item's number as the document shows it (a list may start at 4)
                    number = start + index if ordered and first else 0
                    yield Block("item", block.spans, level=depth, ordered=ordered, number=number)
                    first = False
                else:
                    yield block

    def paragraph(
        self, inlines: list[Json], kind: BlockKind, depth: int, strong: bool = False
    ) -> Iterator[Block]:
        lines: list[list[Span]] = [[]]
        images: list[Block] = []
        for span in self.inlines(inlines, strong=strong, images=images):
            if span.text == "\n" and self.lines_are_paragraphs:
                lines.append([])
            else:
                lines[-1].append(span)
        for spans in lines:
            merged = _merge(spans)
            if not _has_text(merged):
                continue
            if kind == "paragraph" and merged and (m := _GLYPH.match(merged[0].text)):
                # a bullet typed by hand ("• ", "– "), as RTF and many Word files have
                rest = (Span(merged[0].text[m.end() :], merged[0].strong, merged[0].emph),)
                yield Block("item", _merge([*rest, *merged[1:]]), level=0)
            else:
                yield Block(kind, merged, level=max(depth, 0))
        yield from images

    def table(self, content: Json) -> Iterator[Block]:
        _attr, caption, _colspecs, head, bodies, foot = content
        rows: list[tuple[tuple[Span, ...], ...]] = []
        for row in head[1]:
            rows.append(self.row(row))
        for body in bodies:
            for row in [*body[2], *body[3]]:
                rows.append(self.row(row))
        for row in foot[1]:
            rows.append(self.row(row))
        rows = [r for r in rows if any(_has_text(c) for c in r)]
        if rows:
            caption_spans = tuple(s for b in self.blocks(caption[1], -1, False) for s in b.spans)
            yield Block("table", caption_spans, rows=tuple(rows))

    def row(self, row: Json) -> tuple[tuple[Span, ...], ...]:
        cells = []
        for cell in row[1]:
            spans: list[Span] = []
            for block in self.blocks(cell[4], -1, False):
                if spans:
                    spans.append(Span(" "))
                if block.kind == "table":
                    spans.extend(_flattened(block))
                else:
                    spans.extend(block.spans)
            cells.append(_merge(spans))
        return tuple(cells)

    # -- inlines --------------------------------------------------------------------
    def inlines(
        self,
        items: list[Json],
        strong: bool = False,
        emph: bool = False,
        images: list[Block] | None = None,
    ) -> Iterator[Span]:
        for item in items:
            kind, content = item.get("t"), item.get("c")
            if kind == "Str":
                yield Span(content, strong, emph)
            elif kind in ("Space", "SoftBreak"):
                yield Span(" ", strong, emph)
            elif kind == "LineBreak":
                yield Span("\n", strong, emph)
            elif kind == "Strong":
                yield from self.inlines(content, True, emph, images)
            elif kind == "Emph":
                yield from self.inlines(content, strong, True, images)
            elif kind in ("Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
                yield from self.inlines(content, strong, emph, images)
            elif kind == "Quoted":
                yield Span("« ", strong, emph)
                yield from self.inlines(content[1], strong, emph, images)
                yield Span(" »", strong, emph)
            elif kind in ("Cite", "Span"):
                yield from self.inlines(
                    content[-1] if kind == "Span" else content[1], strong, emph, images
                )
            elif kind == "Link":
                address = web_address(str(content[2][0]))
                for span in self.inlines(content[1], strong, emph, images):
                    yield dataclasses.replace(span, link=address) if address else span
            elif kind in ("Code", "Math"):
                yield Span(content[1], strong, emph)
            elif kind == "Note":
                text = " ".join(b.text for b in self.blocks(content, -1, False)).strip()
                if text:
                    yield Span(text, footnote=True)
            elif kind == "Image" and images is not None and (image := self.image(content)):
                images.append(image)
            # RawInline (HTML tags, field codes) carries no text of the note.

    def image(self, content: Json) -> Block | None:
        """An image block: an image stored in the document (extracted by pandoc), checked
        and kept; any other image is left to the event folder's rules by its ``src``."""
        alt = "".join(s.text for s in self.inlines(content[1])).strip()
        spans = (Span(alt),) if alt else ()
        src = str(content[2][0])
        if not src.strip():
            return None
        extracted = self.extracted(src)
        if extracted is None:
            return Block("image", spans, src=src)
        media = self.keep_image(src, extracted)
        return Block("image", spans, media=media) if media else None

    def extracted(self, src: str) -> Path | None:
        """The file pandoc extracted for ``src``, None when ``src`` is not one of them."""
        root = self.media_dir.resolve()
        try:
            resolved = Path(src).resolve()
        except (OSError, ValueError, RuntimeError):
            return None
        return resolved if resolved.is_relative_to(root) else None

    def keep_image(self, src: str, path: Path) -> str:
        """An extracted image, kept under a unique name once its content is checked ("":
        refused, and the reason noted)."""
        if src in self._names:
            return self._names[src]
        shown = path.relative_to(self.media_dir.resolve()).as_posix()
        try:
            checked = check_file(path, shown)
        except Refused as refused:
            self.refused.append((shown, refused.reason))
            self._names[src] = ""
            return ""
        name = f"image{len(self.media) + 1}{checked.suffix}"
        self.media.append(Media(name, checked.data))
        self._names[src] = name
        return name


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    out: list[Span] = []
    for span in spans:
        if (
            out
            and not span.footnote
            and not out[-1].footnote
            and (out[-1].strong, out[-1].emph, out[-1].link) == (span.strong, span.emph, span.link)
        ):
            out[-1] = dataclasses.replace(out[-1], text=out[-1].text + span.text)
        else:
            out.append(span)
    if out and not out[0].footnote:
        out[0] = dataclasses.replace(out[0], text=out[0].text.lstrip())
    if out and not out[-1].footnote:
        out[-1] = dataclasses.replace(out[-1], text=out[-1].text.rstrip())
    return tuple(s for s in out if s.text)


def _has_text(spans: tuple[Span, ...]) -> bool:
    return any(s.text.strip() for s in spans if not s.footnote)


def _flattened(table: Block) -> list[Span]:
    """A table inside a table cell (a building permit's details in a council's minutes), as
    the cell's text: « Demandeur : M. Durand ; Objet : extension d’une grange »."""
    out: list[Span] = []
    for row in table.rows:
        cells = [list(cell) for cell in row if _has_text(cell)]
        if not cells:
            continue
        if out:
            out.append(Span(" ; "))
        for i, cell in enumerate(cells):
            if i:
                out.append(Span(" : " if i == 1 else ", "))
            out.extend(cell)
    return out


def _meta_text(value: Json) -> str:
    """Plain text of a metadata value (MetaInlines, MetaString, MetaList…)."""
    if value is None:
        return ""
    kind, content = value.get("t"), value.get("c")
    if kind == "MetaString":
        return str(content).strip()
    if kind == "MetaInlines":
        return "".join(s.text for s in _Walker(Path()).inlines(content)).strip()
    if kind == "MetaList":
        return ", ".join(t for t in (_meta_text(v) for v in content) if t)
    if kind == "MetaBlocks":
        return " ".join(b.text for b in _Walker(Path()).blocks(content)).strip()
    return ""
