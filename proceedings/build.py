"""The only orchestrator: a straight line from the event folder to the documents."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proceedings.analyse.analysis import Analyser, Cache, load_nlp
from proceedings.analyse.tagging import rules, tag
from proceedings.analyse.vocabulary import load_vocabulary
from proceedings.errors import Diagnostic, Diagnostics
from proceedings.export import convert, glyphs
from proceedings.export.convert import Converted
from proceedings.export.docx_finish import CoverPhoto, DocxFinish
from proceedings.model import Event, Note, Synthesis, Tags
from proceedings.read import deposit
from proceedings.read.photos import gather
from proceedings.read.programme import load_programme
from proceedings.read.readers import Found, discover, read_editorial, read_or_report
from proceedings.read.statuses import apply_statuses
from proceedings.read.store import NoteStore
from proceedings.render import pictures
from proceedings.render.master import (
    ACTES_TITLE,
    EXAMPLE_NOTICE,
    anchor,
    cover_photo,
    credit_line,
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
from proceedings.render.typography import french, ordinal
from proceedings.select import budget
from proceedings.select.selection import Selection, select
from proceedings.settings import PDF_UA, TEMPLATES
from proceedings.structure.notes import assign
from proceedings.structure.privacy import Anonymiser, anonymise, hides_anyone
from proceedings.support import schedule, uptodate
from proceedings.support.limits import PROGRAMME_FILE
from proceedings.support.progress import Progress

if TYPE_CHECKING:  # matplotlib is imported when the charts are drawn, not before
    from proceedings.render.charts import Figure

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
    editorial: Note | None = None  # editorial.md, its hidden names replaced
    editorial_messages: tuple[Diagnostic, ...] = ()  # told when the masters are written


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
class Automatic:
    """Text of the synthesis the tool chose, which the editor must review before it is
    published: key messages picked from the notes, or a condensed account of them."""

    session: str
    group: str  # "" for the session as a whole
    kind: str  # "messages clés choisis automatiquement", "compte rendu condensé"

    @property
    def place(self) -> str:
        """The session or group, as statuts.yaml names it (« co-developpement/groupe-2 »)."""
        return f"{self.session}/{self.group}" if self.group else self.session


@dataclass(frozen=True, slots=True)
class BuildResult:
    synthesis: Synthesis | None  # None when nothing had changed since the last build
    report: deposit.Report | None
    outputs: tuple[Path, ...]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    replayed: tuple[Diagnostic, ...] = ()  # the last build's messages, when nothing changed
    pages: Pages | None = None  # the synthesis's pages against its budget (PDF built)
    automatic: tuple[Automatic, ...] = ()  # text the tool chose, to be reviewed

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
    notes = [f for f in found if not (f.photo or f.described)]
    results = schedule.in_threads(read_one, notes, 2 * jobs)
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
    told = Diagnostics()
    editorial = read_editorial(event_dir, told)
    # a picture a note (or the editorial) shows is in it, not a photo of a chapter as well
    linked = {rel for note in [*read, *([editorial] if editorial else [])] for rel in note.linked}
    photos = [f for f in found if f.described or (f.photo and f.rel not in linked)]
    pictures = gather(photos, event, diag)
    synthesis = Synthesis(
        event=event,
        sessions=assign(screened.kept, event, diag),
        photos=tuple(privacy.photo(p) for p in pictures),
    )
    return Collected(
        tuple(found),
        tuple(read),
        synthesis,
        privacy,
        screened.left_out,
        privacy.note(editorial) if editorial is not None else None,
        tuple(told),
    )


def check(
    event_dir: Path, out: Path, diag: Diagnostics, templates: Path = TEMPLATES
) -> deposit.Report:
    """The deposit report, written to ``out/bilan-depot.html`` without the hidden names;
    returned with the real paths, for the terminal (the editor looks for the files)."""
    collected = collect(event_dir, diag)
    vocabulary = load_vocabulary(templates, event_dir, diag)
    report = _report(event_dir, collected, diag, rules(vocabulary))
    convert.write_text(out / REPORT, render_report(collected.privacy.report(report), templates))
    return report


@dataclass(frozen=True, slots=True)
class Options:
    """What a build is asked for: where from, where to, in which formats, how."""

    event_dir: Path
    out: Path
    formats: tuple[str, ...]  # the synthesis's (and "fiches")
    actes: tuple[str, ...]  # the Actes intégraux's
    templates: Path
    pdf_standards: tuple[str, ...]
    jobs: int
    public: bool = False  # the version for distribution: photos « public: non » left out
    embedded: bool = True  # the HTML carries its images (the preview's names them)


@dataclass(frozen=True, slots=True)
class Tagged:
    """The event read, structured, tagged, and what the synthesis selects from it."""

    collected: Collected
    tags: Tags
    selection: Selection


@dataclass(frozen=True, slots=True)
class Drafted:
    """The two master documents, written, and what the synthesis's took of the budget."""

    master: Path  # synthese.md
    actes: Path  # actes.md
    plan: budget.Plan
    estimate: float  # the pages the chapters were expected to take
    cover: CoverPhoto | None = None  # the synthesis's cover photo, for Word


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
    actes: tuple[str, ...] | None = None,
    public: bool = False,
    embedded: bool = True,
) -> BuildResult:
    """The whole line: read, structure, tag, select, draw, render, convert.

    When nothing that a build reads has changed since the last one (same files, templates,
    code and options) and its documents are all there, nothing is redone and the last
    build's messages are given again. ``fingerprint``: the inputs' digest, when the caller
    has already computed it. ``actes``: the formats of the Actes intégraux, by default the
    synthesis's. ``public``: the version for distribution (``publier``), without the photos
    marked « public: non ». ``embedded``: the HTML page carries its images; without, it
    names them relative to the output folder (the preview, whose server serves them).
    """
    clock = _Clock()
    actes = uptodate.proceedings_formats(formats, actes)
    fingerprint = fingerprint or uptodate.fingerprint(
        event_dir, templates, formats, pdf_standards, actes, public, embedded
    )
    if not force and (previous := uptodate.unchanged(out, fingerprint)) is not None:
        return BuildResult(None, None, previous[0], clock.times, previous[1])
    options = Options(
        event_dir, out, formats, actes, templates, pdf_standards, jobs, public, embedded
    )
    progress = progress or Progress()
    tagged = _read_and_tag(options, analyser, progress, diag, clock)
    figures, drawing = _draw(options, tagged, clock)
    drafted = _draft(options, tagged, figures, diag, clock)
    outputs = _convert_all(options, tagged, drafted, drawing, progress, diag, clock)
    pages = None
    if "pdf" in formats:
        pages = _measure(options, tagged.collected.synthesis.event, drafted, diag)
    with clock("exports"):
        written, report = _exports(options, tagged, diag)
        outputs += written
    # the messages an unchanged rebuild gives again, as the output files may show them
    uptodate.remember(out, fingerprint, outputs, tagged.collected.privacy.diagnostics(diag))
    synthesis = tagged.collected.synthesis
    automatic = _automatic(tagged.selection, drafted.plan)
    return BuildResult(
        synthesis, report, tuple(outputs), clock.times, pages=pages, automatic=automatic
    )


def _automatic(selection: Selection, plan: budget.Plan) -> tuple[Automatic, ...]:
    """What the synthesis prints that the tool chose rather than a rapporteur wrote."""
    found = [
        Automatic(session, group, "messages clés choisis automatiquement")
        for (session, group), points in selection.key_points.items()
        if points.automatic
    ]
    found += [
        Automatic(session, group, "compte rendu condensé")
        for (session, group), account in plan.accounts.items()
        if account.extracts
    ]
    return tuple(found)


def _read_and_tag(
    options: Options,
    analyser: Analyser | None,
    progress: Progress,
    diag: Diagnostics,
    clock: _Clock,
) -> Tagged:
    """Read, screen and structure the notes, then tag them and select what the synthesis
    shows. On a first build with several processors, the analysis processes start before
    the notes are read and load the model meanwhile."""
    cache = Cache(options.out / CACHE)
    # the French model, loaded at most once in this process (anonymous sessions, analysis)
    nlp: Callable[[], Any] = analyser.nlp if analyser is not None else load_nlp
    vocabulary_diag = Diagnostics()
    early = analyser is None and options.jobs > 1 and cache.empty()
    if early:
        # A first build analyses every note: the analysis processes start now and load the
        # model while the notes are read (1.3 s each, on the other processors).
        vocabulary = load_vocabulary(options.templates, options.event_dir, vocabulary_diag)
        analyser = Analyser(vocabulary, cache, jobs=options.jobs, progress=progress)
        analyser.start()
    try:
        with clock("lecture"):
            store = NoteStore(options.out / NOTES)
            collected = collect(options.event_dir, diag, options.jobs, store, nlp)
        diag.extend(vocabulary_diag)  # reported after the notes, as when read below
        for path in uptodate.retire(options.out, collected.privacy.digest()):
            diag.warning(
                "retiré : fait avant un changement des personnes publiées sans leur nom, il "
                "pourrait en nommer une (reconstruisez-le)",
                path,
            )
        if analyser is None:
            vocabulary = load_vocabulary(options.templates, options.event_dir, diag)
            analyser = Analyser(vocabulary, cache, loader=nlp, jobs=options.jobs, progress=progress)
        with clock("étiquetage"):
            # labels from the editor's files (thesaurus, rules) may name someone too
            tags = collected.privacy.tags(tag(collected.synthesis, analyser))
            selection = select(collected.synthesis.sessions, tags, analyser)
        # analyses this build did not use go: texts changed, or analysed before a name
        # was hidden
        for used in {id(c): c for c in (cache, analyser.cache) if c is not None}.values():
            used.sweep()
    finally:
        if early and analyser is not None:
            analyser.close()
    return Tagged(collected, tags, selection)


def _draw(
    options: Options, tagged: Tagged, clock: _Clock
) -> tuple[tuple[Figure, ...], schedule.Background | None]:
    """The charts; with --jobs, their files are written by another process while the
    masters are written and the conversions start (each waits for them before reading)."""
    # matplotlib (0.4 s to import) is imported here: the analysis processes started sooner
    from proceedings.render import charts

    synthesis = tagged.collected.synthesis
    with clock("graphiques"):
        names = {s.id: session_name(s) for s in synthesis.event.sessions}
        raster = "docx" in options.formats or "docx" in options.actes  # PNG: for Word only
        if options.jobs > 1:
            return charts.draw_apart(synthesis, tagged.tags, options.out, names, raster)
        return charts.draw(synthesis, tagged.tags, options.out, names, raster), None


def _draft(
    options: Options,
    tagged: Tagged,
    figures: tuple[Figure, ...],
    diag: Diagnostics,
    clock: _Clock,
) -> Drafted:
    """The two masters: the synthesis, its chapters within the page budget (condensed
    more, or less, as their rendering needs: see budget.fit), and the Actes intégraux."""
    collected, tags, selection = tagged.collected, tagged.tags, tagged.selection
    synthesis, templates, out = collected.synthesis, options.templates, options.out
    with clock("rédaction"):
        editorial = collected.editorial
        diag.extend(collected.editorial_messages)
        notes = [c.note for c in synthesis.notes]
        convert.write_media([*notes, editorial] if editorial else notes, out)
        published = [p for p in synthesis.photos if p.public or not options.public]
        photos = pictures.prepare(published, options.event_dir, out, diag)
        plan, text, estimate = budget.fit(
            synthesis,
            selection,
            lambda p: render(
                synthesis, tags, templates, selection, figures, editorial, p, photos, options.public
            ),
            anchor(synthesis.event.sessions[0].id),
        )
        master, actes = out / MASTER, out / ACTES
        convert.write_text(master, text)
        convert.write_text(actes, render_actes(synthesis, tags, templates))
    shown = cover_photo(synthesis, photos)
    cover = None
    if shown is not None:
        photo, files = shown
        credit = credit_line(photo.credit) if photo.credit else ""
        cover = CoverPhoto(out / files.cover, photo.alt, credit)
    return Drafted(master, actes, plan, estimate, cover)


def _convert_all(
    options: Options,
    tagged: Tagged,
    drafted: Drafted,
    drawing: schedule.Background | None,
    progress: Progress,
    diag: Diagnostics,
    clock: _Clock,
) -> list[Path]:
    """Both masters to DOCX, PDF and HTML, and the fiches, as the formats ask. The
    conversions are independent: with --jobs they run side by side (pandoc and typst do
    their work outside Python's lock)."""
    synthesis, tags, out = tagged.collected.synthesis, tagged.tags, options.out
    images = drawing.wait if drawing is not None else None
    conversions: list[schedule.Task[Converted]] = []
    documents = (
        (drafted.master, "synthese", "", options.formats),
        (drafted.actes, "actes", ACTES_TITLE, options.actes),
    )
    for source, stem, label, formats in documents:
        conversions += _conversions(
            source,
            out / stem,
            formats,
            options.templates,
            synthesis.event,
            options.pdf_standards,
            images,
            _docx_spec(synthesis, tags, label, None if label else drafted.cover),
            suffix="" if not label else " (actes)",
            embedded=options.embedded,
        )
    if "fiches" in options.formats:
        fiches = functools.partial(
            _fiches,
            synthesis,
            tags,
            tagged.selection,
            options.templates,
            out,
            options.pdf_standards,
        )
        conversions.append(schedule.Task("fiches", schedule.after(images, fiches)))
    outputs = [drafted.master, drafted.actes]
    with clock("conversions"), progress.bar(len(conversions), "Conversions") as bar:
        for name, converted, seconds in schedule.side_by_side(conversions, options.jobs):
            clock.times[f"conversion {name}"] = seconds
            outputs += converted.paths
            diag.extend(converted.warnings)
            bar.update()
        if drawing is not None:
            drawing.join()
    return outputs


def _exports(
    options: Options, tagged: Tagged, diag: Diagnostics
) -> tuple[list[Path], deposit.Report]:
    """The tags as JSON and CSV, and the deposit report (without the hidden names)."""
    collected, out = tagged.collected, options.out
    written = convert.write_tags(tagged.tags, collected.synthesis, out)
    report = collected.privacy.report(
        _report(options.event_dir, collected, diag, tagged.tags.rules)
    )
    convert.write_text(out / REPORT, render_report(report, options.templates))
    return [*written, out / REPORT], report


def _measure(options: Options, event: Event, drafted: Drafted, diag: Diagnostics) -> Pages:
    """The synthesis's pages, read back from its PDF; a warning says why when the chapters
    are over the budget."""
    out, programme = options.out, options.event_dir / PROGRAMME_FILE
    plan, estimate = drafted.plan, drafted.estimate
    first = plain(event.sessions[0].titre)
    chapters, total = convert.chapter_pages(out / "synthese.pdf", first)
    actes = convert.chapter_pages(out / "actes.pdf", first)[1] if "pdf" in options.actes else 0
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
    embedded: bool = True,
) -> list[schedule.Task[Converted]]:
    """The conversions of one master document (the synthesis, the proceedings) to
    ``stem``.docx, .pdf and .html, as ``formats`` asks; the DOCX and HTML ones wait for the
    figure files (the PDF's waits itself, after writing its Typst source; an HTML page
    that only names its images, ``embedded`` false, does not read them)."""
    out: list[schedule.Task[Converted]] = []
    if "docx" in formats:
        target = stem.with_suffix(".docx")
        out.append(
            schedule.Task(
                "docx" + suffix,
                schedule.after(
                    images,
                    lambda: _one(convert.to_docx, master, target, templates, event, spec),
                ),
            )
        )
    if "pdf" in formats:
        pdf = stem.with_suffix(".pdf")
        out.append(
            schedule.Task(
                "pdf" + suffix,
                lambda: _one(
                    convert.to_pdf,
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
                    images if embedded else None,
                    lambda: _one(convert.to_html, master, html, templates, event, embedded),
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
        convert.write_text(master, render_fiche(synthesis, tags, selection, content, templates))
        target = out / "fiches" / f"{name}.pdf"
        warnings += convert.to_pdf(
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


def _docx_spec(
    synthesis: Synthesis, tags: Tags, label: str = "", photo: CoverPhoto | None = None
) -> DocxFinish:
    """What python-docx adds to pandoc's DOCX: cover details and photo, header, watermark,
    properties; ``label`` names a document other than the synthesis (« Actes intégraux »)."""
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
        created=convert.fixed_timestamp(event).replace(tzinfo=None),
        photo=photo,
    )
