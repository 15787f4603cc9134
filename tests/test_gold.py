"""The structure stage against the gold standard of ``tests/gold/``: speaker turns, speaker
names and quotes of real material and of the demo, annotated by hand (see bench/structure.py,
which prints the same figures per document: ``make bench-structure``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from proceedings.errors import Diagnostics
from proceedings.read.readers import text

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _bench() -> ModuleType:
    path = ROOT / "bench" / "structure.py"
    spec = importlib.util.spec_from_file_location("bench_structure", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _bench()


def test_every_gold_file_is_well_formed() -> None:
    import yaml

    files = sorted((ROOT / "tests" / "gold").glob("*.yaml"))
    assert len(files) >= 10
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert ("source" in data) != ("project" in data), file.name
        for turn in data["turns"] or ():
            assert turn["speaker"] and str(turn["start"]).strip(), file.name
        for quote in data["quotes"] or ():
            assert len(quote["text"].split()) >= 4, (file.name, quote)


def test_the_structure_meets_its_targets_on_the_gold() -> None:
    golds = bench.load_gold()
    per, total = bench.evaluate(golds)
    reached = bench.met(total)
    wrong = [f"{name}: {w}" for name, s in per.items() for w in s.wrong]
    assert all(reached.values()), (reached, wrong[:20])


@pytest.mark.skipif(not (SHARED / "corpus-reel").is_dir(), reason="corpus réel absent (../shared)")
def test_the_gold_covers_real_material() -> None:
    golds = bench.load_gold()
    real = [g for g in golds if not g.demo]
    assert len(real) >= 10
    assert sum(len(g.turns) for g in golds) >= 300
    assert sum(len(g.turns) for g in real) >= 150
    assert len([g for g in golds if g.quotes]) >= 5


def _content(body: str):  # type: ignore[no-untyped-def]
    note = text.read(body.encode(), "n.txt", "n.txt", Diagnostics())
    return bench.structure(note, bench.Directory(bench.without_programme()), Diagnostics())


def test_the_score_counts_wrong_speakers_missed_turns_and_false_quotes() -> None:
    """The scorer can fail: a turn given to the wrong person, a turn missed, a quote that is
    not one, each lower their figure."""
    content = _content(
        "Hélène Valade : bonjour à toutes et à tous.\n\n"
        "Marc Dupont : « Nous avons besoin d’outils simples. »\n\n"
        "Claire Martin : une dernière remarque sur le budget.\n"
    )
    gold = bench.Gold(
        name="essai",
        path=Path("n.txt"),
        shown="n.txt",
        demo=False,
        turns=(
            ("Hélène Valade", "bonjour à toutes"),
            ("Paul Durand", "Nous avons besoin d’outils"),  # the gold says someone else
            ("Sophie Bernard", "un tour absent du texte"),
        ),
        quotes=(("Une autre citation de quatre mots", None),),
        aliases={},
    )
    s = bench.score(gold, content)
    assert (s.predicted_turns, s.right_turns, s.gold_turns) == (3, 1, 3)
    assert s.turns_p == pytest.approx(1 / 3) and s.turns_r == pytest.approx(1 / 3)
    assert (s.predicted_names, s.right_names) == (3, 1)
    assert (s.predicted_quotes, s.right_quotes) == (1, 0)
