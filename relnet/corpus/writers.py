"""`Document`s with mentions and relations → files other tools read: BioC XML and PubTator with relation lines.

relnet's readers (`relnet.corpus.bioc_io.read_bioc`, `relnet.corpus.pubtator.read_pubtator`) read both back into
the same documents, mentions and relations, with these differences:

- mention ids become ``T1``, ``T2``, … in text order (the readers number mentions; relations follow them);
- the character between title and abstract becomes a space (both formats rebuild the text that way), and
  PubTator, one line per text, turns line breaks into spaces (offsets are unchanged);
- a mention's type is written as PubTator's (``Chemical``, ``Gene`` or the ``GeneOrGeneProduct`` it was read
  as), so corpus subtypes such as GENE-Y are not kept;
- PubTator relation lines (``PMID<TAB>label<TAB>id1<TAB>id2``, chemical first) name a mention by its concept
  id where it has one, as PubTator's own tools expect, else by its ``T`` id; a concept id stands for all its
  mentions, so the reader takes the closest pair, and relations between the same two concepts with one label
  are one line. A relation's score and ``evaluated`` flag are lost; BioC keeps them (relation infons
  ``type``, ``group``, ``score``, ``evaluated``; nodes ``Arg1`` → ``Arg2``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from relnet.corpus.pubtator import PUBTATOR_KINDS
from relnet.corpus.xmlio import xml_safe
from relnet.data import CHEMICAL, Document, Mention
from relnet.errors import RelnetError

log = logging.getLogger("relnet")

WRITE_FORMATS = ("bioc", "pubtator")


def write_documents(docs: Iterable[Document], path: str | Path, fmt: str) -> int:
    """Write ``docs`` as ``fmt`` (one of `WRITE_FORMATS`); returns how many documents were written."""
    if fmt == "bioc":
        return write_bioc(docs, path)
    if fmt == "pubtator":
        return write_pubtator(docs, path)
    raise RelnetError(f"unknown format {fmt!r}; choose one of {', '.join(WRITE_FORMATS)}")


def _pubtator_type(m: Mention) -> str:
    if m.subtype in PUBTATOR_KINDS and PUBTATOR_KINDS[m.subtype] == m.kind:
        return m.subtype
    return "Chemical" if m.kind == CHEMICAL else "Gene"


def _split(doc: Document) -> tuple[int, int]:
    """Where the title ends and the abstract starts (the separator between them is one white-space character);
    ``(len(text), len(text))`` when the document has no title and abstract to tell apart."""
    t = doc.title_end
    if 0 < t < len(doc.text) - 1 and doc.text[t].isspace():
        return t, t + 1
    return len(doc.text), len(doc.text)


def _ordered(doc: Document) -> list[Mention]:
    return sorted(doc.mentions, key=lambda m: (m.start, m.end, m.id))


def pubtator_lines(doc: Document) -> list[str]:
    """One document in PubTator format: title and abstract lines, mention lines, then relation lines."""
    if any(ch in doc.id for ch in "|\t\n"):
        raise RelnetError(f"document id {doc.id!r} cannot be written as a PubTator PMID (it holds | or a tab)")
    text = doc.text.replace("\r", " ").replace("\n", " ")  # one line per text; offsets unchanged
    title_end, abstract_start = _split(doc)
    lines = [f"{doc.id}|t|{text[:title_end]}", f"{doc.id}|a|{text[abstract_start:]}"]
    mentions = _ordered(doc)
    written: dict[str, Mention] = {}
    for i, m in enumerate(mentions, start=1):
        surface = text[m.start : m.end]
        lines.append(f"{doc.id}\t{m.start}\t{m.end}\t{surface}\t{_pubtator_type(m)}\t{m.concept or '-'}")
        written[m.id] = Mention(f"T{i}", m.start, m.end, surface, m.kind, concept=m.concept)
    seen: set[str] = set()
    for r in doc.relations:
        if r.arg1 not in written or r.arg2 not in written:
            raise RelnetError(f"document {doc.id}: relation {r.arg1} → {r.arg2} names a mention it does not have")
        a, b = written[r.arg1], written[r.arg2]
        line = f"{doc.id}\t{r.label}\t{a.concept or a.id}\t{b.concept or b.id}"
        if line not in seen:
            seen.add(line)
            lines.append(line)
    return lines


def write_pubtator(docs: Iterable[Document], path: str | Path) -> int:
    """Write ``docs`` as a PubTator file, a blank line after each document; returns how many were written."""
    n = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as f:
        for doc in docs:
            f.write("\n".join(pubtator_lines(doc)) + "\n\n")
            n += 1
    return n


def write_bioc(docs: Iterable[Document], path: str | Path) -> int:
    """Write ``docs`` as a BioC XML collection (needs the ``bioc`` package); returns how many were written.

    A document is a title passage and an abstract passage (one ``text`` passage where it has no title), with
    document-level offsets; each mention is an annotation (its id, type, ``identifier`` infon for a concept
    id) in the passage where it starts; relations are document-level.
    """
    try:
        import bioc
        from bioc import biocxml
    except ImportError:
        raise RelnetError("writing BioC needs the bioc package: pip install bioc") from None
    collection = bioc.BioCCollection()
    collection.source, collection.date, collection.key = "relnet", date.today().isoformat(), "relnet.key"
    replaced = Counter[str]()  # characters XML cannot hold, written as spaces: counted, per document

    def safe(text: str, doc_id: str) -> str:
        text, n = xml_safe(text)
        replaced[doc_id] += n
        return text

    for doc in docs:
        d = bioc.BioCDocument()
        d.id = safe(doc.id, doc.id)
        title_end, abstract_start = _split(doc)
        parts = [("title", 0, title_end), ("abstract", abstract_start, len(doc.text))]
        if title_end == len(doc.text):
            parts = [("text", 0, len(doc.text))]
        passages = []
        for kind, start, end in parts:
            p = bioc.BioCPassage()
            p.infons["type"], p.offset, p.text = kind, start, safe(doc.text[start:end], doc.id)
            passages.append((p, start, end))
            d.add_passage(p)
        for m in _ordered(doc):
            a = bioc.BioCAnnotation()
            a.id, a.text = m.id, safe(m.text, doc.id)
            a.infons["type"] = _pubtator_type(m)
            if m.concept:
                a.infons["identifier"] = m.concept
            a.add_location(bioc.BioCLocation(m.start, m.end - m.start))
            next((p for p, start, end in reversed(passages) if start <= m.start), passages[0][0]).add_annotation(a)
        for i, r in enumerate(doc.relations, start=1):
            rel = bioc.BioCRelation()
            rel.id = f"R{i}"
            rel.infons["type"] = r.label
            if r.group:
                rel.infons["group"] = r.group
            if r.score is not None:
                rel.infons["score"] = repr(float(r.score))
            if not r.evaluated:
                rel.infons["evaluated"] = "false"
            rel.add_node(bioc.BioCNode(r.arg1, "Arg1"))
            rel.add_node(bioc.BioCNode(r.arg2, "Arg2"))
            d.add_relation(rel)
        collection.add_document(d)
    if documents := [doc_id for doc_id, n in replaced.items() if n]:
        log.warning("%s: %d characters XML cannot hold (control characters) written as spaces, in %d documents "
                    "(first: %s)", path, replaced.total(), len(documents), documents[0])  # fmt: skip
    with Path(path).open("w", encoding="utf-8") as f:
        biocxml.dump(collection, f)
    return len(collection.documents)
