"""Readers: one module per format, registered by file extension.

Every reader takes the file's bytes and its shown path and returns a ``Note``, or raises
``SourceError`` with the line when it knows it. ``discover`` lists the files of an event
folder in a stable order and tells which ones are skipped and why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Media, Note
from proceedings.read import images
from proceedings.read.readers import boards, markdown, office, subtitles, text
from proceedings.read.store import NoteStore
from proceedings.support.limits import (
    EDITORIAL_FILE,
    EVENT_FILES,
    MAX_DEPTH,
    MAX_FILES,
    MAX_NOTE,
    PHOTO_SUFFIXES,
    PHOTOS_FILE,
)
from proceedings.support.safeio import count_text, file_kind, read_input, system_message

Reader = Callable[[bytes, str, str, Diagnostics], Note]

READERS: dict[str, Reader] = {
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".txt": text.read,
    ".docx": office.read_docx,
    ".odt": office.read_odt,
    ".rtf": office.read_rtf,
    ".doc": office.read_doc,
    ".html": office.read_html,
    ".htm": office.read_html,
    ".vtt": subtitles.read_vtt,
    ".srt": subtitles.read_srt,
    ".csv": boards.read_csv,
    ".xlsx": boards.read_xlsx,
}


# Files that editors, office suites and operating systems leave behind: never notes
# (hidden files, Word's "~$" owner files and LibreOffice's ".~lock.…#" are hidden too).
_DEBRIS_NAMES = {".ds_store", "thumbs.db", "desktop.ini", "icon\r"}


@dataclass(frozen=True, slots=True)
class Found:
    """A file of the event folder and the reader chosen for it (None: not a note)."""

    path: Path
    rel: str  # relative to the event folder, with forward slashes
    shown: str  # as shown in messages: the event folder as given, then rel
    reader: Reader | None
    skipped: str = ""  # why the file is not read, when it is not
    photo: bool = False  # a photo, for the chapter of its session (read/photos.py)
    described: bool = False  # a folder's photos.yaml, that describes its photos


def known_formats() -> str:
    return ", ".join(sorted(READERS)) + " ; photos : " + ", ".join(sorted(PHOTO_SUFFIXES))


def debris(name: str) -> str:
    """Why a file left behind by an editor or a system is not a note ("" if it may be one)."""
    lower = name.lower()
    if name.startswith("~$"):
        return "fichier de verrou de Word"
    if name.startswith(".~lock."):
        return "fichier de verrou de LibreOffice"
    if lower in _DEBRIS_NAMES:
        return "fichier système"
    if name.startswith("."):
        return "fichier caché"
    if lower.endswith(("~", ".tmp", ".bak")):
        return "copie temporaire ou de sauvegarde"
    return ""


def discover(event_dir: Path, diag: Diagnostics) -> list[Found]:
    """Every file of the event folder, sorted by path so that builds are repeatable.

    Files that cannot be notes come with the reason they are skipped: editors' and systems'
    debris silently, other formats with a warning. Hidden folders are not entered.
    """
    found: list[Found] = []
    root = event_dir.resolve()
    for folder, dirs, files in os.walk(event_dir):
        for name in sorted(d for d in dirs if (Path(folder) / d).is_symlink()):
            diag.warning(
                "lien symbolique vers un dossier, non parcouru", (Path(folder) / name).as_posix()
            )
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (Path(folder) / d).is_symlink()
        )
        if dirs and len(Path(folder).relative_to(event_dir).parts) >= MAX_DEPTH:
            for name in dirs:
                diag.warning(
                    f"dossier à plus de {MAX_DEPTH} niveaux de profondeur, non parcouru",
                    (Path(folder) / name).as_posix(),
                )
            dirs[:] = []
        for name in sorted(files):
            if len(found) == MAX_FILES:
                diag.error(
                    f"plus de {count_text(MAX_FILES)} fichiers dans le dossier de l’événement : "
                    "les suivants sont ignorés",
                    (Path(folder) / name).as_posix(),
                )
                dirs[:] = []
                break
            path = Path(folder) / name
            rel = path.relative_to(event_dir).as_posix()
            if rel in EVENT_FILES:
                continue
            shown = (event_dir / rel).as_posix()
            reason = debris(name) or _not_regular(path, root)
            if reason and not debris(name):
                diag.warning(f"{reason}, ignoré", shown)
            if not reason and (name == PHOTOS_FILE or path.suffix.lower() in PHOTO_SUFFIXES):
                photo = name != PHOTOS_FILE
                found.append(Found(path, rel, shown, None, photo=photo, described=not photo))
                continue
            reader = None if reason else READERS.get(path.suffix.lower())
            if reader is None and not reason:
                reason = "format non pris en charge"
                diag.warning(f"{reason}, fichier ignoré (formats lus : {known_formats()})", shown)
            found.append(Found(path, rel, shown, reader, reason))
    found.sort(key=lambda f: f.rel)
    return found


def _not_regular(path: Path, root: Path) -> str:
    """Why a listed file cannot be a note because of what it is ("" when it is a regular
    file inside the event folder): named pipes, sockets and devices would block or never
    end; a symbolic link may lead outside. Nothing is opened."""
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            return "lien symbolique vers un fichier hors du dossier de l’événement"
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            return "lien symbolique cassé"
        return f"fichier inaccessible ({system_message(exc)})"
    except RuntimeError:  # a loop of symbolic links
        return "boucle de liens symboliques"
    if not stat.S_ISREG(mode):
        return f"{file_kind(mode)}, pas un fichier ordinaire"
    return ""


# Readers that run pandoc or LibreOffice: their notes are worth keeping between builds.
SLOW = frozenset({".docx", ".odt", ".rtf", ".doc", ".html", ".htm"})


def read_or_report(found: Found, diag: Diagnostics, store: NoteStore | None = None) -> Note | None:
    """Read one file; a failure is reported with its location and the file is left out.

    With a ``store``, a document already read by pandoc is taken from it when its bytes
    did not change (its messages are given again).
    """
    if found.reader is None:
        return None
    try:
        data = read_input(found.path, found.shown, MAX_NOTE, "fichier")
    except SourceError as exc:
        diag.error(f"{exc.message}, fichier ignoré", found.shown)
        return None
    key = ""
    if store is not None and found.path.suffix.lower() in SLOW:
        key = store.key(data, found.path.suffix.lower(), found.rel)
        if (kept := store.get(key, found.shown)) is not None:
            note, messages = kept
            diag.extend(messages)
            return _resolve_images(note, found, diag)
    local = Diagnostics()
    try:
        note = found.reader(data, found.rel, found.shown, local)
    except SourceError as exc:
        diag.extend(local)
        diag.error(f"{exc.message}, fichier ignoré", exc.path or found.shown, exc.line)
        return None
    diag.extend(local)
    note = dataclasses.replace(note, digest=hashlib.sha256(data).hexdigest())
    if key and store is not None:
        store.put(key, note, list(local))
    return _resolve_images(note, found, diag)


def _resolve_images(note: Note, found: Found, diag: Diagnostics) -> Note:
    """The images a note refers to by address (Markdown, web pages, LibreOffice links):
    only files inside the event folder, or ``data:`` URIs, whose content is an image.

    Absolute paths, ``file:`` addresses, ``..`` escapes and links leading outside are
    refused, so that no file of the machine can end up in a published document; remote
    images are never fetched. What is kept is checked and encoded again by
    :func:`proceedings.read.images.check`; each image left out is told, naming the note.
    """
    if not any(b.src for b in note.blocks):
        return note
    root = Path(str(found.path)[: -len(found.rel)] or ".").resolve()
    folder = found.path.parent
    media = list(note.media)
    names: dict[str, str] = {}  # the same image twice is kept once
    linked: list[str] = []
    blocks = []
    for block in note.blocks:
        if not block.src:
            blocks.append(block)
            continue
        if (local := _local(block.src, folder, root)) and local not in linked:
            linked.append(local)  # the note's, shown or not: not a photo of the chapter
        try:
            key, checked = _image_at(block.src, folder, root)
        except images.Refused as refused:
            diag.warning(
                f"image « {_shorten(block.src)} » non reprise : {refused.reason}",
                found.shown,
                block.line or None,
            )
            continue
        if key not in names:
            names[key] = f"image{len(media) + 1}{checked.suffix}"
            media.append(Media(names[key], checked.data))
        blocks.append(dataclasses.replace(block, media=names[key], src=""))
    return dataclasses.replace(note, blocks=tuple(blocks), media=tuple(media), linked=tuple(linked))


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):|^//")
_WINDOWS = re.compile(r"^[a-zA-Z]:[\\/]|^\\\\")


def _image_at(src: str, folder: Path, root: Path) -> tuple[str, images.Checked]:
    """The image ``src`` designates, relative to the note's ``folder``, checked; a key that
    tells the same image again."""
    if src.lower().startswith("data:"):
        return src, images.check_data_uri(src)
    path = urllib.parse.unquote(src)
    scheme = _SCHEME.match(path)
    if (
        _WINDOWS.match(path)
        or Path(path).is_absolute()
        or (scheme and (scheme[1] or "").lower() == "file")
    ):
        raise images.Refused("chemin absolu refusé (indiquez un chemin relatif à la note)")
    if scheme:
        raise images.Refused(
            "image distante, jamais téléchargée (placez le fichier dans le dossier de la note)"
        )
    try:
        target = (folder / path).resolve()
    except (OSError, ValueError, RuntimeError):
        raise images.Refused("chemin illisible") from None
    if not target.is_relative_to(root):
        raise images.Refused("fichier hors du dossier de l’événement")
    if not target.exists():
        raise images.Refused("fichier introuvable")
    return str(target), images.check_file(target, src)


def _local(src: str, folder: Path, root: Path) -> str | None:
    """The file of the event folder a relative address designates (relative to the
    folder), None for any other address."""
    path = urllib.parse.unquote(src)
    if src[:5].lower() == "data:" or _SCHEME.match(path) or _WINDOWS.match(path):
        return None
    try:
        target = (folder / path).resolve()
    except (OSError, ValueError, RuntimeError):
        return None
    return target.relative_to(root).as_posix() if target.is_relative_to(root) else None


def _shorten(src: str) -> str:
    """An address as quoted in a message: a ``data:`` URI is cut after its type and
    first characters, any address past 200 characters."""
    limit = 60 if src[:5].lower() == "data:" else 200
    return src if len(src) <= limit else src[: limit - 10] + "…"


def read_editorial(event_dir: Path, diag: Diagnostics) -> Note | None:
    """The optional editorial of the event folder (Markdown), None when absent or unreadable."""
    path = event_dir / EDITORIAL_FILE
    if not path.is_file():
        return None
    found = Found(path, EDITORIAL_FILE, path.as_posix(), markdown.read)
    return read_or_report(found, diag)
