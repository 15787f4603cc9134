#!/usr/bin/env python3
"""Génère templates/reference.docx, le document de référence DOCX des actes.

Usage (depuis la racine du dépôt) :

    .venv/bin/python scripts/make_reference_docx.py            # écrit templates/reference.docx
    .venv/bin/python scripts/make_reference_docx.py -o /tmp/ref.docx

Le script part du document de référence par défaut de pandoc
(``pandoc -o ref.docx --print-default-data-file reference.docx``, avec le binaire
pandoc trouvé par ``pypandoc.get_pandoc_path()``), puis le restyle avec
python-docx aux couleurs du réseau :

* police, taille et langue (fr-FR) du texte courant, styles de titres 1 à 4
  (le titre 1 commence une nouvelle page), Title / Subtitle / Author / Date pour
  la couverture, « Block Text » pour les citations, « First Paragraph » /
  « Body Text », style de tableau « Table », « TOC Heading » et « toc 1-3 » ;
* trois styles de paragraphe personnalisés utilisés par l'étape de finition
  python-docx : « Couverture réseau », « Couverture détails », « Bandeau exemple » ;
* page A4 et marges dans le sectPr, pied de page centré « n / total » absent de
  la première page (couverture).

Sortie déterministe : mêmes octets à chaque exécution (propriétés du document à
date fixe, entrées du zip horodatées au 1980-01-01, ordre et attributs fixes).
Les octets peuvent toutefois changer si la version de pandoc (document de
départ) ou de zlib (compression) change.

Usage côté pandoc :
    pandoc output/synthese.md -f markdown-smart -t docx \
        --reference-doc templates/reference.docx --toc -o synthese.docx
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from proceedings.render import palette

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "templates" / "reference.docx"

# --------------------------------------------------------------------------
# Palette du réseau : celle des modèles Typst et HTML (proceedings/render/palette.py), sans « # ».
TEAL = palette.RESEAU[1:]  # couleur du réseau
TEAL_LIGHT = palette.RESEAU_CLAIR[1:]
ACCENT = palette.ACCENT[1:]  # accent chaud
ACCENT_DARK = palette.ACCENT_FONCE[1:]  # accent assombri : contraste suffisant pour du texte
ACCENT_LIGHT = palette.ACCENT_CLAIR[1:]
INK = palette.ENCRE[1:]
MUTED = palette.DISCRET[1:]
RULE = palette.FILET[1:]

# Polices. Choix de polices présentes d'origine sur Windows ET macOS (sans
# dépendre d'une installation de Microsoft Office, contrairement à
# Calibri/Cambria) :
# * texte courant en « Arial » : LibreOffice la remplace par Liberation Sans,
#   métriquement compatible et installée avec LibreOffice, donc même gris,
#   mêmes coupures de lignes et même pagination ;
# * titres en « Georgia » : serif très lisible à l'écran, proche de l'esprit
#   du PDF (Libertinus Serif) ; LibreOffice la remplace par Gelasio
#   (métriquement compatible) quand elle est installée, sinon par une autre
#   serif : cela ne touche que les titres, donc peu la pagination.
BODY_FONT = "Arial"
HEADING_FONT = "Georgia"
MONO_FONT = "Consolas"  # Windows ; LibreOffice / macOS retombent sur une mono
LANG = "fr-FR"

# Page A4 (en vingtièmes de point, « twips ») et marges.
A4_W, A4_H = 11906, 16838
MARGIN_TOP = MARGIN_BOTTOM = 1418  # 2,5 cm
MARGIN_LEFT = MARGIN_RIGHT = 1304  # 2,3 cm
HEADER_FOOTER = 709  # 1,25 cm

FIXED_DATE = dt.datetime(2019, 6, 26, 0, 0, 0)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# Ordre des enfants imposé par le schéma WordprocessingML (Word y est sensible).
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
STYLE_ORDER = [
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "hidden",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
]
TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]
TCPR_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]
TBLSTYLEPR_ORDER = ["pPr", "rPr", "tblPr", "trPr", "tcPr"]
SECTPR_ORDER = [
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
]
BORDER_ORDER = [
    "top",
    "left",
    "start",
    "bottom",
    "right",
    "end",
    "insideH",
    "insideV",
    "between",
    "bar",
]


# ----------------------------------------------------------------- XML utils
def child(parent, tag: str, order: list[str], attrs: dict | None = None, replace: bool = True):
    """Renvoie l'enfant w:tag de parent (créé à sa place selon `order`)."""
    el = parent.find(qn(f"w:{tag}"))
    if el is not None and replace:
        parent.remove(el)
        el = None
    if el is None:
        el = OxmlElement(f"w:{tag}")
        idx = order.index(tag)
        successors = {qn(f"w:{t}") for t in order[idx + 1 :]}
        for i, existing in enumerate(list(parent)):
            if existing.tag in successors:
                parent.insert(i, el)
                break
        else:
            parent.append(el)
    for k, v in (attrs or {}).items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def remove(parent, tag: str) -> None:
    for el in parent.findall(qn(f"w:{tag}")):
        parent.remove(el)


def ppr(style_el):
    return child(style_el, "pPr", STYLE_ORDER, replace=False)


def rpr(style_el):
    return child(style_el, "rPr", STYLE_ORDER, replace=False)


def set_fonts(rpr_el, font: str) -> None:
    """Police explicite ; retire les attributs *Theme qui auraient priorité."""
    el = child(rpr_el, "rFonts", RPR_ORDER)
    for a in ("ascii", "hAnsi", "cs", "eastAsia"):
        el.set(qn(f"w:{a}"), font)


def set_run(
    style_el,
    *,
    font=None,
    size=None,
    bold=None,
    italic=None,
    color=None,
    caps=None,
    small_caps=None,
    spacing=None,
) -> None:
    r = rpr(style_el)
    if font:
        set_fonts(r, font)
    for tag, val in (
        ("b", bold),
        ("bCs", bold),
        ("i", italic),
        ("iCs", italic),
        ("caps", caps),
        ("smallCaps", small_caps),
    ):
        if val is not None:
            el = child(r, tag, RPR_ORDER)
            if not val:
                el.set(qn("w:val"), "0")
    if color:
        child(r, "color", RPR_ORDER, {"val": color})  # remplace themeColor/themeShade
    if spacing is not None:
        child(r, "spacing", RPR_ORDER, {"val": spacing})
    if size:
        half_points = round(size * 2)
        child(r, "sz", RPR_ORDER, {"val": half_points})
        child(r, "szCs", RPR_ORDER, {"val": half_points})


def set_lang(rpr_el) -> None:
    child(rpr_el, "lang", RPR_ORDER, {"val": LANG, "eastAsia": "zh-CN", "bidi": "ar-SA"})


def set_par(
    style_el,
    *,
    before=None,
    after=None,
    line=None,
    keep_next=None,
    keep_lines=None,
    page_break=None,
    align=None,
    left=None,
    right=None,
    first_line=None,
) -> None:
    p = ppr(style_el)
    if keep_next is not None:
        if keep_next:
            child(p, "keepNext", PPR_ORDER)
        else:
            remove(p, "keepNext")
    if keep_lines is not None:
        if keep_lines:
            child(p, "keepLines", PPR_ORDER)
        else:
            remove(p, "keepLines")
    if page_break is not None:
        if page_break:
            child(p, "pageBreakBefore", PPR_ORDER)
        else:
            child(p, "pageBreakBefore", PPR_ORDER, {"val": "0"})
    if before is not None or after is not None or line is not None:
        sp = child(p, "spacing", PPR_ORDER)
        if before is not None:
            sp.set(qn("w:before"), str(before))
        if after is not None:
            sp.set(qn("w:after"), str(after))
        if line is not None:
            sp.set(qn("w:line"), str(line))
            sp.set(qn("w:lineRule"), "auto")
    if left is not None or right is not None or first_line is not None:
        ind = child(p, "ind", PPR_ORDER)
        if left is not None:
            ind.set(qn("w:left"), str(left))
        if right is not None:
            ind.set(qn("w:right"), str(right))
        ind.set(qn("w:firstLine"), str(first_line or 0))
    if align:
        child(p, "jc", PPR_ORDER, {"val": align})


def set_borders(style_el, **sides) -> None:
    """sides : top=(taille en 1/8 pt, couleur, espace en pt), ..."""
    p = ppr(style_el)
    bdr = child(p, "pBdr", PPR_ORDER)
    for side in BORDER_ORDER:
        if side in sides:
            sz, color, space = sides[side]
            el = OxmlElement(f"w:{side}")
            for k, v in (("val", "single"), ("sz", sz), ("space", space), ("color", color)):
                el.set(qn(f"w:{k}"), str(v))
            bdr.append(el)


def set_shading(parent, order, fill: str) -> None:
    child(parent, "shd", order, {"val": "clear", "color": "auto", "fill": fill})


def get_or_add_style(
    doc, name: str, style_type, style_id: str | None = None, base: str | None = None
):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, style_type)
        if style_id:
            style.element.set(qn("w:styleId"), style_id)
    if base:
        style.base_style = styles[base]
    return style


def clean_style(style_el) -> None:
    """Retire les attributs de thème (polices, couleurs) qui masquent nos valeurs."""
    for el in style_el.iter(qn("w:rFonts")):
        for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            el.attrib.pop(qn(f"w:{a}"), None)
    for el in style_el.iter(qn("w:color")):
        for a in ("themeColor", "themeShade", "themeTint"):
            el.attrib.pop(qn(f"w:{a}"), None)


# ------------------------------------------------------------------ styles
def restyle(doc) -> None:
    styles = doc.styles

    def st(name: str):
        """Élément w:style par son nom exact (w:name), sans la traduction
        « nom d'interface » de python-docx (qui ferait chercher « caption »)."""
        for el in styles.element.findall(qn("w:style")):
            n = el.find(qn("w:name"))
            if n is not None and n.get(qn("w:val")).lower() == name.lower():
                return el
        raise KeyError(name)

    # Valeurs par défaut du document : police, taille, langue, interligne.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    d_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(d_rpr, BODY_FONT)
    child(d_rpr, "sz", RPR_ORDER, {"val": 21})
    child(d_rpr, "szCs", RPR_ORDER, {"val": 21})
    child(d_rpr, "color", RPR_ORDER, {"val": INK})
    set_lang(d_rpr)
    d_ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    child(d_ppr, "spacing", PPR_ORDER, {"after": 120, "line": 276, "lineRule": "auto"})

    # Texte courant. Taille et couleur restent dans docDefaults (ci-dessus) et
    # non dans « Normal » : dans Word, un style de paragraphe l'emporte sur le
    # style de tableau, ce qui empêcherait le texte blanc de la ligne d'en-tête.
    set_run(st("Normal"), font=BODY_FONT)
    set_par(st("Body Text"), before=0, after=140, line=288)
    set_par(st("First Paragraph"), before=60, after=140)
    set_par(st("Compact"), before=30, after=30)

    # Couverture (métadonnées placées par pandoc en tête de document)
    title = st("Title")
    set_par(title, before=2400, after=240, line=240, align="left")
    set_run(title, font=HEADING_FONT, size=30, bold=True, color=TEAL)
    title_char = st("Title Char")
    set_run(title_char, font=HEADING_FONT, size=30, bold=True, color=TEAL)

    subtitle = st("Subtitle")
    remove(ppr(subtitle), "numPr")  # numPr sans numId hérité du modèle pandoc
    set_par(subtitle, before=0, after=480, line=264, align="left")
    set_run(subtitle, font=HEADING_FONT, size=17, bold=False, italic=True, color=INK, spacing=0)
    set_run(st("Subtitle Char"), font=HEADING_FONT, size=17, bold=False, italic=True, color=INK)

    for name in ("Author", "Date"):
        s = st(name)
        set_par(s, before=0, after=80, line=264, align="left")
        set_run(s, font=BODY_FONT, size=12, bold=(name == "Date"), italic=False, color=INK)
    set_borders(st("Date"), left=(18, TEAL, 8))
    set_par(st("Date"), left=170)

    # Titres
    h1 = st("Heading 1")
    set_par(h1, before=240, after=320, keep_next=True, keep_lines=True, page_break=True)
    set_borders(h1, top=(24, ACCENT, 10))
    set_run(h1, font=HEADING_FONT, size=20, bold=True, color=TEAL)
    h2 = st("Heading 2")
    set_par(h2, before=360, after=140, keep_next=True, keep_lines=True)
    set_borders(h2, bottom=(4, RULE, 2))
    set_run(h2, font=HEADING_FONT, size=14, bold=True, color=TEAL)
    h3 = st("Heading 3")
    set_par(h3, before=280, after=100, keep_next=True, keep_lines=True)
    set_run(h3, font=HEADING_FONT, size=12, bold=True, color=ACCENT_DARK)
    h4 = st("Heading 4")
    set_par(h4, before=220, after=80, keep_next=True, keep_lines=True)
    set_run(h4, font=HEADING_FONT, size=10.5, bold=True, italic=True, color=TEAL)
    for level, (size, color) in enumerate(
        ((20, TEAL), (14, TEAL), (12, ACCENT_DARK), (10.5, TEAL)), 1
    ):
        set_run(st(f"Heading {level} Char"), font=HEADING_FONT, size=size, bold=True, color=color)
    for level in range(5, 10):
        set_run(st(f"Heading {level}"), font=HEADING_FONT, color=TEAL)
        set_run(st(f"Heading {level} Char"), font=HEADING_FONT, color=TEAL)

    # Sommaire : « TOC Heading » (hérite du saut de page du titre 1) + entrées.
    toc_h = st("TOC Heading")
    set_par(toc_h, before=240, after=320)
    set_run(toc_h, font=HEADING_FONT, size=20, bold=True, color=TEAL)
    for level, (indent, bold, size, before) in enumerate(
        ((0, True, 11, 160), (280, False, 10.5, 40), (560, False, 10, 20)), 1
    ):
        toc = get_or_add_style(
            doc, f"toc {level}", WD_STYLE_TYPE.PARAGRAPH, f"TOC{level}", "Normal"
        ).element
        child(toc, "uiPriority", STYLE_ORDER, {"val": 39})
        child(toc, "unhideWhenUsed", STYLE_ORDER)
        set_par(toc, before=before, after=40, left=indent)
        set_run(toc, bold=bold, size=size, color=TEAL if bold else INK)
        tabs = child(ppr(toc), "tabs", PPR_ORDER)
        tab = OxmlElement("w:tab")
        for k, v in (
            ("val", "right"),
            ("leader", "dot"),
            ("pos", A4_W - MARGIN_LEFT - MARGIN_RIGHT),
        ):
            tab.set(qn(f"w:{k}"), str(v))
        tabs.append(tab)

    # Citations
    quote = st("Block Text")
    set_par(quote, before=160, after=160, left=340, right=340)
    set_borders(quote, left=(24, ACCENT, 10))
    set_run(quote, italic=True, color="33434A")

    # Notes, légendes, liens, code
    set_par(st("Footnote Text"), before=0, after=40, line=240)
    set_run(st("Footnote Text"), size=8.5, color=INK)
    set_run(st("Footnote Reference"), color=ACCENT_DARK, bold=True)
    set_run(st("Hyperlink"), color=TEAL)
    child(rpr(st("Hyperlink")), "u", RPR_ORDER, {"val": "single"})
    set_par(st("Caption"), before=120, after=80)
    set_run(st("Caption"), size=9, italic=True, color=MUTED)
    set_run(st("Verbatim Char"), font=MONO_FONT, size=9.5)

    # Tableau « Table » : filets légers, ligne d'en-tête colorée, lignes alternées.
    table = st("Table")
    tblpr = child(table, "tblPr", STYLE_ORDER, replace=False)
    child(tblpr, "tblStyleRowBandSize", TBLPR_ORDER, {"val": 1})
    borders = child(tblpr, "tblBorders", TBLPR_ORDER)
    for side, (sz, color) in (("top", (8, TEAL)), ("bottom", (12, TEAL)), ("insideH", (4, RULE))):
        el = OxmlElement(f"w:{side}")
        for k, v in (("val", "single"), ("sz", sz), ("space", 0), ("color", color)):
            el.set(qn(f"w:{k}"), str(v))
        borders.append(el)
    mar = child(tblpr, "tblCellMar", TBLPR_ORDER)
    for side, w in (("top", 60), ("left", 108), ("bottom", 60), ("right", 108)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(w))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    for el in table.findall(qn("w:tblStylePr")):
        table.remove(el)
    # Contenu des cellules : texte un peu plus petit, interligne serré.
    t_ppr = child(table, "pPr", STYLE_ORDER, replace=False)
    child(t_ppr, "spacing", PPR_ORDER, {"before": 0, "after": 0, "line": 252, "lineRule": "auto"})
    t_rpr = child(table, "rPr", STYLE_ORDER, replace=False)
    child(t_rpr, "sz", RPR_ORDER, {"val": 19})
    child(t_rpr, "szCs", RPR_ORDER, {"val": 19})

    def cond(kind: str):
        el = OxmlElement("w:tblStylePr")
        el.set(qn("w:type"), kind)
        table.append(el)
        return el

    first = cond("firstRow")
    f_rpr = child(first, "rPr", TBLSTYLEPR_ORDER)
    child(f_rpr, "b", RPR_ORDER)
    child(f_rpr, "bCs", RPR_ORDER)
    child(f_rpr, "color", RPR_ORDER, {"val": "FFFFFF"})
    child(first, "trPr", TBLSTYLEPR_ORDER).append(OxmlElement("w:tblHeader"))
    f_tcpr = child(first, "tcPr", TBLSTYLEPR_ORDER)
    set_shading(f_tcpr, TCPR_ORDER, TEAL)
    child(f_tcpr, "vAlign", TCPR_ORDER, {"val": "bottom"})
    band = cond("band2Horz")
    set_shading(child(band, "tcPr", TBLSTYLEPR_ORDER), TCPR_ORDER, TEAL_LIGHT)

    # Styles personnalisés pour l'étape de finition python-docx.
    reseau = get_or_add_style(
        doc, "Couverture réseau", WD_STYLE_TYPE.PARAGRAPH, "CouvertureReseau", "Normal"
    )
    reseau.quick_style = True
    el = reseau.element
    set_par(el, before=0, after=120, line=240, keep_next=True, left=280, right=280)
    set_run(
        el, font=HEADING_FONT, size=12.5, bold=True, small_caps=True, color="FFFFFF", spacing=10
    )
    set_borders(
        el, top=(48, TEAL, 14), left=(48, TEAL, 14), bottom=(48, TEAL, 14), right=(48, TEAL, 14)
    )
    set_shading(ppr(el), PPR_ORDER, TEAL)

    details = get_or_add_style(
        doc, "Couverture détails", WD_STYLE_TYPE.PARAGRAPH, "CouvertureDetails", "Normal"
    )
    details.quick_style = True
    el = details.element
    set_par(el, before=0, after=60, line=264, left=170)
    set_borders(el, left=(18, TEAL, 8))
    set_run(el, size=11, color=INK)

    bandeau = get_or_add_style(
        doc, "Bandeau exemple", WD_STYLE_TYPE.PARAGRAPH, "BandeauExemple", "Normal"
    )
    bandeau.quick_style = True
    el = bandeau.element
    set_par(el, before=480, after=240, line=264, left=170, right=170, keep_lines=True)
    set_borders(
        el, top=(18, ACCENT, 6), left=(18, ACCENT, 8), bottom=(18, ACCENT, 6), right=(18, ACCENT, 8)
    )
    set_shading(ppr(el), PPR_ORDER, ACCENT_LIGHT)
    set_run(el, size=10.5, bold=True, color=ACCENT_DARK)

    # Blocs du document maître (::: {.intervenants}, {.note-source}, {.encadre}), que le
    # filtre templates/classes.lua associe à ces styles (attribut custom-style de pandoc).
    intervenants = get_or_add_style(
        doc, "Intervenants", WD_STYLE_TYPE.PARAGRAPH, "Intervenants", "Normal"
    )
    intervenants.quick_style = True
    el = intervenants.element
    set_par(el, before=40, after=40, line=264, left=170)
    set_borders(el, left=(18, TEAL, 8))
    set_shading(ppr(el), PPR_ORDER, TEAL_LIGHT)
    set_run(el, size=10, color=INK)

    source = get_or_add_style(
        doc, "Source de la note", WD_STYLE_TYPE.PARAGRAPH, "SourceNote", "Normal"
    )
    source.quick_style = True
    el = source.element
    set_par(el, before=240, after=80, line=240, keep_next=True)
    set_run(el, size=8.5, italic=True, color=MUTED)

    encadre = get_or_add_style(doc, "Encadré", WD_STYLE_TYPE.PARAGRAPH, "Encadre", "Normal")
    encadre.quick_style = True
    el = encadre.element
    set_par(el, before=120, after=120, line=264, left=170, right=170, keep_lines=True)
    set_borders(
        el, top=(12, ACCENT, 6), left=(12, ACCENT, 8), bottom=(12, ACCENT, 6), right=(12, ACCENT, 8)
    )
    set_shading(ppr(el), PPR_ORDER, ACCENT_LIGHT)
    set_run(el, size=10, color=INK)

    # Pied de page
    footer = get_or_add_style(doc, "footer", WD_STYLE_TYPE.PARAGRAPH, "Footer", "Normal").element
    set_par(footer, before=0, after=0, align="center")
    set_run(footer, size=8.5, color=MUTED)

    # Nettoyage des attributs de thème et langue fr-FR sur tous les styles.
    for style in styles:
        clean_style(style.element)
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            set_lang(rpr(style.element))


# ---------------------------------------------------------- mise en page
def add_field(paragraph, instr: str, placeholder: str) -> None:
    def run_with(el):
        r = OxmlElement("w:r")
        r.append(el)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run_with(text)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    t = OxmlElement("w:t")
    t.text = placeholder
    run_with(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def setup_section(doc) -> None:
    section = doc.sections[0]
    sect = section._sectPr
    child(sect, "pgSz", SECTPR_ORDER, {"w": A4_W, "h": A4_H})
    child(
        sect,
        "pgMar",
        SECTPR_ORDER,
        {
            "top": MARGIN_TOP,
            "right": MARGIN_RIGHT,
            "bottom": MARGIN_BOTTOM,
            "left": MARGIN_LEFT,
            "header": HEADER_FOOTER,
            "footer": HEADER_FOOTER,
            "gutter": 0,
        },
    )
    # Pas de numéro sur la couverture (première page) ; « n / total » ensuite.
    section.different_first_page_header_footer = True
    section.first_page_footer.is_linked_to_previous = False
    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = doc.styles["footer"]
    add_field(p, "PAGE", "1")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = " / "
    r.append(t)
    p._p.append(r)
    add_field(p, "NUMPAGES", "1")


def setup_settings(doc) -> None:
    settings = doc.settings.element
    for tag, attrs in (
        ("themeFontLang", {"val": LANG}),
        ("decimalSymbol", {"val": ","}),
        ("listSeparator", {"val": ";"}),
    ):
        el = settings.find(qn(f"w:{tag}"))
        if el is not None:
            for k, v in attrs.items():
                el.set(qn(f"w:{k}"), v)


def add_samples(doc) -> None:
    """Exemples des styles personnalisés (le corps du modèle est ignoré par pandoc)."""
    doc.add_paragraph("Réseau des pionniers des alliances en territoire", style="Couverture réseau")
    doc.add_paragraph("Mercredi 26 juin 2019 · De 9 h à 17 h 30", style="Couverture détails")
    doc.add_paragraph("Document d’exemple : texte du bandeau.", style="Bandeau exemple")


def set_core_properties(doc) -> None:
    cp = doc.core_properties
    cp.title = "Modèle de référence des actes"
    cp.subject = ""
    cp.author = "proceedings"
    cp.last_modified_by = "proceedings"
    cp.keywords = ""
    cp.comments = ""
    cp.language = LANG
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE


# ------------------------------------------------------------------ sortie
def normalized_zip(data: bytes) -> bytes:
    """Réécrit le zip avec dates, attributs et compression fixes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst,
    ):
        names = src.namelist()
        # [Content_Types].xml en tête, puis ordre alphabétique.
        names.sort(key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(name), compresslevel=9)
    return out.getvalue()


def pandoc_default_reference(tmpdir: Path) -> Path:
    pandoc = pypandoc.get_pandoc_path()
    ref = tmpdir / "pandoc-reference.docx"
    subprocess.run(
        [pandoc, "-o", str(ref), "--print-default-data-file", "reference.docx"], check=True
    )
    return ref


def build(output: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        doc = Document(str(pandoc_default_reference(Path(tmp))))
    restyle(doc)
    setup_section(doc)
    setup_settings(doc)
    add_samples(doc)
    set_core_properties(doc)
    buf = io.BytesIO()
    doc.save(buf)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(normalized_zip(buf.getvalue()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"fichier produit (défaut : {DEFAULT_OUTPUT.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    build(args.output)
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
