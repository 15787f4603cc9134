"""Whether a build has anything to do: a digest of everything it reads, compared with the
last build's. Kept light (no heavy import) so that an unchanged rebuild answers at once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from . import __version__, cachefile
from .errors import Diagnostic, Severity

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORMATS = ("docx", "pdf", "html", "fiches")
# PDF/UA-1: tagged for screen readers, by default. PDF/A-2b (archiving) on request;
# typst accepts both together.
PDF_UA = ("ua-1",)
PDF_ARCHIVE = ("a-2b", "ua-1")


FINGERPRINT = ".cache/empreinte.json"


def fingerprint(
    event_dir: Path, templates: Path, formats: tuple[str, ...], standards: tuple[str, ...]
) -> str:
    """A digest of everything a build reads: the event folder's files (contents), the
    templates, the code, and the options."""
    h = hashlib.sha256()
    h.update(repr((sorted(formats), standards, __version__)).encode())
    package = Path(__file__).resolve().parent
    for root in (event_dir, templates, package):
        for path in sorted(
            p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ):
            rel = path.relative_to(root).as_posix()
            h.update(f"\0{root.name}/{rel}\0".encode())
            try:
                h.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                h.update(b"illisible")
    return h.hexdigest()


SCHEMA = "empreinte-2"  # the format of the file (proceedings.cachefile)
LIMIT = 64 * 1024 * 1024  # bytes: a larger file is not read (the build is made again)
Remembered = tuple[list[str], list[tuple[str, str, str | None, int | None]]]


def unchanged(
    out: Path, fingerprint: str
) -> tuple[tuple[Path, ...], tuple[Diagnostic, ...]] | None:
    """The last build's outputs and messages, when it read exactly what this one would and
    its outputs are all there; else None (a file damaged, foreign or of another build means
    "build again", never another result)."""
    data = cachefile.read(out / FINGERPRINT, SCHEMA, fingerprint, LIMIT)
    if data is None:
        return None
    try:
        names, messages = cachefile.decode(Remembered, data)
        replayed = tuple(
            Diagnostic(Severity(severity), message, path, line)
            for severity, message, path, line in messages
        )
    except ValueError:  # cachefile.Invalid, or an unknown severity
        return None
    if any(_outside(name) for name in names):
        return None
    outputs = tuple(out / name for name in names)
    if not all(p.exists() for p in outputs):
        return None
    return outputs, replayed


def _outside(name: str) -> bool:
    """An output name that is not a plain relative path inside the output folder."""
    parts = name.split("/")
    return not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts)


def remember(out: Path, fingerprint: str, outputs: list[Path], diag: Iterable[Diagnostic]) -> None:
    """Keep what an unchanged rebuild gives again: the outputs and the messages (as the
    output files may show them: names already hidden). A write the disk refuses is skipped:
    the next build is simply made again."""
    data = [
        [p.relative_to(out).as_posix() for p in outputs],
        [[d.severity.value, d.message, d.path, d.line] for d in diag],
    ]
    cachefile.write(out / FINGERPRINT, SCHEMA, fingerprint, data)
