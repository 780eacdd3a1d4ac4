"""Predicted relations: `Document` with mentions → candidate `Example`s → classifier → `Relation`s."""

from relnet.relations.evidence import Evidence, evidence_of, evidence_windows
from relnet.relations.extract import Classifier, extract_relations, extract_relations_batch

__all__ = ["Classifier", "Evidence", "evidence_of", "evidence_windows", "extract_relations", "extract_relations_batch"]
