"""The Markdown master to DOCX (pandoc, finished with python-docx), PDF (pandoc's typst
writer, compiled by the typst package) and HTML (pandoc, one self-contained file).

Every output is written beside its final name and renamed when complete, so that a failed
build leaves the previous document in place. Dates embedded in the files are fixed
(``SOURCE_DATE_EPOCH``, else the event's date) so that the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from proceedings.errors import ConvertError, Diagnostic, Severity
from proceedings.export import glyphs, pdfparts
from proceedings.export.docx_finish import DocxFinish, finish
from proceedings.export.glyphs import CHART_FONTS
from proceedings.model import Event, Note, Synthesis, Tags
from proceedings.render import palette
from proceedings.render.master import media_path
from proceedings.settings import PDF_UA
from proceedings.support.limits import PANDOC_HEAP_MB, PANDOC_OUT_OF_HEAP
from proceedings.support.safeio import atomic_output, atomic_write, system_message

PANDOC_READER = "markdown-smart"  # typography is done by the pipeline, in French
# The filter run first on every conversion: only images under the output folder's
# .travail/ are taken (defence in depth; see the file).
IMAGES = Path(__file__).with_name("images.lua")
_SAFE_NAME = re.compile(r"image[0-9]+\.(?:png|jpg|gif)")


def fixed_timestamp(event: Event) -> dt.datetime:
    """The date written into generated files: SOURCE_DATE_EPOCH, else the event day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.combine(event.date, dt.time(12, 0), tzinfo=dt.UTC)


def write_media(notes: Iterable[Note], master_dir: Path) -> None:
    """The images of the notes (and of the editorial), where the master document refers to
    them: under ``.travail/media``, the only images a conversion takes (see ``IMAGES``)."""
    for note in notes:
        for media in note.media:
            if not _SAFE_NAME.fullmatch(media.name):
                continue  # names are the readers' own ("image3.png"): anything else is not
            target = master_dir / media_path(note, media.name)
            if not target.exists() or target.read_bytes() != media.data:
                with atomic_output(target) as tmp:
                    tmp.write_bytes(media.data)


def write_text(target: Path, text: str) -> None:
    atomic_write(target, text)


# pandoc writes with a bounded heap (limits.PANDOC_HEAP_MB: about a fifth slower, only on
# documents that big); a document whose live data does not fit is converted again without
# the bound.


def pandoc(args: list[str], when: dt.datetime) -> None:
    """Run the pandoc shipped in pypandoc-binary; a failure keeps command, code and stderr."""
    command = [pypandoc.get_pandoc_path(), *args]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(when.timestamp()))}
    try:
        done = subprocess.run(
            [*command, "+RTS", f"-M{PANDOC_HEAP_MB}m", "-RTS"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode == PANDOC_OUT_OF_HEAP:
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    except OSError as exc:
        reason = system_message(exc)
        raise ConvertError(f"pandoc n’a pas pu être lancé ({reason})", command) from None
    if done.returncode != 0:
        raise ConvertError(
            "la conversion par pandoc a échoué", command, done.returncode, done.stderr
        )


def pandoc_args(
    kind: str,
    master: Path,
    output: Path,
    templates: Path,
    template: str = "",
    toc: bool = True,
    embedded: bool = True,
) -> list[str]:
    """pandoc's command line for one output of the master ("docx", "html" or "typst"),
    with our templates and filters: the build and the performance benchmark share it.
    ``embedded``: the HTML page carries its images (without: it names them relative to the
    master, for the preview's server; half of pandoc's time on the demo)."""
    args = [
        str(master),
        "-f",
        PANDOC_READER,
        f"--lua-filter={IMAGES}",
        f"--lua-filter={templates / 'classes.lua'}",
        f"--resource-path={master.parent}",
        "-o",
        str(output),
    ]
    if toc:
        args += ["--toc", "--toc-depth=2"]
    if kind == "docx":
        return [
            *args,
            "-t",
            "docx",
            f"--reference-doc={templates / 'reference.docx'}",
            "--default-image-extension=png",
        ]
    if kind == "html":
        return [
            *args,
            "-t",
            "html5",
            "--standalone",
            *palette.pandoc_variables(),
            *(["--embed-resources"] if embedded else []),
            f"--template={templates / (template or 'synthese.html')}",
            "--default-image-extension=svg",
            "--section-divs",
        ]
    # typst-smart: keep the typographic apostrophes (with smart, pandoc writes ' and lets
    # Typst curl it, but PDF bookmarks would keep the straight one).
    return [
        *args,
        "-t",
        "typst-smart",
        "--standalone",
        *palette.pandoc_variables(),
        f"--template={templates / (template or 'synthese.typ')}",
        "--default-image-extension=svg",
    ]


def to_docx(master: Path, target: Path, templates: Path, event: Event, spec: DocxFinish) -> None:
    when = fixed_timestamp(event)
    with atomic_output(target) as tmp:
        pandoc(pandoc_args("docx", master, tmp, templates), when)
        finish(tmp, spec)  # cover, filled contents, headers, watermark, properties
        _fix_zip_dates(tmp, when)


def to_html(
    master: Path, target: Path, templates: Path, event: Event, embedded: bool = True
) -> None:
    with atomic_output(target) as tmp:
        args = pandoc_args("html", master, tmp, templates, embedded=embedded)
        pandoc(args, fixed_timestamp(event))


# The charts' SVG text is set in DejaVu Sans, which matplotlib ships: typst is given that
# folder so that charts keep their font although system fonts are ignored (same PDF
# everywhere).
# (Found without importing matplotlib, which the start of a build does not need.)


@dataclass(frozen=True, slots=True)
class Converted:
    """What a conversion wrote, and what the editor should know about how."""

    paths: tuple[Path, ...]
    warnings: tuple[Diagnostic, ...] = ()


def to_pdf(
    master: Path,
    target: Path,
    templates: Path,
    event: Event,
    template: str = "synthese.typ",
    standards: tuple[str, ...] = PDF_UA,
    toc: bool = True,
    images: Callable[[], object] | None = None,
) -> list[Diagnostic]:
    """pandoc's typst writer with our template, then the typst compiler; images without
    extension are taken as SVG (vector charts in the PDF). The Typst source is kept beside
    the master (hidden), where the paths of the images are valid. ``images``: waits for
    the images, which only Typst reads (pandoc may start before they are written).
    Returns the warnings of a fallback (a long document composed whole)."""
    when = fixed_timestamp(event)
    source = master.parent / f".{master.stem}.typ"
    pandoc(pandoc_args("typst", master, source, templates, template, toc), when)
    _drop_missing_glyphs(source)
    if images is not None:
        images()
    warnings: list[Diagnostic] = []
    with atomic_output(target) as tmp:
        if source.stat().st_size > pdfparts.SPLIT_CHARS:
            failure = _in_parts(source, tmp, master.parent, standards, int(when.timestamp()))
            if failure is None:
                return warnings
            warnings.append(
                Diagnostic(
                    Severity.WARNING,
                    f"composition du PDF par parties impossible ({failure}) : composé d’un "
                    "seul tenant, sans la borne de mémoire des parties",
                    target.name,
                )
            )
        job = pdfparts.Job(
            str(source),
            str(tmp),
            str(master.parent),
            (CHART_FONTS,),
            standards,
            int(when.timestamp()),
            {},
        )
        try:
            pdfparts.run(job)
        except pdfparts.CompileError as exc:
            message = "la composition du PDF par typst a échoué"
            raise ConvertError(
                f"{message} : {exc.message}" if exc.message else message,
                ["typst", "compile", str(source)],
                None,
                exc.details,
            ) from None
        except OSError as exc:
            raise ConvertError(
                f"la composition du PDF n’a pas pu être lancée ({system_message(exc)})",
                ["typst", "compile", str(source)],
            ) from None
    return warnings


def _drop_missing_glyphs(source: Path) -> None:
    """The characters no font of the PDF draws are left out of its Typst source (the build
    has told which notes hold them): never a missing-glyph box in the PDF."""
    text = source.read_text(encoding="utf-8")
    if (drawn := glyphs.drawable(text)) != text:
        atomic_write(source, drawn.encode("utf-8"))


def _in_parts(
    source: Path, target: Path, root: Path, standards: tuple[str, ...], timestamp: int
) -> str | None:
    """A very long document composed in parts (see :mod:`proceedings.export.pdfparts`); what went
    wrong when that fails (the document is then composed whole, and the build says so)."""
    job = pdfparts.Job(
        str(source), str(target), str(root), (CHART_FONTS,), standards, timestamp, {}
    )
    with pdfparts.work_folder(root) as work:
        try:
            pdfparts.compose(source, target, job, Path(work))
        except pdfparts.PartsError as exc:
            return exc.message or "erreur de typst"
        except OSError as exc:
            return system_message(exc)
        except Exception as exc:  # a fault of the parts' machinery: the whole still works
            return f"{type(exc).__name__} : {exc}"
    return None


def _fix_zip_dates(path: Path, when: dt.datetime) -> None:
    """Rewrite a DOCX with a fixed date on every member (zip stores local file times)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(path) as src:
        members = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)


# -- tags ---------------------------------------------------------------------------------------

TAG_COLUMNS = ("tag", "kind", "lemma", "count", "sessions", "notes")


def write_tags(tags: Tags, synthesis: Synthesis, out: Path) -> list[Path]:
    """``mots-cles.json`` and ``mots-cles.csv``: every tag with where it appears."""
    rows = [
        {
            "tag": t.label,
            "kind": t.kind,
            "lemma": t.key,
            "count": t.count,
            "sessions": list(t.sessions),
            "notes": list(t.notes),
            **({"expansion": t.detail} if t.detail else {}),
        }
        for t in tags.all()
    ]
    document = {
        "evenement": synthesis.event.titre,
        "tags": rows,
        "par_session": {sid: [t.label for t in ts] for sid, ts in tags.by_session.items()},
        "themes_par_session": {
            sid: [t.label for t in ts] for sid, ts in tags.themes_by_session.items()
        },
        "par_note": {path: [t.label for t in ts] for path, ts in tags.by_note.items()},
    }
    json_path, csv_path = out / "mots-cles.json", out / "mots-cles.csv"
    write_text(json_path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TAG_COLUMNS)
    for t in tags.all():
        writer.writerow([t.label, t.kind, t.key, t.count, ";".join(t.sessions), ";".join(t.notes)])
    write_text(csv_path, buffer.getvalue())
    return [json_path, csv_path]


def chapter_pages(pdf: Path, first: str, end: str = "Annexes") -> tuple[int, int]:
    """(pages of the session chapters, pages in all) of a PDF the build wrote, read from its
    bookmarks: from the chapter titled ``first`` to the one titled ``end`` (or the end).
    (0, pages) when the bookmarks do not name the first chapter."""
    from pypdf import PdfReader  # only when a PDF was built

    reader = PdfReader(str(pdf))
    total = len(reader.pages)

    def key(title: str) -> str:
        return re.sub(r"\W+", "", title).casefold()

    starts: dict[str, int] = {}
    for entry in reader.outline:
        if isinstance(entry, list):
            continue  # the sections of a chapter
        page = reader.get_destination_page_number(entry)
        if page is not None:
            starts.setdefault(key(str(entry.title)), page)
    begin = starts.get(key(first))
    if begin is None:
        return 0, total
    return starts.get(key(end), total) - begin, total
