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
"""

from __future__ import annotations

import re
from pathlib import Path

from relnet.data import Document
from relnet.errors import InputError

LAYOUTS = ("blocks", "lines")
_ID = re.compile(r"^([^\t\s]+)\t(.*)$", re.S)


def read_plaintext(path: str | Path, layout: str = "blocks", source: str = "text") -> list[Document]:
    """Read a UTF-8 text file into documents (no mentions, no relations), in ``layout`` (`LAYOUTS`)."""
    path = Path(path)
    if layout not in LAYOUTS:
        raise InputError(path, None, f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if not path.is_file():
        raise InputError(path, None, "file not found")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(path, None, f"not UTF-8 text ({err.reason} at byte {err.start})") from None

    # (first line number, text) of each document
    chunks: list[tuple[int, str]] = []
    if layout == "lines":
        chunks = [(i, line.strip()) for i, line in enumerate(lines, start=1) if line.strip()]
    else:
        block: list[str] = []
        first = 0
        for i, line in enumerate([*lines, ""], start=1):
            if block and (not line.strip() or _ID.match(line)):
                chunks.append((first, "\n".join(block).strip()))
                block, first = [], 0
            if line.strip():
                first = first or i
                block.append(line)
    if not chunks:
        raise InputError(path, None, "no text found; expected blank-line separated documents (or one per line)")

    docs: list[Document] = []
    seen: dict[str, int] = {}
    for n, (lineno, chunk) in enumerate(chunks, start=1):
        m = _ID.match(chunk)
        doc_id, text = (m.group(1), m.group(2).strip()) if m else (f"{path.stem}:{n}", chunk)
        if not text:
            raise InputError(path, lineno, f"document {doc_id} has an id but no text")
        if doc_id in seen:
            raise InputError(path, lineno, f"duplicate document id {doc_id} (first on line {seen[doc_id]})")
        seen[doc_id] = lineno
        docs.append(Document(id=doc_id, text=text, source=source))
    return docs
