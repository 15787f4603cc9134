"""The network's colours, in one place.

The charts draw with them; the Typst and HTML templates receive them as pandoc variables
(``$couleur-reseau$``…, see :func:`pandoc_variables`); the deposit report as ``couleurs``;
``scripts/make_reference_docx.py`` writes them into the Word styles. Changing one here
changes every document.
"""

from __future__ import annotations

from typing import Final

# The documents (synthesis, proceedings, fiches: PDF, HTML, DOCX)
RESEAU: Final = "#0B5C6B"  # the network's colour: headings, bands, links
RESEAU_FONCE: Final = "#084652"  # links hovered (HTML)
RESEAU_CLAIR: Final = "#E6F0F2"  # boxes' background
ACCENT: Final = "#D9822B"  # the warm accent: rules, markers
ACCENT_FONCE: Final = "#8A4A10"  # the accent darkened for text (contrast)
ACCENT_CLAIR: Final = "#FBEBDC"  # the example notice's background
ENCRE: Final = "#1F2A2E"  # running text
DISCRET: Final = "#5B6B70"  # secondary text
FILET: Final = "#B8C6CA"  # rules under headings (PDF, DOCX)
FILET_WEB: Final = "#C9D5D8"  # rules (HTML)
PAPIER: Final = "#FFFFFF"
FOND: Final = "#F5F7F7"  # the web page around the text
CITATION: Final = "#33434A"  # quotations and footnotes (HTML)
FILIGRANE: Final = "#E2E2E2"  # the draft's watermark (HTML)

# The charts: one hue, lightness falling monotonically (readable in grey)
GRAPHIQUE_CLAIR: Final = "#7FB8BF"  # the « Autres » bar
GRAPHIQUE_TRAIT: Final = "#8A9A9E"  # axes and grid
RAMPE: Final = ("#F1F5F5", "#9CC9CE", RESEAU)  # the heat map, light to dark

# The deposit report (bilan-depot.html)
BILAN = {
    "texte": "#1d2b30",
    "fond": "#f4f7f8",
    "bandeau": RESEAU,
    "discret": DISCRET.lower(),
    "detail": "#42555b",
    "filet": "#e1e8ea",
    "lu": "#1e6b34",  # read
    "erreur": "#B3261E",
    "attention": "#8a5a00",  # empty, duplicate, ignored, outside the programme
    "groupe": "#7a4a12",  # a session's group
}

_TEMPLATES = {
    "couleur-reseau": RESEAU,
    "couleur-reseau-fonce": RESEAU_FONCE,
    "couleur-reseau-clair": RESEAU_CLAIR,
    "couleur-accent": ACCENT,
    "couleur-accent-fonce": ACCENT_FONCE,
    "couleur-accent-clair": ACCENT_CLAIR,
    "couleur-encre": ENCRE,
    "couleur-discret": DISCRET,
    "couleur-filet": FILET,
    "couleur-filet-web": FILET_WEB,
    "couleur-papier": PAPIER,
    "couleur-fond": FOND,
    "couleur-citation": CITATION,
    "couleur-filigrane": FILIGRANE,
}


def pandoc_variables() -> list[str]:
    """The colours as pandoc options, for the Typst and HTML templates."""
    return [f"--variable={name}={value}" for name, value in _TEMPLATES.items()]
