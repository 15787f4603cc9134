"""PyYAML's syntax errors, told in French with their line (programme and note headers)."""

from __future__ import annotations

import yaml

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
    "expected <block end>, but found '-'": "tiret de liste inattendu (indentation incohérente ?)",
    "expected ',' or ']'": "crochet « [ » non fermé",
    "expected ',' or '}'": "accolade « { » non fermée",
    "expected the node content": "valeur attendue",
    "found unexpected ':'": "deux-points inattendu",
}


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
