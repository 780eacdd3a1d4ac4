"""MEDLINE/PubMed XML → `Document`s and `Deletion`s: the annual baseline and the daily update files
(``pubmed25n0001.xml.gz``, about 30,000 citations each) and E-utilities ``efetch`` output (``db=pubmed``,
``retmode=xml``), all in the PubMed DTD (``PubmedArticleSet/PubmedArticle/MedlineCitation``; the older
``MedlineCitationSet`` layout reads the same).

Read incrementally (`relnet.corpus.xmlio.iter_records`): one ``PubmedArticle`` at a time, cleared once read, so a
whole baseline file takes the memory of one citation. From each ``MedlineCitation``:

- ``id`` is the PMID; ``meta["version"]`` its ``Version`` attribute (1 unless the citation is versioned) and
  ``meta["revised"]`` its ``DateRevised`` (``YYYY-MM-DD``). Update files re-issue a changed citation with a
  later date; the store keeps the newest version of a PMID (`relnet.store.sqlite.revision`).
- ``text`` is ``ArticleTitle + "\\t" + abstract`` (ChemProt's convention; ``title_end`` is the title's length). A
  structured abstract keeps its section labels as PubMed shows them, ``BACKGROUND: … METHODS: …`` (sections
  joined by a space). Inline markup (``<i>``, ``<sup>``, MathML) is flattened and white space collapsed.
- ``meta`` also holds ``journal`` (``Journal/Title``), ``year`` (``PubDate/Year``, else the first year in
  ``MedlineDate``), ``mesh`` (``(UI, name)`` of each ``MeshHeading/DescriptorName``), ``doi`` and ``pmcid`` where
  ``PubmedData`` lists them, and ``passages``: the ``(offset, section)`` where the title (``title``), the
  abstract (``abstract``) or each labelled section (its ``Label``, e.g. ``METHODS``) starts in ``text``.

A citation without an abstract is a title-only document (titles state relations too; ``keep_title_only=False``
skips them instead, counted). Citations with neither title nor abstract or without a PMID, and ``PubmedBookArticle``
records (books), are skipped with a counted warning. ``DeleteCitation`` yields a `Deletion` per PMID: mining
removes those documents from the store.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from relnet.corpus.streams import Source, check_source, files_in
from relnet.corpus.xmlio import element_text, iter_records
from relnet.data import Deletion, Document
from relnet.errors import InputError, SkipCounter

log = logging.getLogger("relnet")

RECORDS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
ROOTS = ("PubmedArticleSet", "MedlineCitationSet")
SUFFIXES = (".xml", ".xml.gz")
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


def read_medline(path: Source, source: str = "medline", keep_title_only: bool = True) -> Iterator[Document | Deletion]:
    """Documents (and deletions) from a MEDLINE/PubMed XML file or stream (gzip/bz2 too), one citation at a time,
    or from every ``.xml``/``.xml.gz`` file of a folder in name order (the baseline, then the updates).

    A missing file fails at once; malformed XML, a truncated ``.gz`` or a file without citations raise
    `InputError` (naming the file, the line and the last PMID read) when they are reached.
    """
    if isinstance(path, str | Path) and Path(path).is_dir():
        files = files_in(Path(path), SUFFIXES)
        if not files:
            raise InputError(path, None, "no MEDLINE .xml or .xml.gz files in this folder")
        return (item for f in files for item in _read(f, str(f), source, keep_title_only))
    return _read(path, check_source(path), source, keep_title_only)


def _read(path: Source, name: str, source: str, keep_title_only: bool) -> Iterator[Document | Deletion]:
    skipped = SkipCounter(name)
    last = [""]  # the last PMID read, for error messages
    records = title_only = 0
    for root, elem in iter_records(path, RECORDS, where=lambda: last[0], name=name):
        if root == "eFetchResult":
            raise InputError(name, None, f"E-utilities sent an error, not citations: {element_text(elem)}")
        if root not in ROOTS and root not in RECORDS:
            raise InputError(name, None, f"not MEDLINE/PubMed XML: its root element is <{root}>")
        if elem.tag not in RECORDS:
            continue
        records += 1
        if elem.tag == "DeleteCitation":
            for pmid in elem.iter("PMID"):
                if (pmid.text or "").strip():
                    last[0] = f"deleted PMID {pmid.text.strip()}"
                    yield Deletion(pmid.text.strip())
            continue
        if elem.tag == "PubmedBookArticle":
            skipped.skip("book records (PubmedBookArticle)", element_text(elem.find("BookDocument/PMID")))
            continue
        citation = elem if elem.tag == "MedlineCitation" else elem.find("MedlineCitation")
        doc = _document(citation, elem, name, source, skipped, last[0]) if citation is not None else None
        if doc is None:
            continue
        last[0] = f"PMID {doc.id}"
        if len(doc.text) == doc.title_end:
            if not keep_title_only:
                skipped.skip("citations without an abstract", last[0])
                continue
            title_only += 1
        yield doc
    skipped.report()
    if title_only:
        log.info("%s: %d citations without an abstract, read as title-only documents", name, title_only)
    if not records:
        raise InputError(name, None, "no citations: expected PubmedArticle or DeleteCitation records")


def _document(
    citation: ET.Element, record: ET.Element, name: str, source: str, skipped: SkipCounter, last: str
) -> Document | None:
    pmid_el = citation.find("PMID")
    pmid = (pmid_el.text or "").strip() if pmid_el is not None else ""
    if not pmid or pmid_el is None:
        skipped.skip("citations without a PMID", f"after {last}" if last else "")
        return None
    try:
        version = int(pmid_el.get("Version") or 1)
    except ValueError:
        raise InputError(name, None, f"PMID {pmid}: Version {pmid_el.get('Version')!r} is not a number") from None
    article = citation.find("Article")
    if article is None:
        article = ET.Element("Article")
    title = element_text(article.find("ArticleTitle")) or element_text(article.find("VernacularTitle"))
    text, passages = title, [(0, "title")] if title else []
    sections = [(at.get("Label", "").strip(), element_text(at)) for at in article.findall("Abstract/AbstractText")]
    for i, (label, body) in enumerate(s for s in sections if s[1]):
        text += ("\t" if title else "") if i == 0 else " "
        passages.append((len(text), label or "abstract"))
        text += f"{label}: {body}" if label else body
    if not text:
        skipped.skip("citations without title or abstract", f"PMID {pmid}")
        return None
    meta: dict[str, Any] = {"version": version, "revised": _date(citation.find("DateRevised"))}
    meta["journal"] = element_text(article.find("Journal/Title"))
    pub_date = article.find("Journal/JournalIssue/PubDate")
    year = element_text(pub_date.find("Year")) if pub_date is not None else ""
    year = year or (m.group(1) if (m := _YEAR.search(element_text(pub_date))) else "")
    year = year or element_text(article.find("ArticleDate/Year"))
    if year.isdigit():
        meta["year"] = int(year)
    meta["mesh"] = tuple(
        (d.get("UI", ""), element_text(d)) for d in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")
    )
    for article_id in record.findall("PubmedData/ArticleIdList/ArticleId"):
        kind = {"doi": "doi", "pmc": "pmcid"}.get(article_id.get("IdType", ""))
        if kind and element_text(article_id):
            meta.setdefault(kind, element_text(article_id))
    meta["passages"] = tuple(passages)
    meta = {k: v for k, v in meta.items() if v not in ("", ())}
    return Document(id=pmid, text=text, title_end=len(title), source=source, meta=meta)


def _date(elem: ET.Element | None) -> str:
    """``YYYY-MM-DD`` of a PubMed date element (``Year``, ``Month``, ``Day``), ``""`` without one."""
    if elem is None or not element_text(elem.find("Year")):
        return ""
    parts = [element_text(elem.find(part)) for part in ("Year", "Month", "Day")]
    return "-".join(p.zfill(2) if i else p for i, p in enumerate(parts) if p)
