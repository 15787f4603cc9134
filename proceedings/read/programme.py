"""Load and validate the event's programme file (``programme.yaml``) into an ``Event``.

The file is checked as every YAML file an editor writes (:mod:`proceedings.support.yamlcheck`):
every problem is collected before giving up, each with the file, the line and the key path
(``sessions[3].debut : attendu HH:MM, reçu « 9h »``); unknown keys are warnings. Any error
refuses the programme, and the build with it.

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
from pathlib import Path

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
from proceedings.support.yamlcheck import Checker, Node, Reader, is_empty
from proceedings.support.yamlfr import excerpt

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
MIN_PAGES, MAX_PAGES = 4, 2000  # bounds of a synthesis's page budget


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
    checker = Checker(shown, max_items=MAX_ITEMS, max_text=MAX_TEXT)
    root = _compose(checker, text)
    event = _event(checker, root)
    errors = [p for p in checker.problems if p.severity is Severity.ERROR]
    if errors or event is None:
        raise ProgrammeError(shown, checker.problems)
    return event, [p for p in checker.problems if p.severity is Severity.WARNING]


def _compose(c: Checker, text: str) -> Node:
    """The programme's tree; a text that cannot be read, an empty one, a key written twice
    or a key that is not a text stop here."""
    try:
        root = c.compose(text, MAX_PROGRAMME_BYTES)
    except yamlfr.Refused as exc:
        message = (
            f"erreur de syntaxe YAML : {exc.problem}"
            if exc.syntax
            else f"{exc.problem}, fichier refusé"
        )
        raise ProgrammeError(
            c.path, [Diagnostic(Severity.ERROR, message, c.path, exc.line)]
        ) from None
    if root is None:
        raise ProgrammeError(
            c.path, [Diagnostic(Severity.ERROR, "fichier de programme vide", c.path)]
        )
    if c.problems:
        raise ProgrammeError(c.path, c.problems)
    return root


# -- the programme's shape ---------------------------------------------------------------
# A table per kind of mapping: its keys, in the order they are read, and how each is read.

_PERSON: dict[str, Reader] = {
    "nom": Checker.text,
    "role": Checker.text,
    "organisation": Checker.text,
    "question": Checker.text,
    "represente": Checker.text,
    "alias": Checker.texts,
    "anonyme": Checker.boolean,
}


def _person(c: Checker, node: Node, key: str) -> Person | None:
    if isinstance(node.value, str):  # a bare name is accepted: "- Hélène VALADE"
        return Person(nom=c.text(node, key)) if node.value.strip() else None
    fields = c.record(node, key, _PERSON, ("nom",))
    return None if fields is None else Person(**fields)


def _people(c: Checker, node: Node | None, key: str) -> tuple[Person, ...]:
    return c.sequence(node, key, lambda n, k: _person(c, n, k), MAX_PEOPLE)


_FOCUS: dict[str, Reader] = {
    "titre": Checker.text,
    "organisation": Checker.text,
    "intervenants": _people,
}


def _focus(c: Checker, node: Node, key: str) -> Focus | None:
    fields = c.record(node, key, _FOCUS, ("titre",))
    return None if fields is None else Focus(**fields)


_WORKSHOP: dict[str, Reader] = {
    "id": Checker.identifier,
    "titre": Checker.text,
    "partenaires": Checker.texts,
    "description": Checker.text,
}


def _workshop(c: Checker, node: Node, key: str) -> Workshop | None:
    fields = c.record(node, key, _WORKSHOP, ("id", "titre"))
    return None if fields is None else Workshop(**fields)


_TOOL: dict[str, Reader] = {
    "nom": Checker.text,
    "porteur": Checker.text,
    "description": Checker.text,
}


def _tool(c: Checker, node: Node, key: str) -> Tool | None:
    fields = c.record(node, key, _TOOL, ("nom",))
    return None if fields is None else Tool(**fields)


_REFERENCE: dict[str, Reader] = {"id": Checker.identifier, "texte": Checker.text}


def _reference(c: Checker, node: Node, key: str) -> Reference | None:
    fields = c.record(node, key, _REFERENCE, ("id", "texte"))
    return None if fields is None else Reference(**fields)


_SESSION = (
    "id",
    "type",
    "titre",
    "debut",
    "fin",
    "description",
    "intervenants",
    "animateur",
    "eclairages",
    "introduction",
    "ateliers",
    "partenaires",
    "participants",
    "outils",
    "animation",
    "restitution",
    "anonyme",
)
_EVENT = (
    "exemple",
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
    "introduction",
    "partenaires",
    "references",
    "sessions",
    "participants",
    "synthese",
)
_SYNTHESIS = ("pages",)
# every key of _EVENT but these is required
_EVENT_OPTIONAL = (
    "exemple",
    "introduction",
    "partenaires",
    "references",
    "participants",
    "synthese",
)
_EVENT_REQUIRED = tuple(k for k in _EVENT if k not in _EVENT_OPTIONAL)


def _kind(c: Checker, node: Node | None, key: str) -> SessionKind | None:
    raw = c.text(node, key)
    if not raw:
        return None
    try:
        return SessionKind(raw)
    except ValueError:
        known = ", ".join(k.value for k in SessionKind)
        c.error(node, key, f"type de session inconnu « {excerpt(raw)} » (attendu : {known})")
        return None


def _session(c: Checker, node: Node, key: str) -> Session | None:
    f = c.mapping(node, key, _SESSION, ("id", "type", "titre", "debut"))
    if f is None:
        return None
    g = f.get
    session_id = c.identifier(g("id"), c.join(key, "id"))
    kind = _kind(c, g("type"), c.join(key, "type"))
    debut = c.time(g("debut"), c.join(key, "debut"))
    fin = c.time(g("fin"), c.join(key, "fin"))
    if debut and fin and fin <= debut:
        c.error(g("fin"), c.join(key, "fin"), "l’heure de fin précède l’heure de début")
    animateur = g("animateur")
    introduction = g("introduction")
    ateliers = c.sequence(
        g("ateliers"), c.join(key, "ateliers"), lambda n, k: _workshop(c, n, k), MAX_WORKSHOPS
    )
    _unique(c, g("ateliers"), c.join(key, "ateliers"), [w.id for w in ateliers], "atelier")
    if kind is None or debut is None or not session_id:
        return None
    return Session(
        id=session_id,
        type=kind,
        titre=c.text(g("titre"), c.join(key, "titre")),
        debut=debut,
        fin=fin,
        description=c.text(g("description"), c.join(key, "description")),
        intervenants=_people(c, g("intervenants"), c.join(key, "intervenants")),
        animateur=_person(c, animateur, c.join(key, "animateur")) if animateur else None,
        eclairages=c.sequence(
            g("eclairages"), c.join(key, "eclairages"), lambda n, k: _focus(c, n, k)
        ),
        introduction=(
            _focus(c, introduction, c.join(key, "introduction")) if introduction else None
        ),
        ateliers=ateliers,
        partenaires=c.texts(g("partenaires"), c.join(key, "partenaires")),
        participants=c.text(g("participants"), c.join(key, "participants")),
        outils=c.sequence(g("outils"), c.join(key, "outils"), lambda n, k: _tool(c, n, k)),
        animation=c.text(g("animation"), c.join(key, "animation")),
        restitution=c.text(g("restitution"), c.join(key, "restitution")),
        anonyme=c.boolean(g("anonyme"), c.join(key, "anonyme")),
    )


def _event(c: Checker, root: Node) -> Event | None:
    f = c.mapping(root, "", _EVENT, _EVENT_REQUIRED)
    if f is None:
        return None
    g = f.get
    sessions_node = g("sessions")
    sessions = c.sequence(sessions_node, "sessions", lambda n, k: _session(c, n, k), MAX_SESSIONS)
    if sessions_node is not None and not is_empty(sessions_node) and not sessions:
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


def _pages(c: Checker, node: Node | None) -> int:
    """The page budget of the session chapters: ``synthese: {pages: N}``, else the default
    (about 40 pages for the eight times of a one-day event)."""
    default = DEFAULT_PAGES
    if node is None or is_empty(node):
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
    c: Checker,
    g: Callable[[str], Node | None],
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


def _unique(c: Checker, node: Node | None, key: str, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value and value in seen:
            c.error(node, key, f"identifiant de {what} « {value} » en double")
        seen.add(value)


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
