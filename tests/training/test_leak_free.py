"""`leak_free`: held-out documents never train; with dedupe, a document is trained on in its first source only."""

from __future__ import annotations

import pytest

from relnet.data import Document
from relnet.training.data import leak_free

SOURCES = {"train": ["1", "2"], "drugprot": ["2", "3", "9"], "pseudo": ["3", "3", "4", "9"]}


def _load(path: str, exclude: set[str]) -> tuple[list[tuple[str, str]], list[Document]]:
    ids = [i for i in SOURCES[path] if i not in exclude]
    return [(path, i) for i in ids], [Document(i, "text") for i in dict.fromkeys(ids)]


@pytest.mark.parametrize("dedupe", [True, False])
def test_leak_free_drops_held_out_and_duplicates_of_earlier_sources(dedupe: bool) -> None:
    items, docs, extra = leak_free("train", ["drugprot", "pseudo"], {"9"}, dedupe, _load)
    assert items == [("train", "1"), ("train", "2")] and [d.id for d in docs] == ["1", "2"]
    if dedupe:  # 2 is ChemProt's, 3 DrugProt's (both pseudo pairs of 3 go), 4 only the pseudo corpus has
        assert extra == [("drugprot", "3"), ("pseudo", "4")]
    else:
        assert extra == [("drugprot", "2"), ("drugprot", "3"), ("pseudo", "3"), ("pseudo", "3"), ("pseudo", "4")]
    assert not any(i == "9" for _, i in extra)  # held out: never, with or without dedupe
