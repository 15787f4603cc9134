"""Word (.docx), LibreOffice (.odt), RTF and web pages (.html), read through pandoc; legacy
Word (.doc) converted by LibreOffice first when it is installed.

Each file is checked before pandoc sees it, so that a damaged or mislabelled file gets a
message a rapporteur can act on rather than pandoc's. A Word or LibreOffice file is a zip
archive: every member is decompressed once, counting the bytes that actually come out
(the sizes an archive declares are never trusted), and the archive is refused as soon as
it holds too many members or decompresses to too much (a "zip bomb": a few megabytes that
unzip to gigabytes), before pandoc reads it.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import FrontMatter, Note, NoteStatus
from proceedings.read.readers import pandoc_ast
from proceedings.read.readers.decode import decode, encoding_conversion
from proceedings.read.readers.frontmatter import titled
from proceedings.structure.speakers import is_name
from proceedings.support.safeio import MIB, count_text, size_text, system_message

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, or an encrypted Office file

# Bounds of a Word or LibreOffice archive, far above any rapporteur's file: a 300-page
# report full of photographs unzips to some tens of megabytes in a few hundred members
# (each image is a member, as is each part of the document).
MAX_UNZIPPED = 256 * MIB  # all members together, decompressed
MAX_MEMBERS = 10_000
_CHUNK = MIB  # decompressed at a time: the check holds about one chunk in memory


def read_docx(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    _check_zip(data, shown, "word/document.xml", "document Word (.docx)")
    note = _note(data, "docx", ".docx", path, shown, "word", "document Word", diag)
    return _with_properties(note, _properties(data, "docProps/core.xml"))


def read_odt(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    _check_zip(data, shown, "content.xml", "document LibreOffice (.odt)")
    note = _note(data, "odt", ".odt", path, shown, "libreoffice", "document LibreOffice", diag)
    # A linked image's address is relative to the package, which ODF counts as a folder:
    # LibreOffice writes a picture beside the .odt as « ../photo.png ». Made relative to
    # the note's folder, it is then resolved (or refused) as any note's image.
    blocks = tuple(
        dataclasses.replace(b, src=b.src[3:]) if b.src.startswith("../") else b for b in note.blocks
    )
    return _with_properties(dataclasses.replace(note, blocks=blocks), _properties(data, "meta.xml"))


def read_rtf(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    if not data.lstrip().startswith(b"{\\rtf"):
        raise SourceError(
            "ce fichier n’est pas au format RTF (en-tête « {\\rtf » absent)", shown, 1
        )
    return _note(data, "rtf", ".rtf", path, shown, "rtf", "document RTF", diag)


def read_html(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    # Scripts and styles are code, never note text: pandoc keeps them as raw blocks,
    # which the walker drops; nothing of them reaches the synthesis.
    note = _note(
        text.encode("utf-8"),
        "html",
        ".html",
        path,
        shown,
        "html",
        "page web",
        diag,
        lines_are_paragraphs=True,
    )
    conversions = encoding_conversion(encoding)
    return Note(
        path=note.path,
        shown=note.shown,
        format=note.format,
        meta=note.meta,
        blocks=note.blocks,
        encoding=encoding,
        conversions=conversions,
        media=note.media,
    )


def read_doc(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    """Word 97-2003: LibreOffice converts it to .docx when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SourceError(
            "ancien format Word (.doc) : LibreOffice n’est pas installé pour le "
            "convertir ; ouvrez le fichier dans Word ou LibreOffice et "
            "enregistrez-le au format .docx",
            shown,
        )
    docx = convert_with_libreoffice(soffice, data, ".doc", shown)
    note = read_docx(docx, path, shown, diag)
    return Note(
        path=note.path,
        shown=note.shown,
        format="word-97",
        meta=note.meta,
        blocks=note.blocks,
        conversions=("converti de .doc en .docx par LibreOffice",),
        media=note.media,
    )


def convert_with_libreoffice(soffice: str, data: bytes, suffix: str, shown: str) -> bytes:
    """Convert a legacy office file to .docx in a private folder; the input is untouched."""
    with tempfile.TemporaryDirectory(prefix="proceedings-lo-") as tmp:
        source = Path(tmp) / f"source{suffix}"
        source.write_bytes(data)
        profile = Path(tmp) / "profil"  # own profile: no clash with an open LibreOffice
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            str(source),
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                check=False,
                timeout=180,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired:
            raise SourceError(
                "conversion par LibreOffice trop longue (plus de 3 minutes)", shown
            ) from None
        except OSError as exc:
            raise SourceError(
                f"LibreOffice n’a pas pu être lancé ({system_message(exc)})", shown
            ) from None
        converted = Path(tmp) / "source.docx"
        if not converted.exists():
            raise SourceError(
                "LibreOffice n’a pas pu convertir ce fichier ; ouvrez-le et "
                "enregistrez-le au format .docx",
                shown,
            )
        return converted.read_bytes()


def _note(
    data: bytes,
    pandoc_format: str,
    suffix: str,
    path: str,
    shown: str,
    fmt: str,
    what: str,
    diag: Diagnostics,
    lines_are_paragraphs: bool = False,
) -> Note:
    parsed = pandoc_ast.parse(data, pandoc_format, suffix, shown, what, lines_are_paragraphs, diag)
    # pandoc takes a paragraph in the « Titre » style out of the text, as the document's
    # title: it is given back as the note's first heading (a title that is only a
    # property of the file, never shown in it, is not)
    meta = FrontMatter(rapporteur=_author(parsed.author))
    if parsed.title and _title_paragraph(data, suffix):
        meta = dataclasses.replace(meta, titre=parsed.title)
    return Note(
        path=path,
        shown=shown,
        format=fmt,
        meta=meta,
        blocks=tuple(titled(list(parsed.blocks), meta)),
        media=tuple(parsed.media),
    )


_TITLE_STYLE = {
    ".docx": ("word/document.xml", re.compile(rb'<w:pStyle w:val="(?:Title|Titre)"\s*/>')),
    ".odt": ("content.xml", re.compile(rb'text:style-name="(?:Title|Titre)"')),
}


def _title_paragraph(data: bytes, suffix: str) -> bool:
    """Whether the document's text holds a paragraph in the Title style."""
    if suffix not in _TITLE_STYLE:
        return False
    part, pattern = _TITLE_STYLE[suffix]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(pattern.search(archive.read(part)))
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return False


_DC = "{http://purl.org/dc/elements/1.1/}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"


def _properties(data: bytes, part: str) -> tuple[str, NoteStatus | None]:
    """Author and status in an office document's properties (pandoc does not read them):
    Word's « Auteur » and « État du contenu », LibreOffice's author and a « statut » field."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(part)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return "", None
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:  # no entity expansion from a note
        return "", None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return "", None
    author = ""
    for tag in (f"{_DC}creator", f"{_META}initial-creator"):
        element = root.find(f".//{tag}")
        if element is not None and element.text and _author(element.text):
            author = _author(element.text)
            break
    status_text = ""
    element = root.find(f".//{_CP}contentStatus")
    if element is not None and element.text:
        status_text = element.text
    for field in root.iter(f"{_META}user-defined"):
        if field.get(f"{_META}name", "").lower() in ("statut", "status") and field.text:
            status_text = field.text
    try:
        status = NoteStatus(status_text.strip().lower()) if status_text else None
    except ValueError:
        status = None
    return author, status


def _with_properties(note: Note, properties: tuple[str, NoteStatus | None]) -> Note:
    author, status = properties
    meta = note.meta
    if author and not meta.rapporteur and not is_name(author):
        # An account name (« sam2 », « DDT-35 ») is not a rapporteur: the editor sees it in
        # the deposit report and can write the rapporteur in the event's status file.
        note = dataclasses.replace(
            note,
            conversions=(
                *note.conversions,
                f"auteur du document non retenu comme rapporteur : « {author} »",
            ),
        )
    elif author and not meta.rapporteur:
        meta = dataclasses.replace(meta, rapporteur=author)
    if status is not None and meta.statut is None:
        meta = dataclasses.replace(meta, statut=status)
    return dataclasses.replace(note, meta=meta)


def _author(author: str) -> str:
    # Office suites fill the author with an account name ("utilisateur", "Windows User").
    if re.fullmatch(
        r"(?i)(windows user|utilisateur( windows)?|user|auteur|admin\w*|"
        r"microsoft office user|unknown|inconnu)?",
        author.strip(),
    ):
        return ""
    return author.strip()


def _check_zip(data: bytes, shown: str, part: str, what: str, limit: int | None = None) -> None:
    """Refuse an archive that is not a whole, sound ``what`` holding ``part``, or that holds
    too many members or decompresses to more than ``limit`` bytes (default
    :data:`MAX_UNZIPPED`), counted as the members are decompressed."""
    limit = MAX_UNZIPPED if limit is None else limit
    if data.startswith(_OLE):
        raise SourceError(
            f"ce fichier n’est pas un {what} : il est protégé par mot de passe "
            "ou au format Word 97-2003 ; ouvrez-le et enregistrez-le sans mot "
            "de passe au format .docx",
            shown,
        )
    if not data:
        raise SourceError(f"{what} vide (0 octet)", shown)
    # Every member of the central directory starts with this signature: counted before
    # the directory is parsed, so that millions of members are not even listed.
    if data.count(b"PK\x01\x02") > MAX_MEMBERS:
        raise SourceError(_too_many(what), shown)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise SourceError(_too_many(what), shown)
            if part not in {m.filename for m in members}:
                raise SourceError(f"{what} incomplet : la partie « {part} » manque", shown)
            left = limit
            for member in members:
                left -= _unzipped_size(data, member, left, shown, what, limit)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError, zlib.error):
        raise SourceError(
            f"{what} endommagé ou tronqué : ce n’est pas une archive valide", shown
        ) from None


def _unzipped_size(
    data: bytes, member: zipfile.ZipInfo, left: int, shown: str, what: str, limit: int
) -> int:
    """The bytes a member really decompresses to, counted as they come out and checked
    against its CRC; refused past ``left`` bytes, whatever the member declares."""
    name = member.filename
    if member.flag_bits & 0x1:
        raise SourceError(
            f"{what} dont la partie « {name} » est chiffrée : enregistrez-le sans mot de passe",
            shown,
        )
    header = member.header_offset
    if data[header : header + 4] != b"PK\x03\x04" or len(data) < header + 30:
        raise SourceError(f"{what} endommagé : la partie « {name} » est corrompue", shown)
    start = header + 30 + int.from_bytes(data[header + 26 : header + 28], "little")
    start += int.from_bytes(data[header + 28 : header + 30], "little")
    raw = memoryview(data)[start : start + member.compress_size]
    crc = 0
    size = 0
    if member.compress_type == zipfile.ZIP_STORED:
        size = len(raw)
        if size > left:
            raise SourceError(_too_big(what, name, limit), shown)
        crc = zlib.crc32(raw)
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        for offset in range(0, len(raw), _CHUNK):
            pending = raw[offset : offset + _CHUNK]
            while pending and not inflate.eof:
                out = inflate.decompress(pending, _CHUNK)
                size += len(out)
                if size > left:
                    raise SourceError(_too_big(what, name, limit), shown)
                crc = zlib.crc32(out, crc)
                pending = memoryview(inflate.unconsumed_tail)
            if inflate.eof:
                break
        if not inflate.eof:
            raise SourceError(f"{what} endommagé : la partie « {name} » est tronquée", shown)
    else:
        raise SourceError(
            f"{what} endommagé : la partie « {name} » est compressée d’une manière "
            "qu’aucun traitement de texte n’emploie",
            shown,
        )
    if crc != member.CRC or size != member.file_size:
        raise SourceError(f"{what} endommagé : la partie « {name} » est corrompue", shown)
    return size


def _too_many(what: str) -> str:
    return (
        f"{what} refusé : l’archive compte plus de {count_text(MAX_MEMBERS)} parties "
        "(un document réel en a quelques centaines)"
    )


def _too_big(what: str, name: str, limit: int) -> str:
    return (
        f"{what} refusé : une fois décompressé, il dépasserait {size_text(limit)} "
        f"(limite atteinte dans la partie « {name} ») ; un document réel en fait quelques "
        "dizaines de mégaoctets au plus"
    )
