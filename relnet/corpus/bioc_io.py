"""BioC XML/JSON collections → `Document`s with their chemical and gene annotations as `Mention`s.

BioC XML is streamed (`relnet.corpus.xmlio`: one document at a time, in flat memory; gzip/bz2 too); BioC JSON
is parsed whole (one JSON object). Both use the ``bioc`` package's classes. A document's passages are laid out at
their offsets (gaps filled with spaces), so annotation offsets index `Document.text` directly; the
first passage is the title when its ``type`` infon says so. Annotation types follow PubTator
(``Chemical``, ``Gene``, ``GeneOrGeneProduct``); other types and discontinuous annotations are
skipped with a counted warning. Mention ids are ``T1``, ``T2``, … in annotation order; the concept id is
the first of the infons `CONCEPT_INFONS` present (``-``: none).

Relations (document or passage level) become `Relation`s between the chemical and the gene their two nodes
refer to; the ``type`` infon is the label, ``group``, ``score`` and ``evaluated`` infons are read where
present (relnet's writer, `relnet.corpus.writers`, puts them there). Other relations are skipped, counted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from relnet.corpus.pubtator import PUBTATOR_KINDS, relation_between
from relnet.corpus.streams import READ_ERRORS, Source, check_source, open_text, plain_name, read_error
from relnet.corpus.xmlio import iter_records
from relnet.data import Document, Mention, Relation
from relnet.errors import InputError, RelnetError, SkipCounter
from relnet.examples.labels import UNKNOWN_LABEL, is_known_label

#: Annotation infons that hold a concept id (PubTator's BioC: ``identifier``; older BioC corpora: ``MESH``, …).
CONCEPT_INFONS = ("identifier", "Identifier", "MESH", "MeSH", "NCBI Gene", "NCBIGene", "ChEBI", "CHEBI")


def read_bioc(path: Source, source: str = "bioc") -> Iterator[Document]:
    """Documents from a BioC collection: ``.xml`` streamed one document at a time (flat memory, gzip/bz2 too), or
    ``.json`` (one JSON object: parsed whole, then yielded). A missing file fails at once, bad content when read."""
    name = check_source(path)
    if plain_name(name).lower().endswith(".json"):
        return _read_json(path, name, source)
    return _read_xml(path, name, source)


def _read_xml(path: Source, name: str, source: str) -> Iterator[Document]:
    skipped = SkipCounter(name)
    seen: set[str] = set()
    n = 0
    last = [""]  # what was read last, for error messages
    for root, elem in iter_records(path, {"document"}, where=lambda: last[0], name=name):
        if root not in ("collection", "document"):
            raise InputError(name, None, f"not a BioC XML collection: the root element is <{root}>")
        if elem.tag != "document":
            continue  # the collection's source, date, key and infons
        d = _bioc_document(elem, name)
        last[0] = f"document {d.id}"
        doc = _document(d, name, skipped, source, seen)  # type: ignore[arg-type]
        if doc is not None:
            yield doc
            n += 1
    skipped.report()
    if not n:
        raise InputError(name, None, "the BioC collection holds no documents")


def _read_json(path: Source, name: str, source: str) -> Iterator[Document]:
    try:
        from bioc import biocjson
    except ImportError:
        raise RelnetError("reading BioC JSON needs the bioc package: pip install bioc") from None
    try:
        with open_text(path) as f:
            collection = biocjson.load(f)
    except READ_ERRORS as err:
        raise read_error(name, err) from None
    except Exception as err:  # the bioc package raises json/KeyError alike for bad files
        raise InputError(name, None, f"not a BioC JSON collection: {err}") from None
    skipped = SkipCounter(name)
    seen: set[str] = set()
    for d in collection.documents:
        if (doc := _document(d, name, skipped, source, seen)) is not None:  # type: ignore[arg-type]
            yield doc
    skipped.report()
    if not collection.documents:
        raise InputError(name, None, "the BioC collection holds no documents")


def _bioc_document(elem: ET.Element, name: str) -> Any:
    """A ``<document>`` element as the bioc package's `BioCDocument` (passages, annotations, relations, infons)."""
    from bioc import BioCAnnotation, BioCDocument, BioCLocation, BioCNode, BioCPassage, BioCRelation

    def number(value: str | None, what: str) -> int:
        try:
            return int(value or 0)
        except ValueError:
            raise InputError(name, None, f"document {doc.id}: {what} {value!r} is not a number") from None

    def fill(target: Any, e: ET.Element) -> Any:
        target.infons = {i.get("key", ""): i.text or "" for i in e.findall("infon")}
        for a in e.findall("annotation"):
            ann = BioCAnnotation()
            ann.id, ann.text = a.get("id", ""), a.findtext("text") or ""
            ann.infons = {i.get("key", ""): i.text or "" for i in a.findall("infon")}
            for loc in a.findall("location"):
                ann.add_location(BioCLocation(number(loc.get("offset"), "offset"), number(loc.get("length"), "length")))
            target.add_annotation(ann)
        for r in e.findall("relation"):
            rel = BioCRelation()
            rel.id = r.get("id", "")
            rel.infons = {i.get("key", ""): i.text or "" for i in r.findall("infon")}
            for node in r.findall("node"):
                rel.add_node(BioCNode(node.get("refid", ""), node.get("role", "")))
            target.add_relation(rel)
        return target

    doc = BioCDocument()
    doc.id = (elem.findtext("id") or "").strip()
    fill(doc, elem)
    for p in elem.findall("passage"):
        passage = fill(BioCPassage(), p)
        passage.offset = number(p.findtext("offset"), "passage offset")
        passage.text = p.findtext("text") or ""
        doc.add_passage(passage)
    return doc


def _document(d: Any, path: Path, skipped: SkipCounter, source: str, seen: set[str]) -> Document | None:
    """One BioC document as a `Document`; ``None`` (counted in ``skipped``) for one without text or whose id came
    before (the first kept). Offsets that do not fit the text are an `InputError`."""
    doc_id = "" if d.id is None else str(d.id).strip()
    if not doc_id:
        raise InputError(path, None, f"a document without an id (after {len(seen)} documents)")
    text = ""
    title_end = 0
    annotations = list(d.annotations)
    for i, p in enumerate(d.passages):
        if type(p.offset) is not int or p.offset < 0:  # JSON may give "12" or 5.5
            raise InputError(path, None, f"document {doc_id}: passage offset {p.offset!r} is not a number ≥ 0")
        if p.offset < len(text):
            raise InputError(path, None, f"document {doc_id}: passage at offset {p.offset} overlaps the one before")
        text += " " * (p.offset - len(text)) + (p.text or "")
        if i == 0 and p.infons.get("type", "").lower() in ("title", "front"):
            title_end = len(text)
        annotations.extend(p.annotations)
    mentions: list[Mention] = []
    by_annotation: dict[str, Mention] = {}
    for a in annotations:
        kind = PUBTATOR_KINDS.get(a.infons.get("type", ""))
        if kind is None:
            skipped.skip(f"annotations of other types ({a.infons.get('type', '')})", f"document {doc_id}")
            continue
        if len(a.locations) != 1:
            skipped.skip("discontinuous annotations", f"document {doc_id}")
            continue
        start, length = a.locations[0].offset, a.locations[0].length
        if type(start) is not int or type(length) is not int:
            raise InputError(path, None, f"document {doc_id}: annotation {a.id} at {start!r}+{length!r}: not numbers")
        end = start + length
        if not 0 <= start < end <= len(text):
            raise InputError(path, None, f"document {doc_id}: annotation {a.id} at {start}–{end} is outside the text "
                                         f"(length {len(text)})")  # fmt: skip
        if text[start:end] != a.text:
            raise InputError(path, None, f"document {doc_id}: annotation {a.id} {a.text!r} ≠ text {text[start:end]!r}")
        concept = next((a.infons[k].strip() for k in CONCEPT_INFONS if a.infons.get(k, "").strip()), "")
        mention = Mention(f"T{len(mentions) + 1}", start, end, a.text, kind, a.infons.get("type", ""),
                          "" if concept == "-" else concept)  # fmt: skip
        mentions.append(mention)
        by_annotation[a.id] = mention
    mentions.sort(key=lambda m: (m.start, m.end))
    relations: list[Relation] = []
    for r in [*d.relations, *(rel for p in d.passages for rel in p.relations)]:
        nodes = [by_annotation.get(n.refid) for n in r.nodes]
        relation = None
        if len(nodes) == 2 and nodes[0] is not None and nodes[1] is not None:
            relation = relation_between(doc_id, r.infons.get("type", ""), nodes[0], nodes[1])
        if relation is None:
            skipped.skip("relations without a chemical–gene pair of annotations", f"document {doc_id}")
            continue
        if not is_known_label(relation.label):
            skipped.note(UNKNOWN_LABEL, f"document {doc_id}: {relation.label!r}")
        relations.append(
            replace(relation, group=r.infons.get("group", relation.group),
                    evaluated=r.infons.get("evaluated", "true").lower() != "false",
                    score=_score(r.infons.get("score"), path, f"document {doc_id}: relation {r.id}"))
        )  # fmt: skip
    if not text.strip():
        skipped.skip("documents without text", f"document {doc_id}")
        return None
    if doc_id in seen:
        skipped.skip("documents whose id came before (the first kept)", f"document {doc_id}")
        return None
    seen.add(doc_id)
    return Document(
        id=doc_id, text=text, mentions=tuple(mentions), relations=tuple(relations), title_end=title_end, source=source
    )


def _score(value: str | None, path: Path, where: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        raise InputError(path, None, f"{where} has score {value!r}, not a number") from None
