"""Reading untrusted input files safely, and writing outputs atomically.

Every file a build reads from the event folder (notes, programme, editorial, thesaurus,
editor rules) and from the output folder's caches goes through :func:`read_input`:

- only regular files are read: a named pipe (FIFO), a socket or a device dropped in the
  folder would block or never end; it is refused with a message instead;
- the file is opened without blocking (``O_NONBLOCK``), so that even a FIFO that appears
  between the listing and the reading cannot hang the build;
- its size is bounded before anything is read, and the reading stops at the bound even if
  the file grows meanwhile.

System errors are told in French (:func:`system_message`): Python's ``strerror`` is English.

Outputs are written by :func:`atomic_write`: a temporary file beside the target, renamed onto
it once whole. The temporary files share one pattern (:data:`TEMPORARY`), so that those left
by a killed build are recognised and removed by the next one (:func:`sweep_temporaries`).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from proceedings.errors import SourceError
from proceedings.support import faults

MIB = 1024 * 1024

# A temporary output: ".<target name>.<12 hex digits>.tmp", beside its target.
TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")
# The build's other temporary files (its own, pandoc's, Typst's), inside the output folder.
TEMPORARY_FOLDER = ".travail/temporaire"

_ERRNO_FR = {
    errno.ENOENT: "fichier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c’est un dossier",
    errno.ENOTDIR: "un élément du chemin n’est pas un dossier",
    errno.ELOOP: "trop de liens symboliques",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts sur le système",
    errno.EIO: "erreur d’entrée-sortie du disque",
    errno.ENXIO: "fichier spécial sans lecteur ni écrivain (socket ?)",
    errno.EEXIST: "le fichier existe déjà",
    errno.EBUSY: "ressource occupée",
    errno.ETXTBSY: "fichier occupé",
    errno.EXDEV: "déplacement entre deux disques impossible",
    errno.ENOMEM: "mémoire insuffisante",
    errno.EINVAL: "argument invalide",
}


def system_message(exc: OSError) -> str:
    """The system error in French ("permission refusée"), never Python's English."""
    if exc.errno in _ERRNO_FR:
        return _ERRNO_FR[exc.errno]
    return f"erreur système {exc.errno}" if exc.errno else "erreur système"


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in French."""
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISFIFO(mode):
        return "un tube nommé (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    if stat.S_ISLNK(mode):
        return "un lien symbolique"
    return "un fichier spécial"


def count_text(n: int) -> str:
    """A count for messages, in the French style: "200 000" (narrow no-break spaces)."""
    return f"{n:,}".replace(",", "\u202f")


def size_text(size: int) -> str:
    """A size for messages: "3,7 Mo", "1,0 Go", "512 octets"."""
    if size < 1024:
        return f"{size} octets"
    for unit, factor in (("Go", 1024**3), ("Mo", MIB), ("ko", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{size} octets"  # pragma: no cover - the loop always returns


def is_regular(path: Path) -> bool:
    """A regular file (after symbolic links), checked without opening it."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def read_input(path: Path, shown: str, limit: int, what: str = "fichier") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; else ``SourceError``.

    Never blocks (FIFOs, sockets and devices are refused), never reads more than ``limit``
    bytes, and tells system errors in French.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SourceError(f"lecture impossible ({system_message(exc)})", shown) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{file_kind(info.st_mode)}, pas un {what} ordinaire", shown)
        if info.st_size > limit:
            raise SourceError(_too_large(info.st_size, limit, what), shown)
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, MIB))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # the file grew while it was read
            raise SourceError(_too_large(len(data), limit, what), shown)
        return data
    except OSError as exc:
        raise SourceError(f"lecture impossible ({system_message(exc)})", shown) from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int, what: str) -> str:
    return f"{what} trop volumineux ({size_text(size)} ; limite : {size_text(limit)})"


def temporary_beside(target: Path) -> Path:
    """A fresh temporary path beside ``target``, in the pattern the sweep recognises."""
    return target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it only if the block succeeds: a
    reader never sees half a file (the next build removes it if this one is killed:
    :func:`sweep_temporaries`). Every output of a build is written through here.

    The umask applies to the file (outputs are shared files), unlike ``mkstemp``'s 0600.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(target)
    try:
        with open(tmp, "xb"):
            pass
        yield tmp
        faults.point("avant-remplacement", target.name)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(target: Path, data: bytes | str) -> None:
    """Write ``target`` whole or not at all (text in UTF-8), by :func:`atomic_output`."""
    with atomic_output(target) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def sweep_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files that killed builds left in an output folder (call it while
    holding the folder's lock: then no other build is writing there): files named in the
    pattern of :func:`temporary_beside` or of earlier versions, the parts of a PDF composed
    in parts, and whatever is in :data:`TEMPORARY_FOLDER`. Symbolic links are not followed.
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    scratch = folder / TEMPORARY_FOLDER
    if scratch.is_dir() and not scratch.is_symlink():
        for entry in sorted(scratch.iterdir()):
            removed.append(entry)
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if TEMPORARY.match(name) or any(p.match(name) for p in _OTHER_TEMPORARIES):
                path = Path(root) / name
                try:
                    if stat.S_ISREG(path.lstat().st_mode):
                        path.unlink()
                        removed.append(path)
                except OSError:
                    continue
    return removed


@contextmanager
def private_temporaries(out: Path) -> Iterator[Path]:
    """Within the block, temporary files (Python's ``tempfile``, and the programs started,
    through ``TMPDIR``) go to the output folder's :data:`TEMPORARY_FOLDER`, removed at the
    end; the next build removes those of a build that was killed."""
    folder = out / TEMPORARY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    before_dir, before_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(folder.resolve())
    os.environ["TMPDIR"] = tempfile.tempdir
    try:
        yield folder
    finally:
        tempfile.tempdir = before_dir
        if before_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before_env
        shutil.rmtree(folder, ignore_errors=True)  # nothing in it outlives the build
        with suppress(OSError):
            folder.parent.rmdir()  # ".travail", when the build put nothing else there


# Other temporary files: mkstemp's ("." + 8 characters + ".tmp", or ".<target>.<8
# characters>.tmp"), and the Typst sources of a PDF composed in parts.
_OTHER_TEMPORARIES = (
    re.compile(r"^\.(?:.+\.)?[a-z0-9_]{8}\.tmp$"),
    re.compile(r"^\..+-(?:partie-\d+|tete)\.typ$"),
)
