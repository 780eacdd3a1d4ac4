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
    """``source`` as UTF-8 text (``newline`` as for `open`); a text stream is used as it is."""
    if isinstance(source, io.TextIOBase):
        yield source  # type: ignore[misc]
        return
    with open_binary(source) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline=newline)  # type: ignore[arg-type]
        try:
            yield text
        finally:
            text.detach()  # the binary stream is closed by its owner


def numbered_lines(source: Source, name: str, newline: str | None = None) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of a UTF-8 text source, read lazily; a read error becomes an `InputError` at its
    line. Lines end at LF, CRLF or CR; ``newline`` as for `open` (``None``: each ending becomes LF; ``""``: kept).
    A byte-order mark before the first line is dropped (editors on Windows write one).

    Bytes are decoded a line at a time, not in the read-ahead blocks of a text stream, so a byte that is not UTF-8
    is reported at its own line, not at the first line of its block.
    """
    if isinstance(source, io.TextIOBase):  # already text: its own decoder, its own line splitting
        lineno = 0
        try:
            for lineno, line in enumerate(source, start=1):
                yield lineno, line
        except READ_ERRORS as err:
            raise read_error(name, err, line=lineno + 1) from None
        return
    lineno = 0
    try:
        with open_binary(source) as stream:
            for raw in stream:
                text = raw.decode("utf-8") if lineno else raw.decode("utf-8").removeprefix("\ufeff")
                for line in _LINES.findall(text) if "\r" in text else (text,):
                    lineno += 1
                    if newline is None and "\r" in line:  # only at its end
                        line = line.removesuffix("\n").removesuffix("\r") + "\n"
                    yield lineno, line
    except READ_ERRORS as err:
        raise read_error(name, err, line=lineno + 1) from None


#: The lines of a text with CR (old Mac) or CRLF endings: binary lines end at LF only.
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


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
