"""relnet's own corpus format: a JSONL file of `Document.to_json` objects, one document per line.

`relnet synth` writes its artificial corpora this way (``documents.jsonl`` in the output folder); any
`Document`s (gold or mined) round-trip through it. SciBERT-format ``.jsonl`` (sentence-level examples)
is another format: see `scibert.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from relnet.corpus.streams import numbered_lines
from relnet.data import CHEMICAL, GENE, Document
from relnet.errors import InputError, SkipCounter, log
from relnet.examples.labels import UNKNOWN_LABEL, is_known_label
from relnet.paths import write_file
from relnet.schema import TYPE_TO_GROUP

#: The kinds of mention relnet works with (`relnet.data.ENTITY_KINDS` maps a corpus's types onto them).
MENTION_KINDS = (CHEMICAL, GENE)

#: The file name `relnet synth` writes, and what `read_documents_jsonl` looks for in a folder.
DOCUMENTS_JSONL = "documents.jsonl"


def read_documents_jsonl(path: str | Path) -> list[Document]:
    """Documents from a JSONL file of `Document.to_json` lines, or from a folder's ``documents.jsonl``.

    Blank lines are skipped. A line that is not a Document JSON object, or whose annotations do not fit its text
    (`check_document`), raises `InputError` with file and line. An id may repeat: `relnet pseudo-label` writes a
    document per pair, each with its abstract's id. Relations whose label no label scheme knows are kept and
    counted in one warning (every scheme will ignore them).
    """
    path = Path(path)
    if path.is_dir():
        path = path / DOCUMENTS_JSONL
    if not path.is_file():
        raise InputError(path, None, f"file not found; expected a {DOCUMENTS_JSONL} (as `relnet synth` writes)")
    docs: list[Document] = []
    skipped = SkipCounter(str(path))
    for lineno, line in numbered_lines(path, str(path)):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(path, lineno, f"not JSON: {err.msg} at column {err.colno}") from None
        if not isinstance(obj, dict):
            raise InputError(path, lineno, f"expected a Document JSON object, found a {type(obj).__name__}")
        try:
            doc = Document.from_json(obj)
        except KeyError as err:
            raise InputError(
                path, lineno, f"not a Document JSON object: no field {err}; SciBERT-format jsonl holds examples, "
                "not documents (read it with relnet.corpus.scibert.read_scibert_jsonl)"
            ) from None  # fmt: skip
        except (TypeError, AttributeError, ValueError) as err:
            raise InputError(path, lineno, f"not a Document JSON object: {err}") from None
        check_document(doc, path, lineno)
        for r in doc.relations:
            if not is_known_label(r.label):
                skipped.note(UNKNOWN_LABEL, f"{path}:{lineno} {r.label!r}")
        docs.append(doc)
    skipped.report()
    if not docs:
        log.warning("%s: holds no documents", path)
    return docs


def check_document(doc: Document, path: str | Path, lineno: int | None) -> None:
    """Raise `InputError` unless ``doc``'s annotations fit it: a string id and text, mentions of a known kind with
    unique ids and integer offsets inside the text that cover the mention's text, relations between its own
    mentions whose group, where given, is their type's."""

    def fail(message: str) -> InputError:
        return InputError(path, lineno, f"document {doc.id!r}: {message}")

    if not isinstance(doc.id, str) or not doc.id:
        raise InputError(path, lineno, f"document id must be a non-empty string, found {doc.id!r}")
    if not isinstance(doc.text, str):
        raise fail(f"text must be a string, found a {type(doc.text).__name__}")
    for what, value in [*((f"mention id {m.id!r}", m.id) for m in doc.mentions),
                        *((f"relation {r.label!r}: {name}", getattr(r, name)) for r in doc.relations
                          for name in ("label", "arg1", "arg2"))]:  # fmt: skip
        if not isinstance(value, str) or not value:
            raise fail(f"{what} must be a non-empty string, found {value!r}")
    if any(not isinstance(r.group, str) for r in doc.relations):
        raise fail("a relation's group must be a string")
    ids: set[str] = set()
    for m in doc.mentions:
        if not (type(m.start) is int and type(m.end) is int):  # noqa: E721 — bool and float are not offsets
            raise fail(f"mention {m.id!r}: offsets must be integers, found {m.start!r}, {m.end!r}")
        if not 0 <= m.start < m.end <= len(doc.text):
            raise fail(f"mention {m.id!r}: offsets {m.start}–{m.end} outside the text (length {len(doc.text)})")
        if doc.text[m.start : m.end] != m.text:
            raise fail(
                f"mention {m.id!r}: the text at {m.start}–{m.end} is {doc.text[m.start : m.end]!r}, not {m.text!r}"
            )
        if m.kind not in MENTION_KINDS:
            raise fail(f"mention {m.id!r}: kind {m.kind!r}; expected one of {', '.join(MENTION_KINDS)}")
        if m.id in ids:
            raise fail(f"mention id {m.id!r} twice")
        ids.add(m.id)
    for r in doc.relations:
        for arg in (r.arg1, r.arg2):
            if arg not in ids:
                raise fail(f"relation {r.label!r} names mention {arg!r}, which the document does not have")
        if r.group and r.label in TYPE_TO_GROUP and TYPE_TO_GROUP[r.label] != r.group:
            raise fail(f"relation {r.label!r} is in group {TYPE_TO_GROUP[r.label]}, not {r.group}")


def write_documents_jsonl(docs: Iterable[Document], path: str | Path) -> int:
    """One `Document.to_json` object per line (UTF-8, not ASCII-escaped); returns how many were written. The
    file appears whole or not at all (`write_file`): recipe scripts take its presence for a finished corpus."""
    n = 0

    def write(tmp: Path) -> None:
        nonlocal n
        with tmp.open("w", encoding="utf-8") as f:
            for doc in docs:
                f.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
                n += 1

    write_file(path, write)
    return n
