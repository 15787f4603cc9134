"""Cache entries are read back with their types checked (proceedings/cachefile.py)."""

from __future__ import annotations

import pytest

from proceedings import cachefile
from proceedings.model import Block, Span


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
