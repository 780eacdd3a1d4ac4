"""Sample inputs of the web tests: texts, a lexicon and a small store (imported by `conftest` and the tests)."""

from __future__ import annotations

from pathlib import Path

from relnet.data import CHEMICAL, GENE, Document, Mention, Relation
from relnet.store import RelationStore

NAMES = {"aspirin": CHEMICAL, "gefitinib": CHEMICAL, "ibuprofen": CHEMICAL, "COX-2": GENE, "EGFR": GENE,
         "PPAR-gamma": GENE}  # fmt: skip
TEXT = "Aspirin inhibits COX-2 in platelets. Gefitinib is an antagonist of EGFR.\n\nIbuprofen activates PPAR-gamma."
WRAPPED = "Aspirin, unlike\nibuprofen, inhibits COX-2 and\nEGFR in platelets.\n"  # one hard-wrapped sentence


def _doc(doc_id: str, text: str, spans: list[tuple[str, str]], rels: list[tuple[int, int, str, float | None]]):
    mentions = tuple(
        Mention(f"T{i}", text.index(t), text.index(t) + len(t), t, kind) for i, (t, kind) in enumerate(spans, 1)
    )
    relations = [Relation(doc_id, f"T{h}", f"T{t}", label, label, score=score) for h, t, label, score in rels]
    return Document(doc_id, text, mentions, source="test"), relations


def write_store(path: Path) -> Path:
    """Four abstracts: aspirin → COX-2 twice (CPR:4), gefitinib → EGFR (CPR:6), ibuprofen → PPAR-gamma (CPR:3, 0.4)."""
    docs = [
        _doc("101", "Aspirin inhibits COX-2 in platelets.", [("Aspirin", CHEMICAL), ("COX-2", GENE)],
             [(1, 2, "CPR:4", 0.9)]),
        _doc("102", "Low-dose aspirin blocks COX-2 activity.", [("aspirin", CHEMICAL), ("COX-2", GENE)],
             [(1, 2, "CPR:4", 0.8)]),
        _doc("103", "Gefitinib is an antagonist of EGFR.", [("Gefitinib", CHEMICAL), ("EGFR", GENE)],
             [(1, 2, "CPR:6", 0.95)]),
        _doc("104", "Ibuprofen activates PPAR-gamma and COX-2.",
             [("Ibuprofen", CHEMICAL), ("PPAR-gamma", GENE), ("COX-2", GENE)], [(1, 2, "CPR:3", 0.4)]),
    ]  # fmt: skip
    with RelationStore(path) as store:
        store.add_batch(docs, model_id="test")
    return path
