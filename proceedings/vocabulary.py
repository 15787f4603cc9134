"""The editor's vocabulary: the thesaurus of themes and the keyword overrides.

``templates/thesaurus.yaml`` ships the field's themes; an event adds, replaces or removes
themes with its own ``thesaurus.yaml``. ``mots-cles.yaml`` in the event folder keeps, bans,
renames or merges keywords. Both are validated with the file and line of every problem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import yamlfr
from .errors import Diagnostics
from .model import Theme

THESAURUS_FILE = "thesaurus.yaml"
OVERRIDES_FILE = "mots-cles.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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
        if not path.is_file():
            continue
        data, raw = _load(path, diag)
        sources.append(raw)
        if data is None:
            continue
        for theme_id in _strings(data.get("retirer"), path, "retirer", diag):
            themes.pop(theme_id, None)
        for i, entry in enumerate(_list(data.get("themes"), path, "themes", diag), start=1):
            theme = _theme(entry, path, f"themes[{i}]", diag)
            if theme is not None:
                themes[theme.id] = theme
        _unknown(data, ("themes", "retirer"), path, diag)
    overrides = Overrides()
    path = event_dir / OVERRIDES_FILE
    if path.is_file():
        data, raw = _load(path, diag)
        sources.append(raw)
        if data is not None:
            overrides = _overrides(data, path, diag)
    digest = hashlib.sha256(b"\0".join(sources)).hexdigest()
    return Vocabulary(tuple(themes.values()), overrides, digest)


def _load(path: Path, diag: Diagnostics) -> tuple[dict[str, Any] | None, bytes]:
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        diag.error("le fichier n’est pas en UTF-8, ignoré", path)
        return None, raw
    except yaml.YAMLError as exc:
        problem, line = yamlfr.describe(exc)
        diag.error(f"erreur de syntaxe YAML : {problem}, fichier ignoré", path, line)
        return None, raw
    if data is None:
        return {}, raw
    if not isinstance(data, dict):
        diag.error("attendu des lignes « clé : valeur », fichier ignoré", path, 1)
        return None, raw
    return data, raw


def _theme(entry: Any, path: Path, key: str, diag: Diagnostics) -> Theme | None:
    if not isinstance(entry, dict):
        diag.error(f"{key} : attendu id, libelle et variantes", path, _line(path, key))
        return None
    theme_id = str(entry.get("id") or "").strip()
    libelle = str(entry.get("libelle") or "").strip()
    if not _ID.match(theme_id) or not libelle:
        diag.error(
            f"{key} : « id » (minuscules, chiffres, tirets) et « libelle » sont "
            "obligatoires, thème ignoré",
            path,
            _line(path, theme_id or key),
        )
        return None
    variantes = _strings(entry.get("variantes"), path, f"{key}.variantes", diag)
    _unknown(entry, ("id", "libelle", "variantes", "sigle"), path, diag, key)
    sigle = str(entry.get("sigle") or "").strip()
    # The label and the acronym always express the theme too.
    words = tuple(dict.fromkeys((libelle, *((sigle,) if sigle else ()), *variantes)))
    return Theme(theme_id, libelle, words, sigle)


def _overrides(data: dict[str, Any], path: Path, diag: Diagnostics) -> Overrides:
    _unknown(data, ("garder", "exclure", "renommer", "fusionner"), path, diag)
    renommer = data.get("renommer") or {}
    fusionner = data.get("fusionner") or {}
    if not isinstance(renommer, dict):
        diag.error(
            "renommer : attendu des lignes « ancien : nouveau »", path, _line(path, "renommer")
        )
        renommer = {}
    if not isinstance(fusionner, dict):
        diag.error(
            "fusionner : attendu des lignes « cible : [variantes] »", path, _line(path, "fusionner")
        )
        fusionner = {}
    return Overrides(
        garder=_strings(data.get("garder"), path, "garder", diag),
        exclure=_strings(data.get("exclure"), path, "exclure", diag),
        renommer=tuple(
            (str(k).strip(), str(v).strip())
            for k, v in renommer.items()
            if str(k).strip() and str(v).strip()
        ),
        fusionner=tuple(
            (str(k).strip(), _strings(v, path, f"fusionner.{k}", diag))
            for k, v in fusionner.items()
            if str(k).strip()
        ),
    )


def _strings(value: Any, path: Path, key: str, diag: Diagnostics) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        diag.error(f"{key} : attendu une liste", path, _line(path, key.split(".")[-1]))
        return ()
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())


def _list(value: Any, path: Path, key: str, diag: Diagnostics) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        diag.error(f"{key} : attendu une liste", path, _line(path, key))
        return []
    return value


def _unknown(
    data: dict[str, Any], known: tuple[str, ...], path: Path, diag: Diagnostics, where: str = ""
) -> None:
    for key in data:
        if key not in known:
            prefix = f"{where}." if where else ""
            diag.warning(
                f"{prefix}{key} : clé inconnue, ignorée (clés possibles : {', '.join(known)})",
                path,
                _line(path, str(key)),
            )


def _line(path: Path, text: str) -> int | None:
    """The first line of the file that mentions ``text`` (for messages)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((i for i, line in enumerate(lines, start=1) if text and text in line), None)
