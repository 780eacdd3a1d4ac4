"""relnet/errors.py: input errors survive a process boundary; counted warnings say what was skipped or kept."""

from __future__ import annotations

import logging
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from relnet.errors import InputError, SkipCounter


def _raise_input_error() -> None:
    raise InputError("a/b.tsv", 7, "bad offset")


def test_input_error_reaches_the_parent_of_a_worker_whole() -> None:
    err = pickle.loads(pickle.dumps(InputError("a/b.tsv", 7, "bad offset")))
    assert (err.path, err.line, err.message, str(err)) == ("a/b.tsv", 7, "bad offset", "a/b.tsv:7: bad offset")
    with ProcessPoolExecutor(1) as pool, pytest.raises(InputError, match=r"^a/b.tsv:7: bad offset$"):
        pool.submit(_raise_input_error).result()  # `relnet bench` runs each backend so


def test_skip_counter_reports_skipped_and_kept_records_apart(caplog: pytest.LogCaptureFixture) -> None:
    counter = SkipCounter("in.txt")
    counter.skip("lines without text", "in.txt:3")
    counter.skip("lines without text", "in.txt:9")
    counter.note("relations with an unknown label", "in.txt:5")
    with caplog.at_level(logging.WARNING, logger="relnet"):
        counter.report()
    assert "in.txt: skipped 2 lines without text (first at in.txt:3)" in caplog.text
    assert "in.txt: 1 relations with an unknown label (first at in.txt:5)" in caplog.text
    assert counter.total == 2  # what was skipped; noted records were kept
