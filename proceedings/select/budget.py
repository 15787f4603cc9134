"""The page budget of the synthesis: what each note becomes in it (whole, the rapporteur's
own synthesis, extracts of a condensed account, or nothing: only in the proceedings) and
how many words each session's condensed account may hold.

The budget is ``synthese: {pages: N}`` in the programme (40 pages by default), counted in
words at :data:`WORDS_PER_PAGE`. What is not a note's text comes first: the presentation of
each session (its speakers, themes and keyphrases), its key messages and quotes, the
proposals, the notes an editor wants whole (``publication: integrale``). The rest is shared
between the notes, each getting at most its own length and otherwise a share that grows as
the square root of its length (the longer the notes, the stronger the condensation):

- a written note that its share holds whole is printed whole;
- a transcript (subtitles, speech-to-text, a verbatim) is condensed, to at most
  :data:`TRANSCRIPT_SHARE` of its words, unless it is too short to be (a few lines);
- a note condensed by default whose rapporteur wrote their own synthesis (« Synthèse »,
  « Conclusion »…, see :data:`proceedings.structure.notes.SUMMARY_HEADING`) is represented by it
  when it is long enough to stand for the note (a quarter of its share) and short enough
  for the share; a shorter one (a conclusion of a few lines) is printed, and the rest of
  the note condensed with what is left of its share;
- the other notes condensed in one group are condensed together, in one account: what two
  notes of one workshop both say is said once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from proceedings.model import Block, NoteContent, NoteType, Publication, Synthesis, Turn
from proceedings.select.condense import Extract, Unit, condense, speaking_shares, units_of
from proceedings.structure.notes import TRANSCRIPTS

WORDS_PER_PAGE = 430  # measured on the synthesis's PDF: text, headings and spacing
IMAGE_WORDS = 150  # an image of a note takes about a third of a page
MIN_ACCOUNT = 80  # a condensed account shorter than this says too little
MIN_SUMMARY = 40  # a rapporteur's synthesis shorter than this does not stand for a note
SUMMARY_SLACK = 1.5  # a rapporteur's synthesis may exceed the note's share by this much
STANDS_FOR = 0.25  # … and stands for the note alone when it holds this share of it
TRANSCRIPT_SHARE = 0.5  # a transcript is condensed to at most this share of its words
SESSION_WORDS = 60  # title, times, description of a session chapter
PERSON_WORDS = 12  # a speaker in the session's presentation


@dataclass(frozen=True, slots=True)
class Account:
    """What the synthesis prints of the condensed notes of one group."""

    summaries: tuple[NoteContent, ...]  # notes represented by the rapporteur's synthesis
    condensed: tuple[NoteContent, ...]  # notes represented by the extracts
    extracts: tuple[Extract, ...]
    budget: int  # words the extracts may hold

    @property
    def words(self) -> int:
        return sum(e.words for e in self.extracts) + sum(_words(n.summary) for n in self.summaries)


@dataclass(frozen=True, slots=True)
class Plan:
    """The synthesis's page budget and what each note becomes in it."""

    pages: int  # the budget, in pages of session chapters
    fixed: int  # words of the chapters that are not notes' text (presentations, quotes…)
    forced: int  # words of the notes an editor wants whole
    publication: dict[str, Publication]  # note path -> where its text is published
    accounts: dict[tuple[str, str], Account]  # (session id, group id) -> condensed notes
    whole: int  # words of the notes printed whole (forced included)
    floors: int = 0  # accounts raised to MIN_ACCOUNT words beyond their share

    @property
    def words(self) -> int:
        """Words the chapters are expected to hold."""
        return self.fixed + self.whole + sum(a.words for a in self.accounts.values())

    @property
    def estimate(self) -> float:
        """Pages the chapters are expected to take."""
        return self.words / WORDS_PER_PAGE

    def over(self) -> str:
        """Why the budget cannot be kept, in French; "" when it can."""
        budget = self.pages * WORDS_PER_PAGE
        if self.words <= budget:
            return ""
        reasons = []
        if self.forced:
            reasons.append(
                f"les notes à publier en entier (« publication : integrale ») en prennent "
                f"{_pages(self.forced)}"
            )
        reasons.append(
            f"la présentation des sessions, les messages clés, les citations et les "
            f"propositions en prennent {_pages(self.fixed)}"
        )
        if self.floors:
            reasons.append(
                f"{self.floors} comptes rendus condensés ont au moins {MIN_ACCOUNT} mots"
            )
        return " ; ".join(reasons)

    def condensed(self) -> bool:
        """Whether any note's text is only in the proceedings, whole."""
        return any(p is not Publication.INTEGRALE for p in self.publication.values())


def _pages(words: int) -> str:
    pages = max(1, round(words / WORDS_PER_PAGE))
    return f"{pages} page{'s' if pages > 1 else ''}"


def _words(blocks: Iterable[Block]) -> int:
    return sum(IMAGE_WORDS if b.kind == "image" else b.words for b in blocks)


def printed_words(content: NoteContent) -> int:
    """Words a note takes when printed whole (its key messages apart, an image counted as
    the words it displaces)."""
    total = 0
    for item in content.items:
        total += _words(item.blocks) if isinstance(item, Turn) else _words((item,))
    return total


def is_transcript(content: NoteContent) -> bool:
    """A recording's transcript or a verbatim: condensed, never printed whole by default."""
    note = content.note
    return note.format in TRANSCRIPTS or note.cues > 0 or note.meta.type is NoteType.VERBATIM


def fixed_words(synthesis: Synthesis, selection: object) -> int:
    """Words of the chapters that are not notes' text."""
    total = 0
    key_points = getattr(selection, "key_points", {})
    quotes = getattr(selection, "quotes", {})
    for content in synthesis.sessions:
        s = content.session
        people = len(s.intervenants) + sum(len(f.intervenants) for f in s.eclairages)
        total += SESSION_WORDS + len(s.description.split()) + PERSON_WORDS * people
        total += sum(len(t.nom.split()) + len(t.description.split()) + 3 for t in s.outils)
        for group in content.groups:
            total += 10 if group.id else 0
            points = key_points.get((s.id, group.id))
            total += sum(b.words + 2 for b in points.points) if points else 0
            total += sum(len(q.text.split()) + 6 for q in quotes.get((s.id, group.id), ()))
    for theme in getattr(selection, "proposals", ()):
        total += 10 + sum(len(p.proposal.text.split()) + 4 for p in theme.proposals)
    return total


def plan(
    synthesis: Synthesis,
    selection: object = None,
    scale: float = 1.0,
    units: dict[tuple[str, ...], list[Unit]] | None = None,
) -> Plan:
    """What each note becomes in the synthesis, within the event's page budget; the words
    left for the notes are multiplied by ``scale`` (see :func:`fit`). ``units``: the
    sentences of groups of notes already cut, kept from one call to the next."""
    units = {} if units is None else units
    pages = synthesis.event.pages
    fixed = fixed_words(synthesis, selection)
    publication: dict[str, Publication] = {}
    shared: list[NoteContent] = []  # notes whose length the budget decides
    forced = 0
    for content in synthesis.notes:
        path = content.note.path
        wanted = content.note.meta.publication
        if wanted is Publication.ACTES:
            publication[path] = wanted
        elif wanted is Publication.INTEGRALE or (
            wanted is None and content.note.meta.type is NoteType.SYNTHESE
        ):
            # the editor's word, or a note that is itself the rapporteur's synthesis
            publication[path] = Publication.INTEGRALE
            forced += printed_words(content)
        else:
            shared.append(content)
    room = int(max(0, pages * WORDS_PER_PAGE - fixed - forced) * scale)
    shares = _shares(shared, room)
    whole = forced
    account_notes: dict[tuple[str, str], list[tuple[NoteContent, int]]] = {}
    where = {
        n.note.path: (c.session.id, g.id)
        for c in synthesis.sessions
        for g in c.groups
        for n in g.notes
    }
    for content in shared:
        path = content.note.path
        length = printed_words(content)
        share = shares[path]
        # a written note its share holds; a recording too short to condense (a few lines)
        free = content.note.meta.publication is None
        if free and share >= length and (not is_transcript(content) or length <= MIN_ACCOUNT):
            publication[path] = Publication.INTEGRALE
            whole += length
            continue
        publication[path] = Publication.CONDENSEE
        if is_transcript(content):
            share = min(share, max(MIN_ACCOUNT, int(TRANSCRIPT_SHARE * length)))
        account_notes.setdefault(where[path], []).append((content, share))
    accounts: dict[tuple[str, str], Account] = {}
    floors = 0
    for key, members in account_notes.items():
        summaries, pooled, budget = [], [], 0
        skip: set[Block] = set()
        cut: list[str] = []  # notes whose own synthesis is left out of their sentences
        for content, share in members:
            summary = _words(content.summary)
            if MIN_SUMMARY <= summary <= max(SUMMARY_SLACK * share, MIN_ACCOUNT):
                summaries.append(content)
                if summary >= STANDS_FOR * share:
                    continue  # the rapporteur's synthesis stands for the note
                # a short conclusion of a long note: the rest of the note is condensed too
                skip.update(content.summary)
                cut.append(content.note.path)
                share -= summary
            pooled.append(content)
            budget += share
        if pooled and budget < MIN_ACCOUNT:
            budget, floors = MIN_ACCOUNT, floors + 1
        key_units = (*(n.note.path for n in pooled), "sans synthèse :", *cut)
        if key_units not in units:
            units[key_units] = units_of(pooled, skip=skip)
        extracts = condense(units[key_units], budget, speaking_shares(pooled))
        accounts[key] = Account(tuple(summaries), tuple(pooled), tuple(extracts), budget)
    return Plan(pages, fixed, forced, publication, accounts, whole, floors)


def _shares(notes: list[NoteContent], room: int) -> dict[str, int]:
    """Each note's share of ``room`` words: at most its length, else proportional to the
    square root of its length (water filling: what short notes leave goes to the others)."""
    lengths = {n.note.path: printed_words(n) for n in notes}
    shares: dict[str, int] = {}
    pending = dict(lengths)
    left = room
    while pending:
        roots = sum(math.sqrt(w) for w in pending.values()) or 1.0
        rate = left / roots
        fits = {p: w for p, w in pending.items() if w <= rate * math.sqrt(w)}
        if not fits:
            for path, w in pending.items():
                shares[path] = int(rate * math.sqrt(w))
            break
        for path, w in fits.items():
            shares[path] = w
            left -= w
            del pending[path]
    return shares


# -- layout ---------------------------------------------------------------------------------

# The synthesis's page, as synthese.typ sets it (A4, 10.5 pt, margins of 2.3 cm): about 110
# characters on a line and 50 lines on a page; a heading, a framed box, an image or a
# table row takes the lines below. Measured against the PDFs of the demo and of a study
# day of real notes: within a page per chapter, rather over than under.
LINE_CHARS = 110
PAGE_LINES = 50
PARAGRAPH_GAP = 0.55
_LINES = {"# ": 4.0, "## ": 2.6, "###": 2.0, "![": 14.0, "|": 1.6, ":::": 0.6}
# A photo (class .photo) is shown 12.3 cm high across the column (10 cm for a portrait),
# with its caption: about half a page.
PHOTO_LINES = 26.0
_CHAPTER = re.compile(r"(?m)^(?=# )")
_ESCAPED = re.compile(r"\\(.)")
_IDENT = re.compile(r"\{#[^}]*\}")


def layout_pages(markdown: str) -> float:
    """Pages the chapters of a master document take in the PDF, estimated from its text:
    each chapter starts a page."""
    total = 0.0
    for chapter in _CHAPTER.split(markdown):
        if not chapter.strip():
            continue
        lines = 0.0
        for block in re.split(r"\n\s*\n", chapter):
            rows = [r.strip() for r in block.split("\n") if r.strip()]
            for row in rows:
                fixed = next((n for start, n in _LINES.items() if row.startswith(start)), None)
                if row.startswith("![") and "{.photo " in row:
                    fixed = PHOTO_LINES
                if fixed is not None:
                    lines += fixed
                    continue
                text = _IDENT.sub("", _ESCAPED.sub(r"\1", row)).replace("**", "")
                lines += math.ceil(max(1, len(text)) / LINE_CHARS)
            lines += PARAGRAPH_GAP if rows else 0
        pages = lines / PAGE_LINES
        total += max(1, math.ceil(pages - 0.1))
    return total


def chapters_of(master: str, first: str, end: str = "annexes") -> str:
    """The session chapters of a master document: from the heading whose identifier is
    ``first`` to the one whose identifier is ``end``."""
    start = re.search(rf"(?m)^# .*\{{#{re.escape(first)}\}}$", master)
    stop = re.search(rf"(?m)^# .*\{{#{re.escape(end)}\}}$", master)
    if start is None:
        return ""
    return master[start.start() : stop.start() if stop else len(master)]


FIT_STEPS = 6  # renders at most, to bring the chapters within the budget


def fit(
    synthesis: Synthesis,
    selection: object,
    draw: Callable[[Plan], str],
    first: str,
) -> tuple[Plan, str, float]:
    """The plan whose rendering (``draw``) takes the most pages within the budget, found
    by bisection on the words left to the notes; its master text and estimated pages.
    When even the strongest condensation is over budget, the strongest is kept (and
    :meth:`Plan.over` or the measure of the PDF says why). ``first``: the identifier of
    the first chapter."""
    units: dict[tuple[str, ...], list[Unit]] = {}
    budget = synthesis.event.pages

    def attempt(scale: float) -> tuple[Plan, str, float]:
        p = plan(synthesis, selection, scale, units)
        text = draw(p)
        return p, text, layout_pages(chapters_of(text, first))

    best = attempt(1.0)
    if not best[0].accounts or budget * 0.9 <= best[2] <= budget:
        return best
    low, high = (0.0, 1.0) if best[2] > budget else (1.0, 4.0)
    fitting = best if best[2] <= budget else None
    for _ in range(FIT_STEPS - 1):
        middle = (low + high) / 2
        tried = attempt(middle)
        if tried[2] <= budget:
            fitting, low = tried, middle
            if tried[2] >= budget * 0.9:
                break
        else:
            high = middle
            if fitting is None and tried[2] < best[2]:
                best = tried
    return fitting or best
