"""The disk cache of compiled regular expressions (model loading)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from proceedings.support import regexcache

# Letters of every script, case-insensitive, as in spaCy's French tokenizer exceptions.
PATTERN = r"(?iu)^(?:[^\W\d_]+-(?:[^\W\d_]+-)*[^\W\d_]+|l['’](?P<mot>\w+))$"
SAMPLES = ["Île-de-France", "peut-être", "l’élue", "l'AMI", "2019", "Croix-", "x"]

_parser = importlib.import_module("re._parser")


def _matches(pattern: re.Pattern[str]) -> list[tuple[bool, str | None]]:
    found = [pattern.match(s) for s in SAMPLES]
    return [(m is not None, m.group("mot") if m else None) for m in found]


def _compile_fresh(pattern: str) -> re.Pattern[str]:
    re.purge()  # re's in-process cache would answer before the compiler is asked
    return re.compile(pattern)


def test_a_slow_pattern_is_compiled_once_then_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexcache, "SLOW", 0.0)
    expected = _matches(re.compile(PATTERN))
    with regexcache.cached(tmp_path):
        first = _compile_fresh(PATTERN)
    assert len(list(tmp_path.glob("*.json"))) == 1
    assert _matches(first) == expected
    # the second time, nothing is parsed: the program comes from the file
    monkeypatch.setattr(_parser, "parse", _fail)
    with regexcache.cached(tmp_path):
        second = _compile_fresh(PATTERN)
    assert _matches(second) == expected
    assert second.pattern == PATTERN and second.flags == first.flags
    assert second.groupindex == {"mot": 1}


def _fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("le motif a été recompilé")


def test_a_damaged_file_falls_back_to_the_compiler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexcache, "SLOW", 0.0)
    with regexcache.cached(tmp_path):
        _compile_fresh(PATTERN)
    (cached,) = tmp_path.glob("*.json")
    for damage in (
        '{"code": [1, 2, 3]',
        '{"flags": 0, "groups": 0, "groupindex": {}, '
        '"indexgroup": [null, "mot"], "code": [99999, 1, 2]}',
    ):
        cached.write_text(damage, encoding="utf-8")
        with regexcache.cached(tmp_path):
            again = _compile_fresh(PATTERN)
        assert _matches(again) == _matches(re.compile(PATTERN))


def test_an_unwritable_folder_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regexcache, "SLOW", 0.0)
    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier", encoding="utf-8")
    with regexcache.cached(blocked / "regex"):
        compiled = _compile_fresh(PATTERN)
    assert _matches(compiled) == _matches(re.compile(PATTERN))
    assert blocked.read_text(encoding="utf-8") == "pas un dossier"


def test_the_compiler_is_given_back_after_the_block(tmp_path: Path) -> None:
    compiler = importlib.import_module("re._compiler")
    before = compiler.compile
    with pytest.raises(RuntimeError), regexcache.cached(tmp_path):
        assert compiler.compile is not before
        raise RuntimeError
    assert compiler.compile is before


def test_fast_patterns_leave_no_file(tmp_path: Path) -> None:
    with regexcache.cached(tmp_path):
        _compile_fresh(r"\d+h\d*")
    assert not list(tmp_path.glob("*.json"))


@pytest.mark.lent
def test_the_model_reads_the_same_with_its_cached_regexes_and_its_index_as_sets(
    tmp_path: Path,
) -> None:
    """The French model, loaded twice through the cache of regexes and with the
    lemmatizer's index of forms made sets: same tokens, parts of speech and lemmas as spaCy
    alone (whose index is lists)."""
    spacy = pytest.importorskip("spacy")
    from proceedings.analyse.analysis import MODEL, read_model

    text = (
        "L’élue d’Île-de-France a dit : peut-être qu’aujourd’hui, c’est-à-dire demain. "
        "Les habitantes réunies proposaient des navettes partagées entre les tiers-lieux, "
        "et les élus avaient écouté attentivement les rapporteures."
    )
    alone = spacy.load(MODEL, exclude=["parser"])
    alone.enable_pipe("senter")
    index = alone.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert all(isinstance(forms, list) for _, forms in index.items())
    plain = [(t.text, t.pos_, t.lemma_) for t in alone(text)]
    for _ in range(2):
        re.purge()
        nlp = read_model(tmp_path)
        assert [(t.text, t.pos_, t.lemma_) for t in nlp(text)] == plain
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        assert all(isinstance(forms, frozenset) for _, forms in index.items())
    assert list(tmp_path.glob("*.json"))
