"""The only orchestrator: a straight line from the event folder to the documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import export
from .errors import Diagnostics
from .model import Event, Synthesis
from .programme import load_programme
from .readers import PROGRAMME_FILE, discover, read_or_report
from .render import EXAMPLE_NOTICE, heure, ordinal, plain, render
from .structure import assign
from .typography import french

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MASTER = "synthese.md"


@dataclass(frozen=True, slots=True)
class BuildResult:
    synthesis: Synthesis
    outputs: tuple[Path, ...]


def collect(event_dir: Path, diag: Diagnostics) -> Synthesis:
    """Programme and notes, read and assigned to sessions (what ``check`` reports on)."""
    event, warnings = load_programme(
        event_dir / PROGRAMME_FILE, (event_dir / PROGRAMME_FILE).as_posix()
    )
    diag.extend(warnings)
    notes = [n for f in discover(event_dir, diag) if (n := read_or_report(f, diag))]
    return Synthesis(event=event, sessions=assign(notes, event, diag))


def build(
    event_dir: Path,
    out: Path,
    formats: tuple[str, ...],
    diag: Diagnostics,
    templates: Path = TEMPLATES,
) -> BuildResult:
    synthesis = collect(event_dir, diag)
    event = synthesis.event
    master = out / MASTER
    export.write_media(synthesis.notes, out)
    export.write_text(master, render(synthesis, templates))
    outputs = [master]
    if "docx" in formats:
        target = out / "synthese.docx"
        export.to_docx(master, target, templates, event, _docx_meta(event))
        outputs.append(target)
    if "pdf" in formats:
        target = out / "synthese.pdf"
        export.to_pdf(master, target, templates, event, work=out / ".travail")
        outputs.append(target)
    if "html" in formats:
        target = out / "synthese.html"
        export.to_html(master, target, templates, event)
        outputs.append(target)
    return BuildResult(synthesis, tuple(outputs))


def _docx_meta(event: Event) -> export.DocxMeta:
    title = plain(f"{ordinal(event.edition, plain=True)} {event.titre}")
    cover = [
        ("Couverture détails", f"{ordinal(event.edition, plain=True)} édition"),
        ("Couverture détails", f"De {heure(event.debut)} à {heure(event.fin)}"),
        ("Couverture détails", f"{plain(event.lieu)}, {plain(event.adresse)}"),
        ("Couverture détails", f"Organisation : {plain(event.organisateur)}"),
    ]
    if event.exemple:
        cover.append(("Bandeau exemple", plain(EXAMPLE_NOTICE)))
    return export.DocxMeta(
        title=f"{title} — {plain(event.theme)}",
        subject=plain(event.theme),
        cover=tuple((style, french(text)) for style, text in cover),
    )
