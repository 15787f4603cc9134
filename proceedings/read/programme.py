"""Load and validate the event's programme file (``programme.yaml``) into an ``Event``.

Every problem is collected before giving up, each with the file, the line and the key path
(``sessions[3].debut : attendu HH:MM, reçu « 9h »``; list positions count from 1, as an
editor counts). Unknown keys are warnings, so that a typo never goes unnoticed.

Scalars are read from YAML's composed nodes, as written: ``9:15`` stays a time and is not
turned into a YAML 1.1 sexagesimal number, ``non`` stays text.

The file comes from the event folder and is read as hostile input: read only if it is a
regular file of at most :data:`MAX_PROGRAMME_BYTES`, composed with the bounds of
:mod:`proceedings.support.yamlfr` (depth, aliases), and every list and text is bounded (the
``MAX_…`` constants below, far above any real event); a programme over a bound is refused
with the key path, as any other error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from proceedings.errors import Diagnostic, ProgrammeError, Severity, SourceError
from proceedings.model import (
    DEFAULT_PAGES,
    Event,
    Focus,
    Person,
    Reference,
    Session,
    SessionKind,
    Tool,
    Workshop,
)
from proceedings.support import safeio, yamlfr
from proceedings.support.yamlfr import excerpt

T = TypeVar("T")

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
FOOTNOTE_RE = re.compile(r"\[\^([^\]\s]+)\]")

# Bounds no real event reaches (the demo: 8 sessions, 6 ateliers, 5 speakers in a session,
# 4 references, no text over 1 500 characters); over one, the programme is refused.
MAX_PROGRAMME_BYTES = 2 * safeio.MIB  # size of programme.yaml
MAX_SESSIONS = 200  # sessions
MAX_WORKSHOPS = 100  # ateliers of one session
MAX_PEOPLE = 200  # intervenants of one session, of one éclairage or introduction
MAX_REFERENCES = 500  # references
MAX_ITEMS = 200  # any other list: eclairages, outils, partenaires, alias
MAX_TEXT = 20_000  # characters of any text (titre, description, introduction, texte…)
# characters of the event's reseau, titre, theme and organisateur: they make the documents'
# properties too (a DOCX title, subject or author holds at most 255 characters)
MAX_HEADING = 120
MAX_NUMBER_DIGITS = 9  # edition, participants
MIN_PAGES, MAX_PAGES = 4, 2000  # bounds of a synthesis's page budget


@dataclass(frozen=True, slots=True)
class _Node:
    """A YAML value with the line it starts on (1-based)."""

    value: Any  # str for scalars, list[_Node], or dict[str, _Node]
    line: int
    tag: str = ""


class _Checker:
    """Collects problems while the programme is turned into dataclasses."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Diagnostic] = []

    def error(self, node: _Node | None, key: str, message: str) -> None:
        self.problems.append(
            Diagnostic(Severity.ERROR, _at(key, message), self.path, node.line if node else None)
        )

    def warning(self, node: _Node | None, key: str, message: str) -> None:
        self.problems.append(
            Diagnostic(Severity.WARNING, _at(key, message), self.path, node.line if node else None)
        )

    # -- structure ---------------------------------------------------------------------
    def mapping(
        self, node: _Node, key: str, fields: dict[str, Any], required: tuple[str, ...]
    ) -> dict[str, _Node] | None:
        """Check that node is a mapping with the required keys; warn about unknown keys."""
        if not isinstance(node.value, dict):
            self.error(node, key, f"attendu un ensemble de clés, reçu {_describe(node)}")
            return None
        items: dict[str, _Node] = node.value
        for name in required:
            if name not in items or _is_empty(items[name]):
                self.error(node, _join(key, name), "clé obligatoire absente")
        for name, child in items.items():
            if name not in fields:
                self.warning(child, _join(key, excerpt(name)), yamlfr.unknown_key(name, fields))
        return items

    def sequence(
        self,
        node: _Node | None,
        key: str,
        item: Callable[[_Node, str], T | None],
        limit: int = MAX_ITEMS,
    ) -> tuple[T, ...]:
        """The items of a list, at most ``limit`` (a longer list is an error)."""
        if node is None or _is_empty(node):
            return ()
        if not isinstance(node.value, list):
            self.error(node, key, f"attendu une liste, reçu {_describe(node)}")
            return ()
        if len(node.value) > limit:
            self.error(node, key, yamlfr.too_long(len(node.value), limit))
        out = []
        for i, child in enumerate(node.value[:limit], start=1):
            value = item(child, f"{key}[{i}]")
            if value is not None:
                out.append(value)
        return tuple(out)

    # -- scalars -----------------------------------------------------------------------
    def text(self, node: _Node | None, key: str, limit: int = MAX_TEXT) -> str:
        if node is None or _is_empty(node):
            return ""
        if not isinstance(node.value, str):
            self.error(node, key, f"attendu un texte, reçu {_describe(node)}")
            return ""
        value = node.value.strip()
        if len(value) > limit:
            self.error(
                node,
                key,
                f"texte trop long ({safeio.count_text(len(value))} caractères ; "
                f"au plus {safeio.count_text(limit)})",
            )
            return ""
        return value

    def integer(self, node: _Node | None, key: str) -> int:
        raw = self.text(node, key)
        if raw and not re.fullmatch(r"\d+", raw):
            self.error(node, key, f"attendu un nombre entier, reçu « {excerpt(raw)} »")
            return 0
        if len(raw) > MAX_NUMBER_DIGITS:
            self.error(
                node,
                key,
                f"nombre trop grand « {excerpt(raw)} » (au plus {MAX_NUMBER_DIGITS} chiffres)",
            )
            return 0
        return int(raw) if raw else 0

    def boolean(self, node: _Node | None, key: str) -> bool:
        raw = self.text(node, key).lower()
        if raw in ("", "false", "non", "no"):
            return False
        if raw in ("true", "oui", "yes"):
            return True
        self.error(node, key, f"attendu true ou false, reçu « {excerpt(raw)} »")
        return False

    def date(self, node: _Node | None, key: str) -> dt.date | None:
        raw = self.text(node, key)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.error(node, key, f"attendu une date AAAA-MM-JJ, reçu « {excerpt(raw)} »")
            return None

    def time(self, node: _Node | None, key: str) -> dt.time | None:
        raw = self.text(node, key)
        if not raw:
            return None
        match = TIME_RE.match(raw)
        if not match:
            self.error(node, key, f"attendu HH:MM, reçu « {excerpt(raw)} »")
            return None
        return dt.time(int(match[1]), int(match[2]))

    def identifier(self, node: _Node | None, key: str) -> str:
        raw = self.text(node, key)
        if raw and not ID_RE.match(raw):
            self.error(
                node,
                key,
                f"identifiant « {excerpt(raw)} » invalide (attendu : minuscules sans accents, "
                "chiffres et tirets, comme un nom de dossier)",
            )
        return raw

    def texts(self, node: _Node | None, key: str) -> tuple[str, ...]:
        return tuple(t for t in self.sequence(node, key, self.text) if t)

    def people(self, node: _Node | None, key: str) -> tuple[Person, ...]:
        return self.sequence(node, key, lambda n, k: _person(self, n, k), MAX_PEOPLE)


def load_programme(path: Path, shown: str | None = None) -> tuple[Event, list[Diagnostic]]:
    """Read and validate a programme file.

    Returns the event and the warnings; raises ``ProgrammeError`` with every problem when
    the file cannot be used.
    """
    shown = shown or str(path)
    try:
        raw = safeio.read_input(path, shown, MAX_PROGRAMME_BYTES, "fichier de programme")
    except SourceError as exc:
        message = exc.message  # (it stops the build: not "ignoré" as a note would be)
        if not os.path.lexists(path):
            message = "fichier de programme introuvable"
        raise ProgrammeError(shown, [Diagnostic(Severity.ERROR, message, shown)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProgrammeError(
            shown,
            [
                Diagnostic(
                    Severity.ERROR,
                    "le fichier n’est pas en UTF-8 ; enregistrez-le en UTF-8 depuis votre éditeur",
                    shown,
                    line,
                )
            ],
        ) from None
    root = _compose(text, shown)
    checker = _Checker(shown)
    event = _event(checker, root)
    errors = [p for p in checker.problems if p.severity is Severity.ERROR]
    if errors or event is None:
        raise ProgrammeError(shown, checker.problems)
    return event, [p for p in checker.problems if p.severity is Severity.WARNING]


# -- YAML ------------------------------------------------------------------------------


def _compose(text: str, shown: str) -> _Node:
    try:
        node = yamlfr.compose(text, MAX_PROGRAMME_BYTES)
    except yamlfr.Refused as exc:
        message = (
            f"erreur de syntaxe YAML : {exc.problem}"
            if exc.syntax
            else f"{exc.problem}, fichier refusé"
        )
        raise ProgrammeError(
            shown, [Diagnostic(Severity.ERROR, message, shown, exc.line)]
        ) from None
    if node is None:
        raise ProgrammeError(
            shown, [Diagnostic(Severity.ERROR, "fichier de programme vide", shown)]
        )
    problems: list[Diagnostic] = []
    tree = _convert(node, shown, problems)
    if problems:
        raise ProgrammeError(shown, problems)
    return tree


def _convert(node: yaml.Node, shown: str, problems: list[Diagnostic]) -> _Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        items: dict[str, _Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Diagnostic(
                        Severity.ERROR,
                        "clé non valide : une liste ou un ensemble de clés ne peut pas "
                        "servir de clé",
                        shown,
                        key_node.start_mark.line + 1,
                    )
                )
                continue
            key = str(key_node.value)
            if key in items:
                problems.append(
                    Diagnostic(
                        Severity.ERROR,
                        f"clé « {excerpt(key)} » répétée",
                        shown,
                        key_node.start_mark.line + 1,
                    )
                )
            items[key] = _convert(value_node, shown, problems)
        return _Node(items, line, node.tag)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_convert(v, shown, problems) for v in node.value], line, node.tag)
    value = node.value
    if node.tag == "tag:yaml.org,2002:null" and value in ("", "~", "null", "Null", "NULL"):
        value = ""
    return _Node(str(value), line, node.tag)


# -- the programme's shape ---------------------------------------------------------------

_PERSON = {
    "nom": 1,
    "role": 1,
    "organisation": 1,
    "question": 1,
    "represente": 1,
    "alias": 1,
    "anonyme": 1,
}
_FOCUS = {"titre": 1, "organisation": 1, "intervenants": 1}
_WORKSHOP = {"id": 1, "titre": 1, "partenaires": 1, "description": 1}
_TOOL = {"nom": 1, "porteur": 1, "description": 1}
_SESSION = {
    "id": 1,
    "type": 1,
    "titre": 1,
    "debut": 1,
    "fin": 1,
    "description": 1,
    "intervenants": 1,
    "animateur": 1,
    "eclairages": 1,
    "introduction": 1,
    "ateliers": 1,
    "partenaires": 1,
    "participants": 1,
    "outils": 1,
    "animation": 1,
    "restitution": 1,
    "anonyme": 1,
}
_EVENT = {
    "exemple": 1,
    "reseau": 1,
    "edition": 1,
    "titre": 1,
    "theme": 1,
    "date": 1,
    "debut": 1,
    "fin": 1,
    "lieu": 1,
    "adresse": 1,
    "organisateur": 1,
    "introduction": 1,
    "partenaires": 1,
    "references": 1,
    "sessions": 1,
    "participants": 1,
    "synthese": 1,
}
_SYNTHESIS = {"pages": 1}
_EVENT_REQUIRED = (
    "reseau",
    "edition",
    "titre",
    "theme",
    "date",
    "debut",
    "fin",
    "lieu",
    "adresse",
    "organisateur",
    "sessions",
)


def _person(c: _Checker, node: _Node, key: str) -> Person | None:
    if isinstance(node.value, str):  # a bare name is accepted: "- Hélène VALADE"
        return Person(nom=c.text(node, key)) if node.value.strip() else None
    f = c.mapping(node, key, _PERSON, ("nom",))
    if f is None:
        return None
    return Person(
        nom=c.text(f.get("nom"), _join(key, "nom")),
        role=c.text(f.get("role"), _join(key, "role")),
        organisation=c.text(f.get("organisation"), _join(key, "organisation")),
        question=c.text(f.get("question"), _join(key, "question")),
        represente=c.text(f.get("represente"), _join(key, "represente")),
        alias=c.texts(f.get("alias"), _join(key, "alias")),
        anonyme=c.boolean(f.get("anonyme"), _join(key, "anonyme")),
    )


def _focus(c: _Checker, node: _Node, key: str) -> Focus | None:
    f = c.mapping(node, key, _FOCUS, ("titre",))
    if f is None:
        return None
    return Focus(
        titre=c.text(f.get("titre"), _join(key, "titre")),
        organisation=c.text(f.get("organisation"), _join(key, "organisation")),
        intervenants=c.people(f.get("intervenants"), _join(key, "intervenants")),
    )


def _workshop(c: _Checker, node: _Node, key: str) -> Workshop | None:
    f = c.mapping(node, key, _WORKSHOP, ("id", "titre"))
    if f is None:
        return None
    return Workshop(
        id=c.identifier(f.get("id"), _join(key, "id")),
        titre=c.text(f.get("titre"), _join(key, "titre")),
        partenaires=c.texts(f.get("partenaires"), _join(key, "partenaires")),
        description=c.text(f.get("description"), _join(key, "description")),
    )


def _tool(c: _Checker, node: _Node, key: str) -> Tool | None:
    f = c.mapping(node, key, _TOOL, ("nom",))
    if f is None:
        return None
    return Tool(
        nom=c.text(f.get("nom"), _join(key, "nom")),
        porteur=c.text(f.get("porteur"), _join(key, "porteur")),
        description=c.text(f.get("description"), _join(key, "description")),
    )


def _kind(c: _Checker, node: _Node | None, key: str) -> SessionKind | None:
    raw = c.text(node, key)
    if not raw:
        return None
    try:
        return SessionKind(raw)
    except ValueError:
        known = ", ".join(k.value for k in SessionKind)
        c.error(node, key, f"type de session inconnu « {excerpt(raw)} » (attendu : {known})")
        return None


def _session(c: _Checker, node: _Node, key: str) -> Session | None:
    f = c.mapping(node, key, _SESSION, ("id", "type", "titre", "debut"))
    if f is None:
        return None
    g = f.get
    session_id = c.identifier(g("id"), _join(key, "id"))
    kind = _kind(c, g("type"), _join(key, "type"))
    debut = c.time(g("debut"), _join(key, "debut"))
    fin = c.time(g("fin"), _join(key, "fin"))
    if debut and fin and fin <= debut:
        c.error(g("fin"), _join(key, "fin"), "l’heure de fin précède l’heure de début")
    animateur = g("animateur")
    introduction = g("introduction")
    ateliers = c.sequence(
        g("ateliers"), _join(key, "ateliers"), lambda n, k: _workshop(c, n, k), MAX_WORKSHOPS
    )
    _unique(c, g("ateliers"), _join(key, "ateliers"), [w.id for w in ateliers], "atelier")
    if kind is None or debut is None or not session_id:
        return None
    return Session(
        id=session_id,
        type=kind,
        titre=c.text(g("titre"), _join(key, "titre")),
        debut=debut,
        fin=fin,
        description=c.text(g("description"), _join(key, "description")),
        intervenants=c.people(g("intervenants"), _join(key, "intervenants")),
        animateur=_person(c, animateur, _join(key, "animateur")) if animateur else None,
        eclairages=c.sequence(
            g("eclairages"), _join(key, "eclairages"), lambda n, k: _focus(c, n, k)
        ),
        introduction=(
            _focus(c, introduction, _join(key, "introduction")) if introduction else None
        ),
        ateliers=ateliers,
        partenaires=c.texts(g("partenaires"), _join(key, "partenaires")),
        participants=c.text(g("participants"), _join(key, "participants")),
        outils=c.sequence(g("outils"), _join(key, "outils"), lambda n, k: _tool(c, n, k)),
        animation=c.text(g("animation"), _join(key, "animation")),
        restitution=c.text(g("restitution"), _join(key, "restitution")),
        anonyme=c.boolean(g("anonyme"), _join(key, "anonyme")),
    )


def _reference(c: _Checker, node: _Node, key: str) -> Reference | None:
    f = c.mapping(node, key, {"id": 1, "texte": 1}, ("id", "texte"))
    if f is None:
        return None
    return Reference(
        id=c.identifier(f.get("id"), _join(key, "id")),
        texte=c.text(f.get("texte"), _join(key, "texte")),
    )


def _event(c: _Checker, root: _Node) -> Event | None:
    f = c.mapping(root, "", _EVENT, _EVENT_REQUIRED)
    if f is None:
        return None
    g = f.get
    sessions_node = g("sessions")
    sessions = c.sequence(sessions_node, "sessions", lambda n, k: _session(c, n, k), MAX_SESSIONS)
    if sessions_node is not None and not _is_empty(sessions_node) and not sessions:
        c.error(sessions_node, "sessions", "aucune session valide")
    _unique(c, g("sessions"), "sessions", [s.id for s in sessions], "session")
    for before, after in itertools.pairwise(sessions):
        if after.debut < before.debut:
            c.warning(
                g("sessions"),
                "sessions",
                f"« {after.id} » ({after.debut:%H:%M}) "
                f"commence avant « {before.id} » ({before.debut:%H:%M}) : "
                "les sessions sont publiées dans l’ordre du fichier",
            )
    references = c.sequence(
        g("references"), "references", lambda n, k: _reference(c, n, k), MAX_REFERENCES
    )
    _unique(c, g("references"), "references", [r.id for r in references], "référence")
    introduction = c.text(g("introduction"), "introduction")
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", introduction) if p.strip())
    edition = c.integer(g("edition"), "edition")
    date = c.date(g("date"), "date")
    debut = c.time(g("debut"), "debut")
    fin = c.time(g("fin"), "fin")
    _check_citations(c, g, paragraphs, sessions, references)
    if date is None or debut is None or fin is None:
        return None
    return Event(
        reseau=c.text(g("reseau"), "reseau", MAX_HEADING),
        edition=edition,
        titre=c.text(g("titre"), "titre", MAX_HEADING),
        theme=c.text(g("theme"), "theme", MAX_HEADING),
        date=date,
        debut=debut,
        fin=fin,
        lieu=c.text(g("lieu"), "lieu"),
        adresse=c.text(g("adresse"), "adresse"),
        organisateur=c.text(g("organisateur"), "organisateur", MAX_HEADING),
        introduction=paragraphs,
        sessions=sessions,
        references=references,
        partenaires=c.texts(g("partenaires"), "partenaires"),
        exemple=c.boolean(g("exemple"), "exemple"),
        participants=c.integer(g("participants"), "participants") or None,
        pages=_pages(c, g("synthese")),
    )


def _pages(c: _Checker, node: _Node | None) -> int:
    """The page budget of the session chapters: ``synthese: {pages: N}``, else the default
    (about 40 pages for the eight times of a one-day event)."""
    default = DEFAULT_PAGES
    if node is None or _is_empty(node):
        return default
    f = c.mapping(node, "synthese", _SYNTHESIS, ())
    if f is None or f.get("pages") is None:
        return default
    pages = c.integer(f.get("pages"), "synthese.pages")
    if pages and not MIN_PAGES <= pages <= MAX_PAGES:
        c.error(
            f["pages"],
            "synthese.pages",
            f"attendu un nombre de pages entre {MIN_PAGES} et {MAX_PAGES}, reçu {pages}",
        )
        return default
    return pages or default


def _check_citations(
    c: _Checker,
    g: Callable[[str], _Node | None],
    paragraphs: tuple[str, ...],
    sessions: tuple[Session, ...],
    references: tuple[Reference, ...],
) -> None:
    """Every [^id] in a text must name a reference; an uncited reference is a warning."""
    known = {r.id for r in references}
    cited: set[str] = set()
    texts = [("introduction", p) for p in paragraphs]
    for i, s in enumerate(sessions, start=1):
        texts.append((f"sessions[{i}].titre", s.titre))
        texts.append((f"sessions[{i}].description", s.description))
        if s.introduction:
            texts.append((f"sessions[{i}].introduction.titre", s.introduction.titre))
        texts.extend(
            (f"sessions[{i}].eclairages[{j}].titre", e.titre)
            for j, e in enumerate(s.eclairages, start=1)
        )
    for key, text in texts:
        for ref in FOOTNOTE_RE.findall(text):
            cited.add(ref)
            if ref not in known:
                c.error(
                    g("introduction") if key == "introduction" else g("sessions"),
                    key,
                    f"renvoi « [^{excerpt(ref)}] » vers une référence absente de « references »",
                )
    for r in references:
        if r.id not in cited:
            c.warning(
                g("references"),
                "references",
                f"la référence « {r.id} » n’est citée nulle part (ajoutez [^{r.id}] dans un texte)",
            )


def _unique(c: _Checker, node: _Node | None, key: str, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value and value in seen:
            c.error(node, key, f"identifiant de {what} « {value} » en double")
        seen.add(value)


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _at(key: str, message: str) -> str:
    return f"{key} : {message}" if key else message


def _is_empty(node: _Node) -> bool:
    return isinstance(node.value, str) and not node.value.strip()


def _describe(node: _Node) -> str:
    if isinstance(node.value, dict):
        return "un ensemble de clés"
    if isinstance(node.value, list):
        return "une liste"
    return f"« {excerpt(node.value)} »"


def without_programme() -> Event:
    """An event that names no one: to structure a document read on its own (``resume``,
    the benchmarks), where speakers are only those its labels name."""
    return Event(
        reseau="",
        edition=1,
        titre="",
        theme="",
        date=dt.date(2000, 1, 1),
        debut=dt.time(9),
        fin=dt.time(17),
        lieu="",
        adresse="",
        organisateur="",
        introduction=(),
        sessions=(),
    )
