"""Mention finding and grouping: text → `Mention`s (a tagger) → entities (a normaliser).

`TAGGERS` maps a backend name to a factory taking the backend's options; the trained NER model
(`ner_model.TransformerTagger`) is registered next to the lexicon. Every tagger has one verb,
``tag(doc) -> Document``; a tagger may also offer ``tag_many(docs)`` for batched inference.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from relnet.data import Document
from relnet.errors import RelnetError
from relnet.mentions.lexicon import LexiconTagger
from relnet.mentions.normalize import (
    Definitions,
    EntityRef,
    Grounding,
    Normalizer,
    SurfaceNormalizer,
    abbreviations,
    concept_key,
    entity_key,
    group_mentions,
)


class Tagger(Protocol):
    def tag(self, doc: Document) -> Document:
        """``doc`` with predicted mentions (and no relations)."""
        ...


def _lexicon(lexicon_from: str | Path | None = None, **_: Any) -> LexiconTagger:
    if lexicon_from is None:
        raise RelnetError("the lexicon tagger needs a training split to collect names from (--lexicon-from)")
    from relnet.corpus import read_documents

    return LexiconTagger.from_documents(read_documents(lexicon_from))


def _transformer(
    ner_model: str | Path | None = None,
    snap_words: bool = True,
    backend: str = "fp32",
    threads: int = 0,
    viterbi: bool = True,
    **_: Any,
) -> Tagger:
    if ner_model is None:
        raise RelnetError(
            "the transformer tagger needs a trained NER model folder (--ner-model, see `relnet train-ner`)"
        )
    from relnet.mentions.ner_model import TransformerTagger

    return TransformerTagger.load(ner_model, snap_words, backend, threads, viterbi)


TAGGERS: dict[str, Callable[..., Tagger]] = {"lexicon": _lexicon, "transformer": _transformer}


def tag_all(tagger: Tagger, docs: list[Document]) -> list[Document]:
    """Tag documents, batched where the tagger can (``tag_many``: a transformer NER model)."""
    many = getattr(tagger, "tag_many", None)
    return many(docs) if many is not None else [tagger.tag(d) for d in docs]


def get_tagger(name: str, **options: Any) -> Tagger:
    """Build the tagger registered as ``name`` with its options."""
    if name not in TAGGERS:
        raise RelnetError(f"unknown tagger {name!r}; choose one of {', '.join(TAGGERS)}")
    return TAGGERS[name](**options)


__all__ = [
    "TAGGERS", "Definitions", "EntityRef", "Grounding", "LexiconTagger", "Normalizer", "SurfaceNormalizer", "Tagger",
    "abbreviations", "concept_key", "entity_key", "get_tagger", "group_mentions", "tag_all",
]  # fmt: skip
