"""The render module's own pieces, called directly: French times, speakers' labels, the
condensed account's Markdown and the headings of the master document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from proceedings.model import Group, Session, SessionKind
from proceedings.render.master import clock, heading, heure, label_details, render_account
from proceedings.select.budget import Account
from proceedings.select.condense import Extract

SESSION = Session("table-ronde", SessionKind.TABLE_RONDE, "Table ronde", dt.time(9, 15))


def test_times_are_written_the_french_way() -> None:
    assert heure(dt.time(9, 15)) == "9\u00a0h\u00a015"
    assert heure(dt.time(14, 0)) == "14\u00a0h"
    assert heure(None) == ""
    assert clock(95.2) == "01:35"
    assert clock(3723) == "1:02:03"


def test_a_label_keeps_what_it_says_besides_the_name() -> None:
    assert label_details("Béatrice - Coeur Emeraude") == "Coeur Emeraude"
    assert label_details("S. Gaillac (CRAIG)") == "(CRAIG)"
    assert label_details("Marc, élu") == "élu"
    assert label_details("Hélène Valade") == ""


def test_a_heading_is_one_line_with_its_anchor() -> None:
    assert heading(2, "Atelier\nmobilité", "atelier") == "## Atelier mobilité {#atelier}"
    assert heading(9, "Trop profond") == "###### Trop profond"


def test_the_condensed_account_attributes_and_marks_the_gaps() -> None:
    extracts = (
        Extract(0, "Une élue", "La mobilité est un droit."),
        Extract(1, "Une élue", "Il faut des navettes."),
        Extract(5, "Une élue", "Les communes doivent s’associer."),
        Extract(6, "", "Le groupe propose un atelier commun."),
    )
    account = Account((), (), extracts, 100)
    group = Group("", "Table ronde", ())
    draft = render_account(account, 2, "compte-rendu", True, SESSION, group)
    published = render_account(account, 2, "compte-rendu", False, SESSION, group)
    assert published.splitlines() == [
        "## Compte rendu condensé {#compte-rendu}",
        "",
        "**Une élue**\u00a0: La mobilité est un droit. Il faut des navettes. \\[…\\] Les "
        "communes doivent s’associer.",
        "",
        "Le groupe propose un atelier commun.",
        "",
        "::: {.note-source}",
        "Le texte intégral de ces notes figure dans les *Actes intégraux*, «\u00a0Table "
        "ronde\u00a0».",
        ":::",
    ]
    assert "relire" in draft and "relire" not in published  # marked in the draft only


def test_a_template_changed_is_compiled_again(tmp_path: Path) -> None:
    """Compiled templates are kept for the life of the process (the preview renders at each
    change): a template whose text changed is used as it now is, in each folder."""
    from proceedings.render.master import _render, make_environment

    for folder in ("un", "deux"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "t.md.j2").write_text(f"{folder} {{{{ x }}}}", encoding="utf-8")
    assert _render(make_environment(tmp_path / "un"), "t.md.j2", {"x": "a"}, tmp_path) == "un a"
    assert _render(make_environment(tmp_path / "deux"), "t.md.j2", {"x": 1}, tmp_path) == "deux 1"
    (tmp_path / "un" / "t.md.j2").write_text("changé {{ x }}", encoding="utf-8")
    assert _render(make_environment(tmp_path / "un"), "t.md.j2", {"x": "b"}, tmp_path) == "changé b"
