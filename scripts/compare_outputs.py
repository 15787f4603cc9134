#!/usr/bin/env python3
"""Compare, octet par octet, les documents de la démonstration construits par deux états du
code : celui d'un commit de référence et celui du dossier de travail.

Usage (depuis la racine du dépôt) :

    .venv/bin/python scripts/compare_outputs.py REF        # ex. REF = un commit, main~3
    make identique REF=<commit>

Une réorganisation du code ne doit rien changer à ce que lit un éditeur : ce script extrait
le commit de référence dans un dossier temporaire (``git worktree``), construit la
démonstration (DOCX, PDF, HTML, fiches) avec chacun des deux états du code, dans le même
environnement Python, et compare tous les fichiers produits, hors ``.cache/`` et l'empreinte
de la dernière construction. Code de sortie : 0 si tous les documents sont identiques, 1
sinon (la liste des fichiers qui diffèrent est affichée). Les fichiers de travail gardés pour
inspection (sources Typst intermédiaires, commençant par un point) sont comparés aussi,
mais leurs différences ne comptent pas : elles suivent les commentaires des gabarits.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = "docx,pdf,html,fiches"
# analyses and notes kept between builds, and the lock of the output folder: not documents
SKIPPED = (".cache", ".verrou")


def build(tree: Path, out: Path) -> None:
    """Build the demo of ``tree`` with its own package (run from ``tree``: its package comes
    first on the path) into ``out``."""
    command = [
        sys.executable,
        "-m",
        "proceedings",
        "build",
        "transcripts",
        "--sortie",
        str(out),
        "--formats",
        FORMATS,
        "--forcer",
    ]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # 1: warnings of the demo's hostile examples
        sys.exit(f"construction échouée dans {tree} ({done.returncode}) :\n{done.stderr}")


def digests(out: Path) -> dict[str, str]:
    files = sorted(p for p in out.rglob("*") if p.is_file())
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files
        if p.relative_to(out).parts[0] not in SKIPPED
    }


def _working(name: str) -> bool:
    """A working file kept for inspection (``.synthese.typ``, ``.travail/…``), not a
    document: its text follows the templates' comments and layout, which a restructuring
    may change while every document stays the same."""
    return any(part.startswith(".") for part in name.split("/"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="commit de référence")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="identique-") as tmp:
        base = Path(tmp)
        ref_tree = base / "ref"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(ref_tree), args.ref],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            build(ref_tree, base / "avant")
            build(ROOT, base / "apres")
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(ref_tree)], cwd=ROOT, check=False
            )
        before, after = digests(base / "avant"), digests(base / "apres")
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    working = [k for k in changed if _working(k)]
    differ = [k for k in changed if not _working(k)]
    only_before = sorted(before.keys() - after.keys())
    only_after = sorted(after.keys() - before.keys())
    for name in working:
        print(f"fichier de travail différent (ne compte pas) : {name}")
    for name in differ:
        print(f"diffère : {name}")
    for name in only_before:
        print(f"seulement avant : {name}")
    for name in only_after:
        print(f"seulement après : {name}")
    same = len(before.keys() & after.keys()) - len(changed)
    documents = [k for k in before.keys() | after.keys() if not _working(k)]
    print(
        f"{same} fichiers identiques sur {len(before.keys() | after.keys())} ; documents : "
        f"{len(documents) - len(differ)} identiques sur {len(documents)} ({args.ref} → HEAD)"
    )
    return 1 if differ or only_before or only_after else 0


if __name__ == "__main__":
    sys.exit(main())
