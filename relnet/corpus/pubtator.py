"""PubTator files → `Document`s with the file's chemical and gene annotations as `Mention`s.

The format (one document after another, usually separated by a blank line)::

    PMID|t|title
    PMID|a|abstract
    PMID<TAB>start<TAB>end<TAB>text<TAB>type[<TAB>concept id]
    PMID<TAB>relation type<TAB>id1<TAB>id2

Offsets index ``title + " " + abstract``, which is the document's text (``title_end`` is the
title's length). Types ``Chemical`` → CHEMICAL and ``Gene``/``GeneOrGeneProduct`` → GENE; other
types (Disease, Species, …) are skipped with a counted warning. Mention ids are ``T1``, ``T2``, …
in file order; the concept id (``-`` or none: no id) is `Mention.concept`. Documents are read one at a time
(a path or an open stream, gzip/bz2 decompressed): a document's lines must be together.

A relation line names its two arguments by mention id (``T3``, the mention's place among the kept
mentions, as relnet's writer does for mentions without a concept id) or by concept id; for concept ids
the closest chemical–gene pair of mentions with those ids is taken. Arguments are ordered chemical →
gene; relations that name no such pair (other types, unknown ids) are skipped with a counted warning.
The relation type is `Relation.label`, its CPR group `label_group`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from relnet.corpus.streams import Source, check_source, numbered_lines
from relnet.data import CHEMICAL, GENE, Document, Mention, Relation
from relnet.errors import InputError, SkipCounter
from relnet.examples.labels import UNKNOWN_LABEL, is_known_label
from relnet.schema import TYPE_TO_GROUP

PUBTATOR_KINDS: dict[str, str] = {"Chemical": CHEMICAL, "Gene": GENE, "GeneOrGeneProduct": GENE}
_TEXT_LINE = re.compile(r"^([^|\t]+)\|([ta])\|(.*)$")


def label_group(label: str) -> str:
    """The CPR group of a relation label: a ChemProt type's group, a group itself, else ""."""
    return TYPE_TO_GROUP.get(label.upper(), label if label.startswith("CPR:") else "")


def relation_between(doc_id: str, label: str, a: Mention, b: Mention) -> Relation | None:
    """A ``label`` relation between a chemical and a gene mention (in either order), chemical first; else None."""
    if (a.kind, b.kind) == (GENE, CHEMICAL):
        a, b = b, a
    if (a.kind, b.kind) != (CHEMICAL, GENE):
        return None
    return Relation(doc_id, a.id, b.id, label, label_group(label))


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
        self.relations: list[tuple[int, list[str]]] = []


def read_pubtator(path: Source, source: str = "pubtator") -> Iterator[Document]:
    """Documents from a PubTator file or stream (gzip/bz2 too), one at a time: each is complete when the next
    PMID starts, so a document's lines must be together. A malformed line raises `InputError` naming the file
    and line (when it is read; a missing file at once)."""
    name = check_source(path)
    return _read(path, name, source)


def _read(path: Source, name: str, source: str) -> Iterator[Document]:
    skipped = SkipCounter(name)
    draft: _Draft | None = None
    finished: set[str] = set()  # ids only, to catch a document whose lines are not together
    n = 0
    for lineno, raw in numbered_lines(path, name, newline=""):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            continue
        if m := _TEXT_LINE.match(line):
            pmid, part, text = m.groups()
            if draft is None or draft.pmid != pmid:
                if draft is not None:
                    yield _finish(draft, name, skipped, source)
                    finished.add(draft.pmid)
                    n += 1
                if pmid in finished:
                    raise InputError(name, lineno, f"PMID {pmid} again, after other documents")
                draft = _Draft(pmid, lineno)
            if getattr(draft, "title" if part == "t" else "abstract") is not None:
                raise InputError(name, lineno, f"second {'title' if part == 't' else 'abstract'} for PMID {pmid}")
            if part == "t":
                draft.title = text
            else:
                draft.abstract = text
            continue
        cols = line.split("\t")
        relation = len(cols) == 4 and not cols[1].isdigit()  # PMID, relation type, id1, id2
        if len(cols) < 5 and not relation:
            raise InputError(
                name, lineno, "expected PMID|t|title, PMID|a|abstract or PMID<TAB>start<TAB>end<TAB>text<TAB>type"
            )
        if draft is None or cols[0] != draft.pmid:
            where = "after other documents" if cols[0] in finished else "before its title and abstract"
            raise InputError(name, lineno, f"{'relation' if relation else 'annotation'} for PMID {cols[0]} {where}")
        (draft.relations if relation else draft.annotations).append((lineno, cols))
    if draft is not None:
        yield _finish(draft, name, skipped, source)
        n += 1
    skipped.report()
    if not n:
        raise InputError(name, None, "no documents found; expected PMID|t|title and PMID|a|abstract lines")


def _finish(draft: _Draft, path: str, skipped: SkipCounter, source: str) -> Document:
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
        concept = cols[5].strip() if len(cols) > 5 and cols[5].strip() != "-" else ""
        mentions.append(Mention(f"T{len(mentions) + 1}", start, end, surface, kind, etype, concept))
    relations: list[Relation] = []
    for lineno, (_, label, id1, id2) in draft.relations:
        relation = _relation(draft.pmid, label, id1.strip(), id2.strip(), mentions)
        if relation is None or relation in relations:
            skipped.skip("relation lines without a chemical–gene pair of known ids", f"{path}:{lineno}")
        else:
            relations.append(relation)
            if not is_known_label(relation.label):
                skipped.note(UNKNOWN_LABEL, f"{path}:{lineno} {relation.label!r}")
    return Document(
        id=draft.pmid, text=text, mentions=tuple(mentions), relations=tuple(relations), title_end=len(title),
        source=source,
    )  # fmt: skip


def _relation(doc_id: str, label: str, id1: str, id2: str, mentions: list[Mention]) -> Relation | None:
    """The relation a line names: by mention id, else the closest chemical–gene pair with those concept ids."""
    by_id = {m.id: m for m in mentions}

    def named(arg: str) -> list[Mention]:
        return [by_id[arg]] if arg in by_id else [m for m in mentions if m.concept and m.concept == arg]

    pairs = [(a, b) for a in named(id1) for b in named(id2) if {a.kind, b.kind} == {CHEMICAL, GENE}]
    if not pairs:
        return None
    a, b = min(pairs, key=lambda p: (abs(p[0].start - p[1].start), p[0].start, p[1].start))
    return relation_between(doc_id, label, a, b)
