"""The only orchestrator: a straight line from the event folder to the documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import charts, deposit, export
from .docx_finish import DocxFinish
from .errors import Diagnostics
from .model import Note, Synthesis, Tags
from .privacy import anonymise
from .programme import load_programme
from .readers import PROGRAMME_FILE, Found, discover, read_editorial, read_or_report
from .render import (
    EXAMPLE_NOTICE,
    draft,
    heure,
    partners,
    plain,
    render,
    render_fiche,
    render_report,
    session_name,
)
from .selection import Selection, select
from .structure import assign
from .tagging import Analyser, Cache, rules, tag
from .typography import french, ordinal
from .vocabulary import load_vocabulary

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MASTER = "synthese.md"
REPORT = "bilan-depot.html"
CACHE = ".cache/analyses"


@dataclass(frozen=True, slots=True)
class Collected:
    """The event folder read: its files, every note read, and the notes kept, structured."""

    found: tuple[Found, ...]
    notes: tuple[Note, ...]  # read, before empty notes and duplicates are left out
    synthesis: Synthesis


@dataclass(frozen=True, slots=True)
class BuildResult:
    synthesis: Synthesis
    report: deposit.Report
    outputs: tuple[Path, ...]


def collect(event_dir: Path, diag: Diagnostics) -> Collected:
    """Programme and notes, read, screened and structured (what ``check`` reports on)."""
    programme = event_dir / PROGRAMME_FILE
    event, warnings = load_programme(programme, programme.as_posix())
    diag.extend(warnings)
    found = discover(event_dir, diag)
    read = [n for f in found if (n := read_or_report(f, diag))]
    # Names to hide are replaced before any other stage reads the notes.
    event, read, _ = anonymise(event, read)
    kept = deposit.screen(read, diag)
    synthesis = Synthesis(event=event, sessions=assign(kept, event, diag))
    return Collected(tuple(found), tuple(read), synthesis)


def check(
    event_dir: Path, out: Path, diag: Diagnostics, templates: Path = TEMPLATES
) -> deposit.Report:
    """The deposit report, written to ``out/bilan-depot.html``."""
    collected = collect(event_dir, diag)
    vocabulary = load_vocabulary(templates, event_dir, diag)
    report = _report(event_dir, collected, diag, rules(vocabulary))
    export.write_text(out / REPORT, render_report(report, templates))
    return report


def build(
    event_dir: Path,
    out: Path,
    formats: tuple[str, ...],
    diag: Diagnostics,
    templates: Path = TEMPLATES,
    analyser: Analyser | None = None,
    pdf_standards: tuple[str, ...] = export.PDF_UA,
) -> BuildResult:
    collected = collect(event_dir, diag)
    synthesis = collected.synthesis
    event = synthesis.event
    if analyser is None:
        vocabulary = load_vocabulary(templates, event_dir, diag)
        analyser = Analyser(vocabulary, Cache(out / CACHE))
    tags = tag(synthesis, analyser)
    selection = select(synthesis.sessions, tags, analyser)
    editorial = read_editorial(event_dir, diag)
    names = {s.id: session_name(s) for s in event.sessions}
    figures = charts.draw(synthesis, tags, out, names)
    master = out / MASTER
    export.write_media(synthesis.notes, out)
    export.write_text(master, render(synthesis, tags, templates, selection, figures, editorial))
    outputs = [master]
    if "docx" in formats:
        target = out / "synthese.docx"
        export.to_docx(master, target, templates, event, _docx_spec(synthesis, tags))
        outputs.append(target)
    if "pdf" in formats:
        target = out / "synthese.pdf"
        export.to_pdf(master, target, templates, event, standards=pdf_standards)
        outputs.append(target)
    if "fiches" in formats:
        outputs += _fiches(synthesis, tags, selection, templates, out, pdf_standards)
    if "html" in formats:
        target = out / "synthese.html"
        export.to_html(master, target, templates, event)
        outputs.append(target)
    outputs += export.write_tags(tags, synthesis, out)
    report = _report(event_dir, collected, diag, tags.rules)
    export.write_text(out / REPORT, render_report(report, templates))
    outputs.append(out / REPORT)
    return BuildResult(synthesis, report, tuple(outputs))


def _fiches(
    synthesis: Synthesis,
    tags: Tags,
    selection: Selection,
    templates: Path,
    out: Path,
    standards: tuple[str, ...],
) -> list[Path]:
    """One short PDF per session that has notes: out/fiches/NN-id.pdf."""
    written = []
    for number, content in enumerate(synthesis.sessions, start=1):
        if not content.notes:
            continue
        name = f"{number:02d}-{content.session.id}"
        master = out / ".travail" / "fiches" / f"{name}.md"
        export.write_text(master, render_fiche(synthesis, tags, selection, content, templates))
        target = out / "fiches" / f"{name}.pdf"
        export.to_pdf(
            master,
            target,
            templates,
            synthesis.event,
            template="fiche.typ",
            standards=standards,
            toc=False,
        )
        written.append(target)
    return written


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
    )


def _docx_spec(synthesis: Synthesis, tags: Tags) -> DocxFinish:
    """What python-docx adds to pandoc's DOCX: cover details, header, watermark, properties."""
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
    return DocxFinish(
        title=f"{title} — {plain(event.theme)}",
        subject=plain(event.theme),
        author=plain(event.organisateur),
        keywords=tuple(t.label for t in (*tags.themes[:8], *tags.keyphrases[:8])),
        network=plain(event.reseau),
        cover=tuple((style, french(text)) for style, text in cover),
        header=title,
        draft=draft(synthesis),
        created=export.fixed_timestamp(event).replace(tzinfo=None),
    )
