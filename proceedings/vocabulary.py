"""The editor's vocabulary: the thesaurus of themes and the keyword overrides.

``templates/thesaurus.yaml`` ships the field's themes; an event adds, replaces or removes
themes with its own ``thesaurus.yaml``. ``mots-cles.yaml`` in the event folder keeps, bans,
renames or merges keywords. Both are validated with the file and line of every problem.

Both come from the event folder and are read as hostile input: only a regular file of at
most :data:`MAX_FILE_BYTES` is read (a named pipe is refused, never waited on), with the
bounds of :mod:`proceedings.yamlfr` (depth, aliases), and lists longer than
:data:`MAX_ENTRIES` are cut, with a message. A file refused is reported and ignored.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import safeio, yamlcheck, yamlfr
from .errors import Diagnostics
from .model import Theme

THESAURUS_FILE = "thesaurus.yaml"
OVERRIDES_FILE = "mots-cles.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_FILE_BYTES = 2 * safeio.MIB  # the default thesaurus is 6 kB
MAX_ENTRIES = 2_000  # themes, variants of a theme, words of a rule: the rest is ignored


@dataclass(frozen=True, slots=True)
class Overrides:
    """The editor's decisions on keywords, applied in this order: merge, ban, rename, keep."""

    garder: tuple[str, ...] = ()  # always listed, even when ranked low
    exclure: tuple[str, ...] = ()  # never listed
    renommer: tuple[tuple[str, str], ...] = ()  # (keyword, label to publish)
    fusionner: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (target, variants merged in)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    themes: tuple[Theme, ...]
    overrides: Overrides = field(default_factory=Overrides)
    digest: str = ""  # changes whenever the thesaurus or the overrides change

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)


def norm(text: str) -> str:
    """The key keywords are compared on: lower case, single spaces, plurals folded."""
    words = re.findall(r"[\w’'-]+", text.lower().replace("’", "'"))
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words)


def load_vocabulary(templates: Path, event_dir: Path, diag: Diagnostics) -> Vocabulary:
    """The default thesaurus, the event's additions, and the event's overrides.

    A file with problems is reported (file and line) and what can be used of it is used.
    """
    sources: list[bytes] = []
    themes: dict[str, Theme] = {}
    for path in (templates / THESAURUS_FILE, event_dir / THESAURUS_FILE):
        if not os.path.lexists(path):
            continue
        data, raw, src = _load(path, diag)
        sources.append(raw)
        if data is None:
            continue
        for theme_id in _strings(data.get("retirer"), src, "retirer", diag):
            themes.pop(theme_id, None)
        entries = _list(data.get("themes"), src, "themes", diag)
        for i, entry in enumerate(entries, start=1):
            theme = _theme(entry, src, f"themes[{i}]", diag)
            if theme is not None:
                themes[theme.id] = theme
        _unknown(data, ("themes", "retirer"), src, diag)
    overrides = Overrides()
    path = event_dir / OVERRIDES_FILE
    if os.path.lexists(path):
        data, raw, src = _load(path, diag)
        sources.append(raw)
        if data is not None:
            overrides = _overrides(data, src, diag)
    digest = hashlib.sha256(b"\0".join(sources)).hexdigest()
    return Vocabulary(tuple(themes.values()), overrides, digest)


@dataclass(frozen=True, slots=True)
class _Source:
    """A file read, kept for the lines of messages (never read a second time)."""

    path: Path
    text: str = ""

    def line(self, needle: str) -> int | None:
        """The first line of the file that mentions ``needle``."""
        at = self.text.find(needle) if needle else -1
        return None if at < 0 else self.text.count("\n", 0, at) + 1


def _load(path: Path, diag: Diagnostics) -> tuple[dict[str, Any] | None, bytes, _Source]:
    data, raw, text = yamlfr.read_mapping(path, diag, MAX_FILE_BYTES)
    return data, raw, _Source(path, text)


def _theme(entry: Any, src: _Source, key: str, diag: Diagnostics) -> Theme | None:
    if not isinstance(entry, dict):
        diag.error(f"{key} : attendu id, libelle et variantes", src.path, src.line(key))
        return None
    theme_id, libelle = _text(entry.get("id")), _text(entry.get("libelle"))
    if not _ID.match(theme_id) or not libelle:
        diag.error(
            f"{key} : « id » (minuscules, chiffres, tirets) et « libelle » sont "
            "obligatoires, thème ignoré",
            src.path,
            src.line(theme_id or key),
        )
        return None
    variantes = _strings(entry.get("variantes"), src, f"{key}.variantes", diag)
    _unknown(entry, ("id", "libelle", "variantes", "sigle"), src, diag, key)
    sigle = _text(entry.get("sigle"))
    # The label and the acronym always express the theme too.
    words = tuple(dict.fromkeys((libelle, *((sigle,) if sigle else ()), *variantes)))
    return Theme(theme_id, libelle, words, sigle)


def _overrides(data: dict[str, Any], src: _Source, diag: Diagnostics) -> Overrides:
    _unknown(data, ("garder", "exclure", "renommer", "fusionner"), src, diag)
    renommer = data.get("renommer") or {}
    fusionner = data.get("fusionner") or {}
    if not isinstance(renommer, dict):
        diag.error(
            "renommer : attendu des lignes « ancien : nouveau »", src.path, src.line("renommer")
        )
        renommer = {}
    if not isinstance(fusionner, dict):
        diag.error(
            "fusionner : attendu des lignes « cible : [variantes] »",
            src.path,
            src.line("fusionner"),
        )
        fusionner = {}
    return Overrides(
        garder=_strings(data.get("garder"), src, "garder", diag),
        exclure=_strings(data.get("exclure"), src, "exclure", diag),
        renommer=tuple(
            (k.strip(), _text(v))
            for k, v in list(renommer.items())[:MAX_ENTRIES]
            if k.strip() and _text(v)
        ),
        fusionner=tuple(
            (k.strip(), _strings(v, src, f"fusionner.{k}", diag))
            for k, v in list(fusionner.items())[:MAX_ENTRIES]
            if k.strip()
        ),
    )


def _strings(value: Any, src: _Source, key: str, diag: Diagnostics) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        diag.error(f"{key} : attendu une liste", src.path, src.line(key.split(".")[-1]))
        return ()
    value = _list(value, src, key, diag)
    if not all(isinstance(v, str | None) for v in value):
        diag.error(
            f"{key} : attendu une liste de textes, éléments ignorés",
            src.path,
            src.line(key.split(".")[-1]),
        )
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def _text(value: Any) -> str:
    """A text value, stripped; anything else (a list, a mapping, nothing) is no text."""
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any, src: _Source, key: str, diag: Diagnostics) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        diag.error(f"{key} : attendu une liste", src.path, src.line(key))
        return []
    if len(value) > MAX_ENTRIES:
        diag.error(
            f"{key} : {yamlcheck.too_long(len(value), MAX_ENTRIES)}, les suivants sont ignorés",
            src.path,
            src.line(key.split(".")[-1]),
        )
        return value[:MAX_ENTRIES]
    return value


def _unknown(
    data: dict[str, Any], known: tuple[str, ...], src: _Source, diag: Diagnostics, where: str = ""
) -> None:
    for key in data:
        if key not in known:
            prefix = f"{where}." if where else ""
            diag.warning(
                f"{prefix}{yamlfr.excerpt(key)} : {yamlcheck.unknown_key(str(key), known)}",
                src.path,
                src.line(str(key)),
            )
