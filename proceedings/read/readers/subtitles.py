"""Transcripts as subtitle files: WebVTT (Teams, Zoom, Whisper) and SubRip (.srt).

Written here rather than with webvtt-py or srt because those libraries drop a malformed
cue without a word (webvtt-py 0.6 returns no caption at all for ``00:61:00.000``), and a
rapporteur must be told which line of which file is wrong instead of losing text.

Supported: hour-less WebVTT timestamps (``00:30.800``), cue settings, identifiers, ``NOTE``,
``STYLE`` and ``REGION`` blocks, ``<v Nom>`` voice tags (Teams), ``Nom: texte`` prefixes
(Zoom), ``[SPEAKER_00]:`` (WhisperX), ``>>`` turn markers, a BOM and CRLF line ends.
Consecutive cues of one speaker are merged into one paragraph (word-per-cue files become
sentences); each paragraph keeps the time of its first and last cue.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Block, Note, Span
from proceedings.read.readers.decode import decode, encoding_conversion
from proceedings.read.readers.frontmatter import headerless_note
from proceedings.structure.speakers import split_label
from proceedings.support.limits import MAX_CUES
from proceedings.support.safeio import count_text

_TIMING = re.compile(r"^(\S+)\s+-->\s+(\S+)(.*)$")
_VTT_TIME = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_SRT_TIME = re.compile(r"^(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z][^>]*>|<\d[\d:.]*>", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…»]$")

# A new paragraph starts after this silence between two cues of one speaker (seconds),
# or past this many words at the end of a sentence, or past four times as many words in
# any case (speech-to-text output without punctuation has no sentence end).
_PAUSE = 4.0
_PARAGRAPH_WORDS = 150
_LONGEST_PARAGRAPH = 4 * _PARAGRAPH_WORDS


@dataclass(frozen=True, slots=True)
class Cue:
    start: float
    end: float
    text: str
    voice: str
    line: int


def parse_time(raw: str, srt: bool = False) -> float:
    """Seconds of a timestamp; ValueError for anything else.

    WebVTT: ``[HH:]MM:SS.mmm``; SubRip: ``HH:MM:SS,mmm`` (a dot is accepted too).
    """
    match = (_SRT_TIME if srt else _VTT_TIME).match(raw.strip())
    if not match:
        raise ValueError(raw)
    hours, minutes, seconds, millis = match.groups()
    return (
        int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000
    )


def read_vtt(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    lines = text.split("\n")
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise SourceError(
            "en-tête « WEBVTT » absent en première ligne : ce fichier n’est "
            "pas une transcription WebVTT",
            shown,
            1,
        )
    cues = _cues(lines, shown, srt=False, first=1)
    return from_cues(cues, path, shown, "webvtt", encoding)


def read_srt(data: bytes, path: str, shown: str, diag: Diagnostics) -> Note:
    text, encoding = decode(data, shown)
    cues = _cues(text.split("\n"), shown, srt=True, first=0)
    return from_cues(cues, path, shown, "srt", encoding)


def _cues(lines: list[str], shown: str, srt: bool, first: int) -> list[Cue]:
    expected = "HH:MM:SS,mmm" if srt else "HH:MM:SS.mmm"
    cues: list[Cue] = []
    i = first
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i].rstrip())
            i += 1
        head = block[0].split(maxsplit=1)[0] if block[0].split() else ""
        if not srt and head in ("NOTE", "STYLE", "REGION"):
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            what = (
                "numéro de sous-titre sans horodatage"
                if srt and block[0].isdigit()
                else "bloc sans horodatage « début --> fin »"
            )
            raise SourceError(f"{what} (fichier tronqué ?)", shown, block_start + 1)
        line_no = block_start + timing_at + 1
        match = _TIMING.match(block[timing_at].strip())
        if not match:
            raise SourceError(
                f"ligne d’horodatage invalide « {block[timing_at].strip()} » "
                f"(attendu {expected} --> {expected})",
                shown,
                line_no,
            )
        times = []
        for raw in match.group(1, 2):
            try:
                times.append(parse_time(raw, srt))
            except ValueError:
                raise SourceError(
                    f"horodatage « {raw} » invalide (attendu {expected})", shown, line_no
                ) from None
        start, end = times
        if end < start:
            raise SourceError(f"fin « {match[2]} » avant le début « {match[1]} »", shown, line_no)
        payload = block[timing_at + 1 :]
        if not payload and i >= len(lines):
            raise SourceError("dernier sous-titre sans texte (fichier tronqué ?)", shown, line_no)
        voice, body = _payload(payload)
        if body:
            if len(cues) == MAX_CUES:
                raise SourceError(
                    f"plus de {count_text(MAX_CUES)} sous-titres, au-delà de la limite "
                    "(découpez la transcription en plusieurs fichiers)",
                    shown,
                    line_no,
                )
            cues.append(Cue(start, end, body, voice, line_no))
    if not cues:
        raise SourceError("aucun sous-titre dans ce fichier", shown)
    return cues


def _payload(lines: list[str]) -> tuple[str, str]:
    """The voice (``<v Nom>``) and the plain text of a cue."""
    raw = " ".join(line.strip() for line in lines)
    voice = ""
    if m := _VOICE.search(raw):
        voice = html.unescape(m[1]).strip()
    text = html.unescape(_TAG.sub("", raw)).replace("\u200e", "").replace("\u200f", "")
    return voice, re.sub(r"\s+", " ", text).strip()


# Lines of speech-to-text output, in a .txt or a .md among other text: Whisper's console
# ("[00:01.000 --> 00:05.000]  texte"), WhisperX's diarised segments ("[12.3, 15.2] -
# SPEAKER_00: texte", "[00:00:12.300 --> 00:00:15.200] SPEAKER_00: texte").
_STAMP = r"(?:\d{1,3}:)?(?:[0-5]?\d:)?\d{1,5}(?:[.,]\d{1,3})?"
TIMED_LINE = re.compile(rf"^\[\s*({_STAMP})\s*(?:,|-->|-|–)\s*({_STAMP})\s*\]\s*(?:[-–:]\s*)?(.*)$")


def stamp_seconds(raw: str) -> float:
    """Seconds of a timed line's stamp: « 12.3 », « 01:02.500 », « 00:01:02,5 »."""
    seconds = 0.0
    for part in raw.replace(",", ".").split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def timed_cue(line: str, number: int, shown: str, diag: Diagnostics) -> Cue | None:
    """The cue a timed line holds, or None when the line is not one. A segment that ends
    before it starts keeps its text, with a warning."""
    m = TIMED_LINE.match(line.strip())
    if m is None:
        return None
    start, end = stamp_seconds(m[1]), stamp_seconds(m[2])
    if end < start:
        diag.warning(f"fin « {m[2]} » avant le début « {m[1]} », début retenu", shown, number)
        end = start
    return Cue(start, end, m[3].strip(), "", number)


def from_cues(cues: list[Cue], path: str, shown: str, fmt: str, encoding: str) -> Note:
    """A note from timed cues: one paragraph per speaker turn (split at long pauses)."""
    blocks: list[Block] = []
    current: list[Cue] = []
    words = 0  # in the current paragraph (counted as cues come: linear in the cues)
    speaker = ""

    def flush() -> None:
        nonlocal words
        words = 0
        if current:
            text = " ".join(c.text for c in current)
            blocks.append(
                Block(
                    "paragraph",
                    (Span(text),),
                    line=current[0].line,
                    speaker=speaker,
                    start=current[0].start,
                    end=current[-1].end,
                )
            )
            current.clear()

    for cue in cues:
        label, text = cue.voice, cue.text
        if not label and (found := split_label(text, transcript=True)) is not None:
            label, text = found
        if not text:
            continue
        new_speaker = bool(label) and label != speaker
        pause = bool(current) and cue.start - current[-1].end > _PAUSE
        long = bool(current) and (
            words > _LONGEST_PARAGRAPH
            or (words > _PARAGRAPH_WORDS and bool(_SENTENCE_END.search(current[-1].text)))
        )
        if new_speaker or pause or long or label == ">>":
            flush()
            if label:
                speaker = label
        current.append(Cue(cue.start, cue.end, text, speaker, cue.line))
        words += len(text.split())
    flush()
    return headerless_note(
        path,
        shown,
        fmt,
        blocks,
        encoding=encoding,
        conversions=encoding_conversion(encoding),
        cues=len(cues),
    )
