"""Hostile and broken inputs: special files, huge files, long words, runaway transcripts,
bad options, stale temporary files, interruptions and full disks.

Nothing here measures time. Where code could hang, the test detects it instead of waiting
(a named pipe opened by the build is seen from the other end); where code could be
quadratic, it runs in a child process with a CPU-time limit (CPU seconds, which the machine's
load does not change) a thousand times above what the linear code needs.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from proceedings.build import CACHE, build
from proceedings.cli import main
from proceedings.errors import Diagnostics
from proceedings.read.readers import READERS, discover, known_formats, read_or_report, subtitles
from proceedings.settings import PDF_UA
from proceedings.support import limits, uptodate

from .conftest import ROOT, TEMPLATES, Built, write_tiny_event


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in its own process (and its own process group)."""
    return subprocess.run(
        [sys.executable, "-m", "proceedings", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
        check=False,
    )


class PipeWatcher:
    """Tells whether anyone opened a named pipe for reading, and unblocks them if so.

    Opening a FIFO for writing without blocking succeeds only while a reader has it open:
    a build that opens it is seen (and then gets an end of file instead of hanging)."""

    def __init__(self, fifo: Path) -> None:
        self.fifo = fifo
        self.opened = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PipeWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                self._stop.wait(0.01)
                continue
            self.opened = True
            os.close(fd)  # the reader gets an end of file


def test_the_readers_registry_and_the_listed_suffixes_agree() -> None:
    assert set(READERS) == limits.NOTE_SUFFIXES


@pytest.mark.lent
def test_named_pipes_and_sockets_are_refused_never_opened(
    tmp_path: Path, analysed: Callable[[Path], Path]
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    analysed(tmp_path / "out")
    fifo = event / "ouverture" / "tube.md"
    os.mkfifo(fifo)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(event / "ouverture" / "prise.vtt"))
    try:
        with PipeWatcher(fifo) as watcher:
            checked = cli("check", str(event), "--sortie", str(tmp_path / "bilan"))
            built = cli("build", str(event), "--sortie", str(tmp_path / "out"), "--formats", "html")
        assert not watcher.opened, "la construction a ouvert le tube nommé"
    finally:
        server.close()
    for done in (checked, built):
        assert done.returncode == 0, done.stderr
        assert (
            f"{event.as_posix()}/ouverture/tube.md: avertissement : un tube nommé (FIFO), pas "
            "un fichier ordinaire, ignoré" in done.stderr.splitlines()
        )
        assert (
            f"{event.as_posix()}/ouverture/prise.vtt: avertissement : une socket, pas un fichier "
            "ordinaire, ignoré" in done.stderr.splitlines()
        )
        assert "Traceback" not in done.stderr
    assert (tmp_path / "out" / "synthese.html").exists()


def test_a_pipe_that_appears_after_the_listing_does_not_block(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    diag = Diagnostics()
    found = [f for f in discover(event, diag) if f.rel == "ouverture/notes.md"]
    (event / "ouverture" / "notes.md").unlink()
    os.mkfifo(event / "ouverture" / "notes.md")  # swapped between listing and reading
    with PipeWatcher(event / "ouverture" / "notes.md") as watcher:
        assert read_or_report(found[0], diag) is None
    assert not watcher.opened or diag.errors  # opened without blocking, then refused
    assert [str(d) for d in diag.errors] == [
        f"{event.as_posix()}/ouverture/notes.md: un tube nommé (FIFO), pas un fichier "
        "ordinaire, fichier ignoré"
    ]


def _bytes_read_by(script: str) -> int:
    """Bytes a Python child read from files (``rchar`` of /proc/self/io) running ``script``."""
    code = script + "\nprint(open('/proc/self/io').read().split('rchar:')[1].split()[0])\n"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="/proc/self/io absent (Linux)")
def test_huge_files_and_links_outside_are_never_read(tmp_path: Path) -> None:
    """A 3 GB video beside the notes, a note that links to a 3 GB file outside and a 100 MB
    note: the up-to-date check and the build read none of them (sparse files: no disk)."""
    event = write_tiny_event(tmp_path / "ev")
    huge = 3 * 1024**3
    with open(event / "ouverture" / "captation.mp4", "wb") as video:
        video.truncate(huge)
    outside = tmp_path / "ailleurs.vtt"
    with open(outside, "wb") as far:
        far.truncate(huge)
    (event / "ouverture" / "lien.vtt").symlink_to(outside)
    with open(event / "ouverture" / "enorme.txt", "wb") as big:
        big.truncate(100 * 1024 * 1024)
    script = (
        "from pathlib import Path\n"
        "from proceedings.support import uptodate\n"
        "from proceedings.build import collect\n"
        "from proceedings.errors import Diagnostics\n"
        f"event = Path({str(event)!r})\n"
        f"uptodate.fingerprint(event, Path({str(TEMPLATES)!r}), ('html',), ())\n"
        "d = Diagnostics()\n"
        "collect(event, d)\n"
        "print('\\n'.join(str(x) for x in d))\n"
    )
    assert _bytes_read_by(script) < 200 * 1024 * 1024
    diag = Diagnostics()
    found = {f.rel: f for f in discover(event, diag)}
    assert found["ouverture/lien.vtt"].reader is None
    assert read_or_report(found["ouverture/enorme.txt"], diag) is None
    assert [str(d) for d in diag] == [
        f"{event.as_posix()}/ouverture/captation.mp4: avertissement : format non pris en "
        f"charge, fichier ignoré (formats lus : {known_formats()})",
        f"{event.as_posix()}/ouverture/lien.vtt: avertissement : lien symbolique vers un "
        "fichier hors du dossier de l’événement, ignoré",
        f"{event.as_posix()}/ouverture/enorme.txt: fichier trop volumineux (100,0 Mo ; "
        "limite : 64,0 Mo), fichier ignoré",
    ]


def test_the_up_to_date_check_sees_what_changes_the_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = write_tiny_event(tmp_path / "ev")

    def digest() -> str:
        return uptodate.fingerprint(event, TEMPLATES, ("pdf",), PDF_UA)

    first = digest()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the date inside the documents
    assert digest() != first
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert digest() == first
    (event / "ouverture" / "photo.mp4").write_bytes(b"\0" * 10)  # not read: its metadata
    second = digest()
    assert second != first
    (event / "ouverture" / "notes.md").write_text("Autre texte.\n", encoding="utf-8")
    assert digest() != second


def within_cpu_seconds(seconds: int, script: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by Python in a child allowed ``seconds`` of CPU time (SIGXCPU beyond):
    CPU time, not the clock, so that the machine's load does not change the verdict."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
    )


ADVERSARIAL = {
    "lettres": "a" * 300_000,  # the e-mail pattern tried every start: quadratic
    "espaces": "a" + " " * 300_000 + "b",  # the space-run patterns, likewise
    "marques": ">> " * 100_000 + "texte",  # one recursion per mark
    "apostrophes": "'" * 30_000,  # spaCy's tokenizer: cubic in a run of punctuation
    "parentheses": "(" * 30_000,
}


def test_long_words_cost_linear_time(tmp_path: Path) -> None:
    """Each text goes through the typography, the speaker labels, anonymous publication and
    the model's tokenizer in one child process allowed 60 CPU seconds for them all: the
    linear code needs well under one second for each; the code this replaced needed from
    minutes to hours for any one of them. The child says which text it is on, so that a
    text over the limit is named."""
    for kind, text in ADVERSARIAL.items():
        (tmp_path / f"{kind}.txt").write_text(text, encoding="utf-8")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from proceedings.structure.privacy import Anonymiser, Hidden\n"
        "from proceedings.structure.speakers import split_label\n"
        "from proceedings.analyse.analysis import load_nlp, prepare\n"
        "from proceedings.render.typography import text_md\n"
        "nlp = load_nlp()\n"
        f"for kind in {sorted(ADVERSARIAL)!r}:\n"
        "    print(kind, flush=True)\n"
        f"    text = Path({str(tmp_path)!r}, kind + '.txt').read_text(encoding='utf-8')\n"
        "    text_md(text)\n"
        "    split_label(text, transcript=True)\n"
        "    Anonymiser((Hidden(('Hélène Valade',), 'Présidente'),)).text('Valade ' + text)\n"
        "    nlp.tokenizer(prepare(text[:30_000]))\n"
        "print('fini')\n"
    )

    done = within_cpu_seconds(60, script)
    said = done.stdout.split()
    assert done.returncode == 0 and said == [*sorted(ADVERSARIAL), "fini"], (
        f"{said[-1] if said else 'chargement'} : code {done.returncode} "
        f"(−{signal.SIGXCPU} : plus de 60 s de calcul) {done.stderr[-500:]}"
    )


def _cues(n: int, words: str = "mot") -> bytes:
    def stamp(x: float) -> str:
        return f"{int(x // 3600):02d}:{int(x % 3600 // 60):02d}:{x % 60:06.3f}"

    return (
        "WEBVTT\n\n"
        + "".join(f"{stamp(i / 2)} --> {stamp(i / 2 + 0.5)}\n{words}{i % 7}\n\n" for i in range(n))
    ).encode()


def test_a_transcript_without_punctuation_is_read_in_linear_time(tmp_path: Path) -> None:
    """100,000 word-per-cue subtitles without a sentence end: paragraphs of at most 600
    words, read in a child allowed 60 CPU seconds (about 3 s needed; the quadratic merge
    needed hours)."""
    (tmp_path / "mots.vtt").write_bytes(_cues(100_000))
    script = (
        "from pathlib import Path\n"
        "from proceedings.errors import Diagnostics\n"
        "from proceedings.read.readers.subtitles import read_vtt\n"
        f"data = Path({str(tmp_path / 'mots.vtt')!r}).read_bytes()\n"
        "note = read_vtt(data, 'mots.vtt', 'mots.vtt', Diagnostics())\n"
        "print(len(note.blocks), max(b.words for b in note.blocks))\n"
    )

    done = within_cpu_seconds(60, script)
    assert done.returncode == 0, done.stderr[-500:]
    paragraphs, longest = (int(x) for x in done.stdout.split())
    assert paragraphs >= 100_000 // 602 and longest <= 602


def test_a_transcript_over_the_cue_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subtitles, "MAX_CUES", 1000)
    event = write_tiny_event(tmp_path / "ev")
    (event / "ouverture" / "long.vtt").write_bytes(_cues(1001))
    diag = Diagnostics()
    found = [f for f in discover(event, diag) if f.rel == "ouverture/long.vtt"]
    assert read_or_report(found[0], diag) is None
    assert [str(d) for d in diag] == [
        f"{event.as_posix()}/ouverture/long.vtt:3003: plus de 1\u202f000 sous-titres, "
        "au-delà de la limite (découpez la transcription en plusieurs fichiers), fichier ignoré"
    ]


def test_deep_folders_and_too_many_files_are_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    deep = event / "ateliers" / "/".join(f"n{i}" for i in range(20))
    deep.mkdir(parents=True)
    (deep / "perdu.md").write_text("Texte.\n", encoding="utf-8")
    diag = Diagnostics()
    rels = [f.rel for f in discover(event, diag)]
    assert not any("perdu" in r for r in rels)
    assert [str(d) for d in diag] == [
        f"{event.as_posix()}/ateliers/{'/'.join(f'n{i}' for i in range(15))}/n15: "
        f"avertissement : dossier à plus de {limits.MAX_DEPTH} niveaux de profondeur, non "
        "parcouru"
    ]
    import proceedings.read.readers as readers

    monkeypatch.setattr(readers, "MAX_FILES", 1)
    diag = Diagnostics()
    assert [f.rel for f in discover(event, diag)] == ["ateliers/mobilite/notes.txt"]
    assert [d.message for d in diag.errors] == [
        "plus de 1 fichiers dans le dossier de l’événement : les suivants sont ignorés"
    ]


def test_jobs_are_capped_by_processors_and_memory(
    tiny_event: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    analysed: Callable[[Path], Path],
) -> None:
    gib = 1024**3
    assert limits.jobs_bound(2, 24 * gib) == 2
    assert limits.jobs_bound(64, 2 * gib) == 2
    assert limits.jobs_bound(8, None) == 8
    assert limits.jobs_bound(4, 100 * 1024 * 1024) == 1
    asked: list[int] = []
    import proceedings.build

    real = proceedings.build.build

    def spy(*args: object, **kwargs: object) -> object:
        asked.append(int(kwargs["jobs"]))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(proceedings.build, "build", spy)
    out = analysed(tmp_path / "out")
    assert (
        main(["build", str(tiny_event), "--sortie", str(out), "--formats", "html", "--jobs", "32"])
        == 0
    )
    bound = limits.jobs_bound(os.cpu_count(), limits.available_memory())
    assert asked == [bound]
    err = capsys.readouterr().err
    assert err.startswith(f"--jobs 32 ramené à {bound} (")


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e9", "beaucoup"])
def test_the_waiting_time_must_be_a_finite_number_of_seconds(
    value: str, tiny_event: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["build", str(tiny_event), "--sortie", str(tmp_path / "o"), "--attente", value])
    assert exit_.value.code == 2
    assert (
        "--attente : attendu un nombre de secondes entre 0 et 86400, reçu « " + value + " »"
        in capsys.readouterr().err
    )


def test_an_unusable_output_folder_is_a_usage_error(
    tiny_event: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.relative_to(tiny_event) for p in tiny_event.rglob("*"))
    inside = tiny_event / "sortie"
    assert main(["build", str(tiny_event), "--sortie", str(inside)]) == 2
    assert main(["check", str(tiny_event), "--sortie", str(tiny_event)]) == 2
    assert main(["build", str(tiny_event), "--sortie", str(tmp_path)]) == 2
    a_file = tmp_path / "fichier"
    a_file.write_text("x", encoding="utf-8")
    assert main(["build", str(tiny_event), "--sortie", str(a_file)]) == 2
    assert main(["build", str(tiny_event), "--sortie", str(a_file / "dessous")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"--sortie : « {inside} » est dans le dossier de l’événement « {tiny_event} », qui "
        "ne reçoit jamais de fichier produit ; choisissez un dossier à côté (par exemple "
        "output)",
        f"--sortie : « {tiny_event} » est dans le dossier de l’événement « {tiny_event} », "
        "qui ne reçoit jamais de fichier produit ; choisissez un dossier à côté (par exemple "
        "output)",
        f"--sortie : « {tmp_path} » contient le dossier de l’événement « {tiny_event} » ; "
        "choisissez un dossier à part (par exemple output)",
        f"--sortie : « {a_file} » existe et n’est pas un dossier",
        f"--sortie : impossible d’écrire dans « {a_file / 'dessous'} » (un élément du chemin "
        "n’est pas un dossier)",
    ]
    assert sorted(p.relative_to(tiny_event) for p in tiny_event.rglob("*")) == before


DOCUMENTS = ("synthese.md", "synthese.docx", "synthese.pdf", "synthese.html")


def _whole(path: Path) -> None:
    if path.suffix == ".docx":
        docx.Document(str(path))
    elif path.suffix == ".pdf":
        assert len(PdfReader(str(path)).pages) > 0
    elif path.suffix == ".html":
        assert path.read_bytes().rstrip().endswith(b"</html>")


def build_all(
    event: Path, out: Path, *more: str, fault: str = ""
) -> subprocess.CompletedProcess[str]:
    """The DOCX, PDF and HTML of ``event``'s synthesis built by the command line, with a
    named fault (the Actes intégraux, which the tests below do not read, are not converted)."""
    args = ("build", str(event), "--sortie", str(out), "--formats", "docx,pdf,html", *more)
    args += ("--actes", "aucun")
    return cli(*args, env={"PROCEEDINGS_PANNE": fault} if fault else None)


NEW_NOTE = "Une note toute neuve.\n" * 50


@pytest.fixture(scope="module")
def built_once(tiny_built: Built, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny event built once (DOCX, PDF, HTML), for the tests below to copy, with the
    analysis of the note they change already in its cache: their builds, in processes of
    their own, are about documents being replaced, and do not load the model."""
    root = tmp_path_factory.mktemp("construit")
    event, out = root / "ev", root / "sortie"
    shutil.copytree(tiny_built.event, event)
    shutil.copytree(tiny_built.out, out)
    shutil.rmtree(out / "fiches")
    changed = root / "change"
    shutil.copytree(event, changed)
    (changed / "ouverture" / "notes.md").write_text(NEW_NOTE, encoding="utf-8")
    scratch = root / "brouillon"
    shutil.copytree(out / CACHE, scratch / CACHE)
    build(changed, scratch, (), Diagnostics())
    shutil.copytree(scratch / CACHE, out / CACHE, dirs_exist_ok=True)
    return event, out


@pytest.fixture
def built_then_changed(
    built_once: tuple[Path, Path], tmp_path: Path
) -> tuple[Path, Path, dict[str, bytes]]:
    """A copy of the event built once, with its documents, then one of its notes changed."""
    event, out = tmp_path / "ev", tmp_path / "sortie"
    shutil.copytree(built_once[0], event)
    shutil.copytree(built_once[1], out)
    previous = {name: (out / name).read_bytes() for name in DOCUMENTS}
    (event / "ouverture" / "notes.md").write_text(NEW_NOTE, encoding="utf-8")
    return event, out, previous


@pytest.mark.lent
def test_a_build_killed_before_a_document_is_replaced_leaves_it_whole(
    built_then_changed: tuple[Path, Path, dict[str, bytes]],
) -> None:
    """The build kills itself (SIGKILL) at the moment a document is written whole but not
    yet renamed onto its place, for each document in turn; the next build removes what the
    killed ones left."""
    event, out, previous = built_then_changed
    args = ("build", str(event), "--sortie", str(out), "--formats", "docx,pdf,html", "--jobs", "1")
    args += ("--actes", "aucun")  # the synthesis's documents are the ones killed
    for document in ("synthese.docx", "synthese.pdf", "synthese.html"):
        killed = cli(*args, env={"PROCEEDINGS_PANNE": f"avant-remplacement:{document}=tuer"})
        assert killed.returncode == -signal.SIGKILL
        assert (out / document).read_bytes() == previous[document]
        for name in DOCUMENTS:
            _whole(out / name)
        left = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
        assert left, "the kill happened after a temporary file was written"
    assert cli(*args).returncode == 0
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert not (out / ".travail" / "temporaire").exists()
    for document in ("synthese.docx", "synthese.pdf", "synthese.html"):
        assert (out / document).read_bytes() != previous[document]


@pytest.mark.parametrize(
    ("how", "jobs"), [("interrompre", "1"), ("interrompre", "2"), ("ctrl-c", "2")]
)
@pytest.mark.lent
def test_an_interrupted_build_stops_its_processes_and_keeps_the_documents(
    how: str, jobs: str, built_then_changed: tuple[Path, Path, dict[str, bytes]]
) -> None:
    """SIGINT to the main process (``kill -INT``) or to the whole group (Ctrl-C) while the
    DOCX is about to replace the previous one: code 130, one French line, no traceback, and
    the DOCX left as it was — no process goes on to replace it after the command ended."""
    event, out, previous = built_then_changed
    done = build_all(event, out, "--jobs", jobs, fault=f"avant-remplacement:synthese.docx={how}")
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines()[-1] == "interrompu : les documents précédents restent entiers."
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr
    assert (out / "synthese.docx").read_bytes() == previous["synthese.docx"]
    for name in DOCUMENTS:
        _whole(out / name)
    # the next build starts clean and completes
    assert build_all(event, out).returncode == 0
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_a_full_disk_is_told_in_french_and_keeps_the_documents(
    built_then_changed: tuple[Path, Path, dict[str, bytes]],
) -> None:
    event, out, previous = built_then_changed
    done = build_all(event, out, fault="avant-remplacement:synthese.html=disque-plein")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "erreur : plus de place sur le disque ; les documents précédents restent entiers"
    )
    assert "Traceback" not in done.stderr and "erreur interne" not in done.stderr
    assert (out / "synthese.html").read_bytes() == previous["synthese.html"]
