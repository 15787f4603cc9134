"""The data model: dataclasses only, no I/O.

Inputs (the programme, the notes) are frozen; the synthesis is built from them by the
stages in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Literal

# The synthesis of a one-day event (eight times of the programme) is read in an evening:
# about 40 pages of session chapters, front matter and annexes apart.
DEFAULT_PAGES = 40


class SessionKind(Enum):
    """The kinds of time a Rencontre is made of, as written in the programme file."""

    ACCUEIL = "accueil"
    OUVERTURE = "ouverture"
    TABLE_RONDE = "table-ronde"
    ATELIERS = "ateliers"
    DEJEUNER = "dejeuner"
    CO_DEVELOPPEMENT = "co-developpement"
    OUTILS = "outils"
    CLOTURE = "cloture"


class NoteType(Enum):
    VERBATIM = "verbatim"
    NOTES = "notes"
    SYNTHESE = "synthese"


class Publication(Enum):
    """Where a note's text is published: whole in the synthesis, condensed in it, or only
    in the complete proceedings (« Actes intégraux », which hold every note in full)."""

    INTEGRALE = "integrale"
    CONDENSEE = "condensee"
    ACTES = "actes"


class NoteStatus(Enum):
    BROUILLON = "brouillon"
    RELU = "relu"
    VALIDE = "valide"


@dataclass(frozen=True, slots=True)
class Person:
    """A speaker, moderator or representative named in the programme."""

    nom: str
    role: str = ""
    organisation: str = ""
    question: str = ""  # the question a round-table speaker addresses
    represente: str = ""  # whom the person stands for ("Jacqueline Gourault, Ministre …")
    alias: tuple[str, ...] = ()  # other spellings found in notes ("H. Valade")
    anonyme: bool = False  # published under a role or « Intervenant·e N », never by name


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference of the programme, rendered as a footnote where it is cited."""

    id: str
    texte: str


@dataclass(frozen=True, slots=True)
class Focus:
    """A short talk inside a session ("éclairage"): international example, lunch talk…"""

    titre: str
    organisation: str = ""
    intervenants: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class Workshop:
    """A parallel workshop or co-development group; its id is its drop sub-folder."""

    id: str
    titre: str
    partenaires: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Tool:
    """A tool presented during the tour of tools, with the organisation that runs it."""

    nom: str
    porteur: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Session:
    """One time of the programme, in order; its id names its drop folder."""

    id: str
    type: SessionKind
    titre: str
    debut: dt.time
    fin: dt.time | None = None
    description: str = ""  # Markdown-light text: **bold**, *italic*, [^reference]
    intervenants: tuple[Person, ...] = ()
    animateur: Person | None = None
    eclairages: tuple[Focus, ...] = ()
    introduction: Focus | None = None
    ateliers: tuple[Workshop, ...] = ()
    partenaires: tuple[str, ...] = ()
    participants: str = ""  # who takes part, when the programme says it
    outils: tuple[Tool, ...] = ()
    animation: str = ""  # organisation that runs the session (tour of tools)
    restitution: str = ""  # title of the plenary report-back, for co-development
    anonyme: bool = False  # every person of the session published without their name


@dataclass(frozen=True, slots=True)
class Event:
    """The event as described by its programme file."""

    reseau: str
    edition: int
    titre: str
    theme: str
    date: dt.date
    debut: dt.time
    fin: dt.time
    lieu: str
    adresse: str
    organisateur: str
    introduction: tuple[str, ...]  # paragraphs, Markdown-light with [^reference] markers
    sessions: tuple[Session, ...]
    references: tuple[Reference, ...] = ()
    partenaires: tuple[str, ...] = ()
    exemple: bool = False
    participants: int | None = None  # attendance, when the programme gives it
    pages: int = DEFAULT_PAGES  # page budget of the session chapters (« synthese: pages »)

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)


@dataclass(frozen=True, slots=True)
class Span:
    """A run of inline text with its emphasis."""

    text: str
    strong: bool = False
    emph: bool = False
    footnote: bool = False  # the text of a footnote, called where the span stands
    link: str = ""  # the web address the text links to (http, https or mailto only)


Cell = tuple[Span, ...]
BlockKind = Literal["heading", "paragraph", "item", "quote", "table", "image"]


@dataclass(frozen=True, slots=True)
class Block:
    """A block of a note: heading, paragraph, list item, quotation, table or image."""

    kind: BlockKind
    spans: tuple[Span, ...]  # the text; an image's description; a table's caption
    level: int = 0  # heading level (1 = top of the note) or list depth (0 = top)
    ordered: bool = False  # numbered list item
    number: int = 0  # its number as written (« 3. »); 0 when the format does not say
    line: int = 0  # 1-based line in the source file, for messages (0: no lines)
    rows: tuple[tuple[Cell, ...], ...] = ()  # table rows; the first one is the header
    media: str = ""  # image: the name of one of the note's Media
    src: str = ""  # image of a Markdown note: the path as written, resolved after reading
    speaker: str = ""  # speaker label given by the format itself (transcripts)
    box: int = 0  # the line where the framed box (an admonition) it is in starts; 0: none
    start: float | None = None  # seconds from the start of a recording
    end: float | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans if not s.footnote)

    @property
    def words(self) -> int:
        cells = sum(len(s.text.split()) for row in self.rows for cell in row for s in cell)
        notes = sum(len(s.text.split()) for s in self.spans if s.footnote)
        return len(self.text.split()) + notes + cells


@dataclass(frozen=True, slots=True)
class Media:
    """An image embedded in a note (Word, LibreOffice), kept to appear in the synthesis."""

    name: str  # unique within the note
    data: bytes


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo dropped in a session's folder: a figure of that session's chapter (or of the
    cover), described by the folder's ``photos.yaml``."""

    path: str  # relative to the event folder
    shown: str  # as messages show it
    session: str  # the session's id; "" for a photo of the event folder itself (cover)
    group: str  # the workshop or group subfolder, "" at the session's level
    caption: str  # légende (from the file name when photos.yaml gives none)
    alt: str  # texte alternatif read by screen readers (the caption when none is given)
    described: bool  # True when photos.yaml gives the alternative text
    credit: str = ""
    order: int = 0  # 0: after those with an order, by file name
    cover: bool = False
    public: bool = True  # False: left out of the published version (photos of people)
    digest: str = ""  # SHA-256 of the file's bytes
    width: int = 0  # pixels, the EXIF orientation applied
    height: int = 0

    @property
    def portrait(self) -> bool:
        return self.height > self.width


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The optional YAML header of a note (or the metadata of a Word or web document)."""

    session: str | None = None
    rapporteur: str = ""
    type: NoteType | None = None
    statut: NoteStatus | None = None
    publication: Publication | None = None  # None: chosen by the build (length, kind)
    date: dt.date | None = None
    intervenants: tuple[str, ...] = ()  # speakers declared by the rapporteur
    anonymes: tuple[str, ...] = ()  # people to publish without their name
    session_line: int = 0  # line of "session:" in the file, for messages
    titre: str = ""  # the note's title, from a site generator's header (Jekyll, Hugo)
    titre_line: int = 0  # its line in the file
    ignored: tuple[str, ...] = ()  # header keys not used (site generators' own), reported


@dataclass(frozen=True, slots=True)
class Note:
    """One file dropped by a rapporteur, read into blocks."""

    path: str  # relative to the event folder, with forward slashes
    shown: str  # as shown in messages (the event folder as given, then path)
    format: str  # reader name: "markdown", "texte", "word", "webvtt"…
    meta: FrontMatter
    blocks: tuple[Block, ...]
    encoding: str = ""  # for text formats: the encoding the file was in
    conversions: tuple[str, ...] = ()  # what was done to read it, for the deposit report
    media: tuple[Media, ...] = ()
    digest: str = ""  # SHA-256 of the file's bytes, to find duplicates
    cues: int = 0  # timed cues of a transcript (subtitles, Whisper), to tell twins apart
    linked: tuple[str, ...] = ()  # files of the event folder its images show (not photos)

    @property
    def folder(self) -> tuple[str, ...]:
        """Folders between the event folder and the file."""
        return tuple(self.path.split("/")[:-1])

    @property
    def words(self) -> int:
        return sum(b.words for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who speaks in a turn: a programme person, a named participant or an anonymous one."""

    label: str  # as written in the note ("H. Valade", "Une élue", "SPEAKER_01")
    name: str  # as published: the programme's name, else the label tidied up
    person: Person | None = None  # the programme person the label resolves to
    anonymous: bool = False  # a description ("une élue") or a diarisation label


@dataclass(frozen=True, slots=True)
class Turn:
    """Consecutive blocks spoken by one speaker; the label is removed from the text."""

    speaker: Speaker
    blocks: tuple[Block, ...]
    start: float | None = None
    end: float | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation (« … » or a block quote), with its speaker when the note tells it."""

    text: str
    speaker: Speaker | None
    note: str  # the note's path
    line: int = 0


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposal made during a session (under "Propositions", or "Proposition : …")."""

    text: str
    note: str  # the note's path
    line: int = 0


@dataclass(frozen=True, slots=True)
class NoteContent:
    """A note structured: its blocks and speaker turns in order, its quotes and proposals."""

    note: Note
    items: tuple[Block | Turn, ...]
    quotes: tuple[Quote, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    key_points: tuple[Block, ...] = ()  # the rapporteur's « Ce qu’il faut retenir »
    summary: tuple[Block, ...] = ()  # the rapporteur's own « Synthèse », « Conclusion »…

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        seen: dict[str, Speaker] = {}
        for item in self.items:
            if isinstance(item, Turn) and item.speaker.name not in seen:
                seen[item.speaker.name] = item.speaker
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class Group:
    """The notes of one workshop or group of a session (or of the session itself)."""

    id: str  # "" for notes about the session as a whole
    titre: str
    notes: tuple[NoteContent, ...]
    workshop: Workshop | None = None


@dataclass(frozen=True, slots=True)
class SessionContent:
    """A programme session with the notes assigned to it."""

    session: Session
    groups: tuple[Group, ...] = ()

    @property
    def notes(self) -> tuple[NoteContent, ...]:
        return tuple(n for g in self.groups for n in g.notes)


@dataclass(frozen=True, slots=True)
class Synthesis:
    """Everything the templates need: the event and its sessions with their notes."""

    event: Event
    sessions: tuple[SessionContent, ...]
    photos: tuple[Photo, ...] = ()  # in the order they are shown, within each session

    @property
    def notes(self) -> tuple[NoteContent, ...]:
        return tuple(n for s in self.sessions for n in s.notes)

    def photos_of(self, session: str, group: str = "") -> tuple[Photo, ...]:
        """The figures of a session's chapter (``group`` "") or of one of its groups (the
        cover's photo is not shown again)."""
        return tuple(
            p for p in self.photos if p.session == session and p.group == group and not p.cover
        )

    @property
    def cover(self) -> Photo | None:
        return next((p for p in self.photos if p.cover), None)


# -- tagging ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phrase:
    """A candidate keyphrase of one text, grouped on its lemmas."""

    key: str  # lower-case lemmas joined by spaces: "ingénierie de catalyse"
    surface: str  # the form of its first occurrence: "ingénierie de catalyse"
    count: int
    first: float  # position of the first occurrence, 0 (start) to 1 (end)
    title: bool  # occurs in a title or heading
    words: int


@dataclass(frozen=True, slots=True)
class ThemeHit:
    """A passage of a text where a theme of the thesaurus appears."""

    theme: str  # theme id
    matched: str  # the words as written
    passage: str  # the sentence around them


@dataclass(frozen=True, slots=True)
class Mention:
    """A person, organisation or place the text names (spaCy's named entities)."""

    text: str
    label: str  # "PER", "ORG", "LOC"
    count: int


@dataclass(frozen=True, slots=True)
class Acronym:
    """An acronym and its expansion, as the text defines it."""

    short: str
    long: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the French model tells of one text; cached, so computed once per content."""

    tokens: int
    phrases: tuple[Phrase, ...] = ()
    themes: tuple[ThemeHit, ...] = ()
    mentions: tuple[Mention, ...] = ()
    acronyms: tuple[Acronym, ...] = ()
    capitals: tuple[str, ...] = ()  # upper-case words (possible acronyms) the text uses


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme of the controlled vocabulary, with the words that express it."""

    id: str
    libelle: str
    variantes: tuple[str, ...] = ()
    sigle: str = ""  # the acronym the theme is known by ("ODD"), for the glossary


TagKind = Literal["mot-clé", "thème", "personne", "organisation", "lieu", "sigle"]


@dataclass(frozen=True, slots=True)
class Tag:
    """A published tag: keyphrase, theme, person, organisation, place or acronym."""

    label: str  # as published
    kind: TagKind
    key: str  # what occurrences are grouped on (lemmas, theme id, folded name)
    count: int
    sessions: tuple[str, ...] = ()  # session ids, in programme order
    notes: tuple[str, ...] = ()  # note paths
    detail: str = ""  # an acronym's expansion


@dataclass(frozen=True, slots=True)
class Tags:
    """Everything tagging found, ready for the templates and the exports."""

    by_note: dict[str, tuple[Tag, ...]]  # note path -> its keyphrases, best first
    by_session: dict[str, tuple[Tag, ...]]  # session id -> its keyphrases
    themes_by_session: dict[str, tuple[Tag, ...]]  # session id -> its themes
    keyphrases: tuple[Tag, ...]  # the whole event's, best first
    themes: tuple[Tag, ...]
    entities: tuple[Tag, ...]  # people, organisations and places
    acronyms: tuple[Tag, ...]
    passages: dict[str, tuple[tuple[str, str], ...]]  # theme id -> (note path, passage)
    rules: tuple[str, ...] = ()  # what the editor's overrides did, for the deposit report

    def all(self) -> tuple[Tag, ...]:
        return (*self.keyphrases, *self.themes, *self.entities, *self.acronyms)
