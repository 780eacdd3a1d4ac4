"""Evaluate or apply a saved relation classifier on a split: what `relnet evaluate` and `relnet predict` run.

Loads the model and the split, predicts, then hands predictions and gold to the pure scorers of
`relnet.evaluation` (`metrics.score`, `official.score_split`) and writes the report there.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from relnet.corpus import read_documents
from relnet.data import CHEMICAL, GENE, Example
from relnet.errors import RelnetError, log
from relnet.evaluation.metrics import score
from relnet.evaluation.official import prediction_tuples, score_split, write_predictions
from relnet.evaluation.report import write_report
from relnet.examples.candidates import examples_from_documents
from relnet.examples.dataset import load_examples
from relnet.examples.labels import get_scheme
from relnet.model.classifier import RelationClassifier
from relnet.paths import check_output_file, check_output_folder


def trained_marker_kinds(meta: dict) -> set[str] | None:
    """The entity kinds a model's markers were trained with: typed (CHEMICAL, GENE) unless a training source
    was a SciBERT jsonl, whose pairs may be untyped (then unknown: None). ``meta["marker_kinds"]`` wins if saved."""
    if "marker_kinds" in meta:
        return set(meta["marker_kinds"])
    config = meta.get("config", {})
    sources = [config.get("train", ""), *config.get("extra_train", [])]
    if any(str(s).endswith(".jsonl") and not str(s).endswith("documents.jsonl") for s in sources):
        return None
    return {CHEMICAL, GENE}


def warn_unseen_marker_kinds(meta: dict, examples: list[Example]) -> int:
    """Log one warning when examples carry marker kinds the model was not trained with; return how many do."""
    kinds = trained_marker_kinds(meta)
    if kinds is None:
        return 0
    unseen = {k for e in examples for k in (e.head_kind, e.tail_kind)} - kinds
    n = sum(e.head_kind in unseen or e.tail_kind in unseen for e in examples)
    if n:
        log.warning(
            "%d of %d examples have entity markers of kinds %s, which the model was not trained with (it knows %s): "
            "expect lower scores",
            n, len(examples), ", ".join(sorted(unseen)), ", ".join(sorted(kinds)),
        )  # fmt: skip
    return n


def check_training_overlap(meta: dict, doc_ids: set[str], split: str | Path, allow: bool = False) -> int:
    """How many of a split's documents the model was trained on (``meta["trained_on"]``, written by `relnet train`);
    any is an error naming the count, unless ``allow`` (then a warning, and the count goes in the report). Models
    trained before the record existed cannot be checked: 0, with a notice."""
    trained = meta.get("trained_on")
    if trained is None:
        log.info("this model does not record its training documents: overlap with %s not checked", split)
        return 0
    overlap = doc_ids & set(trained)
    if overlap and not allow:
        example = ", ".join(sorted(overlap)[:3])
        raise RelnetError(
            f"{split}: {len(overlap)} of its {len(doc_ids)} documents were in the model's training data (e.g. "
            f"{example}); its scores would be inflated. Pass --allow-overlap to score it anyway"
        )
    if overlap:
        log.warning("%s: %d of %d documents were in the model's training data (--allow-overlap)", split,
                    len(overlap), len(doc_ids))  # fmt: skip
    return len(overlap)


def evaluate_split(
    model_dir: str | Path,
    split: str | Path,
    output: str | Path,
    batch_size: int = 64,
    negative_keep: float | None = None,
    backend: str = "fp32",
    allow_overlap: bool = False,
) -> str:
    """Example-level scores under the model's scheme, plus the official document-level score when
    the split has a gold standard and the scheme classifies every candidate pair.

    ``negative_keep`` overrides the prior correction stored with the model (the fraction of negative
    pairs it was trained on; models trained before the correction was stored need it given).
    """
    check_output_folder(output)
    model = RelationClassifier.load(model_dir, backend)
    scheme = get_scheme(model.meta["scheme"])
    if negative_keep is not None and scheme.negative is not None:
        model.set_negative_prior(scheme.negative, negative_keep)
    examples, _ = load_examples(split, scheme)
    overlap = check_training_overlap(model.meta, {e.doc_id for e in examples}, split, allow_overlap)
    warn_unseen_marker_kinds(model.meta, examples)
    t0 = time.time()
    predicted = [p.label for p in model.predict(examples, batch_size, progress=True)]
    seconds = time.time() - t0
    scores = score([e.label for e in examples], predicted, scheme)
    official = score_split(examples, predicted, scheme, split)
    extra = {"model": str(model_dir), "split": str(split), "backend": model.backend,
             "examples_per_second": len(examples) / max(seconds, 1e-9),
             "training_overlap_documents": overlap}  # fmt: skip
    return write_report(output, "eval", scores, official, extra)


def predict_split(
    model_dir: str | Path,
    split: str | Path,
    output: str | Path,
    batch_size: int = 64,
    backend: str = "fp32",
    allow_overlap: bool = False,
) -> int:
    """Predict every within-sentence candidate pair of a split (gold labels unused).

    Writes the official TSV (evaluated groups only) and a JSONL with every pair's label and score.
    """
    check_output_file(output)
    check_output_file(Path(output).with_suffix(".jsonl"))
    model = RelationClassifier.load(model_dir, backend)
    scheme = get_scheme(model.meta["scheme"])
    docs = read_documents(split)
    check_training_overlap(model.meta, {d.id for d in docs}, split, allow_overlap)
    examples = list(examples_from_documents(docs, None))
    warn_unseen_marker_kinds(model.meta, examples)
    predictions = model.predict(examples, batch_size, progress=True)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tuples = prediction_tuples(examples, [p.label for p in predictions], scheme)
    write_predictions(output, tuples)
    with output.with_suffix(".jsonl").open("w", encoding="utf-8") as f:
        for e, p in zip(examples, predictions):
            f.write(json.dumps({"doc_id": e.doc_id, "arg1": e.head_id, "arg2": e.tail_id,
                                "label": p.label, "score": round(p.score, 5)}) + "\n")  # fmt: skip
    return len(tuples)
