"""relnet/workflows/ner.py: a tagger run on a split and scored against its gold mentions."""

from __future__ import annotations

from pathlib import Path

from relnet.corpus import read_documents
from relnet.mentions.lexicon import LexiconTagger
from relnet.workflows.ner import evaluate_tagger


def test_ner_evaluate_tagger_scores_and_writes_errors(split_dir: Path, tmp_path: Path) -> None:
    docs = read_documents(split_dir)
    scores = evaluate_tagger(LexiconTagger.from_documents(docs), docs, errors_path=tmp_path / "errors.tsv")
    assert set(scores) >= {"CHEMICAL", "GENE", "micro", "errors", "speed", "decoding"}  # GENE-Y/N merged
    assert 0.0 < scores["micro"]["f1"] <= 1.0 and scores["micro"]["support"] == 15
    assert (tmp_path / "errors.tsv").read_text().startswith("doc_id\tcategory")
