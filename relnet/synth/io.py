"""Artificial corpora on disk: relnet JSONL (one `Document.to_json` per line) and the SciBERT jsonl.

Where it sits: after `generate.py`. The trainer reads the documents back with `read_synth`; the
SciBERT-format export (first mention of the pair in the sentence ``<< … >>``, second ``[[ … ]]``,
``{"text", "label", "metadata"}``) reads back with `relnet.corpus.scibert.read_scibert_jsonl`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from relnet.data import Document, Example
from relnet.errors import InputError
from relnet.examples.candidates import examples_from_documents
from relnet.examples.labels import LabelScheme

DOCUMENTS = "documents.jsonl"


def write_documents(docs: Iterable[Document], path: str | Path) -> int:
    n = 0
    with Path(path).open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
            n += 1
    return n


def read_synth(path: str | Path) -> list[Document]:
    """Documents from a JSONL file of `Document.to_json` lines, or from a folder's ``documents.jsonl``."""
    path = Path(path)
    if path.is_dir():
        path = path / DOCUMENTS
    if not path.is_file():
        raise InputError(path, None, "file not found; expected the documents.jsonl written by `relnet synth`")
    docs = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                docs.append(Document.from_json(json.loads(line)))
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise InputError(path, lineno, f"not a Document JSON object: {err}") from None
    return docs


def marked_text(e: Example) -> str:
    """The sentence with the pair's first mention as ``<< … >>`` and the second as ``[[ … ]]``."""
    (a, b), (c, d) = sorted([(e.head.start, e.head.end), (e.tail.start, e.tail.end)])
    t = e.text
    return f"{t[:a]}<< {t[a:b]} >>{t[b:c]}[[ {t[c:d]} ]]{t[d:]}"


def write_scibert_jsonl(docs: Iterable[Document], scheme: LabelScheme, path: str | Path) -> int:
    """One line per example of ``scheme`` (as `make_examples` yields them); metadata traces it back."""
    n = 0
    with Path(path).open("w", encoding="utf-8") as f:
        for e in examples_from_documents(docs, scheme):
            meta = {"doc_id": e.doc_id, "chemical": e.head_id, "gene": e.tail_id}
            f.write(json.dumps({"text": marked_text(e), "label": e.label, "metadata": meta}, ensure_ascii=False) + "\n")
            n += 1
    return n
