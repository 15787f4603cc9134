"""Nothing lost, nothing injected: inputs untouched, outputs whole, one build at a time,
the cache disposable, notes never executed, no file from outside the event folder."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from proceedings.build import build
from proceedings.cli import main
from proceedings.errors import Diagnostics, ProceedingsError

from .conftest import ROOT, TEMPLATES, write_tiny_event


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    } | {
        p.relative_to(folder).as_posix() + "/": "dossier"
        for p in sorted(folder.rglob("*"))
        if p.is_dir()
    }


@pytest.mark.lent
def test_no_build_touches_the_event_folder(
    demo_copy: Path, tmp_path: Path, analysed: Callable[[Path], Path]
) -> None:
    (demo_copy / "ouverture" / "casse.docx").write_bytes(b"pas un zip")
    (demo_copy / "ouverture" / "~$verrou.docx").write_bytes(b"x")
    before = hashes(demo_copy)
    stamps = {p: p.stat().st_mtime_ns for p in demo_copy.rglob("*")}
    build(demo_copy, analysed(tmp_path / "ok"), ("html",), Diagnostics())  # with an error
    broken = tmp_path / "gabarits"
    shutil.copytree(TEMPLATES, broken)
    (broken / "session.md.j2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(ProceedingsError):
        build(demo_copy, analysed(tmp_path / "echec"), ("html",), Diagnostics(), broken)
    (demo_copy / "programme.yaml").chmod(0o444)
    assert main(["check", str(demo_copy), "--sortie", str(tmp_path / "bilan")]) == 1
    assert hashes(demo_copy) == before
    assert {p: p.stat().st_mtime_ns for p in demo_copy.rglob("*")} == stamps


# A build killed at any moment leaves the previous documents whole: see
# tests/test_hostile_inputs.py, which kills it at named points (never after a delay).


def test_two_builds_of_one_event_do_not_interleave(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], analysed: Callable[[Path], Path]
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    out = analysed(tmp_path / "sortie")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys\n"
            f"h = os.open({str(out / '.verrou')!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(h, fcntl.LOCK_EX)\nos.write(h, b'4242')\n"
            "print('pris', flush=True)\nsys.stdin.read()\n",  # until the test lets go
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "pris"
        code = main(
            ["build", str(event), "--sortie", str(out), "--formats", "html", "--attente", "0.5"]
        )
        err = capsys.readouterr().err.splitlines()
        assert code == 1
        assert err == [
            f"{out}: une autre construction est en cours (processus 4242), attente de sa "
            "fin (au plus 0 s)…",
            f"erreur : {out}: une autre construction écrit déjà dans ce dossier (processus "
            "4242) ; relancez quand elle sera terminée",
        ]
        assert not (out / "synthese.html").exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    assert main(["build", str(event), "--sortie", str(out), "--formats", "html"]) == 0


@pytest.mark.lent
def test_the_cache_can_be_damaged_or_deleted_without_changing_the_result(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    out = tmp_path / "sortie"
    build(event, out, ("html",), Diagnostics())
    reference = {
        n: (out / n).read_bytes() for n in ("synthese.md", "mots-cles.json", "synthese.html")
    }
    for path in (out / ".cache").rglob("*.json"):
        path.write_bytes(path.read_bytes()[:20])
    build(event, out, ("html",), Diagnostics(), force=True)
    assert {n: (out / n).read_bytes() for n in reference} == reference
    shutil.rmtree(out / ".cache")
    build(event, out, ("html",), Diagnostics(), force=True)
    assert {n: (out / n).read_bytes() for n in reference} == reference


HOSTILE = """\
Une élue : <script>alert('x')</script> et <img src=x onerror=alert(1)> ne laissent rien.

#set page(paper: "a5") et #let x = 1 et $x^2$ ne sont pas du Typst.

\\begin{document} \\newpage \\input{/etc/passwd} ne sont pas du LaTeX.

Un bloc d’attributs {#id .classe style="color:red"} et [lien]{.x} restent du texte.

Les gabarits {{ event.titre }} et {% if true %}oui{% endif %} ne sont pas interprétés.

<div style="display:none">caché</div>

```{=html}
<b>brut</b>
```
"""


@pytest.mark.lent
def test_a_note_is_data_never_code(tmp_path: Path, analysed: Callable[[Path], Path]) -> None:
    """Typst, LaTeX, attribute blocks and code are printed as text; HTML is structure (its
    tags dropped, scripts with their content); template tags are a site generator's, never
    run here: dropped. Nothing of it is active in any format."""
    event = write_tiny_event(tmp_path / "ev")
    (event / "ouverture" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    out = analysed(tmp_path / "sortie")
    build(event, out, ("docx", "pdf", "html"), Diagnostics())
    # (French typography still applies: "a5" is printed « a5 », « : » gets its space)
    literal = [
        "#set page(paper",
        "#let x = 1",
        "$x^2$",
        "\\begin{document}",
        "\\input{/etc/passwd}",
        "{#id .classe style=",
        "[lien]{.x}",
        "Les gabarits et oui ne sont pas interprétés",
        "caché",
        "<b>brut</b>",  # code stays code, printed
    ]
    document = docx.Document(str(out / "synthese.docx"))
    text = "\n".join(p.text for p in document.paragraphs).replace("’", "'")
    text = re.sub(r"[ \u00a0\u202f]+", " ", text)
    for item in literal:
        assert item.replace("’", "'") in text, item
    for gone in ("alert(", "onerror", "<script", "<div", "event.titre", "{%", "{{"):
        assert gone not in text, gone
    reader = PdfReader(str(out / "synthese.pdf"))
    pdf = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))
    for item in ["#set page", "\\begin{document}", "Les gabarits et oui"]:
        assert item in pdf, item
    assert "alert(" not in pdf and "event.titre" not in pdf
    assert all(abs(float(p.mediabox.width) - 595.3) < 1 for p in reader.pages)  # still A4
    html = (out / "synthese.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;brut&lt;/b&gt;" in html
    assert not re.search(r"<script\b", html)
    assert not re.search(r"<[^>]*\sonerror\s*=", html)
    assert "<b>brut</b>" not in html and "alert(" not in html


def test_no_file_from_outside_the_event_folder(
    tmp_path: Path, analysed: Callable[[Path], Path]
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    secret = tmp_path / "secret.png"
    shutil.copy(ROOT / "tests" / "data" / "pixel.png", secret)
    (event / "ouverture" / "image-locale.png").write_bytes(secret.read_bytes())
    (event / "ouverture" / "lien.png").symlink_to(secret)
    (tmp_path / "dehors.md").write_text("Texte du dehors.\n", encoding="utf-8")
    (event / "ouverture" / "lien.md").symlink_to(tmp_path / "dehors.md")
    (event / "ouverture" / "images.md").write_text(
        "![locale](image-locale.png)\n\n![absolue](/etc/hostname)\n\n"
        f"![remontée](../../{secret.name})\n\n![lien](lien.png)\n\n"
        "![distante](https://exemple.org/a.png)\n",
        encoding="utf-8",
    )
    diag = Diagnostics()
    out = analysed(tmp_path / "sortie")
    build(event, out, ("html",), diag)
    shown = event.as_posix()
    # image-locale.png, shown by the note, is not a photo of the chapter as well
    assert [str(d) for d in diag] == [
        f"{shown}/ouverture/lien.md: avertissement : lien symbolique vers un fichier hors "
        "du dossier de l’événement, ignoré",
        f"{shown}/ouverture/lien.png: avertissement : lien symbolique vers un fichier hors "
        "du dossier de l’événement, ignoré",
        f"{shown}/ouverture/images.md:3: avertissement : image « /etc/hostname » non "
        "reprise : chemin absolu refusé (indiquez un chemin relatif à la note)",
        f"{shown}/ouverture/images.md:5: avertissement : image « ../../secret.png » non "
        "reprise : fichier hors du dossier de l’événement",
        f"{shown}/ouverture/images.md:7: avertissement : image « lien.png » non reprise : "
        "fichier hors du dossier de l’événement",
        f"{shown}/ouverture/images.md:9: avertissement : image « https://exemple.org/a.png » "
        "non reprise : image distante, jamais téléchargée (placez le fichier dans le dossier "
        "de la note)",
    ]
    media = sorted(p.name for p in (out / ".travail" / "media").rglob("*") if p.is_file())
    assert media == ["image1.png"]  # the local image only
    html = (out / "synthese.html").read_text(encoding="utf-8")
    assert "Texte du dehors" not in html
    assert "exemple.org" not in html


@pytest.mark.lent
def test_an_unchanged_event_is_not_rebuilt_and_its_messages_are_given_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], analysed: Callable[[Path], Path]
) -> None:
    event = write_tiny_event(tmp_path / "ev")
    (event / "ouverture" / "plan.svg").write_text("<svg/>", encoding="utf-8")
    out = analysed(tmp_path / "sortie")
    argv = ["build", str(event), "--sortie", str(out), "--formats", "html"]
    assert main(argv) == 0
    first = capsys.readouterr()
    html = (out / "synthese.html").stat().st_mtime_ns
    assert main(argv) == 0
    second = capsys.readouterr()
    assert (out / "synthese.html").stat().st_mtime_ns == html
    assert second.err == first.err  # the warning about plan.svg, again
    assert "La synthèse est à jour" in second.out
    (event / "ouverture" / "notes.md").write_text("Autre texte.\n", encoding="utf-8")
    assert main(argv) == 0
    assert "écrit : " in capsys.readouterr().out
