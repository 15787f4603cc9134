"""Whether a build has anything to do: a digest of everything it reads, compared with the
last build's. Kept light (no heavy import) so that an unchanged rebuild answers at once."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from proceedings import __version__
from proceedings.errors import Diagnostic, Severity, SourceError
from proceedings.support import cachefile
from proceedings.support.limits import (
    EVENT_FILES,
    MAX_DEPTH,
    MAX_FILES,
    MAX_NOTE,
    NOTE_SUFFIXES,
    PHOTO_SUFFIXES,
    PHOTOS_FILE,
)
from proceedings.support.safeio import read_input

_READ = NOTE_SUFFIXES | PHOTO_SUFFIXES  # the files of the event folder a build reads

FINGERPRINT = ".cache/empreinte.json"


def proceedings_formats(formats: tuple[str, ...], actes: tuple[str, ...] | None) -> tuple[str, ...]:
    """The formats of the Actes intégraux: those asked for (``--actes``), or else the
    synthesis's, the fiches apart."""
    return tuple(f for f in formats if f != "fiches") if actes is None else actes


def fingerprint(
    event_dir: Path,
    templates: Path,
    formats: tuple[str, ...],
    standards: tuple[str, ...],
    actes: tuple[str, ...] | None = None,
    public: bool = False,
    embedded: bool = True,
) -> str:
    """A digest of everything a build reads: the contents of the event folder's notes and
    event files, of the templates and of the code; the options; ``SOURCE_DATE_EPOCH``.

    What a build does not read is known by its metadata only (name, kind, size, time), so
    that a video, a named pipe or a link to a huge file outside costs nothing and can never
    block: files of other formats, files larger than any note, special files, links leading
    outside the folder, hidden files and folders (not entered, as the build does not).
    """
    h = hashlib.sha256()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    actes = proceedings_formats(formats, actes)
    options: tuple[object, ...] = (sorted(formats), sorted(actes), standards, __version__, epoch)
    options += ("public",) if public else ()
    options += () if embedded else ("images nommées",)
    h.update(repr(options).encode())
    package = Path(__file__).resolve().parents[1]  # the whole package, every stage
    for root in (event_dir, templates, package):
        top = root.resolve()
        for path, rel in _files(root):
            h.update(f"\0{root.name}/{rel}\0".encode())
            h.update(_digest(path, rel, top, event=root is event_dir))
    return h.hexdigest()


def _files(root: Path) -> list[tuple[Path, str]]:
    """Files under ``root`` in a stable order, as the build lists them: symbolic links to
    folders and hidden folders are not entered."""
    found: list[tuple[Path, str]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and d != "__pycache__" and not os.path.islink(f"{folder}/{d}")
        )
        if len(Path(folder).relative_to(root).parts) >= MAX_DEPTH:
            dirs[:] = []  # not listed by the build either
        for name in sorted(files)[: MAX_FILES + 1 - len(found)]:
            path = Path(folder) / name
            found.append((path, path.relative_to(root).as_posix()))
        if len(found) > MAX_FILES:
            dirs[:] = []
    found.sort(key=lambda item: item[1])
    return found


def _digest(path: Path, rel: str, root: Path, event: bool) -> bytes:
    """The contents' digest of a file the build reads (in the event folder: the notes and
    the event files; all templates and code); else a digest of its metadata."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if not target.is_relative_to(root):
                return f"lien hors du dossier:{os.readlink(path)}".encode()
            info = path.stat()
    except (OSError, RuntimeError):
        return b"inaccessible"
    name = path.name
    wanted = (
        stat.S_ISREG(info.st_mode)
        and info.st_size <= MAX_NOTE
        and not name.startswith(".")
        and (not event or path.suffix.lower() in _READ or rel in EVENT_FILES or name == PHOTOS_FILE)
    )
    if wanted:
        try:
            return hashlib.sha256(read_input(path, rel, MAX_NOTE)).digest()
        except SourceError:
            pass
    return f"{stat.S_IFMT(info.st_mode)}:{info.st_size}:{info.st_mtime_ns}".encode()


SCHEMA = "empreinte-2"  # the format of the file (proceedings.support.cachefile)
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


# Who was hidden when the documents of the output folder were made (a digest, no name).
SECRECY = ".cache/anonymat.json"
SECRECY_SCHEMA = "anonymat-1"
# What builds write in an output folder (documents, exports, report, intermediate files).
PRODUCTS = (
    "synthese.md",
    "synthese.docx",
    "synthese.pdf",
    "synthese.html",
    "actes.md",
    "actes.docx",
    "actes.pdf",
    "actes.html",
    "mots-cles.json",
    "mots-cles.csv",
    "bilan-depot.html",
    ".synthese.typ",
    ".actes.typ",
)
PRODUCT_FOLDERS = ("fiches", ".travail")


def retire(out: Path, secrecy: str) -> list[Path]:
    """When the people published without their name are not those of the last build, the
    documents an earlier build left in the output folder may hold a name now hidden, and
    this build may not write them all again (``--formats``): they are removed. Returns the
    documents removed (intermediate files are removed without being listed)."""
    previous = cachefile.read(out / SECRECY, SECRECY_SCHEMA, "anonymat")
    if previous == secrecy or (previous is None and not secrecy):
        if previous is None:
            cachefile.write(out / SECRECY, SECRECY_SCHEMA, "anonymat", secrecy)
        return []
    removed: list[Path] = []
    for name in PRODUCTS:
        path = out / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            if not name.startswith("."):
                removed.append(path)
    for name in PRODUCT_FOLDERS:
        folder = out / name
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and "temporaire" not in path.parts:
                path.unlink()
                if name == "fiches":
                    removed.append(path)
    cachefile.write(out / SECRECY, SECRECY_SCHEMA, "anonymat", secrecy)
    return removed
