"""The SciBERT release's sentence-level ChemProt (``train.jsonl``/``dev.jsonl``) → `Example`s.

Each line: ``{"text": …, "label": …, "metadata": []}`` with the pair's first mention marked
``<< … >>`` and the second ``[[ … ]]``. The markers do not say which mention is the chemical; every pair
is a chemical–gene pair, so a `PairTyper` (relnet/corpus/pair_typing.py) decides, and the example gets
the chemical as head (CHEMICAL) and the gene as tail (GENE), like examples from the original layout.
A pair it cannot decide keeps kinds ``ENTITY`` (head = the ``<< >>`` mention; untyped markers); they are
counted and logged.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from relnet.corpus.pair_typing import UNTYPED, GoldTypes, PairTyper, default_training_split, load_lexicon
from relnet.corpus.streams import numbered_lines
from relnet.data import CHEMICAL, GENE, Example, Span
from relnet.errors import InputError, log

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


def default_typer(path: str | Path, types_from: str | Path | None = None) -> PairTyper:
    """Gold types from ``types_from`` (an original-layout split, given explicitly) if any, then the lexicon of
    the ChemProt training split found beside ``path`` or in ../shared/data, then surface cues."""
    from relnet.corpus import read_documents

    gold = GoldTypes(read_documents(types_from)) if types_from else None
    train = default_training_split(path)
    if train is None:
        log.warning("%s: no ChemProt training split found for its entity lexicon; typing pairs by surface cues", path)
    return PairTyper(load_lexicon(str(train)) if train else None, gold)


def read_scibert(path: str | Path, typer: PairTyper | None = None) -> tuple[list[Example], Counter[str]]:
    """Examples of a SciBERT jsonl, typed by ``typer`` (default: `default_typer`), and the counts of pairs
    typed by each strategy, with ``ENTITY`` for the pairs left untyped."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "file not found")
    typer = typer if typer is not None else default_typer(path)
    out, counts = [], Counter()
    for lineno, line in numbered_lines(path, str(path)):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            text, label = rec["text"], rec["label"]
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise InputError(path, lineno, f"not a {{text, label}} JSON object: {err}") from None
        if not (isinstance(text, str) and isinstance(label, str) and label):
            raise InputError(path, lineno, f"text and label must be strings, found {text!r:.40}, {label!r}")
        parsed = parse_marked(text)
        if parsed is None:
            raise InputError(path, lineno, "expected one << … >> and one [[ … ]] mention")
        plain, first, second = parsed
        first_is_chemical, strategy = typer.first_is_chemical(plain, first, second)
        doc_id = f"{path.stem}:{lineno}"  # `example_line` reads the line back from it
        if first_is_chemical is None:
            counts[UNTYPED] += 1
            out.append(Example(doc_id, plain, first, second, label, UNTYPED, UNTYPED))
            continue
        counts[strategy] += 1
        head, tail = (first, second) if first_is_chemical else (second, first)
        out.append(Example(doc_id, plain, head, tail, label, CHEMICAL, GENE, meta={"typed_by": strategy}))
    if not out:
        raise InputError(path, None, "holds no examples (one {text, label} JSON object per line expected)")
    if counts[UNTYPED]:
        log.warning(
            "%s: %d of %d pairs left untyped (ENTITY markers): no strategy could tell which mention is the chemical",
            path, counts[UNTYPED], len(out),
        )  # fmt: skip
    return out, counts


def example_line(example: Example) -> int:
    """The line of its SciBERT jsonl that ``example`` was read from."""
    return int(example.doc_id.rsplit(":", 1)[1])


def read_scibert_jsonl(path: str | Path, typer: PairTyper | None = None) -> list[Example]:
    """`read_scibert` without the counts (count ``head_kind == "ENTITY"`` for the untyped pairs)."""
    return read_scibert(path, typer)[0]
