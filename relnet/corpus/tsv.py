"""Line-numbered TSV reading with column checks, shared by the corpus readers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from relnet.corpus.streams import numbered_lines
from relnet.errors import InputError


def read_rows(path: Path, min_cols: int, max_cols: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line_number, columns)`` for each non-empty line; wrong column counts raise `InputError`.

    Lines end in LF or CRLF; trailing carriage returns are dropped (BLURB files use CRLF). Bytes that are not
    UTF-8 raise `InputError` at their line; a byte-order mark is dropped; ``.gz``/``.bz2`` files are read as well.
    """
    max_cols = min_cols if max_cols is None else max_cols
    if not path.is_file():
        raise InputError(path, None, "is a folder; a file was expected" if path.is_dir() else "file not found")
    for lineno, raw in numbered_lines(path, str(path), newline=""):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            continue
        cols = line.split("\t")
        if not min_cols <= len(cols) <= max_cols:
            want = str(min_cols) if min_cols == max_cols else f"{min_cols}–{max_cols}"
            raise InputError(path, lineno, f"expected {want} tab-separated columns, found {len(cols)}")
        yield lineno, cols


def parse_int(value: str, path: Path, lineno: int, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(path, lineno, f"{what} is not an integer: {value!r}") from None
