"""French typography and Markdown escaping of note text."""

from __future__ import annotations

import pytest

from proceedings.model import Span
from proceedings.render.typography import NBSP, NNBSP, escape, french, spans_md, text_md


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Quoi? Vraiment!", f"Quoi{NNBSP}? Vraiment{NNBSP}!"),
        ("Quoi ? Et ; puis", f"Quoi{NNBSP}? Et{NNBSP}; puis"),
        ("Note: la suite", f"Note{NBSP}: la suite"),
        ('Il a dit "oui".', f"Il a dit «{NBSP}oui{NBSP}»."),
        ("«collé» et « large »", f"«{NBSP}collé{NBSP}» et «{NBSP}large{NBSP}»"),
        ("l'été d'aujourd'hui", "l’été d’aujourd’hui"),
        ("76% et 46 %", f"76{NNBSP}% et 46{NNBSP}%"),
        ("à 9h, 9h15 et 17 h 30", f"à 9{NBSP}h, 9{NBSP}h{NBSP}15 et 17{NBSP}h{NBSP}30"),
        ("Voir https://exemple.fr/a?b=1: fin", f"Voir https://exemple.fr/a?b=1{NBSP}: fin"),
        ("Il est 9:30, ratio 1:2", "Il est 9:30, ratio 1:2"),
        ("Ah !? Bon...", f"Ah{NNBSP}!? Bon…"),
    ],
)
def test_french_rules(raw: str, expected: str) -> None:
    assert french(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("- pas une liste", "\\- pas une liste"),
        ("1. pas une liste", "1\\. pas une liste"),
        ("# pas un titre", "\\# pas un titre"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("{{ variable }} {% bloc %}", "\\{\\{ variable \\}\\} \\{% bloc %\\}"),
        ("[lien](http://x) ![img](y)", "\\[lien\\](http://x) !\\[img\\](y)"),
        (
            "`code` *gras* _it_ ^sup^ ~sub~ $math$ @cite",
            "\\`code\\` \\*gras\\* \\_it\\_ \\^sup\\^ \\~sub\\~ \\$math\\$ \\@cite",
        ),
        ("a | b", "a \\| b"),
        ("> pas une citation", "\\> pas une citation"),
        ("ligne un\nligne deux", "ligne un\\\nligne deux"),
    ],
)
def test_escape_makes_any_text_literal(raw: str, expected: str) -> None:
    assert escape(raw) == expected


def test_ordinals_become_superscripts() -> None:
    assert text_md("le 7e arrondissement, la 3ème fois, le 1er et la 1ère") == (
        "le 7^e^ arrondissement, la 3^e^ fois, le 1^er^ et la 1^re^"
    )


def test_spans_keep_emphasis_with_spaces_outside_markers() -> None:
    spans = (Span("Un "), Span("mot fort ", strong=True), Span("et "), Span("penché", emph=True))
    assert spans_md(spans) == "Un **mot fort** et *penché*"
