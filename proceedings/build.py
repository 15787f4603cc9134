"""The only orchestrator: a straight line from the event folder to the documents."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import budget, deposit, export, glyphs, schedule, uptodate
from .analysis import Analyser, Cache, load_nlp
from .docx_finish import DocxFinish
from .errors import Diagnostic, Diagnostics
from .export import Converted
from .limits import PROGRAMME_FILE
from .model import Event, Note, Synthesis, Tags
from .privacy import Anonymiser, anonymise, hides_anyone
from .programme import load_programme
from .progress import Progress
from .readers import Found, discover, read_editorial, read_or_report
from .render import (
    ACTES_TITLE,
    EXAMPLE_NOTICE,
    anchor,
    draft,
    heure,
    partners,
    plain,
    render,
    render_actes,
    render_fiche,
    render_report,
    session_name,
)
from .selection import Selection, select
from .settings import PDF_UA, TEMPLATES
from .statuses import apply_statuses
from .store import NoteStore
from .structure import assign
from .tagging import rules, tag
from .typography import french, ordinal
from .vocabulary import load_vocabulary

MASTER = "synthese.md"
ACTES = "actes.md"
REPORT = "bilan-depot.html"
CACHE = ".cache/analyses"
NOTES = ".cache/notes"


@dataclass(frozen=True, slots=True)
class Collected:
    """The event folder read: its files, every note read, and the notes kept, structured."""

    found: tuple[Found, ...]
    notes: tuple[Note, ...]  # read, before empty notes and duplicates are left out
    synthesis: Synthesis
    # hides names in what else is published (paths, messages, the deposit report)
    privacy: Anonymiser = field(default_factory=lambda: Anonymiser(()))
    left_out: dict[str, deposit.FileStatus] = field(default_factory=dict)  # empty, duplicate


@dataclass(frozen=True, slots=True)
class Pages:
    """What the synthesis's PDF took, against the programme's page budget."""

    chapters: int  # pages of the session chapters (proposals included), as measured
    total: int  # pages of the synthesis, cover and annexes included
    budget: int  # « synthese: pages » of the programme
    estimate: float  # what the build expected for the chapters
    actes: int  # pages of the complete proceedings (0: not built)

    def said(self) -> str:
        """The line the command prints."""
        actes = f" ; actes intégraux : {self.actes} pages" if self.actes else ""
        return (
            f"Synthèse : {self.chapters} pages de chapitres pour un budget de {self.budget} "
            f"({self.total} pages en tout{actes})."
        )


@dataclass(frozen=True, slots=True)
class BuildResult:
    synthesis: Synthesis | None  # None when nothing had changed since the last build
    report: deposit.Report | None
    outputs: tuple[Path, ...]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    replayed: tuple[Diagnostic, ...] = ()  # the last build's messages, when nothing changed
    pages: Pages | None = None  # the synthesis's pages against its budget (PDF built)

    @property
    def up_to_date(self) -> bool:
        return self.synthesis is None


def collect(
    event_dir: Path,
    diag: Diagnostics,
    jobs: int = 1,
    store: NoteStore | None = None,
    nlp: Callable[[], Any] = load_nlp,
) -> Collected:
    """Programme and notes, read, screened and structured (what ``check`` reports on).

    With ``jobs`` > 1, files are read side by side (the documents pandoc reads are the slow
    ones); messages keep the order of the files. ``nlp`` loads the French model, to find
    the people named in the notes of an anonymous session (only called if there is one).

    The note ``store`` keeps notes as read, names included: when anyone is hidden it is
    not used and is emptied, so that the output folder holds no hidden name; otherwise
    the entries of files that changed or went away are removed.
    """
    programme = event_dir / PROGRAMME_FILE
    event, warnings = load_programme(programme, programme.as_posix())
    diag.extend(warnings)
    found = discover(event_dir, diag)
    if store is not None and hides_anyone(event):
        store.purge()
        store = None

    def read_one(f: Found) -> tuple[Note | None, Diagnostics]:
        local = Diagnostics()
        return read_or_report(f, local, store), local

    # readers mostly wait for pandoc (a process of its own): twice as many as processors
    results = schedule.in_threads(read_one, found, 2 * jobs)
    read = []
    for note, local in results:
        diag.extend(local)
        if note is not None:
            read.append(note)
    read = apply_statuses(read, event_dir, diag)
    # Names to hide are replaced before any other stage reads the notes.
    event, read, privacy = anonymise(event, read, ((f.rel, f.shown) for f in found), nlp)
    if store is not None:
        if privacy:  # a note's header hides someone
            store.purge()
        else:
            store.sweep()
    screened = deposit.screen(read, diag)
    for note in screened.kept:
        text = "".join(s.text for b in note.blocks for s in b.spans) + "".join(
            s.text for b in note.blocks for row in b.rows for cell in row for s in cell
        )
        if lost := glyphs.missing(text):
            diag.warning(
                f"caractères qu’aucune police du PDF ne dessine, retirés du PDF (gardés en "
                f"DOCX et HTML) : {glyphs.described(lost)}",
                note.shown,
            )
    synthesis = Synthesis(event=event, sessions=assign(screened.kept, event, diag))
    return Collected(tuple(found), tuple(read), synthesis, privacy, screened.left_out)


def check(
    event_dir: Path, out: Path, diag: Diagnostics, templates: Path = TEMPLATES
) -> deposit.Report:
    """The deposit report, written to ``out/bilan-depot.html`` without the hidden names;
    returned with the real paths, for the terminal (the editor looks for the files)."""
    collected = collect(event_dir, diag)
    vocabulary = load_vocabulary(templates, event_dir, diag)
    report = _report(event_dir, collected, diag, rules(vocabulary))
    export.write_text(out / REPORT, render_report(collected.privacy.report(report), templates))
    return report


def build(
    event_dir: Path,
    out: Path,
    formats: tuple[str, ...],
    diag: Diagnostics,
    templates: Path = TEMPLATES,
    analyser: Analyser | None = None,
    pdf_standards: tuple[str, ...] = PDF_UA,
    jobs: int = 1,
    progress: Progress | None = None,
    force: bool = False,
    fingerprint: str = "",
) -> BuildResult:
    """The whole line: read, structure, tag, select, draw, render, convert.

    When nothing that a build reads has changed since the last one (same files, templates,
    code and options) and its documents are all there, nothing is redone and the last
    build's messages are given again. ``fingerprint``: the inputs' digest, when the caller
    has already computed it.
    """
    clock = _Clock()
    fingerprint = fingerprint or uptodate.fingerprint(event_dir, templates, formats, pdf_standards)
    if not force and (previous := uptodate.unchanged(out, fingerprint)) is not None:
        return BuildResult(None, None, previous[0], clock.times, previous[1])
    progress = progress or Progress()
    cache = Cache(out / CACHE)
    # the French model, loaded at most once in this process (anonymous sessions, analysis)
    nlp: Callable[[], Any] = analyser.nlp if analyser is not None else functools.cache(load_nlp)
    vocabulary_diag = Diagnostics()
    early = analyser is None and jobs > 1 and cache.empty()
    if early:
        # A first build analyses every note: the analysis processes start now and load the
        # model while the notes are read (1.3 s each, on the other processors).
        vocabulary = load_vocabulary(templates, event_dir, vocabulary_diag)
        analyser = Analyser(vocabulary, cache, jobs=jobs, progress=progress)
        analyser.start()
    # matplotlib (0.4 s to import) comes after: the analysis processes start sooner
    from . import charts

    try:
        with clock("lecture"):
            collected = collect(event_dir, diag, jobs, NoteStore(out / NOTES), nlp)
        diag.extend(vocabulary_diag)  # reported after the notes, as when read below
        synthesis = collected.synthesis
        event = synthesis.event
        for path in uptodate.retire(out, collected.privacy.digest()):
            diag.warning(
                "retiré : fait avant un changement des personnes publiées sans leur nom, il "
                "pourrait en nommer une (reconstruisez-le)",
                path,
            )
        if analyser is None:
            vocabulary = load_vocabulary(templates, event_dir, diag)
            analyser = Analyser(vocabulary, cache, loader=nlp, jobs=jobs, progress=progress)
        with clock("étiquetage"):
            # labels from the editor's files (thesaurus, rules) may name someone too
            tags = collected.privacy.tags(tag(synthesis, analyser))
            selection = select(synthesis.sessions, tags, analyser)
        # analyses this build did not use go: texts changed, or analysed before a name
        # was hidden
        for used in {id(c): c for c in (cache, analyser.cache) if c is not None}.values():
            used.sweep()
    finally:
        if early and analyser is not None:
            analyser.close()
    with clock("graphiques"):
        names = {s.id: session_name(s) for s in event.sessions}
        # with --jobs, the files are written by another process while the master is
        # written and the conversions start; each conversion waits for them before reading
        drawing = None
        if jobs > 1:
            figures, drawing = charts.draw_apart(synthesis, tags, out, names)
        else:
            figures = charts.draw(synthesis, tags, out, names)
    images = drawing.wait if drawing is not None else None
    with clock("rédaction"):
        editorial = read_editorial(event_dir, diag)
        if editorial is not None:
            editorial = collected.privacy.note(editorial)
        master = out / MASTER
        notes = [c.note for c in synthesis.notes]
        export.write_media([*notes, editorial] if editorial else notes, out)
        # the session chapters within the page budget: condensed more, or less, as their
        # rendering needs (see budget.fit)
        plan, text, estimate = budget.fit(
            synthesis,
            selection,
            lambda p: render(synthesis, tags, templates, selection, figures, editorial, p),
            anchor(event.sessions[0].id),
        )
        export.write_text(master, text)
        actes = out / ACTES
        export.write_text(actes, render_actes(synthesis, tags, templates))
    outputs = [master, actes]
    conversions: list[schedule.Task[Converted]] = []
    for source, stem, label in ((master, "synthese", ""), (actes, "actes", ACTES_TITLE)):
        conversions += _conversions(
            source,
            out / stem,
            formats,
            templates,
            event,
            pdf_standards,
            images,
            _docx_spec(synthesis, tags, label),
            suffix="" if not label else " (actes)",
        )
    if "fiches" in formats:
        conversions.append(
            schedule.Task(
                "fiches",
                schedule.after(
                    images,
                    lambda: _fiches(synthesis, tags, selection, templates, out, pdf_standards),
                ),
            )
        )
    # The conversions are independent: with --jobs they run side by side (pandoc and typst
    # do their work outside Python's lock).
    with clock("conversions"), progress.bar(len(conversions), "Conversions") as bar:
        for name, converted, seconds in schedule.side_by_side(conversions, jobs):
            clock.times[f"conversion {name}"] = seconds
            outputs += converted.paths
            diag.extend(converted.warnings)
            bar.update()
        if drawing is not None:
            drawing.join()
    pages = None
    if "pdf" in formats:
        pages = _measure(out, event_dir / PROGRAMME_FILE, event, plan, estimate, diag)
    with clock("exports"):
        outputs += export.write_tags(tags, synthesis, out)
        report = collected.privacy.report(_report(event_dir, collected, diag, tags.rules))
        export.write_text(out / REPORT, render_report(report, templates))
        outputs.append(out / REPORT)
    # the messages an unchanged rebuild gives again, as the output files may show them
    uptodate.remember(out, fingerprint, outputs, collected.privacy.diagnostics(diag))
    return BuildResult(synthesis, report, tuple(outputs), clock.times, pages=pages)


def _measure(
    out: Path,
    programme: Path,
    event: Event,
    plan: budget.Plan,
    estimate: float,
    diag: Diagnostics,
) -> Pages:
    """The synthesis's pages, read back from its PDF; a warning says why when the chapters
    are over the budget."""
    first = plain(event.sessions[0].titre)
    chapters, total = export.chapter_pages(out / "synthese.pdf", first)
    actes = export.chapter_pages(out / "actes.pdf", first)[1] if (out / "actes.pdf").exists() else 0
    pages = Pages(chapters, total, event.pages, estimate, actes)
    if chapters > event.pages:
        why = plan.over() or (
            "la mise en page (titres, encadrés, images, tableaux) prend plus de place que prévu"
        )
        diag.warning(
            f"la synthèse dépasse son budget : {chapters} pages de chapitres pour "
            f"{event.pages} demandées (synthese.pages) ; {why}",
            programme,
        )
    return pages


def _conversions(
    master: Path,
    stem: Path,
    formats: tuple[str, ...],
    templates: Path,
    event: Event,
    standards: tuple[str, ...],
    images: Callable[[], None] | None,
    spec: DocxFinish,
    suffix: str,
) -> list[schedule.Task[Converted]]:
    """The conversions of one master document (the synthesis, the proceedings) to
    ``stem``.docx, .pdf and .html, as ``formats`` asks; the DOCX and HTML ones wait for the
    figure files (the PDF's waits itself, after writing its Typst source)."""
    out: list[schedule.Task[Converted]] = []
    if "docx" in formats:
        target = stem.with_suffix(".docx")
        out.append(
            schedule.Task(
                "docx" + suffix,
                schedule.after(
                    images,
                    lambda: _one(export.to_docx, master, target, templates, event, spec),
                ),
            )
        )
    if "pdf" in formats:
        pdf = stem.with_suffix(".pdf")
        out.append(
            schedule.Task(
                "pdf" + suffix,
                lambda: _one(
                    export.to_pdf,
                    master,
                    pdf,
                    templates,
                    event,
                    standards=standards,
                    images=images,
                ),
            )
        )
    if "html" in formats:
        html = stem.with_suffix(".html")
        out.append(
            schedule.Task(
                "html" + suffix,
                schedule.after(
                    images, lambda: _one(export.to_html, master, html, templates, event)
                ),
            )
        )
    return out


def _one(
    convert: Callable[..., Any], master: Path, target: Path, *args: Any, **kwargs: Any
) -> Converted:
    warnings = convert(master, target, *args, **kwargs)
    return Converted((target,), tuple(warnings or ()))


class _Clock:
    """Seconds spent in each stage of a build (for the performance benchmark)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.times[stage] = self.times.get(stage, 0.0) + time.perf_counter() - start


def _fiches(
    synthesis: Synthesis,
    tags: Tags,
    selection: Selection,
    templates: Path,
    out: Path,
    standards: tuple[str, ...],
) -> Converted:
    """One short PDF per session that has notes: out/fiches/NN-id.pdf."""
    written = []
    warnings: list[Diagnostic] = []
    for number, content in enumerate(synthesis.sessions, start=1):
        if not content.notes:
            continue
        name = f"{number:02d}-{content.session.id}"
        master = out / ".travail" / "fiches" / f"{name}.md"
        export.write_text(master, render_fiche(synthesis, tags, selection, content, templates))
        target = out / "fiches" / f"{name}.pdf"
        warnings += export.to_pdf(
            master,
            target,
            templates,
            synthesis.event,
            template="fiche.typ",
            standards=standards,
            toc=False,
        )
        written.append(target)
    return Converted(tuple(written), tuple(warnings))


def _report(
    event_dir: Path, collected: Collected, diag: Diagnostics, keyword_rules: tuple[str, ...]
) -> deposit.Report:
    return deposit.report(
        event_dir.as_posix(),
        list(collected.found),
        list(collected.notes),
        collected.synthesis,
        diag,
        keyword_rules,
        collected.left_out,
    )


def _docx_spec(synthesis: Synthesis, tags: Tags, label: str = "") -> DocxFinish:
    """What python-docx adds to pandoc's DOCX: cover details, header, watermark, properties;
    ``label`` names a document other than the synthesis (« Actes intégraux »)."""
    event = synthesis.event
    title = plain(f"{ordinal(event.edition, plain=True)} {event.titre}")
    cover = [
        ("Couverture détails", f"{ordinal(event.edition, plain=True)} édition"),
        ("Couverture détails", f"De {heure(event.debut)} à {heure(event.fin)}"),
        ("Couverture détails", f"{plain(event.lieu)}, {plain(event.adresse)}"),
        ("Couverture détails", f"Organisation : {plain(event.organisateur)}"),
    ]
    if partners(synthesis):
        cover.append(
            ("Couverture détails", "En partenariat avec " + ", ".join(partners(synthesis)))
        )
    if event.exemple:
        cover.append(("Bandeau exemple", plain(EXAMPLE_NOTICE)))
    if label:
        cover.insert(0, ("Couverture détails", label))
    return DocxFinish(
        title=f"{title} — {label + ' — ' if label else ''}{plain(event.theme)}",
        subject=plain(event.theme),
        author=plain(event.organisateur),
        keywords=tuple(t.label for t in (*tags.themes[:8], *tags.keyphrases[:8])),
        network=plain(event.reseau),
        cover=tuple((style, french(text)) for style, text in cover),
        header=title,
        draft=draft(synthesis),
        created=export.fixed_timestamp(event).replace(tzinfo=None),
    )
