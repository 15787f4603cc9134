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
from .test_photos import assert_no_camera_data, camera_jpeg, yellow_corner

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


PHOTO_DESCRIBED = """\
- fichier: salle.jpg
  légende: La salle pendant l’ouverture
  texte alternatif: Une trentaine de personnes face à une estrade
"""


def shown_photo(url: str) -> tuple[str, bytes]:
    """The address of the photo the page shows (its text alternative checked), and the
    image the server gives for it."""
    page = get(url)
    found = re.search(r'<img src="([^"]+)"[^>]*alt="Une trentaine de personnes', page)
    assert found, page
    assert found[1].startswith(".travail/photos/") and found[1].endswith("-web.jpg")
    with urllib.request.urlopen(url + found[1], timeout=30) as answer:
        assert answer.headers["Content-Type"] == "image/jpeg"
        return found[1], answer.read()


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

    # a photo dropped, then replaced: the page shows it (served beside the page, upright,
    # without its camera data), then the new one
    opening = event / "ouverture"
    (opening / "photos.yaml").write_text(PHOTO_DESCRIBED, encoding="utf-8")
    (opening / "salle.jpg").write_bytes(camera_jpeg((1600, 1200)))
    until(lambda: version(url)["version"] == 3)
    first, data = shown_photo(url)
    assert_no_camera_data(data)
    assert yellow_corner(data) == "haut-gauche"
    (opening / "salle.jpg").write_bytes(camera_jpeg((1600, 1200), orientation=3))  # 180°
    until(lambda: version(url)["version"] == 4)
    second, data = shown_photo(url)
    assert second != first and yellow_corner(data) == "bas-droite"
    for elsewhere in (first, second.replace(".travail/photos/", ".travail/photos/../../../ev/")):
        with pytest.raises(urllib.error.HTTPError):
            get(url + elsewhere)  # an image the page no longer names, a way out: unknown

    # a programme broken: the page says why, and still shows the last good build
    programme = event / "programme.yaml"
    good = programme.read_text(encoding="utf-8")
    programme.write_text(good.replace('debut: "09:00"\n', "debut: [\n", 1), encoding="utf-8")
    until(lambda: version(url)["version"] == 5)
    state = version(url)
    assert str(state["echec"]).endswith("programme.yaml : programme invalide")
    page = text(get(url))
    assert "La dernière construction a échoué : la page montre la précédente." in page
    assert "erreur de syntaxe YAML" in page and "vélos en libre-service" in page
    programme.write_text(good, encoding="utf-8")
    until(lambda: version(url)["version"] == 6)
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


def test_the_server_gives_only_the_images_the_page_names_inside_the_output(
    tmp_path: Path,
) -> None:
    from proceedings.preview import images_named

    out = tmp_path / "apercu"
    (out / ".travail" / "figures").mkdir(parents=True)
    (out / ".travail" / "figures" / "mots clés.svg").write_text("<svg/>", encoding="utf-8")
    (out / "synthese.md").write_text("# Texte", encoding="utf-8")
    (tmp_path / "dehors.png").write_bytes(b"\x89PNG")
    (out / "lien.png").symlink_to(tmp_path / "dehors.png")
    page = (
        '<img src=".travail/figures/mots%20cl%C3%A9s.svg" alt="">'
        "<IMG class=\"x\" src='synthese.md'>"  # not an image
        '<img src="../dehors.png"><img src="lien.png">'  # outside, by name or by a link
        f'<img src="{tmp_path / "dehors.png"}"><img src="data:image/png;base64,AAAA">'
        '<img src="https://exemple.fr/a.png"><img src="absente.png">'
    )
    assert images_named(page, out) == {
        "/.travail/figures/mots clés.svg": (out / ".travail/figures/mots clés.svg").resolve()
    }
