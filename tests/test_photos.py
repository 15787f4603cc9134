"""Photos dropped in the sessions' folders: read with their photos.yaml, checked, shown in
the three formats with their description and credit, upright and without their EXIF data,
left out of the published version when they are not public."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfReader

from proceedings.build import build, collect
from proceedings.errors import Diagnostics
from proceedings.export.publish import NotReady, publish
from proceedings.read import images
from tests.conftest import write_tiny_event

# What a camera writes and no document may show again.
DEVICE = "Appareil-Espion-X100"
COMMENT = b"commentaire-secret"
GPS = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}


def camera_jpeg(size: tuple[int, int], orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: EXIF orientation, device, GPS position, a comment. A
    yellow block marks the top left corner of the stored pixels."""
    width, height = size
    image = Image.new("RGB", size, (40, 120, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width // 3, height // 3], fill=(250, 200, 40))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = DEVICE
    exif[0x8825] = GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif.tobytes(), comment=COMMENT)
    return out.getvalue()


def yellow_corner(data: bytes) -> str:
    """Which corner of a decoded image is yellow."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = image.size
    corners = {
        "haut-gauche": (w // 20, h // 20),
        "haut-droite": (w - 1 - w // 20, h // 20),
        "bas-gauche": (w // 20, h - 1 - h // 20),
        "bas-droite": (w - 1 - w // 20, h - 1 - h // 20),
    }
    found = [name for name, xy in corners.items() if _yellow(image.getpixel(xy))]
    assert len(found) == 1, found
    return found[0]


def _yellow(pixel: Any) -> bool:
    r, g, b = pixel
    return r > 200 and g > 150 and b < 110


def assert_no_camera_data(data: bytes) -> None:
    assert b"Exif" not in data
    assert DEVICE.encode() not in data
    assert COMMENT not in data
    assert not Image.open(io.BytesIO(data)).getexif()


PHOTOS_YAML = """\
- fichier: salle.jpg
  légende: La salle pendant l’ouverture
  texte alternatif: Une trentaine de personnes assises face à une estrade
  crédit: Camille Martin
  ordre: 1
- fichier: arrivee.jpg
  légende: Les participants arrivent
  texte alternatif: Des personnes se saluent à l’entrée
  public: non
"""


def photo_event(root: Path) -> Path:
    event = write_tiny_event(root)
    opening = event / "ouverture"
    (opening / "salle.jpg").write_bytes(camera_jpeg((1600, 1200)))
    (opening / "arrivee.jpg").write_bytes(camera_jpeg((1200, 1600)))
    # stored landscape, shown upright as a portrait (orientation 6: turn 90° clockwise)
    (event / "ateliers" / "mobilite" / "tableau.jpg").write_bytes(
        camera_jpeg((1600, 1200), orientation=6)
    )
    (opening / "photos.yaml").write_text(PHOTOS_YAML, encoding="utf-8")
    (event / "couverture.png").write_bytes(_png((3000, 1000)))
    (event / "photos.yaml").write_text(
        "- fichier: couverture.png\n"
        "  légende: Le parvis\n"
        "  texte alternatif: Le parvis de la salle des fêtes au matin\n"
        "  couverture: oui\n",
        encoding="utf-8",
    )
    return event


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 90, 40, 255)).save(out, format="PNG")
    return out.getvalue()


# -- reading -------------------------------------------------------------------------------


def test_photos_are_read_with_their_descriptions_in_order(tmp_path: Path) -> None:
    event = photo_event(tmp_path / "ev")
    diag = Diagnostics()
    photos = collect(event, diag).synthesis.photos
    assert [(p.path, p.session, p.group, p.cover, p.public, p.described) for p in photos] == [
        ("couverture.png", "", "", True, True, True),
        ("ouverture/salle.jpg", "ouverture", "", False, True, True),
        ("ouverture/arrivee.jpg", "ouverture", "", False, False, True),
        ("ateliers/mobilite/tableau.jpg", "ateliers", "mobilite", False, True, False),
    ]
    salle, tableau = photos[1], photos[3]
    assert (salle.caption, salle.credit, salle.width, salle.height) == (
        "La salle pendant l’ouverture",
        "Camille Martin",
        1600,
        1200,
    )
    # the EXIF orientation turns the stored 1600 × 1200 upright
    assert (tableau.width, tableau.height, tableau.caption, tableau.alt) == (
        1200,
        1600,
        "Tableau",
        "Tableau",
    )
    assert [str(d) for d in diag] == [
        f"{event.as_posix()}/ateliers/mobilite/tableau.jpg: avertissement : photo sans légende "
        "et texte alternatif : décrivez-la dans photos.yaml pour les lecteurs d’écran "
        "(« Tableau » en tient lieu d’ici là ; la publication le demande)"
    ]


def test_photos_yaml_problems_are_located(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    opening = event / "ouverture"
    (opening / "IMG_2034.jpg").write_bytes(camera_jpeg((64, 48)))
    (opening / "photos.yaml").write_text(
        "- fichier: IMG_2034.jpg\n"
        "  legende: sans accent\n"
        "  ordre: premier\n"
        "- fichier: IMG_2043.jpg\n"
        "- fichier: ../programme.yaml\n"
        "- texte alternatif: sans fichier\n",
        encoding="utf-8",
    )
    (event / "inconnue").mkdir()
    (event / "inconnue" / "x.jpg").write_bytes(camera_jpeg((64, 48)))
    (event / "perdue.jpg").write_bytes(camera_jpeg((64, 48)))
    diag = Diagnostics()
    (photo,) = collect(event, diag).synthesis.photos
    assert photo.caption == ""  # a camera's file name makes no caption
    assert photo.alt == "Photo"
    yaml = f"{event.as_posix()}/ouverture/photos.yaml"
    messages = [str(d) for d in diag]
    assert messages == [
        f"{event.as_posix()}/perdue.jpg: avertissement : photo hors des dossiers des sessions, "
        "ignorée : placez-la dans le dossier de sa session, ou marquez-la « couverture: oui » "
        "dans photos.yaml",
        f"{event.as_posix()}/inconnue/x.jpg: dossier « inconnue » sans session correspondante "
        "dans le programme, photo ignorée",
        f"{yaml}:2: avertissement : photos[1].legende : clé inconnue, ignorée (vouliez-vous "
        "dire « légende » ?)",
        f"{yaml}:3: photos[1].ordre : attendu un nombre entier, reçu « premier »",
        f"{yaml}:4: avertissement : photos[2].fichier : aucune photo « IMG_2043.jpg » dans ce "
        "dossier (vouliez-vous dire « IMG_2034.jpg » ?), entrée ignorée",
        f"{yaml}:5: photos[3].fichier : un nom de fichier seul, sans dossier",
        f"{yaml}:6: photos[4].fichier : clé obligatoire absente",
        f"{event.as_posix()}/ouverture/IMG_2034.jpg: avertissement : photo sans légende et "
        "texte alternatif : décrivez-la dans photos.yaml (ligne 1) pour les lecteurs d’écran "
        "(« Photo » en tient lieu d’ici là ; la publication le demande)",
    ]


def test_a_photos_yaml_leading_outside_the_event_folder_is_never_read(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    outside = tmp_path / "ailleurs.yaml"
    outside.write_text("- fichier: salle.jpg\n  légende: Texte du dehors\n", encoding="utf-8")
    (event / "ouverture" / "salle.jpg").write_bytes(camera_jpeg((64, 48)))
    (event / "ouverture" / "photos.yaml").symlink_to(outside)
    hidden = event / ".brouillons"
    hidden.mkdir()
    (hidden / "photos.yaml").write_text("- fichier: [\n", encoding="utf-8")  # not entered
    diag = Diagnostics()
    (photo,) = collect(event, diag).synthesis.photos
    assert photo.caption == "Salle"  # from its name: the entry outside was not read
    assert [str(d) for d in diag] == [
        f"{event.as_posix()}/ouverture/photos.yaml: avertissement : lien symbolique vers un "
        "fichier hors du dossier de l’événement, ignoré",
        f"{event.as_posix()}/ouverture/salle.jpg: avertissement : photo sans légende et texte "
        "alternatif : décrivez-la dans photos.yaml pour les lecteurs d’écran (« Salle » en "
        "tient lieu d’ici là ; la publication le demande)",
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "fichier vide (0 octet)"),
        (b"<!doctype html><script>alert(1)</script>", "format HTML non pris en charge"),
        (camera_jpeg((64, 48))[:300], "image JPEG tronquée ou endommagée"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image PNG tronquée ou endommagée"),
    ],
    ids=["vide", "html", "jpeg-tronque", "png-tronque"],
)
def test_a_photo_that_is_not_one_is_refused_with_its_reason(data: bytes, reason: str) -> None:
    with pytest.raises(images.Refused) as refused:
        images.open_photo(data)
    assert refused.value.reason.startswith(reason)


def detailed_jpeg(size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A photo full of fine detail (a crowd, foliage, a sensor's grain): at quality 82 its
    print file would weigh more than the bound."""
    rng = np.random.default_rng(2019)
    grain = rng.integers(0, 256, (1200, 1600, 3), dtype=np.uint8)
    image = Image.fromarray(grain).filter(ImageFilter.GaussianBlur(1.2)).resize(size)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def test_a_detailed_photo_is_encoded_lower_to_keep_under_its_weight(tmp_path: Path) -> None:
    """The weight each file keeps under (30 photos add less than 15 MB to the PDF): the
    best quality that fits is chosen, the same one at each build."""
    from proceedings.render import pictures

    event = write_tiny_event(tmp_path / "ev")
    (event / "ouverture" / "foule.jpg").write_bytes(detailed_jpeg())
    diag = Diagnostics()
    photos = collect(event, diag).synthesis.photos
    prepared = pictures.prepare(photos, event, tmp_path / "sortie", diag)["ouverture/foule.jpg"]
    files = {k: tmp_path / "sortie" / getattr(prepared, k) for k in ("print", "web")}
    printed = Image.open(files["print"])
    assert printed.size == (1937, 1453)  # 300 ppi across the column
    weights = {k: len(f.read_bytes()) for k, f in files.items()}
    assert weights["print"] <= pictures.WEIGHT["impression"]
    assert weights["web"] <= pictures.WEIGHT["web"]
    # the best quality that fits is chosen: at the first one, it would not have fitted
    pixels = Image.open(io.BytesIO(detailed_jpeg())).convert("RGB")
    pixels.thumbnail((1937, 1453), Image.Resampling.LANCZOS)
    encoded = {}
    for quality in pictures.JPEG_QUALITIES:
        buffer = io.BytesIO()
        pixels.save(buffer, format="JPEG", quality=quality, optimize=True)
        encoded[quality] = buffer.getvalue()
    bound = pictures.WEIGHT["impression"]
    assert len(encoded[pictures.JPEG_QUALITIES[0]]) > bound
    best = next(q for q in pictures.JPEG_QUALITIES if len(encoded[q]) <= bound)
    assert pictures._jpeg(pixels, bound) == encoded[best]


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")  # as proceedings sets it
def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 MP in a few kB
    with pytest.raises(images.Refused, match="mégapixels"):
        images.open_photo(out.getvalue())


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_applied(orientation: int) -> None:
    pixels, size = images.open_photo(camera_jpeg((80, 40), orientation))
    turned = orientation >= 5
    assert size == ((40, 80) if turned else (80, 40))
    assert pixels.size == size
    assert pixels.info == {}
    out = io.BytesIO()
    pixels.save(out, format="PNG")
    # where the stored top left corner is seen, once upright (EXIF 2.3, tag 0x0112)
    expected = {
        1: "haut-gauche",
        2: "haut-droite",
        3: "bas-droite",
        4: "bas-gauche",
        5: "haut-gauche",
        6: "haut-droite",
        7: "bas-droite",
        8: "bas-gauche",
    }[orientation]
    assert yellow_corner(out.getvalue()) == expected


def test_webp_and_heic_photos_are_read() -> None:
    image = Image.new("RGB", (120, 90), (10, 150, 90))
    webp = io.BytesIO()
    image.save(webp, format="WEBP", quality=80)
    assert images.open_photo(webp.getvalue())[1] == (120, 90)
    pillow_heif = pytest.importorskip("pillow_heif", reason="pillow-heif absent : HEIC non lu")
    pillow_heif.register_heif_opener()
    heic = io.BytesIO()
    try:
        image.save(heic, format="HEIF", quality=80)
    except (KeyError, OSError, ValueError) as exc:
        pytest.skip(f"pas d’encodeur HEIC ici pour fabriquer l’exemple ({exc})")
    assert heic.getvalue()[4:12] == b"ftypheic"
    pixels, size = images.open_photo(heic.getvalue())
    assert size == (120, 90)
    assert pixels.getpixel((60, 45))[1] > 120  # green, as drawn


# -- the documents -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def photo_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("photos")
    event = photo_event(root / "ev")
    out = root / "sortie"
    diag = Diagnostics()
    build(event, out, ("docx", "pdf", "html"), diag, actes=())
    assert not diag.errors, [str(d) for d in diag.errors]
    return event, out


def _docx_pictures(path: Path) -> tuple[list[str], dict[str, bytes]]:
    with zipfile.ZipFile(path) as z:
        document = z.read("word/document.xml").decode()
        media = {n: z.read(n) for n in z.namelist() if n.startswith("word/media/")}
    return re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', document), media


def _html_pictures(path: Path) -> list[tuple[str, bytes]]:
    html = path.read_text(encoding="utf-8")
    found = []
    for tag in re.findall(r"<img\b[^>]*>", html):
        src = re.search(r'src="data:image/jpeg;base64,([^"]+)"', tag)
        alt = re.search(r'alt="([^"]*)"', tag)
        if src and alt:
            found.append((re.sub(r"\s+", " ", alt.group(1)), base64.b64decode(src.group(1))))
    return found


def _pdf_alts(reader: PdfReader) -> list[str]:
    """The alternative texts of the PDF's tagged figures, in the order of its structure."""
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


SALLE_ALT = "Une trentaine de personnes assises face à une estrade"
COVER_ALT = "Le parvis de la salle des fêtes au matin"


@pytest.mark.lent
def test_docx_shows_the_photos_with_their_description_without_camera_data(
    photo_build: tuple[Path, Path],
) -> None:
    _event, out = photo_build
    descriptions, media = _docx_pictures(out / "synthese.docx")
    assert COVER_ALT in descriptions
    assert SALLE_ALT in descriptions
    assert "Des personnes se saluent à l’entrée" in descriptions  # not public: in the draft
    assert "Tableau" in descriptions
    photos = [data for data in media.values() if data.startswith(b"\xff\xd8")]
    assert len(photos) == 4
    for data in photos:
        assert_no_camera_data(data)
    sizes = sorted(Image.open(io.BytesIO(d)).size for d in photos)
    # landscape at the column's width, portraits 10 cm high, at 300 ppi; the cover a band
    assert sizes == [(886, 1181), (886, 1181), (1600, 1200), (2480, 709)]
    text = zipfile.ZipFile(out / "synthese.docx").read("word/document.xml").decode()
    assert "Photo\u00a0: Camille Martin" in text
    assert "absente de la version publiée" in text


@pytest.mark.lent
def test_pdf_shows_the_photos_upright_with_their_description(
    photo_build: tuple[Path, Path],
) -> None:
    _event, out = photo_build
    raw = (out / "synthese.pdf").read_bytes()
    assert DEVICE.encode() not in raw and COMMENT not in raw
    reader = PdfReader(out / "synthese.pdf")
    alts = _pdf_alts(reader)
    assert COVER_ALT in alts and SALLE_ALT in alts and "Tableau" in alts
    pictures = [im for page in reader.pages for im in page.images]
    jpegs = [im.data for im in pictures if im.data.startswith(b"\xff\xd8")]
    assert len(jpegs) == 4
    for data in jpegs:
        assert_no_camera_data(data)
    # the workshop's photo, stored on its side, is printed upright: its yellow corner,
    # stored top left, is at the top right
    tableau = [d for d in jpegs if Image.open(io.BytesIO(d)).size == (886, 1181)]
    assert sorted(yellow_corner(d) for d in tableau) == ["haut-droite", "haut-gauche"]
    first = reader.pages[0].extract_text()
    assert "Photo : " not in first  # the cover's photo has no credit here


@pytest.mark.lent
def test_html_shows_the_web_files_with_their_description(photo_build: tuple[Path, Path]) -> None:
    _event, out = photo_build
    pictures = dict(_html_pictures(out / "synthese.html"))
    assert set(pictures) >= {COVER_ALT, SALLE_ALT, "Tableau"}
    for data in pictures.values():
        assert_no_camera_data(data)
    # the web files, smaller than the print ones
    assert Image.open(io.BytesIO(pictures[SALLE_ALT])).size == (1200, 900)
    assert Image.open(io.BytesIO(pictures["Tableau"])).size == (675, 900)


@pytest.mark.lent
def test_the_event_folder_is_left_as_it_was(photo_build: tuple[Path, Path]) -> None:
    event, _out = photo_build
    assert (event / "ouverture" / "salle.jpg").read_bytes() == camera_jpeg((1600, 1200))


@pytest.mark.lent
def test_publication_needs_every_public_photo_described_and_leaves_out_the_others(
    tmp_path: Path,
) -> None:
    event = photo_event(tmp_path / "ev")
    for note in (event / "ouverture" / "notes.md", event / "ateliers" / "mobilite" / "notes.txt"):
        text = note.read_text(encoding="utf-8").replace("statut: relu", "statut: valide")
        if not text.startswith("---"):
            text = "---\nstatut: valide\n---\n" + text
        note.write_text(text, encoding="utf-8")
    (event / "statuts.yaml").write_text(
        "extraits relus: [ouverture, ateliers, ateliers/mobilite]\n", encoding="utf-8"
    )
    with pytest.raises(NotReady) as refused:
        publish(event, tmp_path / "publication", Diagnostics())
    assert refused.value.remaining == [
        "« ateliers/mobilite/tableau.jpg » : photo sans texte alternatif, à décrire dans le "
        "photos.yaml de son dossier (ou à marquer « public: non »)"
    ]
    (event / "ateliers" / "mobilite" / "photos.yaml").write_text(
        "- fichier: tableau.jpg\n"
        "  légende: Le tableau de l’atelier\n"
        "  texte alternatif: Un tableau blanc couvert de post-it\n",
        encoding="utf-8",
    )
    published = publish(event, tmp_path / "publication", Diagnostics())
    names = {p.name for p in published.files}
    docx = tmp_path / "publication" / "synthese-rencontre-2020.docx"
    assert docx.name in names
    descriptions, media = _docx_pictures(docx)
    assert "Des personnes se saluent à l’entrée" not in descriptions  # public: non
    assert "Un tableau blanc couvert de post-it" in descriptions
    assert len([d for d in media.values() if d.startswith(b"\xff\xd8")]) == 3
    text = zipfile.ZipFile(docx).read("word/document.xml").decode()
    assert "absente de la version publiée" not in text
    html = _html_pictures(tmp_path / "publication" / "synthese-rencontre-2020.html")
    assert "Des personnes se saluent à l’entrée" not in dict(html)
    alts = _pdf_alts(PdfReader(tmp_path / "publication" / "synthese-rencontre-2020.pdf"))
    assert "Des personnes se saluent à l’entrée" not in alts
