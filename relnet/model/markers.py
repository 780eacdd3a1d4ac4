"""Entity markers: how the chemical and the gene are flagged in the text the encoder reads.

Two styles (measured against each other in docs/results.md):

- ``tokens``: new special tokens around each mention, typed by role: ``[CHEM] aspirin [/CHEM]``.
  Their embeddings are new parameters, learned during fine-tuning.
- ``punct``: typed punctuation markers (Zhou & Chen, 2021) built from tokens the encoder already
  knows: ``@ * chemical * aspirin @`` and ``# ^ gene ^ COX-2 #``. No new parameters.

Either way, the classifier pools the hidden state of each mention's *opening* marker.
"""

from __future__ import annotations

from dataclasses import dataclass

from relnet.data import CHEMICAL, GENE, Example
from relnet.errors import RelnetError

_TYPED_TOKENS = {CHEMICAL: ("[CHEM]", "[/CHEM]"), GENE: ("[GENE]", "[/GENE]")}
_UNTYPED_TOKENS = (("[E1]", "[/E1]"), ("[E2]", "[/E2]"))
_PUNCT = {CHEMICAL: ("@ * chemical * ", " @"), GENE: ("# ^ gene ^ ", " #")}
_UNTYPED_PUNCT = (("@ * ", " @"), ("# ^ ", " #"))

MARKER_STYLES = ("tokens", "punct")


@dataclass(frozen=True)
class MarkedText:
    text: str
    head_char: int  # where the head's opening marker starts in ``text``
    tail_char: int


def special_tokens(style: str) -> list[str]:
    """Tokens to add to the tokenizer's vocabulary for ``style``."""
    if style == "tokens":
        return [t for pair in (*_TYPED_TOKENS.values(), *_UNTYPED_TOKENS) for t in pair]
    if style == "punct":
        return []
    raise RelnetError(f"unknown marker style {style!r}; choose one of {', '.join(MARKER_STYLES)}")


def _markers(style: str, kind: str, position: int) -> tuple[str, str]:
    if style == "tokens":
        if kind in _TYPED_TOKENS:
            o, c = _TYPED_TOKENS[kind]
            return o + " ", " " + c
        o, c = _UNTYPED_TOKENS[position]
        return o + " ", " " + c
    if kind in _PUNCT:
        return _PUNCT[kind]
    return _UNTYPED_PUNCT[position]


def mark(example: Example, style: str) -> MarkedText:
    """Insert markers around head and tail. Overlapping mentions are marked at their own starts."""
    spans = sorted(
        [(example.head.start, example.head.end, "head", example.head_kind, 0),
         (example.tail.start, example.tail.end, "tail", example.tail_kind, 1)],
        key=lambda t: (t[0], t[1]),
    )  # fmt: skip
    # Insert from right to left so earlier offsets stay valid; track where each opener lands.
    inserts: list[tuple[int, int, str, str]] = []  # (pos, order, text, role-if-opener)
    for start, end, role, kind, pos in spans:
        opener, closer = _markers(style, kind, pos)
        inserts.append((start, 1, opener, role))
        inserts.append((end, 0, closer, ""))
    text = example.text
    out: list[str] = []
    positions: dict[str, int] = {}
    cursor = 0
    length = 0
    for pos, _, piece, role in sorted(inserts, key=lambda t: (t[0], t[1])):
        chunk = text[cursor:pos]
        out.append(chunk)
        length += len(chunk)
        if role:
            positions[role] = length
        out.append(piece)
        length += len(piece)
        cursor = pos
    out.append(text[cursor:])
    return MarkedText("".join(out), positions["head"], positions["tail"])
