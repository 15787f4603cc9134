"""The Makefile knows its inputs: nothing changed, nothing done; a change rebuilds."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT, write_tiny_event

pytestmark = [
    pytest.mark.skipif(shutil.which("make") is None, reason="make absent"),
    pytest.mark.lent,  # make runs whole builds
]


def make(event: Path, out: Path, python: str = "") -> str:
    """``make build``; with ``python``, the Makefile runs that instead of the project's
    interpreter (``false``: any build would fail)."""
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "build",
            f"EVENT={event}",
            f"OUT={out}",
            "FORMATS=html",
            *([f"PY={python}"] if python else []),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def later(path: Path) -> None:
    """Move a file's time forward, as an edit made after the last build would."""
    future = time.time() + 5
    os.utime(path, (future, future))


def test_second_make_does_nothing_and_changes_rebuild(
    tmp_path: Path, analysed: Callable[[Path], Path]
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    out = analysed(tmp_path / "out")
    assert f"écrit : {out}/synthese.html" in make(event, out)
    html = out / "synthese.html"
    first = html.stat().st_mtime_ns

    # the Makefile answers by itself, without starting Python (which would fail here)
    said = make(event, out, python="false")
    assert said == f"La synthèse est à jour ({out}/) : rien à refaire.\n"
    assert html.stat().st_mtime_ns == first

    note = event / "ouverture" / "notes.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nUn ajout.\n", encoding="utf-8")
    later(note)
    assert f"écrit : {out}/synthese.html" in make(event, out)
    assert "Un ajout." in html.read_text(encoding="utf-8")

    (event / "ateliers" / "mobilite" / "notes.txt").unlink()
    later(event / "ateliers" / "mobilite")
    assert f"écrit : {out}/synthese.html" in make(event, out)
    assert "navettes partagées" not in html.read_text(encoding="utf-8")

    html.unlink()
    assert f"écrit : {out}/synthese.html" in make(event, out)
