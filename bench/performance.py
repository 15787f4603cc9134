"""Performance benchmark: the build's cost as ratios to the work that cannot be avoided.

    .venv/bin/python bench/performance.py            (or: make bench-performance)
    .venv/bin/python bench/performance.py --tailles 100000   (a shorter run)

Generates synthetic events (100 000 and 1 000 000 words by default, hundreds of notes in
Markdown, text, Word, WebVTT and HTML) from the sentences of the demo's notes, and runs on
the demo too. For each, in one run, each build in its own process:
- a cold build (empty output folder) with --jobs 1, and with --jobs 2 on the largest event;
- a rebuild with nothing changed, through the command line and through make;
- a rebuild after one note changed;
- the unavoidable work on the same texts: a bare ``nlp.pipe`` with the same model and
  components, and pandoc (DOCX, HTML, Typst) plus Typst converting the same master;
- the time of each stage and the peak memory.
Every figure is printed as a ratio to the unavoidable work, and written to
docs/performance.md. The synthesis is built as DOCX, PDF and HTML (the session fiches are
left out: they are extra conversions that the unavoidable work does not include).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from proceedings.analyse.analysis import MODEL, note_text, prepare  # noqa: E402
from proceedings.build import collect  # noqa: E402
from proceedings.errors import Diagnostics  # noqa: E402

DEMO = ROOT / "transcripts"
PYTHON = sys.executable
FORMATS = "docx,pdf,html"


# -- synthetic events -------------------------------------------------------------------------


def sentences() -> list[str]:
    """Realistic French: the sentences of the demo's notes."""
    synthesis = collect(DEMO, Diagnostics()).synthesis
    out = []
    for content in synthesis.notes:
        text = note_text(content).text
        out += [s.strip() for s in re.split(r"(?<=[.!?…])\s+", text) if len(s.split()) >= 6]
    return out


def generate(target: Path, words: int, seed: int = 2019) -> Path:
    """An event of about ``words`` words: the demo's programme, notes of about 1,000 words
    (a hundred for 100,000 words, a thousand for a million)."""
    import docx

    rng = random.Random(seed)
    pool = sentences()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(DEMO / "programme.yaml", target / "programme.yaml")
    folders = [
        "accueil",
        "ouverture",
        "table-ronde",
        "ateliers",
        "ateliers/convergences",
        "ateliers/estelling",
        "ateliers/fidarec",
        "ateliers/kimso",
        "ateliers/revelateurs-richesses-immaterielles",
        "ateliers/social-value-france",
        "dejeuner",
        "co-developpement",
        "co-developpement/groupe-1",
        "co-developpement/groupe-2",
        "co-developpement/groupe-3",
        "outils",
        "cloture",
    ]
    # The same notes at every size (about 1,000 words, from 500 to 1,500): an event grows by
    # its number of notes, so that time per word compares like with like.
    per_note = 1000
    count = max(len(folders), words // per_note)
    labels = [
        "Une élue",
        "Un participant",
        "Claire Morvan",
        "Un dirigeant de PME",
        "Une chargée de mission",
        "Yannick Le Bihan",
    ]
    formats = ["md"] * 5 + ["txt"] * 2 + ["docx", "vtt", "html"]
    written = 0
    for n in range(count):
        folder = target / folders[n % len(folders)]
        folder.mkdir(parents=True, exist_ok=True)
        paragraphs = []
        size = 0
        length = rng.randint(per_note // 2, per_note * 3 // 2)
        while size < length:
            paragraph = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
            paragraph = re.sub(r"\s+", " ", paragraph)
            if rng.random() < 0.3:
                paragraph = f"{rng.choice(labels)} : « {paragraph} »"
            paragraphs.append(paragraph)
            size += len(paragraph.split())
        written += size
        kind = formats[n % len(formats)]
        name = folder / f"note-{n:04d}.{kind}"
        if kind == "md":
            body = [
                f"## Partie {i + 1}\n\n{p}" if i % 4 == 0 else p for i, p in enumerate(paragraphs)
            ]
            name.write_text(
                "---\nstatut: relu\n---\n\n" + "\n\n".join(body) + "\n\n"
                "## Propositions\n\n- " + rng.choice(pool) + "\n",
                encoding="utf-8",
            )
        elif kind == "txt":
            name.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        elif kind == "docx":
            document = docx.Document()
            document.add_heading(f"Note {n}", level=2)
            for p in paragraphs:
                document.add_paragraph(p)
            document.save(str(name))
        elif kind == "vtt":
            cues = ["WEBVTT", ""]
            for i, p in enumerate(paragraphs):
                start = i * 20
                cues += [
                    f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.000 --> "
                    f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60 + 15:02d}.000"
                    if start % 60 + 15 < 60
                    else f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.000 --> "
                    f"{start // 3600:02d}:{start // 60 % 60:02d}:59.000",
                    f"<v {rng.choice([*labels[2:3], 'Animateur'])}>{p}</v>",
                    "",
                ]
            name.write_text("\n".join(cues), encoding="utf-8")
        else:
            items = "".join(f"<p>{p}</p>\n" for p in paragraphs)
            name.write_text(
                f"<!DOCTYPE html><html><head><title>Pad {n}</title></head><body>"
                f"<h2>Pad {n}</h2>\n{items}</body></html>",
                encoding="utf-8",
            )
    print(f"  événement de {written} mots, {count} notes : {target}", flush=True)
    return target


# -- measures ---------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mb: float
    timings: dict[str, float]
    output: str


# Runs a command and prints the peak memory of the largest process of its tree (the build,
# its analysis and conversion processes, pandoc): ru_maxrss of the waited-for descendants.
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'@@pic {peak}', flush=True)\n"
    "sys.exit(code)\n"
)


def run(args: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Run:
    """A command in its own process tree: wall time and the largest process's peak memory."""
    timings_file = Path(tempfile.mktemp(suffix=".json"))
    if args[:3] == [PYTHON, "-m", "proceedings"]:
        args = [*args, "--mesures", str(timings_file)]
    start = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-c", _WRAPPER, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "1", **(env or {})},
        check=False,
    )
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    if done.returncode not in (0, 1):
        raise SystemExit(f"échec de {' '.join(args)} :\n{output}")
    peak = int(re.search(r"@@pic (\d+)", output)[1]) / 1024  # type: ignore[index]
    timings = {}
    if timings_file.exists():
        timings = json.loads(timings_file.read_text(encoding="utf-8"))
        timings_file.unlink()
    return Run(seconds, peak, timings, output)


# The unavoidable work runs in fresh interpreters, as a bare script would: nothing loaded,
# compiled or laid out in this process (spaCy's imports, Python's cache of compiled regular
# expressions, Typst's memoised layouts) makes it look cheaper than it is.
_BARE_ANALYSIS = """
import json, sys, time
texts = json.load(open(sys.argv[1], encoding="utf-8"))
start = time.perf_counter()
import spacy
nlp = spacy.load(sys.argv[2], exclude=["parser"])
nlp.enable_pipe("senter")
loaded = time.perf_counter() - start
nlp.max_length = max([nlp.max_length] + [len(t) + 1 for t in texts])
tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
print(json.dumps({"seconds": time.perf_counter() - start, "load": loaded, "tokens": tokens}))
"""
_BUILD_LOAD = """
import json, time
start = time.perf_counter()
from proceedings.analyse.analysis import load_nlp
load_nlp()
print(json.dumps({"seconds": time.perf_counter() - start}))
"""
_BARE_TYPST = """
import json, sys, time
start = time.perf_counter()
import typst
from proceedings.export.convert import CHART_FONTS, PDF_UA
typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], ignore_system_fonts=True,
              font_paths=[CHART_FONTS], pdf_standards=list(PDF_UA))
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def fresh(code: str, *args: str) -> dict[str, Any]:
    """Runs ``code`` in a new interpreter; what it printed last, as JSON."""
    done = subprocess.run(
        [PYTHON, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_LARGE_READ = """
import json, resource, sys, time
from pathlib import Path
from proceedings.build import collect
from proceedings.errors import Diagnostics
start = time.perf_counter()
c = collect(Path(sys.argv[1]), Diagnostics())
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "words": sum(n.note.words for n in c.synthesis.notes),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
}))
"""
LARGE_MB = 50  # a recording far longer than a day's (limits.MAX_NOTE is 64 MB)
LARGE_PEAK_MB = 1500  # the bound its reading keeps


def large_recording(work: Path) -> dict[str, Any]:
    """A 50 MB WebVTT recording in an event of its own, read and structured in a fresh
    interpreter: seconds, words and peak memory (the bound the tests cannot check on a
    shared machine)."""
    event = work / "enregistrement-50-mo"
    shutil.rmtree(event, ignore_errors=True)
    (event / "ouverture").mkdir(parents=True)
    shutil.copy(DEMO / "programme.yaml", event / "programme.yaml")
    cue = "Intervenant·e : la co-construction demande du temps et de la confiance."
    with (event / "ouverture" / "enregistrement.vtt").open("w", encoding="utf-8") as f:
        f.write("WEBVTT\n\n")
        second, size = 0, 0
        while size < LARGE_MB * 1024 * 1024:
            at = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
            text = f"{at}.000 --> {at}.900\n<v SPEAKER_0{second % 3}>{cue}</v>\n\n"
            f.write(text)
            size += len(text.encode())
            second += 1
    return fresh(_LARGE_READ, str(event))


def bare_analysis(texts: list[str]) -> dict[str, Any]:
    """Loading the model as spaCy does (same components as the build's) and a bare
    nlp.pipe over ``texts``, in a fresh interpreter."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(texts, f, ensure_ascii=False)
    try:
        return fresh(_BARE_ANALYSIS, f.name, MODEL)
    finally:
        os.unlink(f.name)


def unavoidable_analysis(event: Path) -> tuple[float, int]:
    """Loading the model and a bare nlp.pipe over the texts the build analyses."""
    synthesis = collect(event, Diagnostics()).synthesis
    measured = bare_analysis([prepare(note_text(c).text) for c in synthesis.notes])
    return measured["seconds"], measured["tokens"]


def unavoidable_conversions(out: Path) -> float:
    """pandoc to DOCX, HTML and Typst, and Typst to PDF, on the build's own masters (the
    synthesis and the complete proceedings), with the same templates and options, without
    anything the pipeline adds around them."""
    import pypandoc

    from proceedings.export.convert import pandoc_args

    templates = ROOT / "templates"
    pandoc = pypandoc.get_pandoc_path()
    work = Path(tempfile.mkdtemp())
    source = out / ".mesure.typ"
    start = time.perf_counter()
    for master in (out / "synthese.md", out / "actes.md"):
        kinds = (("docx", work / "x.docx"), ("html", work / "x.html"), ("typst", source))
        for kind, target in kinds:
            subprocess.run(
                [pandoc, *pandoc_args(kind, master, target, templates)],
                check=True,
                capture_output=True,
            )
        fresh(_BARE_TYPST, str(source), str(work / "x.pdf"), str(out))
    seconds = time.perf_counter() - start
    source.unlink()
    shutil.rmtree(work)
    return seconds


def build_args(event: Path, out: Path, jobs: int | None = None) -> list[str]:
    """The build as an editor runs it (default --jobs), or with a given --jobs."""
    args = [
        PYTHON,
        "-m",
        "proceedings",
        "build",
        str(event),
        "--sortie",
        str(out),
        "--formats",
        FORMATS,
    ]
    return [*args, "--jobs", str(jobs)] if jobs else args


def measure(name: str, event: Path, work: Path, jobs_too: bool) -> dict:
    print(f"— {name}", flush=True)
    out = work / f"sortie-{re.sub(r'[^a-z0-9]+', '-', name.lower())}"
    shutil.rmtree(out, ignore_errors=True)
    cold = run(build_args(event, out))
    # the same, on a machine where proceedings never ran (empty user cache)
    with tempfile.TemporaryDirectory() as empty:
        shutil.rmtree(out)
        first = run(build_args(event, out), env={"XDG_CACHE_HOME": empty})
    cached_load = fresh(_BUILD_LOAD)["seconds"]
    bare_load = bare_analysis([])["load"]
    analysis, tokens = unavoidable_analysis(event)
    conversions = unavoidable_conversions(out)
    unchanged = run(build_args(event, out))
    assert "à jour" in unchanged.output, unchanged.output
    make_args = [
        "make",
        "--no-print-directory",
        "build",
        f"EVENT={event}",
        f"OUT={out}",
        f"FORMATS={FORMATS}",
    ]
    run(make_args)  # the first make records its stamp
    through_make = run(make_args)
    assert "à jour" in through_make.output, through_make.output
    # one note changed
    note = sorted(event.rglob("*.md"))[0]
    text = note.read_text(encoding="utf-8")
    note.write_text(
        text + "\nUne phrase ajoutée par la relecture du rapporteur.\n", encoding="utf-8"
    )
    one = run(build_args(event, out))
    note.write_text(text, encoding="utf-8")
    one_note = bare_analysis([prepare(text)])["seconds"]
    conversions_after = unavoidable_conversions(out)
    result = {
        "mots": tokens,
        "froid": cold.seconds,
        "froid_premiere_fois": first.seconds,
        "chargement_modele": cached_load,
        "chargement_modele_nu": bare_load,
        "memoire_mo": cold.peak_mb,
        "etapes": cold.timings,
        "analyse_nue": analysis,
        "conversions_nues": conversions,
        "inchange_cli": unchanged.seconds,
        "inchange_make": through_make.seconds,
        "une_note": one.seconds,
        "une_note_inevitable": one_note + conversions_after,
    }
    if jobs_too:
        for jobs in (1, 2):
            shutil.rmtree(out, ignore_errors=True)
            result[f"froid_jobs{jobs}"] = run(build_args(event, out, jobs=jobs)).seconds
    shutil.rmtree(out, ignore_errors=True)
    return result


PREVIEW_TARGET = 1 / 3  # the preview's page after one note, against a one-note CLI build


def preview_after_one_note(event: Path, work: Path) -> dict[str, float]:
    """The same note of ``event`` changed twice: seconds a command-line build takes to
    make the documents again (the formats an editor's ``make`` builds), and seconds from
    the file written to the preview's page showing it (the server's /etat gives a new
    version), the preview started and its first build done."""
    note = sorted(event.rglob("*.md"))[0]
    text = note.read_text(encoding="utf-8")
    changed = text + "\nUne phrase ajoutée par la relecture du rapporteur.\n"
    cli_out = work / "sortie-ligne-de-commande"
    shutil.rmtree(cli_out, ignore_errors=True)
    command = [PYTHON, "-m", "proceedings", "build", str(event), "--sortie", str(cli_out)]
    run(command)
    note.write_text(changed, encoding="utf-8")
    cli = run(command).seconds
    note.write_text(text, encoding="utf-8")
    shutil.rmtree(cli_out, ignore_errors=True)

    out = work / "sortie-apercu"
    shutil.rmtree(out, ignore_errors=True)
    args = [PYTHON, "-m", "proceedings", "apercu", str(event), "--sortie", str(out)]
    args += ["--port", "0", "--sans-navigateur"]
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline())
        assert url, "l’aperçu n’a pas donné son adresse"

        def version() -> int:
            with urllib.request.urlopen(url[0] + "etat", timeout=60) as answer:
                return int(json.loads(answer.read())["version"])

        while version() < 1:
            time.sleep(0.02)
        start = time.perf_counter()
        note.write_text(changed, encoding="utf-8")
        while version() < 2:
            time.sleep(0.02)
        seconds = time.perf_counter() - start
    finally:
        note.write_text(text, encoding="utf-8")
        process.send_signal(signal.SIGINT)
        process.wait()
        shutil.rmtree(out, ignore_errors=True)
    return {"apercu_une_note": seconds, "cli_une_note": cli}


PHOTOS = 30  # a day's photos in a synthesis
MB = 1_000_000  # the sizes of documents, as file managers show them
PHOTOS_PDF_BOUND_MB = 15.0


def camera_photo(seed: int, size: tuple[int, int] = (4032, 3024)) -> bytes:
    """A 12-megapixel photo as a phone saves it (JPEG at quality 92), of natural-looking
    content: noise whose amplitude falls as 1/f, as in photographs (large shapes, fine
    detail), coloured, with the grain of a sensor. Its JPEG weighs what a real one does
    (3 to 5 MB), so that the files made from it do too."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    w, h = size[0] // 4, size[1] // 4
    fy, fx = np.meshgrid(np.fft.fftfreq(h), np.fft.rfftfreq(w), indexing="ij")
    falloff = 1.0 / np.maximum(np.hypot(fx, fy), 1.0 / max(w, h)) ** 1.1
    channels = []
    base = rng.normal(size=(h, w // 2 + 1)) + 1j * rng.normal(size=(h, w // 2 + 1))
    for tint in range(3):
        own = rng.normal(size=base.shape) + 1j * rng.normal(size=base.shape)
        field = np.fft.irfft2((base + 0.35 * own) * falloff, s=(h, w))
        field = (field - field.mean()) / field.std()
        channels.append(np.clip(120 + 30 * tint + 55 * field, 0, 255))
    small = Image.fromarray(np.dstack(channels).astype("uint8"), "RGB")
    large = np.asarray(small.resize(size, Image.Resampling.BICUBIC), dtype=np.float32)
    grain = rng.normal(0, 4, size=(size[1], size[0], 1)).astype(np.float32)
    pixels = np.clip(large + grain, 0, 255).astype("uint8")
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, format="JPEG", quality=92)
    return out.getvalue()


def photos_weight(demo: Path, work: Path) -> dict[str, Any]:
    """The demo built twice in PDF, DOCX and HTML: as it is, then with PHOTOS phone photos
    dropped in its sessions' folders (described in photos.yaml): the documents' sizes, and
    the time the photos add to a first build and to the next one (their files are kept)."""
    event = work / "demo-photos"
    shutil.rmtree(event, ignore_errors=True)
    shutil.copytree(demo, event)
    folders = sorted(p.parent for p in event.rglob("*.md") if p.parent != event)
    folders = sorted(set(folders))
    sizes_in = 0
    for i in range(PHOTOS):
        folder = folders[i % len(folders)]
        data = camera_photo(i)
        sizes_in += len(data)
        (folder / f"photo-{i:02d}.jpg").write_bytes(data)
    for folder in folders:
        entries = [
            f"- fichier: {p.name}\n  légende: Photo {p.stem[-2:]}\n"
            f"  texte alternatif: Une photo de la session\n  crédit: Réseau"
            for p in sorted(folder.glob("photo-*.jpg"))
        ]
        if entries:
            (folder / "photos.yaml").write_text("\n".join(entries) + "\n", encoding="utf-8")
    results: dict[str, Any] = {"photos": PHOTOS, "photos_mo": sizes_in / MB}
    for name, source in (("sans", demo), ("avec", event)):
        out = work / f"sortie-photos-{name}"
        shutil.rmtree(out, ignore_errors=True)
        args = [PYTHON, "-m", "proceedings", "build", str(source), "--sortie", str(out)]
        args += ["--formats", "docx,pdf,html", "--actes", "aucun"]
        first = run(args)
        (out / ".cache" / "empreinte.json").unlink(missing_ok=True)  # built again, files kept
        again = run(args)
        results[name] = {
            "premiere_s": first.seconds,
            "suivante_s": again.seconds,
            **{
                fmt: (out / f"synthese.{fmt}").stat().st_size / MB
                for fmt in ("pdf", "docx", "html")
            },
        }
        shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(event, ignore_errors=True)
    return results


def fr(value: float, decimals: int = 1, signe: bool = False) -> str:
    """A number written the French way: decimal comma (« 0,22 », « +3,5 »)."""
    return f"{value:{'+' if signe else ''}.{decimals}f}".replace(".", ",")


def report(results: dict[str, dict], large: dict[str, Any] | None = None) -> str:
    lines = [
        "# Performance : mesures et rapports",
        "",
        "Produit par `make bench-performance` (`.venv/bin/python bench/performance.py`). "
        "Chaque construction tourne dans son propre processus ; chaque chiffre est rapporté "
        "au travail inévitable mesuré dans la même exécution : l’analyse par un `nlp.pipe` "
        "nu (même modèle, mêmes composants, mêmes textes) et les conversions par pandoc "
        "(DOCX, HTML, Typst) et Typst (PDF) des deux documents maîtres que la construction "
        "produit (la synthèse, tenue à son budget de pages, et les actes intégraux), chargement "
        "du modèle compris, l’un après l’autre, chacun dans un interpréteur neuf (comme un "
        "script nu : rien de chargé ni de compilé d’avance). Les constructions tournent comme "
        f"un éditeur les lance (`--jobs` par défaut : {os.cpu_count()} processeurs ici, au plus "
        "4). Formats construits : DOCX, PDF et HTML. Mémoire de pointe : celle du plus gros "
        "processus de la construction (processus d’analyse et de conversion, pandoc compris). "
        "Les événements générés ont des notes d’environ 1 000 mots (de 500 à 1 500, formats "
        "mêlés : Markdown, texte, DOCX, WebVTT, HTML) : une centaine pour 100 000 mots, un "
        "millier pour un million ; un événement grandit par le nombre de ses notes.",
        "",
        "Ce qui tient les chiffres : le modèle se charge avec les expressions régulières du "
        "tokeniseur français déjà compilées (cache de l’utilisateur, rempli par la première "
        "construction sur la machine) ; les processus d’analyse démarrent dès le début d’une "
        "première construction et chargent le modèle pendant la lecture des notes ; spaCy "
        "reçoit des lots bornés en caractères ; chaque conversion a son processus ; pandoc "
        "tourne avec un tas borné (1,2 Go, il compacte au lieu de doubler) ; au-delà de "
        "2,5 millions de caractères de source Typst, le PDF est composé par parties, chacune "
        "dans son processus, puis réuni (voir `proceedings/export/pdfparts.py`).",
        "",
        "| événement | mots | construction à froid | inévitable | rapport (cible ≤ 1,25) "
        "| rien de changé, commande (cible ≤ 5 % du froid) | rien de changé, make "
        "(cible < 1 s) | une note changée / inévitable (cible ≤ 1,3) | mémoire de pointe |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        inevitable = r["analyse_nue"] + r["conversions_nues"]
        lines.append(
            f"| {name} | {r['mots']} | {fr(r['froid'])} s | {fr(inevitable)} s | "
            f"{fr(r['froid'] / inevitable, 2)} | {fr(r['inchange_cli'], 2)} s "
            f"({fr(100 * r['inchange_cli'] / r['froid'])} %) | {fr(r['inchange_make'], 2)} s | "
            f"{fr(r['une_note'])} s / {fr(r['une_note_inevitable'])} s = "
            f"{fr(r['une_note'] / r['une_note_inevitable'], 2)} | {fr(r['memoire_mo'], 0)} Mo |"
        )
    lines += [
        "",
        "Première construction sur une machine neuve (cache de l’utilisateur vide) et "
        "chargement du modèle :",
        "",
        "| événement | à froid | machine neuve | rapport à l’inévitable | modèle : chargé par "
        "proceedings | modèle : `spacy.load` nu |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        inevitable = r["analyse_nue"] + r["conversions_nues"]
        lines.append(
            f"| {name} | {fr(r['froid'])} s | {fr(r['froid_premiere_fois'])} s | "
            f"{fr(r['froid_premiere_fois'] / inevitable, 2)} | {fr(r['chargement_modele'])} s | "
            f"{fr(r['chargement_modele_nu'])} s |"
        )
    lines += ["", "Temps par étape de la construction à froid (secondes) :", ""]
    stages = sorted({k for r in results.values() for k in r["etapes"]})
    lines += ["| événement | " + " | ".join(stages) + " |", "|---|" + "---:|" * len(stages)]
    for name, r in results.items():
        lines.append(
            f"| {name} | " + " | ".join(f"{fr(r['etapes'].get(s, 0))}" for s in stages) + " |"
        )
    sizes = [(n, r) for n, r in results.items() if n != "démo"]
    if len(sizes) >= 2:
        (small_name, small), (big_name, big) = sizes[0], sizes[-1]
        per_small = small["froid"] / small["mots"]
        per_big = big["froid"] / big["mots"]
        marginal = (big["froid"] - small["froid"]) / (big["mots"] - small["mots"])
        fixed = small["froid"] - marginal * small["mots"]
        lines += [
            "",
            f"Croissance : {fr(1e6 * per_small)} µs par mot à {small_name}, "
            f"{fr(1e6 * per_big)} µs par mot à {big_name} : écart "
            f"{fr(100 * (per_big / per_small - 1), signe=True)} % (cible : dans ±20 %). "
            f"Entre les deux, chaque mot de plus coûte {fr(1e6 * marginal)} µs ; le reste, "
            f"{fr(fixed)} s, ne dépend pas de la taille (démarrage, chargement du modèle, "
            "graphiques, lancement des conversions) et pèse davantage sur le petit événement.",
        ]
    for name, r in results.items():
        if "froid_jobs2" in r:
            lines += [
                "",
                f"`--jobs 2` sur {name} : {fr(r['froid_jobs1'])} s avec `--jobs 1`, "
                f"{fr(r['froid_jobs2'])} s avec `--jobs 2`, soit "
                f"{fr(r['froid_jobs1'] / r['froid_jobs2'], 2)} × plus rapide (cible ≥ 1,4).",
            ]
    for name, r in results.items():
        if "apercu_une_note" in r:
            lines += ["", preview_text(name, r)]
    if photos := results.get("démo", {}).get("photos_poids"):
        lines += ["", photos_text(photos)]
    if large:
        held = "tenue" if large["peak_mb"] < LARGE_PEAK_MB else "DÉPASSÉE"
        lines += [
            "",
            f"Un enregistrement WebVTT de {LARGE_MB} Mo ({large['words']:,} mots) : lu et ".replace(
                ",", "\u202f"
            )
            + f"structuré en {fr(large['seconds'])} s, mémoire de pointe {large['peak_mb']} Mo "
            f"(borne : moins de {LARGE_PEAK_MB} Mo, {held}).",
        ]
    lines += [
        "",
        "Commande : `make bench-performance` ; tailles au choix : "
        "`.venv/bin/python bench/performance.py --tailles 100000 1000000`.",
        "",
    ]
    return "\n".join(lines)


def preview_text(name: str, r: dict[str, float]) -> str:
    """The preview against make, in one paragraph."""
    ratio = r["apercu_une_note"] / r["cli_une_note"]
    held = "tenue" if ratio < PREVIEW_TARGET else "MANQUÉE"
    return (
        f"Aperçu (`make apercu`) sur {name} : une note changée, la page est à jour "
        f"{fr(r['apercu_une_note'])} s après l’enregistrement du fichier ; la même "
        f"note changée, `make` (DOCX, PDF, HTML et fiches) refait les documents en "
        f"{fr(r['cli_une_note'])} s, soit un rapport de {fr(ratio, 2)} (cible : moins de "
        f"0,33, {held}). L’aperçu garde le modèle chargé, les gabarits compilés et les "
        "graphiques dont les données n’ont pas changé ; il ne produit que le HTML de la "
        "synthèse, qui nomme ses images (le serveur les donne) au lieu de les porter."
    )


def photos_text(p: dict[str, Any]) -> str:
    """What the photos cost, in one paragraph."""
    without, with_ = p["sans"], p["avec"]
    added = with_["pdf"] - without["pdf"]
    held = "tenue" if added < PHOTOS_PDF_BOUND_MB else "DÉPASSÉE"

    def mb(x: float) -> str:
        return fr(x) + " Mo"

    return (
        f"Photos : {p['photos']} photos de téléphone de 12 mégapixels ({mb(p['photos_mo'])} "
        f"de JPEG) déposées dans les dossiers de la démonstration. Le PDF de la synthèse passe "
        f"de {mb(without['pdf'])} à {mb(with_['pdf'])}, soit {mb(added)} pour les "
        f"{p['photos']} photos (borne : moins de {mb(PHOTOS_PDF_BOUND_MB)}, {held}) ; le DOCX "
        f"de {mb(without['docx'])} à {mb(with_['docx'])}, le HTML (photos pour le web) de "
        f"{mb(without['html'])} à {mb(with_['html'])}. Première construction "
        f"{fr(with_['premiere_s'])} s contre {fr(without['premiere_s'])} s sans photos ; "
        f"la suivante, les fichiers des photos gardés, {fr(with_['suivante_s'])} s contre "
        f"{fr(without['suivante_s'])} s."
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tailles", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--sortie", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument(
        "--travail", type=Path, default=Path(tempfile.gettempdir()) / "proceedings-performance"
    )
    parser.add_argument(
        "--apercu-seulement",
        action="store_true",
        help="seulement l’aperçu contre make, sur la démonstration (docs/performance.md inchangé)",
    )
    parser.add_argument(
        "--photos-seulement",
        action="store_true",
        help="seulement le poids des photos, sur la démonstration (docs/performance.md inchangé)",
    )
    args = parser.parse_args()
    args.travail.mkdir(parents=True, exist_ok=True)
    demo = args.travail / "demo"
    shutil.rmtree(demo, ignore_errors=True)
    shutil.copytree(DEMO, demo)  # a copy: one of its notes is changed for a measure
    if args.apercu_seulement:
        print(preview_text("la démo", preview_after_one_note(demo, args.travail)))
        return 0
    if args.photos_seulement:
        print(photos_text(photos_weight(demo, args.travail)))
        return 0
    results = {"démo": measure("démo", demo, args.travail, jobs_too=False)}
    for words in args.tailles:
        event = generate(args.travail / f"evenement-{words}", words)
        name = f"{words:,} mots".replace(",", " ")
        results[name] = measure(name, event, args.travail, jobs_too=words == max(args.tailles))
    results["démo"] |= preview_after_one_note(demo, args.travail)
    results["démo"]["photos_poids"] = photos_weight(demo, args.travail)
    large = large_recording(args.travail)
    text = report(results, large)
    print(text)
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(text, encoding="utf-8")
    everything = {**results, "enregistrement 50 Mo": large}
    args.sortie.with_suffix(".json").write_text(json.dumps(everything, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
