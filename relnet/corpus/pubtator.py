"""PubTator files → `Document`s with the file's chemical and gene annotations as `Mention`s.

The format (one document after another, usually separated by a blank line)::

    PMID|t|title
    PMID|a|abstract
    PMID<TAB>start<TAB>end<TAB>text<TAB>type[<TAB>concept id]
    PMID<TAB>relation type<TAB>id1<TAB>id2          (relation lines: ignored, counted)

Offsets index ``title + " " + abstract``, which is the document's text (``title_end`` is the
title's length). Types ``Chemical`` → CHEMICAL and ``Gene``/``GeneOrGeneProduct`` → GENE; other
types (Disease, Species, …) are skipped with a counted warning. Mention ids are ``T1``, ``T2``, …
in file order. Concept ids are not kept (`Mention` has no field for them yet).
"""

from __future__ import annotations

import re
from pathlib import Path

from relnet.data import CHEMICAL, GENE, Document, Mention
from relnet.errors import InputError, SkipCounter

PUBTATOR_KINDS: dict[str, str] = {"Chemical": CHEMICAL, "Gene": GENE, "GeneOrGeneProduct": GENE}
_TEXT_LINE = re.compile(r"^([^|\t]+)\|([ta])\|(.*)$")


def is_pubtator(first_line: str) -> bool:
    """True if a file's first non-empty line looks like a PubTator title or abstract line."""
    return bool(_TEXT_LINE.match(first_line.rstrip("\r\n")))


class _Draft:
    """A document being read: title, abstract and annotation lines (checked once the text is complete)."""

    def __init__(self, pmid: str, lineno: int) -> None:
        self.pmid, self.lineno = pmid, lineno
        self.title: str | None = None
        self.abstract: str | None = None
        self.annotations: list[tuple[int, list[str]]] = []


def read_pubtator(path: str | Path, source: str = "pubtator") -> list[Document]:
    """Read a PubTator file; a malformed line raises `InputError` naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "file not found")
    skipped = SkipCounter(str(path))
    drafts: dict[str, _Draft] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for lineno, raw in enumerate(f, start=1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip():
                continue
            if m := _TEXT_LINE.match(line):
                pmid, part, text = m.groups()
                draft = drafts.setdefault(pmid, _Draft(pmid, lineno))
                if getattr(draft, "title" if part == "t" else "abstract") is not None:
                    raise InputError(path, lineno, f"second {'title' if part == 't' else 'abstract'} for PMID {pmid}")
                if part == "t":
                    draft.title = text
                else:
                    draft.abstract = text
                continue
            cols = line.split("\t")
            if len(cols) == 4 and not cols[1].isdigit():  # PMID, relation type, id1, id2
                skipped.skip("relation lines", f"{path}:{lineno}")
                continue
            if len(cols) < 5:
                raise InputError(
                    path, lineno, "expected PMID|t|title, PMID|a|abstract or PMID<TAB>start<TAB>end<TAB>text<TAB>type"
                )
            if cols[0] not in drafts:
                raise InputError(path, lineno, f"annotation for PMID {cols[0]} before its title and abstract")
            drafts[cols[0]].annotations.append((lineno, cols))
    docs = [_finish(draft, path, skipped, source) for draft in drafts.values()]
    skipped.report()
    if not docs:
        raise InputError(path, None, "no documents found; expected PMID|t|title and PMID|a|abstract lines")
    return docs


def _finish(draft: _Draft, path: Path, skipped: SkipCounter, source: str) -> Document:
    title, abstract = draft.title or "", draft.abstract or ""
    if not (title.strip() or abstract.strip()):
        raise InputError(path, draft.lineno, f"PMID {draft.pmid} has neither title nor abstract text")
    text = f"{title} {abstract}" if abstract else title
    mentions: list[Mention] = []
    for lineno, cols in draft.annotations:
        _, start_s, end_s, surface, etype = cols[:5]
        try:
            start, end = int(start_s), int(end_s)
        except ValueError:
            raise InputError(path, lineno, f"offsets must be integers, found {start_s!r} and {end_s!r}") from None
        if not 0 <= start < end <= len(text):
            raise InputError(
                path, lineno, f"offsets {start}–{end} outside the text of {draft.pmid} ({len(text)} chars)"
            )
        if text[start:end] != surface:
            raise InputError(path, lineno, f"text {surface!r} does not match {text[start:end]!r} at {start}–{end}")
        kind = PUBTATOR_KINDS.get(etype)
        if kind is None:
            skipped.skip(f"annotations of other types ({etype})", f"{path}:{lineno}")
            continue
        mentions.append(Mention(f"T{len(mentions) + 1}", start, end, surface, kind, etype))
    return Document(id=draft.pmid, text=text, mentions=tuple(mentions), title_end=len(title), source=source)
