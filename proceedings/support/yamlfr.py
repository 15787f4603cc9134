"""YAML read with bounds (programme, note headers, thesaurus, editor rules), and PyYAML's
errors told in French with their line.

Every YAML text the build reads comes from the event folder, so it is read as hostile:

- its size is bounded (``max_chars``) before PyYAML sees it;
- the nesting depth is bounded while the document is composed (:data:`MAX_DEPTH`):
  PyYAML composes recursively, and its scanner slows down quadratically with the depth of
  flow collections (``[[[[…``);
- the number of elements is bounded, while composing and once aliases are replaced
  (:data:`MAX_NODES`, :data:`MAX_EXPANDED_CHARS`): a few lines of anchors and aliases (the
  "billion laughs", ``&b [*a, *a, …]`` nine levels deep) stand for a thousand million
  elements, harmless as a graph but not for whoever walks it as a tree. The expanded size
  is computed on the composed graph, once per node, in linear time;
- an alias that contains itself (``&a [*a]``) is refused.

Scalars are kept as written (text), as the programme reads them: ``9:15`` stays a time and
is not a YAML 1.1 sexagesimal number, ``non`` and ``2019-02-30`` stay text.

The files an editor writes (programme, statuses, thesaurus, keyword rules) are then checked
value by value by :mod:`proceedings.support.yamlcheck`; a note's header is read with :func:`load`.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml

from proceedings.support.safeio import count_text

# Bounds, chosen far above any real file (the demo programme has under 700 elements, a
# depth of 8 and no alias) and far below what would take seconds or memory to walk.
MAX_NODES = 100_000  # elements (scalars, lists, mappings), once aliases are replaced
MAX_EXPANDED_CHARS = 10_000_000  # characters of the scalars, once aliases are replaced
MAX_DEPTH = 32  # nesting levels of lists and mappings, aliases included

_MERGE = "tag:yaml.org,2002:merge"
_NULL = "tag:yaml.org,2002:null"

_PROBLEMS = {
    "mapping values are not allowed here": "deux-points inattendu (une valeur contenant "
    "« : » doit être entre guillemets)",
    "could not find expected ':'": "deux-points attendu après une clé",
    "found character '\\t' that cannot start any token": "tabulation interdite, indentez "
    "avec des espaces",
    "did not find expected key": "clé attendue (indentation incohérente ?)",
    "did not find expected '-' indicator": "tiret de liste attendu (indentation incohérente ?)",
    "found unexpected end of stream": "fin inattendue (guillemet non fermé ?)",
    "found undefined alias": "alias YAML non défini",
    "found duplicate anchor": "ancre YAML définie deux fois",
    "expected <block end>, but found '-'": "tiret de liste inattendu (indentation incohérente ?)",
    "expected ',' or ']'": "crochet « [ » non fermé",
    "expected ',' or '}'": "accolade « { » non fermée",
    "expected the node content": "valeur attendue",
    "found unexpected ':'": "deux-points inattendu",
    "but found another document": "un seul document YAML attendu (une ligne « --- » en trop ?)",
    "found unknown escape character": "caractère d’échappement inconnu après « \\ »",
    "found character that cannot start any token": "caractère inattendu",
    "special characters are not allowed": "caractère de contrôle interdit",
}


class Refused(Exception):
    """A YAML text that is not read: a syntax error or a bound exceeded.

    ``problem`` is in French, without the file; ``line`` is the file's line when known;
    ``syntax`` tells a syntax error (the callers say « erreur de syntaxe YAML ») from a
    bound.
    """

    def __init__(self, problem: str, line: int | None, syntax: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.syntax = syntax


def describe(exc: yaml.YAMLError, first_line: int = 1) -> tuple[str, int | None]:
    """A French description of a YAML error and its line in the file.

    ``first_line`` is the file line where the YAML text starts (2 for a note header).
    """
    if not isinstance(exc, yaml.MarkedYAMLError):
        return "syntaxe incorrecte", None
    problem = exc.problem or "syntaxe incorrecte"
    french = next((v for k, v in _PROBLEMS.items() if problem.startswith(k)), problem)
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return french, None
    return f"{french} (colonne {mark.column + 1})", mark.line + first_line


def compose(text: str, max_chars: int, first_line: int = 1) -> yaml.Node | None:
    """The composed node graph of a one-document YAML text (None when it is empty), every
    bound checked; else ``Refused``.

    ``first_line`` is the file line where the text starts, for messages.
    """
    if len(text) > max_chars:
        raise Refused(
            f"texte YAML trop long ({count_text(len(text))} caractères ; au plus "
            f"{count_text(max_chars)})",
            first_line,
        )
    try:
        loader = _BoundedLoader(text, first_line)  # checks the characters at once
    except yaml.reader.ReaderError as exc:
        at = text.count("\n", 0, exc.position) + first_line
        problem = f"caractère de contrôle interdit (U+{exc.character:04X})"
        raise Refused(problem, at, syntax=True) from None
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        problem, line = describe(exc, first_line)
        raise Refused(problem, line, syntax=True) from None
    finally:
        loader.dispose()
    if node is not None:
        _measure(node, first_line)
    return node


def load(text: str, max_chars: int, first_line: int = 1) -> Any:
    """The data of a one-document YAML text, bounded as :func:`compose` says: dicts with
    text keys, lists, texts as written, and None for empty values."""
    node = compose(text, max_chars, first_line)
    return None if node is None else _data(node, {}, first_line)


def line_of(node: yaml.Node, first_line: int = 1) -> int:
    """The file line where a node starts."""
    return int(node.start_mark.line) + first_line


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, stopping as soon as the nesting or the number of elements
    composed goes over its bound."""

    def __init__(self, text: str, first_line: int) -> None:
        super().__init__(text)
        self._first_line = first_line
        self._depth = 0
        self._composed = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if not self.check_event(yaml.AliasEvent):
            self._composed += 1
            if self._composed > MAX_NODES:
                raise Refused(
                    f"trop d’éléments YAML (plus de {count_text(MAX_NODES)})", self._line()
                )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise Refused(_too_deep(), self._line())
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _line(self) -> int:
        # the event about to be composed: check_event() above has just read it
        return int(self.current_event.start_mark.line) + self._first_line


def _measure(root: yaml.Node, first_line: int) -> None:
    """Refuse a graph whose tree, once aliases are replaced, is too large or too deep, or
    which contains itself. Each node is measured once (memoised by identity): linear."""
    sizes: dict[int, tuple[int, int, int]] = {}  # id -> (elements, characters, height)
    open_: set[int] = set()  # nodes being measured: meeting one again is a cycle

    def walk(node: yaml.Node, depth: int) -> tuple[int, int, int]:
        known = sizes.get(id(node))
        if known is not None:
            if depth + known[2] - 1 > MAX_DEPTH:
                raise Refused(_too_deep(), line_of(node, first_line))
            return known
        if id(node) in open_:
            raise Refused(
                "alias YAML qui se contient lui-même (récursif)", line_of(node, first_line)
            )
        if depth > MAX_DEPTH:
            raise Refused(_too_deep(), line_of(node, first_line))
        if isinstance(node, yaml.ScalarNode):
            size = (1, len(node.value), 1)
        else:
            open_.add(id(node))
            elements, chars, height = 1, 0, 0
            for child in _children(node):
                e, c, h = walk(child, depth + 1)
                elements, chars, height = elements + e, chars + c, max(height, h)
                if elements > MAX_NODES or chars > MAX_EXPANDED_CHARS:
                    raise Refused(_too_expanded(elements > MAX_NODES), line_of(node, first_line))
            open_.discard(id(node))
            size = (elements, chars, height + 1)
        sizes[id(node)] = size
        return size

    walk(root, 1)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _data(node: yaml.Node, done: dict[int, Any], first_line: int) -> Any:
    """Plain data from a measured graph; a node met again (an alias) gives the same
    object, so that nothing is expanded here."""
    if id(node) in done:
        return done[id(node)]
    out: Any
    if isinstance(node, yaml.ScalarNode):
        out = None if node.tag == _NULL else str(node.value)
    elif isinstance(node, yaml.SequenceNode):
        out = [_data(child, done, first_line) for child in node.value]
    else:
        out = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise Refused(
                    "clé non valide : une liste ou un ensemble de clés ne peut pas servir de clé",
                    line_of(key_node, first_line),
                )
            value = _data(value_node, done, first_line)
            if key_node.tag == _MERGE:  # "<<: *defaults", as PyYAML's safe loader reads it
                for part in value if isinstance(value, list) else [value]:
                    if isinstance(part, dict):
                        merged = {**part, **merged}
                continue
            out[str(key_node.value)] = value
        out = {**merged, **out}
    done[id(node)] = out
    return out


def _too_deep() -> str:
    return f"YAML trop imbriqué (plus de {MAX_DEPTH} niveaux de listes et de clés)"


def _too_expanded(elements: bool) -> str:
    bound = (
        f"{count_text(MAX_NODES)} éléments"
        if elements
        else f"{count_text(MAX_EXPANDED_CHARS)} caractères"
    )
    return f"alias YAML trop développé (plus de {bound} une fois les alias remplacés)"


def excerpt(text: str, size: int = 60) -> str:
    """A value quoted in a message, shortened: a hostile value can be very long."""
    return text if len(text) <= size else text[: size - 1] + "…"


def keyword(value: object) -> str:
    """A value an editor picks from a list, compared without case or accents: « Intégrale »,
    « validé » are ``integrale``, ``valide``."""
    folded = unicodedata.normalize("NFKD", str(value).strip().lower())
    return "".join(c for c in folded if not unicodedata.combining(c))
