"""`Document` + `Mention`s → predicted `Relation`s, reusing `examples/` (pairing) and `model/` (predict).

Mining pairs mentions within a sentence only (`make_examples(doc, None)`); pairs predicted as the
scheme's negative class (``false``) are dropped. Each relation keeps its label, CPR group and score.
(`relnet.relations.evidence.evidence_windows` gives the sentence a relation was read from.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from relnet.data import Document, Example, Prediction, Relation
from relnet.examples.candidates import make_examples
from relnet.examples.labels import get_scheme


class Classifier(Protocol):
    """What mining needs of `RelationClassifier`."""

    labels: list[str]
    meta: dict[str, Any]

    def predict(self, examples: list[Example], batch_size: int = 64, progress: bool = False) -> list[Prediction]: ...


#: At most this many candidate pairs, and this many characters of their sentences, per classifier call in
#: `extract_relations_batch`: tokenising holds every pair's whole sentence, so a text whose sentence split failed
#: (a lower-cased full text: one 11,000-character "sentence", 10,000 pairs) would otherwise cost gigabytes.
PREDICT_CHUNK = 1024
PREDICT_CHARS = 500_000


def extract_relations(doc: Document, classifier: Classifier, batch_size: int = 64) -> list[Relation]:
    """Predicted relations of one document (chemical → gene, within a sentence)."""
    return extract_relations_batch([doc], classifier, batch_size)[0]


def extract_relations_batch(
    docs: Sequence[Document], classifier: Classifier, batch_size: int = 64, chunk: int = PREDICT_CHUNK
) -> list[list[Relation]]:
    """Predicted relations of several documents: their candidates predicted ``chunk`` at a time, so memory stays
    bounded by the chunk even for a document whose failed sentence split gives one "sentence" thousands of pairs."""
    scheme = get_scheme(classifier.meta.get("scheme", "cpr"))
    candidates = (ex for doc in docs for ex in make_examples(doc, None))
    out: dict[str, list[Relation]] = {doc.id: [] for doc in docs}
    for examples in chunked(candidates, chunk, PREDICT_CHARS):
        predictions = classifier.predict(examples, batch_size=batch_size)
        for ex, p in zip(examples, predictions, strict=True):
            if p.label == scheme.negative:
                continue
            group = scheme.group_of(p.label) or ""
            out[ex.doc_id].append(Relation(ex.doc_id, ex.head_id, ex.tail_id, p.label, group, score=p.score))
    return [out[doc.id] for doc in docs]


def chunked(
    examples: Iterator[Example], pairs: int = PREDICT_CHUNK, chars: int = PREDICT_CHARS
) -> Iterator[list[Example]]:
    """Lists of at most ``pairs`` examples and ``chars`` characters of their sentences."""
    chunk: list[Example] = []
    size = 0
    for ex in examples:
        chunk.append(ex)
        size += len(ex.text)
        if len(chunk) >= pairs or size >= chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
