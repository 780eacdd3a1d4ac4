"""`Document` + `Mention`s → predicted `Relation`s, reusing `examples/` (pairing) and `model/` (predict).

Mining pairs mentions within a sentence only (`make_examples(doc, None)`); pairs predicted as the
scheme's negative class (``false``) are dropped. Each relation keeps its label, CPR group and score.
(`relnet.relations.evidence.evidence_windows` gives the sentence a relation was read from.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from relnet.data import Document, Example, Prediction, Relation
from relnet.examples.candidates import make_examples
from relnet.examples.labels import get_scheme


class Classifier(Protocol):
    """What mining needs of `RelationClassifier`."""

    labels: list[str]
    meta: dict[str, Any]

    def predict(self, examples: list[Example], batch_size: int = 64, progress: bool = False) -> list[Prediction]: ...


def extract_relations(doc: Document, classifier: Classifier, batch_size: int = 64) -> list[Relation]:
    """Predicted relations of one document (chemical → gene, within a sentence)."""
    return extract_relations_batch([doc], classifier, batch_size)[0]


def extract_relations_batch(
    docs: Sequence[Document], classifier: Classifier, batch_size: int = 64
) -> list[list[Relation]]:
    """Predicted relations of several documents, with one `predict` call over all their candidates."""
    scheme = get_scheme(classifier.meta.get("scheme", "cpr"))
    examples = [ex for doc in docs for ex in make_examples(doc, None)]
    predictions = classifier.predict(examples, batch_size=batch_size) if examples else []
    out: dict[str, list[Relation]] = {doc.id: [] for doc in docs}
    for ex, p in zip(examples, predictions, strict=True):
        if p.label == scheme.negative:
            continue
        group = scheme.group_of(p.label) or ""
        out[ex.doc_id].append(Relation(ex.doc_id, ex.head_id, ex.tail_id, p.label, group, score=p.score))
    return [out[doc.id] for doc in docs]
