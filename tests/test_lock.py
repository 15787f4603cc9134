"""One build at a time per output folder (proceedings/support/lock.py), without timing: another
process holds the lock until the test lets it go."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from proceedings.errors import ProceedingsError
from proceedings.support.lock import output_lock

from .conftest import ROOT

HOLDER = """
import sys
from pathlib import Path
from proceedings.support.lock import output_lock
with output_lock(Path(sys.argv[1]), 0, print):
    print("pris", flush=True)
    sys.stdin.read()  # until the test closes the pipe
"""


def test_a_second_build_is_refused_while_the_first_holds_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "pris\n"
        told: list[str] = []
        with pytest.raises(ProceedingsError) as refused, output_lock(out, 0, told.append):
            pass
        assert str(refused.value) == (
            f"{out}: une autre construction écrit déjà dans ce dossier (processus "
            f"{holder.pid}) ; relancez quand elle sera terminée"
        )
        assert told == []  # no waiting was asked for: no message about waiting
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    # the first build is over: the folder is free, and what it left temporary is swept
    debris = out / ".synthese.md.0123456789ab.tmp"
    debris.write_text("à moitié écrit", encoding="utf-8")
    with output_lock(out, 0, print):
        assert not debris.exists()
        assert (out / ".verrou").read_text() == str(os.getpid())
