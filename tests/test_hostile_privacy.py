"""A cache that is only ever a speed-up: the caches damaged in plausible ways (entries
swapped, wrong types, folders where files should be) change nothing that is published."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from proceedings import cachefile, regexcache
from proceedings.build import build
from proceedings.cli import main
from proceedings.errors import Diagnostics
from proceedings.tagging import load_nlp

from .conftest import write_tiny_event

# -- a cache that is only ever a speed-up -------------------------------------------------------


def write_cache_event(root: Path) -> Path:
    """The tiny event with a Word note (kept in the note store)."""
    event = write_tiny_event(root)
    document = docx.Document()
    document.add_heading("Compte rendu", 1)
    document.add_paragraph("Les maisons de santé rurales recrutent des médecins partagés.")
    document.add_paragraph("La plateforme de covoiturage locale démarre en septembre.")
    document.save(str(event / "ouverture" / "compte-rendu.docx"))
    return event


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An event and a first build of it (HTML), its caches filled."""
    root = tmp_path_factory.mktemp("cache-abime")
    event = write_cache_event(root / "ev")
    out = root / "chaud"
    assert (
        main(["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1"]) == 0
    )
    assert len(entries(out / ".cache" / "analyses")) >= 3
    assert len(entries(out / ".cache" / "notes")) == 1
    return event, out


PUBLISHED = ("mots-cles.json", "synthese.md")


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if re.fullmatch(r"[0-9a-f]{64}\.json", p.name))


def copy_analysis_under_another_key(out: Path) -> None:
    a, b = entries(out / ".cache" / "analyses")[:2]
    shutil.copyfile(a, b)


def swap_two_analyses(out: Path) -> None:
    a, b = entries(out / ".cache" / "analyses")[:2]
    data = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(data)


def list_where_an_object_is_expected(out: Path) -> None:
    """Whole entries, with their right key and checksum, but of the wrong types."""
    for path in entries(out / ".cache" / "analyses"):
        content = cachefile.read(path, "analyse-2", path.stem)
        content["phrases"] = [list(p.values()) for p in content["phrases"]]
        cachefile.write(path, "analyse-2", path.stem, content)
    (note,) = entries(out / ".cache" / "notes")
    content = cachefile.read(note, "note-2", note.stem)
    content["note"]["blocks"] = {"0": content["note"]["blocks"]}
    cachefile.write(note, "note-2", note.stem, content)


def folders_and_fifos_named_like_entries(out: Path) -> None:
    for path in entries(out / ".cache" / "analyses")[:2]:
        path.unlink()
        (path / "dedans").mkdir(parents=True)
    (note,) = entries(out / ".cache" / "notes")
    note.unlink()
    os.mkfifo(note)


def notes_folder_is_a_file(out: Path) -> None:
    shutil.rmtree(out / ".cache" / "notes")
    (out / ".cache" / "notes").write_text("pas un dossier", encoding="utf-8")


def cache_folder_is_a_file(out: Path) -> None:
    shutil.rmtree(out / ".cache")
    (out / ".cache").write_text("pas un dossier", encoding="utf-8")


def truncated_entries(out: Path) -> None:
    for path in (out / ".cache").rglob("*.json"):
        path.write_bytes(path.read_bytes()[:-10])


@pytest.mark.parametrize(
    "damage",
    [
        copy_analysis_under_another_key,
        swap_two_analyses,
        list_where_an_object_is_expected,
        folders_and_fifos_named_like_entries,
        notes_folder_is_a_file,
        cache_folder_is_a_file,
        truncated_entries,
    ],
)
def test_a_plausible_but_wrong_cache_changes_nothing(
    warm: tuple[Path, Path],
    damage: Callable[[Path], None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event, reference = warm
    out = tmp_path / "sortie"
    shutil.copytree(reference, out, symlinks=True)
    damage(out)
    capsys.readouterr()
    code = main(
        ["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1", "--forcer"]
    )
    err = capsys.readouterr().err
    assert code == 0 and "erreur interne" not in err and "Traceback" not in err
    assert {n: (out / n).read_bytes() for n in PUBLISHED} == {
        n: (reference / n).read_bytes() for n in PUBLISHED
    }


def test_the_analyses_are_really_recomputed_over_a_wrong_entry(
    warm: tuple[Path, Path], tmp_path: Path
) -> None:
    event, reference = warm
    out = tmp_path / "sortie"
    shutil.copytree(reference, out)
    copy_analysis_under_another_key(out)
    _, b = entries(out / ".cache" / "analyses")[:2]
    assert cachefile.read(b, "analyse-2", b.stem) is None  # the copy is refused
    build(event, out, ("html",), Diagnostics(), force=True)
    assert cachefile.read(b, "analyse-2", b.stem) is not None  # and written again


@pytest.mark.parametrize(
    "damage",
    [
        lambda content: [["../../etc/passwd"], []],
        lambda content: [content[0], [["grave", "message", None, None]]],
        lambda content: [content[0], [{"gravite": "erreur"}]],
        lambda content: {"sorties": content[0]},
    ],
    ids=["sortie-hors-du-dossier", "gravite-inconnue", "objet-pour-liste", "objet-pour-tout"],
)
def test_a_wrong_fingerprint_file_means_build_again(
    warm: tuple[Path, Path],
    damage: Callable[[Any], Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event, reference = warm
    out = tmp_path / "sortie"
    shutil.copytree(reference, out)
    target = out / ".cache" / "empreinte.json"
    key = json.loads(target.read_bytes().split(b"\n", 1)[0])["cle"]
    cachefile.write(target, "empreinte-2", key, damage(cachefile.read(target, "empreinte-2", key)))
    capsys.readouterr()
    assert (
        main(["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1"]) == 0
    )
    captured = capsys.readouterr()
    assert "à jour" not in captured.out and "erreur interne" not in captured.err
    assert {n: (out / n).read_bytes() for n in PUBLISHED} == {
        n: (reference / n).read_bytes() for n in PUBLISHED
    }


def test_a_folder_in_place_of_the_fingerprint_file(
    warm: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event, reference = warm
    out = tmp_path / "sortie"
    shutil.copytree(reference, out)
    (out / ".cache" / "empreinte.json").unlink()
    (out / ".cache" / "empreinte.json").mkdir()
    for _ in range(2):  # it cannot be written: each build is made again, without a word
        assert (
            main(["build", str(event), "--sortie", str(out), "--formats", "html", "--jobs", "1"])
            == 0
        )
        captured = capsys.readouterr()
        assert "à jour" not in captured.out and captured.err == ""
    assert (out / "synthese.md").read_bytes() == (reference / "synthese.md").read_bytes()


def test_swapped_regex_cache_files_give_the_same_documents(
    warm: tuple[Path, Path], tmp_path: Path
) -> None:
    """The model loaded in a fresh process (the regular expressions this process compiled
    are in its own memory) from a user cache where two entries were swapped."""
    event, reference = warm
    xdg = tmp_path / "xdg"
    folder = xdg / "proceedings" / "regex"
    re.purge()
    load_nlp(folder)
    files = entries(folder)
    assert len(files) >= 2
    a, b = files[:2]
    data = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(data)
    out = tmp_path / "sortie"
    shutil.copytree(reference, out)
    shutil.rmtree(out / ".cache" / "analyses")  # every note analysed: the model is loaded
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "proceedings",
            "build",
            str(event),
            "--sortie",
            str(out),
            "--formats",
            "html",
            "--jobs",
            "1",
            "--forcer",
        ],
        env={**os.environ, "XDG_CACHE_HOME": str(xdg)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {n: (out / n).read_bytes() for n in PUBLISHED} == {
        n: (reference / n).read_bytes() for n in PUBLISHED
    }
    assert cachefile.read(a, regexcache.SCHEMA, a.stem) is not None  # written again


def test_a_swapped_or_altered_regex_entry_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexcache, "SLOW", 0.0)
    patterns = [r"(?i)^l['’](\w+)-(\w+)$", r"^(\d+)\s*h\s*(\d*)$"]
    samples = ["L’Île-France", "l'un-deux", "12 h 30", "9h"]

    def behaviour(compiled: list[re.Pattern[str]]) -> list[Any]:
        return [[(m.groups() if (m := c.match(s)) else None) for s in samples] for c in compiled]

    expected = behaviour([re.compile(p) for p in patterns])
    with regexcache.cached(tmp_path):
        re.purge()
        [re.compile(p) for p in patterns]
    a, b = entries(tmp_path)
    data = a.read_bytes()
    a.write_bytes(b.read_bytes())
    b.write_bytes(data)
    with regexcache.cached(tmp_path):
        re.purge()
        assert behaviour([re.compile(p) for p in patterns]) == expected
    # a program altered on disk (one literal changed) under its own key: the checksum
    for path in entries(tmp_path):
        head, body = path.read_bytes().split(b"\n", 1)
        path.write_bytes(head + b"\n" + body.replace(b"104", b"105"))
    with regexcache.cached(tmp_path):
        re.purge()
        assert behaviour([re.compile(p) for p in patterns]) == expected
