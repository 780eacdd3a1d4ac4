from __future__ import annotations

import pytest

from relnet.data import Example, Span
from relnet.model.markers import mark


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("punct", "@ * chemical * Aspirin @ blocks # ^ gene ^ COX-2 #."),
        ("tokens", "[CHEM] Aspirin [/CHEM] blocks [GENE] COX-2 [/GENE]."),
    ],
)
def test_markers_typed_styles(style: str, expected: str) -> None:
    ex = Example("d", "Aspirin blocks COX-2.", Span(0, 7), Span(15, 20), "x")
    marked = mark(ex, style)
    assert marked.text == expected
    assert marked.text[marked.head_char] in "@[" and marked.text[marked.tail_char] in "#["


def test_markers_gene_first_keeps_roles() -> None:
    ex = Example("d", "COX-2 is blocked by aspirin", Span(20, 27), Span(0, 5), "x")
    marked = mark(ex, "punct")
    assert marked.text == "# ^ gene ^ COX-2 # is blocked by @ * chemical * aspirin @"
    assert marked.text[marked.head_char] == "@" and marked.tail_char == 0


def test_markers_untyped_for_scibert_entities() -> None:
    ex = Example("d", "A binds B", Span(0, 1), Span(8, 9), "x", "ENTITY", "ENTITY")
    assert mark(ex, "tokens").text == "[E1] A [/E1] binds [E2] B [/E2]"
