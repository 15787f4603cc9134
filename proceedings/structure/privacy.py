"""Anonymous publication: the names of people who asked not to be named are replaced, the
same way everywhere, before anything else reads the notes.

Who is hidden: a programme person marked ``anonyme: true``; every person of a session
marked ``anonyme: true`` (its programme speakers, the people named as speakers in its
notes, and the people its notes name in their text: spaCy's French model, civilities
« M. Dupuis », « Mme Durand » and « Prénom NOM » forms); the names a note's header lists
under ``anonymes:``. A hidden person is published under their role (« Présidente ») when
the programme gives one, else as « Intervenant·e 1 », « Intervenant·e 2 »… in order of
appearance.

Where: every string of the programme (walked generically: titles, descriptions, tool
owners, references, partners…) and of every note (text, speakers, rapporteur, declared
speakers), the notes' published paths (a file named ``notes-helene-valade.md``), and the
messages and the deposit report written into the output folder (:class:`Anonymiser`).

How a name is recognised: in every way minutes write it (:func:`speakers.name_forms`:
full, reversed, initial and surname, surname alone with its capital), whatever its case
and accents, with ``.``, ``-`` or ``_`` between its words, with a civility, with invisible
characters inside (zero-width spaces, soft hyphens, bidirectional controls, BOM) or in
compatibility forms (full-width letters); its first name alone when written with its
capital and not followed by another surname (« Hélène a rappelé… », but not « Hélène
Dupont »); an e-mail or web address that contains any form of it is replaced whole. Names
are matched on a normalised copy of the text (NFKC, format characters removed) whose
positions map back to the original, so that only the name's own characters are replaced:
« m² » and « 5ᵉ » elsewhere in the text stay as they are.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from proceedings.errors import Diagnostic
from proceedings.model import Event, Note, Person, Photo, Session
from proceedings.structure.speakers import (
    CIVILITY,
    PARTICLE,
    UPPER,
    common_word,
    fold,
    is_description,
    is_name,
    is_role,
    name_forms,
    name_parts,
    split_label,
)

_ACCENTS = {
    "a": "aàâä",
    "e": "eéèêë",
    "i": "iîï",
    "o": "oôö",
    "u": "uùûü",
    "c": "cç",
    "y": "yÿ",
}
_CAPITAL = rf"[{UPPER}]"
# Not a letter or digit on either side of a name ("_" separates words in file names).
_BEFORE, _AFTER = r"(?<![^\W_])", r"(?![^\W_])"
# E-mail and web addresses, on the normalised text. An address's local part may only
# start where a word does, and is taken whole (possessive): linear on a long word, as the
# patterns of proceedings.render.typography are.
_ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s<>«»\"'()\[\]{}]+"
    r"|(?<![\w.+’'-])[\w.+’'-]++@[\w-]++(?:\.[\w-]++)++",
    re.IGNORECASE,
)
_ADDRESS_END = ".,;:!?’'"
_PROGRAMME_MARK = re.compile(r"\[\^([^\]\s]+)\]")  # a reference call in programme texts
_SEGMENT_WORDS = re.compile(r"([\W_]+)")
_TOKENS = re.compile(r"[a-z0-9]+")
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Hidden:
    """A hidden person: the spellings to replace and the name published instead."""

    names: tuple[str, ...]
    pseudonym: str


def hides_anyone(event: Event) -> bool:
    """Whether the programme itself hides someone (a person or a session ``anonyme``)."""
    return any(
        session.anonyme or any(p.anonyme for p in _people_of(session)) for session in event.sessions
    )


def anonymise(
    event: Event,
    notes: list[Note],
    paths: Iterable[tuple[str, str]] = (),
    nlp: Callable[[], Any] | None = None,
) -> tuple[Event, list[Note], Anonymiser]:
    """The programme and the notes with every hidden name replaced, and the anonymiser
    for what else the build publishes (paths, messages, the deposit report).

    ``paths``: (relative path, path as shown in messages) of every file of the event
    folder, to publish them without names. ``nlp``: loads spaCy's French model, to find
    the people named in the text of an anonymous session (called only if there is one).
    """
    hidden = _hidden(event, notes, nlp)
    privacy = Anonymiser(hidden)
    if not hidden:
        return event, notes, privacy
    privacy.learn_paths([*((n.path, n.shown) for n in notes), *paths])
    return privacy.event(event), [privacy.note(n) for n in notes], privacy


# -- who is hidden ------------------------------------------------------------------------------


def _hidden(event: Event, notes: list[Note], nlp: Callable[[], Any] | None) -> tuple[Hidden, ...]:
    people: list[tuple[tuple[str, ...], str]] = []  # (spellings, role)
    known: set[str] = set()  # the folded forms of the people already hidden

    def add(names: Iterable[str], role: str = "") -> None:
        names = tuple(n.strip() for n in names if n.strip())
        if not names or any(fold(n) in known for n in names):
            return
        for name in names:
            known.update(_keys(name))
        people.append((names, role))

    anonymous_sessions = {s.id for s in event.sessions if s.anonyme}
    for session in event.sessions:
        for person in _people_of(session):
            if person.anonyme or session.anonyme:
                add((person.nom, *person.alias), person.role)
    in_anonymous = [
        note
        for note in notes
        if (note.folder[:1] and note.folder[0] in anonymous_sessions)
        or note.meta.session in anonymous_sessions
    ]
    named = dict(zip((n.path for n in in_anonymous), _named_in(in_anonymous, nlp), strict=True))
    for note in notes:
        for name in note.meta.anonymes:
            add((name,))
        if note.path not in named:
            continue
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
        for name in named[note.path]:
            add((name,))
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


def _keys(name: str) -> set[str]:
    """The folded forms under which a hidden person's patterns already find a name."""
    first, _ = name_parts(name)
    return {fold(f) for f in name_forms(name)} | ({fold(first)} if first else set())


def _people_of(session: Session) -> list[Person]:
    people = [*session.intervenants, *((session.animateur,) if session.animateur else ())]
    for focus in (*session.eclairages, *((session.introduction,) if session.introduction else ())):
        people += focus.intervenants
    return people


# « M. Dupuis », « Mme Durand », « Madame Anne Roux »: a civility and one or two words.
_CIVIL_NAME = re.compile(
    rf"{_BEFORE}{CIVILITY}\s+((?:{PARTICLE}\s*)?{_CAPITAL}[\w’'-]+(?:\s+{_CAPITAL}[\w’'-]+)?)"
)
# « Bernard TESTARD »: a first name, then a surname in capitals.
_FIRST_LAST = re.compile(
    rf"{_BEFORE}({_CAPITAL}[a-zß-ÿ]+(?:-{_CAPITAL}[a-zß-ÿ]+)?\s+"
    rf"[{UPPER}]{{2,}}(?:[-\s][{UPPER}]{{2,}})?){_AFTER}"
)
_ARTICLE = re.compile(r"^(?:l[’']|la |le |les |du |des |de la |de l[’']|d[’'])", re.IGNORECASE)


def _named_in(notes: Sequence[Note], nlp: Callable[[], Any] | None) -> list[list[str]]:
    """For each note, the people its text names, in order: spaCy's PER entities, names
    after a civility, « Prénom NOM »."""
    texts = [_note_text(n) for n in notes]
    docs: Iterable[Any] = [None] * len(texts)
    if nlp is not None and any(t.strip() for t in texts):
        # spaCy is only loaded when a session is anonymous
        from proceedings.analyse.analysis import pipe, prepare

        docs = pipe(nlp(), (prepare(t) for t in texts))
    found = []
    for text, doc in zip(texts, docs, strict=True):
        names: list[tuple[int, str]] = []
        others: list[tuple[int, int]] = []  # organisations and places spaCy sees
        for ent in doc.ents if doc is not None else ():
            if ent.label_ == "PER":
                name = _entity_name(ent)
                if name:
                    names.append((ent.start_char, name))
            else:
                others.append((ent.start_char, ent.end_char))
        for m in _CIVIL_NAME.finditer(text):
            if is_name(m[0]) and not is_role(m[1]):
                names.append((m.start(1), m[1]))
        for m in _FIRST_LAST.finditer(text):
            if is_name(m[1]) and not any(a < m.end() and m.start() < b for a, b in others):
                names.append((m.start(), m[1]))
        found.append([name for _, name in sorted(names)])
    return found


def _note_text(note: Note) -> str:
    parts = []
    for block in note.blocks:
        parts.append("".join(s.text for s in block.spans))
        parts += ["".join(s.text for s in cell) for row in block.rows for cell in row]
    return "\n\n".join(p for p in parts if p.strip())


def _entity_name(ent: Any) -> str:
    """The name a PER entity gives, when it looks like one (spaCy's small model also tags
    capitalised common words)."""
    text = re.sub(rf"^{CIVILITY}\s+", "", ent.text.strip())
    text = _ARTICLE.sub("", text).strip(" .,;:’'\"«»()")
    words = text.split()
    if not words or len(words) > 4 or is_role(text) or is_description(text):
        return ""
    if any(not (w[:1].isupper() or re.fullmatch(PARTICLE, w)) for w in words):
        return ""
    if len(words) == 1:
        # one word: a proper noun for the model, not a word of the language
        proper = all(t.pos_ == "PROPN" for t in ent)
        return text if proper and len(text) > 2 and not common_word(text) else ""
    return text if is_name(text) else ""


# -- replacing ---------------------------------------------------------------------------------


class Anonymiser:
    """Replaces the hidden people's names in texts, file paths, identifiers and messages.

    False when nobody is hidden: then every method gives its argument back unchanged.
    """

    def __init__(self, hidden: tuple[Hidden, ...]) -> None:
        self.hidden = hidden
        self._pseudonyms: list[str] = []  # by group of the names pattern
        self._names = self._pattern()
        self._words = [_word_forms(p) for p in hidden]
        # every word a form of a hidden name contains (a name's words, glued too)
        self._needed = {
            word
            for forms in self._words
            for first, surname in forms
            for word in (*first, *surname, "".join(first), "".join(surname))
            if word
        }
        self._glued = {  # surnames long enough to be looked for inside a word of an address
            "".join(surname) for forms in self._words for _, surname in forms
        }
        self._glued = {g for g in self._glued if len(g) >= 5}
        self._paths: dict[str, str] = {}  # paths of the event folder -> as published
        self._known: re.Pattern[str] | None = None

    def __bool__(self) -> bool:
        return bool(self.hidden)

    def digest(self) -> str:
        """What changes when someone else is hidden ("" when nobody is): a digest, so that
        the output folder keeps no name of it."""
        if not self.hidden:
            return ""
        h = hashlib.sha256(b"proceedings-anonymat")
        for person in sorted(self.hidden, key=lambda p: (p.pseudonym, p.names)):
            h.update(
                "\0".join((person.pseudonym, *sorted(_fold(n) for n in person.names))).encode()
            )
            h.update(b"\1")
        return h.hexdigest()

    # -- texts

    def text(self, original: str) -> str:
        """A text with every spelling of every hidden name replaced by its pseudonym."""
        if not self.hidden or not original or not self._may_name(original):
            return original
        norm, starts, ends = _normalised(original)
        spans = self._spans(norm)
        if not spans:
            return original
        out: list[str] = []
        last = 0
        for a, b, pseudonym in spans:
            start, end = (a, b) if starts is None or ends is None else (starts[a], ends[b - 1])
            start = max(start, last)
            # invisible characters around the name go with it (a bidi override would
            # otherwise turn the pseudonym around)
            while start > last and _invisible(original[start - 1]):
                start -= 1
            while end < len(original) and _invisible(original[end]):
                end += 1
            out += [original[last:start], pseudonym]
            last = end
        out.append(original[last:])
        return "".join(out)

    def name(self, value: str) -> str:
        """A field that holds a name or a login (a rapporteur, Word's author, a speaker):
        replaced whole when any word of it is a form of a hidden name (« hvalade »)."""
        replaced = self.text(value)
        if replaced != value or not self.hidden:
            return replaced
        matches = self._word_matches(_SEGMENT_WORDS.split(_clean(value))[::2])
        return self.hidden[matches[0][2]].pseudonym if matches else value

    def _may_name(self, text: str) -> bool:
        """Whether ``text`` may hold a hidden name: one of their words, or an address.
        Most paragraphs name nobody; this test keeps them from the slower matching."""
        cleaned = _clean(text)
        if "@" in cleaned or "://" in cleaned or "www." in cleaned or "WWW." in cleaned:
            return True
        return any(_fold_word(w) in self._needed for w in set(_LETTERS.findall(cleaned)))

    def _spans(self, norm: str) -> list[tuple[int, int, str]]:
        spans: list[tuple[int, int, str]] = []
        for m in _ADDRESS.finditer(norm):
            address = m[0].rstrip(_ADDRESS_END)
            owner = self._address_owner(address)
            if owner is not None:
                spans.append((m.start(), m.start() + len(address), self.hidden[owner].pseudonym))
        addresses = list(spans)
        for m in self._name_matches(norm):
            if not any(a < m.end() and m.start() < b for a, b, _ in addresses):
                spans.append((m.start(), m.end(), self._pseudonyms[(m.lastindex or 1) - 1]))
        return sorted(spans)

    def _name_matches(self, norm: str) -> Iterable[re.Match[str]]:
        """The matches of the names pattern, tried only around the words of hidden names
        (a civility, an initial or a first name may come up to four words before the
        surname): the same matches as scanning every position, many times faster."""
        words = [(m.start(), m[0]) for m in _LETTERS.finditer(norm)]
        last = 0
        for k, (start, word) in enumerate(words):
            if start < last or _fold_word(word) not in self._needed:
                continue
            for j in range(max(0, k - 4), k + 1):
                if words[j][0] < last:
                    continue
                m = self._names.match(norm, words[j][0])
                if m is not None and m.end() > start:
                    yield m
                    last = m.end()
                    break

    def _pattern(self) -> re.Pattern[str]:
        alternatives: list[tuple[str, str, str]] = []  # (literal form, pattern, pseudonym)
        for person in self.hidden:
            for name in person.names:
                alternatives += [(form, rx, person.pseudonym) for form, rx in _forms(name)]
        # Longest first, so that « Hélène Valade » goes before « Valade » and « Hélène ».
        alternatives.sort(key=lambda a: (-len(a[0]), a[0]))
        self._pseudonyms = [pseudonym for _, _, pseudonym in alternatives]
        groups = "|".join(f"({rx})" for _, rx, _ in alternatives) or r"(?!x)x"
        return re.compile(rf"{_BEFORE}(?:{CIVILITY}\s+)?(?:{groups}){_AFTER}")

    def _address_owner(self, address: str) -> int | None:
        """The hidden person an e-mail or web address names, if any."""
        folded = _fold(address)
        tokens = _TOKENS.findall(folded)
        if self._needed.isdisjoint(tokens) and not any(g in folded for g in self._glued):
            return None
        parts = [_TOKENS.findall(p) for p in re.split(r"[@/?#]", folded)]
        for index, forms in enumerate(self._words):
            for first, surname in forms:
                glued = "".join(surname)
                if _contains(tokens, surname) or (
                    len(glued) >= 5 and any(glued in t for t in tokens)
                ):
                    return index
                if first and any(part == first for part in parts):
                    return index
                if first and any("".join(first) + glued == t for t in tokens):
                    return index
        return None

    # -- paths and identifiers

    def learn_paths(self, paths: Iterable[tuple[str, str]]) -> None:
        """Decide how the files of the event folder are published: (relative path, path as
        shown) pairs; two files never get the same published path."""
        taken: dict[str, str] = {}
        for rel, shown in sorted(set(paths)):
            published = self.path(rel)
            stem, suffix = os.path.splitext(published)
            number = 1
            while taken.get(published, rel) != rel:
                number += 1
                published = f"{stem}-{number}{suffix}"
            taken[published] = rel
            self._paths[rel] = published
            if shown.endswith(rel):
                self._paths[shown] = self.path(shown[: len(shown) - len(rel)]) + published
        changed = sorted((k for k, v in self._paths.items() if k != v), key=len, reverse=True)
        self._known = re.compile("|".join(map(re.escape, changed))) if changed else None

    def published(self, path: str) -> str:
        """A path of the event folder (relative or as shown) as published."""
        return self._paths.get(path) or self.path(path)

    def path(self, path: str) -> str:
        """A file path with every name in its folder and file names replaced, written as
        file names write them: ``ouverture/notes-helene-valade.md`` ->
        ``ouverture/notes-intervenant-e-1.md``."""
        if not self.hidden or not path:
            return path
        segments = path.split("/")
        last = len(segments) - 1
        return "/".join(self._segment(s, keep_suffix=i == last) for i, s in enumerate(segments))

    def ident(self, value: str) -> str:
        """An identifier (session, workshop, reference), as file names: it names folders."""
        return self._segment(value, keep_suffix=False) if self.hidden and value else value

    def _segment(self, segment: str, keep_suffix: bool) -> str:
        stem, suffix = os.path.splitext(segment) if keep_suffix else (segment, "")
        if not stem:
            return segment
        parts = _SEGMENT_WORDS.split(_clean(stem))  # words at even places, separators between
        matches = self._word_matches(parts[::2])
        if not matches:
            return segment
        out: list[str] = []
        at = 0  # in parts
        for i, j, person in matches:
            out += ["".join(parts[at : 2 * i]), _slug(self.hidden[person].pseudonym)]
            at = 2 * j - 1  # the separator after the name's last word
        out.append("".join(parts[at:]))
        return "".join(out) + suffix

    def _word_matches(self, words: list[str]) -> list[tuple[int, int, int]]:
        """(first word, end, person) of the runs of ``words`` that write a hidden name."""
        folded = [_fold(w) for w in words]
        matches = []
        i = 0
        while i < len(folded):
            best: tuple[int, int] | None = None  # (length, person)
            for person, forms in enumerate(self._words):
                for sequence, first_alone in _word_sequences(forms):
                    size = len(sequence)
                    if folded[i : i + size] != sequence or (best is not None and size <= best[0]):
                        continue
                    after = folded[i + size] if i + size < len(folded) else ""
                    if first_alone and _another_word(after):
                        continue  # « helene-dupont »: someone else, with the same first name
                    best = (size, person)
            if best is None:
                i += 1
                continue
            matches.append((i, i + best[0], best[1]))
            i += best[0]
        return matches

    # -- messages

    def message(self, text: str) -> str:
        """A message for an output file: the event folder's paths as published, names
        replaced."""
        if not self.hidden:
            return text
        if self._known is not None:
            text = self._known.sub(lambda m: self._paths[m[0]], text)
        return self.text(text)

    def diagnostic(self, d: Diagnostic) -> Diagnostic:
        if not self.hidden:
            return d
        path = self.published(d.path) if d.path else d.path
        return dataclasses.replace(d, message=self.message(d.message), path=path)

    def diagnostics(self, items: Iterable[Diagnostic]) -> list[Diagnostic]:
        return [self.diagnostic(d) for d in items]

    # -- whole objects

    def event(self, event: Event) -> Event:
        """The programme, every string of it: titles, descriptions, names, organisations,
        tool owners, references, partners, participants, introduction…"""
        rules: dict[str, Callable[[Any], Any]] = {
            "id": self.ident,
            "alias": lambda _: (),
        }
        result: Event = self.walk(event, self._programme_text, rules)
        return result

    def photo(self, photo: Photo) -> Photo:
        """A photo's texts without the hidden names (its caption may come from its file's
        name)."""
        if not self:
            return photo
        return dataclasses.replace(
            photo,
            caption=self.text(photo.caption),
            alt=self.text(photo.alt),
            credit=self.name(photo.credit),
        )

    def note(self, note: Note) -> Note:
        """A note: its text, speakers, rapporteur, declared speakers, published path."""

        def keep(value: Any) -> Any:
            return value

        rules: dict[str, Callable[[Any], Any]] = {
            "path": self.published,
            "shown": keep,  # for the messages shown in the terminal only
            "format": keep,
            "encoding": keep,
            "digest": keep,
            "media": keep,
            "kind": keep,
            "src": keep,
            "session": lambda s: self.ident(s) if s else s,
            "rapporteur": self.name,
            "intervenants": lambda names: tuple(self.name(n) for n in names),
            "speaker": self.name,
            "anonymes": lambda _: (),
            # an address that names someone hidden (« mailto:h.valade@… », « …/valade/ »)
            # is no longer a link: its text stays, pseudonymised
            "link": lambda url: url if self.text(url) == url else "",
        }
        result: Note = self.walk(note, self.text, rules)
        return result

    def walk(
        self, value: Any, text: Callable[[str], str], rules: dict[str, Callable[[Any], Any]]
    ) -> Any:
        """``value`` with ``text`` applied to every string inside it (dataclasses, tuples,
        lists, dicts), and ``rules`` to the fields they name instead."""
        if not self.hidden:
            return value
        if isinstance(value, str):
            return text(value)
        if isinstance(value, tuple):
            return tuple(self.walk(v, text, rules) for v in value)
        if isinstance(value, list):
            return [self.walk(v, text, rules) for v in value]
        if isinstance(value, dict):
            return {k: self.walk(v, text, rules) for k, v in value.items()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for f in dataclasses.fields(value):
                old = getattr(value, f.name)
                rule = rules.get(f.name)
                new = rule(old) if rule is not None else self.walk(old, text, rules)
                if new is not old:
                    changes[f.name] = new
            return dataclasses.replace(value, **changes) if changes else value
        return value

    def report(self, report: Any) -> Any:
        """The deposit report as written into the output folder: paths as published,
        messages and names without the hidden names."""

        def keep(value: Any) -> Any:
            return value

        rules: dict[str, Callable[[Any], Any]] = {
            "path": self.published,
            "folder": self.path,
            "id": self.ident,
            "format": keep,
            "status": keep,
        }
        return self.walk(report, self.message, rules)

    def tags(self, tags: Any) -> Any:
        """Keywords, themes and entities as published: their labels come from the notes
        (already without the names) but also from the editor's files (thesaurus, rules)."""

        def keep(value: Any) -> Any:
            return value

        rules: dict[str, Callable[[Any], Any]] = {"kind": keep, "sessions": keep, "notes": keep}
        return self.walk(tags, self.text, rules)

    def _programme_text(self, value: str) -> str:
        """A programme text: reference calls ``[^id]`` follow their reference's id."""
        if "[^" not in value:
            return self.text(value)
        out, last = [], 0
        for m in _PROGRAMME_MARK.finditer(value):
            out += [self.text(value[last : m.start()]), f"[^{self.ident(m[1])}]"]
            last = m.end()
        out.append(self.text(value[last:]))
        return "".join(out)


# -- name forms -------------------------------------------------------------------------------


def _forms(name: str) -> list[tuple[str, str]]:
    """(form, pattern) for every way a text writes ``name``."""
    first, surname = name_parts(name)
    out = []
    for form in name_forms(name):
        # the surname alone, or a name of one word, only with its capital: common words
        # ("Caron", "caron") are spared
        keep_case = not first or form == surname
        out.append((form, _loose(form, keep_case)))
    if first:
        # the first name alone, with its capital, when no other surname follows it
        # (« Hélène. Elle… » ends a sentence: the first name is hidden)
        following = rf"(?!(?:\s+|[_-])(?:{PARTICLE}\s*)?{_CAPITAL})"
        out.append((first, _loose(first, keep_case=True) + following))
    return out


def _word_forms(person: Hidden) -> list[tuple[list[str], list[str]]]:
    """(first name words, surname words), folded, for each spelling of a person."""
    forms = []
    for name in person.names:
        first, surname = name_parts(name)
        forms.append((_TOKENS.findall(_fold(first)), _TOKENS.findall(_fold(surname))))
    return forms


def _word_sequences(forms: list[tuple[list[str], list[str]]]) -> list[tuple[list[str], bool]]:
    """The runs of words that write a name in a file name or a login (any case: they rarely
    keep capitals): full, reversed, initial and surname, glued, surname alone; and the
    first name alone (True), which only counts when no other word follows it."""
    out: list[tuple[list[str], bool]] = []
    for first, surname in forms:
        if not surname:
            continue
        out += [(surname, False), (["".join(surname)], False)]
        if first:
            initials = [w[:1] for w in first]
            out += [
                (first + surname, False),
                (surname + first, False),
                (initials + surname, False),
                (["".join(first) + "".join(surname)], False),
                (["".join(initials) + "".join(surname)], False),
                (["".join(surname) + "".join(first)], False),
                (first, True),
            ]
    return out


def _another_word(word: str) -> bool:
    """A word after a first name that may be another person's surname."""
    return word.isalpha() and len(word) > 1 and word not in _FILE_WORDS


# Words that file names put after a first name without being a surname.
_FILE_WORDS = frozenset(
    """
notes note cr compte rendu synthese verbatim transcription brouillon relu relue final
finale definitif definitive def copie version v md docx doc odt txt pdf
""".split()
)


def _contains(tokens: list[str], sequence: list[str]) -> bool:
    size = len(sequence)
    return bool(sequence) and any(
        tokens[i : i + size] == sequence for i in range(len(tokens) - size + 1)
    )


def _loose(text: str, keep_case: bool = False) -> str:
    """A pattern matching ``text`` whatever its accents (and case, except the first letter
    with ``keep_case``), with spaces, dots, hyphens or underscores between its words."""
    out = []
    for i, char in enumerate(text):
        base = _fold(char)
        if char.isspace():
            out.append(r"(?:\s|[._-])+")
        elif char in "-’'":
            out.append(r"[-.’'\s_]?")
        elif char == ".":
            out.append(r"\.?\s*")
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
    """No invisible characters, compatibility forms or accents, lower case."""
    decomposed = unicodedata.normalize("NFKD", _clean(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _clean(text: str) -> str:
    """NFKC, without format characters (zero-width spaces, soft hyphens, bidi controls)."""
    return unicodedata.normalize("NFKC", text.translate(_format_characters()))


@functools.cache
def _format_characters() -> dict[int, None]:
    """The format characters (Unicode category Cf), for str.translate: they are in the
    first two planes and among the tags of plane 14."""
    planes = (range(0x20000), range(0xE0000, 0xE1000))
    return {c: None for plane in planes for c in plane if unicodedata.category(chr(c)) == "Cf"}


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return _fold(word)


def _invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def _slug(text: str) -> str:
    """A pseudonym as file names write it: « Intervenant·e 1 » -> intervenant-e-1."""
    return "-".join(_TOKENS.findall(_fold(text))) or "anonyme"


def _normalised(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """The text as names are matched on (NFKC, no format characters, no combining marks
    left over), with, for each of its characters, the range of the original it comes from
    (None, None: the text is its own normalised copy)."""
    if text.isascii():
        return text, None, None
    # Most texts only hold characters that normalise to one character each (no-break
    # spaces, « ᵉ »): translated one for one, positions unchanged.
    mapping: dict[int, str] = {}
    for char in set(text):
        if _invisible(char) or unicodedata.combining(char):
            break
        normal = unicodedata.normalize("NFKC", char)
        if normal != char:
            if len(normal) != 1 or unicodedata.combining(normal):
                break
            mapping[ord(char)] = normal
    else:
        return text.translate(mapping) if mapping else text, None, None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if _invisible(text[i]):
            i += 1
            continue
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for char in unicodedata.normalize("NFKC", text[i:j]):
            if not unicodedata.combining(char):
                out.append(char)
                starts.append(i)
                ends.append(j)
        i = j
    return "".join(out), starts, ends
