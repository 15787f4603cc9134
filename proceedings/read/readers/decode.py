"""Bytes to text: the encodings rapporteurs' tools really write, normalised to NFC."""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from proceedings.errors import SourceError


def decode(data: bytes, shown: str) -> tuple[str, str]:
    """Return the text (LF line ends, NFC) and the name of the encoding it was in."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8", shown), "utf-8 (avec BOM)"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", shown), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _guess(data, shown)
    if "\x00" in text:
        raise SourceError("fichier binaire (octets nuls), pas un texte", shown)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), encoding


def encoding_conversion(encoding: str) -> tuple[str, ...]:
    """What the deposit report says of a text that was not plain UTF-8."""
    if encoding in ("utf-8", ""):
        return ()
    if encoding == "utf-8 (avec BOM)":
        return ("marque d’ordre des octets (BOM) retirée",)
    return (f"encodage {encoding} converti en UTF-8",)


def _strict(data: bytes, encoding: str, shown: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"texte {encoding} invalide (octet {exc.start})", shown, line) from None


# The legacy encodings French rapporteurs' tools write: Windows first, then old Mac and DOS.
# Restricting detection to them avoids Central European code pages that short French
# texts also decode into (cp1250 turns "à" into "ŕ").
_FRENCH_LEGACY = ["cp1252", "iso8859_15", "latin_1", "mac_roman", "cp850"]


def _guess(data: bytes, shown: str) -> tuple[str, str]:
    if b"\x00" in data:
        raise SourceError("fichier binaire (octets nuls), pas un texte", shown)
    best = from_bytes(data, cp_isolation=_FRENCH_LEGACY).best()
    if best is None or best.encoding is None:
        raise SourceError("encodage du texte non reconnu ; enregistrez le fichier en UTF-8", shown)
    encoding = best.encoding
    # A Windows-1252 text without its specific characters is also valid Latin-1; French
    # Windows users write cp1252, whose typographic quotes Latin-1 would lose.
    if encoding in ("latin_1", "iso8859_15"):
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            pass
    return str(best), _label(encoding)


def _label(encoding: str) -> str:
    return {
        "cp1252": "windows-1252",
        "latin_1": "latin-1",
        "mac_roman": "mac-roman",
        "iso8859_15": "iso-8859-15",
    }.get(encoding, encoding.replace("_", "-"))
