"""The SciBERT release's sentence-level ChemProt (``train.jsonl``/``dev.jsonl``) → `Example`s.

Each line: ``{"text": …, "label": …, "metadata": []}`` with the pair's first mention marked
``<< … >>`` and the second ``[[ … ]]``. The markers do not say which mention is the chemical, so
examples carry kinds ``ENTITY`` (head = the ``<< >>`` mention) and markers fall back to untyped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from relnet.data import Example, Span
from relnet.errors import InputError

_MARK = re.compile(r"<< (.+?) >>|\[\[ (.+?) \]\]")


def parse_marked(text: str) -> tuple[str, Span, Span] | None:
    """Remove the markers; return the plain text and the spans of ``<< >>`` and ``[[ ]]``."""
    out, spans, cursor = [], {}, 0
    length = 0
    for m in _MARK.finditer(text):
        chunk = text[cursor : m.start()]
        out.append(chunk)
        length += len(chunk)
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        spans["head" if m.group(1) is not None else "tail"] = Span(length, length + len(inner))
        out.append(inner)
        length += len(inner)
        cursor = m.end()
    out.append(text[cursor:])
    if set(spans) != {"head", "tail"}:
        return None
    return "".join(out), spans["head"], spans["tail"]


def read_scibert_jsonl(path: str | Path) -> list[Example]:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "file not found")
    out = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                text, label = rec["text"], rec["label"]
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise InputError(path, lineno, f"not a {{text, label}} JSON object: {err}") from None
            parsed = parse_marked(text)
            if parsed is None:
                raise InputError(path, lineno, "expected one << … >> and one [[ … ]] mention")
            plain, head, tail = parsed
            out.append(Example(f"{path.stem}:{lineno}", plain, head, tail, label, "ENTITY", "ENTITY"))
    return out
