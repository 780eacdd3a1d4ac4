"""Plain text files → unannotated `Document`s: the first step of the mining path for raw text.

Two layouts, chosen by the caller (never guessed from line breaks: hard-wrapped text, e.g. copied from a PDF,
has one on every line):

- ``blocks`` (the default): documents are separated by blank lines. A block is one document even when it is
  wrapped over many lines; its text keeps the line breaks (as ``\\n``), so mention offsets index the text as
  written, and the sentence splitter does not end a sentence at a single line break (relnet/text/sentences.py).
- ``lines``: one document per non-empty line.

A document may start with an id and a tab (``PMID<TAB>text``); otherwise its id is ``<file stem>:<n>`` (n
counts documents from 1). In ``blocks``, a line that starts with an id and a tab also starts a new document,
so files of ``PMID<TAB>text`` lines read the same in both layouts. The mentions come later, from a tagger.
Documents are read one at a time (`relnet.corpus.streams`: a path or an open stream, gzip/bz2 decompressed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from relnet.corpus.streams import Source, check_source, numbered_lines, plain_stem
from relnet.data import Document
from relnet.errors import InputError

LAYOUTS = ("blocks", "lines")
_ID = re.compile(r"^([^\t\s]+)\t(.*)$", re.S)
#: Whitespace trimmed around a document before its id is looked for: not the tab, so that "ID<TAB>" (an id, no
#: text) stays an id without text, not a document whose text is the id.
_BLANKS = " \n\r\f\v"


def read_plaintext(path: Source, layout: str = "blocks", source: str = "text") -> Iterator[Document]:
    """Documents (no mentions, no relations) from a UTF-8 text file or stream (gzip/bz2 too), in ``layout``
    (`LAYOUTS`), one at a time. A missing file or unknown layout fails at once; bad content when it is read."""
    if layout not in LAYOUTS:
        raise InputError(str(path), None, f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    name = check_source(path)
    return _read(path, name, layout, source)


def _read(path: Source, name: str, layout: str, source: str) -> Iterator[Document]:
    stem = plain_stem(name)
    seen: dict[str, int] = {}  # id → first line (ids only: duplicates are errors)
    n = 0
    for lineno, chunk in _chunks(numbered_lines(path, name), layout):
        n += 1
        m = _ID.match(chunk)
        doc_id, text = (m.group(1), m.group(2).strip()) if m else (f"{stem}:{n}", chunk.strip())
        if not text:
            raise InputError(name, lineno, f"document {doc_id} has an id but no text")
        if doc_id in seen:
            raise InputError(name, lineno, f"duplicate document id {doc_id} (first on line {seen[doc_id]})")
        seen[doc_id] = lineno
        yield Document(id=doc_id, text=text, source=source)
    if not n:
        raise InputError(name, None, "no text found; expected blank-line separated documents (or one per line)")


def _chunks(lines: Iterable[tuple[int, str]], layout: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each document."""
    if layout == "lines":
        for i, line in lines:
            if line.strip():
                yield i, line.strip(_BLANKS)
        return
    block: list[str] = []
    first = 0
    for i, raw in lines:
        line = raw.rstrip("\r\n")
        if block and (not line.strip() or _ID.match(line)):
            yield first, "\n".join(block).strip(_BLANKS)
            block, first = [], 0
        if line.strip():
            first = first or i
            block.append(line)
    if block:
        yield first, "\n".join(block).strip(_BLANKS)
