"""Anonymous publication: the names of people who asked not to be named are replaced, the
same way everywhere, before anything else reads the notes.

Who is hidden: a programme person marked ``anonyme: true``; every person of a session
marked ``anonyme: true`` (its programme speakers and the people named as speakers in its
notes); the names a note's header lists under ``anonymes:``. A hidden person is published
under their role (« Présidente ») when the programme gives one, else as « Intervenant·e 1 »,
« Intervenant·e 2 »… in order of appearance. The replacement is made in the programme and in
the text of every note, so that the index, the charts, the metadata, the exports and the
Markdown master never see the name.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Block, Event, Focus, Note, Person, Session, Span
from .speakers import CIVILITY, is_description, is_name, is_role, split_label

_ACCENTS = {
    "a": "aàâä",
    "e": "eéèêë",
    "i": "iîï",
    "o": "oôö",
    "u": "uùûü",
    "c": "cç",
    "y": "yÿ",
}


@dataclass(frozen=True, slots=True)
class Hidden:
    """A hidden person: the spellings to replace and the name published instead."""

    names: tuple[str, ...]
    pseudonym: str


def anonymise(event: Event, notes: list[Note]) -> tuple[Event, list[Note], tuple[Hidden, ...]]:
    """The programme and the notes with every hidden name replaced."""
    hidden = _hidden(event, notes)
    if not hidden:
        return event, notes, ()
    replace = _replacer(hidden)
    return _event(event, replace), [_note(n, replace) for n in notes], hidden


def _hidden(event: Event, notes: list[Note]) -> tuple[Hidden, ...]:
    people: list[tuple[tuple[str, ...], str]] = []  # (spellings, role)
    seen: set[str] = set()

    def add(names: Iterable[str], role: str = "") -> None:
        names = tuple(n for n in names if n.strip())
        key = _fold(names[0]) if names else ""
        if key and key not in seen:
            seen.add(key)
            people.append((names, role))

    anonymous_sessions = {s.id for s in event.sessions if s.anonyme}
    for session in event.sessions:
        for person in _people_of(session):
            if person.anonyme or session.anonyme:
                add((person.nom, *person.alias), person.role)
    for note in notes:
        add_all = (
            note.folder[:1] and note.folder[0] in anonymous_sessions
        ) or note.meta.session in anonymous_sessions
        for name in note.meta.anonymes:
            add((name,))
        if add_all:
            for name in note.meta.intervenants:
                add((name,))
            for block in note.blocks:
                # a voice of a transcript is a person unless it is a role or a number;
                # a label in a text, when it is written as a name
                voice = block.speaker.split(",", 1)[0].strip()
                if voice and not (is_description(voice) or is_role(voice)):
                    add((voice,))
                label = (split_label(block.text) or ("", ""))[0].split(",", 1)[0].strip()
                if label and is_name(label):
                    add((label,))
    roles: dict[str, int] = {}
    for _, role in people:
        roles[role] = roles.get(role, 0) + 1
    numbered = 0
    hidden = []
    for names, role in people:
        if role and roles[role] == 1:
            pseudonym = role
        else:
            numbered += 1
            pseudonym = f"Intervenant·e {numbered}"
        hidden.append(Hidden(names, pseudonym))
    return tuple(hidden)


def _people_of(session: Session) -> list[Person]:
    people = [*session.intervenants, *((session.animateur,) if session.animateur else ())]
    for focus in (*session.eclairages, *((session.introduction,) if session.introduction else ())):
        people += focus.intervenants
    return people


def _replacer(hidden: tuple[Hidden, ...]):  # type: ignore[no-untyped-def]
    """A function that replaces every spelling of every hidden name in a text."""
    patterns: list[tuple[re.Pattern[str], str]] = []
    for person in hidden:
        variants: set[str] = set()
        for name in person.names:
            variants |= _variants(name)
        # Longest first, so that « Hélène Valade » goes before « Valade ».
        alternatives = "|".join(sorted(variants, key=len, reverse=True))
        pattern = re.compile(rf"(?<!\w)(?:{CIVILITY}\s+)?(?:{alternatives})(?!\w)")
        patterns.append((pattern, person.pseudonym))

    def replace(text: str) -> str:
        for pattern, pseudonym in patterns:
            text = pattern.sub(pseudonym, text)
        return text

    return replace


def _variants(name: str) -> set[str]:
    """Regular expressions for the ways a name is written: full, reversed, initial and
    surname, surname alone (with its capital), any case and accents for the full forms."""
    words = name.split()
    out = {_loose(name)}
    if len(words) >= 2:
        capitals = [w for w in words if w.isupper() and len(w) > 1]
        surname = " ".join(capitals) if capitals else words[-1]
        first = " ".join(w for w in words if w not in surname.split()) or words[0]
        out |= {
            _loose(f"{surname} {first}"),
            _loose(f"{first[:1]}. {surname}"),
            _loose(f"{first[:1]}.{surname}"),
        }
        if "-" in first:
            initials = "-".join(f"{p[:1]}." for p in first.split("-"))
            out.add(_loose(f"{initials} {surname}"))
        # The surname alone only with its capital, to spare common words ("Caron", "caron").
        out.add(_loose(surname, keep_case=True))
    return out


def _loose(text: str, keep_case: bool = False) -> str:
    """A pattern matching ``text`` whatever its accents (and case, unless keep_case)."""
    out = []
    for i, char in enumerate(text):
        base = _fold(char)
        if char.isspace():
            out.append(r"\s+")
        elif char in "-.’'":
            out.append(r"[-.’'\s]?" if char != "." else r"\.?\s*")
        elif base in _ACCENTS:
            letters = _ACCENTS[base]
            if not (keep_case and i == 0):
                letters += letters.upper()
            else:
                letters = letters.upper() if char.isupper() else letters
            out.append(f"[{letters}]")
        elif char.isalpha():
            if keep_case and i == 0:
                out.append(re.escape(char))
            else:
                out.append(f"[{re.escape(char.lower())}{re.escape(char.upper())}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _event(event: Event, replace) -> Event:  # type: ignore[no-untyped-def]
    def person(p: Person) -> Person:
        return dataclasses.replace(
            p,
            nom=replace(p.nom),
            represente=replace(p.represente),
            question=replace(p.question),
            alias=(),
        )

    def focus(f: Focus) -> Focus:
        return dataclasses.replace(
            f, titre=replace(f.titre), intervenants=tuple(person(p) for p in f.intervenants)
        )

    def session(s: Session) -> Session:
        return dataclasses.replace(
            s,
            titre=replace(s.titre),
            description=replace(s.description),
            intervenants=tuple(person(p) for p in s.intervenants),
            animateur=person(s.animateur) if s.animateur else None,
            eclairages=tuple(focus(f) for f in s.eclairages),
            introduction=focus(s.introduction) if s.introduction else None,
        )

    return dataclasses.replace(
        event,
        introduction=tuple(replace(p) for p in event.introduction),
        sessions=tuple(session(s) for s in event.sessions),
    )


def _note(note: Note, replace) -> Note:  # type: ignore[no-untyped-def]
    def spans(items: tuple[Span, ...]) -> tuple[Span, ...]:
        return tuple(dataclasses.replace(s, text=replace(s.text)) for s in items)

    def block(b: Block) -> Block:
        return dataclasses.replace(
            b,
            spans=spans(b.spans),
            speaker=replace(b.speaker),
            rows=tuple(tuple(spans(cell) for cell in row) for row in b.rows),
        )

    meta = dataclasses.replace(
        note.meta, intervenants=tuple(replace(n) for n in note.meta.intervenants), anonymes=()
    )
    return dataclasses.replace(note, meta=meta, blocks=tuple(block(b) for b in note.blocks))
