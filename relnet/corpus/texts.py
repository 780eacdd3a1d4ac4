"""Any supported input → `Document`s: the entry point of the mining path.

`read_texts` picks a reader by ``fmt`` or, with ``auto``, by the path: a folder is a ChemProt or
DrugProt split or holds relnet's ``documents.jsonl`` (`relnet.corpus.read_documents`), ``.xml``/``.json``
is BioC, a file whose first line looks like ``PMID|t|…`` is PubTator, anything else is plain text, read in a ``layout``
(`relnet.corpus.plaintext`: blank-line separated ``blocks`` by default, or ``lines``).
"""

from __future__ import annotations

from pathlib import Path

from relnet.data import Document
from relnet.errors import InputError

FORMATS = ("auto", "text", "pubtator", "bioc", "chemprot")


def detect_format(path: str | Path) -> str:
    """The format ``auto`` resolves to for ``path``."""
    path = Path(path)
    if path.is_dir():
        return "chemprot"
    if not path.is_file():
        raise InputError(path, None, "input not found")
    if path.suffix.lower() in (".xml", ".json"):
        return "bioc"
    from relnet.corpus.pubtator import is_pubtator

    with path.open(encoding="utf-8", errors="replace") as f:
        first = next((line for line in f if line.strip()), "")
    return "pubtator" if is_pubtator(first) else "text"


def read_texts(path: str | Path, fmt: str = "auto", layout: str = "blocks") -> list[Document]:
    """Read documents for mining; ChemProt/DrugProt and PubTator/BioC inputs keep their mentions.

    ``layout`` applies to plain text only (`relnet.corpus.plaintext.LAYOUTS`).
    """
    from relnet.corpus.plaintext import LAYOUTS, read_plaintext

    if fmt not in FORMATS:
        raise InputError(path, None, f"unknown input format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if layout not in LAYOUTS:
        raise InputError(path, None, f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "chemprot":
        from relnet.corpus import read_documents

        return read_documents(path)
    if fmt == "pubtator":
        from relnet.corpus.pubtator import read_pubtator

        return read_pubtator(path)
    if fmt == "bioc":
        from relnet.corpus.bioc_io import read_bioc

        return read_bioc(path)
    return read_plaintext(path, layout)
