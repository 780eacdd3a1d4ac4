"""What the ChemProt (BioCreative VI) and DrugProt (BioCreative VII) readers share: files found by name,
the abstracts and entities TSVs, and the ``Arg1:Tn``/``Arg2:Tm`` relation arguments.

Both releases write abstracts as PMID, title, abstract (offsets index ``title + "\\t" + abstract``) and
entities as PMID, id (T1…), type, start, end, text. `chemprot.py` and `drugprot.py` differ only in file
names and in their relations files.
"""

from __future__ import annotations

from pathlib import Path

from relnet.corpus.tsv import parse_int, read_rows
from relnet.data import ENTITY_KINDS, Document, Mention
from relnet.errors import InputError, SkipCounter


def find_one(folder: Path, pattern: str, required: bool) -> Path | None:
    """The one file of ``folder`` matching ``pattern``; several matches, or none when ``required``, raise
    `InputError`."""
    hits = sorted(p for p in folder.glob(pattern) if p.is_file())
    if len(hits) > 1:
        raise InputError(folder, None, f"several files match {pattern}: {', '.join(p.name for p in hits)}")
    if not hits and required:
        raise InputError(folder, None, f"no file matching {pattern}")
    return hits[0] if hits else None


def read_abstracts(path: Path, source: str = "chemprot") -> dict[str, Document]:
    """PMID, title, abstract → documents whose text is ``title + "\\t" + abstract``."""
    docs: dict[str, Document] = {}
    for lineno, (pmid, title, abstract) in read_rows(path, 3):
        if pmid in docs:
            raise InputError(path, lineno, f"duplicate PMID {pmid}")
        if not (title.strip() or abstract.strip()):
            raise InputError(path, lineno, f"empty title and abstract for PMID {pmid}")
        docs[pmid] = Document(id=pmid, text=f"{title}\t{abstract}", title_end=len(title), source=source)
    return docs


def read_entities(path: Path, docs: dict[str, Document], skipped: SkipCounter) -> dict[str, list[Mention]]:
    """Entities with offsets checked against their document's text."""
    out: dict[str, list[Mention]] = {}
    seen: set[tuple[str, str]] = set()
    for lineno, (pmid, tid, etype, start_s, end_s, text) in read_rows(path, 6):
        if pmid not in docs:
            skipped.skip("entities of documents without text", f"{path}:{lineno}")
            continue
        if etype not in ENTITY_KINDS:
            raise InputError(path, lineno, f"unknown entity type {etype!r}; expected one of {sorted(ENTITY_KINDS)}")
        start, end = parse_int(start_s, path, lineno, "start"), parse_int(end_s, path, lineno, "end")
        doc_text = docs[pmid].text
        if not 0 <= start < end <= len(doc_text):
            raise InputError(path, lineno, f"offsets {start}–{end} outside the text of {pmid} (length {len(doc_text)})")
        if doc_text[start:end] != text:
            raise InputError(
                path, lineno, f"entity text {text!r} does not match the text at {start}–{end}: {doc_text[start:end]!r}"
            )
        if (pmid, tid) in seen:
            raise InputError(path, lineno, f"duplicate entity id {tid} in {pmid}")
        seen.add((pmid, tid))
        out.setdefault(pmid, []).append(Mention(tid, start, end, text, ENTITY_KINDS[etype], etype))
    return out


def parse_arg(value: str, prefix: str, path: Path, lineno: int) -> str:
    """``Arg1:T3`` with prefix ``Arg1`` → ``T3``."""
    if not value.startswith(prefix + ":"):
        raise InputError(path, lineno, f"expected {prefix}:Tn, found {value!r}")
    return value[len(prefix) + 1 :]


def check_pair(pmid: str, arg1: str, arg2: str, mentions: dict[str, Mention], path: Path, lineno: int) -> None:
    """Both arguments are entities of the document, the first a chemical and the second a gene."""
    for arg in (arg1, arg2):
        if arg not in mentions:
            raise InputError(path, lineno, f"relation refers to unknown entity {arg} of document {pmid}")
    if mentions[arg1].kind != "CHEMICAL" or mentions[arg2].kind != "GENE":
        raise InputError(path, lineno, f"relation {arg1}→{arg2} is not chemical→gene in {pmid}")


def sorted_mentions(mentions: list[Mention]) -> tuple[Mention, ...]:
    """Mentions in text order (start, then end), as `Document.mentions` holds them."""
    return tuple(sorted(mentions, key=lambda m: (m.start, m.end)))
