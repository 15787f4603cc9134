"""One way to check the YAML files an editor writes (``programme.yaml``, ``statuts.yaml``,
``thesaurus.yaml``, ``mots-cles.yaml``): the same problem is told with the same words, the
file, the line of the value itself and its key path (``sessions[3].debut : attendu HH:MM,
reçu « 9h »``; list positions count from 1, as an editor counts).

A text is composed with the bounds of :mod:`proceedings.support.yamlfr` into a tree of :class:`Node`
(a value and the lines it is written on); a key written twice and a list or a mapping used
as a key are reported there. A :class:`Checker` then reads the tree value by value and
collects every problem before anyone gives up: the caller decides what the file's errors
mean (the programme is refused whole; the status and vocabulary files are used in part).
Unknown keys are warnings, so that a typo never goes unnoticed.

Scalars are read as written: ``9:15`` stays a time and is not a YAML 1.1 sexagesimal
number, ``non`` stays text. ``<<: *defaults`` merges keys as PyYAML's safe loader does.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from proceedings.errors import Diagnostic, Severity, SourceError
from proceedings.support import safeio, yamlfr
from proceedings.support.safeio import count_text
from proceedings.support.yamlfr import excerpt

T = TypeVar("T")

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_NUMBER_DIGITS = 9  # of an integer: int() of a long text of digits is slow

_MERGE = "tag:yaml.org,2002:merge"
_NULL = "tag:yaml.org,2002:null"


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value with the line it starts on (1-based) and, for the value of a key, the
    line of that key (0 for the document and for list items)."""

    value: Any  # str for scalars ("" for an empty value), list[Node], or dict[str, Node]
    line: int
    tag: str = ""
    key_line: int = 0


# How a mapping's values are read, key by key: Checker.text, Checker.boolean… or any
# function of the same shape.
Reader = Callable[["Checker", Node | None, str], Any]


class Checker:
    """Collects the problems of one file while its tree is read into values.

    ``max_items`` bounds every list unless a call says otherwise, ``max_text`` every text
    (None: only the file's size bounds them). ``separator`` joins a key path (``sessions[1]
    .titre``; ``statuts.yaml`` says « chemin », statut). ``partial`` is for a file used in
    part whatever its errors: a list over its bound is cut, and its message says so.
    """

    def __init__(
        self,
        path: str,
        *,
        max_items: int | None = None,
        max_text: int | None = None,
        separator: str = ".",
        partial: bool = False,
    ) -> None:
        self.path = path
        self.max_items = max_items
        self.max_text = max_text
        self.separator = separator
        self.partial = partial
        self.problems: list[Diagnostic] = []

    # -- problems ----------------------------------------------------------------------
    def error(self, at: Node | int | None, key: str, message: str) -> None:
        """An error at a node's line (or at a line), under a key path ("" for none)."""
        self._add(Severity.ERROR, at, key, message)

    def warning(self, at: Node | int | None, key: str, message: str) -> None:
        self._add(Severity.WARNING, at, key, message)

    def _add(self, severity: Severity, at: Node | int | None, key: str, message: str) -> None:
        line = at.line if isinstance(at, Node) else at or None
        self.problems.append(Diagnostic(severity, _at(key, message), self.path, line))

    def join(self, key: str, name: str) -> str:
        """The key path of ``name`` under ``key``."""
        return f"{key}{self.separator}{name}" if key else name

    # -- the tree ----------------------------------------------------------------------
    def compose(self, text: str, max_chars: int, first_line: int = 1) -> Node | None:
        """The tree of a one-document YAML text (None when it is empty); a key written
        twice (the last one is kept) and a key that is not a text are errors. A text that
        cannot be read, or over a bound of :mod:`~proceedings.support.yamlfr`, raises
        ``yamlfr.Refused``."""
        node = yamlfr.compose(text, max_chars, first_line)
        return None if node is None else self._tree(node, first_line, 0)

    def _tree(self, node: yaml.Node, first_line: int, key_line: int) -> Node:
        line = yamlfr.line_of(node, first_line)
        if isinstance(node, yaml.MappingNode):
            items: dict[str, Node] = {}
            merged: dict[str, Node] = {}
            for key_node, value_node in node.value:
                at = yamlfr.line_of(key_node, first_line)
                if not isinstance(key_node, yaml.ScalarNode):
                    self.error(
                        at,
                        "",
                        "clé non valide : une liste ou un ensemble de clés ne peut pas servir "
                        "de clé",
                    )
                    continue
                value = self._tree(value_node, first_line, at)
                if key_node.tag == _MERGE:  # "<<: *defaults": the keys written here win
                    for part in value.value if isinstance(value.value, list) else [value]:
                        if isinstance(part.value, dict):
                            merged = {**part.value, **merged}
                    continue
                key = str(key_node.value)
                if key in items:
                    self.error(at, "", f"clé « {excerpt(key)} » répétée")
                items[key] = value
            return Node({**merged, **items}, line, node.tag, key_line)
        if isinstance(node, yaml.SequenceNode):
            return Node(
                [self._tree(v, first_line, 0) for v in node.value], line, node.tag, key_line
            )
        scalar = str(node.value)
        if node.tag == _NULL and scalar in ("", "~", "null", "Null", "NULL"):
            scalar = ""
        return Node(scalar, line, node.tag, key_line)

    # -- structure ---------------------------------------------------------------------
    def mapping(
        self, node: Node, key: str, fields: Collection[str], required: tuple[str, ...] = ()
    ) -> dict[str, Node] | None:
        """The keys of a mapping, each required one present; an unknown key is a warning at
        its line."""
        if not isinstance(node.value, dict):
            self.error(node, key, f"attendu un ensemble de clés, reçu {_describe(node)}")
            return None
        items: dict[str, Node] = node.value
        for name in required:
            if name not in items or is_empty(items[name]):
                self.error(node, self.join(key, name), "clé obligatoire absente")
        for name, child in items.items():
            if name not in fields:
                self.warning(
                    child.key_line or child,
                    self.join(key, excerpt(name)),
                    unknown_key(name, fields),
                )
        return items

    def record(
        self,
        node: Node,
        key: str,
        readers: Mapping[str, Reader],
        required: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        """A mapping read key by key, in the order of ``readers`` (its known keys); None
        when the node is not a mapping."""
        items = self.mapping(node, key, readers, required)
        if items is None:
            return None
        return {
            name: read(self, items.get(name), self.join(key, name))
            for name, read in readers.items()
        }

    def sequence(
        self,
        node: Node | None,
        key: str,
        item: Callable[[Node, str], T | None],
        limit: int | None = None,
    ) -> tuple[T, ...]:
        """The items of a list that ``item`` reads (None: left out), at most ``limit`` (by
        default the checker's ``max_items``): a longer list is an error."""
        if node is None or is_empty(node):
            return ()
        if not isinstance(node.value, list):
            self.error(node, key, f"attendu une liste, reçu {_describe(node)}")
            return ()
        bound = self.max_items if limit is None else limit
        children: list[Node] = node.value
        if bound is not None and len(children) > bound:
            cut = ", les suivants sont ignorés" if self.partial else ""
            self.error(node, key, too_long(len(children), bound) + cut)
            children = children[:bound]
        out = []
        for i, child in enumerate(children, start=1):
            value = item(child, f"{key}[{i}]")
            if value is not None:
                out.append(value)
        return tuple(out)

    # -- scalars -----------------------------------------------------------------------
    def text(self, node: Node | None, key: str, limit: int | None = None) -> str:
        """A text, stripped ("" when there is none), at most ``limit`` characters (by
        default the checker's ``max_text``)."""
        if node is None or is_empty(node):
            return ""
        if not isinstance(node.value, str):
            self.error(node, key, f"attendu un texte, reçu {_describe(node)}")
            return ""
        value = node.value.strip()
        bound = self.max_text if limit is None else limit
        if bound is not None and len(value) > bound:
            self.error(
                node,
                key,
                f"texte trop long ({count_text(len(value))} caractères ; "
                f"au plus {count_text(bound)})",
            )
            return ""
        return value

    def texts(self, node: Node | None, key: str, *, bare: bool = False) -> tuple[str, ...]:
        """A list of texts, the empty ones left out; ``bare``: a text alone is a list of
        one."""
        if bare and node is not None and isinstance(node.value, str):
            node = Node([node], node.line, node.tag, node.key_line)
        return tuple(t for t in self.sequence(node, key, self.text) if t)

    def integer(self, node: Node | None, key: str) -> int:
        """A whole number written in digits (0 when there is none)."""
        raw = self.text(node, key)
        if raw and not re.fullmatch(r"\d+", raw):
            self.error(node, key, f"attendu un nombre entier, reçu « {excerpt(raw)} »")
            return 0
        if len(raw) > MAX_NUMBER_DIGITS:
            self.error(
                node,
                key,
                f"nombre trop grand « {excerpt(raw)} » (au plus {MAX_NUMBER_DIGITS} chiffres)",
            )
            return 0
        return int(raw) if raw else 0

    def boolean(self, node: Node | None, key: str) -> bool:
        """true/false, oui/non, yes/no (false when there is none)."""
        raw = self.text(node, key).lower()
        if raw in ("", "false", "non", "no"):
            return False
        if raw in ("true", "oui", "yes"):
            return True
        self.error(node, key, f"attendu true ou false, reçu « {excerpt(raw)} »")
        return False

    def date(self, node: Node | None, key: str) -> dt.date | None:
        """A date written AAAA-MM-JJ."""
        raw = self.text(node, key)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.error(node, key, f"attendu une date AAAA-MM-JJ, reçu « {excerpt(raw)} »")
            return None

    def time(self, node: Node | None, key: str) -> dt.time | None:
        """A time written HH:MM."""
        raw = self.text(node, key)
        if not raw:
            return None
        match = TIME_RE.match(raw)
        if not match:
            self.error(node, key, f"attendu HH:MM, reçu « {excerpt(raw)} »")
            return None
        return dt.time(int(match[1]), int(match[2]))

    def identifier(self, node: Node | None, key: str) -> str:
        """An identifier such as a folder's name: lower case, digits and hyphens."""
        raw = self.text(node, key)
        if raw and not ID_RE.match(raw):
            self.error(
                node,
                key,
                f"identifiant « {excerpt(raw)} » invalide (attendu : minuscules sans accents, "
                "chiffres et tirets, comme un nom de dossier)",
            )
        return raw


def read_mapping(checker: Checker, path: Path, max_bytes: int) -> tuple[Node | None, bytes]:
    """An event's YAML file of « clé : valeur » lines that is used in part: its tree (a
    mapping, empty for an empty file) and its bytes. A file that cannot be used is an error
    of the checker, with its line when known, and gives None."""
    root, raw, usable = _read(checker, path, max_bytes)
    if not usable:
        return None, raw
    if root is None:
        return Node({}, 1), raw
    if not isinstance(root.value, dict):
        checker.error(root, "", "attendu des lignes « clé : valeur », fichier ignoré")
        return None, raw
    return root, raw


def read_tree(checker: Checker, path: Path, max_bytes: int) -> Node | None:
    """An event's YAML file of any shape (a list, for ``photos.yaml``): its tree, None when
    it is empty or cannot be used (an error of the checker, with its line when known)."""
    return _read(checker, path, max_bytes)[0]


def _read(checker: Checker, path: Path, max_bytes: int) -> tuple[Node | None, bytes, bool]:
    """The tree (None for an empty file), the bytes, and whether the file can be used."""
    try:
        raw = safeio.read_input(path, checker.path, max_bytes)
    except SourceError as exc:
        checker.error(exc.line, "", f"{exc.message}, fichier ignoré")
        return None, b"", False
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        checker.error(None, "", "le fichier n’est pas en UTF-8, ignoré")
        return None, raw, False
    try:
        return checker.compose(text, max_bytes), raw, True
    except yamlfr.Refused as exc:
        syntax = "erreur de syntaxe YAML : " if exc.syntax else ""
        checker.error(exc.line, "", f"{syntax}{exc.problem}, fichier ignoré")
        return None, raw, False


def is_empty(node: Node) -> bool:
    """An empty value (``key:``, ``~``, blanks)."""
    return isinstance(node.value, str) and not node.value.strip()


def unknown_key(key: str, known: Iterable[str]) -> str:
    """What is said of a key a file's format does not have: ignored, and the key that was
    meant (the closest, for a typo) or else the keys there are."""
    keys = list(known)
    close = difflib.get_close_matches(key, keys, n=1) if len(key) < 40 else []
    if close:
        return f"clé inconnue, ignorée (vouliez-vous dire « {close[0]} » ?)"
    return f"clé inconnue, ignorée (clés possibles : {', '.join(keys)})"


def too_long(count: int, limit: int) -> str:
    """What is said of a list over its bound."""
    return f"liste trop longue ({count_text(count)} éléments ; au plus {count_text(limit)})"


def _at(key: str, message: str) -> str:
    return f"{key} : {message}" if key else message


def _describe(node: Node) -> str:
    if isinstance(node.value, dict):
        return "un ensemble de clés"
    if isinstance(node.value, list):
        return "une liste"
    return f"« {excerpt(node.value)} »"
