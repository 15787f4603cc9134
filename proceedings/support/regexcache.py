"""A disk cache of compiled regular expressions, for loading spaCy's French model.

Loading ``fr_core_news_sm`` takes about 3.5 s, of which about 2.7 s go to compiling the
French tokenizer's regular expressions: ``spacy/lang/fr/tokenizer_exceptions.py`` builds one
alternation of hundreds of elided and hyphenated forms over Unicode letter classes, and
Python's regular expression compiler optimises those classes in pure Python. Python keeps
compiled patterns only for the life of a process, so every build paid it again.

While the model loads, :func:`cached` puts itself in front of the compiler
(``re._compiler.compile``): a slow pattern's compiled program is written to the cache; next
time, the program is read back and handed to the regular expression engine (``_sre``), as
the compiler itself does at its last step. The engine checks every program it is given
(``_validate`` in CPython's ``_sre.c``), and the cache key holds the pattern, its flags, the
Python version and the engine's version, so a program is only used by the interpreter that
compiled it. Each entry is also checked before it is used (:mod:`proceedings.support.cachefile`):
it must be the entry of this key (two files swapped are refused), whole (its checksum: a
program altered on disk could still pass the engine's checks and match differently), and of
the expected types. Anything unexpected (another Python, a damaged, swapped or unreadable
file, a folder where a file should be, a folder that cannot be written) falls back to the
normal compiler, silently: the cache only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from proceedings.support import cachefile

SLOW = 0.02  # seconds: faster patterns are not worth a file
LIMIT = 64 * 1024 * 1024  # bytes: a larger entry is not read
_LOCK = threading.Lock()


def user_cache() -> Path:
    """The user's cache folder for proceedings (``$XDG_CACHE_HOME/proceedings``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "proceedings" / "regex"


def _internals() -> tuple[Any, Any, Any] | None:
    """CPython's regular expression compiler and engine, when they have the shape this
    module was written for (the ``re._compiler`` of Python 3.11 and later); else None."""
    try:
        _sre = importlib.import_module("_sre")
        _compiler = importlib.import_module("re._compiler")
        _parser = importlib.import_module("re._parser")
    except ImportError:
        return None
    needed = ((_compiler, "compile"), (_compiler, "_code"), (_parser, "parse"), (_sre, "MAGIC"))
    if not all(hasattr(module, name) for module, name in needed):
        return None
    return _sre, _compiler, _parser


@contextlib.contextmanager
def cached(folder: Path | None) -> Iterator[None]:
    """Within the block, slow regular expressions are compiled once per machine."""
    internals = _internals() if folder is not None else None
    if internals is None or folder is None:
        yield
        return
    _sre, _compiler, _parser = internals
    original: Callable[..., re.Pattern[str]] = _compiler.compile

    def compile_cached(p: Any, flags: int = 0) -> re.Pattern[str]:
        if not isinstance(p, str) or flags & re.DEBUG:
            return original(p, flags)
        key = _key(p, flags, _sre)
        compiled = _load(folder, key, p, _sre)
        if compiled is not None:
            return compiled
        start = time.perf_counter()
        parsed = _parser.parse(p, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        program = {
            "flags": flags | parsed.state.flags,
            "groups": parsed.state.groups - 1,
            "groupindex": groupindex,
            "indexgroup": indexgroup,
            "code": code,
        }
        compiled = _from_program(p, program, _sre)
        if time.perf_counter() - start >= SLOW:
            _store(folder, key, program)
        return compiled

    with _LOCK:
        _compiler.compile = compile_cached
        try:
            yield
        finally:
            _compiler.compile = original


def _key(pattern: str, flags: int, sre: Any) -> str:
    engine = f"{sys.implementation.cache_tag} {sys.version} {sre.MAGIC} {sre.CODESIZE}"
    digest = hashlib.sha256(f"{engine}\0{flags}\0{pattern}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _from_program(pattern: str, program: dict[str, Any], sre: Any) -> re.Pattern[str]:
    compiled: re.Pattern[str] = sre.compile(
        pattern,
        program["flags"],
        program["code"],
        program["groups"],
        program["groupindex"],
        tuple(program["indexgroup"]),
    )
    return compiled


SCHEMA = "regex-2"  # the format of an entry (proceedings.support.cachefile)
Program = tuple[int, int, dict[str, int], list[str | None], list[int]]


def _load(folder: Path, key: str, pattern: str, sre: Any) -> re.Pattern[str] | None:
    """The pattern compiled from its entry, if the entry is the one for ``key``, whole, of
    the expected types, and accepted by the engine; else None."""
    data = cachefile.read(folder / f"{key}.json", SCHEMA, key, LIMIT)
    if data is None:
        return None
    try:
        flags, groups, groupindex, indexgroup, code = cachefile.decode(Program, data)
        program = {
            "flags": flags,
            "groups": groups,
            "groupindex": groupindex,
            "indexgroup": indexgroup,
            "code": code,
        }
        compiled = _from_program(pattern, program, sre)
    except (ValueError, TypeError, KeyError, RuntimeError, OverflowError, MemoryError):
        return None
    return compiled if compiled.pattern == pattern else None


def _store(folder: Path, key: str, program: dict[str, Any]) -> None:
    """Keep a compiled program; a folder that cannot be written only costs time."""
    fields = ("flags", "groups", "groupindex", "indexgroup", "code")
    cachefile.write(folder / f"{key}.json", SCHEMA, key, [program[f] for f in fields])
