"""Command line: parse arguments, run a stage, print French messages, return an exit code.

This is the only module that prints or catches errors. Exit codes: 0 success, 1 some input
had errors (or warnings with --strict), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proceedings.errors import Diagnostics, ProceedingsError, ProgrammeError, SourceError
from proceedings.settings import FORMATS, PDF_ARCHIVE, PDF_UA, TEMPLATES

# Only light modules here: an unchanged rebuild must answer before pandoc, typst, spaCy,
# matplotlib or python-docx are even imported; the stages are imported when needed.
from proceedings.support import faults, schedule, uptodate
from proceedings.support.limits import MAX_WAIT, available_memory, jobs_bound
from proceedings.support.lock import output_lock
from proceedings.support.progress import Progress
from proceedings.support.safeio import atomic_write, size_text, system_message

REPORT = "bilan-depot.html"

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# The same documents whatever the number of processes: it only changes the time.
DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))


class _Parser(argparse.ArgumentParser):
    """argparse with its messages in French and exit code 2 on bad usage."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog} : erreur : {_french(message)}", file=sys.stderr)
        sys.exit(EXIT_USAGE)

    def format_usage(self) -> str:
        return _french(super().format_usage())

    def format_help(self) -> str:
        return _french(super().format_help())


_ARGPARSE_FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments:": "arguments :",
    "options:": "options :",
    "the following arguments are required: ": "arguments obligatoires manquants : ",
    "unrecognized arguments: ": "arguments inconnus : ",
    "invalid choice: ": "choix invalide : ",
    "choose from": "choix possibles :",
    "expected one argument": "une valeur est attendue",
    "argument COMMANDE: ": "COMMANDE : ",
}


def _french(message: str) -> str:
    for english, french in _ARGPARSE_FRENCH.items():
        message = message.replace(english, french)
    message = re.sub(r"invalid (\w+) value: '([^']*)'", _invalid_value, message)
    return re.sub(r"\bargument (\S+): ", r"\1 : ", message)


def _invalid_value(match: re.Match[str]) -> str:
    kind = {"int": "nombre entier", "float": "nombre"}.get(match[1], "valeur")
    return f"attendu un {kind}, reçu « {match[2]} »"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="proceedings",
        description="Des notes des rapporteurs aux actes de la Rencontre (DOCX, PDF, HTML).",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="affiche la trace Python complète en cas d’erreur interne",
    )
    commands = parser.add_subparsers(dest="commande", metavar="COMMANDE", parser_class=_Parser)

    b = commands.add_parser(
        "build",
        help="construit la synthèse",
        add_help=False,
        description="Construit la synthèse (DOCX, PDF, HTML) d’un dossier d’événement.",
    )
    _common(b, "dossier des documents produits (défaut : output)")
    b.add_argument(
        "--formats",
        metavar="LISTE",
        default=",".join(FORMATS),
        help="formats séparés par des virgules parmi docx, pdf, html, fiches (défaut : tous)",
    )
    b.add_argument(
        "--actes",
        metavar="LISTE",
        help="formats des actes intégraux parmi docx, pdf, html, ou « aucun » (défaut : ceux "
        "de --formats)",
    )
    b.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        metavar="N",
        help="nombre de processus pour l’analyse et de conversions menées de front (défaut : "
        f"{DEFAULT_JOBS}, le nombre de processeurs, au plus 4)",
    )
    b.add_argument("--mesures", type=Path, metavar="FICHIER", help=argparse.SUPPRESS)
    b.add_argument(
        "--forcer",
        action="store_true",
        help="tout refaire, même si rien n’a changé depuis la dernière construction",
    )
    b.add_argument(
        "--archivage",
        action="store_true",
        help="PDF au standard d’archivage PDF/A-2b (en plus de PDF/UA-1, accessible)",
    )

    c = commands.add_parser(
        "check",
        help="bilan du dépôt des notes, sans construire la synthèse",
        add_help=False,
        description="Lit le programme et les notes, affiche le bilan de dépôt et l’écrit "
        "dans bilan-depot.html, sans construire la synthèse.",
    )
    _common(c, "dossier où écrire bilan-depot.html (défaut : output)")

    ap = commands.add_parser(
        "apercu",
        help="la synthèse dans le navigateur, mise à jour à chaque changement",
        add_help=False,
        description="Sert la synthèse en HTML sur cet ordinateur (127.0.0.1 seulement), "
        "l’ouvre dans le navigateur, et la reconstruit à chaque changement d’une note, du "
        "programme ou d’un gabarit : la page se recharge d’elle-même. Ctrl-C l’arrête.",
    )
    _common(ap, "dossier de l’aperçu (défaut : output/apercu)")
    ap.set_defaults(sortie=Path("output") / "apercu")
    ap.add_argument(
        "--port", type=int, default=8000, metavar="N", help="port local (défaut : 8000)"
    )
    ap.add_argument(
        "--sans-navigateur",
        action="store_true",
        help="ne pas ouvrir le navigateur (l’adresse est affichée)",
    )

    pub = commands.add_parser(
        "publier",
        help="la version à diffuser, refusée tant qu’il reste à faire",
        add_help=False,
        description="Construit la version à diffuser (sans filigrane ni marque « à relire », "
        "PDF/A-2b et PDF/UA-1, fichiers nommés d’après l’événement et son année, actes "
        "intégraux à côté, publication.json avec l’empreinte SHA-256 de chaque fichier) ; "
        "refuse, avec la liste de ce qui reste, tant qu’une note n’est pas « valide », qu’un "
        "texte choisi automatiquement n’est pas déclaré relu ou que le dépôt a une erreur.",
    )
    _common(pub, "dossier de la publication (défaut : publication)")
    pub.set_defaults(sortie=Path("publication"))
    pub.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"conversions menées de front (défaut : {DEFAULT_JOBS})",
    )

    k = _folder_command(
        commands,
        "motscles",
        "mots-clés de chaque fichier .txt d’un dossier",
        "Classe les mots-clés de chaque fichier .txt du DOSSIER (chaque texte comparé aux "
        "autres) et écrit {identifiant: [mots-clés, du meilleur au moins bon]} en JSON ; "
        "l’identifiant est le nom du fichier sans .txt.",
    )
    k.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="nombre de mots-clés par texte (défaut : 10)",
    )
    r = _folder_command(
        commands,
        "resume",
        "compte rendu condensé de chaque fichier .txt d’un dossier",
        "Condense chaque fichier .txt du DOSSIER, seul (libellés d’intervenants tels que "
        "« M. CHIRAC : » reconnus), en au plus N mots de phrases dites ou écrites, chacune "
        "avec qui parle, et écrit {identifiant: texte} en JSON ; l’identifiant est le nom du "
        "fichier sans .txt.",
    )
    r.add_argument(
        "--mots",
        type=int,
        default=300,
        metavar="N",
        help="nombre de mots au plus par compte rendu, libellés compris (défaut : 300)",
    )
    return parser


def _folder_command(
    commands: Any, name: str, summary: str, description: str
) -> argparse.ArgumentParser:
    """A command over the .txt files of a folder, writing JSON (``motscles``, ``resume``)."""
    p: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, add_help=False, description=description
    )
    p.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    p.add_argument("dossier", metavar="DOSSIER", type=Path, help="dossier des fichiers .txt")
    p.add_argument(
        "--json", type=Path, required=True, metavar="FICHIER", help="fichier JSON à écrire"
    )
    p.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="affiche la trace Python complète en cas d’erreur interne",
    )
    return p


def _common(p: argparse.ArgumentParser, output_help: str) -> None:
    p.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    p.add_argument(
        "dossier",
        metavar="DOSSIER",
        nargs="?",
        type=Path,
        default=Path("transcripts"),
        help="dossier de l’événement, avec programme.yaml (défaut : transcripts)",
    )
    p.add_argument(
        "--strict", action="store_true", help="les avertissements deviennent des erreurs"
    )
    p.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="affiche la trace Python complète en cas d’erreur interne",
    )
    p.add_argument("--sortie", metavar="DIR", type=Path, default=Path("output"), help=output_help)
    p.add_argument(
        "--attente",
        metavar="SECONDES",
        type=_seconds,
        default=600,
        help="si une autre construction écrit dans le même dossier de sortie, "
        "l’attendre au plus ce temps (défaut : 600)",
    )
    p.add_argument(
        "--gabarits",
        metavar="DIR",
        type=Path,
        default=TEMPLATES,
        help="dossier des gabarits (défaut : templates du projet)",
    )


def _seconds(text: str) -> float:
    """A waiting time in seconds: a finite number between 0 and a day."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= MAX_WAIT):
        raise argparse.ArgumentTypeError(
            f"attendu un nombre de secondes entre 0 et {MAX_WAIT:.0f}, reçu « {text} »"
        )
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; Ctrl-C (or SIGINT to this process) ends it with code 130, after the
    processes it started are stopped: none of them replaces a document afterwards."""
    previous = signal.getsignal(signal.SIGINT)
    interrupted = False

    def interrupt(signum: int, frame: object) -> None:
        nonlocal interrupted
        interrupted = True
        raise KeyboardInterrupt

    in_main_thread = _main_thread()
    if in_main_thread:
        signal.signal(signal.SIGINT, interrupt)
        _quiet_children()
    os.environ[faults.MAIN] = str(os.getpid())
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return _interrupted()
    except BaseException:
        if interrupted:  # the interruption surfaced as another error (a broken pool…)
            return _interrupted()
        raise
    finally:
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


_CHILDREN_QUIET = False


def _quiet_children() -> None:
    """Processes forked by a build leave Ctrl-C to the main process, which stops them: no
    traceback from a child, and no child goes on to replace a document. (Programs they run,
    pandoc or Typst, get the signal's default action back when they start.)"""
    global _CHILDREN_QUIET
    if not _CHILDREN_QUIET and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_ignore_interrupt)
        _CHILDREN_QUIET = True


def _ignore_interrupt() -> None:
    if os.environ.get(faults.MAIN) != str(os.getpid()):
        signal.signal(signal.SIGINT, _nothing)


def _nothing(signum: int, frame: object) -> None:
    """A Python handler, not SIG_IGN: programs started by a child do not inherit it."""


def _interrupted() -> int:
    """Stop every process the build started, then say so: code 130."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C does not cut this short
    try:
        schedule.stop_all()
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    print("interrompu : les documents précédents restent entiers.", file=sys.stderr)
    return EXIT_INTERRUPTED


def _output_problem(event: Path, out: Path) -> str:
    """Why ``out`` cannot be the output folder of ``event`` ("" when it can)."""
    here, there = event.resolve(), out.resolve()
    if there == here or there.is_relative_to(here):
        return (
            f"--sortie : « {out} » est dans le dossier de l’événement « {event} », qui ne "
            "reçoit jamais de fichier produit ; choisissez un dossier à côté (par exemple "
            "output)"
        )
    if here.is_relative_to(there):
        return (
            f"--sortie : « {out} » contient le dossier de l’événement « {event} » ; "
            "choisissez un dossier à part (par exemple output)"
        )
    if out.exists() and not out.is_dir():
        return f"--sortie : « {out} » existe et n’est pas un dossier"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        return f"--sortie : impossible d’écrire dans « {out} » ({system_message(exc)})"
    return ""


def _jobs(requested: int) -> int:
    """``--jobs``, capped by the processors and the memory available (with a notice)."""
    processors, memory = os.cpu_count(), available_memory()
    bound = jobs_bound(processors, memory)
    if requested <= bound:
        return requested
    available = f", {size_text(memory)} de mémoire disponible" if memory is not None else ""
    print(
        f"--jobs {requested} ramené à {bound} ({processors or 1} processeur"
        f"{'s' if (processors or 1) > 1 else ''}{available})",
        file=sys.stderr,
    )
    return bound


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.commande is None:
        _parser().print_help()
        return EXIT_USAGE
    diag = Diagnostics()
    try:
        if not args.dossier.is_dir():
            print(f"{args.dossier} : dossier introuvable", file=sys.stderr)
            return EXIT_USAGE
        if args.commande == "motscles":
            return _keyphrases(args)
        if args.commande == "resume":
            return _condensed(args)
        if unusable := _output_problem(args.dossier, args.sortie):
            print(unusable, file=sys.stderr)
            return EXIT_USAGE
        if args.commande == "build":
            formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
            unknown = [f for f in formats if f not in FORMATS]
            if unknown or not formats:
                print(
                    f"--formats : format inconnu « {', '.join(unknown)} » (formats : "
                    f"{', '.join(FORMATS)})",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            actes = _proceedings_formats(args.actes)
            if isinstance(actes, str):
                print(actes, file=sys.stderr)
                return EXIT_USAGE
            standards = PDF_ARCHIVE if args.archivage else PDF_UA
            if args.jobs < 1:
                print("--jobs : attendu un nombre entier positif", file=sys.stderr)
                return EXIT_USAGE
            args.jobs = _jobs(args.jobs)
            with output_lock(args.sortie, args.attente, _notify):
                result = _build(args, formats, actes, standards, diag)
            if args.mesures:  # for bench/performance.py: seconds per stage
                atomic_write(args.mesures, json.dumps(result.timings))
            diag.extend(result.replayed)
            _report(diag)
            if result.up_to_date:
                print(
                    f"La synthèse est à jour ({args.sortie}/) : rien n’a changé depuis la "
                    "dernière construction."
                )
            for path in () if result.up_to_date else result.outputs:
                print(f"écrit : {path}")
            if result.pages is not None:
                print(result.pages.said())
        elif args.commande == "apercu":
            return _preview(args)
        elif args.commande == "publier":
            from proceedings.export.publish import NotReady, publish

            if args.jobs < 1:
                print("--jobs : attendu un nombre entier positif", file=sys.stderr)
                return EXIT_USAGE
            try:
                with output_lock(args.sortie, args.attente, _notify):
                    published = publish(
                        args.dossier,
                        args.sortie,
                        diag,
                        args.gabarits,
                        _jobs(args.jobs),
                        args.strict,
                    )
            except NotReady as exc:
                _report(diag)
                print(f"erreur : {exc}", file=sys.stderr)
                return EXIT_INPUT
            _report(diag)
            for path in (*published.files, published.manifest):
                print(f"publié : {path}")
        else:
            from proceedings.build import check
            from proceedings.read import deposit

            with output_lock(args.sortie, args.attente, _notify):
                report = check(args.dossier, args.sortie, diag, args.gabarits)
            _report(diag)
            print(deposit.as_text(report), end="")
            print(f"Bilan écrit dans {args.sortie / REPORT}")
    except ProgrammeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{exc.path} : programme invalide, rien n’a été produit.", file=sys.stderr)
        return EXIT_INPUT
    except ProceedingsError as exc:
        _report(diag)
        print(f"erreur : {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        raise  # handled by main(), which stops the processes started
    except OSError as exc:  # the system refused a write: disk full, permissions…
        _report(diag)
        where = f"{exc.filename}: " if exc.filename else ""
        print(
            f"erreur : {where}{system_message(exc)} ; les documents précédents restent entiers",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except Exception as exc:  # only here: a bug must still end with a French message
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            print(
                f"erreur interne : {exc.__class__.__name__}: {exc} (relancez avec --debug "
                "pour la trace complète)",
                file=sys.stderr,
            )
        return EXIT_INPUT
    if diag.errors or (args.strict and diag.warnings):
        print(_summary(diag, args.strict), file=sys.stderr)
        return EXIT_INPUT
    return EXIT_OK


def _proceedings_formats(value: str | None) -> tuple[str, ...] | str | None:
    """The formats ``--actes`` asks for (None: not given), or what is wrong with them."""
    if value is None:
        return None
    formats = tuple(f.strip().lower() for f in value.split(",") if f.strip())
    if formats == ("aucun",):
        return ()
    possible = [f for f in FORMATS if f != "fiches"]
    unknown = [f for f in formats if f not in possible]
    if unknown or not formats:
        return (
            f"--actes : format inconnu « {', '.join(unknown)} » (formats : "
            f"{', '.join(possible)}, ou aucun)"
        )
    return formats


def _build(
    args: argparse.Namespace,
    formats: tuple[str, ...],
    actes: tuple[str, ...] | None,
    standards: tuple[str, ...],
    diag: Diagnostics,
) -> Any:
    """The build, or the last build's result when nothing it reads has changed (checked
    here, before the stages and their libraries are imported)."""
    digest = uptodate.fingerprint(args.dossier, args.gabarits, formats, standards, actes)
    if not args.forcer and (previous := uptodate.unchanged(args.sortie, digest)) is not None:
        return _UpToDate(previous[0], previous[1])
    from proceedings.build import build

    return build(
        args.dossier,
        args.sortie,
        formats,
        diag,
        args.gabarits,
        pdf_standards=standards,
        jobs=args.jobs,
        progress=Progress(),
        force=True,
        fingerprint=digest,
        actes=actes,
    )


@dataclass(frozen=True, slots=True)
class _UpToDate:
    """What the command line needs of a build that had nothing to do."""

    outputs: tuple[Path, ...]
    replayed: tuple[Any, ...]
    timings: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = True
    pages: None = None  # nothing was measured: nothing was built


def _texts(folder: Path) -> list[Path]:
    """The .txt files of a folder, in order (told when there are none)."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        print(f"{folder} : aucun fichier .txt", file=sys.stderr)
    return files


def _keyphrases(args: argparse.Namespace) -> int:
    """Each .txt file of a folder ranked on its own, contrasted with the others."""
    files = _texts(args.dossier)
    if not files:
        return EXIT_USAGE
    if args.top < 1:
        print("--top : attendu un nombre entier positif", file=sys.stderr)
        return EXIT_USAGE
    from proceedings.analyse.analysis import Analyser
    from proceedings.analyse.tagging import keyphrases_of_texts
    from proceedings.analyse.vocabulary import Vocabulary
    from proceedings.export import convert
    from proceedings.read.readers.decode import decode

    texts, ids = [], []
    for path in files:
        try:
            texts.append(decode(path.read_bytes(), str(path))[0])
            ids.append(path.stem)
        except SourceError as exc:
            print(f"{exc}, fichier ignoré", file=sys.stderr)
    analyser = Analyser(Vocabulary(()), meeting=False)
    ranked = keyphrases_of_texts(texts, analyser, args.top)
    document = json.dumps(dict(zip(ids, ranked, strict=True)), ensure_ascii=False, indent=1)
    convert.write_text(args.json, document + "\n")
    print(f"{len(ids)} textes, mots-clés écrits dans {args.json}")
    return EXIT_INPUT if len(ids) < len(files) else EXIT_OK


def _condensed(args: argparse.Namespace) -> int:
    """Each .txt file of a folder condensed on its own."""
    files = _texts(args.dossier)
    if not files:
        return EXIT_USAGE
    if args.mots < 20:
        print("--mots : attendu un nombre entier d’au moins 20 mots", file=sys.stderr)
        return EXIT_USAGE
    from proceedings.export import convert
    from proceedings.read.readers import text
    from proceedings.select.condense import as_text, condense_note
    from proceedings.support.limits import MAX_NOTE
    from proceedings.support.safeio import read_input

    out: dict[str, str] = {}
    for path in files:
        local = Diagnostics()
        try:
            data = read_input(path, str(path), MAX_NOTE, "fichier")
            note = text.read(data, path.name, str(path), local)
        except SourceError as exc:
            print(f"{exc}, fichier ignoré", file=sys.stderr)
            continue
        out[path.stem] = as_text(condense_note(note, args.mots, local).extracts)
        _report(local)
    convert.write_text(args.json, json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(out)} textes condensés en au plus {args.mots} mots, écrits dans {args.json}")
    return EXIT_INPUT if len(out) < len(files) else EXIT_OK


def _notify(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _preview(args: argparse.Namespace) -> int:
    """Serve the synthesis and build it again at each change, until Ctrl-C."""
    import threading
    import webbrowser

    from proceedings import preview

    if not 0 <= args.port <= 65535:
        print("--port : attendu un nombre entre 0 et 65535", file=sys.stderr)
        return EXIT_USAGE
    state = preview.State()
    stop = threading.Event()
    with output_lock(args.sortie, args.attente, _notify):
        try:
            server = preview.serve(state, args.port)
        except OSError as exc:
            print(f"--port : le port {args.port} est pris ({system_message(exc)})", file=sys.stderr)
            return EXIT_USAGE
        url = f"http://{preview.HOST}:{server.server_address[1]}/"
        print(f"Aperçu : {url} (Ctrl-C pour l’arrêter)", flush=True)
        try:
            for n, _ in enumerate(preview.changes((args.dossier, args.gabarits), stop)):
                preview.rebuild(args.dossier, args.sortie, state, args.gabarits, _report)
                if state.failure:
                    print(
                        f"erreur : {state.failure} ; la page montre la construction précédente.",
                        file=sys.stderr,
                        flush=True,
                    )
                print(f"Aperçu mis à jour ({state.version}).", flush=True)
                if n == 0 and not args.sans_navigateur:
                    webbrowser.open(url)
        except KeyboardInterrupt:
            pass  # the way an editor stops the preview
        finally:
            if _main_thread():  # a second Ctrl-C does not cut the stop short
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            stop.set()
            server.shutdown()
            server.server_close()
    print("Aperçu arrêté.", flush=True)
    return EXIT_OK


def _report(diag: Diagnostics) -> None:
    for d in diag:
        print(d, file=sys.stderr)


def _summary(diag: Diagnostics, strict: bool) -> str:
    e, w = len(diag.errors), len(diag.warnings)
    parts = [f"{e} erreur{'s' if e > 1 else ''}"]
    if strict:
        parts.append(f"{w} avertissement{'s' if w > 1 else ''} (--strict)")
    return "terminé avec " + " et ".join(parts) + "."


if __name__ == "__main__":
    sys.exit(main())
