"""The version for distribution: refused while anything still needs the editor's word,
then built as the network sends it out.

What is published is what a build of the event makes once every note is « valide » (no
watermark, no « à relire » marks), with the PDFs in PDF/A-2b and PDF/UA-1, under names
that carry the kind of event and its year (``synthese-rencontre-2019.pdf``), the Actes
intégraux beside the synthesis, and ``publication.json``: every published file with its
size and SHA-256. Nothing in it depends on the day it is made: publishing twice from the
same inputs gives the same bytes.

Publication is refused, with the list of what remains, while the deposit has an error
(what ``check`` reports), a note is not « valide », or a text the tool chose (key
messages, a condensed account) has not been declared reviewed in ``statuts.yaml``
(``extraits relus``), or a photo has no alternative text. The photos marked « public: non »
are left out.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from proceedings.build import Automatic, build
from proceedings.errors import Diagnostics, ProceedingsError
from proceedings.model import Event, NoteStatus
from proceedings.read.statuses import REVIEWED, reviewed
from proceedings.render.wording import event_noun
from proceedings.settings import PDF_ARCHIVE, TEMPLATES
from proceedings.support.limits import PHOTOS_FILE, STATUS_FILE
from proceedings.support.safeio import atomic_output, atomic_write

FORMATS = ("docx", "pdf", "html")
BUILD_FOLDER = ".construction"  # the build the published files are taken from
MANIFEST = "publication.json"
_PUBLISHED = re.compile(r"(?:synthese|actes)-[a-z0-9]+-\d{4}\.(?:docx|pdf|html)")


class NotReady(ProceedingsError):
    """What remains before the event can be published, one French line each."""

    def __init__(self, remaining: list[str]) -> None:
        self.remaining = remaining
        lines = "\n".join(f"  - {r}" for r in remaining)
        count = f"{len(remaining)} point{'s' if len(remaining) > 1 else ''}"
        super().__init__(f"publication refusée : {count} à régler avant la diffusion\n{lines}")


@dataclass(frozen=True, slots=True)
class Published:
    """The files of the publication, and the manifest that lists them."""

    files: tuple[Path, ...]
    manifest: Path


def publish(
    event_dir: Path,
    out: Path,
    diag: Diagnostics,
    templates: Path = TEMPLATES,
    jobs: int = 1,
    strict: bool = False,
) -> Published:
    """Check that the event is ready, build it for distribution, and publish its files in
    ``out``; :class:`NotReady` says what remains when it is not (``strict``: a warning
    too)."""
    work = out / BUILD_FOLDER
    result = build(
        event_dir,
        work,
        FORMATS,
        diag,
        templates,
        pdf_standards=PDF_ARCHIVE,
        jobs=jobs,
        force=True,
        actes=FORMATS,
        public=True,
    )
    synthesis = result.synthesis
    assert synthesis is not None  # a forced build always gives one
    unreviewed = _unreviewed(event_dir, result.automatic, diag)  # may warn: counted below
    remaining = []
    if errors := len(diag.errors):
        said = f"{errors} erreur{'s' if errors > 1 else ''} du dépôt"
        remaining.append(f"{said}, dite{'s' if errors > 1 else ''} ci-dessus (voir make check)")
    if strict and (warnings := len(diag.warnings)):
        said = f"{warnings} avertissement{'s' if warnings > 1 else ''}"
        remaining.append(f"{said}, dit{'s' if warnings > 1 else ''} ci-dessus (--strict)")
    remaining += [
        f"« {c.note.path} » : {_status(c.note.meta.statut)}, à passer à « valide » (dans son "
        f"en-tête ou dans {STATUS_FILE})"
        for c in synthesis.notes
        if c.note.meta.statut is not NoteStatus.VALIDE
    ]
    remaining += unreviewed
    remaining += [
        f"« {photo.path} » : photo sans texte alternatif, à décrire dans le {PHOTOS_FILE} de "
        "son dossier (ou à marquer « public: non »)"
        for photo in synthesis.photos
        if photo.public and not photo.described
    ]
    if remaining:
        raise NotReady(remaining)
    stem = names(synthesis.event)
    earlier = published_before(out)
    files = []
    for document in ("synthese", "actes"):
        for fmt in FORMATS:
            target = out / f"{document}-{stem}.{fmt}"
            with atomic_output(target) as tmp:
                shutil.copyfile(work / f"{document}.{fmt}", tmp)
            files.append(target)
    manifest = out / MANIFEST
    atomic_write(manifest, _manifest(synthesis.event, files))
    for name in sorted(earlier - {f.name for f in files}):  # another name, another year
        (out / name).unlink(missing_ok=True)
    return Published(tuple(files), manifest)


def published_before(out: Path) -> set[str]:
    """The files the last publication in ``out`` listed (names of this module's making
    only: a damaged or foreign manifest names nothing to remove)."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["fichiers"]
        names = {str(entry["fichier"]) for entry in listed}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return {n for n in names if _PUBLISHED.fullmatch(n)}


def names(event: Event) -> str:
    """What the published files are named after: the kind of event and its year
    (« rencontre-2019 »)."""
    word = unicodedata.normalize("NFKD", event_noun(event.titre).word.lower())
    word = "".join(c for c in word if c.isalnum() and c.isascii())
    return f"{word or 'evenement'}-{event.date.year}"


def _status(status: NoteStatus | None) -> str:
    return f"statut « {status.value} »" if status is not None else "sans statut"


def _unreviewed(event_dir: Path, automatic: tuple[Automatic, ...], diag: Diagnostics) -> list[str]:
    """The text the tool chose that the editor has not declared reviewed."""
    places = frozenset(a.place for a in automatic)
    done = reviewed(event_dir, places, diag)
    return [
        f"« {a.place} » : {a.kind}, à relire puis à déclarer relu dans {STATUS_FILE} "
        f"({REVIEWED} : [{a.place}])"
        for a in automatic
        if a.place not in done
    ]


def _manifest(event: Event, files: list[Path]) -> str:
    """publication.json: the event, and every published file with its size and SHA-256."""
    entries = []
    for path in sorted(files, key=lambda p: p.name):
        data = path.read_bytes()
        entries.append(
            {"fichier": path.name, "octets": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )
    document = {
        "evenement": event.titre,
        "edition": event.edition,
        "date": event.date.isoformat(),
        "fichiers": entries,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
