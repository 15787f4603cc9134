"""Hostile and broken documents read through pandoc, and their images: pandoc in its
sandbox with a bounded heap, images only from the note itself or the event folder and only
when their content is an image, office archives bounded, no document lost to one bad
input, and no image from elsewhere in a conversion. Each case asserts its French message.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import io
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
import pypandoc
import pytest
from docx.shared import Cm
from PIL import Image
from pypdf import PdfReader

from proceedings.build import build
from proceedings.errors import Diagnostics, SourceError
from proceedings.export import convert
from proceedings.export.docx_finish import DocxFinish
from proceedings.model import Note
from proceedings.read import images
from proceedings.read.programme import load_programme
from proceedings.read.readers import discover, office, pandoc_ast, read_editorial, read_or_report

from .conftest import TEMPLATES, write_tiny_event

ACCEPTED = "(formats : PNG, JPEG, GIF, TIFF, BMP, WebP)"


# -- helpers ------------------------------------------------------------------------------


def png(size: tuple[int, int] = (6, 4), colour: tuple[int, int, int] = (11, 92, 107)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()


# A file outside the event folder that no document may bring in: unique pixels, and a
# unique text after the image's end.
CANARY_TEXT = b"CANARI-8d1f0c-NE-DOIT-JAMAIS-PARAITRE"
CANARY_PNG = png((7, 5), (201, 13, 77)) + CANARY_TEXT


def plant_canary(tmp_path: Path) -> Path:
    canary = tmp_path / "dehors" / "canari.png"
    canary.parent.mkdir(exist_ok=True)
    canary.write_bytes(CANARY_PNG)
    (tmp_path / "dehors" / "canari.html").write_text(
        f"<p>{CANARY_TEXT.decode()}</p>", encoding="utf-8"
    )
    return canary


def assert_no_canary(note: Note) -> None:
    canary = pixels(CANARY_PNG)
    for media in note.media:
        assert CANARY_TEXT not in media.data
        assert pixels(media.data) != canary, media.name
    text = " ".join(s.text for b in note.blocks for s in b.spans)
    assert CANARY_TEXT.decode() not in text


def read_in_event(event: Path, rel: str) -> tuple[Note | None, list[str]]:
    """A file of the event folder read as a build reads it; its messages, located."""
    diag = Diagnostics()
    (found,) = [f for f in discover(event, Diagnostics()) if f.rel == rel]
    note = read_or_report(found, diag)
    prefix = event.as_posix() + "/"
    return note, [str(d).replace(prefix, "") for d in diag]


def word_with_picture(tmp_path: Path, picture: bytes = b"") -> bytes:
    """A .docx with a paragraph and a picture (a PNG unless ``picture`` replaces its bytes,
    whatever they are: the part keeps its name « media/image1.png »)."""
    document = docx.Document()
    document.add_paragraph("Compte rendu de l’atelier sur les mobilités partagées.")
    source = tmp_path / "photo.png"
    source.write_bytes(png())
    document.add_picture(str(source), width=Cm(2))
    target = tmp_path / "construit.docx"
    document.save(str(target))
    data = target.read_bytes()
    return replace_member(data, "word/media/image1.png", picture) if picture else data


def replace_member(
    archive: bytes, name: str, data: bytes, rename: str = "", edit: dict[str, Any] | None = None
) -> bytes:
    """The archive with one member's bytes replaced (and renamed); ``edit`` maps other
    members to a function of their bytes."""
    edit = edit or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            new = copy.copy(info)
            if info.filename == name:
                content = data
                new.filename = rename or name
            elif info.filename in edit:
                content = edit[info.filename](content)
            dst.writestr(new, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


WMF = (  # a placeable Windows Metafile: header, then the end record
    struct.pack("<IHhhhhHIH", 0x9AC6CDD7, 0, 0, 0, 100, 100, 1440, 0, 0)
    + struct.pack("<HHHIHIH", 1, 9, 0x300, 12, 0, 3, 0)
    + struct.pack("<IH", 3, 0)
)


def word_with_wmf(tmp_path: Path) -> bytes:
    """A .docx whose picture is a WMF drawing, as Word stores clip art."""

    def rels(xml: bytes) -> bytes:
        return xml.replace(b"media/image1.png", b"media/image1.wmf")

    def types(xml: bytes) -> bytes:
        return xml.replace(
            b"<Default Extension=",
            b'<Default Extension="wmf" ContentType="image/x-wmf"/><Default Extension=',
            1,
        )

    return replace_member(
        word_with_picture(tmp_path),
        "word/media/image1.png",
        WMF,
        rename="word/media/image1.wmf",
        edit={"word/_rels/document.xml.rels": rels, "[Content_Types].xml": types},
    )


def odt_with_image_link(tmp_path: Path, href: str) -> bytes:
    """A LibreOffice document (written by pandoc) whose image links to ``href``."""
    (tmp_path / "pour-odt.png").write_bytes(png())
    target = tmp_path / "lien.odt"
    pypandoc.convert_text(
        "Texte de la note.\n\n![Une photo](pour-odt.png)\n",
        "odt",
        format="markdown",
        outputfile=str(target),
        extra_args=[f"--resource-path={tmp_path}"],
    )
    data = target.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (picture,) = [n for n in archive.namelist() if n.startswith("Pictures/")]
    return _relink(data, picture, href)


def _relink(data: bytes, picture: str, href: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename == picture:
                continue  # the link is all there is
            content = src.read(info)
            if info.filename in ("content.xml", "META-INF/manifest.xml"):
                content = content.replace(picture.encode(), href.encode())
            dst.writestr(copy.copy(info), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# -- 1. pandoc in its sandbox, with a bounded heap ----------------------------------------


def test_pandoc_reads_every_note_in_its_sandbox_with_a_bounded_heap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    run = subprocess.run

    def spy(command: list[str], *args: Any, **kwargs: Any) -> Any:
        calls.append(list(command))
        return run(command, *args, **kwargs)

    monkeypatch.setattr(pandoc_ast.subprocess, "run", spy)
    diag = Diagnostics()
    office.read_docx(word_with_picture(tmp_path), "n.docx", "ev/n.docx", diag)
    office.read_html(b"<p>Bonjour</p>", "n.html", "ev/n.html", diag)
    office.read_rtf(b"{\\rtf1 Bonjour}", "n.rtf", "ev/n.rtf", diag)
    assert len(calls) == 3
    for command in calls:
        assert "--sandbox" in command
        assert command[-3:] == ["+RTS", f"-M{pandoc_ast.PANDOC_HEAP_MB}m", "-RTS"]


def test_a_document_too_big_for_pandocs_heap_is_refused_in_french(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = "".join(f"<p>Paragraphe {i} de la restitution.</p>" for i in range(20_000))
    monkeypatch.setattr(pandoc_ast, "PANDOC_HEAP_MB", 8)  # pandoc then stops at 64 MB
    with pytest.raises(SourceError) as refused:
        office.read_html(page.encode(), "long.html", "ev/long.html", Diagnostics())
    assert refused.value.path == "ev/long.html"
    assert refused.value.message == (
        "page web illisible : trop gros ou trop complexe, pandoc a dépassé la mémoire qui "
        "lui est accordée (8 Mo) ; découpez le document en plusieurs fichiers"
    )


def test_a_web_page_reads_no_file_and_no_address_it_names(tmp_path: Path) -> None:
    """<img>, <iframe>, <embed> and <base> pointing at a file outside the event folder, at
    /etc/passwd, at file:// and http:// addresses: nothing is read, nothing fetched."""
    canary = plant_canary(tmp_path)
    event = write_tiny_event(tmp_path / "ev")
    (event / "ouverture" / "pad.html").write_text(
        "<html><body><p>Notes du pad.</p>"
        '<img src="/etc/passwd">'
        f'<img src="{canary}">'
        f'<img src="{canary.as_uri()}">'
        '<img src="../../dehors/canari.png">'
        '<img src="http://exemple.invalid/a.png">'
        f'<iframe src="{canary.with_suffix(".html")}"></iframe>'
        f'<embed src="{canary}">'
        "</body></html>",
        encoding="utf-8",
    )
    note, messages = read_in_event(event, "ouverture/pad.html")
    assert note is not None and note.media == ()
    assert_no_canary(note)
    refused = "ouverture/pad.html: avertissement : image « {} » non reprise : {}"
    absolute = "chemin absolu refusé (indiquez un chemin relatif à la note)"
    assert messages == [
        refused.format("/etc/passwd", absolute),
        refused.format(canary, absolute),
        refused.format(canary.as_uri(), absolute),
        refused.format("../../dehors/canari.png", "fichier hors du dossier de l’événement"),
        refused.format(
            "http://exemple.invalid/a.png",
            "image distante, jamais téléchargée (placez le fichier dans le dossier de la note)",
        ),
    ]


def test_a_base_address_only_makes_images_remote(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    (event / "ouverture" / "photo.png").write_bytes(png())
    (event / "ouverture" / "base.html").write_text(
        '<html><head><base href="http://exemple.invalid/"></head><body>'
        '<p>Texte.</p><img src="photo.png"></body></html>',
        encoding="utf-8",
    )
    note, messages = read_in_event(event, "ouverture/base.html")
    assert note is not None and note.media == ()
    assert messages == [
        "ouverture/base.html: avertissement : image « http://exemple.invalid/photo.png » "
        "non reprise : image distante, jamais téléchargée (placez le fichier dans le "
        "dossier de la note)"
    ]


# -- 2. images: from the note or the event folder, checked by their content ---------------


def test_data_uris_are_decoded_and_checked_by_their_content(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    good = base64.b64encode(png((3, 2), (1, 2, 3))).decode()
    (event / "ouverture" / "data.html").write_text(
        "<p>Deux images.</p>"
        f'<img alt="bonne" src="data:image/png;base64,{good}">'
        '<img src="data:text/html,<script>alert(1)</script>">'
        f'<img src="data:image/png;base64,{base64.b64encode(b"<html>x</html>").decode()}">',
        encoding="utf-8",
    )
    (event / "ouverture" / "data.md").write_text(
        f"Une note.\n\n![bonne](data:image/png;base64,{good})\n", encoding="utf-8"
    )
    note, messages = read_in_event(event, "ouverture/data.html")
    assert note is not None
    (media,) = note.media
    assert media.name == "image1.png" and pixels(media.data) == pixels(png((3, 2), (1, 2, 3)))
    assert [b.media for b in note.blocks if b.kind == "image"] == ["image1.png"]
    html = f"format HTML non pris en charge {ACCEPTED}"
    assert messages == [
        "ouverture/data.html: avertissement : image « data:text/html,%3Cscript%3Ealert(1)"
        f"%3C/script%3E » non reprise : {html}",
        "ouverture/data.html: avertissement : image « data:image/png;base64,PGh0bWw+eDwvaHRtb"
        f"D4= » non reprise : {html}",
    ]
    note, messages = read_in_event(event, "ouverture/data.md")
    assert messages == [] and note is not None and len(note.media) == 1


def test_relative_images_of_web_and_libreoffice_notes_inside_the_event_folder(
    tmp_path: Path,
) -> None:
    """Allowed, and checked the same way: a « .png » that is a web page is refused."""
    event = write_tiny_event(tmp_path / "ev")
    folder = event / "ouverture"
    (folder / "photo.png").write_bytes(png((5, 5), (9, 9, 9)))
    (folder / "fausse.png").write_bytes(b"<!DOCTYPE html><html><script>x()</script></html>")
    (folder / "page.html").write_text(
        '<p>Texte.</p><img src="photo.png"><img src="fausse.png">', encoding="utf-8"
    )
    # LibreOffice writes a picture beside the document as « ../photo.png »
    (folder / "lien.odt").write_bytes(odt_with_image_link(tmp_path, "../photo.png"))
    for rel in ("ouverture/page.html", "ouverture/lien.odt"):
        note, messages = read_in_event(event, rel)
        assert note is not None
        assert [pixels(m.data) for m in note.media] == [pixels(png((5, 5), (9, 9, 9)))]
        assert any(b.media == "image1.png" for b in note.blocks), rel
        if rel.endswith(".html"):
            assert messages == [
                "ouverture/page.html: avertissement : image « fausse.png » non reprise : "
                f"format HTML non pris en charge {ACCEPTED}"
            ]
        else:
            assert messages == []


@pytest.mark.parametrize("link", ["absolute", "uri", "parent"])
def test_a_libreoffice_image_linked_outside_the_event_folder_is_refused(
    tmp_path: Path, link: str
) -> None:
    canary = plant_canary(tmp_path)
    event = write_tiny_event(tmp_path / "ev")
    href = {
        "absolute": str(canary),
        "uri": canary.as_uri(),
        "parent": "../../../dehors/canari.png",  # ODF: the first « .. » is the package
    }[link]
    (event / "ouverture" / "lien.odt").write_bytes(odt_with_image_link(tmp_path, href))
    note, messages = read_in_event(event, "ouverture/lien.odt")
    assert note is not None and note.media == ()
    assert_no_canary(note)
    reason = (
        "fichier hors du dossier de l’événement"
        if link == "parent"
        else "chemin absolu refusé (indiquez un chemin relatif à la note)"
    )
    assert messages == [
        f"ouverture/lien.odt: avertissement : image « {href[3:] if link == 'parent' else href} "
        f"» non reprise : {reason}"
    ]


def test_a_word_picture_that_is_a_web_page_is_refused_and_never_embedded(
    tmp_path: Path,
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    page = b"<html><body><script>alert(document.cookie)</script></body></html>"
    (event / "ouverture" / "piege.docx").write_bytes(word_with_picture(tmp_path, page))
    note, messages = read_in_event(event, "ouverture/piege.docx")
    assert note is not None and note.media == ()
    assert messages == [
        "ouverture/piege.docx: avertissement : image « media/image1.png » non reprise : "
        f"format HTML non pris en charge {ACCEPTED}"
    ]
    out = tmp_path / "sortie"
    build(event, out, ("html",), Diagnostics())
    html = (out / "synthese.html").read_text(encoding="utf-8")
    assert "Compte rendu de l’atelier" in html
    assert "data:text/html" not in html and "<embed" not in html
    assert "document.cookie" not in html


def test_images_are_encoded_again_without_metadata_or_payload(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    folder = event / "ouverture"
    exif = Image.Exif()
    exif[0x010F] = "Appareil-Secret"  # make
    exif[0x8825] = {1: "N", 2: (48.0, 6.0, 55.0), 3: "W", 4: (1.0, 40.0, 39.0)}  # GPS
    exif[0x0112] = 6  # to be turned a quarter: applied to the pixels
    photo = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(
        photo, format="JPEG", exif=exif.tobytes(), comment=b"commentaire-secret"
    )
    (folder / "photo.jpg").write_bytes(photo.getvalue())
    (folder / "trace.png").write_bytes(png() + b"charge-cachee-apres-IEND")
    (folder / "anime.gif").write_bytes(_gif())
    (folder / "images.md").write_text(
        "Photos.\n\n![a](photo.jpg)\n\n![b](trace.png)\n\n![c](anime.gif)\n", encoding="utf-8"
    )
    note, messages = read_in_event(event, "ouverture/images.md")
    assert messages == [] and note is not None
    jpeg, trace, gif = note.media
    assert (jpeg.name, trace.name, gif.name) == ("image1.jpg", "image2.png", "image3.png")
    for secret in (b"Appareil-Secret", b"commentaire-secret", b"charge-cachee", b"GPS"):
        assert all(secret not in m.data for m in note.media)
    with Image.open(io.BytesIO(jpeg.data)) as image:
        assert image.size == (20, 40)  # orientation applied
        assert not image.getexif()
    assert pixels(trace.data) == pixels(png())


def _gif() -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("P", (4, 4), i) for i in range(3)]
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tronque.png", png((64, 64))[:60], "image PNG tronquée ou endommagée"),
        ("dessin.png", WMF, f"format WMF non pris en charge {ACCEPTED}"),
        ("vide.png", b"", "fichier vide (0 octet)"),
        (
            "texte.jpg",
            b"Ceci n'est pas une image.",
            f"contenu qui n’est pas une image lisible {ACCEPTED}",
        ),
    ],
    ids=["png-tronque", "wmf", "vide", "texte"],
)
def test_a_broken_or_foreign_image_is_refused_naming_the_note(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    (event / "ouverture" / name).write_bytes(content)
    (event / "ouverture" / "n.md").write_text(f"Texte.\n\n![x]({name})\n", encoding="utf-8")
    note, messages = read_in_event(event, "ouverture/n.md")
    assert note is not None and note.media == ()
    assert messages == [
        f"ouverture/n.md:3: avertissement : image « {name} » non reprise : {reason}"
    ]


def test_decompression_bombs_and_heavy_files_are_refused_before_decoding(
    tmp_path: Path,
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    folder = event / "ouverture"
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, format="PNG")  # 400 MP in 48 kB
    assert len(bomb.getvalue()) < 100_000
    (folder / "bombe.png").write_bytes(bomb.getvalue())
    (folder / "lourde.png").write_bytes(png() + bytes(images.MAX_BYTES))
    (folder / "n.md").write_text("Texte.\n\n![](bombe.png)\n\n![](lourde.png)\n", "utf-8")
    note, messages = read_in_event(event, "ouverture/n.md")
    assert note is not None and note.media == ()
    assert messages == [
        "ouverture/n.md:3: avertissement : image « bombe.png » non reprise : image trop "
        "grande (plus de 50 mégapixels)",
        "ouverture/n.md:5: avertissement : image « lourde.png » non reprise : fichier "
        "d’image trop volumineux (20,0 Mo ; limite : 20,0 Mo)",
    ]


def test_a_wmf_picture_in_a_word_note_is_refused_and_the_pdf_built(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    (event / "ouverture" / "clipart.docx").write_bytes(word_with_wmf(tmp_path))
    diag = Diagnostics()
    out = tmp_path / "sortie"
    build(event, out, ("pdf",), diag)
    assert [str(d).replace(event.as_posix() + "/", "") for d in diag] == [
        "ouverture/clipart.docx: avertissement : image « media/image1.wmf » non reprise : "
        f"format WMF non pris en charge {ACCEPTED}"
    ]
    text = " ".join(p.extract_text() or "" for p in PdfReader(out / "synthese.pdf").pages)
    assert "mobilités partagées" in re.sub(r"\s+", " ", text)


def test_a_word_heading_that_begins_with_a_line_break_keeps_the_pdf(tmp_path: Path) -> None:
    """A real Word file (a CNIG standard) has a Heading 1 made of a line break then « Sommaire »
    in bold: the heading was split, an empty heading was left, and the accessible PDF refused
    it (« heading title is empty »): no PDF at all."""
    event = write_tiny_event(tmp_path / "ev")
    document = docx.Document()
    title = document.add_heading("", 1)
    title.add_run().add_break()
    title.add_run("Sommaire").bold = True
    document.add_paragraph("Les unités paysagères sont décrites une à une.")
    empty = document.add_heading("", 2)
    empty.add_run().add_break()
    document.save(str(event / "ouverture" / "standard.docx"))
    out = tmp_path / "sortie"
    build(event, out, ("pdf",), Diagnostics())
    reader = PdfReader(out / "synthese.pdf")
    titles = []
    stack = list(reader.outline)
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        else:
            titles.append(item.title)
    assert "Sommaire" in titles
    assert "" not in [t.strip() for t in titles]


# -- 3. office archives bounded -----------------------------------------------------------


def _raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from already deflated members: (name, deflated, crc, size)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, raw, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        fields = (8, 0, 0x21, crc, len(raw), size, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *fields, 0) + encoded + raw)
        central.write(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset)
            + encoded
        )
    start = out.tell()
    out.write(central.getvalue())
    n = len(members)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central.getvalue()), start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> tuple[str, bytes, int, int]:
    pack = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return "", pack.compress(data) + pack.flush(), zlib.crc32(data), len(data)


def zip_bomb(tmp_path: Path, gib: int = 1) -> bytes:
    """A .docx of a few megabytes that unzips to ``gib`` GiB: a real document plus one
    picture part of zeros (deflated once per mebibyte, then the same bytes repeated)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(word_with_picture(tmp_path))) as archive:
        for info in archive.infolist():
            _, raw, crc, size = _deflated(archive.read(info))
            members.append((info.filename, raw, crc, size))
    mib = bytes(1 << 20)
    pack = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = pack.compress(mib) + pack.flush(zlib.Z_FULL_FLUSH)
    last = pack.compress(mib) + pack.flush()
    count = 1024 * gib
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(mib, crc)
    members.append(("word/media/image2.png", block * (count - 1) + last, crc, count << 20))
    return _raw_zip(members)


BOMB_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB of address space
resource.setrlimit(resource.RLIMIT_CPU, (120, 120))
from proceedings.errors import Diagnostics, SourceError
from proceedings.read.readers import office, pandoc_ast

def no_pandoc(*args, **kwargs):
    raise AssertionError("pandoc a été lancé")

pandoc_ast.subprocess.run = no_pandoc
data = open(sys.argv[1], "rb").read()
try:
    office.read_docx(data, "bombe.docx", "ev/bombe.docx", Diagnostics())
    message = None
except SourceError as exc:
    message = str(exc)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"message": message, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_kib": usage.ru_maxrss}))
"""


def test_a_zip_bomb_is_refused_before_pandoc_in_bounded_memory(tmp_path: Path) -> None:
    """A .docx of about 1 MB that unzips to 1 GiB: refused from the bytes actually
    decompressed, without pandoc, by a process limited to 1 GiB of address space."""
    bomb = tmp_path / "bombe.docx"
    bomb.write_bytes(zip_bomb(tmp_path))
    assert bomb.stat().st_size < 4_000_000
    done = subprocess.run(
        [sys.executable, "-c", BOMB_CHILD, str(bomb)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["message"] == (
        "ev/bombe.docx: document Word (.docx) refusé : une fois décompressé, il dépasserait "
        "256,0 Mo (limite atteinte dans la partie « word/media/image2.png ») ; un document "
        "réel en fait quelques dizaines de mégaoctets au plus"
    )


def test_a_zip_whose_sizes_lie_is_measured_by_what_it_decompresses(tmp_path: Path) -> None:
    """A member that declares 10 bytes but inflates to 300 MiB is still refused."""
    members = []
    with zipfile.ZipFile(io.BytesIO(word_with_picture(tmp_path))) as archive:
        for info in archive.infolist():
            _, raw, crc, size = _deflated(archive.read(info))
            members.append((info.filename, raw, crc, size))
    pack = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    mib = bytes(1 << 20)
    block = pack.compress(mib) + pack.flush(zlib.Z_FULL_FLUSH)
    # its CRC is that of the 10 bytes it declares: a reader that trusts the sizes is fooled
    lying = ("word/media/menteur.png", block * 300 + pack.flush(), zlib.crc32(bytes(10)), 10)
    members.append(lying)
    with pytest.raises(SourceError) as refused:
        office.read_docx(_raw_zip(members), "m.docx", "ev/m.docx", Diagnostics())
    assert "il dépasserait 256,0 Mo" in refused.value.message
    assert "« word/media/menteur.png »" in refused.value.message


def test_an_archive_with_too_many_members_is_refused(tmp_path: Path) -> None:
    data = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(word_with_picture(tmp_path))) as src,
        zipfile.ZipFile(data, "w") as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        for i in range(office.MAX_MEMBERS):
            dst.writestr(f"customXml/vide{i}.xml", b"")
    with pytest.raises(SourceError) as refused:
        office.read_docx(data.getvalue(), "n.docx", "ev/n.docx", Diagnostics())
    assert refused.value.message == (
        "document Word (.docx) refusé : l’archive compte plus de 10\u202f000 parties (un "
        "document réel en a quelques centaines)"
    )


def test_a_damaged_member_is_still_told(tmp_path: Path) -> None:
    data = bytearray(word_with_picture(tmp_path))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    with pytest.raises(SourceError) as refused:
        office.read_docx(bytes(data), "n.docx", "ev/n.docx", Diagnostics())
    assert refused.value.message in (
        "document Word (.docx) endommagé : la partie « word/document.xml » est corrompue",
        "document Word (.docx) endommagé : la partie « word/document.xml » est tronquée",
        "document Word (.docx) endommagé ou tronqué : ce n’est pas une archive valide",
    )


# -- 4. one bad input does not lose a document --------------------------------------------

MATH_VTT = """\
WEBVTT

00:00:01.000 --> 00:00:05.000
<v Paul $\\undefinedcommand{x}$>Bonjour à toutes et à tous, merci d’être venus.

00:00:05.000 --> 00:00:09.000
<v Ana $x^$>Je voudrais parler des navettes partagées entre les communes.
"""


@pytest.fixture(scope="module")
def bad_inputs_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """One build with an image in the editorial, a truncated PNG in a note and « $ »
    signs in speakers' names (drawn in the speaking-time chart)."""
    root = tmp_path_factory.mktemp("mauvaises")
    event = write_tiny_event(root / "ev")
    (event / "logo.png").write_bytes(png((30, 10), (20, 120, 60)))
    (event / "editorial.md").write_text(
        "# Éditorial\n\nUn mot d’accueil de l’équipe.\n\n![Logo du réseau](logo.png)\n",
        encoding="utf-8",
    )
    (event / "ouverture" / "tronquee.png").write_bytes(png((64, 64))[:70])
    (event / "ouverture" / "photo.md").write_text(
        "Une note illustrée sur la gouvernance partagée.\n\n![Photo](tronquee.png)\n",
        encoding="utf-8",
    )
    (event / "ouverture" / "transcription.vtt").write_text(MATH_VTT, encoding="utf-8")
    diag = Diagnostics()
    out = root / "sortie"
    build(event, out, ("docx", "pdf", "html"), diag)
    return out, [str(d).replace(event.as_posix() + "/", "") for d in diag]


def test_a_truncated_image_is_left_out_with_a_located_warning(
    bad_inputs_built: tuple[Path, list[str]],
) -> None:
    out, messages = bad_inputs_built
    assert [m for m in messages if "format non pris en charge, fichier ignoré" not in m] == [
        "ouverture/photo.md:3: avertissement : image « tronquee.png » non reprise : image "
        "PNG tronquée ou endommagée"
    ]
    pages = PdfReader(out / "synthese.pdf").pages
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))
    assert "gouvernance partagée" in text


def test_every_document_is_built_with_the_editorials_image(
    bad_inputs_built: tuple[Path, list[str]],
) -> None:
    out, _ = bad_inputs_built
    reader = PdfReader(out / "synthese.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))
    assert "Un mot d’accueil de l’équipe" in text
    assert any(page.images for page in reader.pages)  # the logo
    document = docx.Document(str(out / "synthese.docx"))
    assert any("Un mot d’accueil" in p.text for p in document.paragraphs)
    with zipfile.ZipFile(out / "synthese.docx") as archive:
        pictures = [n for n in archive.namelist() if n.startswith("word/media/")]
    logo = pixels(png((30, 10), (20, 120, 60)))
    with zipfile.ZipFile(out / "synthese.docx") as archive:
        assert any(pixels(archive.read(n)) == logo for n in pictures if n.endswith(".png"))
    html = (out / "synthese.html").read_text(encoding="utf-8")
    assert "Un mot d’accueil de l’équipe" in html
    assert 'alt="Logo du réseau"' in html and "data:image/png;base64," in html


def test_dollar_signs_in_names_are_drawn_as_written(
    bad_inputs_built: tuple[Path, list[str]],
) -> None:
    out, _ = bad_inputs_built
    svg = (out / ".travail" / "figures" / "temps-de-parole.svg").read_text(encoding="utf-8")
    assert "Paul $\\undefinedcommand{x}$" in svg
    assert "Ana $x^$" in svg
    html = (out / "synthese.html").read_text(encoding="utf-8")
    assert "navettes partagées" in html


# -- 5. defence in depth at export --------------------------------------------------------


def test_conversions_take_no_image_from_outside_the_work_folder(tmp_path: Path) -> None:
    """A master that names other files (a template's mistake): each conversion drops them
    and keeps the image the build wrote under .travail/."""
    canary = plant_canary(tmp_path)
    out = tmp_path / "sortie"
    kept = out / ".travail" / "media" / "0123456789abcdef" / "image1.png"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(png((4, 4), (0, 200, 0)))
    (out / "voisin.png").write_bytes(CANARY_PNG)
    master = out / "synthese.md"
    master.write_text(
        "---\ntitle: Essai\nlang: fr-FR\n---\n\n# Titre\n\nTexte.\n\n"
        "![gardée](.travail/media/0123456789abcdef/image1.png)\n\n"
        "![a](/etc/hostname)\n\n"
        f"![b]({canary})\n\n"
        "![c](../dehors/canari.png)\n\n"
        "![d](.travail/../voisin.png)\n\n"
        "![e](voisin.png)\n\n"
        f"![f]({canary.as_uri()})\n\n"
        "![g](http://exemple.invalid/a.png)\n\n"
        f'<img src="{canary}"> <embed src="/etc/hostname">\n',
        encoding="utf-8",
    )
    event, _ = load_programme(write_tiny_event(tmp_path / "ev") / "programme.yaml")
    spec = DocxFinish(
        "Titre", "Sujet", "Auteur", (), "Réseau", (), "Titre", False, dt.datetime(2020, 3, 12, 12)
    )
    convert.to_html(master, out / "s.html", TEMPLATES, event)
    convert.to_docx(master, out / "s.docx", TEMPLATES, event, spec)
    convert.to_pdf(master, out / "s.pdf", TEMPLATES, event)
    typst = (out / ".synthese.typ").read_text(encoding="utf-8")  # the PDF's Typst source
    html = (out / "s.html").read_text(encoding="utf-8")
    assert html.count("<img") == 1 and "data:image/png;base64," in html
    for forbidden in ("hostname", "canari", "voisin", "exemple.invalid", "<embed"):
        assert forbidden not in html, forbidden
    with zipfile.ZipFile(out / "s.docx") as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert [pixels(archive.read(n)) for n in media] == [pixels(png((4, 4), (0, 200, 0)))]
        assert CANARY_TEXT not in b"".join(archive.read(n) for n in archive.namelist())
    assert typst.count("#image(") == typst.count("#figure(") == 1
    assert '#image(".travail/media/0123456789abcdef/image1.png"' in typst
    for forbidden in ("hostname", "canari", "voisin", "exemple.invalid"):
        assert forbidden not in typst, forbidden
    reader = PdfReader(out / "s.pdf")
    assert sum(len(page.images) for page in reader.pages) == 1


def test_the_editorial_keeps_its_images_for_the_build(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    (event / "logo.png").write_bytes(png())
    (event / "editorial.md").write_text("Mot.\n\n![Logo](logo.png)\n", encoding="utf-8")
    diag = Diagnostics()
    editorial = read_editorial(event, diag)
    assert list(diag) == [] and editorial is not None
    out = tmp_path / "sortie"
    convert.write_media([editorial], out)
    written = [p for p in (out / ".travail" / "media").rglob("*") if p.is_file()]
    assert [pixels(p.read_bytes()) for p in written] == [pixels(png())]


@pytest.mark.parametrize("kind", ["TIFF", "BMP", "WEBP"])
def test_images_typst_cannot_place_are_converted_to_png(kind: str) -> None:
    """A Word file's TIFF scan, a BMP screenshot or a WebP picture is published as PNG
    (Typst refuses the first two), its pixels intact and nothing else kept."""
    from PIL import Image

    from proceedings.read import images

    buffer = io.BytesIO()
    options = {"lossless": True} if kind == "WEBP" else {}
    Image.new("RGB", (6, 4), (11, 92, 107)).save(buffer, format=kind, **options)
    checked = images.check(buffer.getvalue())
    assert checked.suffix == ".png"
    with Image.open(io.BytesIO(checked.data)) as image:
        assert (image.format, image.size, image.getpixel((2, 2))) == ("PNG", (6, 4), (11, 92, 107))
