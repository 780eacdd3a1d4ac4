"""PMC Open Access full text (JATS XML, ``.nxml``) → `Document`s, one per article, with BioC-style passages.

Inputs: one ``.nxml``/``.xml`` file (root ``article``), E-utilities ``efetch`` output (``db=pmc``: root
``pmc-articleset``, many articles), a folder of such files, or a PMC OA bulk package (``.tar.gz``/``.tgz``/``.tar``,
read member by member without unpacking). Articles are parsed incrementally and cleared once read
(`relnet.corpus.xmlio`); gzip/bz2 files are decompressed on the fly.

From each ``article``: ``id`` is its PMCID (``article-id pub-id-type="pmcid"`` or ``"pmc"``, as ``PMC…``), else its
PMID, else the file's name. ``text`` is the title, a tab (ChemProt's convention; ``title_end`` is the title's
length), then the passages separated by a blank line (a sentence boundary): the abstract's paragraphs, then the
body's, each section's title first. ``meta["passages"]`` holds each passage's ``(offset, section)``, the section
being its path of section titles (``Abstract``, ``Abstract / Background``, ``Results / Kinase assays``; the title
is ``Title``), so a relation's sentence is traced to its section with `relnet.corpus.xmlio.section_at`. ``meta``
also holds ``pmcid``, ``pmid``, ``doi``, ``journal`` and ``year`` where the article gives them.

Left out: figures, tables and their captions, formulas set apart (``disp-formula``), supplementary material,
and the back matter (references, acknowledgements, appendices). Inline markup is flattened, white space collapsed.
An article with neither title nor text is skipped with a counted warning.
"""

from __future__ import annotations

import tarfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from relnet.corpus.streams import READ_ERRORS, Source, check_source, files_in, plain_stem, read_error
from relnet.corpus.xmlio import element_text, iter_records
from relnet.data import Document
from relnet.errors import InputError, SkipCounter

SUFFIXES = (".nxml", ".nxml.gz", ".xml", ".xml.gz")
ARCHIVES = (".tar", ".tar.gz", ".tgz")
#: Subtrees left out of a paragraph's text (their captions and cells are not running text).
SKIP = frozenset(
    {"fig", "fig-group", "table-wrap", "table-wrap-group", "table", "disp-formula", "supplementary-material",
     "graphic", "media", "tex-math", "alternatives", "ref-list"}
)  # fmt: skip
#: Elements whose children are walked for paragraphs and sections, in the section they sit in.
CONTAINERS = frozenset({"list", "list-item", "def-list", "def-item", "def", "boxed-text", "disp-quote", "statement"})


def read_jats(path: Source, source: str = "jats") -> Iterator[Document]:
    """Documents from a JATS file or stream, a folder of ``.nxml``/``.xml`` files (in name order) or a PMC OA
    ``.tar.gz`` package, one article at a time. A missing path fails at once; bad XML when it is reached."""
    if isinstance(path, str | Path):
        path = Path(path)
        if path.is_dir():
            files = files_in(path, SUFFIXES)
            if not files:
                raise InputError(path, None, "no .nxml or .xml files in this folder")
            return (doc for f in files for doc in _read(f, str(f), source))
        check_source(path)
        if path.name.lower().endswith(ARCHIVES):
            return _read_archive(path, source)
        return _read(path, str(path), source)
    return _read(path, check_source(path), source)


def _read_archive(path: Path, source: str) -> Iterator[Document]:
    n = 0
    try:
        with tarfile.open(path, "r|*") as tar:  # a stream: members in archive order, nothing unpacked
            for member in tar:
                if not (member.isfile() and member.name.lower().endswith(SUFFIXES)):
                    continue
                stream = tar.extractfile(member)
                if stream is not None:
                    for doc in _read(stream, f"{path}:{member.name}", source):
                        n += 1
                        yield doc
    except tarfile.TarError as err:
        raise InputError(path, None, f"not a readable tar archive: {err}") from None
    except READ_ERRORS as err:
        raise read_error(str(path), err) from None
    if not n:
        raise InputError(path, None, "no .nxml or .xml articles in this archive")


def _read(path: Source, name: str, source: str) -> Iterator[Document]:
    skipped = SkipCounter(name)
    last = [""]  # the last article read, for error messages
    n = 0
    for root, elem in iter_records(path, ("article",), where=lambda: last[0], name=name):
        if root not in ("article", "pmc-articleset"):
            raise InputError(name, None, f"not JATS XML: the root element is <{root}>, not <article>")
        if elem.tag != "article":
            continue
        n += 1
        doc = _document(elem, f"{plain_stem(name)}:{n}" if root == "pmc-articleset" else plain_stem(name), source)
        if doc is None:
            skipped.skip("articles without title or text", f"article {n}")
            continue
        last[0] = f"article {doc.id}"
        yield doc
    skipped.report()
    if not n:
        raise InputError(name, None, "no <article> found")


def _document(article: ET.Element, fallback_id: str, source: str) -> Document | None:
    meta: dict[str, Any] = {}
    front = article.find("front/article-meta")
    front = front if front is not None else ET.Element("article-meta")
    for article_id in front.findall("article-id"):
        kind = {"pmcid": "pmcid", "pmc": "pmcid", "pmid": "pmid", "doi": "doi"}.get(article_id.get("pub-id-type", ""))
        value = element_text(article_id)
        if kind == "pmcid" and value.isdigit():
            value = f"PMC{value}"
        if kind and value:
            meta.setdefault(kind, value)
    journal = article.find("front/journal-meta/journal-title-group/journal-title")
    if journal is None:
        journal = article.find("front/journal-meta/journal-title")
    meta["journal"] = element_text(journal)
    year = next((y for d in front.findall("pub-date") if (y := element_text(d.find("year"))).isdigit()), "")
    if year:
        meta["year"] = int(year)

    title = element_text(front.find("title-group/article-title"), SKIP)
    passages: list[tuple[str, str]] = []  # (section, text)
    abstract = next((a for a in front.findall("abstract") if not a.get("abstract-type")), front.find("abstract"))
    if abstract is not None:
        _walk(abstract, ["Abstract"], passages)
    body = article.find("body")
    if body is not None:
        _walk(body, [], passages)
    if not (title or passages):
        return None
    text, offsets = title, [(0, "Title")] if title else []
    for i, (section, paragraph) in enumerate(passages):
        text += ("\t" if title else "") if i == 0 else "\n\n"
        offsets.append((len(text), section))
        text += paragraph
    meta["passages"] = tuple(offsets)
    doc_id = meta.get("pmcid") or meta.get("pmid") or fallback_id
    meta = {k: v for k, v in meta.items() if v not in ("", ())}
    return Document(id=doc_id, text=text, title_end=len(title), source=source, meta=meta)


def _walk(elem: ET.Element, path: list[str], out: list[tuple[str, str]]) -> None:
    """Append ``(section path, text)`` for each section title and paragraph under ``elem``, in document order."""
    section = " / ".join(path) or "Body"
    for child in elem:
        if child.tag == "p":
            if text := element_text(child, SKIP):
                out.append((section, text))
        elif child.tag == "sec":
            heading = element_text(child.find("title"), SKIP)
            inner = [*path, heading] if heading else path
            if heading:
                out.append((" / ".join(inner), heading))
            _walk(child, inner, out)
        elif child.tag in CONTAINERS:
            _walk(child, path, out)
