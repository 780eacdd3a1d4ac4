"""Opening corpus inputs for streaming: a path or an open stream → a decompressed binary or text stream.

Every streaming reader (plain text, PubTator, BioC XML, MEDLINE, JATS) takes ``str | Path | IO``. gzip and bz2
are recognised by their magic bytes (so ``.gz``/``.bz2`` suffixes and unlabelled compressed files alike) and
decompressed on the fly; nothing is read into memory whole. What goes wrong while a stream is read (`READ_ERRORS`:
a truncated or corrupt ``.gz``, bytes that are not UTF-8) becomes an `InputError` naming the file (`read_error`).
"""

from __future__ import annotations

import bz2
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from relnet.errors import InputError

#: What a reader accepts: a path, or a stream opened in binary (preferred) or text mode.
Source = str | Path | IO[bytes] | IO[str]

COMPRESSED_SUFFIXES = (".gz", ".bz2")


def source_name(source: Source) -> str:
    """How errors name ``source``: its path, or an open stream's ``name`` (``<stream>`` if it has none)."""
    if isinstance(source, str | Path):
        return str(source)
    name = getattr(source, "name", None)
    return str(name) if isinstance(name, str | Path) else "<stream>"


def plain_name(name: str) -> str:
    """A file name without folders and compression suffix: ``a/b.txt.gz`` → ``b.txt``."""
    name = Path(name).name
    for suffix in COMPRESSED_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def plain_stem(name: str) -> str:
    """A file name without folders, compression suffix and format suffix: ``a/b.txt.gz`` → ``b``."""
    name = plain_name(name)
    return Path(name).stem or name


def files_in(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The files under ``folder`` (recursively) whose names end in one of ``suffixes``, in name order (MEDLINE:
    the baseline before the updates)."""
    return sorted((p for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(suffixes)), key=str)


def check_source(source: Source) -> str:
    """Fail now (not when the stream is first read) if a path does not exist; returns `source_name`."""
    if isinstance(source, str | Path) and not Path(source).is_file():
        raise InputError(source, None, "file not found")
    return source_name(source)


@contextmanager
def open_binary(source: Source) -> Iterator[IO[bytes]]:
    """``source`` as a binary stream, gzip/bz2 decompressed; a path is opened (and closed), a stream is not closed."""
    if isinstance(source, str | Path):
        check_source(source)
        with Path(source).open("rb") as raw:
            stream = _decompressed(raw)
            try:
                yield stream
            finally:
                if stream is not raw:
                    stream.close()  # the decompressor (gzip and bz2 leave the file they read to us)
        return
    if isinstance(source, io.TextIOBase):
        raise InputError(source_name(source), None, "expected a binary stream (open the file with 'rb')")
    yield _decompressed(source)  # type: ignore[arg-type]


@contextmanager
def open_text(source: Source, newline: str | None = None) -> Iterator[IO[str]]:
    """``source`` as UTF-8 text (``newline`` as for `open`; a byte-order mark dropped); a text stream is used as it
    is."""
    if isinstance(source, io.TextIOBase):
        yield source  # type: ignore[misc]
        return
    with open_binary(source) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline=newline)  # type: ignore[arg-type]
        try:
            yield text
        finally:
            text.detach()  # the binary stream is closed by its owner


def numbered_lines(source: Source, name: str, newline: str | None = None) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of a UTF-8 text source, read lazily; a read error becomes an `InputError` at its
    line. ``newline`` as for `open`; a byte-order mark before the first line is dropped (editors on Windows write
    one).

    A text stream decodes blocks ahead of the line it yields, so a byte that is not UTF-8 is found before its line
    is reached: for a file, the file is read again (only then) to name that byte's own line.
    """
    lineno = 0
    try:
        with open_text(source, newline) as f:
            for lineno, line in enumerate(f, start=1):
                yield lineno, line
    except READ_ERRORS as err:
        line_of_error = lineno + 1
        if isinstance(err, UnicodeDecodeError) and isinstance(source, str | Path):
            line_of_error = _first_undecodable_line(source) or line_of_error
        raise read_error(name, err, line=line_of_error) from None


#: A carriage return that is not half of a CRLF: a line ending of its own (old Mac files).
_LONE_CR = re.compile(rb"\r(?!\n)")


def _first_undecodable_line(path: str | Path) -> int | None:
    """The number of the first line of ``path`` that is not UTF-8 (lines as `numbered_lines` counts them)."""
    lineno = 0
    try:
        with open_binary(path) as stream:
            for raw in stream:  # LF-terminated; a CR alone also ends a line for the text stream
                for piece in _LONE_CR.split(raw) if b"\r" in raw else (raw,):
                    lineno += 1
                    piece.decode("utf-8")
    except UnicodeDecodeError:
        return lineno
    except READ_ERRORS:
        return None
    return None


def _decompressed(raw: IO[bytes]) -> IO[bytes]:
    buffered: Any = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
    magic = buffered.peek(3)[:3]
    if magic[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[return-value]
    if magic == b"BZh":
        return bz2.BZ2File(buffered, mode="rb")  # type: ignore[return-value]
    return buffered


def read_error(name: str, err: BaseException, line: int | None = None, where: str = "") -> InputError:
    """The `InputError` for an exception raised while reading a stream (``where``: the last record read)."""
    after = f" (after {where})" if where else ""
    if isinstance(err, UnicodeDecodeError):
        return InputError(name, line, f"not UTF-8 text ({err.reason}){after}")
    if isinstance(err, EOFError):
        return InputError(name, line, f"the compressed file ends too early: truncated? download it again{after}")
    return InputError(name, line, f"cannot read: {err} (a corrupt .gz or .bz2 file?){after}")


#: What reading a (compressed) stream may raise: truncated gzip/bz2 (EOFError), corrupt data (zlib.error,
#: gzip.BadGzipFile and bz2's OSError), bytes that are not UTF-8.
READ_ERRORS = (EOFError, zlib.error, OSError, UnicodeDecodeError)


def sniff(source: str | Path, size: int = 65536) -> bytes:
    """The first ``size`` decompressed bytes of a file (for format detection)."""
    name = source_name(source)
    try:
        with open_binary(source) as stream:
            return stream.read(size)
    except READ_ERRORS as err:
        raise read_error(name, err) from None
