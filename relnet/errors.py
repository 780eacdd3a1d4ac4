"""Errors and counted warnings for bad input: every message names the file and the line."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("relnet")


class RelnetError(Exception):
    """An error a user can fix; the CLI prints it as one line, without a traceback."""


class NotFound(RelnetError):
    """A name asked for that is not there (an entity of the network): the web app answers 404, not 422."""


class InputError(RelnetError):
    """Bad input data, located by file and (1-based) line."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, int | None, str]]:
        # pickled by its fields: an error raised in a worker process (`relnet bench`, Ray) reaches the parent whole
        return type(self), (self.path, self.line, self.message)


class _ThreadCatcher(logging.Handler):
    """One handler for every caller of `warnings_of_this_thread`, installed once: each thread's warnings go to
    that thread's list (adding and removing a handler per request raced with logging in other threads)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lists = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if (caught := getattr(self.lists, "caught", None)) is not None:
            caught.append(record.getMessage())


_CATCHER = _ThreadCatcher()
_CATCHER_LOCK = threading.Lock()


@contextmanager
def warnings_of_this_thread() -> Iterator[list[str]]:
    """The warnings relnet logs in this thread while the block runs (a reader's counted skips), as messages: for
    a caller that answers someone who never sees the log (the web app), one request per thread."""
    with _CATCHER_LOCK:
        if _CATCHER not in log.handlers:
            log.addHandler(_CATCHER)
    outer = getattr(_CATCHER.lists, "caught", None)
    caught: list[str] = []
    _CATCHER.lists.caught = caught
    try:
        yield caught
    finally:
        _CATCHER.lists.caught = outer
        if outer is not None:  # a nested block's warnings are the outer block's too
            outer.extend(caught)


@dataclass
class SkipCounter:
    """Counts records skipped for a reason, and records kept with a remark (`note`); logs one summary warning per
    reason."""

    source: str
    counts: Counter[str] = field(default_factory=Counter)
    first: dict[str, str] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str, where: str = "") -> None:
        self.counts[reason] += 1
        self.first.setdefault(reason, where)

    def note(self, what: str, where: str = "") -> None:
        """Count a record that is kept but deserves a warning (``what``: "relations whose label …")."""
        self.notes[what] += 1
        self.first.setdefault(what, where)

    def report(self) -> None:
        for counter, verb in ((self.counts, "skipped "), (self.notes, "")):
            for reason, n in counter.items():
                example = f" (first at {self.first[reason]})" if self.first[reason] else ""
                log.warning("%s: %s%d %s%s", self.source, verb, n, reason, example)

    @property
    def total(self) -> int:
        return sum(self.counts.values())
