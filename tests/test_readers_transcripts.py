"""WebVTT, SubRip and diarised text transcripts: speakers, timestamps, merged cues, and the
exact message for each kind of broken file."""

from __future__ import annotations

import pytest

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Note
from proceedings.read.readers import subtitles, text

TEAMS = """\
WEBVTT

STYLE
::cue { color: white }

NOTE Transcription générée par Teams,
relue par le rapporteur.

3f1c9a2e-1/12-0
00:30.800 --> 00:35.600
<v Claire Morvan>Bonjour à tous, je voudrais</v>

3f1c9a2e-1/13-0
00:35.600 --> 00:38.000 align:start position:10%
<v Claire Morvan>poser une question sur l’évaluation.</v>

00:01:02.000 --> 00:01:05.500
<v Animateur>Merci, &amp; la réponse ?</v>
"""

ZOOM = """\
WEBVTT

1
00:00:01.000 --> 00:00:04.000
Claire Morvan: Bonjour à tous.

2
00:00:04.500 --> 00:00:06.000
Paul: Bonjour Claire.
"""

WORDS = "\r\n".join(
    f"{i + 1}\r\n00:00:{i:02d},000 --> 00:00:{i:02d},900\r\n{'[SPEAKER_00]: ' if i == 0 else ''}"
    f"{word}\r\n"
    for i, word in enumerate(
        ["On", "se", "sent", "moins", "seuls.", "Et", "ça", "fait", "du", "bien."]
    )
)


def read_vtt(source: str) -> Note:
    return subtitles.read_vtt(source.encode(), "t.vtt", "ev/t.vtt", Diagnostics())


def turns(note: Note) -> list[tuple[str, float | None, float | None, str]]:
    return [(b.speaker, b.start, b.end, b.text) for b in note.blocks]


def test_teams_voices_hourless_times_notes_and_styles() -> None:
    note = read_vtt(TEAMS)
    assert note.format == "webvtt"
    assert turns(note) == [
        (
            "Claire Morvan",
            30.8,
            38.0,
            "Bonjour à tous, je voudrais poser une question sur l’évaluation.",
        ),
        ("Animateur", 62.0, 65.5, "Merci, & la réponse ?"),
    ]
    assert [b.line for b in note.blocks] == [10, 17]


def test_zoom_name_prefixes() -> None:
    assert turns(read_vtt(ZOOM)) == [
        ("Claire Morvan", 1.0, 4.0, "Bonjour à tous."),
        ("Paul", 4.5, 6.0, "Bonjour Claire."),
    ]


def test_srt_with_bom_crlf_and_word_per_cue_merged_into_sentences() -> None:
    data = b"\xef\xbb\xbf" + WORDS.encode()
    note = subtitles.read_srt(data, "t.srt", "ev/t.srt", Diagnostics())
    assert turns(note) == [
        ("SPEAKER_00", 0.0, 9.9, "On se sent moins seuls. Et ça fait du bien."),
    ]
    assert note.conversions == ("marque d’ordre des octets (BOM) retirée",)


def test_long_pause_starts_a_new_paragraph_of_the_same_speaker() -> None:
    source = (
        "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Léa>Un.</v>\n\n"
        "00:09.000 --> 00:10.000\n<v Léa>Deux.</v>\n"
    )
    assert [b.text for b in read_vtt(source).blocks] == ["Un.", "Deux."]


def test_turn_markers_in_subtitles() -> None:
    source = (
        "1\n00:00:01,000 --> 00:00:02,000\n>> Bonjour.\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\n>> Bonsoir.\n"
    )
    note = subtitles.read_srt(source.encode(), "t.srt", "t.srt", Diagnostics())
    assert turns(note) == [(">>", 1.0, 2.0, "Bonjour."), (">>", 2.0, 3.0, "Bonsoir.")]


def test_whisperx_text_transcript() -> None:
    source = (
        "[12.3, 15.2] - SPEAKER_00: Bonjour à tous.\n"
        "[15.2, 18.0] - SPEAKER_00: On commence.\n"
        "[18.5, 20.0] - SPEAKER_01: Proposition : un annuaire.\n"
    )
    note = text.read(source.encode(), "w.txt", "w.txt", Diagnostics())
    assert note.format == "whisper"
    assert turns(note) == [
        ("SPEAKER_00", 12.3, 18.0, "Bonjour à tous. On commence."),
        ("SPEAKER_01", 18.5, 20.0, "Proposition : un annuaire."),
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "Bonjour\n\n00:00.000 --> 00:01.000\nx\n",
            "ev/t.vtt:1: en-tête « WEBVTT » absent en première ligne : ce fichier n’est pas une "
            "transcription WebVTT",
        ),
        (
            "WEBVTT\n\n00:61:00.000 --> 00:62:00.000\nx\n",
            "ev/t.vtt:3: horodatage « 00:61:00.000 » invalide (attendu HH:MM:SS.mmm)",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:00.500\nx\n",
            "ev/t.vtt:3: fin « 00:00.500 » avant le début « 00:01.000 »",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nx\n\n00:02.000 --> 00:0",
            "ev/t.vtt:6: horodatage « 00:0 » invalide (attendu HH:MM:SS.mmm)",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nx\n\n00:02.000 --> 00:03.000",
            "ev/t.vtt:6: dernier sous-titre sans texte (fichier tronqué ?)",
        ),
        (
            "WEBVTT\n\nidentifiant seul\n",
            "ev/t.vtt:3: bloc sans horodatage « début --> fin » (fichier tronqué ?)",
        ),
        ("WEBVTT\n\nNOTE rien d’autre\n", "ev/t.vtt: aucun sous-titre dans ce fichier"),
    ],
)
def test_broken_webvtt_files(source: str, message: str) -> None:
    with pytest.raises(SourceError) as info:
        read_vtt(source)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "1\n00:00:01,000 --> 00:00:02,000\nx\n\n2\n",
            "t.srt:5: numéro de sous-titre sans horodatage (fichier tronqué ?)",
        ),
        (
            "1\n00:00:01 --> 00:00:02,000\nx\n",
            "t.srt:2: horodatage « 00:00:01 » invalide (attendu HH:MM:SS,mmm)",
        ),
    ],
)
def test_broken_srt_files(source: str, message: str) -> None:
    with pytest.raises(SourceError) as info:
        subtitles.read_srt(source.encode(), "t.srt", "t.srt", Diagnostics())
    assert str(info.value) == message


def test_whisper_segments_are_read_whatever_surrounds_them() -> None:
    """A title, a line without times, a summary: the segments are a transcript's turns and
    the rest is text (it was once refused whole); a segment that ends before it starts keeps
    its text, with a warning."""
    source = (
        "Table ronde, transcription automatique\n\n"
        "[1.0, 2.0] - SPEAKER_00: Oui, tout à fait.\n[2.0, 3.0] - SPEAKER_01: Non.\n"
        "[00:00:04.000 --> 00:00:03.500] SPEAKER_00: Je reprends.\n"
        "perdu puis retrouvé\n"
    )
    diag = Diagnostics()
    note = text.read(source.encode(), "w.txt", "w.txt", diag)
    assert [(b.kind, b.speaker, b.text) for b in note.blocks] == [
        ("heading", "", "Table ronde, transcription automatique"),
        ("paragraph", "SPEAKER_00", "Oui, tout à fait."),
        ("paragraph", "SPEAKER_01", "Non."),
        ("paragraph", "SPEAKER_00", "Je reprends."),
        ("paragraph", "", "perdu puis retrouvé"),
    ]
    assert (note.format, note.cues) == ("whisper", 3)
    assert [str(d) for d in diag] == [
        "w.txt:5: avertissement : fin « 00:00:03.500 » avant le début « 00:00:04.000 », "
        "début retenu"
    ]


def test_whisperx_segments_in_markdown_are_turns() -> None:
    from proceedings.read.readers import markdown

    source = (
        "# Atelier\n\nNotes relues.\n\n"
        "- [0.0, 4.2] - SPEAKER_00: Bonjour à toutes et à tous.\n"
        "- [4.5, 9.1] - SPEAKER_01: Merci pour l’invitation.\n\n"
        "```\n[1.0, 2.0] - SPEAKER_00: un exemple dans du code\n```\n"
    )
    note = markdown.read(source.encode(), "a.md", "a.md", Diagnostics())
    assert [(b.kind, b.speaker, b.start, b.line) for b in note.blocks] == [
        ("heading", "", None, 1),
        ("paragraph", "", None, 3),
        ("paragraph", "SPEAKER_00", 0.0, 5),
        ("paragraph", "SPEAKER_01", 4.5, 6),
        ("paragraph", "", None, 8),
    ]
    assert note.blocks[-1].text == "[1.0, 2.0] - SPEAKER_00: un exemple dans du code"
