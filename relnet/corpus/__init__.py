"""Corpus readers: files on disk → `Document`s (or `Example`s for sentence-level releases).

One module per source; `read_documents` picks the reader from a path's layout.
"""

from __future__ import annotations

from pathlib import Path

from relnet.corpus.chemprot import find_chemprot_files, read_chemprot
from relnet.corpus.drugprot import find_drugprot_files, read_drugprot
from relnet.corpus.jsonl import DOCUMENTS_JSONL, read_documents_jsonl
from relnet.data import Document
from relnet.errors import InputError


def read_documents(path: str | Path, exclude_ids: set[str] | frozenset[str] = frozenset()) -> list[Document]:
    """Read a ChemProt or DrugProt split folder (told apart by its file names), or relnet's Document JSONL
    (a ``.jsonl`` file, or a folder holding ``documents.jsonl`` such as `relnet synth` writes).

    Documents whose id is in ``exclude_ids`` are dropped.
    """
    path = Path(path)
    if path.suffix == ".jsonl" or (path / DOCUMENTS_JSONL).is_file():
        return [d for d in read_documents_jsonl(path) if d.id not in exclude_ids]
    if not path.is_dir():
        raise InputError(path, None, "not a folder; expected a ChemProt or DrugProt split folder or a .jsonl file")
    if any(path.glob("*abstracts*.tsv")):
        docs = read_chemprot(path)
        return [d for d in docs if d.id not in exclude_ids]
    if any(path.glob("drugprot_*_abstracs*.tsv")) or any(path.glob("drugprot_*_entities.tsv")):
        return read_drugprot(path, exclude_ids=exclude_ids)
    raise InputError(
        path, None, f"no *_abstracts.tsv (ChemProt), drugprot_*_abstracs*.tsv (DrugProt) or {DOCUMENTS_JSONL} found"
    )


__all__ = [
    "find_chemprot_files",
    "find_drugprot_files",
    "read_chemprot",
    "read_documents",
    "read_documents_jsonl",
    "read_drugprot",
]
