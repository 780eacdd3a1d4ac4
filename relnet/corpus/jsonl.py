"""relnet's own corpus format: a JSONL file of `Document.to_json` objects, one document per line.

`relnet synth` writes its artificial corpora this way (``documents.jsonl`` in the output folder); any
`Document`s (gold or mined) round-trip through it. SciBERT-format ``.jsonl`` (sentence-level examples)
is another format: see `scibert.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from relnet.data import Document
from relnet.errors import InputError

#: The file name `relnet synth` writes, and what `read_documents_jsonl` looks for in a folder.
DOCUMENTS_JSONL = "documents.jsonl"


def read_documents_jsonl(path: str | Path) -> list[Document]:
    """Documents from a JSONL file of `Document.to_json` lines, or from a folder's ``documents.jsonl``.

    Blank lines are skipped; a line that is not a Document JSON object raises `InputError` with file and line.
    """
    path = Path(path)
    if path.is_dir():
        path = path / DOCUMENTS_JSONL
    if not path.is_file():
        raise InputError(path, None, f"file not found; expected a {DOCUMENTS_JSONL} (as `relnet synth` writes)")
    docs = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(path, lineno, f"not JSON: {err.msg} at column {err.colno}") from None
            if not isinstance(obj, dict):
                raise InputError(path, lineno, f"expected a Document JSON object, found a {type(obj).__name__}")
            try:
                docs.append(Document.from_json(obj))
            except KeyError as err:
                raise InputError(
                    path, lineno, f"not a Document JSON object: no field {err}; SciBERT-format jsonl holds examples, "
                    "not documents (read it with relnet.corpus.scibert.read_scibert_jsonl)"
                ) from None  # fmt: skip
            except (TypeError, AttributeError) as err:
                raise InputError(path, lineno, f"not a Document JSON object: {err}") from None
    return docs


def write_documents_jsonl(docs: Iterable[Document], path: str | Path) -> int:
    """One `Document.to_json` object per line (UTF-8, not ASCII-escaped); returns how many were written."""
    n = 0
    with Path(path).open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
            n += 1
    return n
