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

from proceedings.errors import Diagnostics
from proceedings.model import (
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
from proceedings.structure.speakers import (
    UNKNOWN_VOICE,
    Directory,
    fold,
    introducer,
    is_description,
    is_first_name,
    is_name,
    is_role,
    label_name,
    narrator,
    recurring_labels,
    split_label,
)

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
# Lists of who was there: a name in them is not a turn of speech.
ROSTER_HEADING = re.compile(
    r"^(?:les\s+|liste\s+des\s+)?(?:participant(?:·?e)?s|présent(?:·?e)?s|personnes\s+présentes|"
    r"étaient\s+présent(?:·?e)?s|membres\s+présents|excusé(?:·?e)?s|absent(?:·?e)?s|"
    r"invité(?:·?e)?s|intervenant(?:·?e)?s|qui\s+était\s+là)\b",
    re.IGNORECASE,
)
KEY_HEADING = re.compile(
    r"^(?:ce\s+qu[’']il\s+faut\s+retenir|(?:les\s+)?points?\s+(?:clés?|à\s+retenir)|"
    r"à\s+retenir|messages?\s+clés?|l[’']essentiel|en\s+bref|les\s+enseignements)\b",
    re.IGNORECASE,
)
# The rapporteur's own synthesis of the session: published instead of a condensed account.
SUMMARY_HEADING = re.compile(
    r"^(?:(?:notre|la|une|petite)\s+)?(?:synthèse|résumé|conclusions?|en\s+résumé|"
    r"en\s+conclusion|pour\s+conclure|en\s+synthèse|en\s+quelques\s+mots|"
    r"synthèse\s+des\s+(?:échanges|débats|discussions)|compte[-\s]rendu\s+synthétique)\b",
    re.IGNORECASE,
)
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
    line_speaker: Speaker | None = None  # a name on a line of its own, until the next label
    roster_level: int | None = None  # level of the current « Participants » heading
    roster: bool = False  # in a list of who was there (« Participants : » then items)
    proposal_level: int | None = None  # level of the current "Propositions" heading
    key_level: int | None = None  # level of the current "Ce qu'il faut retenir" heading
    key_points: list[Block] = field(default_factory=list)
    summary_level: int | None = None  # level of the current « Synthèse » heading
    summary: list[Block] = field(default_factory=list)

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
    texts = [b.text for b in note.blocks if b.kind in ("paragraph", "item")]
    voices = recurring_labels(texts)
    # « Réponse : » is a voice only where someone asks (« Question : », « Q : »); alone it
    # is a form's field (« Réponse : non »)
    asked = any(_ASKED.match(t) for t in texts)
    # a chat's export: messages under headers « pseudo (date heure) : », a few at least
    chat = sum(_chat_header(t) is not None for t in texts) >= _CHAT_MESSAGES
    directory = directory.for_note((*note.meta.intervenants, *voices))
    b = _Builder(note, directory)
    for block in _midway_turns(_dense_headings(note.blocks), directory):
        if block.kind == "heading":
            b.close()
            b.line_speaker, b.roster = None, False
            if b.heading_speaker and block.level <= b.heading_speaker[1]:
                b.heading_speaker = None
            if b.proposal_level is not None and block.level <= b.proposal_level:
                b.proposal_level = None
            if b.key_level is not None and block.level <= b.key_level:
                b.key_level = None
            if b.roster_level is not None and block.level <= b.roster_level:
                b.roster_level = None
            if b.summary_level is not None and block.level <= b.summary_level:
                b.summary_level = None
            title = block.text.strip()
            if KEY_HEADING.match(title):
                b.key_level = block.level
                continue  # its content goes to the session's key messages
            if b.summary_level is not None:
                b.summary.append(block)
            elif SUMMARY_HEADING.match(title) and not b.summary:
                b.summary_level = block.level
            if ROSTER_HEADING.match(title):
                b.roster_level = block.level
            elif (label := _name_line(title, directory, heading=True)) is not None:
                b.heading_speaker = (directory.resolve(label), block.level)
                continue  # the name is shown with the turn, not as a heading
            elif (label := _talk_by(title, directory)) is not None:
                # « Ariane Rose (ANCT) - Quel bilan ? », « Introduction par B. Monthubert »:
                # the heading stays (it titles a talk) and what follows is the speaker's
                b.heading_speaker = (directory.resolve(label), block.level)
            if PROPOSAL_HEADING.match(title):
                b.proposal_level = block.level
            b.items.append(block)
            continue
        if b.key_level is not None:
            b.key_points.append(block)
            continue
        if b.summary_level is not None:
            b.summary.append(block)
        if b.roster_level is not None or _in_roster(b, block):
            b.close()  # who was there is not who spoke
            b.items.append(block)
            continue
        if chat and CHAT_NOTICE.fullmatch(block.text.strip()):
            continue  # « Has joined the channel. »: the chat's software, not a person
        if chat and CHAT_EMOJI.search(block.text):
            block = _without_shortcodes(block)
        speaker, block = _label(block, directory, asked)
        if speaker is None and block.kind == "paragraph":
            first, _, rest = block.text.strip().partition("\n")
            header = _chat_header(first) if chat else None
            if (label := header or _name_line(first, directory)) is not None:
                speaker = directory.resolve(label)
                if not rest.strip():
                    b.close()
                    b.line_speaker = speaker  # what follows is theirs
                    continue
                block = replace(
                    block, spans=_drop(block.spans, block.text.index(first) + len(first))
                )
                b.line_speaker = speaker
        elif speaker is not None:
            b.line_speaker = None
        _collect(b, block, speaker)
        if speaker is not None:
            b.speak(speaker, block)
        elif b.line_speaker is not None and block.kind != "image":
            b.speak(b.line_speaker, block)
        elif b.heading_speaker is not None and block.kind != "image":
            b.speak(b.heading_speaker[0], block)
        else:
            b.close()
            b.items.append(block)
    b.close()
    items, quotes = _merge_variants(b.items, b.quotes)
    content = NoteContent(
        note, items, quotes, tuple(b.proposals), tuple(b.key_points), tuple(b.summary)
    )
    _check_speakers(content, directory, diag)
    return content


def _merge_variants(
    items: list[Block | Turn], quotes: list[Quote]
) -> tuple[tuple[Block | Turn, ...], tuple[Quote, ...]]:
    """One speaker for the ways a note writes them: « Emmanuel C » and « Laurence » are
    « Emmanuel Cibert » and « Laurence Le Du-Blayo » when the note names them in full;
    « Intervenant public 2 » is « Intervenant du public 2 ». A first name alone is not
    merged when the note also writes that person with an initial (« Emmanuel C »): the
    note then tells two people of that first name apart."""
    speakers = {i.speaker.name: i.speaker for i in items if isinstance(i, Turn)}
    speakers.update({q.speaker.name: q.speaker for q in quotes if q.speaker is not None})
    full = [sp for sp in speakers.values() if not sp.anonymous and sp.person is None]
    canon: dict[str, Speaker] = {}
    for speaker in speakers.values():
        # « Mickael » and « Mickaël », « Marie-hélène » and « Marie-Hélène »: one person
        same = next(sp for sp in speakers.values() if fold(sp.name) == fold(speaker.name))
        if same is not speaker:
            canon[speaker.name] = same
            continue
        if speaker.anonymous:
            key = _role_key(speaker.name)
            first = next(
                sp for sp in speakers.values() if sp.anonymous and _role_key(sp.name) == key
            )
            if first is not speaker:
                canon[speaker.name] = first
            continue
        if speaker.person is not None:
            continue
        wider = [
            sp
            for sp in full
            if sp is not speaker and _shorter_form(speaker.name, sp.name, speakers)
        ]
        if len(wider) == 1:
            canon[speaker.name] = wider[0]
    if not canon:
        return tuple(items), tuple(quotes)
    merged: list[Block | Turn] = []
    for item in items:
        if isinstance(item, Turn) and item.speaker.name in canon:
            item = replace(item, speaker=canon[item.speaker.name])
            if merged and isinstance(merged[-1], Turn) and merged[-1].speaker == item.speaker:
                merged[-1] = _joined(merged[-1], item)
                continue
        merged.append(item)
    return tuple(merged), tuple(
        replace(q, speaker=canon[q.speaker.name])
        if q.speaker is not None and q.speaker.name in canon
        else q
        for q in quotes
    )


def _joined(first: Turn, second: Turn) -> Turn:
    starts = [t for t in (first.start, second.start) if t is not None]
    ends = [t for t in (first.end, second.end) if t is not None]
    return replace(
        first,
        blocks=first.blocks + second.blocks,
        start=min(starts) if starts else None,
        end=max(ends) if ends else None,
    )


def _role_key(name: str) -> str:
    words = fold(name).split()
    return " ".join(w for w in words if w not in ("du", "de", "la", "le", "des", "l"))


def _shorter_form(short: str, long: str, speakers: dict[str, Speaker]) -> bool:
    """« Emmanuel C » or « Laurence » written for « Emmanuel Cibert », « Laurence Le Du-Blayo »."""
    s, w = fold(short).split(), fold(long).split()
    if not s or len(w) < 2 or s == w or s[0] != w[0]:
        return False
    if len(s) == 1:  # a first name alone, unless an initial form tells two people apart
        return not any(
            len(o := fold(other).split()) == 2 and o[0] == s[0] and len(o[1]) == 1
            for other in speakers
        )
    if len(s) == 2 and len(s[1]) <= 2:  # first name and initial of the surname
        return w[1].startswith(s[1]) and len(w[1]) > len(s[1])
    return len(s) < len(w) and s == w[: len(s)]


# A sentence of the rapporteur, then a label and a quotation in the same paragraph: « Dans
# la salle, la question a trouvé un écho. Une chargée de mission : « Les ODD… » ».
_MIDWAY = re.compile(r"[.!?…»]\s+(?=[^.!?…:«»\n]{2,120}?\s*:\s*«)")


def _midway_turns(blocks: list[Block], directory: Directory) -> list[Block]:
    """Paragraphs cut where a speaker label opens a quotation after the rapporteur's own
    sentences, so that the label starts a turn as at the start of a paragraph."""
    out: list[Block] = []
    for block in blocks:
        if block.kind != "paragraph" or block.speaker or "«" not in block.text:
            out.append(block)
            continue
        text = block.text
        for m in _MIDWAY.finditer(text):
            found = split_label(text[m.end() :], directory.knows)
            if found is None or "«" not in found[1][:3]:
                continue
            first, rest = _cut(block.spans, m.end())
            out += [replace(block, spans=first), replace(block, spans=rest)]
            break
        else:
            out.append(block)
    return out


def _cut(spans: tuple[Span, ...], count: int) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Spans split after ``count`` characters of text (footnotes stay with the first part)."""
    first: list[Span] = []
    rest: list[Span] = []
    for span in spans:
        if span.footnote or count <= 0:
            (first if span.footnote and count > 0 else rest).append(span)
            continue
        if len(span.text) <= count:
            first.append(span)
            count -= len(span.text)
            continue
        first.append(replace(span, text=span.text[:count].rstrip()))
        rest.append(replace(span, text=span.text[count:].lstrip()))
        count = 0
    return tuple(s for s in first if s.text), tuple(s for s in rest if s.text)


def _in_roster(b: _Builder, block: Block) -> bool:
    """Inside a list of who was there, opened by a paragraph « Participants : »."""
    if block.kind == "paragraph":
        b.roster = bool(ROSTER_HEADING.match(block.text.strip())) and block.text.rstrip(
            " *"
        ).endswith(":")
        return b.roster
    return b.roster and block.kind == "item"


# What a chat's software posts in a message of its own, in the exports of Rocket.Chat,
# Mattermost, Slack, Teams or Zoom (English and French interfaces): arrivals, departures,
# deleted messages. Nobody said it; it is left out of the note as a whole.
CHAT_NOTICE = re.compile(
    r"""(?:[\w.@-]+\s+)?            # the pseudonym, when the notice names it
    (?: has\ (?:joined|left)\ (?:the\ )?(?:channel|room|group|meeting|call|chat)
      | (?:joined|left)\ (?:the\ )?(?:channel|room|meeting|call|chat)
      | a\ (?:rejoint|quitté)\ (?:le\ |la\ |l['’])?
        (?:salon|canal|groupe|réunion|appel|discussion|conversation)
      | (?:this\ )?message\ (?:was\ )?deleted
      | (?:ce\ )?message\ (?:a\ été\ )?supprimé
    )\s*[.!]?""",
    re.IGNORECASE | re.VERBOSE,
)
_CHAT_MESSAGES = 3  # headers of messages that make a note a chat's export
# A chat message's header on a line of its own: « karimwimoov (Tue, 15 Mar 2016 09:48:57
# GMT): », « Alice Martin (10:32) : », « [15/03/2016 09:48] Alice Martin : ».
_CHAT_HEADER = re.compile(
    r"""(?: (?P<who>[^\s()\[\]:][^()\[\]:\n]{0,58}?)\s*
            \((?P<at>[^()\n]{0,40}?\d{1,2}:\d{2}[^()\n]{0,30})\)
          | \[(?P<at2>[^\[\]\n]{0,40}?\d{1,2}:\d{2}[^\[\]\n]{0,30})\]\s*
            (?P<who2>[^\s:\[\]][^:\[\]\n]{0,58}?)
    )\s*:\s*""",
    re.VERBOSE,
)


# An emoji as a chat's export writes it (« :slightly_smiling_face: », « :+1: »): not words
CHAT_EMOJI = re.compile(r" ?(?<![\w:]):(?=[a-z0-9_+-]*[a-z+])[a-z0-9_+-]{1,40}:(?![\w:])")


def _without_shortcodes(block: Block) -> Block:
    spans = tuple(replace(s, text=CHAT_EMOJI.sub("", s.text)) for s in block.spans)
    return replace(block, spans=tuple(s for s in spans if s.text or s.footnote))


def _chat_header(line: str) -> str | None:
    """The label of a chat message whose header is the line (see ``_CHAT_HEADER``): its
    author, with the date and time in parentheses as the proceedings print it
    (« alexis (Tue, 15 Mar 2016 09:48:57 GMT) »)."""
    m = _CHAT_HEADER.fullmatch(line.strip().replace("**", ""))
    if m is None:
        return None
    who = (m["who"] or m["who2"]).strip().strip("*_").strip()
    return f"{who} ({(m['at'] or m['at2']).strip()})" if who else None


def _name_line(text: str, directory: Directory, heading: bool = False) -> str | None:
    """The speaker label that a line of its own, or a heading, is made of: « S. Gaillac
    (CRAIG) », « Plouër-sur-Rance, Emmanuel Cibert », « (Béatrice) », « Une élue : ». The
    same labels as at the start of a paragraph (``split_label``); a heading must name a
    person, not a role."""
    line = text.strip().strip("*_").strip().rstrip(":").strip()
    if line.startswith("(") and ")" in line:
        inside, _, after = line[1:].partition(")")
        if not after.strip() or after.strip()[:1] in "-–—":
            line = inside.strip()  # « (Béatrice) », « (Elisabeth Lechenne) – arrivée après »
    if not line or len(line) > 100 or any(c in line for c in ':«»"\n') or line[-1] in ".!?…;":
        return None
    parts = [p.strip() for p in line.split(",") if p.strip()]
    for label in dict.fromkeys((line, parts[0], parts[-1]) if parts else (line,)):
        found = split_label(f"{label} : …", directory.knows)
        if found is None or found[0] != label or _plural(label):
            continue
        name = label_name(label)
        if heading and not (is_name(name) or directory.knows(name) or is_first_name(name)):
            continue
        return label
    return None


_TALK_BY = re.compile(r"^(?:.{1,80}?\s)?par\s+(.{3,60})$")  # « Introduction par X »
_TALK_OF = re.compile(r"^(.{3,80}?)\s+[-–—:]\s+\S")  # « X (ORG) - Le titre de son intervention »


def _talk_by(title: str, directory: Directory) -> str | None:
    """The speaker a heading announces with the title of their talk."""
    for pattern in (_TALK_BY, _TALK_OF):
        if (m := pattern.match(title.strip())) is not None:
            label = m[1].strip()
            name = label_name(label)
            if is_name(name) or directory.knows(name):
                return label
    return None


def _plural(label: str) -> bool:
    """A description of several people (« Les participants », « Des élus »): a list, not
    a voice."""
    words = label.lower().split()
    if not is_description(label) and not is_role(label):
        return False
    return words[0] in ("les", "des") or (len(words) > 1 and words[1].endswith(("s", "x")))


def _dense_headings(blocks: tuple[Block, ...]) -> list[Block]:
    """Heading levels renumbered 1, 2, 3… in the order of depth the note uses, so that a
    Word file that starts at « Titre 2 » or skips a level nests like any other note."""
    levels = sorted({b.level for b in blocks if b.kind == "heading"})
    rank = {level: i for i, level in enumerate(levels, start=1)}
    return [replace(b, level=rank[b.level]) if b.kind == "heading" else b for b in blocks]


_ASKED = re.compile(r"^\s*(?:Q|Question)\s*[:.—–-]\s", re.IGNORECASE)


def _label(block: Block, directory: Directory, asked: bool = True) -> tuple[Speaker | None, Block]:
    """The speaker of a block (given by the format, or a label opening its text)."""
    if block.speaker:
        return directory.resolve(block.speaker), block
    if block.kind not in ("paragraph", "item"):
        return None, block
    found = split_label(block.text, directory.knows)
    if found is None:
        return None, block
    label, rest = found
    if label in ("R", "Réponse") and not asked:
        return None, block
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
        marked = quote != text.strip() or _MARKED.fullmatch(text) is not None
        # Word and LibreOffice make a block quote of any indented paragraph (pandoc reads
        # indentation as quotation): there, only marks or an attribution make a quote.
        trusted = b.note.format not in _INDENTED_FORMATS or marked or who is not None
        if (
            len(quote.split()) >= _MIN_QUOTE_WORDS
            and trusted
            and (who is not None or marked or _speech_like(quote))
        ):
            b.quotes.append(Quote(quote, who or speaker, path, block.line))
        return
    if block.kind in ("paragraph", "item"):
        who = speaker or (b.heading_speaker[0] if b.heading_speaker else None)
        if who is None and (subject := narrator(text, b.directory.knows)) is not None:
            who = b.directory.resolve(subject)
        total = len(text.split())
        for m in _QUOTED.finditer(text):
            said = next(g for g in m.groups() if g is not None).strip()
            before = text[: m.start()]
            count = len(said.split())
            title = _TITLE_BEFORE.search(before)
            if count < _MIN_QUOTE_WORDS or (
                title and not _POSSESSIVE.search(before[: title.start()])
            ):
                continue
            introduced = introducer(before, b.directory.knows)
            if not (introduced or _COLON_BEFORE.search(before) or _speech_like(said)):
                continue  # a term or a name in quotation marks, not words someone said
            by: Speaker | None
            if introduced is not None:
                by = b.directory.resolve(introduced)
            elif count >= _WHOLE * total:
                by = who  # the block is the quotation: its speaker said it
            else:
                by = None  # quoted inside someone's words: not theirs, unless told
            b.quotes.append(Quote(said, by, path, block.line))


# « … », “ … ” and "…" (straight quotes of a transcript) around words someone said.
_QUOTED = re.compile(r"«\s*([^«»]+?)\s*»|“([^“”\n]+)”|\"([^\"\n]+)\"")
_MARKED = re.compile(r"\s*(?:«[^«»]+»|“[^“”]+”|\"[^\"]+\")\s*[.…]?\s*")
_INDENTED_FORMATS = frozenset({"word", "word-97", "libreoffice", "rtf"})
_WHOLE = 0.6  # share of a block's words a quotation must hold to be the block's words
# What a quotation is when it is not speech: the title of a book, a law, an event…
_TITLE_BEFORE = re.compile(
    r"\b(?:intitulée?s?|titre|thème|livre|ouvrage|rapport|synthèse|loi|programme|projet|"
    r"dispositif|rencontre|journée|colloque|guide|démarche|appel|opération|label|film|"
    r"émission|slogan|devise|campagne|réseau|atelier|objectif|session|table\s+ronde|plan|"
    r"charte|stratégie|étude|revue|magazine|journal|site|plateforme|application|collectif|"
    r"association|festival|prix|concours|manifeste|tribune|mention|notion|concept|terme|question|"
    r"expression|mot|mots|baptisée?s?|appelée?s?|nommée?s?|dite?s?)"
    r"(?:\s+(?:de|du|des|d[’']|la|le|les|l[’']|n°\s*\d+))*\s*[,:]?\s*$",
    re.IGNORECASE,
)
# « Sa question : « … » »: the question someone asked is their words.
_POSSESSIVE = re.compile(r"\b(?:sa|son|leur|ma|mon|notre|votre)\s+(?:même\s+)?$", re.IGNORECASE)
_COLON_BEFORE = re.compile(r":\s*$")
# Words that mark speech: persons of the dialogue, and the turns people use when talking.
_SPEECH_WORDS = frozenset(
    "je j me m moi mon ma mes nous notre nos on vous votre vos tu te toi ton ta tes ça faut".split()
)


def _speech_like(text: str) -> bool:
    """Words someone said rather than a name or a term: a person of the dialogue, or a
    whole sentence."""
    tokens = re.findall(r"\w+", text.lower().replace("’", "'"))
    return bool(_SPEECH_WORDS.intersection(tokens)) or (
        len(tokens) >= 6 and text.rstrip().endswith((".", "!", "?", "…"))
    )


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
