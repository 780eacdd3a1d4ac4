"""Calibration of the decision point: an offset on the negative class's logit, chosen on held-out *training*
documents (never dev), for schemes with a negative class (``cpr``).

A model trained on a subsample of negatives gets the prior correction ``log(1/keep)``
(`RelationClassifier.set_negative_prior`); that corrects the class prior, not the decision point that maximises
micro-F1 over the positive classes. `fit_negative_offset` tries offsets on a grid and keeps the one with the best
micro-F1 on the held-out examples (the smallest in size on ties, so a flat curve leaves the model as it was);
`holdout_documents` picks the documents to hold out.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch

from relnet.evaluation.metrics import score
from relnet.examples.labels import LabelScheme

GRID = tuple(round(x, 2) for x in np.arange(-3.0, 3.0001, 0.1))


@dataclass
class Calibration:
    negative_offset: float  # added to the negative class's logit at prediction time
    heldout_documents: int
    heldout_examples: int
    micro_f1_before: float  # on the held-out examples
    micro_f1_after: float
    curve: list[tuple[float, float]]  # (offset, held-out micro-F1)

    def to_json(self) -> dict:
        return asdict(self)


def holdout_documents(doc_ids: Sequence[str], fraction: float, seed: int) -> set[str]:
    """A seeded ``fraction`` of the (distinct, sorted) documents; at least one when the fraction is positive."""
    ids = sorted(set(doc_ids))
    if fraction <= 0 or not ids:
        return set()
    k = max(1, round(fraction * len(ids)))
    return set(random.Random(seed).sample(ids, k))


def offset_probs(probs: torch.Tensor, negative_index: int, offset: float) -> torch.Tensor:
    """Probabilities after adding ``offset`` to the negative class's logit."""
    factor = torch.ones(probs.shape[-1])
    factor[negative_index] = float(np.exp(offset))
    shifted = probs * factor
    return shifted / shifted.sum(dim=-1, keepdim=True)


def fit_negative_offset(
    probs: torch.Tensor, gold: Sequence[str], labels: Sequence[str], scheme: LabelScheme, documents: int,
    grid: Sequence[float] = GRID,
) -> Calibration:  # fmt: skip
    """The offset on ``scheme.negative``'s logit that maximises micro-F1 of ``probs`` (prediction-time
    probabilities of held-out examples) against ``gold``."""
    if scheme.negative is None:
        raise ValueError(f"scheme {scheme.name} has no negative class to calibrate")
    neg = list(labels).index(scheme.negative)
    curve = []
    for offset in grid:
        predicted = [labels[i] for i in offset_probs(probs, neg, offset).argmax(-1).tolist()]
        curve.append((float(offset), score(list(gold), predicted, scheme).micro["f1"]))
    best = max(f1 for _, f1 in curve)
    chosen = min((o for o, f1 in curve if f1 == best), key=abs)
    before = score(list(gold), [labels[i] for i in probs.argmax(-1).tolist()], scheme).micro["f1"]
    return Calibration(chosen, documents, len(gold), before, best, curve)
