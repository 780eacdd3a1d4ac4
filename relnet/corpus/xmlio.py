"""Streaming XML for the corpus readers (BioC, MEDLINE, JATS): one record at a time, in flat memory.

`iter_records` parses incrementally (`xml.etree.ElementTree.iterparse`) and hands over each complete record
— a child of the root element, or the root itself where it is one — then clears it, so a 30,000-citation
MEDLINE file never exists as one tree. Parse and read errors become `InputError`s naming the file and line.
`root_tag` tells formats apart by their root element; `element_text` flattens inline markup.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Iterator, Sequence

from relnet.corpus.streams import READ_ERRORS, Source, open_binary, read_error, source_name
from relnet.data import Document
from relnet.errors import InputError

#: What XML 1.0 cannot hold, even escaped: control characters other than tab and line breaks, lone surrogates,
#: U+FFFE/U+FFFF (a form feed or a NUL in a PubTator text would otherwise end a BioC or GraphML export in an error).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` with each character XML cannot hold written as a space (so offsets stay right), and how many."""
    return _NOT_XML.subn(" ", text)


def xml_safe_id(text: str) -> tuple[str, int]:
    """An identifier with each character XML cannot hold written as ``\\uXXXX``: distinct ids stay distinct."""
    return _NOT_XML.subn(lambda m: f"\\u{ord(m.group()):04x}", text)


_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^[>]*(?:\[.*?\])?\s*>)", re.S)
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")


def root_tag(head: bytes) -> str | None:
    """The root element's name from the first bytes of an XML file (after declaration, comments, DOCTYPE)."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    pos = 0
    while m := _PROLOG.match(head, pos):
        pos = m.end()
    m = _ROOT.match(head, pos)
    return m.group(1).decode("ascii", "replace") if m else None


def iter_records(
    source: Source,
    record_tags: Collection[str],
    where: Callable[[], str] = lambda: "",
    name: str | None = None,
) -> Iterator[tuple[str, ET.Element]]:
    """``(root tag, record element)`` for each record of ``source``, in file order.

    A record is a child of the root element (``PubmedArticleSet/PubmedArticle``), or the root itself when its tag
    is one of ``record_tags`` (a single ``<article>``). The caller reads the record before asking for the next
    one: it is cleared then. ``where`` says what was read last (``PMID 123``) for error messages.
    """
    name = name or source_name(source)
    root: ET.Element | None = None
    root_is_record = False
    depth = 0
    line: int | None = None
    try:
        with open_binary(source) as stream:
            for event, elem in ET.iterparse(stream, events=("start", "end")):
                if event == "start":
                    if root is None:
                        root, root_is_record = elem, elem.tag in record_tags
                    depth += 1
                    continue
                depth -= 1
                if root_is_record:
                    if depth == 0:
                        yield elem.tag, elem
                elif depth == 1:
                    yield root.tag, elem  # type: ignore[union-attr]
                    root.clear()  # type: ignore[union-attr]  # drop finished records: memory stays flat
    except ET.ParseError as err:
        line = err.position[0] if err.position else None
        after = f" (after {where()})" if where() else ""
        if root is None:
            raise InputError(name, None, f"empty or not XML: {err}") from None
        raise InputError(name, line, f"malformed XML: {err}{after}") from None
    except READ_ERRORS as err:
        raise read_error(name, err, where=where()) from None
    if root is None:
        raise InputError(name, None, "empty file: no XML found")


def element_text(elem: ET.Element | None, skip: Collection[str] = ()) -> str:
    """The text of ``elem`` and its descendants (inline markup flattened), white space collapsed to single
    spaces; subtrees whose tag is in ``skip`` are left out, but the text after them is kept."""
    if elem is None:
        return ""
    if not skip:
        return " ".join("".join(elem.itertext()).split())
    parts: list[str] = []

    def walk(e: ET.Element) -> None:
        if e.text:
            parts.append(e.text)
        for child in e:
            if child.tag not in skip:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(elem)
    return " ".join("".join(parts).split())


def section_at(doc: Document, offset: int) -> str:
    """The section (``meta["passages"]``: ``(offset, section)`` pairs in text order) that ``offset`` of
    ``doc.text`` falls in, e.g. where a relation's sentence starts; ``""`` for documents without passages."""
    passages: Sequence[Sequence] = doc.meta.get("passages", ())
    found = ""
    for start, section in passages:
        if start > offset:
            break
        found = section
    return found
