"""The deposit ("bilan de dépôt"): what was found in the drop folders, what was read, what
was left out and why, per session, for the rapporteurs and the editor.

``screen`` leaves out empty notes and notes whose content another note already has;
``report`` gathers everything the deposit report shows; ``as_text`` prints it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from proceedings.errors import Diagnostic, Diagnostics, Severity
from proceedings.model import Note, NoteContent, Synthesis
from proceedings.read.readers import Found
from proceedings.render.typography import french, ordinal

_WORD = re.compile(r"\w+")
FORMAT_NAMES = {
    "markdown": "Markdown",
    "texte": "texte",
    "word": "Word",
    "word-97": "Word 97-2003",
    "libreoffice": "LibreOffice",
    "rtf": "RTF",
    "html": "page web",
    "webvtt": "WebVTT",
    "srt": "SubRip",
    "whisper": "transcription horodatée",
    "csv": "tableau CSV",
    "xlsx": "tableau Excel",
}


class FileStatus(StrEnum):
    """What became of a file of the drop folder (the words the deposit report shows)."""

    LU = "lu"
    IGNORE = "ignoré"  # not a format read, or debris (« ~$note.docx »)
    ERREUR = "erreur"  # could not be read
    VIDE = "vide"  # read, no text
    DOUBLON = "doublon"  # read, another note has its content
    HORS_SESSION = "hors session"  # read, belongs to no session of the programme


# files read or failing that are not in the synthesis, listed under their session
_LEFT_OUT = (FileStatus.VIDE, FileStatus.DOUBLON, FileStatus.ERREUR)


@dataclass(frozen=True, slots=True)
class Screened:
    """The notes kept, and why the others were left out (by shown path)."""

    kept: list[Note]
    left_out: dict[str, FileStatus]


def screen(notes: Iterable[Note], diag: Diagnostics) -> Screened:
    """Notes worth publishing: not empty, and not a copy of a note already kept, byte for
    byte or word for word (the same recording as subtitles and as word-level subtitles,
    a Word document and its LibreOffice export)."""
    kept: list[Note] = []
    left_out: dict[str, FileStatus] = {}
    by_digest: dict[str, Note] = {}
    for note in notes:
        if note.words == 0 and not note.media:
            diag.warning("note vide (aucun texte), ignorée", note.shown)
            left_out[note.shown] = FileStatus.VIDE
            continue
        if note.digest and note.digest in by_digest:
            diag.warning(
                f"contenu identique à {by_digest[note.digest].shown}, doublon ignoré", note.shown
            )
            left_out[note.shown] = FileStatus.DOUBLON
            continue
        if note.digest:
            by_digest[note.digest] = note
        kept.append(note)
    twins = _same_words(kept)
    for note in kept:
        if note.path in twins:
            twin = twins[note.path]
            diag.warning(
                f"mêmes mots que {twin.shown} (même enregistrement ou même texte dans un autre "
                f"format), doublon ignoré ; {twin.shown} est gardé",
                note.shown,
            )
            left_out[note.shown] = FileStatus.DOUBLON
    return Screened([n for n in kept if n.path not in twins], left_out)


_SHINGLE = 5  # words of the runs two texts are compared on
_SAME = 0.9  # share of runs in common for two notes to be the same text
_SKETCH = 4  # smallest run hashes that index a note, to compare only likely twins


def _same_words(notes: list[Note]) -> dict[str, Note]:
    """Notes that repeat another one's words (path -> the note kept instead). Of two twins,
    the one whose blocks are fuller is kept (subtitles by sentence rather than by word),
    then the one with a status and a rapporteur, then the first by path."""
    runs = {n.path: _runs(n) for n in notes}
    index: dict[int, list[Note]] = {}
    for note in notes:
        for h in sorted(runs[note.path])[:_SKETCH]:
            index.setdefault(h, []).append(note)
    left_out: dict[str, Note] = {}
    for note in notes:
        mine = runs[note.path]
        if len(mine) < _SKETCH or note.path in left_out:
            continue
        candidates = {o.path: o for h in sorted(mine)[:_SKETCH] for o in index[h]}
        for other in candidates.values():
            theirs = runs[other.path]
            if other.path == note.path or other.path in left_out:
                continue
            if len(mine & theirs) >= _SAME * max(len(mine), len(theirs)):
                keep, drop = sorted((note, other), key=_keeper)
                left_out[drop.path] = keep
                if drop is note:
                    break
    return left_out


def _runs(note: Note) -> set[int]:
    words = [w for b in note.blocks for w in _WORD.findall(b.text.lower())]
    # a stable hash (not Python's, which changes between runs): same inputs, same choice
    return {
        zlib.crc32(" ".join(words[i : i + _SHINGLE]).encode())
        for i in range(len(words) - _SHINGLE + 1)
    }


def _keeper(note: Note) -> tuple[float, int, int, str]:
    # subtitles by sentence rather than by word; for other notes, fuller paragraphs
    pieces = note.cues or sum(1 for b in note.blocks if b.text.strip()) or 1
    return (
        -note.words / pieces,
        note.meta.statut is None,
        not note.meta.rapporteur,
        note.path,
    )


@dataclass(frozen=True, slots=True)
class FileLine:
    """One file of the drop folder, as the deposit report shows it."""

    path: str  # relative to the event folder
    format: str
    status: FileStatus
    words: int = 0
    rapporteur: str = ""
    statut: str = ""
    speakers: tuple[str, ...] = ()  # everyone who speaks, as published
    unknown: tuple[str, ...] = ()  # named speakers the programme does not list
    conversions: tuple[str, ...] = ()
    quotes: int = 0
    proposals: int = 0
    problems: tuple[str, ...] = ()  # the messages about this file


@dataclass(frozen=True, slots=True)
class PhotoLine:
    """One photo of the drop folder, as the deposit report shows it."""

    path: str  # relative to the event folder
    shown: bool  # False: left out (its problems say why)
    details: tuple[str, ...] = ()  # « couverture », « non publique », its credit…
    problems: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return ", ".join(self.details) if self.shown else "ÉCARTÉE"


@dataclass(frozen=True, slots=True)
class SessionLine:
    id: str
    titre: str
    groups: tuple[tuple[str, tuple[FileLine, ...]], ...]  # (group title or "", files)

    @property
    def files(self) -> tuple[FileLine, ...]:
        return tuple(f for _, files in self.groups for f in files)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the deposit report says."""

    event: str
    folder: str
    sessions: tuple[SessionLine, ...]
    unplaced: tuple[FileLine, ...]  # files read or failing that belong to no session
    skipped: tuple[FileLine, ...]  # debris and formats that are not read
    errors: int
    warnings: int
    general: tuple[str, ...] = field(default_factory=tuple)  # problems with no file
    keyword_rules: tuple[str, ...] = ()  # the editor's keyword overrides and their effect
    photos: tuple[PhotoLine, ...] = ()

    @property
    def notes(self) -> int:
        return sum(1 for s in self.sessions for f in s.files if f.status is FileStatus.LU)

    @property
    def words(self) -> int:
        return sum(f.words for s in self.sessions for f in s.files if f.status is FileStatus.LU)

    @property
    def empty_sessions(self) -> tuple[SessionLine, ...]:
        return tuple(
            s for s in self.sessions if not any(f.status is FileStatus.LU for f in s.files)
        )


def report(
    folder: str,
    found: list[Found],
    notes: list[Note],
    synthesis: Synthesis,
    diag: Diagnostics,
    keyword_rules: tuple[str, ...] = (),
    left_out: dict[str, FileStatus] | None = None,
) -> Report:
    """The deposit report of an event folder, from what the build stages produced;
    ``left_out``: why ``screen`` left notes out, by shown path."""
    left_out = left_out or {}
    problems: dict[str, list[Diagnostic]] = {}
    general: list[str] = []
    for d in diag:
        if d.path and d.path in {f.shown for f in found}:
            problems.setdefault(d.path, []).append(d)
        elif d.path is None or not any(d.path.startswith(f.shown) for f in found):
            general.append(str(d))
    read = {n.shown: n for n in notes}
    placed: dict[str, tuple[str, str, NoteContent]] = {}
    for content in synthesis.sessions:
        for group in content.groups:
            title = group.titre if group.id or content.session.restitution else ""
            for nc in group.notes:
                placed[nc.note.shown] = (content.session.id, title, nc)

    lines: dict[str, FileLine] = {}
    for f in found:
        if f.reader is None:
            continue  # skipped, or a photo (listed with its session)
        file_problems = problems.get(f.shown, [])
        messages = tuple(_message(d) for d in file_problems)
        fmt = FORMAT_NAMES.get(f.path.suffix.lower().lstrip("."), f.path.suffix.lstrip("."))
        if f.shown in placed:
            lines[f.shown] = _read_line(f, placed[f.shown][2], messages)
        elif f.shown in read:
            note = read[f.shown]
            status = left_out.get(f.shown, FileStatus.HORS_SESSION)
            lines[f.shown] = FileLine(
                f.rel,
                FORMAT_NAMES.get(note.format, note.format),
                status,
                note.words,
                problems=messages,
            )
        else:
            lines[f.shown] = FileLine(f.rel, fmt, FileStatus.ERREUR, problems=messages)

    sessions = []
    for content in synthesis.sessions:
        groups: dict[str, list[FileLine]] = {}
        for shown, (session_id, title, _nc) in placed.items():
            if session_id == content.session.id:
                groups.setdefault(title, []).append(lines[shown])
        for line in lines.values():
            if line.status in _LEFT_OUT and _folder_of(line) == content.session.id:
                groups.setdefault("", []).append(line)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0] != "", _group_rank(content, kv[0])))
        sessions.append(
            SessionLine(
                content.session.id,
                content.session.titre,
                tuple((t, tuple(sorted(fl, key=lambda x: x.path))) for t, fl in ordered),
            )
        )
    session_ids = {s.id for s in sessions}
    unplaced = tuple(
        line
        for line in lines.values()
        if line.status in (FileStatus.HORS_SESSION, *_LEFT_OUT)
        and _folder_of(line) not in session_ids
    )
    skipped = tuple(
        FileLine(f.rel, f.path.suffix.lstrip(".") or "—", FileStatus.IGNORE, problems=(f.skipped,))
        for f in found
        if f.reader is None and not f.photo and not f.described
    )
    return Report(
        event=f"{ordinal(synthesis.event.edition, plain=True)} {synthesis.event.titre}",
        folder=folder,
        sessions=tuple(sessions),
        unplaced=unplaced,
        skipped=skipped,
        errors=sum(1 for d in diag if d.severity is Severity.ERROR),
        warnings=sum(1 for d in diag if d.severity is Severity.WARNING),
        general=tuple(general),
        keyword_rules=keyword_rules,
        photos=_photo_lines(found, synthesis, problems),
    )


def _photo_lines(
    found: list[Found], synthesis: Synthesis, problems: dict[str, list[Diagnostic]]
) -> tuple[PhotoLine, ...]:
    shown = {p.path: p for p in synthesis.photos}
    linked = {rel: nc.note.path for nc in synthesis.notes for rel in nc.note.linked}
    lines = []
    for f in found:
        if not f.photo:
            continue
        messages = tuple(_message(d) for d in problems.get(f.shown, []))
        if f.rel in linked:
            lines.append(PhotoLine(f.rel, True, (f"image de la note « {linked[f.rel]} »",)))
            continue
        photo = shown.get(f.rel)
        if photo is None:
            lines.append(PhotoLine(f.rel, False, problems=messages))
            continue
        details = [f"{photo.width} × {photo.height} px"]
        details += ["couverture"] if photo.cover else []
        details += ["non publique"] if not photo.public else []
        details += [] if photo.described else ["sans texte alternatif"]
        details += [f"crédit : {photo.credit}"] if photo.credit else []
        lines.append(PhotoLine(f.rel, True, tuple(details), messages))
    return tuple(lines)


def _read_line(f: Found, nc: NoteContent, messages: tuple[str, ...]) -> FileLine:
    note = nc.note
    speakers = tuple(s.name for s in nc.speakers)
    unknown = tuple(s.name for s in nc.speakers if s.person is None and not s.anonymous)
    return FileLine(
        path=f.rel,
        format=FORMAT_NAMES.get(note.format, note.format),
        status=FileStatus.LU,
        words=note.words,
        rapporteur=note.meta.rapporteur,
        statut=note.meta.statut.value if note.meta.statut else "",
        speakers=speakers,
        unknown=unknown,
        conversions=note.conversions,
        quotes=len(nc.quotes),
        proposals=len(nc.proposals),
        problems=messages,
    )


def _folder_of(line: FileLine) -> str:
    return line.path.split("/", 1)[0] if "/" in line.path else ""


def _group_rank(content: object, title: str) -> int:
    groups = getattr(content, "groups", ())
    return next((i for i, g in enumerate(groups) if g.titre == title), len(groups))


def _message(d: Diagnostic) -> str:
    where = f"ligne {d.line} : " if d.line else ""
    label = "avertissement : " if d.severity is Severity.WARNING else "erreur : "
    return f"{label}{where}{d.message}"


# -- text ------------------------------------------------------------------------------------


def as_text(r: Report) -> str:
    """The deposit report as the terminal shows it."""
    out = [
        f"Bilan de dépôt — {french(r.event)}",
        f"Dossier {r.folder} : {_n(r.notes, 'note lue', 'notes lues')}, "
        f"{_n(r.words, 'mot', 'mots')}, {_n(r.errors, 'erreur', 'erreurs')}, "
        f"{_n(r.warnings, 'avertissement', 'avertissements')}.",
        "",
    ]
    for s in r.sessions:
        read = [f for f in s.files if f.status is FileStatus.LU]
        out.append(
            f"■ {french(s.titre)} [{s.id}] — {_n(len(read), 'note', 'notes')}, "
            f"{_n(sum(f.words for f in read), 'mot', 'mots')}"
        )
        if not s.files:
            out.append("    aucune note déposée")
        for title, files in s.groups:
            if title:
                out.append(f"  {french(title)}")
            for f in files:
                out.extend(_file_text(f))
        out.append("")
    if r.unplaced:
        out.append("■ Fichiers sans session")
        for f in r.unplaced:
            out.extend(_file_text(f))
        out.append("")
    out.append("Sessions sans note : " + (", ".join(s.id for s in r.empty_sessions) or "aucune"))
    if r.photos:
        out.append("Photos :")
        for photo in r.photos:
            out.append(f"    {photo.path} — {photo.summary}")
            out.extend(f"        {p}" for p in photo.problems)
    if r.skipped:
        out.append("Fichiers ignorés :")
        out.extend(f"    {f.path} — {f.problems[0]}" for f in r.skipped)
    if r.keyword_rules:
        out.append("Mots-clés (mots-cles.yaml) :")
        out.extend(f"    {rule}" for rule in r.keyword_rules)
    for message in r.general:
        out.append(message)
    return "\n".join(out) + "\n"


def _file_text(f: FileLine) -> list[str]:
    head = f"    {f.path} — {f.format}"
    if f.status is FileStatus.LU:
        head += f", {_n(f.words, 'mot', 'mots')}"
        if f.rapporteur:
            head += f", rapporteur : {f.rapporteur}"
        if f.statut:
            head += f", {f.statut}"
    else:
        head += f" — {f.status.upper()}"
    lines = [head]
    if f.speakers:
        lines.append(f"        intervenants : {', '.join(f.speakers)}")
    if f.unknown:
        lines.append(f"        absents du programme : {', '.join(f.unknown)}")
    if f.quotes or f.proposals:
        lines.append(
            f"        {_n(f.quotes, 'citation', 'citations')}, "
            f"{_n(f.proposals, 'proposition', 'propositions')}"
        )
    if f.conversions:
        lines.append(f"        conversions : {', '.join(f.conversions)}")
    lines.extend(f"        {p}" for p in f.problems)
    return lines


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count <= 1 else many}"
