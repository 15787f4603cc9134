"""The images of notes, checked by their content before anything publishes them.

Every image a note brings — extracted by pandoc from a Word, LibreOffice, RTF or web
document, referred to by a Markdown or web note, written in a ``data:`` URI, or shown in the
editorial — goes through :func:`check`:

- its bytes must decode, entirely, as one of the formats that DOCX, PDF and HTML all
  display (:data:`FORMATS`); the file name and the declared type are never trusted, so an
  HTML page or a script named ``image1.png`` is refused, and so is a truncated file;
- it is bounded in bytes (:data:`MAX_BYTES`) and in pixels (:data:`MAX_PIXELS`, checked
  from the header before any decoding: a small file that would decode to gigabytes, a
  "decompression bomb", is refused at once);
- it is encoded again from its pixels: what is published holds the picture and nothing
  else (no EXIF or GPS position, no comment, no colour profile, nothing appended after
  the image's end). A photograph's orientation is applied to its pixels first.

A refused image comes with a French reason (:class:`Refused`); the caller names the note.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import urllib.parse
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from proceedings.errors import SourceError
from proceedings.support.safeio import MIB, read_input, size_text

# The formats read, by Pillow's name. PNG and JPEG are published as they are (encoded
# again); the others, which DOCX, PDF or HTML do not all display (Typst refuses TIFF and
# BMP), are converted to PNG: a Word file's TIFF scan or BMP screenshot is not lost.
FORMATS = {
    "PNG": ".png",
    "JPEG": ".jpg",
    "GIF": ".png",
    "TIFF": ".png",
    "BMP": ".png",
    "WEBP": ".png",
}
ACCEPTED = "PNG, JPEG, GIF, TIFF, BMP, WebP"  # for messages
# 20 MiB: a photograph straight from a camera is 3 to 12 MB; a note's image is shown at
# most a page wide.
MAX_BYTES = 20 * MIB
# 50 megapixels: an 8,000 × 6,000 photograph (48 MP, the largest phones and cameras take)
# fits, and decoding it takes at most 200 MB (4 bytes a pixel). Checked from the header,
# before anything is decoded.
MAX_PIXELS = 50_000_000
# Pillow's own guard uses the same bound (it refuses beyond twice the bound, and warns
# beyond it: the warning is turned into an error, as it would otherwise be printed in
# English).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)
_TOO_LARGE = f"image trop grande (plus de {MAX_PIXELS // 1_000_000} mégapixels)"

# What a refused file is, told from its first bytes, so that the message names it.
_SIGNATURES: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), name)
    for pattern, name in (
        (rb"^\xd7\xcd\xc6\x9a|^\x01\x00\x09\x00\x00\x03|^\x02\x00\x09\x00\x00\x03", "WMF"),
        (rb"^\x01\x00\x00\x00.{36} EMF", "EMF"),
        (rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg", "SVG"),
        (rb"^(?:\xef\xbb\xbf)?\s*(?:<!doctype html|<html|<head|<body|<script|<!--)", "HTML"),
        (rb"^%PDF-", "PDF"),
        (rb"^II\*\x00|^MM\x00\*", "TIFF"),
        (rb"^BM", "BMP"),
        (rb"^RIFF....WEBP", "WebP"),
        (rb"^....ftyp(?:heic|heix|hevc|mif1|msf1)", "HEIC"),
        (rb"^....ftypavif", "AVIF"),
        (rb"^\x00\x00\x01\x00", "ICO"),
        (rb"^8BPS", "PSD"),
        (rb"^\xff\x0a|^\x00\x00\x00\x0cJXL ", "JPEG XL"),
        (rb"^\x00\x00\x00\x0cjP  |^\xff\x4f\xff\x51", "JPEG 2000"),
        (rb"^\xc5\xd0\xd3\xc6|^%!PS", "PostScript"),
    )
)


class Refused(Exception):
    """An image that is not published; ``reason`` says why, in French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Checked:
    """An image that passed: its bytes encoded again, and the extension they call for."""

    data: bytes
    suffix: str  # ".png" or ".jpg"


def check(data: bytes) -> Checked:
    """The image re-encoded from its pixels, or :class:`Refused` with the reason."""
    with _opened(data, FORMATS, ACCEPTED, "une image") as image:
        kind = image.format or ""
        image.load()  # decodes every byte of the (first) frame: a truncated one fails
        return _encode(image, kind)


@contextmanager
def _opened(data: bytes, formats: Iterable[str], accepted: str, what: str) -> Iterator[Image.Image]:
    """The picture ``data`` holds, opened as one of ``formats`` (Pillow's names), its size
    checked from its header before anything is decoded; every way Pillow tells a file it
    cannot decode, here or in the caller's block, becomes :class:`Refused` with the reason
    (``what``: « une image », « une photo »)."""
    if len(data) > MAX_BYTES:
        raise Refused(_too_heavy(len(data)))
    if not data:
        raise Refused("fichier vide (0 octet)")
    Image.init()  # every plugin registered: WebP, TIFF, MPO… are not by default
    try:
        with Image.open(io.BytesIO(data), formats=[f for f in formats if f in Image.OPEN]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Refused(_TOO_LARGE)
            yield image
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(_TOO_LARGE) from None
    except UnidentifiedImageError:
        if data.startswith((b"\x89PNG", b"\xff\xd8")):  # a PNG's or JPEG's start, then garbage
            raise Refused(_damaged(data)) from None
        name = _sniff(data)
        if name:
            raise Refused(f"format {name} non pris en charge (formats : {accepted})") from None
        raise Refused(f"contenu qui n’est pas {what} lisible (formats : {accepted})") from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError, IndexError, KeyError):
        # Pillow's decoders tell a damaged file by any of these
        raise Refused(_damaged(data)) from None


def check_file(path: Path, shown: str) -> Checked:
    """:func:`check` on a file, read within the bound (never blocking, regular files only)."""
    try:
        data = read_input(path, shown, MAX_BYTES, "fichier d’image")
    except SourceError as exc:
        raise Refused(exc.message) from None
    return check(data)


def check_data_uri(uri: str) -> Checked:
    """:func:`check` on the content of a ``data:`` URI; its declared type is not trusted."""
    header, comma, payload = uri.partition(",")
    if not comma:
        raise Refused("adresse « data: » mal formée")
    if len(payload) > MAX_BYTES * 4 // 3 + 4:
        raise Refused(_too_heavy(len(payload) * 3 // 4))
    try:
        if header.lower().endswith(";base64"):
            data = base64.b64decode(urllib.parse.unquote(payload), validate=False)
        else:
            data = urllib.parse.unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise Refused("adresse « data: » mal formée (base64 invalide)") from None
    return check(data)


# Photos (proceedings/read/photos.py): what cameras and phones write. HEIC is read when
# pillow-heif is installed (it is a dependency; a machine without it is told so).
PHOTO_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "HEIF")
PHOTO_ACCEPTED = "JPEG, PNG, WebP, HEIC"
_SRGB = ImageCms.createProfile("sRGB")


def open_photo(
    data: bytes, fit: tuple[int, int] | None = None
) -> tuple[Image.Image, tuple[int, int]]:
    """A photo's pixels and its full size (width, height) once upright: decoded entirely,
    its EXIF orientation applied, in sRGB, with no metadata left (``info`` empty: no EXIF,
    GPS position, device, comment or colour profile); :class:`Refused` with the reason
    otherwise.

    ``fit``: the size (width, height) the caller will reduce it to; a JPEG is then decoded
    at the smallest scale that still covers it (up to 8 times faster, and less memory)."""
    if _sniff(data) == "HEIC" and not _heif_opener():
        raise Refused("format HEIC illisible ici : installez le paquet pillow-heif")
    with _opened(data, PHOTO_FORMATS, PHOTO_ACCEPTED, "une photo") as image:
        width, height = image.size
        orientation = _orientation(image)
        profile = image.info.get("icc_profile")
        if fit is not None and image.format in ("JPEG", "MPO"):
            stored = fit if orientation < 5 else (fit[1], fit[0])
            image.draft("RGB", stored)
        image.load()
        pixels = _oriented(image, orientation)
        alpha = pixels.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        pixels = pixels.convert("RGBA" if alpha else "RGB")
        if profile:
            pixels = _to_srgb(pixels, profile)
        pixels.info = {}
        return pixels, ((width, height) if orientation < 5 else (height, width))


def _to_srgb(image: Image.Image, profile: bytes) -> Image.Image:
    """The pixels in sRGB: a phone's Display P3 photo keeps its colours once its profile
    is gone. A profile that cannot be read leaves the pixels as they are."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _heif_opener() -> bool:
    """Whether HEIC photos can be read (pillow-heif registered with Pillow)."""
    try:
        import pillow_heif
    except ImportError:
        return False
    if "HEIF" not in Image.OPEN:
        pillow_heif.register_heif_opener(thumbnails=False)
    return True


def _encode(image: Image.Image, kind: str) -> Checked:
    """The pixels alone, encoded again in the format they came in (GIF as PNG).

    ``info`` is emptied first: Pillow otherwise writes some of what it read (a JPEG's
    comment, a PNG's colour profile) into the new file."""
    transparency = image.info.get("transparency")
    orientation = _orientation(image)
    image.info = {}
    out = io.BytesIO()
    if kind in ("JPEG", "MPO"):
        if orientation == 1 and kind == "JPEG" and image.mode in ("L", "RGB"):
            # same quantisation and subsampling: no visible loss from encoding again
            image.save(out, format="JPEG", quality="keep")
        else:
            pixels = image if image.mode in ("L", "RGB") else image.convert("RGB")
            pixels = _oriented(pixels, orientation)
            pixels.save(out, format="JPEG", quality=92)
        return Checked(out.getvalue(), ".jpg")
    options = {}
    if transparency is not None and image.mode in ("P", "L", "RGB", "1"):
        options["transparency"] = transparency
    pixels = image
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        pixels = image.convert("RGBA")
    pixels.save(out, format="PNG", **options)
    return Checked(out.getvalue(), ".png")


def _orientation(image: Image.Image) -> int:
    """A photograph's EXIF orientation (1: as stored); a damaged EXIF block counts as 1."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # EXIF is parsed leniently: any failure means no orientation
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _oriented(image: Image.Image, orientation: int) -> Image.Image:
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image


def _sniff(data: bytes) -> str:
    head = data[:256]
    lowered = head.lower()
    for pattern, name in _SIGNATURES:
        if pattern.match(lowered if name in ("SVG", "HTML") else head):
            return name
    return ""


def _damaged(data: bytes) -> str:
    kind = "PNG" if data.startswith(b"\x89PNG") else ""
    kind = kind or ("JPEG" if data.startswith(b"\xff\xd8") else "")
    kind = kind or ("GIF" if data[:6] in (b"GIF87a", b"GIF89a") else "")
    return f"image {kind} tronquée ou endommagée" if kind else "image tronquée ou endommagée"


def _too_heavy(size: int) -> str:
    return f"fichier d’image trop volumineux ({size_text(size)} ; limite : {size_text(MAX_BYTES)})"
