"""Any supported input → `Document`s, one at a time: the entry point of the mining path.

`read_texts` picks a reader by ``fmt`` or, with ``auto``, by the path (`detect_format`):

- a folder: a ChemProt or DrugProt split or one holding relnet's ``documents.jsonl`` (`relnet.corpus.read_documents`,
  read whole: these are small); else a folder of PMC ``.nxml`` files (``jats``) or of MEDLINE ``.xml(.gz)`` files
  (``medline``, read in name order: baseline, then updates), or of abstracts ``.tsv`` files (``tsv``);
- ``.nxml`` or a ``.tar(.gz)``/``.tgz`` archive: PMC JATS (`relnet.corpus.jats`); ``.jsonl``: relnet's documents;
  ``.tsv``: abstracts as rows, PMID, title, abstract (with a source column first or not; `relnet.corpus.abstracts_tsv`);
- XML (any suffix, gzip/bz2 or not) by its root element: ``PubmedArticleSet`` is MEDLINE/PubMed
  (`relnet.corpus.medline`), ``article``/``pmc-articleset`` JATS, ``collection`` BioC; ``.json`` is BioC JSON;
- a file whose first line looks like ``PMID|t|…`` is PubTator; anything else is plain text, read in a ``layout``
  (`relnet.corpus.plaintext`: blank-line separated ``blocks`` by default, or ``lines``).

Every reader but the split folders streams: it holds one document (one XML record) at a time, so a
PubMed-sized input costs no more memory than a small one. MEDLINE update files also yield `Deletion`s.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from relnet.corpus.jats import ARCHIVES
from relnet.corpus.streams import files_in, plain_name, sniff
from relnet.data import Deletion, Document
from relnet.errors import InputError

FORMATS = ("auto", "text", "pubtator", "bioc", "chemprot", "medline", "jats", "tsv")
#: Formats whose folders are read file by file, in name order (and sharded by file by the Ray engine).
FILE_FOLDERS = {"medline": (".xml", ".xml.gz"), "jats": (".nxml", ".nxml.gz"), "tsv": (".tsv", ".tsv.gz")}
_ROOTS = {
    "collection": "bioc",
    "PubmedArticleSet": "medline",
    "PubmedArticle": "medline",
    "MedlineCitationSet": "medline",
    "MedlineCitation": "medline",
    "eFetchResult": "medline",  # what E-utilities return for a failed efetch: the MEDLINE reader explains it
    "article": "jats",
    "pmc-articleset": "jats",
}


def detect_format(path: str | Path) -> str:
    """The format ``auto`` resolves to for ``path``."""
    path = Path(path)
    if path.is_dir():
        return _folder_format(path)
    if not path.is_file():
        raise InputError(path, None, "input not found")
    name = path.name.lower()
    if name.endswith(ARCHIVES) or plain_name(name).endswith(".nxml"):
        return "jats"
    if name.endswith(".jsonl"):
        return "chemprot"  # relnet's documents.jsonl, read by `read_documents`
    if plain_name(name).endswith(".tsv"):
        return "tsv"
    if plain_name(name).endswith(".json"):
        return "bioc"
    head = sniff(path)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        from relnet.corpus.xmlio import root_tag

        return _ROOTS.get(root_tag(head) or "", "bioc")  # unknown XML: the BioC reader says what is wrong
    if plain_name(name).endswith(".xml"):
        return "bioc"
    from relnet.corpus.pubtator import is_pubtator

    first = next((line for line in head.decode("utf-8", "replace").splitlines() if line.strip()), "")
    return "pubtator" if is_pubtator(first) else "text"


def _folder_format(folder: Path) -> str:
    from relnet.corpus.jsonl import DOCUMENTS_JSONL

    if (folder / DOCUMENTS_JSONL).is_file() or any(folder.glob("*entities*.tsv")) or any(folder.glob("drugprot_*")):
        return "chemprot"
    if files_in(folder, FILE_FOLDERS["tsv"]) and not any(folder.glob("*relations*.tsv")):
        return "tsv"  # abstracts without annotations (the unlabeled corpus)
    if files_in(folder, FILE_FOLDERS["jats"]):
        return "jats"
    xml = files_in(folder, FILE_FOLDERS["medline"])
    fmt = detect_format(xml[0]) if xml else ""
    return fmt if fmt == "medline" else "chemprot"  # chemprot: `read_documents` says what the folder lacks


def read_texts(path: str | Path, fmt: str = "auto", layout: str = "blocks") -> Iterator[Document | Deletion]:
    """Documents for mining, read lazily; ChemProt/DrugProt and PubTator/BioC inputs keep their mentions,
    MEDLINE and JATS keep their metadata (`Document.meta`). MEDLINE update files also yield `Deletion`s.

    The arguments and the path are checked now (`InputError`); the content as it is read. ``layout`` applies
    to plain text only (`relnet.corpus.plaintext.LAYOUTS`).
    """
    from relnet.corpus.plaintext import LAYOUTS, read_plaintext

    if fmt not in FORMATS:
        raise InputError(path, None, f"unknown input format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if layout not in LAYOUTS:
        raise InputError(path, None, f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "chemprot":
        from relnet.corpus import read_documents

        return iter(read_documents(path))
    if fmt == "pubtator":
        from relnet.corpus.pubtator import read_pubtator

        return read_pubtator(path)
    if fmt == "bioc":
        from relnet.corpus.bioc_io import read_bioc

        return read_bioc(path)
    if fmt == "medline":
        from relnet.corpus.medline import read_medline

        return read_medline(path)
    if fmt == "jats":
        from relnet.corpus.jats import read_jats

        return read_jats(path)
    if fmt == "tsv":
        from relnet.corpus.abstracts_tsv import read_abstracts_tsv

        return itertools.chain.from_iterable(read_abstracts_tsv(f) for f in input_files(path, fmt))
    return read_plaintext(path, layout)


def input_files(path: str | Path, fmt: str = "auto") -> list[Path]:
    """The files ``path`` is read from, in reading order: a folder of MEDLINE, JATS or abstracts TSV files gives
    its files, any other input itself (a split folder is one input). The Ray engine shards by these."""
    path = Path(path)
    fmt = detect_format(path) if fmt == "auto" else fmt
    if path.is_dir() and fmt in FILE_FOLDERS:
        files = files_in(path, FILE_FOLDERS[fmt])
        if not files:
            raise InputError(path, None, f"no {' or '.join(FILE_FOLDERS[fmt])} files in this folder")
        return files
    return [path]
