"""Progress bars (tqdm) on an interactive terminal; silent in CI and when piped."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _Silent:
    def update(self, n: int = 1) -> None:
        return None


class Progress:
    """Shows bars only when ``enabled`` (by default: stderr is a terminal, and not in CI)."""

    def __init__(self, enabled: bool | None = None) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty() and not os.environ.get("CI")
        self.enabled = enabled

    @contextmanager
    def bar(self, total: int, label: str) -> Iterator[Any]:
        if not self.enabled or total <= 0:
            yield _Silent()
            return
        from tqdm import tqdm

        with tqdm(
            total=total, desc=label, unit="", leave=False, file=sys.stderr, dynamic_ncols=True
        ) as bar:
            yield bar
