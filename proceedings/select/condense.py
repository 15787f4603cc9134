"""The condensed account of a session: sentences as they were said or written, chosen to
hold most of what the notes and transcripts say within a number of words.

Extractive, never invented text. The method, the same for every document:

1. **Units.** Every turn (or paragraph) is cut into sentences; speech-to-text disfluencies
   are tidied without changing the words (« euh », a word said twice in a row); greetings
   and procedure (« merci », « je vous en prie », « allez-y ») and sentences of fewer than
   six words are left out.
2. **Concepts.** A sentence's concepts are its content words (French stop words apart,
   accents folded, cut to seven letters: « immigration » and « immigrés » meet) and the
   pairs of consecutive content words that occur at least twice in the document
   (« immigration clandestine »). A concept weighs log(1 + the number of sentences it is
   in); a pair weighs twice a word.
3. **Choice.** Greedy, by the weight of the concepts a sentence adds to those already
   chosen, divided by the square root of its length, with a prior for the opening of the
   document (the question and the first answers set the subject). First the best sentence
   of every speaker who holds 15 % or more of the words, then the best sentences until the
   budget is spent. A sentence that adds nothing new is never taken: redundancy is left out
   by construction.
4. **Order.** The extracts are given back in the order of the session, each with its
   speaker; a speaker's label is written as the programme names them, or, for a label
   such as « M. CHIRAC » or « EZ », as the document names them in full (« Jacques
   Chirac », « Éric Zemmour ») when it does.

The budget counts every word given back, labels included.
"""

from __future__ import annotations

import functools
import heapq
import importlib.util
import itertools
import math
import re
import runpy
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from proceedings.errors import Diagnostics
from proceedings.model import Block, Note, NoteContent, Turn
from proceedings.read.programme import without_programme
from proceedings.structure.notes import structure
from proceedings.structure.speakers import Directory, is_first_name

MAIN_SHARE = 0.15  # share of the words that makes a speaker one who must be represented
MIN_WORDS = 6  # a shorter sentence says too little to stand alone
PAIR_WEIGHT = 2.0  # a pair of content words weighs this many single words
OPENING = 0.5  # prior of the first sentences, decaying over the document
STEM = 7  # letters a word is compared on


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence of the session, where it was said and by whom."""

    order: int
    speaker: str  # "" for a rapporteur's sentence
    text: str
    # its words and pairs of words (see _concepts), computed once: a budget is fitted by
    # condensing the same sentences several times
    concepts: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "concepts", _concepts(self.text))


@dataclass(frozen=True, slots=True)
class Extract:
    """A sentence kept in the condensed account."""

    order: int
    speaker: str
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split()) + (label_words(self.speaker) if self.speaker else 0)


_FILLER = re.compile(r"\b(?:euh+|heu+|hum+|bah)\b[,.…]?\s*", re.IGNORECASE)
_REPEATED = re.compile(r"\b(\w+(?:\s+\w+)?)(?:[\s,]+\1\b)+", re.IGNORECASE)
_PROCEDURE = re.compile(
    r"^(?:merci|bonjour|bonsoir|je vous en prie|s['’]il vous pla[iî]t|allez-y|au revoir|"
    r"d['’]accord|oui|non|bien sûr|voilà|excusez-moi|pardon)\b[^.!?]{0,40}[.!?…]?$",
    re.IGNORECASE,
)
# A sentence ends with . ! ? … before a capital; not after « M. », « Mme. », « Dr. ».
_SENTENCE = re.compile(
    r"(?<!\bM\.)(?<!\bMM\.)(?<!\bMme\.)(?<!\bDr\.)(?<!\bSt\.)(?<=[.!?…])\s+"
    r"(?=[A-ZÀ-ÝŒ«\"“])"
)
_WORD = re.compile(r"[^\W_]+")


def tidy(sentence: str) -> str:
    """A sentence of speech without its disfluencies: « euh » and words said twice in a
    row (« je je pense » -> « je pense »); the words themselves are not changed."""
    sentence = _FILLER.sub("", sentence)
    sentence = _REPEATED.sub(r"\1", sentence)
    return re.sub(r"\s+", " ", sentence).strip()


_TITLED = re.compile(r"^[A-ZÀ-ÝŒ][a-zà-ÿœ'’-]+$")
_MARKS = (("«", "»"), ("“", "”"))


def names_listed(sentence: str) -> bool:
    """A line of names and organisations (« Christine Revel - Asso Vers le Jardin,
    Pluduno »), not a sentence: two words in five, the first apart, are capitalised."""
    words = [w.strip(",;:()[]") for w in sentence.split()[1:]]
    words = [w for w in words if w and w[0].isalpha()]
    titled = sum(1 for w in words if _TITLED.match(w))
    return len(words) >= 3 and titled >= 0.4 * len(words)


def balanced(sentence: str) -> str:
    """A sentence cut out of a quotation without the quotation mark it has no pair for:
    « Une évaluation faite sans elles n’a pas de légitimité. » loses its closing »."""
    for opening, closing in _MARKS:
        if opening not in sentence and closing not in sentence:
            continue
        depth, drop = 0, []
        for at, char in enumerate(sentence):
            if char == opening:
                depth += 1
            elif char == closing:
                if depth:
                    depth -= 1
                else:
                    drop.append(at)
        if depth:  # openings never closed: the last ones
            opened = [at for at, char in enumerate(sentence) if char == opening]
            drop += opened[len(opened) - depth :]
        if drop:
            dropped = set(drop)
            sentence = "".join(c for at, c in enumerate(sentence) if at not in dropped)
    return re.sub(r"\s+", " ", sentence).strip()


def sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE.split(text)) if s]


def units_of(
    notes: Iterable[NoteContent],
    names: dict[str, str] | None = None,
    skip: Collection[Block] = (),
) -> list[Unit]:
    """The sentences of notes, in order, with their speakers (published names, or the
    fuller names of ``names``); the blocks of ``skip`` are left out (a rapporteur's own
    synthesis, printed apart)."""
    names = names or {}
    out: list[Unit] = []
    for content in notes:
        for item in content.items:
            if isinstance(item, Block) and item in skip:
                continue
            if isinstance(item, Turn):
                speaker = names.get(item.speaker.name, item.speaker.name)
                text = " ".join(b.text for b in item.blocks if b.kind != "image")
            elif isinstance(item, Block) and item.kind in ("paragraph", "item", "quote"):
                speaker, text = "", item.text
            else:
                continue
            for raw in sentences(text.replace("\n", " ")):
                sentence = balanced(tidy(raw))
                if (
                    len(sentence.split()) < MIN_WORDS
                    or _PROCEDURE.match(sentence)
                    or names_listed(sentence)
                ):
                    continue
                out.append(Unit(len(out), speaker, sentence))
    return out


def condense(units: list[Unit], budget: int, shares: dict[str, int] | None = None) -> list[Extract]:
    """The sentences that hold most of ``units`` within ``budget`` words (labels
    included), in their order. ``shares``: words per speaker (from the turns, sentences
    left out included); by default, counted on the units."""
    if not units:
        return []
    concepts = [u.concepts for u in units]
    frequency: Counter[str] = Counter(c for found in concepts for c in found)
    weight = {
        c: math.log(1 + n) * (PAIR_WEIGHT if " " in c else 1.0)
        for c, n in frequency.items()
        if " " not in c or n >= 2
    }
    covered: set[str] = set()
    chosen: dict[int, Unit] = {}
    used = 0
    count = len(units)

    def gain(i: int) -> float:
        unit = units[i]
        new = sum(weight.get(c, 0.0) for c in concepts[i] - covered)
        opening = 1 + OPENING * math.exp(-3 * unit.order / count)
        return opening * new / math.sqrt(len(unit.text.split()))

    def cost(i: int) -> int:
        unit = units[i]
        return len(unit.text.split()) + (label_words(unit.speaker) if unit.speaker else 0)

    def take(i: int) -> None:
        nonlocal used
        chosen[i] = units[i]
        used += cost(i)
        covered.update(concepts[i])

    if shares is None:
        shares = Counter()
        for unit in units:
            shares[unit.speaker] += len(unit.text.split())
    total = sum(shares.values()) or 1
    for speaker in main_speakers(shares, total):
        mine = [i for i, u in enumerate(units) if u.speaker == speaker and used + cost(i) <= budget]
        if mine:
            take(max(mine, key=lambda i: (gain(i), -i)))
    # Greedy, lazily: a sentence's gain only falls as concepts are covered, so the gain it
    # had when last computed bounds it; only the sentence on top is computed again. The
    # choice is the plain greedy one (best gain, then first in the document), in
    # O(n log n) computations of gains instead of n for each sentence taken.
    heap = [(-gain(i), i) for i in range(count) if i not in chosen]
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        if used + cost(i) > budget:
            continue  # it never fits again: the words used only grow
        fresh = (-gain(i), i)
        if heap and fresh > heap[0]:
            heapq.heappush(heap, fresh)
            continue
        if -fresh[0] <= 0:
            break
        take(i)
    return [Extract(u.order, u.speaker, u.text) for _, u in sorted(chosen.items())]


def main_speakers(shares: dict[str, int], total: int) -> list[str]:
    """Speakers who hold a fair share of the words, most words first."""
    return [
        s
        for s, n in sorted(shares.items(), key=lambda sn: (-sn[1], sn[0]))
        if s and n >= MAIN_SHARE * total
    ]


def label_words(speaker: str) -> int:
    """Words a speaker's label takes: the name and the colon."""
    return len(speaker.split()) + 1


def as_text(extracts: list[Extract]) -> str:
    """The condensed account as plain text: « Jacques Chirac : … Lionel Jospin : … »."""
    return " ".join(f"{e.speaker} : {e.text}" if e.speaker else e.text for e in extracts)


@dataclass(frozen=True, slots=True)
class Condensed:
    """A document condensed, with the words each speaker holds in it."""

    extracts: list[Extract]
    shares: dict[str, int]

    def represented(self) -> tuple[int, int]:
        """(main speakers with an extract, main speakers)."""
        main = main_speakers(self.shares, sum(self.shares.values()) or 1)
        said = {e.speaker for e in self.extracts}
        return sum(1 for s in main if s in said), len(main)


def condense_note(note: Note, budget: int, diag: Diagnostics) -> Condensed:
    """A document read on its own (no programme), condensed: its speakers are those its
    labels name, written in full when the document names them so."""
    content = structure(note, Directory(without_programme()), diag)
    labels = {s.name for s in content.speakers}
    text = " ".join(b.text for b in note.blocks)
    names = full_names(labels, text)
    shares = speaking_shares([content], names)
    return Condensed(condense(units_of([content], names), budget, shares), shares)


def speaking_shares(
    notes: Iterable[NoteContent], names: dict[str, str] | None = None
) -> dict[str, int]:
    """Words per speaker in notes ("" for the rapporteur's own text), under the fuller
    names of ``names``."""
    names = names or {}
    shares: Counter[str] = Counter()
    for content in notes:
        for item in content.items:
            if isinstance(item, Turn):
                name = names.get(item.speaker.name, item.speaker.name)
                shares[name] += sum(b.words for b in item.blocks)
            else:
                shares[""] += item.words
    return dict(shares)


# -- names ---------------------------------------------------------------------------------

_FULL_NAME = re.compile(
    r"\b([A-ZÉÈÎ][a-zéèêëïîôöüûç]+(?:-[A-ZÉÈ][a-zéèêëïîôöüûç]+)?)\s+"
    r"((?:(?:[Ll]e|[Dd]e|[Dd]u|[Ll]a)\s+|[Dd][’'])?[A-ZÉÈ][A-Za-zéèêëïîôöüûç’'-]+)"
)
_CIVILITY = re.compile(r"^(?:M|MM|Mme|Mlle|Mr|Monsieur|Madame|Dr)\.?\s+", re.IGNORECASE)


def full_names(labels: Iterable[str], text: str) -> dict[str, str]:
    """Fuller names for labels that a document names in full: « M. CHIRAC » is « Jacques
    Chirac » and « EZ » « Éric Zemmour » when the document writes them so (the most
    frequent such name); a label the document does not name in full is left out."""
    # « Jacques Chirac », never « Monsieur Chirac »: the first word is a first name
    found: Counter[tuple[str, str]] = Counter(
        (m[1], m[2]) for m in _FULL_NAME.finditer(text[:2_000_000]) if is_first_name(m[1])
    )
    out: dict[str, str] = {}
    for label in labels:
        surname = _CIVILITY.sub("", label).strip()
        if re.fullmatch(r"[A-ZÀ-Ý]{2,3}", label):
            candidates = [
                (n, f"{a} {b}")
                for (a, b), n in found.items()
                if (_fold(a)[:1] + _fold(b.split()[-1])[:1]).upper()
                == _fold(label[0] + label[-1]).upper()
            ]
        elif surname != label and " " not in surname:
            candidates = [
                (n, f"{a} {b}") for (a, b), n in found.items() if _fold(b) == _fold(surname)
            ]
        else:
            continue
        if candidates:
            out[label] = max(candidates)[1]
    return out


@functools.cache
def _stop_words() -> frozenset[str]:
    # spaCy's French list, read from its file: importing spacy.lang.fr would import spaCy
    # (5 s), which a build whose analyses are all cached never needs
    spec = importlib.util.find_spec("spacy")  # found, not imported
    if spec is None or spec.origin is None:
        raise ImportError("spaCy n’est pas installé : lancez make setup")
    STOP_WORDS = runpy.run_path(str(Path(spec.origin).parent / "lang" / "fr" / "stop_words.py"))[
        "STOP_WORDS"
    ]

    extra = "euh ben oui non monsieur madame bon voila alors donc faut dire fait faire va ca"
    return frozenset({_fold(w) for w in STOP_WORDS} | set(extra.split()))


@functools.lru_cache(maxsize=1 << 16)  # words recur: the same few thousand, folded once
def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in word if not unicodedata.combining(c))


def _concepts(sentence: str) -> frozenset[str]:
    stop = _stop_words()
    words = [
        folded[:STEM]
        for w in _WORD.findall(sentence)
        if len(w) > 2 and (folded := _fold(w)) not in stop
    ]
    return frozenset((*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))))
