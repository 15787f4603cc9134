"""Fuzzing the office readers (Word, LibreOffice): mutated documents, read as a build
reads them, in a separate process whose memory and processor time are limited.

Inputs are real documents (the shared corpus's .docx and .odt, when present) and documents
the test writes (python-docx, pandoc), mutated: bytes flipped in the archive or inside a
member, the archive cut short, a member replaced (random bytes, a web page, a WMF drawing,
a truncated picture, a picture from outside), images linked to a file planted outside the
event folder (absolute path, ``../``, ``file://``), huge attributes, deep nesting, large
members. Checks, for every input:

- nothing but ``SourceError`` escapes the reader (the build's ``read_or_report`` turns it
  into a located message; any other exception, or the reading process dying, fails);
- memory and time are bounded: the reading process has 4 GiB of address space
  (``RLIMIT_AS``, pandoc inherits it) and 120 s of processor time per document
  (``RLIMIT_CPU``): these are limits of the child process, not timings;
- nothing from outside is embedded: the planted file's pixels and bytes never appear in
  the note's images, nor its text in the note's text.

``make test`` runs a short, deterministic campaign; for a longer one:
``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_office.py``.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pypandoc
import pytest
from docx.shared import Cm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from .conftest import ROOT, write_tiny_event

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
CORPUS = Path("/work/shared/corpus-reel/4-bureautique")
CPU_SECONDS = 120  # per document, for the reading process and for each pandoc it starts
ADDRESS_SPACE = 4 << 30

CANARY_TEXT = b"CANARI-f3a9e1-HORS-DU-DOSSIER"


def _png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


CANARY_PNG = _png((9, 7), (203, 17, 79)) + CANARY_TEXT


def _pixels(data: bytes) -> tuple[tuple[int, int], bytes] | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size, image.convert("RGB").tobytes()
    except Exception:  # not an image at all: cannot be the canary's pixels
        return None


# -- the reading process ------------------------------------------------------------------

WORKER = """
import base64, json, resource, sys, traceback
from pathlib import Path

resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from proceedings.errors import Diagnostics
from proceedings.read.readers import READERS, Found, read_or_report

for line in sys.stdin:
    request = json.loads(line)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    soft = used + int(sys.argv[2])  # this document's share; pandoc inherits the limit
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
    path = Path(request["path"])
    found = Found(path, request["rel"], request["shown"], READERS[path.suffix.lower()])
    diag = Diagnostics()
    try:
        note = read_or_report(found, diag)
        reply = {
            "outcome": "note" if note is not None else "refused",
            "text": " ".join(s.text for b in note.blocks for s in b.spans) if note else "",
            "media": [base64.b64encode(m.data).decode() for m in note.media] if note else [],
            "messages": [str(d) for d in diag],
        }
    except BaseException:
        reply = {"outcome": "exception", "error": traceback.format_exc()}
    print(json.dumps(reply), flush=True)
"""


class Reader:
    """A process that reads notes, one request a line; started again if it dies."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER, str(ADDRESS_SPACE), str(CPU_SECONDS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        return self.process

    def read(self, path: Path, rel: str, shown: str) -> dict[str, Any]:
        process = self.start()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps({"path": str(path), "rel": rel, "shown": shown}) + "\n")
        process.stdin.flush()
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            return {"outcome": "died", "error": f"le processus de lecture est mort ({code})"}
        result: dict[str, Any] = json.loads(line)
        return result

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait()


@pytest.fixture(scope="module")
def reader() -> Iterator[Reader]:
    worker = Reader()
    yield worker
    worker.close()


@dataclass(frozen=True)
class Place:
    """The event folder the mutated notes are dropped in, and the file planted outside."""

    event: Path
    canary: Path


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Place:
    root = tmp_path_factory.mktemp("fuzz")
    canary = root / "dehors" / "canari.png"
    canary.parent.mkdir()
    canary.write_bytes(CANARY_PNG)
    (root / "dehors" / "canari.html").write_bytes(b"<p>" + CANARY_TEXT + b"</p>")
    event = write_tiny_event(root / "ev")
    (event / "ouverture" / "photo.png").write_bytes(_png((5, 3), (10, 200, 30)))
    return Place(event, canary)


# -- seeds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    name: str
    suffix: str
    members: tuple[tuple[str, bytes], ...]

    def __repr__(self) -> str:  # as hypothesis reports a failing example
        return f"Seed({self.name!r})"


def _members(data: bytes) -> tuple[tuple[str, bytes], ...]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return tuple((info.filename, archive.read(info)) for info in archive.infolist())


def _built_docx(folder: Path) -> bytes:
    document = docx.Document()
    document.core_properties.author = "Léa Roux"
    document.add_heading("Atelier mobilité", level=2)
    document.add_paragraph("Un participant : il faut des navettes partagées.")
    document.add_paragraph("premier point", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Indicateur", "Limite"
    picture = folder / "image.png"
    picture.write_bytes(_png((6, 4), (11, 92, 107)))
    document.add_picture(str(picture), width=Cm(2))
    target = folder / "construit.docx"
    document.save(str(target))
    return target.read_bytes()


def _built_odt(folder: Path) -> bytes:
    (folder / "image.png").write_bytes(_png((6, 4), (11, 92, 107)))
    target = folder / "construit.odt"
    pypandoc.convert_text(
        "## Atelier\n\nUn participant : des navettes.[^1]\n\n- un point\n\n![Photo](image.png)\n\n"
        "[^1]: Une note.\n",
        "odt",
        format="markdown",
        outputfile=str(target),
        extra_args=[f"--resource-path={folder}"],
    )
    return target.read_bytes()


def _seeds() -> list[Seed]:
    import tempfile

    seeds = []
    with tempfile.TemporaryDirectory() as tmp:
        seeds.append(Seed("construit.docx", ".docx", _members(_built_docx(Path(tmp)))))
        seeds.append(Seed("construit.odt", ".odt", _members(_built_odt(Path(tmp)))))
    if CORPUS.is_dir():
        for path in sorted(CORPUS.iterdir()):
            if path.suffix in (".docx", ".odt"):
                seeds.append(Seed(path.name, path.suffix, _members(path.read_bytes())))
    return seeds


SEEDS = _seeds()
REAL = [s for s in SEEDS if not s.name.startswith("construit")]
# The short campaign mutates the documents that pandoc reads in well under a second; the
# long one, every document.
QUICK = 1_000_000  # bytes, all members together
MUTATED = SEEDS if LONG else [s for s in SEEDS if sum(len(c) for _, c in s.members) < QUICK]


# -- mutations ----------------------------------------------------------------------------

WMF = bytes.fromhex("d7cdc69a000000000000640064a0050000000000000001000900000300000000")
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PAYLOADS: dict[str, Callable[[Place], bytes]] = {
    # a picture of the document itself (not the planted file): kept, without its tail
    "png": lambda p: _png((3, 3), (1, 99, 2)) + b"queue-apres-la-fin",
    "html": lambda p: HTML,
    "wmf": lambda p: WMF,
    "vide": lambda p: b"",
    "png-tronque": lambda p: _png((64, 64), (1, 2, 3))[:70],
    "xml-casse": lambda p: b"<?xml version='1.0'?><a><b></a>",
    "entites": lambda p: (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "'
        + p.canary.with_suffix(".html").as_uri().encode()
        + b'">]><a>&e;</a>'
    ),
}


def _hrefs(place: Place) -> list[str]:
    """Ways to name the planted file from a note in « ouverture/ » (and the event's own
    image, which is allowed)."""
    canary = place.canary
    return [
        str(canary),
        canary.as_uri(),
        "../../dehors/canari.png",
        "../../../dehors/canari.png",  # ODF: the first « .. » is the package
        "/" + "../" * 12 + str(canary).lstrip("/"),
        str(canary.with_suffix(".html")),
        "http://exemple.invalid/canari.png",
        "data:text/html;base64," + base64.b64encode(b"<p>" + CANARY_TEXT + b"</p>").decode(),
        "../photo.png",
        "photo.png",
    ]


_LINK = re.compile(rb'((?:Target|xlink:href|r:embed|r:link|r:id|src)=")([^"]*)(")')


@st.composite
def mutations(draw: st.DrawFn) -> tuple[Seed, list[tuple[Any, ...]]]:
    seed = draw(st.sampled_from(MUTATED))
    n = len(seed.members)
    step = st.one_of(
        st.tuples(
            st.just("octets-membre"),
            st.integers(0, n - 1),
            st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=8),
        ),
        st.tuples(st.just("remplacer"), st.integers(0, n - 1), st.sampled_from(sorted(PAYLOADS))),
        st.tuples(st.just("aleatoire"), st.integers(0, n - 1), st.binary(max_size=3000)),
        st.tuples(st.just("lien"), st.integers(0, 50), st.integers(0, 9), st.booleans()),
        st.tuples(st.just("attribut"), st.sampled_from([1_000, 200_000, 4_000_000])),
        st.tuples(st.just("imbrication"), st.integers(1, 2_000 if LONG else 300)),
        st.tuples(st.just("gros-membre"), st.sampled_from([1, 8, 64] if LONG else [1, 8])),
        st.tuples(
            st.just("octets-archive"),
            st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=8),
        ),
        st.tuples(st.just("couper"), st.floats(0, 1)),
    )
    return seed, draw(st.lists(step, min_size=1, max_size=4))


def _main_part(seed: Seed) -> str:
    return "word/document.xml" if seed.suffix == ".docx" else "content.xml"


def _nest(seed: Seed, xml: bytes, depth: int) -> bytes:
    if seed.suffix == ".docx":
        opening, closing = b"<w:tbl><w:tr><w:tc>", b"</w:tc></w:tr></w:tbl>"
        inner, anchor = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>", b"<w:body>"
    else:
        opening, closing = b"<text:list><text:list-item>", b"</text:list-item></text:list>"
        inner, anchor = b"<text:p>x</text:p>", b"<office:text>"
    return xml.replace(anchor, anchor + opening * depth + inner + closing * depth, 1)


def apply(seed: Seed, steps: list[tuple[Any, ...]], place: Place) -> bytes:
    members = [list(m) for m in seed.members]
    archive_steps = []
    for step in steps:
        kind = step[0]
        if kind == "octets-membre":
            content = bytearray(members[step[1]][1])
            for where, xor in step[2]:
                if content:
                    content[min(int(where * len(content)), len(content) - 1)] ^= xor
            members[step[1]][1] = bytes(content)
        elif kind == "remplacer":
            members[step[1]][1] = PAYLOADS[step[2]](place)
        elif kind == "aleatoire":
            members[step[1]][1] = step[2]
        elif kind == "lien":
            href = _hrefs(place)[step[2]].encode()
            for member in members:
                if not member[0].endswith((".xml", ".rels")):
                    continue
                found = list(_LINK.finditer(member[1]))
                if found:
                    m = found[step[1] % len(found)]
                    external = b' TargetMode="External"' if step[3] else b""
                    new = m[1] + href + m[3] + (external if m[1].startswith(b"Target") else b"")
                    member[1] = member[1][: m.start()] + new + member[1][m.end() :]
                    break
        elif kind == "attribut":
            for member in members:
                if member[0] == _main_part(seed):
                    member[1] = re.sub(
                        rb"(<[A-Za-z:]+)(\s)",
                        rb'\1 fuzz="' + b"A" * step[1] + rb'"\2',
                        member[1],
                        count=2,
                    )
        elif kind == "imbrication":
            for member in members:
                if member[0] == _main_part(seed):
                    member[1] = _nest(seed, member[1], step[1])
        elif kind == "gros-membre":
            media = "word/media/" if seed.suffix == ".docx" else "Pictures/"
            members.append([f"{media}gros{len(members)}.png", bytes(step[1] << 20)])
        else:
            archive_steps.append(step)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    data = bytearray(out.getvalue())
    for step in archive_steps:
        if step[0] == "octets-archive":
            for where, xor in step[1]:
                data[min(int(where * len(data)), len(data) - 1)] ^= xor
        else:
            data = data[: int(step[1] * len(data))]
    return bytes(data)


# -- the checks ---------------------------------------------------------------------------


def check(reader: Reader, place: Place, data: bytes, suffix: str) -> dict[str, Any]:
    note = place.event / "ouverture" / f"note{suffix}"
    note.write_bytes(data)
    shown = note.as_posix()
    result = reader.read(note, f"ouverture/note{suffix}", shown)
    assert result["outcome"] in ("note", "refused"), result.get("error")
    for message in result["messages"]:
        assert message.startswith(f"{shown}: ") or message.startswith(f"{shown}:"), message
        assert "Traceback" not in message
    canary = _pixels(CANARY_PNG)
    for encoded in result["media"]:
        media = base64.b64decode(encoded)
        assert CANARY_TEXT not in media
        assert _pixels(media) != canary, "l’image plantée hors du dossier a été reprise"
    assert CANARY_TEXT.decode() not in result["text"]
    return result


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_every_seed_is_read(reader: Reader, place: Place, seed: Seed) -> None:
    """The unmutated documents are read (the corpus's real files among them)."""
    result = check(reader, place, apply(seed, [], place), seed.suffix)
    assert result["outcome"] == "note", result["messages"]
    assert result["text"].strip()


def test_the_real_corpus_is_there() -> None:
    if not REAL:
        pytest.skip(f"corpus réel absent ({CORPUS}) : seuls les documents construits servent")
    assert any(s.suffix == ".odt" for s in REAL) and any(s.suffix == ".docx" for s in REAL)


@pytest.mark.parametrize("href", range(len(_hrefs(Place(Path("/ev"), Path("/d/c.png"))))))
def test_every_link_to_the_planted_file_is_refused(reader: Reader, place: Place, href: int) -> None:
    """Each way of naming the outside file, in the built Word and LibreOffice documents."""
    for seed in SEEDS[:2]:
        result = check(reader, place, apply(seed, [("lien", 0, href, True)], place), seed.suffix)
        assert result["outcome"] == "note"


@settings(
    max_examples=2_000 if LONG else 30,
    derandomize=not LONG,
    database=None if not LONG else settings.default.database,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutation=mutations())
def test_mutated_documents(
    reader: Reader, place: Place, mutation: tuple[Seed, list[tuple[Any, ...]]]
) -> None:
    seed, steps = mutation
    check(reader, place, apply(seed, steps, place), seed.suffix)
