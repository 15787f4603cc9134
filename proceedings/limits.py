"""What a build reads, and the bounds it keeps whatever it is given (the README lists them).

Each is far above what a real event needs and far below what would exhaust a machine; an
input beyond a bound is refused with a French message naming it, and the build goes on
without it.
"""

from __future__ import annotations

MIB = 1024 * 1024

# The largest note read: a day's transcript is a few megabytes; a 50 MB transcript is read
# in about ten seconds under 600 MB of memory.
MAX_NOTE = 64 * MIB

# Extensions of the files read as notes (the readers' registry; a test checks they agree).
NOTE_SUFFIXES = frozenset(
    {".md", ".markdown", ".txt", ".docx", ".odt", ".rtf", ".doc", ".html", ".htm", ".vtt", ".srt"}
)

# Files of an event folder that describe the event and are not notes.
PROGRAMME_FILE = "programme.yaml"
EDITORIAL_FILE = "editorial.md"
EVENT_FILES = frozenset({PROGRAMME_FILE, EDITORIAL_FILE, "thesaurus.yaml", "mots-cles.yaml"})

# A transcript of more cues is refused: a ten-hour recording subtitled word by word has
# about 90,000; the 440,000 cues of a 50 MB transcript are read in about 12 s.
MAX_CUES = 500_000

# An event folder is listed down to this depth and up to this many files; what lies
# deeper or beyond is left out with a message (a day's drop holds a few dozen files).
MAX_DEPTH = 16
MAX_FILES = 10_000
