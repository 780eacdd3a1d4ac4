"""relnet/errors.py: input errors survive a process boundary; counted warnings say what was skipped or kept."""

from __future__ import annotations

import logging
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from relnet.errors import InputError, SkipCounter, warnings_of_this_thread


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


def test_warnings_of_this_thread_are_its_own_under_concurrency() -> None:
    # a handler added and removed per call raced with other threads' logging: 240 of 24,000 warnings were lost
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    log = logging.getLogger("relnet")

    def run(thread: int) -> list[list[str]]:
        out = []
        for i in range(300):
            with warnings_of_this_thread() as caught:
                log.warning("thread %d, call %d", thread, i)
                log.info("not a warning")
            out.append(caught)
        return out

    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(run, range(8)))
    finally:
        sys.setswitchinterval(before)
    for thread, calls in enumerate(results):
        assert calls == [[f"thread {thread}, call {i}"] for i in range(300)]
    with warnings_of_this_thread() as outer:
        log.warning("outer")
        with warnings_of_this_thread() as inner:
            log.warning("inner")
    assert inner == ["inner"] and outer == ["outer", "inner"]
