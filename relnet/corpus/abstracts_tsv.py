"""Abstracts as tab-separated rows → `Document`s, streamed: ChemProt's abstracts file (PMID, TITLE, ABSTRACT) and the
unlabeled corpus's files (SOURCE, PMID, TITLE, ABSTRACT).

A document's text is ``title + "\\t" + abstract`` (ChemProt's offset convention; the abstract alone where the
title is empty); its id is the PMID, or ``SOURCE:FILE:LINE`` for a row without one (figure captions, sentences).
One row at a time is held, so the 53,960 unlabeled abstracts cost no more memory than a hundred. A repeated id is
passed on: mining counts it as already there.
"""

from __future__ import annotations

from collections.abc import Iterator

from relnet.corpus.streams import Source, check_source, numbered_lines, plain_stem
from relnet.data import Document
from relnet.errors import InputError

#: Suffixes read as abstracts TSV by ``auto`` (compressed or not).
SUFFIXES = (".tsv",)


def read_abstracts_tsv(path: Source, source: str = "tsv") -> Iterator[Document]:
    """Documents from rows of 3 (PMID, title, abstract) or 4 (source, PMID, title, abstract) tab-separated columns;
    a missing file fails at once, a malformed row when it is read (`InputError` naming file and line)."""
    name = check_source(path)
    return _read(path, name, source)


def _read(path: Source, name: str, default_source: str) -> Iterator[Document]:
    stem = plain_stem(name)
    n = 0
    for lineno, raw in numbered_lines(path, name, newline=""):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) == 3:
            source, (pmid, title, abstract) = default_source, cols
        elif len(cols) == 4:
            source, pmid, title, abstract = cols
        else:
            raise InputError(name, lineno, f"expected 3 (PMID, title, abstract) or 4 (source, PMID, title, abstract) "
                             f"tab-separated columns, found {len(cols)}")  # fmt: skip
        if not (title.strip() or abstract.strip()):
            raise InputError(name, lineno, f"empty title and abstract{f' for PMID {pmid}' if pmid else ''}")
        text = f"{title}\t{abstract}" if title else abstract
        n += 1
        yield Document(pmid.strip() or f"{source}:{stem}:{lineno}", text, title_end=len(title), source=source or "tsv")
    if not n:
        raise InputError(name, None, "no rows found; expected PMID, title and abstract separated by tabs")
