from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from relnet.data import CHEMICAL, GENE, Document, Example, Mention, Prediction
from relnet.relations import evidence_windows, extract_relations, extract_relations_batch


def make_doc(doc_id: str, text: str, names: list[tuple[str, str]]) -> Document:
    """A document with one mention per (surface, kind), found left to right."""
    mentions, pos = [], 0
    for i, (surface, kind) in enumerate(names, start=1):
        start = text.index(surface, pos)
        mentions.append(Mention(f"T{i}", start, start + len(surface), surface, kind))
        pos = start + 1
    return Document(doc_id, text, tuple(sorted(mentions, key=lambda m: m.start)))


@dataclass
class ByWord:
    """A fake classifier: the label is chosen by a word of the sentence; records its calls."""

    labels: list[str] = field(default_factory=lambda: ["false", "CPR:3", "CPR:4"])
    meta: dict[str, Any] = field(default_factory=lambda: {"scheme": "cpr"})
    calls: list[int] = field(default_factory=list)

    def predict(self, examples: list[Example], batch_size: int = 64, progress: bool = False) -> list[Prediction]:
        self.calls.append(len(examples))
        out = []
        for ex in examples:
            label = "CPR:4" if "inhibits" in ex.text else "CPR:3" if "activates" in ex.text else "false"
            out.append(Prediction(label, 0.9, (0.1, 0.9, 0.0)))
        return out


DOC = make_doc(
    "1",
    "Aspirin inhibits COX-2. Ibuprofen activates PPARG. Caffeine and EGFR. Metformin alone.",
    [("Aspirin", CHEMICAL), ("COX-2", GENE), ("Ibuprofen", CHEMICAL), ("PPARG", GENE), ("Caffeine", CHEMICAL),
     ("EGFR", GENE), ("Metformin", CHEMICAL)],
)  # fmt: skip


def test_extract_drops_negatives_and_keeps_group_and_score() -> None:
    rels = extract_relations(DOC, ByWord())
    assert [(r.arg1, r.arg2, r.label, r.group, r.score) for r in rels] == [
        ("T1", "T2", "CPR:4", "CPR:4", 0.9),
        ("T3", "T4", "CPR:3", "CPR:3", 0.9),
    ]


def test_extract_batch_calls_predict_once_and_skips_empty_batches() -> None:
    clf = ByWord()
    other = make_doc("2", "Nothing here.", [])
    out = extract_relations_batch([DOC, other], clf)
    assert [len(r) for r in out] == [2, 0] and clf.calls == [3]
    assert extract_relations_batch([other], clf) == [[]] and clf.calls == [3]


def test_extract_evidence_windows_are_the_sentences() -> None:
    rels = extract_relations(DOC, ByWord())
    assert [DOC.text[s:e] for s, e in evidence_windows(DOC, rels)] == [
        "Aspirin inhibits COX-2.",
        "Ibuprofen activates PPARG.",
    ]
