from __future__ import annotations

import logging
from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.corpus.drugprot import read_drugprot
from relnet.errors import InputError
from tests.conftest import SHARED


def write_drugprot(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "drugprot_training_abstracs.tsv").write_text("1\tAspirin and COX-2.\tAspirin inhibits COX-2.\n")
    (folder / "drugprot_training_entities.tsv").write_text(
        "1\tT1\tCHEMICAL\t0\t7\tAspirin\n1\tT2\tGENE\t12\t17\tCOX-2\n2\tT1\tCHEMICAL\t0\t3\tabc\n"
    )
    (folder / "drugprot_training_relations.tsv").write_text(
        "1\tINHIBITOR\tArg1:T1\tArg2:T2\n2\tINHIBITOR\tArg1:T1\tArg2:T2\n"
    )
    return folder


def test_drugprot_maps_types_to_groups_and_counts_skips(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = write_drugprot(tmp_path / "dp")
    with caplog.at_level(logging.WARNING):
        docs = read_documents(folder)
    assert len(docs) == 1 and docs[0].relations[0].group == "CPR:4"
    assert "skipped 1 entities" in caplog.text and "skipped 1 relations" in caplog.text


def test_drugprot_repeated_relation_lines_count_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = write_drugprot(tmp_path / "dp")
    rel = folder / "drugprot_training_relations.tsv"
    rel.write_text("1\tINHIBITOR\tArg1:T1\tArg2:T2\n1\tINHIBITOR\tArg1:T1\tArg2:T2\n1\tSUBSTRATE\tArg1:T1\tArg2:T2\n")
    with caplog.at_level(logging.WARNING):
        docs = read_drugprot(folder)
    assert [r.label for r in docs[0].relations] == ["INHIBITOR", "SUBSTRATE"]  # a pair may have two types
    assert f"skipped 1 repeated relation lines (the first kept) (first at {rel}:2)" in caplog.text


def test_drugprot_leak_filter_drops_evaluation_documents(tmp_path: Path) -> None:
    folder = write_drugprot(tmp_path / "dp")
    assert read_drugprot(folder, exclude_ids={"1"}) == []


def test_drugprot_unknown_type_is_an_error(tmp_path: Path) -> None:
    folder = write_drugprot(tmp_path / "dp")
    rel = folder / "drugprot_training_relations.tsv"
    rel.write_text("1\tBLOCKS\tArg1:T1\tArg2:T2\n")
    with pytest.raises(InputError, match=r"relations.tsv:1: unknown DrugProt relation type"):
        read_drugprot(folder)


@pytest.mark.slow  # reads ../shared/data
@pytest.mark.skipif(not (SHARED / "drugprot").is_dir(), reason="../shared/data/drugprot is absent")
def test_drugprot_shared_development_counts() -> None:
    docs = read_documents(SHARED / "drugprot" / "development")
    assert len(docs) == 515
    assert sum(len(d.relations) for d in docs) == 2374
