"""What the benchmarks share: loading a dataset's own scoring protocol (``score.py``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load_scorer(path: Path, name: str) -> ModuleType:
    """The scoring protocol a dataset ships, loaded as a module (never copied here)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path} : protocole de score introuvable")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
