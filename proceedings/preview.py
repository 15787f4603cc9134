"""The live preview (``proceedings apercu``): the synthesis as a web page on this computer,
built again whenever a note, the programme, a template or any file of the event changes,
and refreshed in the browser by itself, as ``mkdocs serve`` does.

One process does it all: the French model is loaded once and stays loaded, analyses and
notes read by pandoc are kept in the preview's cache, so that a change costs what it
changes (the synthesis as HTML only; the Actes intégraux are not converted). The page asks
the server every half second whether a newer build exists (``/etat``) and reloads itself
when one does. A build's errors are shown in the page as well as in the terminal; a build
that fails leaves the last good page under a banner that says why.

The server listens on 127.0.0.1 only. It serves ``/`` (the page), ``/etat``, and the
images the page names (charts, photos, the notes' images), which it does not carry as the
published HTML does: these are the only files it reads, each one a file of the output
folder that the last build wrote, named by the page; any other address is unknown.
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from proceedings.errors import (
    Diagnostic,
    Diagnostics,
    ProceedingsError,
    ProgrammeError,
    Severity,
)
from proceedings.render import palette
from proceedings.settings import TEMPLATES
from proceedings.support.safeio import system_message

HOST = "127.0.0.1"
POLL = 0.2  # seconds between two looks at the event's files
SETTLE = 0.1  # seconds a change must stay still before it is built (an editor saving)
RELOAD_MS = 500  # how often the page asks for a newer build
_FOLDERS_SKIPPED = ("__pycache__",)

_SCRIPT = """<script>
(function () {
  var seen = %d;
  function ask() {
    fetch("/etat", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) { if (s.version !== seen) { location.reload(); } })
      .catch(function () {})
      .finally(function () { setTimeout(ask, %d); });
  }
  setTimeout(ask, %d);
})();
</script>"""
_BANNER = (
    '<div role="alert" style="position:sticky;top:0;z-index:9;'
    f"background:{palette.ACCENT_CLAIR};color:{palette.ENCRE};"
    f"border-bottom:2px solid {palette.ACCENT};padding:.6em 1em;font:15px/1.4 "
    'sans-serif"><strong>{title}</strong><ul style="margin:.3em 0 0 1.2em;padding:0">'
    "{items}</ul></div>"
)
_EMPTY = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Aperçu</title></head>'
    "<body><p>Première construction en cours…</p></body></html>"
)


@dataclass
class State:
    """The last build the page shows: its version, its HTML, and what it said."""

    version: int = 0
    page: str = _EMPTY
    messages: list[Diagnostic] = field(default_factory=list)
    failure: str = ""  # the error that stopped the last build, in French
    images: dict[str, Path] = field(default_factory=dict)  # address -> file the page names
    lock: threading.Lock = field(default_factory=threading.Lock)

    def shown(self) -> bytes:
        """The page with its banner (errors and warnings) and its reloading script."""
        with self.lock:
            page, version = self.page, self.version
            problems = [str(m) for m in self.messages if m.severity is Severity.ERROR]
            warnings = [str(m) for m in self.messages if m.severity is Severity.WARNING]
            if self.failure:
                problems.insert(0, self.failure)
        banner = ""
        if problems or warnings:
            title = (
                "La dernière construction a échoué : la page montre la précédente."
                if self.failure
                else f"{len(problems)} erreur(s), {len(warnings)} avertissement(s)"
            )
            items = "".join(f"<li>{html.escape(m)}</li>" for m in [*problems, *warnings])
            banner = _BANNER.format(title=html.escape(title), items=items)
        script = _SCRIPT % (version, RELOAD_MS, RELOAD_MS)
        head, body, rest = page.partition("<body")
        if body:
            opening, _, after = rest.partition(">")
            page = f"{head}<body{opening}>{banner}{after}"
        page = page.replace("</body>", f"{script}</body>") if "</body>" in page else page + script
        return page.encode("utf-8")

    def image(self, address: str) -> tuple[bytes, str] | None:
        """An image the page names, and its kind; None for any other address."""
        with self.lock:
            path = self.images.get(address)
        if path is None:
            return None
        try:
            return path.read_bytes(), _KINDS[path.suffix.lower()]
        except OSError:
            return None  # removed by a build meanwhile: the page reloads soon

    def said(self) -> bytes:
        with self.lock:
            state = {
                "version": self.version,
                "erreurs": [str(m) for m in self.messages if m.severity is Severity.ERROR],
                "echec": self.failure,
            }
        return json.dumps(state, ensure_ascii=False).encode("utf-8")


_SOURCE = re.compile(r"""<img\b[^>]*?\ssrc=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_KINDS = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


def images_named(page: str, out: Path) -> dict[str, Path]:
    """The images ``page`` names that the server may give: by their address on the server,
    the files of the output folder ``out`` (relative names only, never leaving the folder,
    of an image kind)."""
    top = out.resolve()
    found: dict[str, Path] = {}
    for match in _SOURCE.finditer(page):
        name = unquote(html.unescape(match[1] if match[1] is not None else match[2]))
        if not name or ":" in name or name.startswith(("/", "\\")) or "\\" in name:
            continue  # data: and web addresses, absolute names: not files of the folder
        path = (top / name).resolve()
        if path.suffix.lower() in _KINDS and path.is_relative_to(top) and path.is_file():
            found["/" + name] = path
    return found


def serve(state: State, port: int) -> ThreadingHTTPServer:
    """The preview's web server on 127.0.0.1:``port`` (0: any free port), in a thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/":
                self._send(state.shown(), "text/html; charset=utf-8")
            elif path == "/etat":
                self._send(state.said(), "application/json")
            elif (image := state.image(unquote(path))) is not None:
                self._send(image[0], image[1])
            else:
                message = "Adresse inconnue de l’aperçu : seule la page / est servie.\n"
                self._send(message.encode("utf-8"), "text/plain; charset=utf-8", 404)

        def _send(self, data: bytes, kind: str, status: int = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal tells builds, not requests

    server = ThreadingHTTPServer((HOST, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``roots`` with its size and time: what a change changes."""
    found: dict[str, tuple[int, int]] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in _FOLDERS_SKIPPED)
            for name in files:
                path = os.path.join(folder, name)
                try:
                    info = os.lstat(path)
                except OSError:
                    continue  # removed meanwhile: the next look sees it gone
                found[path] = (info.st_size, info.st_mtime_ns)
    return found


def changes(
    roots: tuple[Path, ...],
    stop: threading.Event,
    poll: float = POLL,
    settle: float = SETTLE,
) -> Iterator[None]:
    """Yields once at the start, then once after each change of the files under ``roots``
    that has stayed still for ``settle`` seconds; ends when ``stop`` is set."""
    last = snapshot(*roots)
    yield
    while not stop.wait(poll):
        now = snapshot(*roots)
        if now == last:
            continue
        while not stop.wait(settle):  # an editor saves several files, or one in steps
            later = snapshot(*roots)
            if later == now:
                break
            now = later
        last = now
        yield


def rebuild(
    event_dir: Path,
    out: Path,
    state: State,
    templates: Path = TEMPLATES,
    report: Callable[[Diagnostics], None] = lambda _: None,
) -> None:
    """Build the synthesis as HTML, and make it the page (or say why it could not be)."""
    from proceedings.build import build

    diag = Diagnostics()
    page, failure, images = None, "", {}
    try:
        build(event_dir, out, ("html",), diag, templates, actes=(), embedded=False)
        page = (out / "synthese.html").read_text(encoding="utf-8")
        images = images_named(page, out)
    except ProgrammeError as exc:
        diag.extend(exc.problems)
        failure = f"{exc.path} : programme invalide"
    except ProceedingsError as exc:
        failure = str(exc)
    except OSError as exc:
        failure = f"écriture impossible : {system_message(exc)}"
    report(diag)
    with state.lock:
        if page is not None:
            state.page, state.images = page, images
        state.messages, state.failure = list(diag), failure
        state.version += 1
