"""Artificial corpora on disk: relnet JSONL (one `Document.to_json` per line) and the SciBERT jsonl.

Where it sits: after `generate.py`. The documents go through relnet's Document JSONL
(`relnet.corpus.jsonl`; `read_synth` and `write_documents` are its reader and writer under the names
synth has always used). The SciBERT-format export (first mention of the pair in the sentence
``<< … >>``, second ``[[ … ]]``, ``{"text", "label", "metadata"}``) reads back with
`relnet.corpus.scibert.read_scibert_jsonl`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from relnet.corpus.jsonl import DOCUMENTS_JSONL as DOCUMENTS
from relnet.corpus.jsonl import read_documents_jsonl as read_synth
from relnet.corpus.jsonl import write_documents_jsonl as write_documents
from relnet.data import Document, Example
from relnet.examples.candidates import examples_from_documents
from relnet.examples.labels import LabelScheme

__all__ = ["DOCUMENTS", "marked_text", "read_synth", "write_documents", "write_scibert_jsonl"]


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
