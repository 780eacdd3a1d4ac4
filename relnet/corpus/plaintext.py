"""Plain text files → unannotated `Document`s: the first step of the mining path for raw text.

Two layouts, told apart by the file itself (``layout="auto"``):

- ``lines``: one document per non-empty line;
- ``blocks``: documents separated by blank lines; the lines of a block are joined with a space
  (hard-wrapped abstracts are one paragraph, and a line break would force a sentence boundary).

A document may start with an id and a tab (``PMID<TAB>text``); otherwise its id is
``<file stem>:<n>`` (n counts documents from 1). The mentions come later, from a tagger.
"""

from __future__ import annotations

import re
from pathlib import Path

from relnet.data import Document
from relnet.errors import InputError

LAYOUTS = ("auto", "lines", "blocks")
_ID = re.compile(r"^([^\t\s]+)\t(.*)$", re.S)


def read_plaintext(path: str | Path, layout: str = "auto", source: str = "text") -> list[Document]:
    """Read a UTF-8 text file into documents (no mentions, no relations)."""
    path = Path(path)
    if layout not in LAYOUTS:
        raise InputError(path, None, f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if not path.is_file():
        raise InputError(path, None, "file not found")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(path, None, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    if layout == "auto":
        layout = "blocks" if _has_blank_separator(lines) else "lines"

    # (first line number, text) of each document
    chunks: list[tuple[int, str]] = []
    if layout == "lines":
        chunks = [(i, line.strip()) for i, line in enumerate(lines, start=1) if line.strip()]
    else:
        block: list[str] = []
        first = 0
        for i, line in enumerate([*lines, ""], start=1):
            if line.strip():
                first = first or i
                block.append(line.strip())
            elif block:
                chunks.append((first, " ".join(block)))
                block, first = [], 0
    if not chunks:
        raise InputError(path, None, "no text found; expected one document per line or blank-line separated blocks")

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


def _has_blank_separator(lines: list[str]) -> bool:
    """True if a blank line sits between two non-empty lines."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return any(b - a > 1 for a, b in zip(filled, filled[1:]))
