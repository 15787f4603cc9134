#!/usr/bin/env python3
"""Régénère (ou vérifie) les deux notes binaires de la démonstration depuis leurs sources.

Usage (depuis la racine du dépôt) :

    .venv/bin/python scripts/make_demo_binaries.py             # réécrit les binaires
    .venv/bin/python scripts/make_demo_binaries.py --verifier  # compare, sans rien écrire
    make demo-binaires / make verifier-demo

Les notes de la démonstration sont des fichiers de ``transcripts/``, tels que les
rapporteurs les déposent : Markdown, texte (dont un en Windows-1252 et CRLF), WebVTT à la
manière de Teams, SRT diarisé à la manière de Whisper (UTF-8 avec BOM et CRLF), export
HTML d'un pad… Seuls deux d'entre eux ne peuvent pas être écrits à la main, parce qu'ils
sont binaires ; leurs textes sont dans ``scripts/demo/`` (Markdown, en-tête YAML :
rapporteur, statut) et ce script les convertit par pandoc :

* ``scripts/demo/notes-atelier.md`` → ``ateliers/convergences/notes-atelier.docx`` (titres,
  gras, italique, liste, tableau, note de bas de page ; auteur, titre et statut dans les
  propriétés du document, posés avec python-docx) ;
* ``scripts/demo/synthese-fidarec.md`` → ``ateliers/fidarec/synthese.odt`` (auteur, titre
  et statut dans ``meta.xml``).

Deux illustrations, dessinées par matplotlib, montrent les photos de la synthèse (la
démonstration n'a pas de vraies photos de la journée) ; leur légende, leur texte
alternatif et leur crédit sont dans le ``photos.yaml`` de leur dossier :

* ``couverture.png`` : le bandeau de la couverture, des points reliés comme un réseau ;
* ``co-developpement/disposition-des-groupes.png`` : le plan de la salle du
  co-développement, trois tables de huit et l'espace de restitution.

Sortie déterministe : dates des documents et des entrées zip fixées au 26 juin 2019. Les
octets dépendent de la version de pandoc, épinglée avec les autres dépendances ;
``--verifier`` (lancé par les tests) dit si les binaires déposés sont bien ceux que leurs
sources donnent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc
import yaml
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "demo"
DEFAULT_DIR = ROOT / "transcripts"
# source in scripts/demo -> the binary it makes, relative to the event folder
BINARIES = {
    "notes-atelier.md": "ateliers/convergences/notes-atelier.docx",
    "synthese-fidarec.md": "ateliers/fidarec/synthese.odt",
}

# drawing -> the illustration it makes, relative to the event folder
ILLUSTRATIONS = {
    "cover": "couverture.png",
    "groups": "co-developpement/disposition-des-groupes.png",
}

FIXED_DATE = dt.datetime(2019, 6, 26, 18, 0, tzinfo=dt.UTC)
ZIP_DATE = (2019, 6, 26, 18, 0, 0)
LANG = "fr-FR"


@dataclass(frozen=True)
class Source:
    """Une note Markdown : son en-tête (rapporteur, statut…) et son corps."""

    meta: dict[str, str]
    body: str

    @property
    def title(self) -> str:
        return next(line[3:] for line in self.body.splitlines() if line.startswith("## "))


def read_source(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return Source({str(k): str(v) for k, v in yaml.safe_load(head).items()}, body.lstrip("\n"))


def pandoc(markdown: str, to: str, output: Path) -> None:
    """Markdown (sans en-tête) vers DOCX ou ODT, à date fixe, en français."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(FIXED_DATE.timestamp()))}
    command = [pypandoc.get_pandoc_path(), "-f", "markdown-smart", "-t", to]
    subprocess.run(
        [*command, "-M", f"lang={LANG}", "-o", str(output)],
        input=markdown.encode("utf-8"),
        env=env,
        check=True,
    )


def normalized_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Réécrit un zip (DOCX, ODT) à date fixe, en gardant l'ordre des entrées.

    ``mimetype`` (ODT) reste non compressé, en tête. ``replace`` remplace le contenu
    de certaines entrées.
    """
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w") as dst,
    ):
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 0
            info.external_attr = 0
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            content = replace.get(name, src.read(name))
            dst.writestr(info, content, compresslevel=None if stored else 9)
    return out.getvalue()


def docx_bytes(source: Source) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "note.docx"
        pandoc(source.body, "docx", raw)
        doc = Document(str(raw))
    cp = doc.core_properties
    cp.title = source.title
    cp.author = source.meta["rapporteur"]
    cp.last_modified_by = source.meta["rapporteur"]
    cp.content_status = source.meta["statut"]
    cp.language = LANG
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    buf = io.BytesIO()
    doc.save(buf)
    return normalized_zip(buf.getvalue())


def odt_bytes(source: Source) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "note.odt"
        pandoc(source.body, "odt", raw)
        data = raw.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as odt:
        meta = odt.read("meta.xml").decode("utf-8")
    author = html.escape(source.meta["rapporteur"])
    title = html.escape(source.title)
    status = html.escape(source.meta["statut"])
    # pandoc n'écrit l'auteur et le titre dans meta.xml qu'en les ajoutant aussi en
    # tête du corps du document : on remplit ici les éléments qu'il laisse vides.
    for old, new in [
        ("<dc:title></dc:title>", f"<dc:title>{title}</dc:title>"),
        (
            "<meta:initial-creator></meta:initial-creator>",
            f"<meta:initial-creator>{author}</meta:initial-creator>",
        ),
        ("<dc:creator></dc:creator>", f"<dc:creator>{author}</dc:creator>"),
        (
            "</office:meta>",
            f'  <meta:user-defined meta:name="statut">{status}</meta:user-defined>\n'
            "  </office:meta>",
        ),
    ]:
        if old not in meta:
            raise SystemExit(f"meta.xml de pandoc inattendu : {old} absent")
        meta = meta.replace(old, new, 1)
    return normalized_zip(data, {"meta.xml": meta.encode("utf-8")})


def made() -> dict[str, bytes]:
    """Each binary of the demo (path in the event folder) as its source makes it."""
    out = {}
    for name, target in BINARIES.items():
        source = read_source(SOURCES / name)
        out[target] = docx_bytes(source) if target.endswith(".docx") else odt_bytes(source)
    out[ILLUSTRATIONS["cover"]] = cover_png()
    out[ILLUSTRATIONS["groups"]] = groups_png()
    return out


TEAL, ACCENT, LIGHT, INK = "#0B5C6B", "#D9822B", "#E6F0F2", "#1F2A2E"


def _png(figure: object) -> bytes:
    """A matplotlib figure as PNG bytes, with no software name nor date in them."""
    import matplotlib.pyplot as plt

    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, metadata={"Software": None})  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    return out.getvalue()


def cover_png() -> bytes:
    """Points of a territory tied together: a network of partners (2400 × 900 pixels)."""
    import random

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = random.Random(2019)
    figure = plt.figure(figsize=(24, 9))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 24)
    axes.set_ylim(0, 9)
    axes.axis("off")
    figure.patch.set_facecolor(TEAL)
    points = [(rng.uniform(0.5, 23.5), rng.uniform(0.5, 8.5)) for _ in range(70)]
    for i, (x, y) in enumerate(points):
        near = sorted(points, key=lambda p: (p[0] - x) ** 2 + (p[1] - y) ** 2)[1:4]
        for u, v in near:
            axes.plot([x, u], [y, v], color="white", alpha=0.35, linewidth=2)
        size = rng.choice((120, 220, 420, 800))
        colour = ACCENT if i % 7 == 0 else "white"
        axes.scatter([x], [y], s=size, color=colour, alpha=0.9, zorder=3, linewidths=0)
    return _png(figure)


def groups_png() -> bytes:
    """The co-development room: three tables of eight and the report-back area."""
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyBboxPatch

    figure = plt.figure(figsize=(16, 10))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 16)
    axes.set_ylim(0, 10)
    axes.axis("off")
    figure.patch.set_facecolor("white")
    axes.add_patch(
        FancyBboxPatch((0.4, 0.4), 15.2, 9.2, boxstyle="round,pad=0.1", fc=LIGHT, ec=TEAL, lw=3)
    )
    for n, (cx, cy) in enumerate(((3.4, 6.3), (8.0, 6.3), (12.6, 6.3)), start=1):
        axes.add_patch(Circle((cx, cy), 1.25, fc="white", ec=TEAL, lw=3))
        axes.text(cx, cy, f"Groupe {n}", ha="center", va="center", fontsize=22, color=TEAL)
        for k in range(8):
            angle = 2 * math.pi * k / 8
            seat = (cx + 1.85 * math.cos(angle), cy + 1.85 * math.sin(angle))
            axes.add_patch(Circle(seat, 0.3, fc=ACCENT if k == 0 else TEAL, ec="none"))
    axes.add_patch(
        FancyBboxPatch((3.0, 1.0), 10.0, 1.6, boxstyle="round,pad=0.1", fc="white", ec=ACCENT, lw=3)
    )
    axes.text(8.0, 1.8, "Restitution en plénière", ha="center", va="center", fontsize=22, color=INK)
    axes.text(
        8.0, 3.35, "● animateur ou animatrice du groupe", ha="center", fontsize=16, color=ACCENT
    )
    return _png(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "-d",
        "--dossier",
        type=Path,
        default=DEFAULT_DIR,
        help=f"dossier de l'événement (défaut : {DEFAULT_DIR.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--verifier",
        action="store_true",
        help="compare les binaires déposés à ceux que donnent leurs sources, sans rien écrire",
    )
    args = parser.parse_args(argv)
    differ = []
    for target, data in made().items():
        path = args.dossier / target
        if args.verifier:
            if not path.is_file() or path.read_bytes() != data:
                differ.append(target)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(path)
    for target in differ:
        print(f"{target} : différent de ce que donne sa source (make demo-binaires)")
    if args.verifier and not differ:
        print(f"{len(BINARIES) + len(ILLUSTRATIONS)} binaires conformes à leurs sources")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
