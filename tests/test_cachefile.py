"""Cache entries are read back with their types checked (proceedings/support/cachefile.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from proceedings.model import Block, Span
from proceedings.support import cachefile


def test_a_block_kind_is_one_of_its_words_when_read_back() -> None:
    """A block's kind is a Literal type: written as its word, read back only if it is
    one of the six (a cache entry is not trusted)."""
    block = Block("heading", (Span("Titre", strong=True),), level=2, line=7)
    data = cachefile.encode(block)
    assert data["kind"] == "heading"
    assert cachefile.decode(Block, data) == block
    with pytest.raises(cachefile.Invalid):
        cachefile.decode(Block, {**data, "kind": "titre"})
    with pytest.raises(cachefile.Invalid):
        cachefile.decode(Block, {**data, "kind": 1})


@dataclass(frozen=True, slots=True)
class _Pair:
    a: str
    b: str


def test_a_reader_never_sees_the_decoders_of_only_some_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Notes are read by several threads: while one makes a dataclass's field decoders,
    another decoding the same dataclass must not use a partial list (it built a Block
    without its spans: « Block.__init__() missing … 'spans' »). The other reader is
    simulated at a named moment, while the second field's decoder is made."""
    decode = cachefile._dataclass_decoder(_Pair)
    real = cachefile._decoder
    made: list[object] = []

    def meanwhile_another_reader(kind: object) -> object:
        made.append(kind)
        if len(made) == 2:
            assert decode({"a": "x", "b": "y"}) == _Pair("x", "y")
        return real(kind)

    monkeypatch.setattr(cachefile, "_decoder", meanwhile_another_reader)
    assert decode({"a": "1", "b": "2"}) == _Pair("1", "2")
