"""What the synthesis shows of each session besides its notes: the key messages (the
rapporteur's, or sentences chosen automatically and marked for review), a few quotes, and
every proposal, grouped by theme.

Automatic key messages: the sentences of the session's notes are scored by the session's
keyphrases they contain (a keyphrase weighs more the higher it ranks), divided by the
square root of their length so that long sentences do not win by size alone; sentences
that are questions, quotations or shorter than eight words are left aside; the three best
are shown in the order of the notes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from proceedings.analyse.analysis import Analyser, Text
from proceedings.model import (
    Block,
    NoteContent,
    Proposal,
    Publication,
    Quote,
    SessionContent,
    Span,
    Synthesis,
    Tag,
    Tags,
    Turn,
)
from proceedings.select.condense import names_listed

KEY_SENTENCES = 3
QUOTES_PER_GROUP = 3
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«A-ZÀ-Ý])")


@dataclass(frozen=True, slots=True)
class KeyPoints:
    """The key messages of a session or of one of its groups."""

    points: tuple[Block, ...]
    automatic: bool  # chosen by the tool: the editor must review them


@dataclass(frozen=True, slots=True)
class ThemedProposal:
    proposal: Proposal
    session: str  # session id
    group: str  # the group's title ("" for the session as a whole)


@dataclass(frozen=True, slots=True)
class ProposalTheme:
    label: str  # the theme's label, or « Autres propositions »
    proposals: tuple[ThemedProposal, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    key_points: dict[tuple[str, str], KeyPoints]  # (session id, group id) -> key messages
    quotes: dict[tuple[str, str], tuple[Quote, ...]]  # (session id, group id) -> quotes
    proposals: tuple[ProposalTheme, ...]


def select(sessions: Sequence[SessionContent], tags: Tags, analyser: Analyser) -> Selection:
    key_points: dict[tuple[str, str], KeyPoints] = {}
    quotes: dict[tuple[str, str], tuple[Quote, ...]] = {}
    for content in sessions:
        sid = content.session.id
        for group in content.groups:
            notes = in_synthesis(group.notes)
            points = key_points_of(notes, tags.by_session.get(sid, ()))
            if points.points:
                key_points[(sid, group.id)] = points
            chosen = choose_quotes(q for n in notes for q in n.quotes)
            if chosen:
                quotes[(sid, group.id)] = chosen
    return Selection(key_points, quotes, themed_proposals(sessions, analyser))


def in_synthesis(notes: Iterable[NoteContent]) -> tuple[NoteContent, ...]:
    """The notes the synthesis draws on: all but those an editor keeps for the proceedings
    (``publication: actes``)."""
    return tuple(n for n in notes if n.note.meta.publication is not Publication.ACTES)


def key_points_of(notes: Sequence[NoteContent], keyphrases: Sequence[Tag]) -> KeyPoints:
    """The rapporteurs' key messages when a note has them, else the best sentences."""
    written = tuple(b for n in notes for b in n.key_points if b.text.strip())
    if written:
        return KeyPoints(written, automatic=False)
    weights = {t.label.lower(): 1 / (1 + i) for i, t in enumerate(keyphrases)}
    candidates: list[tuple[float, int, str]] = []
    order = 0
    for note in notes:
        for block in _prose(note):
            for sentence in _SENTENCE_END.split(block.text):
                sentence = sentence.strip()
                order += 1
                words = len(sentence.split())
                if (
                    words < 8
                    or words > 60
                    or sentence.endswith("?")
                    or "«" in sentence
                    or names_listed(sentence)  # « Christine Revel - Asso Vers le Jardin »
                ):
                    continue
                lower = sentence.lower()
                score = sum(w for k, w in weights.items() if k in lower) / math.sqrt(words)
                if score > 0:
                    candidates.append((score, order, sentence))
    best = sorted(candidates, key=lambda c: (-c[0], c[1]))[:KEY_SENTENCES]
    chosen = [Block("item", (Span(s),)) for _, _, s in sorted(best, key=lambda c: c[1])]
    return KeyPoints(tuple(chosen), automatic=True)


def _prose(note: NoteContent) -> Iterable[Block]:
    for item in note.items:
        blocks = item.blocks if isinstance(item, Turn) else (item,)
        yield from (b for b in blocks if b.kind in ("paragraph", "item"))


def choose_quotes(quotes: Iterable[Quote]) -> tuple[Quote, ...]:
    """A few quotes of a group: attributed first, of a readable length, distinct speakers."""
    pool = [q for q in quotes if 8 <= len(q.text.split()) <= 45]
    pool.sort(key=lambda q: (q.speaker is None, abs(len(q.text.split()) - 22), q.line))
    chosen: list[Quote] = []
    speakers: set[str] = set()
    for q in pool:
        name = q.speaker.name if q.speaker else ""
        if name and name in speakers:
            continue
        speakers.add(name)
        chosen.append(q)
        if len(chosen) == QUOTES_PER_GROUP:
            break
    return tuple(chosen)


def themed_proposals(
    sessions: Sequence[SessionContent], analyser: Analyser
) -> tuple[ProposalTheme, ...]:
    """Every proposal of the event, grouped by the first theme of the thesaurus it names."""
    items: list[ThemedProposal] = []
    for content in sessions:
        for group in content.groups:
            title = group.titre if group.id else ""
            items += [
                ThemedProposal(p, content.session.id, title)
                for n in in_synthesis(group.notes)
                for p in n.proposals
            ]
    if not items:
        return ()
    analyses = analyser.analyse([Text(t.proposal.text) for t in items])
    labels = {t.id: t.libelle for t in analyser.vocabulary.themes}
    groups: dict[str, list[ThemedProposal]] = {}
    for item, analysis in zip(items, analyses, strict=True):
        theme = analysis.themes[0].theme if analysis.themes else ""
        groups.setdefault(theme, []).append(item)
    ordered = sorted((k for k in groups if k), key=lambda k: (-len(groups[k]), labels[k]))
    out = [ProposalTheme(labels[k], tuple(groups[k])) for k in ordered]
    if "" in groups:
        out.append(ProposalTheme("Autres propositions", tuple(groups[""])))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """« La Rencontre en chiffres »."""

    sessions: int
    contributions: int  # notes published
    rapporteurs: int
    speakers: int  # programme speakers, moderators and focus speakers
    voices: int  # distinct people who speak in the notes' turns
    words: int
    participants: int | None  # when the programme gives it
    themes: tuple[str, ...]  # the main themes, most present first


def key_figures(synthesis: Synthesis, tags: Tags) -> KeyFigures:
    from proceedings.structure.speakers import Directory

    notes = synthesis.notes
    voices = {s.name for n in notes for s in n.speakers}
    return KeyFigures(
        sessions=len(synthesis.event.sessions),
        contributions=len(notes),
        rapporteurs=len({n.note.meta.rapporteur for n in notes if n.note.meta.rapporteur}),
        speakers=len(Directory(synthesis.event).people),
        voices=len(voices),
        words=sum(n.note.words for n in notes),
        participants=synthesis.event.participants,
        themes=tuple(t.label for t in tags.themes[:5]),
    )
