"""Process pools that stop at once when the build is interrupted.

``ProcessPoolExecutor`` waits for its workers when its block ends, even on Ctrl-C: a worker
converting a document would then finish and replace it after the user asked to stop, and
the command would wait for it. Inside :func:`stopped_on_interrupt`, an interruption kills
the pool's workers first (their temporary files are removed by the next build)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


@contextmanager
def stopped_on_interrupt(pool: ProcessPoolExecutor) -> Iterator[ProcessPoolExecutor]:
    try:
        yield pool
    except KeyboardInterrupt:
        kill(pool)
        raise


def kill(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes, then let it go without waiting for their work."""
    # The workers are only reachable through this attribute (CPython 3.11 to 3.13).
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()
    for process in list(processes.values()):
        process.join()
    pool.shutdown(wait=False, cancel_futures=True)
