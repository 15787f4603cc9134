"""Jinja2 templates to one pandoc Markdown master, kept in the output folder for inspection.

Every string a template prints is escaped as Markdown text with French typography unless
a filter has already turned it into Markdown (``Md``): note text can never become markup,
and a template cannot forget to escape.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import jinja2.bccache
from babel.dates import format_date

from proceedings.errors import ProceedingsError
from proceedings.model import (
    Block,
    Event,
    Note,
    NoteContent,
    NoteStatus,
    Photo,
    Session,
    Synthesis,
    Tags,
    Turn,
)
from proceedings.render import palette
from proceedings.render.pictures import Prepared
from proceedings.render.typography import escape, french, ordinal, spans_md, text_md
from proceedings.render.wording import at_place, event_noun, with_article
from proceedings.select import budget
from proceedings.select.budget import Plan
from proceedings.select.selection import key_figures
from proceedings.structure.notes import TRANSCRIPTS
from proceedings.structure.speakers import Directory

MASTER_TEMPLATE = "synthese.md.j2"
ACTES_TEMPLATE = "actes.md.j2"
MEDIA_DIR = ".travail/media"
PROPOSALS_TITLE = "En synthèse, que proposons-nous ensemble ?"
FICHE_TEMPLATE = "fiche.md.j2"  # images of the notes, relative to the master document
ACTES_TITLE = "Actes intégraux"
EXAMPLE_NOTICE = (
    "Document d’exemple : il illustre le fonctionnement de l’outil. Les notes des "
    "rapporteurs, les propos et les citations qu’il contient sont fictifs."
)


class Md(str):
    """A string that is already pandoc Markdown and is printed as it is."""

    __slots__ = ()


class _Compiled(jinja2.BytecodeCache):
    """The templates' compiled code, kept for the life of the process and shared by the
    environments :func:`make_environment` makes (they all compile alike): a template is
    compiled again only when its text changes. A build renders the synthesis several times
    (see budget.fit) and the preview builds again at each change: compiling the templates
    each time was a third of the preview's rebuild."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        kept = self._code.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self._code[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED = _Compiled()


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=_COMPILED,
        autoescape=False,  # Markdown, not HTML: escaping is done by ``finalize`` below
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters.update(
        md=lambda v: Md(text_md(str(v))),
        rich=rich,
        spans=lambda spans: Md(spans_md(tuple(spans))),
        date_fr=date_fr,
        heure=heure,
        horaire=horaire,
        ordinal=ordinal,
        yaml=yaml_value,
        plain=metadata,
        person=person,
        anchor=anchor,
        commas=commas,
        links=links,
        path=lambda p: Md(Path(p).as_posix()),  # paths the build itself made
        at_place=at_place,
        with_article=with_article,
        sort_fr=sort_fr,
    )
    env.globals.update(
        render_note=render_note,
        heading=heading,
        highlights=highlights,
        render_blocks=render_blocks,
        render_account=render_account,
        note_source=note_source,
        credit_line=credit_line,
    )
    return env


def sort_fr(items: Iterable[Any], attribute: str = "") -> list[Any]:
    """Items in French alphabetical order: « écologie » with « ecologie », before « fable »,
    small and capital letters together (a dictionary's order, not the characters' codes)."""

    def key(item: Any) -> tuple[str, str]:
        text = str(getattr(item, attribute) if attribute else item)
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c))
        bare = bare.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
        return re.sub(r"[^\w\s]", "", bare).casefold(), text

    return sorted(items, key=key)


def render(
    synthesis: Synthesis,
    tags: Tags,
    templates: Path,
    selection: Any = None,
    figures: Sequence[Any] = (),
    editorial: Note | None = None,
    plan: Plan | None = None,
    photos: Mapping[str, Prepared] | None = None,
    public: bool = False,
) -> str:
    """The whole synthesis as one pandoc Markdown document, within the page budget of
    ``plan`` (by default, the budget the programme gives). ``photos``: the files of the
    photos to show, by path (in the version for distribution, ``public``, the build
    prepares none of those marked « public: non »)."""
    env, context = _context(synthesis, tags, templates)
    shown = photos or {}
    context.update(
        photos=functools.partial(photo_figures, synthesis, shown, public),
        cover=cover_photo(synthesis, shown),
        selection=selection,
        figures=figures,
        editorial=editorial,
        plan=plan or budget.plan(synthesis, selection),
        document_label="Synthèse de la journée",
        actes=False,
        numbers=key_figures(synthesis, tags),
        programme_people=Directory(synthesis.event).people,
        group_ids={
            (c.session.id, g.titre if g.id else ""): g.id
            for c in synthesis.sessions
            for g in c.groups
        },
        proposals_title=PROPOSALS_TITLE,
    )
    return _render(env, MASTER_TEMPLATE, context, templates)


def render_actes(synthesis: Synthesis, tags: Tags, templates: Path) -> str:
    """The complete proceedings (« Actes intégraux ») as one pandoc Markdown document:
    every note in full, whatever its publication in the synthesis."""
    env, context = _context(synthesis, tags, templates)
    context.update(document_label=ACTES_TITLE, actes=True)
    return _render(env, ACTES_TEMPLATE, context, templates)


def _context(
    synthesis: Synthesis, tags: Tags, templates: Path
) -> tuple[jinja2.Environment, dict[str, Any]]:
    """The environment and the variables both documents' templates use."""
    env = make_environment(templates)
    event = synthesis.event
    _programme_filters(env, event)
    context: dict[str, Any] = {
        "event": event,
        "sessions": synthesis.sessions,
        "synthesis": synthesis,
        "tags": tags,
        "draft": draft(synthesis),
        "partners": partners(synthesis),
        "noun": event_noun(event.titre),
        "rapporteurs": rapporteurs(synthesis),
        "session_names": {s.id: session_name(s) for s in event.sessions},
        "title": Md(f"{ordinal(event.edition)} {text_md(event.titre)}"),
        "plain_title": f"{ordinal(event.edition, plain=True)} {event.titre}",
        "example_notice": EXAMPLE_NOTICE if event.exemple else "",
        "footnotes": _footnotes(event),
        "actes_title": ACTES_TITLE,
        "cover": None,  # the synthesis's cover photo (render)
    }
    return env, context


def _render(env: jinja2.Environment, name: str, context: dict[str, Any], templates: Path) -> str:
    """Render a template; an error in it names the template file and its line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ProceedingsError(
            f"gabarit invalide : {exc.message}", str(templates / (exc.name or name)), exc.lineno
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise ProceedingsError(f"gabarit « {exc.name} » introuvable", str(templates)) from None
    except jinja2.UndefinedError as exc:
        raise ProceedingsError(f"gabarit invalide : {exc.message}", str(templates / name)) from None


# -- filters ------------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Md | int | float):
        return value
    if isinstance(value, str):
        return Md(text_md(value))
    raise TypeError(f"valeur non textuelle dans un gabarit : {value!r}")


# What programme text may hold (README, « Le fichier de programme »): **gras**, *italique*,
# 5^e^ (exposant) and [^id], a reference of the programme. Anything else is text. Strong
# emphasis is paired apart (below), in one pass: a regular expression would try each "**"
# against the rest of the text, quadratic on a text of unclosed "**".
_INLINE = re.compile(
    r"\[\^(?P<note>[a-z0-9][a-z0-9-]*)\]"
    r"|\*(?P<emph>[^\s*](?:[^*]*?[^\s*])?)\*"
    r"|\^(?P<sup>[^\s^\[\]]{1,20})\^"
)
_STRONG = re.compile(r"\*\*")


def rich(text: str, notes: Collection[str] = ()) -> Md:
    """Programme text (written by the organiser) as Markdown: only the markup the README
    allows is interpreted — ``**gras**``, ``*italique*``, ``5^e^`` and ``[^id]`` when ``id``
    is one of ``notes`` (the programme's references); everything else, HTML, links,
    images, raw Typst or LaTeX, citations, maths, attributes and unbalanced markers
    included, is escaped as note text is (with French typography)."""
    joined = " ".join(line.strip() for line in text.splitlines())
    return Md(_rich(joined, notes))


def _rich(text: str, notes: Collection[str]) -> str:
    out: list[str] = []
    for kind, value in _markup(text, notes):
        if kind == "text":
            out.append(text_md(value))
        elif kind == "note":
            out.append(f"[^{value}]")
        elif kind == "strong":
            out.append(f"**{_rich(value, notes)}**")
        elif kind == "emph":
            out.append(f"*{_rich(value, notes)}*")
        else:
            out.append(f"^{escape(value)}^")
    return "".join(out)


def plain(text: str) -> str:
    """Programme text as plain text, without markup (document properties, comparisons):
    emphasis and superscript markers and references are left out, the rest is kept as
    written, with French typography."""
    return french(" ".join(_plain(text).split()))


def _plain(text: str) -> str:
    return "".join(
        _plain(value) if kind in ("strong", "emph") else value
        for kind, value in _markup(text, None)
        if kind != "note"
    )


def _markup(text: str, notes: Collection[str] | None) -> list[tuple[str, str]]:
    """Programme text cut into ("text", …), ("note", id), ("strong", inner text),
    ("emph", inner text) and ("sup", text). A reference is a note only if it is one of
    ``notes`` (None: any reference is, for plain text). Each piece of the text is looked at a
    bounded number of times: linear."""
    pieces: list[tuple[str, str]] = []
    done = 0
    opened = -1
    for match in _STRONG.finditer(text):
        at = match.start()
        if opened >= 0 and at > opened + 2 and not text[at - 1].isspace():
            pieces += _inline(text[done:opened], notes)
            pieces.append(("strong", text[opened + 2 : at]))
            done, opened = match.end(), -1
        elif opened < 0 and text[at + 2 : at + 3].strip():
            opened = at
    pieces += _inline(text[done:], notes)
    return pieces


def _inline(text: str, notes: Collection[str] | None) -> list[tuple[str, str]]:
    pieces: list[tuple[str, str]] = []
    done = 0
    for match in _INLINE.finditer(text):
        kind = match.lastgroup or ""
        if kind == "note" and notes is not None and match[kind] not in notes:
            continue  # not a reference of the programme: text, with what follows
        pieces.append(("text", text[done : match.start()]))
        pieces.append((kind, match[kind]))
        done = match.end()
    pieces.append(("text", text[done:]))
    return pieces


def date_fr(value: dt.date, capitalize: bool = False) -> str:
    text = str(format_date(value, format="EEEE d MMMM y", locale="fr_FR"))
    return text[:1].upper() + text[1:] if capitalize else text


def heure(value: dt.time | None) -> str:
    """9:15 -> "9 h 15", 9:00 -> "9 h" (French style, no-break spaces)."""
    if value is None:
        return ""
    minutes = f"\u00a0{value.minute:02d}" if value.minute else ""
    return f"{value.hour}\u00a0h{minutes}"


def horaire(session: Session) -> str:
    if session.fin is None:
        return heure(session.debut)
    return f"{heure(session.debut)} – {heure(session.fin)}"


def yaml_value(value: str) -> Md:
    """A YAML scalar holding Markdown (a JSON string is valid YAML)."""
    return Md(json.dumps(str(value), ensure_ascii=False))


def metadata(value: str) -> Md:
    """The ``plain`` filter: programme text for the master's metadata (document title,
    description…), plain text escaped, since pandoc reads metadata as Markdown."""
    return Md(escape(plain(value)))


def person(p: Any) -> Md:
    """ "**Nom**, rôle, organisation" with the parts the programme gives."""
    parts = [f"**{text_md(p.nom)}**"]
    details = ", ".join(x for x in (p.role, p.organisation) if x)
    if details:
        parts.append(text_md(details))
    out = ", ".join(parts)
    if getattr(p, "represente", ""):
        out += f", représentant {text_md(p.represente)}"
    return Md(out)


KIND_NAMES = {
    "accueil": "Accueil",
    "ouverture": "Ouverture",
    "table-ronde": "Table ronde",
    "ateliers": "Ateliers",
    "dejeuner": "Déjeuner",
    "co-developpement": "Co-développement",
    "outils": "Outils",
    "cloture": "Clôture",
}


def session_name(session: Session) -> str:
    """A short name for indexes: "Table ronde (9 h 15)"."""
    return f"{KIND_NAMES[session.type.value]} ({heure(session.debut)})"


def links(session_ids: Any, names: dict[str, str]) -> Md:
    """Links to the chapters of sessions: "[Table ronde (9 h 15)](#table-ronde), …"."""
    return Md(", ".join(f"[{text_md(names[i])}](#{anchor(i)})" for i in session_ids))


def commas(items: Any, last: str = ", ") -> Md:
    """Join texts (escaped) or Markdown with commas: "a, b, c" or "a, b et c"."""
    parts = [x if isinstance(x, Md) else text_md(str(x)) for x in items]
    if len(parts) < 2:
        return Md("".join(parts))
    return Md(", ".join(parts[:-1]) + last + parts[-1])


def anchor(session_id: str, *more: str) -> str:
    return "-".join(re.sub(r"[^a-z0-9-]+", "-", x.lower()) for x in (session_id, *more) if x)


# -- notes ----------------------------------------------------------------------------------


def heading(level: int, text: str | Md, ident: str = "", classes: str = "") -> Md:
    """A Markdown heading: one line, whatever line breaks its text holds (a Word heading
    that begins with a line break would otherwise leave an empty heading, which the
    accessible PDF refuses, and its text outside the heading)."""
    body = text if isinstance(text, Md) else text_md(text)
    body = " ".join(part.strip() for part in re.split(r"\\?\n", body) if part.strip())
    attrs = " ".join(x for x in (f"#{ident}" if ident else "", classes) if x)
    return Md(f"{'#' * max(1, min(level, 6))} {body}" + (f" {{{attrs}}}" if attrs else ""))


def render_note(
    content: NoteContent,
    base_level: int,
    context_title: str = "",
    after: bool = False,
    key_points: bool = False,
) -> Md:
    """A structured note as Markdown; its headings start at ``base_level``.

    A title at the top of the note that repeats the session or workshop title is left out.
    A note that comes ``after`` another one of its group and does not open with a heading
    gets one, so that it does not read as part of the other note's last section. With
    ``key_points`` (the proceedings), the rapporteur's « Ce qu’il faut retenir », which
    the synthesis shows among the key messages, opens the note in a framed box.
    """
    items = list(content.items)
    first = items[0] if items else None
    if (
        isinstance(first, Block)
        and first.kind == "heading"
        and _same_title(first.text, context_title)
    ):
        items = items[1:]
    out: list[str] = []
    if after and items and not (isinstance(items[0], Block) and items[0].kind == "heading"):
        out += ["", heading(base_level, _own_title(content.note))]
    if key_points and content.key_points:
        points = render_blocks_of(content.key_points, content.note, base_level + 1)
        out += ["", "::: {.encadre}", "**Ce qu’il faut retenir**", "", points, ":::"]
    previous = ""
    # Headings of notes get identifiers of their own: an automatic one (« table-ronde » for a
    # note's « Table ronde ») could take the identifier of a chapter, and Typst refuses a
    # label given twice.
    prefix = "n" + hashlib.sha1(content.note.path.encode()).hexdigest()[:8]
    box = 0  # the admonition whose framed box is open
    for index, item in enumerate(items):
        here = item.box if isinstance(item, Block) else 0
        if here != box:
            # an admonition of the note (« !!! note ») is a framed box, as the
            # programme's own boxes; the frame is written here, never by the note's text
            if box:
                out += ["", ":::"]
            if here:
                out += ["", "::: {.encadre}"]
            box, previous = here, ""
        if isinstance(item, Turn):
            chunks = _turn_md(item, content.note, base_level)
            kind = "turn"
        else:
            ident = f"{prefix}-{index}" if item.kind == "heading" else ""
            chunks = [_block_md(item, content.note, base_level, ident)]
            kind = item.kind
        for chunk in chunks:
            # Blocks of one list stay together; anything else is separated by a blank line.
            if not (kind == "item" and previous == "item"):
                out.append("")
            out.append(chunk)
            previous = kind
    if box:
        out += ["", ":::"]
    return Md("\n".join(out).strip("\n"))


ACCOUNT_TITLE = "Compte rendu condensé"
EXTRACTS_REVIEW = (
    "*Extraits choisis automatiquement dans les notes et les transcriptions, mot pour mot, "
    "à relire.*"
)


def render_account(
    account: Any, level: int, ident: str, review: bool, session: Session, group: Any
) -> Md:
    """The condensed notes of a group: the rapporteurs' own syntheses, then the extracts
    of the others in the order of the session, each after its speaker's name; sentences
    that were not next to each other are separated by « […] ». The last line says which
    chapter of the proceedings holds the notes whole."""
    where = plain(session.titre) + (f" — {group.titre}" if group.id else "")
    out: list[str] = []
    for content in account.summaries:
        note = content.note
        who = f"Synthèse de {note.meta.rapporteur}" if note.meta.rapporteur else "Synthèse"
        out += ["::: {.note-source}", text_md(who), ":::", ""]
        blocks = [b for b in content.summary if b.kind != "image"]
        out += [render_blocks_of(blocks, note, level + 1), ""]
    if account.extracts:
        out += [heading(level, ACCOUNT_TITLE, ident), ""]
        paragraphs: list[tuple[str, list[str]]] = []
        previous = -2
        for extract in account.extracts:
            text = text_md(extract.text)
            next_to = extract.order == previous + 1
            if paragraphs and paragraphs[-1][0] == extract.speaker and (extract.speaker or next_to):
                paragraphs[-1][1].append(("" if next_to else "\\[…\\] ") + text)
            else:
                paragraphs.append((extract.speaker, [text]))
            previous = extract.order
        for speaker, texts in paragraphs:
            label = f"**{text_md(speaker)}**\u00a0: " if speaker else ""
            out += [label + " ".join(texts), ""]
        if review:
            out += [EXTRACTS_REVIEW, ""]
    if account.extracts or account.summaries:
        out += [
            "::: {.note-source}",
            f"Le texte intégral de ces notes figure dans les *{ACTES_TITLE}*, "
            f"«\u00a0{text_md(where)}\u00a0».",
            ":::",
        ]
    return Md("\n".join(out).strip("\n"))


def render_blocks_of(blocks: Sequence[Block], note: Note, base_level: int) -> Md:
    """Some blocks of a note as Markdown (a rapporteur's synthesis)."""
    return Md("\n\n".join(x for b in blocks if (x := _block_md(b, note, base_level))))


def note_source(note: Note, first: bool) -> Md:
    """Who wrote a note, never the file's name or its status (the editor finds those in
    the deposit report). A transcript after other notes has none: the heading
    :func:`render_note` gives it says what it is."""
    transcript = note.format in TRANSCRIPTS
    if not (note.meta.rapporteur or first or not transcript):
        return Md("")
    if note.meta.rapporteur:
        who = f"Notes prises par {note.meta.rapporteur}"
    else:
        who = "Transcription d’un enregistrement" if transcript else "Notes de séance"
    return Md(f"::: {{.note-source}}\n{text_md(who)}\n:::\n")


def _own_title(note: Note) -> str:
    """The title of a note that has none: what it is, and who wrote it."""
    if note.format in TRANSCRIPTS or note.cues:
        return "Transcription d’un enregistrement"
    if note.meta.rapporteur:
        return f"Notes de {note.meta.rapporteur}"
    return "Autres notes de séance"


def render_blocks(note: Note, base_level: int, title: str = "") -> Md:
    """A note read outside the sessions (the editorial) as Markdown; a first heading that
    repeats ``title`` is left out."""
    blocks = list(note.blocks)
    if blocks and blocks[0].kind == "heading" and _same_title(blocks[0].text, title):
        blocks = blocks[1:]
    return Md("\n\n".join(_block_md(b, note, base_level) for b in blocks))


def cover_photo(
    synthesis: Synthesis, shown: Mapping[str, Prepared]
) -> tuple[Photo, Prepared] | None:
    """The cover's photo and its files, when there is one to show."""
    cover = synthesis.cover
    return (cover, shown[cover.path]) if cover is not None and cover.path in shown else None


_LABELLED = re.compile(r"^(?:©|\(c\)|[\w’'-]+(?: [\w’'-]+)?\s*:)", re.IGNORECASE)


def credit_line(credit: str) -> str:
    """A photo's credit as printed: « Photo : Camille Martin », or as the editor wrote it
    when it says what it credits already (« Illustration : … », « © … »)."""
    return french(credit if _LABELLED.match(credit) else f"Photo : {credit}")


def photo_figures(
    synthesis: Synthesis,
    files: Mapping[str, Prepared],
    public: bool,
    session_id: str,
    group_id: str = "",
) -> Md:
    """The photos of a session (``group_id`` "") or of one of its groups, as figures: the
    caption, then the credit; the alternative text for screen readers. Outside the
    published version, a photo marked « public: non » says that it will not be in it."""
    out = []
    for photo in synthesis.photos_of(session_id, group_id):
        prepared = files.get(photo.path)
        if prepared is None:
            continue
        caption = text_md(photo.caption)
        if photo.credit:
            credit = text_md(credit_line(photo.credit))
            caption = f"{caption} — {credit}" if caption else credit
        caption = caption or "Photo"
        if not photo.public and not public:
            caption += " (absente de la version publiée\u00a0: «\u00a0public\u00a0: non\u00a0»)"
        attributes = f".photo {prepared.size} fig-alt={yaml_value(photo.alt)}"
        out.append(f"![{caption}]({prepared.print}){{{attributes}}}")
    return Md("\n\n".join(out))


def draft(synthesis: Synthesis) -> bool:
    """A working document while any note included is not validated."""
    return any(n.note.meta.statut is not NoteStatus.VALIDE for n in synthesis.notes)


def rapporteurs(synthesis: Synthesis) -> list[tuple[str, tuple[str, ...]]]:
    """The rapporteurs, each with the sessions of their notes."""
    found: dict[str, list[str]] = {}
    for content in synthesis.sessions:
        for nc in content.notes:
            name = nc.note.meta.rapporteur
            if name and content.session.id not in found.setdefault(name, []):
                found[name].append(content.session.id)
    return sorted(((n, tuple(s)) for n, s in found.items()), key=lambda ns: ns[0])


def partners(synthesis: Synthesis) -> tuple[str, ...]:
    """The event's partners: the programme's list, else every partner its sessions name."""
    event = synthesis.event
    if event.partenaires:
        return event.partenaires
    names: list[str] = []
    for s in event.sessions:
        names += [p for w in s.ateliers for p in w.partenaires] + list(s.partenaires)
    return tuple(dict.fromkeys(names))


def _turn_md(turn: Turn, note: Note, base_level: int) -> list[str]:
    """The speaker's name in bold before the first block of the turn."""
    speaker = turn.speaker
    role = label_details(speaker.label)
    label = f"**{text_md(speaker.name)}**"
    if role:  # « (CRAIG) » after the name, « , élu » or « , Coeur Emeraude » otherwise
        label += (" " if role.startswith("(") else ", ") + text_md(role)
    if turn.start is not None:
        label += f" \\[{clock(turn.start)}\\]"
    chunks = [_block_md(block, note, base_level) for block in turn.blocks]
    first = turn.blocks[0]
    if first.kind == "item":
        indent = "    " * first.level
        marker = "1." if first.ordered else "-"
        chunks[0] = f"{indent}{marker} {label}\u00a0: " + chunks[0].lstrip()[len(marker) + 1 :]
    elif first.kind == "quote":
        chunks[0] = f"{label}\u00a0:\n\n" + chunks[0]
    else:
        chunks[0] = f"{label}\u00a0: {chunks[0]}"
    return chunks


_DETAILS = re.compile(r"^[^,(]+?(?:,\s*|\s+[-–—]\s+|\s*(?=\())(?P<details>.+)$")


def label_details(label: str) -> str:
    """What a speaker's label says besides the name, as written: a role or an
    organisation (« Béatrice - Coeur Emeraude », « S. Gaillac (CRAIG) », « Marc, élu »)."""
    match = _DETAILS.match(label)
    return match["details"].strip() if match else ""


def clock(seconds: float) -> str:
    """A time in a recording: 95.2 -> "01:35", 3723 -> "1:02:03"."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def media_path(note: Note, name: str) -> str:
    """Where an image of a note is written, relative to the master document."""
    return f"{MEDIA_DIR}/{note.digest[:16]}/{name}"


def _same_title(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return re.sub(r"[\W_]+", " ", plain(text).lower()).strip()

    return bool(b) and (key(a) == key(b) or key(a) in key(b))


def _block_md(block: Block, note: Note, base_level: int, ident: str = "") -> str:
    body = spans_md(block.spans)
    if block.kind == "heading":
        titled = heading(base_level + block.level - 1, Md(body), ident)
        return str(titled) if titled.strip("# ") else ""  # no empty heading
    if block.kind == "item":
        # the number as written: a list interrupted by a paragraph goes on at 4, not 1
        marker = f"{block.number or 1}." if block.ordered else "-"
        indent = "    " * block.level
        return indent + marker + " " + body.replace("\\\n", "\\\n" + indent + "  ")
    if block.kind == "quote":
        return "> " + body.replace("\n", "\n> ")
    if block.kind == "table":
        return _table_md(block)
    if block.kind == "image":
        alt = spans_md(block.spans) or "Image"
        return f"![{alt}]({media_path(note, block.media)})"
    return body


def _table_md(block: Block) -> str:
    """A pipe table; the first row is the header. Cells are one line each."""
    width = max(len(row) for row in block.rows)

    def line(row: tuple[Any, ...]) -> str:
        cells = [spans_md(tuple(cell)).replace("\\\n", " ") for cell in row]
        cells += [""] * (width - len(cells))
        return "| " + " | ".join(cells) + " |"

    lines = [line(block.rows[0]), "|" + "|".join(["---"] * width) + "|"]
    lines += [line(row) for row in block.rows[1:]]
    if block.spans:
        lines += ["", f": {spans_md(block.spans)}"]  # pandoc's table caption
    return "\n".join(lines)


def _footnotes(event: Event) -> list[tuple[str, Md]]:
    """The references' texts (a reference cannot cite another: no [^id] inside)."""
    return [(r.id, rich(r.texte)) for r in event.references]


def _programme_filters(env: jinja2.Environment, event: Event) -> None:
    """``rich`` knows the programme's references: only those become footnotes."""
    env.filters["rich"] = functools.partial(rich, notes=frozenset(r.id for r in event.references))


REPORT_TEMPLATE = "bilan-depot.html.j2"


def render_report(report: Any, templates: Path) -> str:
    """The deposit report as one self-contained HTML page (escaped as HTML, not Markdown)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["french"] = french
    return _render(env, REPORT_TEMPLATE, {"report": report, "couleurs": palette.BILAN}, templates)


def highlights(selection: Any, session_id: str, group_id: str, review: bool = True) -> Md:
    """The key messages and quotes of a session (group_id "") or of one of its groups;
    with ``review`` (a draft), key messages chosen automatically are marked as such."""
    out: list[str] = []
    points = selection.key_points.get((session_id, group_id))
    if points is not None:
        out += ["::: {.encadre}", "**Ce qu’il faut retenir**", ""]
        out += [f"- {spans_md(b.spans)}" for b in points.points]
        if points.automatic and review:
            out += ["", "*Phrases choisies automatiquement dans les notes, à relire.*"]
        out += [":::", ""]
    quotes = selection.quotes.get((session_id, group_id), ())
    if quotes:
        out += ["::: {.citations}"]
        for q in quotes:
            out += ["", f"> «\u00a0{text_md(q.text)}\u00a0»"]
            if q.speaker is not None:
                out += [">", f"> — {text_md(q.speaker.name)}"]
        out += ["", ":::", ""]
    return Md("\n".join(out).rstrip("\n"))


def render_fiche(
    synthesis: Synthesis, tags: Tags, selection: Any, content: Any, templates: Path
) -> str:
    """One session's « fiche »: its key messages, quotes, proposals, themes and keyphrases."""
    env = make_environment(templates)
    event = synthesis.event
    _programme_filters(env, event)
    session = content.session
    proposals = [
        item
        for theme in (selection.proposals if selection else ())
        for item in theme.proposals
        if item.session == session.id
    ]
    context: dict[str, Any] = {
        "event": event,
        "s": session,
        "content": content,
        "tags": tags,
        "selection": selection,
        "proposals": proposals,
        "draft": any(n.note.meta.statut is not NoteStatus.VALIDE for n in content.notes),
        "example_notice": EXAMPLE_NOTICE if event.exemple else "",
        "event_title": Md(f"{ordinal(event.edition)} {text_md(event.titre)}"),
        "plain_title": f"{ordinal(event.edition, plain=True)} {event.titre}",
        "footnotes": _footnotes(event),
    }
    return _render(env, FICHE_TEMPLATE, context, templates)
