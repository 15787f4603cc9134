"""The build's defaults: where the templates are, the formats built, the PDF standards."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORMATS = ("docx", "pdf", "html", "fiches")
# PDF/UA-1: tagged for screen readers, by default. PDF/A-2b (archiving) on request;
# typst accepts both together.
PDF_UA = ("ua-1",)
PDF_ARCHIVE = ("a-2b", "ua-1")
