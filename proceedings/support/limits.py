"""What a build reads, and the bounds it keeps whatever it is given (the README lists them).

Each is far above what a real event needs and far below what would exhaust a machine; an
input beyond a bound is refused with a French message naming it, and the build goes on
without it.
"""

from __future__ import annotations

MIB = 1024 * 1024

# The largest note read: a day's transcript is a few megabytes; bench/performance.py
# measures the time and memory a 50 MB one takes.
MAX_NOTE = 64 * MIB

# Extensions of the files read as notes (the readers' registry; a test checks they agree).
NOTE_SUFFIXES = frozenset(
    {
        ".md",
        ".markdown",
        ".txt",
        ".docx",
        ".odt",
        ".rtf",
        ".doc",
        ".html",
        ".htm",
        ".vtt",
        ".srt",
        ".csv",  # workshop boards and polls (readers/boards.py, whose bounds are its own)
        ".xlsx",
    }
)

# Photos dropped in a session's folder (proceedings/read/photos.py), described in the
# folder's photos.yaml. HEIC (phones) is read by pillow-heif.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"})
PHOTOS_FILE = "photos.yaml"
# At most this many photos in an event (a day's synthesis shows a few dozen); each is
# decoded at a reduced size, one at a time.
MAX_PHOTOS = 500

# Files of an event folder that describe the event and are not notes.
PROGRAMME_FILE = "programme.yaml"
EDITORIAL_FILE = "editorial.md"
STATUS_FILE = "statuts.yaml"  # the status and rapporteur of notes without a header
EVENT_FILES = frozenset(
    {PROGRAMME_FILE, EDITORIAL_FILE, STATUS_FILE, "thesaurus.yaml", "mots-cles.yaml"}
)

# A transcript of more cues is refused: a ten-hour recording subtitled word by word has
# about 90,000; the 440,000 cues of a 50 MB transcript are read in about 12 s.
MAX_CUES = 500_000

# An event folder is listed down to this depth and up to this many files; what lies
# deeper or beyond is left out with a message (a day's drop holds a few dozen files).
MAX_DEPTH = 16
MAX_FILES = 10_000

# pandoc's heap, bounded when it reads a note and when it writes a document: its garbage
# collector otherwise lets the heap grow to about twice the live data (2 GB to write the
# HTML of a million words); near the bound it compacts instead. A Word file of 100,000
# words peaks at 200 MB when read. The GHC runtime exits with PANDOC_OUT_OF_HEAP when a
# document does not fit.
PANDOC_HEAP_MB = 1200
PANDOC_OUT_OF_HEAP = 251

# Memory an analysis process may take (model, batches of 25,000 characters): --jobs is
# capped so that all of them fit in the memory available, and by the number of processors.
JOB_MEMORY = 700 * MIB
# The longest wait for another build writing in the same output folder (--attente).
MAX_WAIT = 24 * 3600.0


def available_memory() -> int | None:
    """Bytes of memory available for new processes (Linux: MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def jobs_bound(processors: int | None, memory: int | None) -> int:
    """The most processes worth running: one per processor, as many as memory holds."""
    bound = max(1, processors or 1)
    if memory is not None:
        bound = min(bound, max(1, memory // JOB_MEMORY))
    return bound
