"""BioC XML/JSON collections → `Document`s with their chemical and gene annotations as `Mention`s.

Needs the optional ``bioc`` package (``pip install bioc``). A document's passages are laid out at
their offsets (gaps filled with spaces), so annotation offsets index `Document.text` directly; the
first passage is the title when its ``type`` infon says so. Annotation types follow PubTator
(``Chemical``, ``Gene``, ``GeneOrGeneProduct``); other types and discontinuous annotations are
skipped with a counted warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from relnet.corpus.pubtator import PUBTATOR_KINDS
from relnet.data import Document, Mention
from relnet.errors import InputError, RelnetError, SkipCounter


def read_bioc(path: str | Path, source: str = "bioc") -> list[Document]:
    """Read a BioC collection from ``.xml`` or ``.json``."""
    try:
        from bioc import biocjson, biocxml
    except ImportError:
        raise RelnetError("reading BioC needs the bioc package: pip install bioc") from None
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "file not found")
    loader = biocjson if path.suffix.lower() == ".json" else biocxml
    try:
        with path.open(encoding="utf-8") as f:
            collection = loader.load(f)
    except Exception as err:  # the bioc package raises lxml/json/KeyError alike for bad files
        raise InputError(path, None, f"not a BioC {path.suffix.lstrip('.') or 'XML'} collection: {err}") from None
    skipped = SkipCounter(str(path))
    docs = [_document(d, path, skipped, source) for d in collection.documents]
    skipped.report()
    if not docs:
        raise InputError(path, None, "the BioC collection holds no documents")
    return docs


def _document(d: Any, path: Path, skipped: SkipCounter, source: str) -> Document:
    text = ""
    title_end = 0
    annotations = list(d.annotations)
    for i, p in enumerate(d.passages):
        if p.offset < len(text):
            raise InputError(path, None, f"document {d.id}: passage at offset {p.offset} overlaps the one before")
        text += " " * (p.offset - len(text)) + (p.text or "")
        if i == 0 and p.infons.get("type", "").lower() in ("title", "front"):
            title_end = len(text)
        annotations.extend(p.annotations)
    mentions: list[Mention] = []
    for a in annotations:
        kind = PUBTATOR_KINDS.get(a.infons.get("type", ""))
        if kind is None:
            skipped.skip(f"annotations of other types ({a.infons.get('type', '')})", f"document {d.id}")
            continue
        if len(a.locations) != 1:
            skipped.skip("discontinuous annotations", f"document {d.id}")
            continue
        start = a.locations[0].offset
        end = start + a.locations[0].length
        if text[start:end] != a.text:
            raise InputError(path, None, f"document {d.id}: annotation {a.id} {a.text!r} ≠ text {text[start:end]!r}")
        mentions.append(Mention(f"T{len(mentions) + 1}", start, end, a.text, kind, a.infons.get("type", "")))
    mentions.sort(key=lambda m: (m.start, m.end))
    return Document(id=d.id, text=text, mentions=tuple(mentions), title_end=title_end, source=source)
