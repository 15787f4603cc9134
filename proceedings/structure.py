"""Notes to sessions, and each note to its structure: speaker turns, quotes, proposals.

The session comes from the note's front matter first, else from its folder, else from a
file-name prefix (``table-ronde_notes.md``). Sub-folders of a session are its workshops or
groups, titled from the programme when it declares them.

Within a note, a paragraph that opens with a speaker label starts a turn (see
``speakers``); a heading made of a name alone gives its section to that speaker;
consecutive turns of one speaker are merged. Quotations are the « … » of four words or more
and the block quotes; proposals are the items under a heading such as « Propositions » and
the lines that start with « Proposition : ».
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

from .errors import Diagnostics
from .model import (
    Block,
    Event,
    Group,
    Note,
    NoteContent,
    Proposal,
    Quote,
    Session,
    SessionContent,
    Span,
    Speaker,
    Turn,
)
from .speakers import UNKNOWN_VOICE, Directory, is_description, is_name, narrator, split_label

PROPOSAL_HEADING = re.compile(
    r"^(?:nos\s+|les\s+|quelques\s+)?(?:propositions?|recommandations?|préconisations?|"
    r"pistes?\s+d[’']actions?|pistes?|actions?\s+proposées|ce\s+que\s+nous\s+proposons|"
    r"que\s+proposons-nous)\b",
    re.IGNORECASE,
)
PROPOSAL_LINE = re.compile(
    r"^(?:proposition|préconisation|recommandation|piste)(?:\s+n°\s*\d+|\s+\d+)?\s*:\s*(.+)$",
    re.IGNORECASE | re.DOTALL,
)
KEY_HEADING = re.compile(
    r"^(?:ce\s+qu[’']il\s+faut\s+retenir|(?:les\s+)?points?\s+(?:clés?|à\s+retenir)|"
    r"à\s+retenir|messages?\s+clés?|l[’']essentiel|en\s+bref|les\s+enseignements)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"«\s*([^«»]+?)\s*»")
_ATTRIBUTION = re.compile(r"^(.*?[».!?…])\s*[(\[]([^()\[\]]{2,120})[)\]]\s*$", re.DOTALL)
_DASH_ATTRIBUTION = re.compile(r"^(.*?[».!?…])\s*[—–-]\s*([^—–]{2,80})$", re.DOTALL)
_MIN_QUOTE_WORDS = 4
TRANSCRIPTS = frozenset({"webvtt", "srt", "whisper"})


def assign(notes: list[Note], event: Event, diag: Diagnostics) -> tuple[SessionContent, ...]:
    """Attach every note to its session and structure it; a note that fits no session is
    reported and left out."""
    directory = Directory(event)
    by_session: dict[str, list[NoteContent]] = {s.id: [] for s in event.sessions}
    for note in notes:
        session_id = _session_of(note, event, diag)
        if session_id is not None:
            by_session[session_id].append(structure(note, directory, diag))
    return tuple(
        SessionContent(session=s, groups=_groups(s, by_session[s.id], diag)) for s in event.sessions
    )


def _session_of(note: Note, event: Event, diag: Diagnostics) -> str | None:
    known = [s.id for s in event.sessions]
    if note.meta.session is not None:
        if note.meta.session in known:
            return note.meta.session
        diag.error(
            f"session « {note.meta.session} » inconnue du programme"
            f"{_hint(note.meta.session, known)}, fichier ignoré",
            note.shown,
            note.meta.session_line or None,
        )
        return None
    if note.folder:
        if note.folder[0] in known:
            return note.folder[0]
        diag.error(
            f"dossier « {note.folder[0]} » sans session correspondante dans le "
            f"programme{_hint(note.folder[0], known)}, fichier ignoré",
            note.shown,
        )
        return None
    stem = note.path.rsplit(".", 1)[0]
    for session_id in sorted(known, key=len, reverse=True):
        if re.match(rf"{re.escape(session_id)}(?:[-_ .]|$)", stem):
            return session_id
    diag.error(
        "impossible de rattacher la note à une session : placez-la dans le dossier "
        f"de sa session ou indiquez « session: » dans son en-tête (sessions : "
        f"{', '.join(known)}), fichier ignoré",
        note.shown,
    )
    return None


def _groups(session: Session, notes: list[NoteContent], diag: Diagnostics) -> tuple[Group, ...]:
    """Session-level notes first, then workshops in programme order, then other folders."""
    buckets: dict[str, list[NoteContent]] = {}
    # Within a group, the rapporteurs' notes come before the transcripts of recordings.
    for content in sorted(notes, key=lambda n: (n.note.format in TRANSCRIPTS, n.note.path)):
        folder = content.note.folder
        sub = folder[1] if len(folder) > 1 and folder[0] == session.id else ""
        buckets.setdefault(sub, []).append(content)
    declared = {w.id: w for w in session.ateliers}
    groups = []
    # The plenary report-back of a co-development session comes after its groups.
    plenary = Group(
        id="", titre=session.restitution or session.titre, notes=tuple(buckets.pop("", []))
    )
    if plenary.notes and not session.restitution:
        groups.append(plenary)
    for workshop in session.ateliers:
        if workshop.id in buckets:
            groups.append(
                Group(
                    id=workshop.id,
                    titre=workshop.titre,
                    notes=tuple(buckets.pop(workshop.id)),
                    workshop=workshop,
                )
            )
    for sub in sorted(buckets):
        diag.warning(
            f"sous-dossier « {sub} » absent des ateliers de la session "
            f"« {session.id} » dans le programme ; titre déduit du nom du dossier"
            f"{_hint(sub, list(declared))}",
            buckets[sub][0].note.shown.rsplit("/", 1)[0],
        )
        groups.append(Group(id=sub, titre=_title_from_folder(sub), notes=tuple(buckets[sub])))
    if plenary.notes and session.restitution:
        groups.append(plenary)
    return tuple(groups)


# -- one note ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Builder:
    """The state of the walk through a note's blocks."""

    note: Note
    directory: Directory
    items: list[Block | Turn] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    turn: list[Block] = field(default_factory=list)
    speaker: Speaker | None = None
    heading_speaker: tuple[Speaker, int] | None = None  # (speaker, heading level)
    proposal_level: int | None = None  # level of the current "Propositions" heading
    key_level: int | None = None  # level of the current "Ce qu'il faut retenir" heading
    key_points: list[Block] = field(default_factory=list)

    def close(self) -> None:
        if self.speaker is not None and self.turn:
            starts = [b.start for b in self.turn if b.start is not None]
            ends = [b.end for b in self.turn if b.end is not None]
            self.items.append(
                Turn(
                    self.speaker,
                    tuple(self.turn),
                    start=min(starts) if starts else None,
                    end=max(ends) if ends else None,
                    line=self.turn[0].line,
                )
            )
        self.turn = []
        self.speaker = None

    def speak(self, speaker: Speaker, block: Block) -> None:
        same = (
            self.speaker is not None
            and self.speaker.name == speaker.name
            and speaker.label != UNKNOWN_VOICE
        )
        if not same:
            self.close()
            self.speaker = speaker
        self.turn.append(block)


def structure(note: Note, directory: Directory, diag: Diagnostics) -> NoteContent:
    """Speaker turns, quotes and proposals of one note."""
    directory = directory.for_note(note.meta.intervenants)
    b = _Builder(note, directory)
    for block in _dense_headings(note.blocks):
        if block.kind == "heading":
            b.close()
            if b.heading_speaker and block.level <= b.heading_speaker[1]:
                b.heading_speaker = None
            if b.proposal_level is not None and block.level <= b.proposal_level:
                b.proposal_level = None
            if b.key_level is not None and block.level <= b.key_level:
                b.key_level = None
            title = block.text.strip()
            if KEY_HEADING.match(title):
                b.key_level = block.level
                continue  # its content goes to the session's key messages
            if is_name(title) or directory.knows(title):
                b.heading_speaker = (directory.resolve(title), block.level)
                continue  # the name is shown with the turn, not as a heading
            if PROPOSAL_HEADING.match(title):
                b.proposal_level = block.level
            b.items.append(block)
            continue
        if b.key_level is not None:
            b.key_points.append(block)
            continue
        speaker, block = _label(block, directory)
        _collect(b, block, speaker)
        if speaker is not None:
            b.speak(speaker, block)
        elif b.heading_speaker is not None and block.kind != "image":
            b.speak(b.heading_speaker[0], block)
        else:
            b.close()
            b.items.append(block)
    b.close()
    content = NoteContent(
        note, tuple(b.items), tuple(b.quotes), tuple(b.proposals), tuple(b.key_points)
    )
    _check_speakers(content, directory, diag)
    return content


def _dense_headings(blocks: tuple[Block, ...]) -> list[Block]:
    """Heading levels renumbered 1, 2, 3… in the order of depth the note uses, so that a
    Word file that starts at « Titre 2 » or skips a level nests like any other note."""
    levels = sorted({b.level for b in blocks if b.kind == "heading"})
    rank = {level: i for i, level in enumerate(levels, start=1)}
    return [replace(b, level=rank[b.level]) if b.kind == "heading" else b for b in blocks]


def _label(block: Block, directory: Directory) -> tuple[Speaker | None, Block]:
    """The speaker of a block (given by the format, or a label opening its text)."""
    if block.speaker:
        return directory.resolve(block.speaker), block
    if block.kind not in ("paragraph", "item"):
        return None, block
    found = split_label(block.text, directory.knows)
    if found is None:
        return None, block
    label, rest = found
    cut = len(block.text) - len(rest)
    return directory.resolve(label), replace(block, spans=_drop(block.spans, cut))


def _drop(spans: tuple[Span, ...], count: int) -> tuple[Span, ...]:
    """Spans without their first ``count`` characters of text (footnotes kept)."""
    out: list[Span] = []
    for span in spans:
        if count > 0 and not span.footnote:
            if len(span.text) <= count:
                count -= len(span.text)
                continue
            span = replace(span, text=span.text[count:])
            count = 0
        out.append(span)
    if out and not out[0].footnote:
        out[0] = replace(out[0], text=out[0].text.lstrip())
    return tuple(s for s in out if s.text)


def _collect(b: _Builder, block: Block, speaker: Speaker | None) -> None:
    """Proposals and quotations of a block."""
    path = b.note.path
    text = block.text.strip()
    if block.kind in ("paragraph", "item"):
        if m := PROPOSAL_LINE.match(text):
            b.proposals.append(Proposal(_sentence(m[1]), path, block.line))
        elif b.proposal_level is not None and text:
            b.proposals.append(Proposal(_sentence(text), path, block.line))
    if block.kind == "quote":
        quote, who = _attributed(text, b.directory)
        if len(quote.split()) >= _MIN_QUOTE_WORDS:
            b.quotes.append(Quote(quote, who or speaker, path, block.line))
        return
    if block.kind in ("paragraph", "item"):
        who = speaker or (b.heading_speaker[0] if b.heading_speaker else None)
        if who is None and (subject := narrator(text, b.directory.knows)) is not None:
            who = b.directory.resolve(subject)
        for m in _QUOTED.finditer(text):
            if len(m[1].split()) >= _MIN_QUOTE_WORDS:
                b.quotes.append(Quote(m[1].strip(), who, path, block.line))


def _attributed(text: str, directory: Directory) -> tuple[str, Speaker | None]:
    """A block quote's text and the speaker named after it: « … » (une élue) or « … » — X."""
    speaker = None
    for pattern in (_ATTRIBUTION, _DASH_ATTRIBUTION):
        if m := pattern.match(text):
            who = m[2].split(",", 1)[0].strip()
            if is_description(who) or is_name(who) or directory.knows(who):
                text, speaker = m[1], directory.resolve(who)
                break
    text = text.strip()
    if text.startswith("«") and text.endswith("»"):
        text = text[1:-1]
    return text.strip(), speaker


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def _check_speakers(content: NoteContent, directory: Directory, diag: Diagnostics) -> None:
    """A named speaker who resembles a programme person is probably a misspelling."""
    seen: set[str] = set()
    for item in content.items:
        if not isinstance(item, Turn):
            continue
        speaker = item.speaker
        if speaker.person is not None or speaker.anonymous or speaker.name in seen:
            continue
        seen.add(speaker.name)
        closest = directory.closest(speaker.name, cutoff=85)
        if closest:
            names = " ou ".join(f"« {n} »" for n in closest)
            diag.warning(
                f"intervenant « {speaker.name} » absent du programme ; le plus "
                f"proche : {names} (ajoutez une graphie dans « alias » si c’est "
                "la même personne)",
                content.note.shown,
                item.line or None,
            )


def _title_from_folder(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def _hint(value: str, known: list[str]) -> str:
    """The closest known id when one is close, else the list of known ids."""
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.7)
    listed = f"identifiants possibles : {', '.join(known)}"
    if close:
        return f" (vouliez-vous dire « {close[0]} » ? {listed})"
    return f" ({listed})" if known else ""
