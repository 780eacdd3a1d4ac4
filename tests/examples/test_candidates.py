from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.examples.candidates import examples_from_documents, make_examples
from relnet.examples.labels import get_scheme
from relnet.examples.stats import class_table, compare_with_blurb
from tests.conftest import CHEMPROT, SHARED, needs_shared


def test_candidates_cpr_pairs_every_chemical_gene_in_a_sentence(split_dir: Path) -> None:
    docs = read_documents(split_dir)
    examples = make_examples(docs[0], get_scheme("cpr"))
    labels = {(e.head_id, e.tail_id): e.label for e in examples}
    # title: Aspirin–COX-2; sentence 2: aspirin × {cyclooxygenase-2, COX-2}; 3: Ibuprofen–PPAR; 4: Caffeine–EGFR
    assert labels == {("T1", "T2"): "CPR:4", ("T3", "T4"): "CPR:4", ("T3", "T5"): "CPR:4",
                      ("T6", "T7"): "CPR:3", ("T8", "T9"): "false"}  # fmt: skip
    for e in examples:
        assert e.head_text == docs[0].mention_index()[e.head_id].text
        assert docs[0].text[e.offset : e.offset + len(e.text)] == e.text


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("cpr", {"CPR:4": 3, "CPR:3": 1, "CPR:6": 1, "CPR:9": 1, "false": 2}),
        ("fine", {"INHIBITOR": 3, "ACTIVATOR": 1, "ANTAGONIST": 1, "SUBSTRATE": 1}),
        ("coarse5", {"REGULATOR-NEGATIVE": 4, "REGULATOR-POSITIVE": 1, "NOT": 1, "INTERACTOR": 2}),
    ],
)
def test_candidates_label_counts_per_scheme(split_dir: Path, scheme: str, expected: dict[str, int]) -> None:
    docs = read_documents(split_dir)
    assert Counter(e.label for e in examples_from_documents(docs, get_scheme(scheme))) == expected


def test_candidates_cross_sentence_relation_becomes_a_window(split_dir: Path) -> None:
    docs = read_documents(split_dir)
    # 1002: REGULATOR Gefitinib(T1, title) → EGFR(T4, abstract): not in one sentence
    (ex,) = [e for e in make_examples(docs[1], get_scheme("coarse5")) if e.meta.get("cross_sentence")]
    assert (ex.head_text, ex.tail_text, ex.label) == ("Gefitinib", "EGFR", "INTERACTOR")
    assert not any(e.meta.get("cross_sentence") for e in make_examples(docs[1], None))


def test_candidates_unlabelled_mining_path(split_dir: Path) -> None:
    docs = read_documents(split_dir)
    assert {e.label for e in make_examples(docs[0], None)} == {""}


@pytest.mark.slow  # reads ../shared/data
@needs_shared
def test_candidates_reproduce_seed_coarse5_table() -> None:
    table = class_table([CHEMPROT / "training", CHEMPROT / "development"], "coarse5")
    assert table["training"] == {"INTERACTOR": 2583, "NOT": 241, "PART-OF": 308,
                                 "REGULATOR-NEGATIVE": 2505, "REGULATOR-POSITIVE": 799}  # fmt: skip
    assert table["development"] == {"INTERACTOR": 1350, "NOT": 175, "PART-OF": 153,
                                    "REGULATOR-NEGATIVE": 1302, "REGULATOR-POSITIVE": 576}  # fmt: skip


@pytest.mark.slow  # reads ../shared/data
@needs_shared
def test_candidates_match_blurb_positive_counts() -> None:
    blurb = SHARED / "chemprot/blurb/dev.tsv"
    result = compare_with_blurb(CHEMPROT / "development", blurb)
    for label, n in {"CPR:3": 550, "CPR:4": 1094, "CPR:5": 116, "CPR:6": 199, "CPR:9": 457}.items():
        assert result["relnet"][label] == result["blurb"][label] == n
