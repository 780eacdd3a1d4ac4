"""The BLUE/BLURB ChemProt TSV (``index, sentence, label``; CRLF; entities masked as ``@CHEMICAL$``).

Rows are identified by ``PMID.Tchem.Tgene``; used to check relnet's own candidate generation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from relnet.corpus.tsv import read_rows
from relnet.errors import InputError


@dataclass(frozen=True)
class BlurbRow:
    doc_id: str
    arg1: str
    arg2: str
    sentence: str
    label: str


def read_blurb_tsv(path: str | Path) -> list[BlurbRow]:
    path = Path(path)
    out = []
    for lineno, (index, sentence, label) in read_rows(path, 3):
        if lineno == 1 and index == "index":
            continue
        parts = index.split(".")
        if len(parts) != 3:
            raise InputError(path, lineno, f"index must be PMID.Tn.Tm, found {index!r}")
        out.append(BlurbRow(parts[0], parts[1], parts[2], sentence, label))
    return out
