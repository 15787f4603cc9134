"""Whether a build has anything to do: a digest of everything it reads, compared with the
last build's. Kept light (no heavy import) so that an unchanged rebuild answers at once."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from . import __version__
from .errors import Diagnostic, Diagnostics, Severity

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


def unchanged(
    out: Path, fingerprint: str
) -> tuple[tuple[Path, ...], tuple[Diagnostic, ...]] | None:
    try:
        data = json.loads((out / FINGERPRINT).read_text(encoding="utf-8"))
        if data["empreinte"] != fingerprint:
            return None
        outputs = tuple(out / name for name in data["sorties"])
        replayed = tuple(
            Diagnostic(Severity(d["gravite"]), d["message"], d["chemin"], d["ligne"])
            for d in data["messages"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(p.exists() for p in outputs):
        return None
    return outputs, replayed


def remember(out: Path, fingerprint: str, outputs: list[Path], diag: Diagnostics) -> None:
    data = {
        "empreinte": fingerprint,
        "sorties": [p.relative_to(out).as_posix() for p in outputs],
        "messages": [
            {"gravite": d.severity.value, "message": d.message, "chemin": d.path, "ligne": d.line}
            for d in diag
        ],
    }
    target = out / FINGERPRINT
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
    os.replace(name, target)
