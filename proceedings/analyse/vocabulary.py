"""The editor's vocabulary: the thesaurus of themes and the keyword overrides.

``templates/thesaurus.yaml`` ships the field's themes; an event adds, replaces or removes
themes with its own ``thesaurus.yaml``. ``mots-cles.yaml`` in the event folder keeps, bans,
renames or merges keywords. Both are checked as every YAML file an editor writes
(:mod:`proceedings.support.yamlcheck`): each problem is told with the file, the line of the value
itself and its key path, and the rest of the file is used.

Both come from the event folder and are read as hostile input: only a regular file of at
most :data:`MAX_FILE_BYTES` is read (a named pipe is refused, never waited on), with the
bounds of :mod:`proceedings.support.yamlfr` (depth, aliases), and lists longer than
:data:`MAX_ENTRIES` are cut, with a message. A file refused is reported and ignored.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from proceedings.errors import Diagnostics
from proceedings.model import Theme
from proceedings.support import safeio, yamlcheck
from proceedings.support.yamlcheck import ID_RE, Checker, Node

THESAURUS_FILE = "thesaurus.yaml"
OVERRIDES_FILE = "mots-cles.yaml"
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
        c = _checker(path)
        root, raw = yamlcheck.read_mapping(c, path, MAX_FILE_BYTES)
        sources.append(raw)
        if root is not None:
            _thesaurus(c, root, themes)
        diag.extend(c.problems)
    overrides = Overrides()
    path = event_dir / OVERRIDES_FILE
    if os.path.lexists(path):
        c = _checker(path)
        root, raw = yamlcheck.read_mapping(c, path, MAX_FILE_BYTES)
        sources.append(raw)
        if root is not None:
            overrides = _overrides(c, root)
        diag.extend(c.problems)
    digest = hashlib.sha256(b"\0".join(sources)).hexdigest()
    return Vocabulary(tuple(themes.values()), overrides, digest)


def _checker(path: Path) -> Checker:
    """The checker of one file: used in part, its lists cut at :data:`MAX_ENTRIES`."""
    return Checker(str(path), max_items=MAX_ENTRIES, partial=True)


def _thesaurus(c: Checker, root: Node, themes: dict[str, Theme]) -> None:
    """Apply a thesaurus file to the themes: what it removes, then what it adds or
    replaces."""
    f = c.mapping(root, "", ("themes", "retirer")) or {}
    for theme_id in c.texts(f.get("retirer"), "retirer", bare=True):
        themes.pop(theme_id, None)
    for theme in c.sequence(f.get("themes"), "themes", lambda n, k: _theme(c, n, k)):
        themes[theme.id] = theme


def _theme(c: Checker, node: Node, key: str) -> Theme | None:
    if not isinstance(node.value, dict):
        c.error(node, key, "attendu id, libelle et variantes")
        return None
    f = c.mapping(node, key, ("id", "libelle", "variantes", "sigle")) or {}
    theme_id = c.text(f.get("id"), c.join(key, "id"))
    libelle = c.text(f.get("libelle"), c.join(key, "libelle"))
    if not ID_RE.match(theme_id) or not libelle:
        c.error(
            node,
            key,
            "« id » (minuscules, chiffres, tirets) et « libelle » sont obligatoires, thème ignoré",
        )
        return None
    variantes = c.texts(f.get("variantes"), c.join(key, "variantes"), bare=True)
    sigle = c.text(f.get("sigle"), c.join(key, "sigle"))
    # The label and the acronym always express the theme too.
    words = tuple(dict.fromkeys((libelle, *((sigle,) if sigle else ()), *variantes)))
    return Theme(theme_id, libelle, words, sigle)


def _overrides(c: Checker, root: Node) -> Overrides:
    f = c.mapping(root, "", ("garder", "exclure", "renommer", "fusionner")) or {}
    renommer = _rules(c, f.get("renommer"), "renommer", "attendu des lignes « ancien : nouveau »")
    fusionner = _rules(
        c, f.get("fusionner"), "fusionner", "attendu des lignes « cible : [variantes] »"
    )
    return Overrides(
        garder=c.texts(f.get("garder"), "garder", bare=True),
        exclure=c.texts(f.get("exclure"), "exclure", bare=True),
        renommer=tuple(
            (word, label)
            for word, value in renommer
            if (label := c.text(value, c.join("renommer", word)))
        ),
        fusionner=tuple(
            (word, c.texts(value, c.join("fusionner", word), bare=True))
            for word, value in fusionner
        ),
    )


def _rules(c: Checker, node: Node | None, key: str, expected: str) -> list[tuple[str, Node]]:
    """The « keyword : value » lines of a rule, at most :data:`MAX_ENTRIES` of them."""
    if node is None or not node.value:
        return []
    if not isinstance(node.value, dict):
        c.error(node, key, expected)
        return []
    lines: list[tuple[str, Node]] = list(node.value.items())[:MAX_ENTRIES]
    return [(word.strip(), value) for word, value in lines if word.strip()]
