"""relnet/corpus/biocreative_tsv.py: what the ChemProt and DrugProt readers share."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnet.corpus.biocreative_tsv import find_one, parse_arg
from relnet.errors import InputError


@pytest.mark.parametrize(
    ("names", "required", "expected"),
    [
        (["a_abstracts.tsv", "a_entities.tsv"], True, "a_abstracts.tsv"),
        (["a_entities.tsv"], False, None),
        (["a_entities.tsv"], True, "no file matching"),
        (["a_abstracts.tsv", "b_abstracts.tsv"], False, "several files match"),
    ],
)
def test_biocreative_tsv_find_one(tmp_path: Path, names: list[str], required: bool, expected: str | None) -> None:
    for name in names:
        (tmp_path / name).write_text("")
    if expected is None or expected.endswith(".tsv"):
        found = find_one(tmp_path, "*abstracts*.tsv", required)
        assert (found.name if found else None) == expected
    else:
        with pytest.raises(InputError, match=expected):
            find_one(tmp_path, "*abstracts*.tsv", required)


def test_biocreative_tsv_parse_arg(tmp_path: Path) -> None:
    assert parse_arg("Arg1:T3", "Arg1", tmp_path, 1) == "T3"
    with pytest.raises(InputError, match="expected Arg2:Tn"):
        parse_arg("Arg1:T3", "Arg2", tmp_path, 1)
