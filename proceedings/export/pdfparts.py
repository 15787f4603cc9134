"""Composing a very long PDF in parts, within bounded memory.

Typst keeps the whole layout of a document in memory until it writes the PDF: about
350 bytes per character of Typst source, 2.5 GB for the 1,600 pages of a million-word
event. Above :data:`SPLIT_CHARS`, the source that pandoc wrote is therefore composed in
parts, each in its own process, one after the other:

1. the body is cut before top-level chapter headings (``= ``), and before second-level
   headings (``== ``) inside a chapter too long for one part, never inside a block;
2. each part is compiled with the template's ``partie: corps`` input: no cover nor
   contents, the page, footnote and figure counters continuing from the part before, the
   running header given the chapter a part continues; links to a label of another part
   are written ``proceedings:dest:LABEL``;
3. the cover and contents are compiled last (``partie: tete``), the contents built from the
   parts' bookmarks with their page numbers; its links are ``proceedings:sommaire:N``;
4. the parts are joined with pikepdf (qpdf): pages, structure tree (one ``Document``
   element, parent-tree keys and element identifiers renumbered), named destinations,
   bookmarks, page labels; the ``proceedings:`` links become internal links, and the XMP
   page count is corrected. The cover's part gives the catalogue, metadata and
   accessibility entries.

The pages are laid out as in a whole-document composition, except that a part cut inside
a chapter starts a new page and the footer shows « page N » without the total. If
anything in this path fails, the document is composed whole, as below the threshold.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from proceedings.errors import ConvertError
from proceedings.support.safeio import TEMPORARY_FOLDER

SPLIT_CHARS = 2_500_000  # Typst source characters above which the PDF is composed in parts
PART_CHARS = 1_000_000  # body characters per part at most (about 350 MB for Typst)
BODY = "// @@corps\n"  # the template's markers around the body
END = "// @@fin-corps\n"
LINK = "proceedings:"  # the template's prefix for links completed when the parts are joined


class PartsError(ConvertError):
    """The parts could not be composed or joined (the caller composes the whole, and says
    so)."""


class CompileError(PartsError):
    """Typst refused a source: its message, and the diagnostic with its hints."""

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message or details)
        self.message = message
        self.details = details


@dataclass(frozen=True, slots=True)
class Part:
    """A slice of the body and what it continues from."""

    body: str
    continued: bool  # starts inside a chapter (cut at a second-level heading)
    notes: int  # footnotes before it
    figures: int  # image figures before it
    tables: int  # table figures before it


@dataclass(frozen=True, slots=True)
class Job:
    """One Typst compilation, run in its own process."""

    source: str
    output: str
    root: str
    fonts: tuple[str, ...]
    standards: tuple[str, ...]
    timestamp: int
    inputs: dict[str, str]


# -- cutting ------------------------------------------------------------------------------


def split(text: str, limit: int | None = None) -> tuple[str, list[Part], str]:
    """The source's head (template before the body), its body parts of at most ``limit``
    characters where headings allow (:data:`PART_CHARS`), and its tail."""
    limit = limit or PART_CHARS
    try:
        start = text.index(BODY) + len(BODY)
        end = text.index(END, start)
    except ValueError:
        raise PartsError("repères du corps absents du modèle") from None
    head, body, tail = text[:start], text[start:end], text[end:]
    chapters = _cut(body, _cuts(body, level=1))
    slices: list[tuple[str, bool]] = []
    for chapter in chapters:
        if len(chapter) <= limit:
            slices.append((chapter, False))
            continue
        pieces = _pack(_cut(chapter, _cuts(chapter, level=2)), limit)
        slices += [(piece, i > 0) for i, piece in enumerate(pieces)]
    # consecutive chapters share a part while they fit; a part that continues a chapter
    # holds nothing else (its bookmarks all go under that chapter's)
    merged: list[tuple[str, bool]] = []
    for piece, continued in slices:
        if (
            merged
            and not continued
            and not merged[-1][1]
            and len(merged[-1][0]) + len(piece) <= limit
        ):
            merged[-1] = (merged[-1][0] + piece, merged[-1][1])
        else:
            merged.append((piece, continued))
    parts = []
    notes = figures = tables = 0
    for piece, continued in merged:
        parts.append(Part(piece, continued, notes, figures, tables))
        notes += len(re.findall(r"#footnote[\[(]", piece))
        table_count = piece.count("kind: table")
        tables += table_count
        figures += piece.count("#figure(") - table_count
    return head, parts, tail


def _cuts(body: str, level: int) -> list[int]:
    """Offsets of the headings of ``level`` outside any block, raw text or figure."""
    marker = "=" * level + " "
    cuts = []
    depth = 0
    raw = False
    offset = 0
    for line in body.splitlines(keepends=True):
        if line.startswith("```"):
            raw = not raw
        elif not raw:
            if depth == 0 and line.startswith(marker) and offset > 0:
                cuts.append(offset)
            depth += _balance(line)
        offset += len(line)
    return cuts


def _balance(line: str) -> int:
    """Opened minus closed content brackets, escaped brackets and raw text aside (pandoc
    escapes the brackets of the text, so those left open a block, a call or an emphasis)."""
    line = re.sub(r"\\.", "", line)
    line = re.sub(r"`[^`]*`", "", line)
    return line.count("[") - line.count("]")


def _cut(text: str, cuts: Sequence[int]) -> list[str]:
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def _pack(pieces: list[str], limit: int) -> list[str]:
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + len(piece) <= limit:
            packed[-1] += piece
        else:
            packed.append(piece)
    return packed


_LABEL = re.compile(r"<([^<>\s]+)>")
_LINK = re.compile(r'#link\((?:<([^<>\s]+)>|label\("((?:[^"\\]|\\.)*)"\))\)')


def outward_links(body: str) -> str:
    """Links to labels that this part does not hold, written for the joining step."""
    defined = {m[1] for m in _LABEL.finditer(_LINK.sub("", body))}
    defined |= set(re.findall(r'#label\("((?:[^"\\]|\\.)*)"\)', _LINK.sub("", body)))

    def outward(m: re.Match[str]) -> str:
        label = m[1] or m[2]
        if label in defined:
            return m[0]
        return f'#link("{LINK}dest:{label}")'

    return _LINK.sub(outward, body)


# -- composing ----------------------------------------------------------------------------


def compose(source: Path, target: Path, job: Job, work: Path) -> None:
    """Compose ``source`` (over :data:`SPLIT_CHARS`) in parts into ``target``."""
    import pikepdf

    text = source.read_text(encoding="utf-8")
    head, parts, tail = split(text)
    depth = int(m[1]) if (m := re.search(r"#let toc-depth = (\d+)", head)) else 2
    first_page = 1
    chapter = ""
    pdfs: list[Path] = []
    contents: list[dict[str, Any]] = []
    for index, part in enumerate(parts):
        typ = source.with_name(f"{source.stem}-partie-{index + 1}.typ")  # images: same folder
        typ.write_text(head + outward_links(part.body) + tail, encoding="utf-8")
        pdf = work / f"partie-{index + 1}.pdf"
        inputs = {
            "partie": "corps",
            "premiere-page": str(first_page),
            "notes": str(part.notes),
            "figures": str(part.figures),
            "tableaux": str(part.tables),
            "chapitre": chapter if part.continued else "",
        }
        # Typst's PDF/UA-1 check wants a document to begin with a first-level heading: a part
        # that continues a chapter is checked by the other rules only (same tags).
        standards = tuple(x for x in job.standards if not (part.continued and x == "ua-1"))
        _run_once(
            typ, Job(str(typ), str(pdf), job.root, job.fonts, standards, job.timestamp, inputs)
        )
        with pikepdf.open(pdf) as done:
            # a part that continues a chapter has its sections at the top of its bookmarks
            for item in _bookmarks(done, depth - part.continued, part.continued):
                contents.append(
                    {
                        "niveau": item["level"],
                        "titre": item["title"],
                        "page": str(first_page + item["page"]),
                        "partie": index,
                        "index": item["page"],
                        "position": item["position"],
                    }
                )
                if item["level"] == 1:
                    chapter = item["title"]
            first_page += len(done.pages)
        pdfs.append(pdf)
    typ = source.with_name(f"{source.stem}-tete.typ")
    typ.write_text(head + tail, encoding="utf-8")
    cover = work / "tete.pdf"
    entries = [{k: e[k] for k in ("niveau", "titre", "page")} for e in contents]
    inputs = {"partie": "tete", "sommaire": json.dumps(entries, ensure_ascii=False)}
    _run_once(
        typ, Job(str(typ), str(cover), job.root, job.fonts, job.standards, job.timestamp, inputs)
    )
    join(cover, pdfs, contents, target, [p.continued for p in parts])


def _bookmarks(pdf: Any, depth: int, shift: int = 0) -> Iterator[dict[str, Any]]:
    """The part's bookmarks down to ``depth``: title, level, page index and position."""
    import pikepdf

    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    with pdf.open_outline() as outline:

        def walk(items: list[Any], level: int) -> Iterator[dict[str, Any]]:
            for item in items:
                dest = item.destination
                if isinstance(dest, pikepdf.Array) and len(dest) and level <= depth:
                    yield {
                        "title": item.title,
                        "level": level + shift,
                        "page": pages[dest[0].objgen],
                        "position": list(dest)[1:],  # /XYZ left top zoom, as written
                    }
                yield from walk(item.children, level + 1)

        yield from walk(outline.root, 1)


def _run_once(source: Path, job: Job) -> None:
    """Compile a part's source, which is removed afterwards, whatever happens."""
    try:
        run(job)
    finally:
        source.unlink(missing_ok=True)


def run(job: Job) -> None:
    """One Typst compilation in a fresh process. Its memory is given back at the end, and
    Typst's threads are its own: a process forked from one where Typst already ran would
    wait forever for threads that fork did not copy."""
    done = subprocess.run(
        [sys.executable, "-m", "proceedings.export.pdfparts"],
        input=json.dumps(asdict(job)),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        try:
            failure = json.loads(done.stdout.strip().splitlines()[-1])
            raise CompileError(str(failure["message"]), str(failure["details"]))
        except (ValueError, IndexError, KeyError, TypeError):
            raise CompileError("", done.stderr.strip() or f"code {done.returncode}") from None


# -- joining ------------------------------------------------------------------------------


def join(
    cover: Path,
    parts: list[Path],
    contents: list[dict[str, Any]],
    target: Path,
    continued: list[bool],
) -> None:
    """The cover's PDF followed by the parts', as one tagged document; the bookmarks of a
    part that ``continued`` a chapter go under that chapter's."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    out = pikepdf.open(cover)
    sources = [pikepdf.open(p) for p in parts]
    try:
        root = out.Root
        tree = root.StructTreeRoot
        document = tree.K[0] if isinstance(tree.K, Array) else tree.K
        if not isinstance(document.get("/K"), Array):
            document.K = Array([document.K] if "/K" in document else [])
        parent_nums = _flat(tree.ParentTree, "/Nums")
        ids = _flat(tree.get("/IDTree"), "/Names")
        dests = _flat(root.get("/Names", Dictionary()).get("/Dests"), "/Names")
        labels = _flat(root.get("/PageLabels"), "/Nums")
        next_key = int(tree.get("/ParentTreeNextKey", len(parent_nums)))
        outline_items: list[tuple[Any, bool]] = []
        part_pages: list[list[Any]] = []
        for number, src in enumerate(sources, start=1):
            offset = next_key
            first = len(out.pages)
            with warnings.catch_warnings():
                # named destinations are copied below, with the structure tree
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                out.pages.extend(src.pages)
            copied = list(out.pages)[first:]
            part_pages.append(copied)
            for page in copied:
                if "/StructParents" in page:
                    page.StructParents = int(page.StructParents) + offset
                for annot in page.get("/Annots", Array()):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + offset
            src_tree = src.Root.StructTreeRoot
            src_doc = src_tree.K[0] if isinstance(src_tree.K, Array) else src_tree.K
            kids = src_doc.get("/K", Array())
            for kid in kids if isinstance(kids, Array) else [kids]:
                kid = _copy(out, src, kid)
                if isinstance(kid, Dictionary) and "/S" in kid:
                    kid.P = document
                document.K.append(kid)
            for key, value in _pairs(_flat(src_tree.ParentTree, "/Nums")):
                parent_nums += [int(key) + offset, _copy(out, src, value)]
            next_key = offset + int(src_tree.get("/ParentTreeNextKey", 0))
            for key, elem in _pairs(_flat(src_tree.get("/IDTree"), "/Names")):
                renamed = String(f"p{number}-{bytes(key).decode('latin-1')}".encode("latin-1"))
                elem = _copy(out, src, elem)
                elem.ID = renamed
                ids += [renamed, elem]
            for key, value in src_tree.get("/RoleMap", Dictionary()).items():
                if key not in tree.get("/RoleMap", Dictionary()):
                    tree.RoleMap = tree.get("/RoleMap", Dictionary())
                    tree.RoleMap[key] = _copy(out, src, value)
            src_names = src.Root.get("/Names", Dictionary()).get("/Dests")
            for key, value in _pairs(_flat(src_names, "/Names")):
                dests += [key, _copy(out, src, value)]
            for key, value in _pairs(_flat(src.Root.get("/PageLabels"), "/Nums")):
                labels += [int(key) + first, _copy(out, src, value)]
            if "/Outlines" in src.Root and "/First" in src.Root.Outlines:
                item = _copy(out, src, src.Root.Outlines.First)
                while True:
                    outline_items.append((item, continued[number - 1]))
                    if "/Next" not in item:
                        break
                    item = item.Next
        tree.ParentTree = out.make_indirect(Dictionary(Nums=Array(_sorted(parent_nums, int))))
        tree.ParentTreeNextKey = next_key
        if ids:
            tree.IDTree = out.make_indirect(Dictionary(Names=Array(_sorted(ids, bytes))))
        if dests:
            names = root.get("/Names") or Dictionary()
            names.Dests = out.make_indirect(Dictionary(Names=Array(_sorted(dests, bytes))))
            root.Names = names
        if not labels or int(labels[0]) != 0:  # the cover's pages: no number
            labels = [0, Dictionary(Type=Name.PageLabel), *labels]
        root.PageLabels = Dictionary(Nums=Array(_sorted(labels, int)))
        _join_outline(out, outline_items)
        _complete_links(out, contents, part_pages)
        _page_count(out)
        out.save(target, deterministic_id=True, compress_streams=True)
    finally:
        for src in sources:
            src.close()
        out.close()


def _copy(out: Any, src: Any, obj: Any) -> Any:
    """``obj`` of ``src`` in ``out``; pages and objects already copied are not copied again
    (qpdf keeps one copy per source object)."""
    import pikepdf

    if not isinstance(obj, pikepdf.Object) or not isinstance(
        obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream
    ):
        return obj
    if not obj.is_indirect:
        obj = src.make_indirect(obj)
    return out.copy_foreign(obj)


def _flat(tree: Any, key: str) -> list[Any]:
    """The entries of a number or name tree (leaves and intermediate nodes)."""
    if tree is None:
        return []
    found = list(tree.get(key, [])) if key else []
    for kid in tree.get("/Kids", []):
        found += _flat(kid, key)
    return found


def _pairs(flat: list[Any]) -> Iterator[tuple[Any, Any]]:
    return zip(flat[::2], flat[1::2], strict=True)


def _sorted(flat: list[Any], key: Any) -> list[Any]:
    pairs = sorted(_pairs(flat), key=lambda kv: key(kv[0]))
    return [x for pair in pairs for x in pair]


def _join_outline(out: Any, items: list[tuple[Any, bool]]) -> None:
    """One bookmark tree: the parts' top items in order, those of a part that continues a
    chapter under the chapter's item."""
    from pikepdf import Dictionary, Name

    if not items:
        return
    outlines = out.Root.get("/Outlines")
    if outlines is None:
        outlines = out.Root.Outlines = out.make_indirect(Dictionary(Type=Name.Outlines))
    tops: list[Any] = list(_siblings(outlines))
    children: dict[int, list[Any]] = {}
    for item, continued in items:
        if continued and tops:
            children.setdefault(len(tops) - 1, list(_siblings(tops[-1]))).append(item)
        else:
            tops.append(item)
    for index, kids in children.items():
        _chain(tops[index], kids)
    _chain(outlines, tops)
    outlines.Count = sum(1 + max(0, int(item.get("/Count", 0))) for item in tops)


def _siblings(parent: Any) -> Iterator[Any]:
    item = parent.get("/First")
    while item is not None:
        yield item
        item = item.get("/Next")


def _chain(parent: Any, items: list[Any]) -> None:
    """``items`` as the children of ``parent``, in order."""
    for i, item in enumerate(items):
        item.Parent = parent
        for key, other in (("/Prev", i - 1), ("/Next", i + 1)):
            if 0 <= other < len(items):
                item[key] = items[other]
            elif key in item:
                del item[key]
    parent.First = items[0]
    parent.Last = items[-1]
    if parent.get("/Type") != "/Outlines":
        count = sum(1 + max(0, int(item.get("/Count", 0))) for item in items)
        # a closed item keeps a negative count
        parent.Count = -count if int(parent.get("/Count", 0)) < 0 else count


def _complete_links(out: Any, contents: list[dict[str, Any]], part_pages: list[list[Any]]) -> None:
    """``proceedings:`` links become internal links (named or explicit destinations)."""
    from pikepdf import Array, Name, String

    for page in out.pages:
        for annot in page.get("/Annots", Array()):
            action = annot.get("/A")
            if action is None or action.get("/S") != Name.URI:
                continue
            uri = bytes(action.URI).decode("utf-8", "replace")
            if not uri.startswith(LINK):
                continue
            kind, _, value = uri[len(LINK) :].partition(":")
            if kind == "dest":
                annot.Dest = String(value.encode("utf-8"))
            elif kind == "sommaire" and value.isdigit() and int(value) < len(contents):
                entry = contents[int(value)]
                target = part_pages[entry["partie"]][entry["index"]]
                annot.Dest = Array([target.obj, *entry["position"]])
            else:
                continue
            del annot.A


def _page_count(out: Any) -> None:
    """The XMP metadata's page count, which each part wrote for itself."""
    metadata = out.Root.get("/Metadata")
    if metadata is None:
        return
    xmp = metadata.read_bytes()
    fixed = re.sub(
        rb"<xmpTPg:NPages>\d+</xmpTPg:NPages>",
        f"<xmpTPg:NPages>{len(out.pages)}</xmpTPg:NPages>".encode(),
        xmp,
    )
    if fixed != xmp:
        out.Root.Metadata = out.make_stream(fixed, Type=metadata.Type, Subtype=metadata.Subtype)


# -- the compiling process ------------------------------------------------------------------


def _main() -> int:
    """``python -m proceedings.export.pdfparts``: compiles the job read on standard input; on
    failure, prints Typst's message and diagnostic as JSON."""
    import typst

    job = json.loads(sys.stdin.read())
    try:
        typst.compile(
            job["source"],
            output=job["output"],
            root=job["root"],
            ignore_system_fonts=True,
            font_paths=list(job["fonts"]),
            timestamp=job["timestamp"],
            format="pdf",
            pdf_standards=list(job["standards"]),
            sys_inputs=job["inputs"],
        )
    except typst.TypstError as exc:
        details = "\n".join([exc.diagnostic or "", *(exc.hints or [])])
        print(json.dumps({"message": exc.message, "details": details}))
        return 1
    except RuntimeError as exc:
        print(json.dumps({"message": "", "details": str(exc)}))
        return 1
    return 0


def work_folder(near: Path) -> tempfile.TemporaryDirectory[str]:
    """A scratch folder in the output folder (same file system; removed afterwards, or by
    the next build if this one is killed)."""
    scratch = near / TEMPORARY_FOLDER
    scratch.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="parties-", dir=scratch)


if __name__ == "__main__":
    sys.exit(_main())
