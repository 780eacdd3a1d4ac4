"""Leak-free training data for every trainer: the training split and any extra sources, minus held-out documents.

Dev documents never reach training. With ``dedupe``, an extra source's re-annotation of a training document is
dropped too (DrugProt re-annotates ChemProt abstracts), so no text carries two conflicting annotations; the same
holds between extra sources, the first one named winning (gold DrugProt before a pseudo-labelled corpus that holds
the same abstracts).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from relnet.data import Document

log = logging.getLogger("relnet")

T = TypeVar("T")
Loader = Callable[[str, set[str]], tuple[list[T], list[Document]]]  # (path, ids to leave out) → (items, documents)


def leak_free(
    train: str, extra: Sequence[str], held_out: set[str], dedupe: bool, load: Loader[T]
) -> tuple[list[T], list[Document], list[T]]:
    """(training items, training documents, extra items), none of them from ``held_out`` documents."""
    items, docs = load(train, held_out)
    if extra and dedupe and not docs:
        log.warning("extra_dedupe: %s has no document ids (a .jsonl?), so nothing can be deduplicated", train)
    exclude = held_out | ({d.id for d in docs} if dedupe else set())
    more: list[T] = []
    for source in extra:
        found, found_docs = load(source, exclude)
        log.info("extra training data %s: %d documents, %d items", source, len(found_docs), len(found))
        more += found
        if dedupe:  # a later source's copy of these documents is a duplicate, not more data
            exclude = exclude | {d.id for d in found_docs}
    return items, docs, more
