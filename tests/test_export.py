"""pandoc as the build runs it: bounded heap, and the way back when the bound is too small."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest

from proceedings.errors import ConvertError
from proceedings.export import convert

WHEN = dt.datetime(2019, 6, 4, tzinfo=dt.UTC)


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    run = subprocess.run

    def spy(command: list[str], *args: Any, **kwargs: Any) -> Any:
        calls.append(list(command))
        return run(command, *args, **kwargs)

    monkeypatch.setattr(convert.subprocess, "run", spy)
    return calls


def test_pandoc_runs_with_a_bounded_heap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "court.md"
    source.write_text("# Titre\n\nUn paragraphe.\n", encoding="utf-8")
    calls = _spy(monkeypatch)
    convert.pandoc([str(source), "-o", str(tmp_path / "court.html")], WHEN)
    assert len(calls) == 1
    assert calls[0][-3:] == ["+RTS", f"-M{convert.PANDOC_HEAP_MB}m", "-RTS"]
    assert "Un paragraphe." in (tmp_path / "court.html").read_text(encoding="utf-8")


def test_a_document_too_big_for_the_bound_is_converted_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "long.md"
    source.write_text(
        "".join(f"Paragraphe numéro {i} de la restitution.\n\n" for i in range(40_000)),
        encoding="utf-8",
    )
    monkeypatch.setattr(convert, "PANDOC_HEAP_MB", 2)
    calls = _spy(monkeypatch)
    convert.pandoc([str(source), "-o", str(tmp_path / "long.html")], WHEN)
    assert len(calls) == 2, "le premier essai aurait dû manquer de mémoire"
    assert "+RTS" in calls[0] and "+RTS" not in calls[1]
    assert "numéro 39999 " in (tmp_path / "long.html").read_text(encoding="utf-8")


def test_other_pandoc_failures_are_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy(monkeypatch)
    with pytest.raises(ConvertError) as failed:
        convert.pandoc([str(tmp_path / "absent.md"), "-o", str(tmp_path / "x.html")], WHEN)
    assert len(calls) == 1
    assert "absent.md" in str(failed.value.stderr)
