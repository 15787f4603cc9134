"""The photos' files, as the documents show them: one for print, one for the web.

A photo is shown at the width of the text column (16.4 cm: A4, margins of 2.3 cm, as
``synthese.typ`` sets them) when it is wider than tall; a portrait photo is shown
``PORTRAIT_HEIGHT`` high, so that it does not take a whole page. Its print file has 300
pixels per inch at that size (a landscape photo 1,937 pixels wide), never more than the
photo has; its web file, for the HTML, is at most 1,200 pixels wide (900 high for a
portrait), enough for a screen twice as dense as its column.

Both files are encoded again from the pixels that :func:`proceedings.read.images.open_photo`
decodes upright and in sRGB: no EXIF (GPS position, device, date), no comment and no
colour profile reach a document. JPEG at quality 82 (what a photo printed at 300 ppi needs:
no visible loss), a little lower for a photo so full of detail that it would weigh more
than 420 kB (200 kB on the web); a photo with transparency is laid on white first. The
files are named after the photo's bytes and the sizes asked, so that a build only encodes
a photo it has not encoded yet, and the same photo gives the same bytes (Pillow's encoders
are deterministic).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Photo
from proceedings.read import images
from proceedings.support.safeio import atomic_write, read_input

PHOTOS_DIR = ".travail/photos"  # relative to the output folder (and to the master)
COLUMN_CM = 16.4  # the text column of synthese.typ: 21 cm − 2 × 2.3 cm
PORTRAIT_HEIGHT_CM = 10.0
PRINT_PPI = 300
WEB_WIDTH = 1200
WEB_PORTRAIT_HEIGHT = 900
# The cover's band: the page's width (21 cm) by 6 cm at 300 ppi, the photo cropped around
# its middle (synthese.typ, the DOCX's cover and the HTML's show it so).
COVER_BOX = (2480, 709)
# JPEG quality, and the weight each file should keep under: a photo full of fine detail
# (foliage, a crowd, a sensor's grain) is encoded again a little lower until it fits, so
# that 30 photos add less than 15 MB to the PDF whatever they show (bench/performance.py).
JPEG_QUALITIES = (82, 76, 70, 64, 58)
WEIGHT = {"impression": 420_000, "web": 200_000, "couverture": 420_000}
_VERSION = "2"  # changes when the files' encoding changes: they are made again


@dataclass(frozen=True, slots=True)
class Prepared:
    """A photo's files for the documents, relative to the output folder."""

    print: str  # for DOCX and PDF
    web: str  # for HTML
    size: str  # its size in the documents: « width=16.4cm » or « height=10cm »
    cover: str = ""  # the cover's photo: a band across the page (COVER_BOX), cropped


def prepare(
    photos: Iterable[Photo], event_dir: Path, out: Path, diag: Diagnostics
) -> dict[str, Prepared]:
    """The files of every photo, by the photo's path; made when they are not there yet. A
    photo that changed since it was checked, or cannot be decoded, is reported and left
    out."""
    folder = out / PHOTOS_DIR
    prepared: dict[str, Prepared] = {}
    made: set[str] = set()
    for photo in photos:
        size = f"height={PORTRAIT_HEIGHT_CM:g}cm" if photo.portrait else f"width={COLUMN_CM:g}cm"
        # the cover's photo is shown on the cover only
        sizes = (
            {"couverture": COVER_BOX}
            if photo.cover
            else {"impression": _print_box(photo), "web": _web_box(photo)}
        )
        key = _key(photo, sizes)
        names = {kind: f"{key}-{kind}.jpg" for kind in sizes}
        if not all((folder / name).exists() for name in names.values()):
            try:
                _write(photo, event_dir / photo.path, folder, sizes, names)
            except images.Refused as exc:
                diag.error(f"{exc.reason}, photo ignorée", photo.shown)
                continue
        files = {kind: f"{PHOTOS_DIR}/{name}" for kind, name in names.items()}
        prepared[photo.path] = Prepared(
            print=files.get("impression", ""),
            web=files.get("web", ""),
            size=size,
            cover=files.get("couverture", ""),
        )
        made.update(names.values())
    # the files of photos no longer shown go (a photo of someone taken out stays out)
    if folder.is_dir():
        for old in sorted(folder.iterdir()):
            if old.name not in made:
                old.unlink(missing_ok=True)
    return prepared


def _print_box(photo: Photo) -> tuple[int, int]:
    """The largest size, in pixels, the print file may have (300 ppi where it is shown)."""
    if photo.portrait:
        height = round(PORTRAIT_HEIGHT_CM / 2.54 * PRINT_PPI)
        return (round(height * photo.width / photo.height), height)
    width = round(COLUMN_CM / 2.54 * PRINT_PPI)
    return (width, round(width * photo.height / max(photo.width, 1)))


def _web_box(photo: Photo) -> tuple[int, int]:
    if photo.portrait:
        return (round(WEB_PORTRAIT_HEIGHT * photo.width / photo.height), WEB_PORTRAIT_HEIGHT)
    return (WEB_WIDTH, round(WEB_WIDTH * photo.height / max(photo.width, 1)))


def _jpeg(pixels: Image.Image, weight: int) -> bytes:
    """The pixels as a JPEG of the best quality of JPEG_QUALITIES that stays under
    ``weight`` bytes (the lowest one otherwise)."""
    data = b""
    for quality in JPEG_QUALITIES:
        buffer = io.BytesIO()
        pixels.save(buffer, format="JPEG", quality=quality, optimize=True)
        data = buffer.getvalue()
        if len(data) <= weight:
            break
    return data


def _key(photo: Photo, sizes: dict[str, tuple[int, int]]) -> str:
    """What names a photo's files: its bytes and how they are encoded (the HTML's filter
    finds the web file by the print file's name)."""
    boxes = sorted(sizes.items())
    return hashlib.sha256(
        f"{photo.digest}:{boxes}:{JPEG_QUALITIES}:{WEIGHT}:{_VERSION}".encode()
    ).hexdigest()[:20]


def _write(
    photo: Photo,
    path: Path,
    folder: Path,
    sizes: dict[str, tuple[int, int]],
    names: dict[str, str],
) -> None:
    """Decode the photo once (at the smallest scale that covers the print size) and write
    both files; the photo must still have the bytes it was checked with."""
    try:
        data = read_input(path, photo.shown, images.MAX_BYTES, "fichier de photo")
    except SourceError as exc:
        raise images.Refused(exc.message) from None
    if hashlib.sha256(data).hexdigest() != photo.digest:
        raise images.Refused("photo modifiée pendant la construction (relancez-la)")
    largest = (max(b[0] for b in sizes.values()), max(b[1] for b in sizes.values()))
    pixels, _size = images.open_photo(data, largest)
    for kind, box in sizes.items():
        if kind == "couverture":
            resized = ImageOps.fit(pixels, box, Image.Resampling.LANCZOS)
        elif pixels.width > box[0] or pixels.height > box[1]:
            resized = pixels.copy()
            resized.thumbnail(box, Image.Resampling.LANCZOS)
        else:
            resized = pixels
        if resized.mode == "RGBA":
            flat = Image.new("RGB", resized.size, "white")
            flat.paste(resized, mask=resized.getchannel("A"))
            resized = flat
        atomic_write(folder / names[kind], _jpeg(resized, WEIGHT[kind]))
