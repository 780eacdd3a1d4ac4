"""Progress for long-running work: a tqdm bar with an ETA on a terminal; in a log file (no terminal), one plain
line every 30 s or every 10 % with the count, rate and ETA — not a line per batch.

``progress(iterable, desc=..., total=..., unit=...)`` wraps an iterable; ``progress(total=N)`` is a manual
counter (``.update(n)``, ``.set_postfix(...)``, ``.close()``), as with tqdm.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

from tqdm.auto import tqdm

log = logging.getLogger("relnet")

T = TypeVar("T")
EVERY_SECONDS = 30.0
EVERY_FRACTION = 0.10


def is_terminal(stream: Any = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


class LineProgress(Generic[T]):
    """tqdm's interface, printing a plain line every `EVERY_SECONDS` or `EVERY_FRACTION` of the total."""

    def __init__(
        self,
        iterable: Iterable[T] | None = None,
        desc: str = "",
        total: int | None = None,
        unit: str = "it",
        disable: bool = False,
        stream: Any = None,
        clock: Any = time.monotonic,
        initial: int = 0,
        **_: Any,
    ) -> None:
        self.iterable, self.desc, self.unit, self.disable = iterable, desc, unit, disable
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        self.total, self.n, self.postfix = total, initial, ""
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.start = self.last_time = clock()
        self.last_n = initial

    def __iter__(self) -> Iterator[T]:
        assert self.iterable is not None
        for item in self.iterable:
            yield item
            self.update(1)
        self.close()

    def __len__(self) -> int:
        return self.total or 0

    def set_postfix(self, **values: Any) -> None:
        self.postfix = ", ".join(f"{k}={v}" for k, v in values.items())

    def set_description(self, desc: str) -> None:
        self.desc = desc

    def update(self, n: int = 1) -> None:
        self.n += n
        now = self.clock()
        step = max(1, int((self.total or 0) * EVERY_FRACTION))
        if now - self.last_time >= EVERY_SECONDS or (self.total and self.n - self.last_n >= step):
            self._line(now)

    def _line(self, now: float) -> None:
        if self.disable:
            return
        elapsed = max(now - self.start, 1e-9)
        rate = self.n / elapsed
        done = f"{self.n}/{self.total} ({100 * self.n / self.total:.0f} %)" if self.total else f"{self.n}"
        eta = ""
        if self.total and rate > 0:
            eta = f", ETA {_clock((self.total - self.n) / rate)}"
        extra = f", {self.postfix}" if self.postfix else ""
        print(f"{self.desc}: {done} {self.unit}, {rate:.2f} {self.unit}/s, {_clock(elapsed)} elapsed{eta}{extra}",
              file=self.stream, flush=True)  # fmt: skip
        self.last_time, self.last_n = now, self.n

    def close(self) -> None:
        if self.n != self.last_n:
            self._line(self.clock())

    def __enter__(self) -> LineProgress[T]:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def progress(iterable: Iterable[T] | None = None, **kwargs: Any) -> Any:
    """A tqdm bar on a terminal, a `LineProgress` elsewhere (same calls)."""
    if is_terminal(kwargs.get("file")):
        return tqdm(iterable, dynamic_ncols=True, **kwargs)
    kwargs.pop("leave", None)
    kwargs.pop("dynamic_ncols", None)
    return LineProgress(iterable, **kwargs)
