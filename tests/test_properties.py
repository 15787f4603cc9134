"""Property tests (hypothesis): timestamps, speaker labels, front matter, and random bytes
given to every reader, which must give a note or a clean error, never anything else.

Longer runs: HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_properties.py
"""

from __future__ import annotations

import contextlib
import os
import shutil
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Note
from proceedings.read.readers import READERS, frontmatter
from proceedings.read.readers.subtitles import parse_time
from proceedings.structure.speakers import split_label

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

times = st.tuples(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))


@given(times)
def test_vtt_and_srt_timestamps_round_trip(t: tuple[int, int, int, int]) -> None:
    h, m, s, ms = t
    seconds = h * 3600 + m * 60 + s + ms / 1000
    assert parse_time(f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}") == pytest.approx(seconds)
    assert parse_time(f"{h:02d}:{m:02d}:{s:02d},{ms:03d}", srt=True) == pytest.approx(seconds)
    if h == 0:
        assert parse_time(f"{m:02d}:{s:02d}.{ms:03d}") == pytest.approx(seconds)


@given(st.text(max_size=30))
def test_any_timestamp_text_parses_or_is_refused(raw: str) -> None:
    for srt in (False, True):
        with contextlib.suppress(ValueError):
            assert parse_time(raw, srt) >= 0


first_names = st.sampled_from(["Hélène", "Jean-François", "Élodie", "Marc", "Inès", "Zoé"])
last_names = st.sampled_from(["VALADE", "Caron", "Le Bihan", "Rossat-Mignod", "D’Almeida"])
separators = st.sampled_from([" : ", ": ", " — ", " – ", "\u00a0: "])


@given(first_names, last_names, separators, st.text(min_size=1, max_size=40))
def test_name_labels_are_found(first: str, last: str, sep: str, speech: str) -> None:
    speech = "Bonjour " + speech
    found = split_label(f"{first} {last}{sep}{speech}")
    assert found is not None
    assert found[0] == f"{first} {last}"
    assert found[1].startswith("Bonjour")


@given(st.text(max_size=200))
def test_label_search_never_fails_and_keeps_the_end_of_the_text(text: str) -> None:
    found = split_label(text)
    if found is not None:
        label, rest = found
        assert label
        assert text.rstrip().endswith(rest.rstrip())


@given(st.text(max_size=300))
def test_front_matter_parser_gives_a_header_or_a_clean_error(body: str) -> None:
    for text in (body, f"---\n{body}", f"---\n{body}\n---\nTexte"):
        try:
            frontmatter.read_header(text, "n.md", Diagnostics())
        except SourceError as exc:
            assert exc.path == "n.md" and exc.message


PURE_PYTHON = [".md", ".markdown", ".txt", ".vtt", ".srt"]
WITH_PANDOC = [".docx", ".odt", ".rtf", ".html", ".htm"]


def _read(suffix: str, data: bytes) -> None:
    try:
        note = READERS[suffix](data, f"x{suffix}", f"ev/x{suffix}", Diagnostics())
    except SourceError as exc:
        assert exc.message and exc.path == f"ev/x{suffix}"
    else:
        assert isinstance(note, Note)


@pytest.mark.parametrize("suffix", PURE_PYTHON)
@given(data=st.binary(max_size=2000))
def test_random_bytes_to_text_readers(suffix: str, data: bytes) -> None:
    _read(suffix, data)


@pytest.mark.parametrize("suffix", PURE_PYTHON)
@given(data=st.text(max_size=1000))
def test_random_text_to_text_readers(suffix: str, data: str) -> None:
    _read(suffix, ("WEBVTT\n\n" if suffix == ".vtt" else "").encode() + data.encode())


@pytest.mark.parametrize("suffix", WITH_PANDOC)
@settings(max_examples=15)
@given(data=st.binary(max_size=2000))
def test_random_bytes_to_document_readers(suffix: str, data: bytes) -> None:
    _read(suffix, data)


@settings(max_examples=10)
@given(data=st.binary(max_size=500))
def test_random_bytes_to_legacy_word_reader(data: bytes) -> None:
    # LibreOffice takes seconds per file: the conversion itself is tested elsewhere.
    with mock.patch.object(shutil, "which", lambda _name: None):
        _read(".doc", data)
