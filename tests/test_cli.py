"""The command line: French messages on stderr, exit codes 0, 1 and 2."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from proceedings.cli import main


def test_check_prints_the_deposit_report_and_writes_it(
    tiny_event: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "bilan"
    assert main(["check", str(tiny_event), "--sortie", str(out_dir)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "Bilan de dépôt — 1re Rencontre d’essai",
        f"Dossier {tiny_event.as_posix()} : 2 notes lues, 42 mots, 0 erreur, 0 avertissement.",
        "",
        "■ Ouverture de la matinée [ouverture] — 1 note, 25 mots",
        "    ouverture/notes.md — Markdown, 25 mots, rapporteur : Jeanne Rapporteuse, relu",
        "        intervenants : Une élue",
        "        1 citation, 0 proposition",
        "",
        "■ Ateliers du matin [ateliers] — 1 note, 17 mots",
        "  Atelier mobilité",
        "    ateliers/mobilite/notes.txt — texte, 17 mots",
        "        intervenants : Un participant",
        "        0 citation, 1 proposition",
        "",
        "Sessions sans note : aucune",
        f"Bilan écrit dans {out_dir}/bilan-depot.html",
    ]
    html = (out_dir / "bilan-depot.html").read_text(encoding="utf-8")
    assert "<title>Bilan de dépôt — 1re Rencontre d’essai</title>" in html
    assert "ateliers/mobilite/notes.txt" in html


def test_bad_note_is_reported_build_goes_on_and_exits_1(
    tiny_event: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tiny_event / "ouverture" / "casse.md"
    bad.write_text("---\nsession: [\n---\n", encoding="utf-8")
    out_dir = tmp_path / "sortie"
    code = main(["build", str(tiny_event), "--sortie", str(out_dir), "--formats", "html"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        f"{tiny_event.as_posix()}/ouverture/casse.md:2: en-tête YAML invalide : valeur "
        "attendue (colonne 11), fichier ignoré",
        "terminé avec 1 erreur.",
    ]
    assert (out_dir / "synthese.html").exists()
    assert bad.read_text(encoding="utf-8") == "---\nsession: [\n---\n"  # never modified


def test_strict_turns_warnings_into_failure(
    tiny_event: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tiny_event / "ouverture" / "plan.svg").write_text("<svg/>", encoding="utf-8")
    out = ["--sortie", str(tiny_event.parent / "bilan")]
    assert main(["check", str(tiny_event), *out]) == 0
    capsys.readouterr()
    assert main(["check", str(tiny_event), "--strict", *out]) == 1
    _, err = capsys.readouterr()
    assert err.splitlines()[-1] == "terminé avec 0 erreur et 1 avertissement (--strict)."


def test_broken_programme_lists_problems_and_exits_1(
    tiny_event: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    programme = tiny_event / "programme.yaml"
    text = programme.read_text(encoding="utf-8").replace('debut: "09:30"', 'debut: "9h30"')
    programme.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), start=1) if "9h30" in t)
    assert main(["check", str(tiny_event), "--sortie", str(tiny_event.parent / "b")]) == 1
    _, err = capsys.readouterr()
    shown = f"{tiny_event.as_posix()}/programme.yaml"
    assert err.splitlines() == [
        f"{shown}:{line}: sessions[2].debut : attendu HH:MM, reçu « 9h30 »",
        f"{shown} : programme invalide, rien n’a été produit.",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["build", "--formats", "odt"],
            "--formats : format inconnu « odt » (formats : docx, pdf, html, fiches)",
        ),
        (["check", "dossier-absent"], "dossier-absent : dossier introuvable"),
        (
            ["diffuser"],
            "proceedings : erreur : COMMANDE : choix invalide : 'diffuser' "
            "(choix possibles : 'build', 'check', 'apercu', 'publier', 'motscles', 'resume')",
        ),
    ],
)
def test_bad_usage_exits_2(
    argv: list[str],
    message: str,
    tiny_event: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tiny_event.parent)
    if argv[0] == "build":
        argv = [*argv, str(tiny_event)]
    with pytest.raises(SystemExit) as info:
        sys.exit(main(argv))
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_module_entry_point_prints_french_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "proceedings", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "Des notes des rapporteurs aux actes" in done.stdout
    assert "construit la synthèse" in done.stdout


def test_the_proceedings_are_made_in_the_formats_asked_for(
    tiny_event: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    analysed: Callable[[Path], Path],
) -> None:
    """--actes: the Actes intégraux in their own formats (by default the synthesis's);
    « aucun » converts none; asking something else of them is a build of its own."""
    out = analysed(tmp_path / "sortie")
    build = ["build", str(tiny_event), "--sortie", str(out), "--formats"]
    assert main([*build, "pdf", "--actes", "docx"]) == 0
    made = {p.name for p in out.iterdir() if p.name.startswith(("synthese.", "actes."))}
    assert made == {"synthese.md", "synthese.pdf", "actes.md", "actes.docx"}
    assert "actes intégraux" not in capsys.readouterr().out  # no PDF of them to count
    assert main([*build, "pdf", "--actes", "docx"]) == 0
    assert "La synthèse est à jour" in capsys.readouterr().out
    assert main([*build, "pdf", "--actes", "docx,html"]) == 0  # asked more of them: built
    assert "La synthèse est à jour" not in capsys.readouterr().out
    assert (out / "actes.html").exists() and not (out / "actes.pdf").exists()
    assert main([*build, "html", "--actes", "rtf"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "--actes : format inconnu « rtf » (formats : docx, pdf, html, ou aucun)"
    ]
