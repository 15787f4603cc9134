"""Where the build's work runs: processes, forks and pools, in one place.

- :func:`process_pool`: worker processes, forked where the system can (they start with
  what the parent has loaded, the French model for instance), else spawned with an
  initializer; inside :func:`stopped_on_interrupt` they stop at once on Ctrl-C.
- :func:`side_by_side`: independent tasks (the conversions), each in a forked process of
  its own when there are several and ``jobs`` > 1, else one after the other; their
  results come back in order, with the seconds each took.
- :func:`after`: a task that first waits for something (the figure files).
- :func:`in_threads`: work that mostly waits for other programs (reading notes through
  pandoc), by threads.
- :class:`Background`: work done by a forked process while the build goes on (writing the
  figure files), waited for where its result is needed.
- :func:`stop_all`: every process the build started, killed (on Ctrl-C).

``ProcessPoolExecutor`` waits for its workers when its block ends, even on Ctrl-C: a worker
converting a document would then finish and replace it after the user asked to stop, and
the command would wait for it. Inside :func:`stopped_on_interrupt`, an interruption kills
the pool's workers first (their temporary files are removed by the next build)."""

from __future__ import annotations

import ctypes
import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from proceedings.errors import ConvertError
from proceedings.support.safeio import system_message

T = TypeVar("T")
A = TypeVar("A")


def can_fork() -> bool:
    """Whether processes can be forked here (Linux, macOS with fork): they then share what
    the parent has loaded, and tasks need not be pickled."""
    return "fork" in multiprocessing.get_all_start_methods()


def process_pool(
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    set_up_forks: bool = False,
) -> ProcessPoolExecutor:
    """``workers`` processes, forked where possible, else spawned. A spawned process is
    set up by ``initializer``; a forked one has its parent's state already, and runs the
    initializer only with ``set_up_forks`` (forked before the parent loaded anything)."""
    forked = can_fork()
    context = multiprocessing.get_context("fork" if forked else "spawn")
    start: dict[str, Any] = {}
    if initializer is not None and (set_up_forks or not forked):
        start = {"initializer": initializer, "initargs": initargs}
    return ProcessPoolExecutor(workers, mp_context=context, **start)


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


def in_threads(work: Callable[[A], T], items: Sequence[A], threads: int) -> list[T]:
    """``work`` on each item, by ``threads`` threads (work that waits for other processes,
    pandoc's), the results in the items' order; when interrupted, the items not yet
    started are left."""
    pool = ThreadPoolExecutor(max_workers=max(1, threads))
    try:
        return list(pool.map(work, items))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class Task(Generic[T]):
    """A named piece of work: ``run()`` gives its result."""

    def __init__(self, name: str, run: Callable[[], T]) -> None:
        self.name = name
        self.run = run


def after(ready: Callable[[], None] | None, work: Callable[[], T]) -> Callable[[], T]:
    """``work``, once ``ready`` has returned (the figure files are written)."""
    if ready is None:
        return work

    def waiting() -> T:
        ready()
        return work()

    return waiting


# The tasks handed to forked processes: a forked child finds them here, by their index,
# so that closures need not be pickled (only fork shares them, which side_by_side checks).
_PENDING: list[Callable[[], Any]] = []


def side_by_side(tasks: Sequence[Task[T]], jobs: int) -> Iterator[tuple[str, T, float]]:
    """Run the tasks, side by side in forked processes when ``jobs`` > 1 (python-docx and
    typst hold Python's lock: threads would take turns), else one after the other; yields
    (name, result, seconds) in the tasks' order. With ``jobs`` > 1 each task has its own
    process, even beyond ``jobs``: tasks of unequal length, each using one processor, end
    sooner that way (three conversions on two processors: 5.5 s against 6.3 s at 100,000
    words). The results are the same either way."""
    if jobs < 2 or len(tasks) < 2 or not can_fork():
        for task in tasks:
            start = time.perf_counter()
            result = task.run()
            yield task.name, result, time.perf_counter() - start
        return
    _PENDING[:] = [task.run for task in tasks]
    try:
        with (
            process_pool(len(tasks)) as pool,
            stopped_on_interrupt(pool),
        ):
            futures = [pool.submit(_run_pending, i) for i in range(len(tasks))]
            for task, future in zip(tasks, futures, strict=True):
                result, seconds = future.result()
                yield task.name, result, seconds
    finally:
        _PENDING.clear()


def _run_pending(index: int) -> tuple[Any, float]:
    start = time.perf_counter()
    result = _PENDING[index]()
    return result, time.perf_counter() - start


class Background:
    """``work`` done by a forked process while the build goes on (only where processes
    fork: see :func:`can_fork`). Processes forked later (the conversions) can wait for it
    too: :meth:`wait` returns once it is done, or raises ``ConvertError`` with ``failure``
    and why."""

    def __init__(self, work: Callable[[], None], failure: str) -> None:
        context = multiprocessing.get_context("fork")
        self._failure = failure
        self._ready = context.Event()
        self._done = context.Value("b", 0)
        self._error = context.Array(ctypes.c_char, 1000)  # why it failed
        self._process = context.Process(target=self._run, args=(work,), daemon=True)
        self._process.start()

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
            self._done.value = 1
        except Exception as exc:  # told by wait(), in the build's process
            reason = system_message(exc) if isinstance(exc, OSError) else str(exc)
            self._error.value = reason.encode("utf-8")[:999]
        finally:
            self._ready.set()

    def wait(self) -> None:
        """Returns when the work is done; raises if it could not be."""
        self._ready.wait()
        if not self._done.value:
            reason = self._error.value.decode("utf-8", "replace")
            raise ConvertError(f"{self._failure} : {reason}")

    def join(self) -> None:
        """Waits for the process to end (after :meth:`wait`)."""
        self.wait()
        self._process.join()


def stop_all() -> None:
    """Kill every process this one started, and wait for them to end."""
    for child in multiprocessing.active_children():
        child.kill()
    for child in multiprocessing.active_children():
        child.join()
