"""The live preview (``proceedings apercu``) driven as an editor uses it: started, a note
changed, the page changed, a broken programme shown in the page, Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from proceedings.preview import State, changes

from .conftest import ROOT, write_tiny_event

pytestmark = pytest.mark.lent  # a server and its builds

# A bound on waiting for a build, far above what one takes: the test waits for an event
# (a new version of the page), it does not measure how long it takes.
PATIENCE = 300.0


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return str(answer.read().decode("utf-8"))


def version(url: str) -> dict[str, object]:
    state: dict[str, object] = json.loads(get(url + "etat"))
    return state


def until(condition: Callable[[], bool]) -> None:
    """Wait for ``condition``, asked every tenth of a second (at most PATIENCE seconds, a
    guard against a preview that never rebuilds, not a measure)."""
    give_up = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < give_up, "l’aperçu ne s’est pas mis à jour"
        time.sleep(0.1)


def text(page: str) -> str:
    """The page's text, spaces of any kind as one."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    event = write_tiny_event(tmp_path / "ev")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "proceedings",
            "apercu",
            str(event),
            "--sortie",
            str(tmp_path / "apercu"),
            "--port",
            "0",
            "--sans-navigateur",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", first)
        assert found, first + (process.stderr.read() if process.stderr else "")
        yield event, found[0], process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_preview_follows_the_notes_and_stops_on_ctrl_c(
    preview: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    event, url, process = preview
    assert url.startswith("http://127.0.0.1:")
    until(lambda: version(url)["version"] == 1)
    page = get(url)
    assert "Atelier mobilité" in text(page) and "navettes partagées" in text(page)
    assert 'fetch("/etat"' in page  # the page reloads itself
    with pytest.raises(urllib.error.HTTPError):
        get(url + "synthese.html")  # nothing is served from the disk by name

    note = event / "ateliers" / "mobilite" / "notes.txt"
    note.write_text(
        note.read_text(encoding="utf-8") + "\nUne élue : il faut des vélos en libre-service.\n",
        encoding="utf-8",
    )
    until(lambda: version(url)["version"] == 2)
    assert "vélos en libre-service" in text(get(url))

    # a programme broken: the page says why, and still shows the last good build
    programme = event / "programme.yaml"
    good = programme.read_text(encoding="utf-8")
    programme.write_text(good.replace('debut: "09:00"\n', "debut: [\n", 1), encoding="utf-8")
    until(lambda: version(url)["version"] == 3)
    state = version(url)
    assert str(state["echec"]).endswith("programme.yaml : programme invalide")
    page = text(get(url))
    assert "La dernière construction a échoué : la page montre la précédente." in page
    assert "erreur de syntaxe YAML" in page and "vélos en libre-service" in page
    programme.write_text(good, encoding="utf-8")
    until(lambda: version(url)["version"] == 4)
    assert version(url)["echec"] == "" and "a échoué" not in text(get(url))

    process.send_signal(signal.SIGINT)  # Ctrl-C
    out, err = process.communicate(timeout=PATIENCE)
    assert process.returncode == 0, err
    assert out.splitlines()[-1] == "Aperçu arrêté."
    assert "Traceback" not in err
    # the terminal said it too: the programme's problem, then what the page shows
    assert "erreur de syntaxe YAML" in err
    assert "programme invalide ; la page montre la construction précédente." in err
    with pytest.raises(urllib.error.URLError):
        get(url)  # nobody listens any more


def test_a_change_is_seen_once_it_is_still(tmp_path: Path) -> None:
    """The watcher yields at the start, then once per change that has stopped changing."""
    import threading

    stop = threading.Event()
    folder = tmp_path / "ev"
    folder.mkdir()
    (folder / "a.md").write_text("un", encoding="utf-8")
    seen = changes((folder,), stop, poll=0.01, settle=0.01)
    next(seen)  # the start
    (folder / "a.md").write_text("deux, plus long", encoding="utf-8")
    next(seen)
    (folder / "b.md").write_text("trois", encoding="utf-8")
    next(seen)
    stop.set()
    assert list(seen) == []


def test_the_page_carries_the_build_messages() -> None:
    from proceedings.errors import Diagnostic, Severity

    state = State()
    state.page = "<html><body class='x'><p>Texte</p></body></html>"
    state.messages = [Diagnostic(Severity.WARNING, "format <b>inconnu</b>", "ev/a.pages")]
    state.version = 7
    page = state.shown().decode("utf-8")
    assert page.startswith("<html><body class='x'><div role=\"alert\"")
    assert "0 erreur(s), 1 avertissement(s)" in page
    assert "ev/a.pages: avertissement : format &lt;b&gt;inconnu&lt;/b&gt;" in page
    assert "var seen = 7;" in page and page.endswith("</script></body></html>")
    assert json.loads(state.said()) == {"version": 7, "erreurs": [], "echec": ""}
