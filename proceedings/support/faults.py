"""Named fault points: tests break a build at a chosen moment, never by timing.

A test sets ``PROCEEDINGS_PANNE`` to ``point=action`` (several separated by ``;``), where
``point`` is a name below, optionally followed by ``:detail`` (a file name, a stage) to
choose one occurrence. Actions:

- ``tuer``: the process kills itself (SIGKILL), as ``kill -9`` or a power cut would;
- ``interrompre``: SIGINT to the build's main process (``kill -INT``), then, in a child
  process, wait to be stopped;
- ``ctrl-c``: SIGINT to the whole process group, as Ctrl-C in a terminal does;
- ``disque-plein``: ``OSError(ENOSPC)``, as a full disk would.

Points: ``avant-remplacement:<fichier>`` (a document is written whole, not yet renamed onto
its place), ``conversion:<format>`` (a conversion starts), ``analyse`` (an analysis task
starts), ``lecture:<fichier>`` (a note is about to be read).

Without the variable, :func:`point` costs one dictionary lookup.
"""

from __future__ import annotations

import errno
import os
import signal

VARIABLE = "PROCEEDINGS_PANNE"
MAIN = "PROCEEDINGS_PRINCIPAL"  # the main process's id, set by the command line


def point(name: str, detail: str = "") -> None:
    """Trigger the action a test asked for at this point, if any."""
    wanted = os.environ.get(VARIABLE)
    if not wanted:
        return
    for item in wanted.split(";"):
        where, _, action = item.partition("=")
        target, _, which = where.strip().partition(":")
        if target != name or (which and which != detail):
            continue
        _act(action.strip())


def _act(action: str) -> None:
    if action == "tuer":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "disque-plein":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    elif action in ("interrompre", "ctrl-c"):
        main = int(os.environ.get(MAIN, "0") or 0) or os.getpid()
        if action == "ctrl-c":
            os.killpg(os.getpgrp(), signal.SIGINT)
        else:
            os.kill(main, signal.SIGINT)
        if os.getpid() != main:
            while True:  # a child waits until the main process stops it
                signal.pause()
