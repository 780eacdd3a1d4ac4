"""relnet/workflows/evaluate.py: the warning about marker kinds a model was not trained with."""

from __future__ import annotations

import logging

import pytest

from relnet.data import Example, Span
from relnet.workflows.evaluate import trained_marker_kinds, warn_unseen_marker_kinds

TYPED = Example("d", "A binds B", Span(0, 1), Span(8, 9), "x")
UNTYPED = Example("d", "A binds B", Span(0, 1), Span(8, 9), "x", "ENTITY", "ENTITY")


@pytest.mark.parametrize(
    ("config", "kinds"),
    [
        ({"train": "data/chemprot/original/training"}, {"CHEMICAL", "GENE"}),
        ({"train": "data/training", "extra_train": ["synth/documents.jsonl"]}, {"CHEMICAL", "GENE"}),
        ({"train": "data/scibert/train.jsonl"}, None),  # may hold untyped pairs: unknown
    ],
)
def test_evaluate_trained_marker_kinds(config: dict, kinds: set[str] | None) -> None:
    assert trained_marker_kinds({"config": config}) == kinds


def test_evaluate_warns_once_with_count(caplog: pytest.LogCaptureFixture) -> None:
    meta = {"config": {"train": "data/training"}}
    with caplog.at_level(logging.WARNING, logger="relnet"):
        assert warn_unseen_marker_kinds(meta, [TYPED, UNTYPED, UNTYPED]) == 2
        assert warn_unseen_marker_kinds(meta, [TYPED]) == 0
        assert warn_unseen_marker_kinds({"marker_kinds": ["ENTITY"]}, [UNTYPED]) == 0
    (record,) = caplog.records
    assert record.getMessage().startswith("2 of 3 examples have entity markers of kinds ENTITY")
