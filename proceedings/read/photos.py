"""The day's photos: dropped in a session's folder, described in the folder's ``photos.yaml``.

A photo (``.jpg``, ``.jpeg``, ``.png``, ``.webp``, ``.heic``) in the folder of a session
becomes a figure of that session's chapter; in a workshop's or group's subfolder, a figure
of that group's section; in the event folder itself, it can only be the cover's. Each
folder's ``photos.yaml`` describes its photos, one entry per file::

    - fichier: pleniere.jpg
      légende: La salle pendant la table ronde
      texte alternatif: Une soixantaine de personnes assises face à l’estrade
      crédit: Camille Martin
      ordre: 1
      couverture: oui
      public: non     # des personnes reconnaissables : absente de la version publiée

A photo without an entry, or without ``texte alternatif``, is still shown (its caption
taken from the file name, and read by screen readers in place of a description) with a
warning asking for one; ``publier`` refuses it until it is given.

Every photo is decoded entirely here, so that a damaged or disguised file is reported by
``check`` and not at the build: see :func:`proceedings.read.images.open_photo`. Its
metadata (EXIF, GPS position, device) never reaches a document: the files the documents
show are encoded again from the pixels (:mod:`proceedings.render.pictures`).
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Event, Photo
from proceedings.read import images
from proceedings.read.readers import Found
from proceedings.support import yamlcheck
from proceedings.support.limits import MAX_PHOTOS, PHOTO_SUFFIXES, PHOTOS_FILE
from proceedings.support.safeio import read_input
from proceedings.support.yamlcheck import Checker, Node
from proceedings.support.yamlfr import excerpt

MAX_FILE_BYTES = 1024 * 1024  # a photos.yaml describes a few dozen photos in a few kB
MAX_TEXT = 1_000  # characters of a caption, an alternative text or a credit
CHECK_SIZE = (256, 256)  # the size photos are decoded at to be checked
FIELDS = ("fichier", "légende", "texte alternatif", "crédit", "ordre", "couverture", "public")
# File names cameras and phones give: no caption can be made of them.
_CAMERA_NAME = re.compile(
    r"^(?:img|dsc[nf]?|dcim|pxl|mvimg|gopr|p|photo|image|sam|wp|cimg)?[\s_-]*[\d_-]+"
    r"(?:[\s_-]*(?:hdr|edit|\(\d+\)|copie|copy))*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a ``photos.yaml``."""

    caption: str
    alt: str
    credit: str
    order: int
    cover: bool
    public: bool
    line: int


def is_photo(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in PHOTO_SUFFIXES


def gather(found: Iterable[Found], event: Event, diag: Diagnostics) -> tuple[Photo, ...]:
    """The photos of an event folder, from the photos and ``photos.yaml`` files that
    ``discover`` found (regular files inside the folder only), in the order they are shown:
    by session (the programme's), group, then ``ordre`` and file name. A photo that cannot
    be used is reported and left out."""
    by_folder: dict[str, list[Found]] = {}
    described: dict[str, Found] = {}
    for f in found:
        folder = str(PurePosixPath(f.rel).parent)
        if f.described:
            described[folder] = f
            by_folder.setdefault(folder, [])
        else:
            by_folder.setdefault(folder, []).append(f)
    sessions = [s.id for s in event.sessions]
    photos: list[Photo] = []
    for folder in sorted(by_folder):
        names = {Path(f.rel).name for f in by_folder[folder]}
        entries = _entries(described[folder], names, diag) if folder in described else {}
        for f in sorted(by_folder[folder], key=lambda f: f.rel):
            if len(photos) == MAX_PHOTOS:
                diag.error(f"plus de {MAX_PHOTOS} photos : les suivantes sont ignorées", f.shown)
                break
            photo = _photo(f.path, f.rel, f.shown, entries.get(Path(f.rel).name), sessions, diag)
            if photo is not None:
                photos.append(photo)
    photos = _one_cover(photos, diag)
    rank = {s: i for i, s in enumerate(sessions)}
    groups = {s.id: [w.id for w in s.ateliers] for s in event.sessions}

    def key(p: Photo) -> tuple[int, int, str, bool, int, str]:
        known = groups.get(p.session, [])
        group = known.index(p.group) if p.group in known else len(known)
        return (rank.get(p.session, -1), group, p.group, p.order == 0, p.order, p.path)

    return tuple(sorted(photos, key=key))


def _photo(
    path: Path,
    rel: str,
    shown: str,
    entry: Entry | None,
    sessions: list[str],
    diag: Diagnostics,
) -> Photo | None:
    parts = PurePosixPath(rel).parts
    session = parts[0] if len(parts) > 1 else ""
    group = parts[1] if len(parts) > 2 else ""
    if session and session not in sessions:
        close = difflib.get_close_matches(session, sessions, n=1, cutoff=0.6)
        hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        diag.error(
            f"dossier « {session} » sans session correspondante dans le programme{hint}, "
            "photo ignorée",
            shown,
        )
        return None
    if not session and not (entry and entry.cover):
        diag.warning(
            "photo hors des dossiers des sessions, ignorée : placez-la dans le dossier de sa "
            f"session, ou marquez-la « couverture: oui » dans {PHOTOS_FILE}",
            shown,
        )
        return None
    try:
        data = read_input(path, shown, images.MAX_BYTES, "fichier de photo")
        _pixels, (width, height) = images.open_photo(data, CHECK_SIZE)
    except SourceError as exc:
        diag.error(f"{exc.message}, photo ignorée", shown)
        return None
    except images.Refused as exc:
        diag.error(f"{exc.reason}, photo ignorée", shown)
        return None
    caption = entry.caption if entry and entry.caption else _caption_from_name(path.stem)
    if entry is None or not entry.alt:
        missing = "texte alternatif" if entry and entry.caption else "légende et texte alternatif"
        where = f"{PHOTOS_FILE} (ligne {entry.line})" if entry else PHOTOS_FILE
        meanwhile = f"« {caption} »" if caption else "« Photo »"
        diag.warning(
            f"photo sans {missing} : décrivez-la dans {where} pour les lecteurs d’écran "
            f"({meanwhile} en tient lieu d’ici là ; la publication le demande)",
            shown,
        )
    return Photo(
        path=rel,
        shown=shown,
        session=session,
        group=group,
        caption=caption,
        alt=entry.alt if entry and entry.alt else caption or "Photo",
        described=bool(entry and entry.alt),
        credit=entry.credit if entry else "",
        order=entry.order if entry else 0,
        cover=bool(entry and entry.cover),
        public=entry.public if entry else True,
        digest=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
    )


def _caption_from_name(stem: str) -> str:
    """A caption made of a file name (« table-ronde_salle » -> « Table ronde salle »), or
    "" for a camera's name (« IMG_2034 »)."""
    if _CAMERA_NAME.match(stem.strip()):
        return ""
    words = re.sub(r"[\s_-]+", " ", stem).strip()
    return words[:1].upper() + words[1:]


def _one_cover(photos: list[Photo], diag: Diagnostics) -> list[Photo]:
    """At most one cover photo: the first in order; the others are told and shown in their
    chapter."""
    covers = sorted((p for p in photos if p.cover), key=lambda p: (p.order == 0, p.order, p.path))
    if len(covers) <= 1:
        return photos
    for extra in covers[1:]:
        diag.warning(
            f"une seule photo de couverture : « {covers[0].path} » est retenue, celle-ci "
            "reste dans son chapitre"
            if extra.session
            else f"une seule photo de couverture : « {covers[0].path} » est retenue, celle-ci est "
            "ignorée",
            extra.shown,
        )
    kept = covers[0]
    out = []
    for p in photos:
        if p.cover and p is not kept:
            if not p.session:
                continue
            p = dataclasses.replace(p, cover=False)
        out.append(p)
    return out


# -- photos.yaml -------------------------------------------------------------------------------


def _entries(described: Found, present: set[str], diag: Diagnostics) -> dict[str, Entry]:
    """The entries of a folder's photos.yaml by file name; an entry for a file that is
    not there is warned about (a typo in a name)."""
    c = Checker(described.shown, max_items=MAX_PHOTOS, max_text=MAX_TEXT, partial=True)
    root = yamlcheck.read_tree(c, described.path, MAX_FILE_BYTES)
    entries: dict[str, Entry] = {}
    if root is None:
        diag.extend(c.problems)
        return entries

    def item(node: Node, key: str) -> tuple[str, Entry] | None:
        values = c.record(
            node,
            key,
            {
                "fichier": Checker.text,
                "légende": Checker.text,
                "texte alternatif": Checker.text,
                "crédit": Checker.text,
                "ordre": Checker.integer,
                "couverture": Checker.boolean,
                "public": _public,
            },
            required=("fichier",),
        )
        if values is None or not values["fichier"]:
            return None
        name = values["fichier"]
        if "/" in name or "\\" in name:
            c.error(node, c.join(key, "fichier"), "un nom de fichier seul, sans dossier")
            return None
        if name in entries:
            c.warning(node, c.join(key, "fichier"), f"« {excerpt(name)} » décrite deux fois")
        if name not in present:
            close = difflib.get_close_matches(name, sorted(present), n=1, cutoff=0.6)
            hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
            c.warning(
                node,
                c.join(key, "fichier"),
                f"aucune photo « {excerpt(name)} » dans ce dossier{hint}, entrée ignorée",
            )
            return None
        return name, Entry(
            caption=values["légende"],
            alt=values["texte alternatif"],
            credit=values["crédit"],
            order=values["ordre"],
            cover=values["couverture"],
            public=values["public"],
            line=node.line,
        )

    for name, entry in c.sequence(root, "photos", item):
        entries[name] = entry
    diag.extend(c.problems)
    return entries


def _public(c: Checker, node: Node | None, key: str) -> bool:
    """``public``: oui (by default) or non."""
    if node is None or yamlcheck.is_empty(node):
        return True
    return c.boolean(node, key)
