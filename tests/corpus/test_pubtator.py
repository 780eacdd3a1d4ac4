from __future__ import annotations

import logging
from pathlib import Path

import pytest

from relnet.corpus.pubtator import read_pubtator
from relnet.data import CHEMICAL, GENE, Relation
from relnet.errors import InputError
from relnet.examples.labels import UNKNOWN_LABEL

TITLE = "Aspirin inhibits COX-2."
ABSTRACT = "In mice, TNF-alpha rose after aspirin."
GOOD = f"""111|t|{TITLE}
111|a|{ABSTRACT}
111\t0\t7\tAspirin\tChemical\tMESH:D001241
111\t17\t22\tCOX-2\tGene\t5743
111\t27\t31\tmice\tSpecies\t10090
111\t33\t42\tTNF-alpha\tGeneOrGeneProduct\t7124
111\tCID\tMESH:D001241\t5743

222|t|Metformin.
222|a|
222\t0\t9\tMetformin\tChemical\tMESH:D008687
"""


def test_pubtator_reads_text_mentions_and_kinds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "in.pubtator"
    path.write_text(GOOD)
    with caplog.at_level(logging.WARNING, logger="relnet"):
        d1, d2 = read_pubtator(path)
    assert d1.id == "111" and d1.text == f"{TITLE} {ABSTRACT}" and d1.title_end == len(TITLE)
    assert [(m.id, m.text, m.kind, m.subtype) for m in d1.mentions] == [
        ("T1", "Aspirin", CHEMICAL, "Chemical"),
        ("T2", "COX-2", GENE, "Gene"),
        ("T3", "TNF-alpha", GENE, "GeneOrGeneProduct"),
    ]
    assert all(d1.text[m.start : m.end] == m.text for m in d1.mentions)
    assert d2.text == "Metformin." and len(d2.mentions) == 1
    assert "skipped 1 annotations of other types (Species)" in caplog.text
    # the relation line names concept ids: Aspirin → COX-2; concept ids are kept ("-" or none: no id)
    assert d1.relations == (Relation("111", "T1", "T2", "CID", ""),)
    assert f"{path}: 1 {UNKNOWN_LABEL} (first at {path}:7 'CID')" in caplog.text  # kept, and said
    assert [m.concept for m in d1.mentions] == ["MESH:D001241", "5743", "7124"]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("111\t0\t7\tAspirin", "expected PMID|t|title"),
        ("111\tzero\t7\tAspirin\tChemical\tX", "offsets must be integers"),
        ("111\t0\t7\tAspirine\tChemical\tX", "does not match"),
        ("111\t0\t999\tAspirin\tChemical\tX", "outside the text"),
        ("999\t0\t7\tAspirin\tChemical\tX", "before its title"),
        ("111|t|Another title", "second title"),
    ],
)
def test_pubtator_malformed_line_names_file_and_line(tmp_path: Path, bad_line: str, message: str) -> None:
    path = tmp_path / "bad.pubtator"
    path.write_text(f"111|t|{TITLE}\n111|a|{ABSTRACT}\n{bad_line}\n")
    with pytest.raises(InputError) as err:
        list(read_pubtator(path))  # documents are read lazily: the error comes with the bad document
    assert err.value.path == str(path) and err.value.line == 3
    assert f"{path}:3: " in str(err.value) and message in str(err.value)


def test_pubtator_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.pubtator"
    path.write_text("\n")
    with pytest.raises(InputError, match="no documents"):
        list(read_pubtator(path))
