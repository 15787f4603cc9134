"""The analysis of texts with spaCy's French model, the first half of tagging: for each
text, its keyphrase candidates, thesaurus themes, named entities and acronyms
(:class:`~proceedings.model.Analysis`), cached on disk by content (:class:`Cache`), by
processes of their own for large events (:class:`Analyser`).

Keyphrase candidates (step 1 of the method, see :mod:`proceedings.analyse.tagging` for the rest)
are the noun phrases French writes: sequences of nouns, proper nouns and adjectives
containing a noun, with ``de``/``d'``/``du``/``des`` allowed inside ("ingénierie de
catalyse", "RSE territoriale"); every sub-phrase of up to five words is a candidate. Words
in capitals are nouns (acronyms), vague nouns ("fois", "cas", "chose") never make a
candidate, names of people (spaCy's PER entities) are left to the index of people.
Candidates are grouped on their lemmas, so inflections and case do not split them.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proceedings.analyse.vocabulary import Vocabulary
from proceedings.model import (
    Acronym,
    Analysis,
    Block,
    Mention,
    NoteContent,
    Phrase,
    Theme,
    ThemeHit,
    Turn,
)
from proceedings.structure.speakers import fold, is_name
from proceedings.support import cachefile, regexcache, schedule
from proceedings.support.progress import Progress

MODEL = "fr_core_news_sm"
ANALYSIS_VERSION = "5"  # change it when the analysis changes: cached analyses are redone
# the format of an analysis on disk (proceedings.support.cachefile)
CACHE_SCHEMA = f"analyse-{ANALYSIS_VERSION}"

MAX_WORDS = 5

_NOUNS = frozenset({"NOUN", "PROPN"})
_PHRASE_POS = frozenset({"NOUN", "PROPN", "ADJ"})
_LINKS = frozenset({"de", "d'", "du", "des"})
# Vague nouns that never make a keyphrase on their own or inside one.
VAGUE = frozenset(
    """
autre même tel cas fois partie part type ensemble nombre manière façon chose moment point
exemple an année jour mois semaine monde gens côté fin début niveau suite lieu mot terme
sorte genre fait question besoin idée rôle place temps heure minute raison effet aspect
élément ordre sens coup bout reste peu plupart madame monsieur merci oui non sein faveur
travers lors égard instar
""".split()
)
# In the notes of a meeting, the words that describe the meeting itself are not what it
# talked about: they make no keyphrase there (the benchmark's abstracts keep them).
MEETING = frozenset(
    """
salle journée matinée après-midi matin soir réaction table tour parole séquence groupe
atelier axe thème intervention intervenant intervenante participant participante échange
discussion débat réponse rapporteur rapporteuse animateur animatrice session plénière
restitution déroulé programme mise compte condition situation fonction enseignement
suggestion contribution phrase lundi mardi mercredi jeudi vendredi samedi dimanche fil
route perspective micro note slide support pause déjeuner café accueil badge organisateur
cliente client consultant merci bonjour applaudissement rencontre édition intervenant·e
vote proposition catégorie colonne post-it
""".split()
)
_APOSTROPHES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00a0": " ", "\u202f": " "}
)
_ACRONYM = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý0-9&]{1,9}$")
_IN_PARENTHESES = re.compile(r"\(\s*([A-ZÀ-Ý][A-Za-zÀ-ÿ0-9&-]{1,9})\s*\)")
_DEFINING = re.compile(r"\b([A-ZÀ-Ý][A-ZÀ-Ý0-9&]{1,9})\s*\(\s*([^()\n]{3,120}?)\s*\)")
_MISTAKEN = frozenset({"ADV", "X", "INTJ", "VERB", "SYM"})
_ROMAN = re.compile(r"^M*(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})$")
_SMALL_WORDS = frozenset("de du des d la le les l et en à au aux pour sur par".split())


# spaCy's tokenizer strips prefixes and suffixes one at a time, each time searching the whole
# rest of the word: its time grows with the cube of a run of punctuation (a line of 5,000
# apostrophes or brackets takes 4 s, 20,000 take over a minute). Words are therefore never
# longer than this for the model; no word of French comes near it.
LONGEST_WORD = 32
_LONG_WORD = re.compile(rf"\S{{{LONGEST_WORD - 1}}}(?=\S)")


def prepare(text: str) -> str:
    """Typographic apostrophes and no-break spaces as the model expects them, so that « l’ »
    and « d’ » are tagged as articles; runs of more than ``LONGEST_WORD`` characters without
    a space cut by a space. The length is kept: character offsets stay valid."""
    return _LONG_WORD.sub(_cut_word, text.translate(_APOSTROPHES))


def _cut_word(match: re.Match[str]) -> str:
    return match[0][:-1] + " "


@functools.lru_cache(maxsize=4)
def load_nlp(regexes: Path | None = None) -> Any:
    """The French model (:func:`read_model`), loaded once per process: a process that
    builds several times, as the tests do and a preview would, loads it the first time only.
    The model keeps no state between texts that changes an analysis."""
    return read_model(regexes)


def read_model(regexes: Path | None = None) -> Any:
    """The French model, read from its package, without the parser (noun phrases come from
    part-of-speech patterns); the sentence recogniser gives passages. The tokenizer's
    compiled regular expressions are kept in ``regexes`` (by default the user's cache
    folder; see :mod:`proceedings.support.regexcache`): 1.5 s to load instead of 3.7 s."""
    import spacy  # imported here: a build whose analyses are all cached never loads it

    with regexcache.cached(regexes or regexcache.user_cache()):
        nlp = spacy.load(MODEL, exclude=["parser"])
    nlp.enable_pipe("senter")
    _index_as_sets(nlp)
    return nlp


def _index_as_sets(nlp: Any) -> None:
    """The French lemmatizer asks whether a word is in its index of known forms, a list of
    up to 66,000 nouns per part of speech, once or more per word it has not seen: a quarter
    of a long day's analysis went there. The same forms as sets give the same lemmas."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = nlp.get_pipe("lemmatizer").lookups
    if not lookups.has_table("lemma_index"):
        return
    index = lookups.get_table("lemma_index")
    for key, forms in list(index.items()):
        if isinstance(forms, list):
            index[key] = frozenset(forms)


def model_version(nlp: Any | None = None) -> str:
    """The model's name and version, part of every cache key."""
    if nlp is not None:
        return f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{MODEL}-{version('fr_core_news_sm')}"
    except PackageNotFoundError:
        return MODEL


# -- texts ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A text to analyse and the character ranges of its titles and headings."""

    text: str
    titles: tuple[tuple[int, int], ...] = ()


def note_text(content: NoteContent) -> Text:
    """A structured note as one text: blocks separated by blank lines, headings marked."""
    parts: list[str] = []
    titles: list[tuple[int, int]] = []
    size = 0
    for block in _blocks(content):
        text = _block_text(block)
        if not text.strip():
            continue
        if block.kind == "heading":
            titles.append((size, size + len(text)))
        parts.append(text)
        size += len(text) + 2
    return Text("\n\n".join(parts), tuple(titles))


def plain_text(text: str) -> Text:
    """A plain text; its first paragraph is a title when it is short (like an abstract's)."""
    head = text.split("\n\n", 1)[0]
    titles = ((0, len(head)),) if "\n\n" in text and len(head) <= 300 else ()
    return Text(text, titles)


def _blocks(content: NoteContent) -> Iterable[Block]:
    for item in content.items:
        if isinstance(item, Turn):
            yield from item.blocks
        else:
            yield item


def _block_text(block: Block) -> str:
    parts = [" ".join(s.text for s in block.spans)]
    parts += [" ".join(s.text for s in cell) for row in block.rows for cell in row]
    return " ".join(p for p in parts if p.strip())


# -- one text -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThemeIndex:
    """The thesaurus variants as lemma sequences, to match texts against."""

    variants: dict[tuple[str, ...], str]  # lemmas -> theme id
    longest: int

    @classmethod
    def build(cls, themes: Sequence[Theme], nlp: Any) -> ThemeIndex:
        pairs = [(prepare(v), t.id) for t in themes for v in t.variantes]
        variants: dict[tuple[str, ...], str] = {}
        for doc, (_, theme_id) in zip(nlp.pipe([p for p, _ in pairs]), pairs, strict=True):
            key = tuple(_content_lemmas(doc))
            if key:
                variants.setdefault(key, theme_id)
        return cls(variants, max((len(k) for k in variants), default=0))


def _content_lemmas(tokens: Iterable[Any]) -> list[str]:
    return [_lemma(t) for t in tokens if t.pos_ not in ("DET", "PUNCT", "SPACE")]


def _lemma(token: Any) -> str:
    text: str = token.text
    if _ACRONYM.match(text):
        return text.lower()
    return str(token.lemma_ or text).lower().replace("’", "'")


def analyse(doc: Any, text: Text, themes: ThemeIndex, vague: frozenset[str] = VAGUE) -> Analysis:
    """Keyphrase candidates, theme hits, entities and acronyms of one analysed text.

    ``vague``: the nouns that make no keyphrase (VAGUE, and MEETING for meeting notes).
    """
    tokens = list(doc)
    people = {i for ent in doc.ents if ent.label_ == "PER" for i in range(ent.start, ent.end)}
    return Analysis(
        tokens=len(tokens),
        phrases=_phrases(tokens, text, people, vague),
        themes=_themes(doc, tokens, themes),
        mentions=_mentions(doc),
        acronyms=tuple(sorted(acronyms(text.text), key=lambda a: (a.short, a.long))),
        capitals=tuple(sorted({t.text for t in tokens if _ACRONYM.match(t.text)})),
    )


def _phrases(
    tokens: list[Any], text: Text, people: set[int], vague: frozenset[str]
) -> tuple[Phrase, ...]:
    length = max(len(text.text), 1)
    pos = [_pos(t) for t in tokens]
    lemmas = [_lemma(t) for t in tokens]
    stats: dict[str, list[Any]] = {}  # key -> [count, first, title, surface, words]
    n = len(tokens)
    i = 0
    while i < n:
        if pos[i] not in _PHRASE_POS:
            i += 1
            continue
        run: list[int] = []
        j = i
        while j < n:
            if pos[j] in _PHRASE_POS or (
                (lemmas[j] in _LINKS or tokens[j].text.lower() in _LINKS)
                and run
                and j + 1 < n
                and pos[j + 1] in _NOUNS
            ):
                run.append(j)
            else:
                break
            j += 1
        for a in range(len(run)):
            for b in range(a, min(len(run), a + MAX_WORDS)):
                span = run[a : b + 1]
                if not _candidate(span, tokens, pos, lemmas, people, vague):
                    continue
                key = " ".join(lemmas[k] for k in span)
                start = tokens[span[0]].idx
                entry = stats.get(key)
                if entry is None:
                    surface = _surface(tokens, span, pos)
                    stats[key] = [1, start / length, _in(start, text.titles), surface, len(span)]
                else:
                    entry[0] += 1
                    entry[2] = entry[2] or _in(start, text.titles)
        i = max(j, i + 1)
    return tuple(
        Phrase(key, s[3], s[0], round(s[1], 4), s[2], s[4]) for key, s in sorted(stats.items())
    )


def _pos(token: Any) -> str:
    """spaCy's part of speech, except for acronyms it takes for adverbs or foreign words
    ("ODD" -> ADV): they are nouns. Roman numerals and words of a title in capitals keep
    the model's tag."""
    pos: str = token.pos_
    if pos in _MISTAKEN and _ACRONYM.match(token.text) and not _ROMAN.match(token.text):
        return "NOUN"
    return pos


_CIVILITIES = frozenset("m mm mme mmes mlle monsieur madame mademoiselle dr pr me".split())


def _candidate(
    span: list[int],
    tokens: list[Any],
    pos: list[str],
    lemmas: list[str],
    people: set[int],
    vague: frozenset[str],
) -> bool:
    first, last = span[0], span[-1]
    if lemmas[first] in _LINKS or lemmas[last] in _LINKS or pos[last] not in _PHRASE_POS:
        return False
    if not any(pos[k] in _NOUNS for k in span):
        return False
    if pos[first] == "ADJ" and len(span) == 1:
        return False
    if any(lemmas[k] in vague for k in span) or any(k in people for k in span):
        return False
    if any(tokens[k].text.rstrip(".").lower() in _CIVILITIES for k in span):
        return False  # « M. », « Mme »: a way to name someone, not a subject
    # Every word starts with a letter ("«", "8h15" mistagged as nouns are not words), and a
    # noun of one letter ("h" in "9 h 15") is an abbreviation.
    return all(
        tokens[k].text[:1].isalpha() and (len(tokens[k].text) > 1 or pos[k] != "NOUN") for k in span
    )


def _surface(tokens: list[Any], span: list[int], pos: list[str]) -> str:
    words = []
    for k in span:
        word = tokens[k].text
        if (
            pos[k] != "PROPN"
            and not _ACRONYM.match(word)
            and word[:1].isupper()
            and word[1:].islower()
        ):
            word = word.lower()  # "Évaluation" at a sentence start -> "évaluation"
        words.append(word)
    return re.sub(r"' ", "'", " ".join(words)).replace("'", "’")


def _in(start: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= start < b for a, b in ranges)


def _themes(doc: Any, tokens: list[Any], index: ThemeIndex) -> tuple[ThemeHit, ...]:
    if not index.variants:
        return ()
    content = [t for t in tokens if t.pos_ not in ("DET", "PUNCT", "SPACE")]
    lemmas = [_lemma(t) for t in content]
    # Sentence boundaries once per text (Token.sent walks the sentences from the start).
    sentences = [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
    starts = [s[0] for s in sentences]
    text = doc.text  # Doc.text joins every token again at each call: once per text
    hits: dict[tuple[str, int], ThemeHit] = {}
    i = 0
    while i < len(content):
        for size in range(min(index.longest, len(content) - i), 0, -1):
            theme = index.variants.get(tuple(lemmas[i : i + size]))
            if theme is None:
                continue
            first, last = content[i], content[i + size - 1]
            start, _, begin, end = sentences[bisect.bisect_right(starts, first.i) - 1]
            matched = text[first.idx : last.idx + len(last.text)]
            hits.setdefault((theme, start), ThemeHit(theme, matched, text[begin:end].strip()))
            i += size - 1
            break
        i += 1
    return tuple(hits.values())


def _mentions(doc: Any) -> tuple[Mention, ...]:
    counts: Counter[tuple[str, str]] = Counter()
    for ent in doc.ents:
        if ent.label_ not in ("PER", "ORG", "LOC"):
            continue
        text = re.sub(
            r"^(?:l'|la |le |les |du |des |de la |de l'|d')",
            "",
            ent.text.strip(),
            flags=re.IGNORECASE,
        ).strip(" .,;:'\"«»()")
        if len(text) < 2 or not text[:1].isupper():
            continue
        if ent.label_ == "PER" and not is_name(text) and len(text.split()) < 2:
            continue
        if len(text.split()) == 1 and not _named_alone(text, ent):
            continue
        counts[(text, ent.label_)] += 1
    return tuple(Mention(t, label, c) for (t, label), c in sorted(counts.items()))


# Abbreviations of months and days that the model takes for names (« Apr », « Dec »).
_CALENDAR = frozenset(
    "jan feb fév mar apr avr may mai jun juin jul juil aug aoû sep sept oct nov dec déc "
    "mon tue wed thu fri sat sun lun mer jeu ven sam dim".split()
)


def _named_alone(text: str, ent: Any) -> bool:
    """A one-word name worth an index entry: a proper noun or an acronym (« Enedis »,
    « CEREMA »), not a common noun the model mistook (« Constitution », « Conseil »), a word
    shouted in capitals (« ESCALIER ») or a month (« Dec »)."""
    if text.lower().rstrip(".") in _CALENDAR:
        return False
    if text.isupper():
        # an acronym is short, or has few vowels; « ASCENSEUR » is a word in capitals
        vowels = sum(c in "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ" for c in text)
        return len(text) <= 6 or vowels * 3 < len(text)
    return all(token.pos_ == "PROPN" for token in ent)


def acronyms(text: str) -> list[Acronym]:
    """Acronyms defined in a text: « objectifs de développement durable (ODD) », and
    « ODD (objectifs de développement durable) »."""
    found: dict[str, Acronym] = {}
    text = prepare(text)
    # Anchored on the parenthesis (a lookbehind of 160 characters would be slow on long texts).
    for m in _IN_PARENTHESES.finditer(text):
        short = m[1]
        if not any(c.isupper() for c in short[1:]) and len(short) > 2:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 160) : m.start()]
        if "(" in before or ")" in before:
            before = before[max(before.rfind("("), before.rfind(")")) + 1 :]
        long = _tidy(_expansion(before, short))
        if long:
            found.setdefault(short, Acronym(short, long))
    for m in _DEFINING.finditer(text):
        long = _tidy(m[2])
        if _initials_match(_words(long), m[1]):
            found.setdefault(m[1], Acronym(m[1], long))
    return list(found.values())


def _tidy(expansion: str) -> str:
    """An expansion as the glossary prints it: single spaces (a PDF's justified lines gave
    « Terres   Paysannes »), no quotation mark of the sentence around it."""
    return " ".join(expansion.split()).strip(" «»“”\"'")


def _words(text: str) -> list[str]:
    """Words, with elided articles apart: « l'égalité » -> « l », « égalité »."""
    return re.findall(r"[^\W_]+(?:-[^\W_]+)*", text)


def _expansion(before: str, short: str) -> str:
    """The shortest end of ``before`` whose words' initials spell the acronym."""
    words = list(re.finditer(r"[^\W_]+(?:-[^\W_]+)*", before))
    for size in range(1, min(len(words), len(short) * 2 + 3) + 1):
        first = words[-size]
        if first[0].lower() in _SMALL_WORDS:
            continue
        if _initials_match([w[0] for w in words[-size:]], short):
            return before[first.start() :].strip()
    return ""


def _initials_match(words: list[str], short: str) -> bool:
    letters = [fold(c) for c in short if c.isalpha()]
    initials = [fold(w[:1]) for w in words if w.lower() not in _SMALL_WORDS]
    if not letters or not initials or initials[0] != letters[0]:
        return False
    it = iter(initials)
    return all(any(i == c for i in it) for c in letters) and len(initials) <= len(letters) + 1


CHUNK = 100_000  # characters sent to spaCy at once, at paragraph boundaries


def split_text(text: Text, size: int = CHUNK) -> list[tuple[int, Text]]:
    """A text in (offset, piece) of at most ``size`` characters, cut between paragraphs
    (or, inside a paragraph longer than that, between words); titles keep their place."""
    if len(text.text) <= size:
        return [(0, text)]
    pieces: list[tuple[int, Text]] = []
    start, n = 0, len(text.text)
    while start < n:
        end = min(start + size, n)
        if end < n:
            cut = text.text.rfind("\n\n", start + size // 2, end)
            if cut == -1:
                cut = text.text.rfind(" ", start + size // 2, end)
            end = cut if cut > start else end
        titles = tuple((a - start, b - start) for a, b in text.titles if start <= a < end)
        pieces.append((start, Text(text.text[start:end], titles)))
        start = end
    return pieces


def merge_analyses(parts: list[tuple[int, Text, Analysis]], length: int) -> Analysis:
    """The analyses of the pieces of one text as the analysis of the whole."""
    if len(parts) == 1:
        return parts[0][2]
    phrases: dict[str, Phrase] = {}
    mentions: Counter[tuple[str, str]] = Counter()
    defined: dict[str, Acronym] = {}
    total = max(length, 1)
    for at, piece, analysis in parts:
        for p in analysis.phrases:
            first = round((at + p.first * len(piece.text)) / total, 4)
            old = phrases.get(p.key)
            if old is None:
                phrases[p.key] = Phrase(p.key, p.surface, p.count, first, p.title, p.words)
            else:
                phrases[p.key] = Phrase(
                    p.key,
                    old.surface,
                    old.count + p.count,
                    min(old.first, first),
                    old.title or p.title,
                    p.words,
                )
        for m in analysis.mentions:
            mentions[(m.text, m.label)] += m.count
        for a in analysis.acronyms:
            defined.setdefault(a.short, a)
    return Analysis(
        tokens=sum(a.tokens for _, _, a in parts),
        phrases=tuple(phrases[k] for k in sorted(phrases)),
        themes=tuple(h for _, _, a in parts for h in a.themes),
        mentions=tuple(Mention(t, label, c) for (t, label), c in sorted(mentions.items())),
        acronyms=tuple(sorted(defined.values(), key=lambda a: (a.short, a.long))),
        capitals=tuple(sorted({c for _, _, a in parts for c in a.capitals})),
    )


# -- cache --------------------------------------------------------------------------------------


class Cache:
    """Analyses on disk, one file per text, named by a hash of everything that decides the
    analysis. Each entry is checked on reading (:mod:`proceedings.support.cachefile`: its key, its
    checksum, its types): a missing, damaged or foreign entry is simply computed again, and
    a write the disk refuses is skipped. The entries a build did not use are removed at its
    end (:meth:`sweep`): analyses of texts that changed, or made before a name was hidden."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()  # keys read or written since this object was made

    def key(self, text: Text, model: str, vocabulary: str) -> str:
        h = hashlib.sha256()
        for part in (ANALYSIS_VERSION, model, vocabulary, json.dumps(text.titles), text.text):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()

    def empty(self) -> bool:
        """No analysis kept yet (a first build)."""
        try:
            return not any(cachefile.ENTRY.match(n) for n in os.listdir(self.folder))
        except OSError:
            return True

    def get(self, key: str) -> Analysis | None:
        data = cachefile.read(self.folder / f"{key}.json", CACHE_SCHEMA, key)
        if data is None:
            return None
        try:
            analysis: Analysis = cachefile.decode(Analysis, data)
        except cachefile.Invalid:
            return None
        self.used.add(key)
        return analysis

    def put(self, key: str, analysis: Analysis) -> None:
        self.used.add(key)
        cachefile.write(self.folder / f"{key}.json", CACHE_SCHEMA, key, cachefile.encode(analysis))

    def sweep(self) -> None:
        """Remove the entries this build did not use."""
        cachefile.sweep(self.folder, self.used)


@dataclass(slots=True)
class Analyser:
    """Analyses texts, from the cache when it can; loads the model only when it must."""

    vocabulary: Vocabulary
    cache: Cache | None = None
    loader: Callable[[], Any] = load_nlp
    meeting: bool = True  # meeting notes: the words of the meeting itself are left out
    jobs: int = 1  # processes that share the analysis of long events
    progress: Progress | None = None
    nlp_calls: int = 0  # texts sent to spaCy (a test checks that a rebuild sends none)
    _nlp: Any = None
    _themes: ThemeIndex | None = None
    _pool: ProcessPoolExecutor | None = None  # analysis processes started early
    _model: str = field(default_factory=model_version)

    def analyse(self, texts: Sequence[Text]) -> list[Analysis]:
        settings = f"{self._model} {'réunion' if self.meeting else 'texte'}"
        keys = [
            self.cache.key(t, settings, self.vocabulary.digest) if self.cache else "" for t in texts
        ]
        found = [self.cache.get(k) if self.cache else None for k in keys]
        todo = [i for i, a in enumerate(found) if a is None]
        if todo:
            vague = VAGUE | MEETING if self.meeting else VAGUE
            # Long texts go to spaCy in pieces (it refuses texts over nlp.max_length, and
            # memory grows with the length of one text); the pieces' analyses are merged.
            pieces = [(i, at, piece) for i in todo for at, piece in split_text(texts[i])]
            parts: dict[int, list[tuple[int, Text, Analysis]]] = defaultdict(list)
            for i, at, piece, analysis in self._run(pieces, vague):
                parts[i].append((at, piece, analysis))
            for i in todo:
                analysis = merge_analyses(parts[i], len(texts[i].text))
                found[i] = analysis
                self.nlp_calls += 1
                if self.cache:
                    self.cache.put(keys[i], analysis)
        return [a for a in found if a is not None]

    def _run(
        self, pieces: list[tuple[int, int, Text]], vague: frozenset[str]
    ) -> Iterator[tuple[int, int, Text, Analysis]]:
        """Analyse the pieces here, or in ``jobs`` processes when there is enough text."""
        progress = self.progress or Progress(enabled=False)
        size = sum(len(p.text) for _, _, p in pieces)
        with progress.bar(len(pieces), "Analyse") as bar:
            if self._pool is not None:  # started early, the model loaded in each process
                batches = _batches(pieces, max(self.jobs * 4, size // TASK_CHARS))
                with schedule.stopped_on_interrupt(self._pool):
                    for done in self._pool.map(_worker_run, batches):
                        yield from done
                        bar.update(len(done))
                return
            if self.jobs > 1 and len(pieces) > 1 and size >= PARALLEL_MIN:
                batches = _batches(pieces, max(self.jobs * 4, size // TASK_CHARS))
                # fork: the processes start with the model already loaded here (copied on
                # write); elsewhere (spawn) each process loads it once.
                _WORKER.update(nlp=self.nlp(), themes=self.themes(), vague=vague)
                with (
                    schedule.process_pool(
                        self.jobs, _worker_start, (self.vocabulary.themes, vague)
                    ) as pool,
                    schedule.stopped_on_interrupt(pool),
                ):
                    for done in pool.map(_worker_run, batches):
                        yield from done
                        bar.update(len(done))
                return
            nlp, themes = self.nlp(), self.themes()
            docs = pipe(nlp, (prepare(p.text) for _, _, p in pieces))
            for (i, at, piece), doc in zip(pieces, docs, strict=True):
                yield i, at, piece, analyse(doc, piece, themes, vague)
                bar.update()

    def start(self) -> None:
        """Start the analysis processes now, each loading the model: on a first build,
        where every note is analysed, they load it while the notes are read. Ends with
        :meth:`close`."""
        if self.jobs < 2 or self._pool is not None:
            return
        vague = VAGUE | MEETING if self.meeting else VAGUE
        self._pool = schedule.process_pool(
            self.jobs, _worker_start, (self.vocabulary.themes, vague), set_up_forks=True
        )
        self._pool.submit(int)  # the processes start (and load the model) now

    def close(self) -> None:
        """Stop the processes started by :meth:`start` (before anything else forks)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = self.loader()
            self._model = model_version(self._nlp)
        return self._nlp

    def themes(self) -> ThemeIndex:
        if self._themes is None:
            self._themes = ThemeIndex.build(self.vocabulary.themes, self.nlp())
        return self._themes


PARALLEL_MIN = 200_000  # characters: below, starting processes costs more than it saves
TASK_CHARS = (
    60_000  # characters per task handed to an analysis process (small: the last ones end together)
)
BATCH_CHARS = 25_000  # characters per spaCy batch: its memory grows with the batch's text


def pipe(nlp: Any, texts: Iterable[str], limit: int = BATCH_CHARS) -> Iterator[Any]:
    """``nlp.pipe`` over batches of at most ``limit`` characters (one text at least).

    spaCy batches by number of texts (1,000 by default): a batch of long pieces holds the
    network's activations for millions of characters at once (2 GB for 1 million). Bounded
    by characters, memory stays flat at the same speed (measured on the 100,000-word event:
    10.6 s and 40 MB over the model with 20,000 characters, against 16.2 s and 1.7 GB).
    """
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and size + len(text) > limit:
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


_WORKER: dict[str, Any] = {}


def _worker_start(themes: tuple[Theme, ...], vague: frozenset[str]) -> None:
    """In each analysis process: the model loaded once."""
    nlp = load_nlp()
    _WORKER.update(nlp=nlp, themes=ThemeIndex.build(themes, nlp), vague=vague)


def _worker_run(batch: list[tuple[int, int, Text]]) -> list[tuple[int, int, Text, Analysis]]:
    nlp = _WORKER["nlp"]
    docs = pipe(nlp, (prepare(p.text) for _, _, p in batch))
    return [
        (i, at, piece, analyse(doc, piece, _WORKER["themes"], _WORKER["vague"]))
        for (i, at, piece), doc in zip(batch, docs, strict=True)
    ]


def _batches(pieces: list[tuple[int, int, Text]], count: int) -> list[list[tuple[int, int, Text]]]:
    """Consecutive batches of about equal length of text (order kept)."""
    total = sum(len(p.text) for _, _, p in pieces)
    target = max(1, total // max(1, count))
    batches: list[list[tuple[int, int, Text]]] = [[]]
    size = 0
    for item in pieces:
        if size >= target and batches[-1]:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += len(item[2].text)
    return batches
