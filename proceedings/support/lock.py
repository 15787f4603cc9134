"""One build at a time per output folder: two builds of the same event cannot interleave
their writes. The lock is an advisory lock (flock) on ``<sortie>/.verrou``, released by the
system when the process ends, even when it is killed. Whoever holds it first removes the
temporary files that a killed build left, then keeps its own in the output folder."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from proceedings.errors import ProceedingsError
from proceedings.support.safeio import private_temporaries, sweep_temporaries

LOCK_FILE = ".verrou"


@contextmanager
def output_lock(out: Path, wait: float, notify: Callable[[str], None]) -> Iterator[None]:
    """Hold the output folder's lock; wait up to ``wait`` seconds for another build.

    ``notify`` is told, once, that the build waits (the command line prints it).
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_FILE
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(handle)
                if time.monotonic() >= deadline:
                    raise ProceedingsError(
                        f"une autre construction écrit déjà dans ce dossier{holder} ; "
                        "relancez quand elle sera terminée",
                        str(out),
                    ) from None
                if not told:
                    notify(
                        f"{out}: une autre construction est en cours{holder}, attente "
                        f"de sa fin (au plus {wait:.0f} s)…"
                    )
                    told = True
                time.sleep(0.2)
        os.ftruncate(handle, 0)
        os.write(handle, str(os.getpid()).encode())
        # No other build writes here now: what is temporary is what a killed build left.
        sweep_temporaries(out)
        with private_temporaries(out):
            yield
    finally:
        os.close(handle)  # closing releases the lock


def _holder(handle: int) -> str:
    try:
        pid = os.pread(handle, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (processus {pid})" if pid.isdigit() else ""
