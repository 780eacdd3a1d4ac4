"""The data model shared by every stage of relnet.

Training path: corpus readers produce `Document`s (text + gold `Mention`s + gold `Relation`s);
`examples/` turns them into `Example`s (one chemical–gene pair in one sentence); the model
predicts a label per example; evaluation compares `Relation`s. Mining path: text → `Document`
without annotations → predicted `Mention`s → `Example`s → predicted `Relation`s (with a score).

A relation points at its mentions by id (ChemProt's ``T12``); a mention points into
`Document.text` by character offsets. Downstream of prediction: a `Prediction` (label, score, class
probabilities) per example; an `EntityRef` (the entity a mention names) and an `Evidence` (one relation with
its two entities and its sentence), what the store returns and the network is built from. Every span is a
`Span`. JSON conversion lives here, in one place. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

CHEMICAL = "CHEMICAL"
GENE = "GENE"

#: Corpus entity types → the two roles relnet works with. GENE-Y/GENE-N are kept in `Mention.subtype`.
ENTITY_KINDS: dict[str, str] = {
    "CHEMICAL": CHEMICAL,
    "GENE": GENE,
    "GENE-Y": GENE,
    "GENE-N": GENE,
}


@dataclass(frozen=True)
class Span:
    """A character span ``[start, end)`` of some text (an example's sentence, an evidence sentence)."""

    start: int
    end: int

    def as_list(self) -> list[int]:
        return [self.start, self.end]

    def __iter__(self) -> Iterator[int]:  # ``start, end = span``, ``text[slice(*span)]``
        yield self.start
        yield self.end


class FrozenMeta(dict):
    """A read-only dict: `Example.meta` cannot change after the example is made (use `dataclasses.replace`)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("meta is read-only (Example.meta, Document.meta): make a new one with replace(x, meta={...})")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict]]:  # pickles (worker processes) without calling __setitem__
        return (FrozenMeta, (dict(self),))

    def __copy__(self) -> FrozenMeta:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenMeta:
        return self


@dataclass(frozen=True)
class Mention:
    """A typed span of `Document.text`: ``text == document.text[start:end]``."""

    id: str  # unique within its document, e.g. "T12"
    start: int
    end: int
    text: str
    kind: str  # CHEMICAL | GENE
    subtype: str = ""  # the corpus's own type (GENE-Y, GENE-N, …), informative only
    concept: str = ""  # the source's concept id (PubTator/BioC: "MESH:D001241", "5743"), "" where none

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Mention:
        return cls(**d)


@dataclass(frozen=True)
class Relation:
    """A directed chemical (arg1) → gene (arg2) relation between two mentions of one document.

    Gold and predicted relations share this type; a predicted one carries a `score`.
    ``label`` is the corpus's relation type (e.g. INHIBITOR); ``group`` its CPR group (e.g. CPR:4),
    empty where the source has none (DrugProt).
    """

    doc_id: str
    arg1: str  # mention id of the chemical
    arg2: str  # mention id of the gene/protein
    label: str
    group: str = ""
    evaluated: bool = True
    score: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Relation:
        return cls(**d)


@dataclass(frozen=True)
class Document:
    """One abstract (or any text) with its mentions and relations.

    For ChemProt, ``text`` is ``title + "\\t" + abstract`` so that the corpus offsets index it
    directly; ``title_end`` is the length of the title. ``meta`` is what the source says about the document
    (read-only; MEDLINE: ``journal``, ``year``, ``mesh``, ``version``, ``revised``; MEDLINE and JATS:
    ``passages``, the ``(offset, section)`` each passage of ``text`` starts at; see relnet/corpus/medline.py).
    """

    id: str
    text: str
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    title_end: int = 0
    source: str = ""
    meta: Mapping[str, Any] = field(default_factory=FrozenMeta, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.meta, FrozenMeta):
            object.__setattr__(self, "meta", FrozenMeta(self.meta))

    def mention_index(self) -> dict[str, Mention]:
        return {m.id: m for m in self.mentions}

    def with_annotations(
        self, mentions: tuple[Mention, ...] | None = None, relations: tuple[Relation, ...] | None = None
    ) -> Document:
        return replace(
            self,
            mentions=self.mentions if mentions is None else tuple(mentions),
            relations=self.relations if relations is None else tuple(relations),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "title_end": self.title_end,
            "source": self.source,
            "mentions": [m.to_json() for m in self.mentions],
            "relations": [r.to_json() for r in self.relations],
            **({"meta": dict(self.meta)} if self.meta else {}),  # absent when empty: older files read the same
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Document:
        return cls(
            id=d["id"],
            text=d["text"],
            title_end=d.get("title_end", 0),
            source=d.get("source", ""),
            mentions=tuple(Mention.from_json(m) for m in d.get("mentions", [])),
            relations=tuple(Relation.from_json(r) for r in d.get("relations", [])),
            meta=d.get("meta", {}),
        )


@dataclass(frozen=True)
class Deletion:
    """A source's notice that a document is withdrawn (MEDLINE's ``DeleteCitation``): mining removes it from
    the store, with its mentions and relations. Readers of such sources yield these among their `Document`s."""

    id: str


@dataclass(frozen=True)
class Example:
    """One candidate pair in one sentence: the unit the relation classifier sees.

    ``text`` is the sentence (without markers); ``head``/``tail`` are the chemical and gene spans
    inside it (where a source does not say which is which and it cannot be decided, e.g. a SciBERT jsonl
    pair that relnet/corpus/pair_typing.py cannot type, head is the first-marked mention and the kinds are
    ``ENTITY``). ``offset`` is where the sentence starts in
    the document, so a prediction maps back to document offsets and mention ids.
    """

    doc_id: str
    text: str
    head: Span
    tail: Span
    label: str
    head_kind: str = CHEMICAL
    tail_kind: str = GENE
    head_id: str = ""
    tail_id: str = ""
    offset: int = 0
    meta: Mapping[str, Any] = field(default_factory=FrozenMeta, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.meta, FrozenMeta):
            object.__setattr__(self, "meta", FrozenMeta(self.meta))

    @property
    def head_text(self) -> str:
        return self.text[self.head.start : self.head.end]

    @property
    def tail_text(self) -> str:
        return self.text[self.tail.start : self.tail.end]

    def to_json(self) -> dict[str, Any]:
        d = asdict(replace(self, meta={}))
        d["head"] = self.head.as_list()
        d["tail"] = self.tail.as_list()
        d["meta"] = dict(self.meta)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Example:
        d = dict(d)
        d["head"] = Span(*d["head"])
        d["tail"] = Span(*d["tail"])
        return cls(**d)


@dataclass(frozen=True)
class Prediction:
    """A classifier's answer for one `Example`."""

    label: str
    score: float  # probability of ``label``
    probs: tuple[float, ...]  # one per class, in the classifier's label order


@dataclass(frozen=True)
class EntityRef:
    """An entity: ``key`` groups mentions (``KIND:normalised``), ``name`` is for display."""

    key: str
    name: str
    kind: str


@dataclass(frozen=True)
class EntityDetails:
    """What a store holds about an entity: its names (most frequent first), the long forms its documents define
    for it, the documents that mention it and the sources' concept ids."""

    names: tuple[str, ...] = ()
    long_forms: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One relation in one sentence; the spans are offsets into ``sentence``."""

    doc_id: str
    label: str
    group: str
    score: float | None
    head: EntityRef  # the chemical
    tail: EntityRef  # the gene
    sentence: str
    head_span: Span
    tail_span: Span
    model_id: str = ""
    sentence_start: int | None = None  # where ``sentence`` starts in its document (None: unknown)

    def __post_init__(self) -> None:  # (start, end) pairs are accepted and kept as `Span`s
        for name in ("head_span", "tail_span"):
            value = getattr(self, name)
            if not isinstance(value, Span):
                object.__setattr__(self, name, Span(*value))
