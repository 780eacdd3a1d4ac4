"""Load labelled examples from any supported source, by path."""

from __future__ import annotations

from pathlib import Path

from relnet.corpus import read_documents
from relnet.corpus.jsonl import DOCUMENTS_JSONL
from relnet.corpus.scibert import example_line, read_scibert_jsonl
from relnet.data import Document, Example
from relnet.errors import InputError
from relnet.examples.candidates import examples_from_documents
from relnet.examples.labels import LabelScheme


def load_examples(
    path: str | Path, scheme: LabelScheme, exclude_ids: frozenset[str] | set[str] = frozenset()
) -> tuple[list[Example], list[Document]]:
    """A split folder (ChemProt/DrugProt), a `relnet synth` corpus (its folder or ``documents.jsonl``) or a
    SciBERT ``.jsonl`` → examples (and documents, if any).

    Labels outside the scheme are an error for SciBERT jsonl input (it has no unlabelled pairs to fall back on).
    """
    path = Path(path)
    if path.suffix == ".jsonl" and path.name != DOCUMENTS_JSONL:  # SciBERT sentence-level examples
        examples = read_scibert_jsonl(path)
        for e in examples:
            if e.label not in scheme.labels:
                raise InputError(path, example_line(e), f"label {e.label!r} is not in scheme {scheme.name!r}")
        return examples, []
    docs = read_documents(path, exclude_ids=exclude_ids)  # split folders and relnet Document JSONL
    return list(examples_from_documents(docs, scheme)), docs
