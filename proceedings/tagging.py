"""Tagging with spaCy's French model: keyphrases, thesaurus themes, named entities and
acronyms, with the analysis of each note cached on its content.

Keyphrases — the method, documented because editors rely on it:

1. Candidates are the noun phrases French writes: sequences of nouns, proper nouns and
   adjectives containing a noun, with ``de``/``d'``/``du``/``des`` allowed inside
   ("ingénierie de catalyse", "RSE territoriale"); every sub-phrase of up to five words is a
   candidate. Words in capitals are nouns (acronyms), vague nouns ("fois", "cas", "chose")
   never make a candidate, names of people (spaCy's PER entities) are left to the index of
   people. Candidates are grouped on their lemmas, so inflections and case do not split them.
2. A candidate of a text scores ``count^0.75 × idf × title × length`` where ``idf`` is
   ``log((N + 1) / (df + 1)) + 0.1`` over the N texts compared (the other notes, or the other
   sessions: the contrast), ``title`` is 2 when it appears in a title or heading, and
   ``length`` favours one and two words (1.2, 1.0, then 0.7 and 0.56).
3. Ranked candidates whose words differ only by a plural are kept once.

The session's keyphrases add up its notes and contrast with the other sessions; the event's
favour phrases that several sessions share. The figures that justify these constants are
measured by ``bench/motscles.py`` on a public French keyphrase set (see docs/mots-cles.md).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cachefile, regexcache, schedule
from .model import (
    Acronym,
    Analysis,
    Block,
    Mention,
    NoteContent,
    Phrase,
    Synthesis,
    Tag,
    TagKind,
    Tags,
    Theme,
    ThemeHit,
    Turn,
)
from .progress import Progress
from .speakers import Directory, fold, is_name
from .vocabulary import Vocabulary, norm

MODEL = "fr_core_news_sm"
ANALYSIS_VERSION = "5"  # change it when the analysis changes: cached analyses are redone
# the format of an analysis on disk (proceedings.cachefile)
CACHE_SCHEMA = f"analyse-{ANALYSIS_VERSION}"

TF_EXPONENT = 0.75
TITLE_BOOST = 2.0
LENGTH_PRIOR = {1: 1.2, 2: 1.0, 3: 0.7}
LONG_PRIOR = 0.56  # four words and more
IDF_FLOOR = 0.1
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


def load_nlp(regexes: Path | None = None) -> Any:
    """The French model, loaded once, without the parser (noun phrases come from
    part-of-speech patterns); the sentence recogniser gives passages. The tokenizer's
    compiled regular expressions are kept in ``regexes`` (by default the user's cache
    folder; see :mod:`proceedings.regexcache`): 1.5 s to load instead of 3.7 s."""
    import spacy  # imported here: a build whose analyses are all cached never loads it

    with regexcache.cached(regexes or regexcache.user_cache()):
        nlp = spacy.load(MODEL, exclude=["parser"])
    nlp.enable_pipe("senter")
    return nlp


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
    analysis. Each entry is checked on reading (:mod:`proceedings.cachefile`: its key, its
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


# -- ranking ------------------------------------------------------------------------------------


def rank(
    documents: Sequence[Sequence[Phrase]], top: int | None = None
) -> list[list[tuple[Phrase, float]]]:
    """The keyphrases of each document, best first, contrasted with the other documents."""
    df: Counter[str] = Counter()
    for phrases in documents:
        df.update({p.key for p in phrases})
    n = len(documents)
    ranked = []
    for phrases in documents:
        scored = []
        for p in phrases:
            idf = math.log((n + 1) / (df[p.key] + 1)) + IDF_FLOOR
            score = p.count**TF_EXPONENT * idf * _prior(p)
            scored.append((p, score))
        ranked.append(_dedup(scored, top))
    return ranked


def _prior(p: Phrase) -> float:
    return (TITLE_BOOST if p.title else 1.0) * LENGTH_PRIOR.get(p.words, LONG_PRIOR)


def _dedup(scored: list[tuple[Phrase, float]], top: int | None) -> list[tuple[Phrase, float]]:
    out: list[tuple[Phrase, float]] = []
    seen: set[str] = set()
    for p, score in sorted(scored, key=lambda ps: (-ps[1], ps[0].key)):
        key = norm(p.key)
        if key in seen:
            continue
        seen.add(key)
        out.append((p, score))
        if top is not None and len(out) >= top:
            break
    return out


def merge_phrases(groups: Iterable[Iterable[Phrase]]) -> tuple[Phrase, ...]:
    """The phrases of several texts as those of one (counts added, first place kept)."""
    merged: dict[str, Phrase] = {}
    for phrases in groups:
        for p in phrases:
            old = merged.get(p.key)
            if old is None:
                merged[p.key] = p
            else:
                merged[p.key] = Phrase(
                    p.key,
                    old.surface,
                    old.count + p.count,
                    min(old.first, p.first),
                    old.title or p.title,
                    p.words,
                )
    return tuple(merged[k] for k in sorted(merged))


def keyphrases_of_texts(texts: Sequence[str], analyser: Analyser, top: int = 10) -> list[list[str]]:
    """Each text's keyphrases, best first, each text contrasted with the others."""
    analyses = analyser.analyse([plain_text(t) for t in texts])
    return [[p.surface for p, _ in ranked] for ranked in rank([a.phrases for a in analyses], top)]


# -- the event ------------------------------------------------------------------------------

NOTE_TOP = 8
SESSION_TOP = 10
EVENT_TOP = 40
SESSION_THEMES = 6


def tag(synthesis: Synthesis, analyser: Analyser, diag: Any = None) -> Tags:
    """Keyphrases per note, per session and for the event; themes; entities; acronyms."""
    contents = synthesis.notes
    analyses = dict(
        zip(
            (c.note.path for c in contents),
            analyser.analyse([note_text(c) for c in contents]),
            strict=True,
        )
    )
    session_of = {c.note.path: s.session.id for s in synthesis.sessions for c in s.notes}
    order = {s.session.id: i for i, s in enumerate(synthesis.sessions)}
    overrides = _Overrides(analyser.vocabulary)
    phrases = {path: overrides.apply(a.phrases) for path, a in analyses.items()}

    paths = list(phrases)
    note_scores = dict(zip(paths, rank([phrases[p] for p in paths]), strict=True))
    by_note = {
        path: tuple(
            overrides.tag(p, "mot-clé", (session_of[path],), (path,)) for p, _ in ranked[:NOTE_TOP]
        )
        for path, ranked in note_scores.items()
    }
    where = _where(phrases, session_of, order)
    # A session's keyphrases add up the scores its notes give them (each note contrasted
    # with all the others); the event's add up the sessions', so that a phrase distinctive
    # of several sessions comes first and one that every note uses does not.
    by_session: dict[str, tuple[Tag, ...]] = {}
    event_scores: list[tuple[Phrase, float]] = []
    for content in synthesis.sessions:
        if not content.notes:
            continue
        summed = _sum_scores(note_scores[c.note.path] for c in content.notes)
        ranked = _dedup(summed, None)
        by_session[content.session.id] = tuple(
            overrides.tag(p, "mot-clé", *where[p.key]) for p, _ in ranked[:SESSION_TOP]
        )
        event_scores += ranked
    event = _dedup(_sum_scores([event_scores]), EVENT_TOP)
    chosen = {p.key for p, _ in event}
    merged = merge_phrases(phrases.values())
    kept = [p for p in merged if p.key not in chosen and overrides.kept(p)]
    keyphrases = tuple(
        overrides.tag(p, "mot-clé", *where[p.key]) for p in [*(p for p, _ in event), *kept]
    )
    themes, themes_by_session, passages = _theme_tags(
        analyses, session_of, order, analyser.vocabulary
    )
    acronyms = _acronym_tags(analyses, session_of, order, analyser.vocabulary)
    return Tags(
        by_note=by_note,
        by_session=by_session,
        themes_by_session=themes_by_session,
        keyphrases=keyphrases,
        themes=themes,
        entities=_entity_tags(analyses, synthesis, session_of, order, acronyms),
        acronyms=acronyms,
        passages=passages,
        rules=overrides.report(),
    )


def _where(
    phrases: dict[str, tuple[Phrase, ...]], session_of: dict[str, str], order: dict[str, int]
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    sessions: dict[str, set[str]] = defaultdict(set)
    notes: dict[str, list[str]] = defaultdict(list)
    for path, items in phrases.items():
        for p in items:
            sessions[p.key].add(session_of[path])
            notes[p.key].append(path)
    return {
        k: (tuple(sorted(sessions[k], key=order.__getitem__)), tuple(notes[k])) for k in sessions
    }


def _sum_scores(
    groups: Iterable[Iterable[tuple[Phrase, float]]],
) -> list[tuple[Phrase, float]]:
    """Scores of several rankings added up, phrase by phrase (their counts too)."""
    total: dict[str, float] = defaultdict(float)
    collected: list[Phrase] = []
    for group in groups:
        for p, score in group:
            total[p.key] += score
            collected.append(p)
    merged = {p.key: p for p in merge_phrases([collected])}
    return [(merged[k], total[k]) for k in sorted(total)]


class _Overrides:
    """The editor's keyword decisions (``mots-cles.yaml``), and what each of them did."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        o = vocabulary.overrides
        # the target is a member of its own group: its occurrences join the variants'
        self.merge = {norm(v): (norm(t), t) for t, variants in o.fusionner for v in (t, *variants)}
        self.ban = {norm(x) for x in o.exclure}
        self.names = {norm(k): v for k, v in o.renommer}
        self.keep = {norm(x) for x in o.garder}
        self.used: Counter[tuple[str, str]] = Counter()
        self.source = o

    def apply(self, phrases: Iterable[Phrase]) -> tuple[Phrase, ...]:
        out: list[Phrase] = []
        for p in phrases:
            key, surface = norm(p.key), norm(p.surface)
            target = self.merge.get(key) or self.merge.get(surface)
            if target is not None:
                self.used[("fusionner", target[1])] += 1
                p = Phrase(target[0], target[1], p.count, p.first, p.title, len(target[0].split()))
                key = target[0]
            if key in self.ban or surface in self.ban:
                self.used[("exclure", key if key in self.ban else surface)] += 1
                continue
            out.append(p)
        return merge_phrases([out])

    def kept(self, p: Phrase) -> bool:
        return norm(p.key) in self.keep or norm(p.surface) in self.keep

    def tag(
        self, p: Phrase, kind: TagKind, sessions: tuple[str, ...], notes: tuple[str, ...]
    ) -> Tag:
        label = self.names.get(norm(p.key)) or self.names.get(norm(p.surface)) or p.surface
        if label != p.surface:
            self.used[("renommer", norm(p.key))] += 1
        if self.kept(p):
            self.used[("garder", norm(p.key))] += 1
        return Tag(label, kind, p.key, p.count, sessions, notes)

    def report(self) -> tuple[str, ...]:
        """One line per rule of mots-cles.yaml: applied, or matched no keyword."""
        lines = []
        for action, word in _rules(self.source):
            hits = self.used.get((action, word), 0) + self.used.get((action, norm(word)), 0)
            state = "appliqué" if hits else "sans effet : aucun mot-clé ne correspond"
            lines.append(f"{action} « {word} » : {state}")
        return tuple(lines)


def _rules(o: Any) -> list[tuple[str, str]]:
    return [
        *(("fusionner", t) for t, _ in o.fusionner),
        *(("exclure", x) for x in o.exclure),
        *(("renommer", k) for k, _ in o.renommer),
        *(("garder", x) for x in o.garder),
    ]


def rules(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The editor's keyword rules as declared (their effect is known after tagging)."""
    return tuple(f"{action} « {word} »" for action, word in _rules(vocabulary.overrides))


def _theme_tags(
    analyses: dict[str, Analysis],
    session_of: dict[str, str],
    order: dict[str, int],
    vocabulary: Vocabulary,
) -> tuple[tuple[Tag, ...], dict[str, tuple[Tag, ...]], dict[str, tuple[tuple[str, str], ...]]]:
    counts: Counter[str] = Counter()
    per_session: dict[str, Counter[str]] = defaultdict(Counter)
    notes: dict[str, list[str]] = defaultdict(list)
    passages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path, analysis in analyses.items():
        for hit in analysis.themes:
            counts[hit.theme] += 1
            per_session[session_of[path]][hit.theme] += 1
            if path not in notes[hit.theme]:
                notes[hit.theme].append(path)
            passages[hit.theme].append((path, hit.passage))
    labels = {t.id: t.libelle for t in vocabulary.themes}

    def theme_tag(theme_id: str, count: int) -> Tag:
        sessions = tuple(sorted({session_of[p] for p in notes[theme_id]}, key=order.__getitem__))
        return Tag(
            labels.get(theme_id, theme_id),
            "thème",
            theme_id,
            count,
            sessions,
            tuple(notes[theme_id]),
        )

    themes = tuple(
        theme_tag(t, c) for t, c in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))
    )
    by_session = {
        sid: tuple(
            theme_tag(t, c)
            for t, c in sorted(cs.items(), key=lambda tc: (-tc[1], tc[0]))[:SESSION_THEMES]
        )
        for sid, cs in per_session.items()
    }
    return themes, by_session, {t: tuple(p) for t, p in passages.items()}


def _entity_tags(
    analyses: dict[str, Analysis],
    synthesis: Synthesis,
    session_of: dict[str, str],
    order: dict[str, int],
    glossary: tuple[Tag, ...],
) -> tuple[Tag, ...]:
    """People, organisations and places, merged with the programme's spellings, those a
    reader would look up (see ``_indexed``)."""
    directory = Directory(synthesis.event)
    organisations = _organisations(synthesis)
    groups: dict[tuple[TagKind, str], dict[str, Any]] = {}

    def add(label: str, kind: TagKind, count: int, path: str) -> None:
        entry = groups.setdefault((kind, fold(label)), {"label": label, "count": 0, "notes": []})
        entry["count"] += count
        if path not in entry["notes"]:
            entry["notes"].append(path)

    for path, analysis in analyses.items():
        for m in analysis.mentions:
            if m.label == "PER":
                person = directory.lookup(m.text)
                add(person.nom if person else m.text, "personne", m.count, path)
            elif m.label == "ORG":
                add(organisations.get(fold(m.text), m.text), "organisation", m.count, path)
            else:
                add(m.text, "lieu", m.count, path)
    speakers: set[str] = set()
    for content in synthesis.notes:  # programme people who speak are cited too
        for item in content.items:
            if isinstance(item, Turn):
                speakers.add(fold(item.speaker.name))
                if item.speaker.person is not None:
                    add(item.speaker.person.nom, "personne", 1, content.note.path)
                elif not item.speaker.anonymous and is_name(item.speaker.name):
                    add(item.speaker.name, "personne", 1, content.note.path)  # « M. CHIRAC »
    _join_parts(groups)
    confirmed = {fold(p.nom) for p in directory.people} | speakers | set(organisations)
    acronyms = {
        key
        for (kind, key), e in groups.items()
        if kind == "organisation" and _is_acronym(e["label"])
    }
    expanded = {fold(t.label) for t in glossary}
    tags = []
    for (kind, key), entry in groups.items():
        mentions = _Mentions(entry["count"], len(entry["notes"]))
        if not _indexed(kind, key, entry["label"], mentions, confirmed, acronyms, expanded):
            continue
        sessions = tuple(sorted({session_of[p] for p in entry["notes"]}, key=order.__getitem__))
        tags.append(Tag(entry["label"], kind, key, entry["count"], sessions, tuple(entry["notes"])))
    return tuple(sorted(tags, key=lambda t: (t.kind, fold(t.label))))


_MENTIONS = 2  # mentions of a name the programme does not confirm, for the index
_SPREAD = 2  # notes naming an organisation the programme does not confirm
_REPEATED = 3  # or mentions of it in one note; or notes naming an acronym no note expands
_EDGE_WORDS = frozenset(
    "and or the of for to in on at by with et ou de du des la le les en au aux".split()
)
# Words an organisation's name begins with (« Agence… », « Conseil… », « Union… »): a
# capitalised common noun that does not begin a table's header (« Remarque 1 », « Point
# de contact », « Statut conditionnel ») or a document's title (« Guide identificateurs »).
_ORGANISATION_HEADS = frozenset(
    """agence agglomeration academie association assemblee atelier autorite banque bureau
    cabinet caisse centre chambre club collectif collectivite comite commission communaute
    commune compagnie confederation conseil conservatoire cooperative coordination cour
    delegation departement direction ecole entreprise etablissement federation fondation
    fonds gouvernement groupe groupement haut haute inspection institut laboratoire ligue
    mairie maison metropole ministere mission mouvement mutuelle observatoire office parc
    parlement parti pole prefecture region reseau secretariat senat service societe
    syndicat tribunal union universite ville villes""".split()
)


@dataclass(frozen=True, slots=True)
class _Mentions:
    count: int  # mentions in all the notes
    notes: int  # notes that make them


def _is_acronym(label: str) -> bool:
    """« CNIG », « IAG GRS 1980 », « Q2 »: capitals and figures, as acronyms are written."""
    words = label.split()
    return (
        bool(words)
        and all(w.isalnum() and len(w) <= 8 and not w.islower() for w in words)
        and label.upper() == label
    )


def _indexed(
    kind: str,
    key: str,
    label: str,
    mentions: _Mentions,
    confirmed: set[str],
    acronyms: set[str],
    expanded: set[str],
) -> bool:
    """A name a reader would look up in the index: confirmed by the programme or by
    speaking, or mentioned again with a plausible form. A person's name as minutes write
    it, not a fragment of a table (« Xpath ISO »); an organisation named in several notes
    or often in one, by a name that begins like one (« Direction régionale de
    l'environnement », « Enedis »), not a header or a common noun with a capital; an
    acronym in several notes if « Sigles » explains it, in more if not (« MAJ », « ID »
    in two notes are abbreviations, not bodies).
    Fragments ending or starting with « and », « de »… are never names."""
    if key in confirmed:
        return True
    words = label.split()
    if mentions.count < _MENTIONS or not words or len(words) > 6:
        return False
    if words[0].lower() in _EDGE_WORDS or words[-1].lower() in _EDGE_WORDS:
        return False
    if kind == "personne":
        return is_name(label) and not any(fold(w) in acronyms for w in words if w.isupper())
    if kind == "organisation":
        spread = mentions.notes >= _SPREAD
        if _is_acronym(label):
            return mentions.notes >= (_SPREAD if key in expanded else _REPEATED)
        shaped = (len(words) == 1 and not label.isupper()) or fold(words[0]) in _ORGANISATION_HEADS
        return shaped and (spread or mentions.count >= _REPEATED)
    return any(c.isupper() for c in label)


def _join_parts(groups: dict[tuple[TagKind, str], dict[str, Any]]) -> None:
    """« Pen » and « Marine » apart are « Marine Le Pen » when the notes name her in full
    (and no one else has that part of a name)."""
    people = [k for k in groups if k[0] == "personne" and len(k[1].split()) > 1]
    for kind, key in [k for k in groups if k[0] == "personne" and " " not in k[1]]:
        whole = [p for p in people if key in p[1].split()]
        if len(whole) == 1:
            part = groups.pop((kind, key))
            target = groups[whole[0]]
            target["count"] += part["count"]
            target["notes"] += [n for n in part["notes"] if n not in target["notes"]]


def _organisations(synthesis: Synthesis) -> dict[str, str]:
    """Every organisation the programme names, by folded name."""
    names: list[str] = list(synthesis.event.partenaires)
    for s in synthesis.event.sessions:
        people = [*s.intervenants, *((s.animateur,) if s.animateur else ())]
        for focus in (*s.eclairages, *((s.introduction,) if s.introduction else ())):
            names.append(focus.organisation)
            people.extend(focus.intervenants)
        names += [p.organisation for p in people]
        names += [*s.partenaires, *(p for w in s.ateliers for p in w.partenaires)]
        names += [t.porteur for t in s.outils] + [s.animation]
    return {fold(n): n for n in names if n}


def _acronym_tags(
    analyses: dict[str, Analysis],
    session_of: dict[str, str],
    order: dict[str, int],
    vocabulary: Vocabulary,
) -> tuple[Tag, ...]:
    """The glossary: acronyms used in the notes, with the expansion a note or the
    thesaurus gives."""
    expansions: dict[str, Counter[str]] = defaultdict(Counter)
    for analysis in analyses.values():
        for a in analysis.acronyms:
            expansions[a.short][a.long] += 1
    for theme in vocabulary.themes:
        if theme.sigle and theme.sigle not in expansions:
            expansions[theme.sigle][theme.libelle] += 1
    used: dict[str, list[str]] = defaultdict(list)
    for path, analysis in analyses.items():
        for short in {*analysis.capitals, *(a.short for a in analysis.acronyms)}:
            if short in expansions:
                used[short].append(path)
    tags = []
    for short, paths in used.items():
        long = expansions[short].most_common(1)[0][0]
        sessions = tuple(sorted({session_of[p] for p in paths}, key=order.__getitem__))
        tags.append(Tag(short, "sigle", short, len(paths), sessions, tuple(paths), detail=long))
    return tuple(sorted(tags, key=lambda t: t.label))
