"""Class imbalance: random oversampling and class weights over labelled `Example`s."""

from __future__ import annotations

import random
from collections import Counter

from relnet.data import Example
from relnet.errors import RelnetError

#: The seed presentation's oversampling of coarse5 (train 6,436 → 9,614).
SEED_FACTORS: dict[str, int] = {"NOT": 5, "PART-OF": 3, "REGULATOR-POSITIVE": 3}


def parse_factors(spec: str) -> dict[str, int] | str:
    """``"auto"``, ``"seed"`` or ``"NOT=5,PART-OF=3"`` → factors (``"auto"`` is returned as is)."""
    if spec in ("auto", ""):
        return spec
    if spec == "seed":
        return dict(SEED_FACTORS)
    out: dict[str, int] = {}
    for part in spec.split(","):
        label, _, n = part.partition("=")
        if not n.strip().isdigit() or int(n) < 1:
            raise RelnetError(f"bad oversampling factor {part!r}; write LABEL=N with N ≥ 1, e.g. NOT=5,PART-OF=3")
        out[label.strip()] = int(n)
    return out


def oversample(
    examples: list[Example], factors: dict[str, int] | str, seed: int = 0, max_factor: int = 10
) -> list[Example]:
    """Copy minority-class examples.

    ``factors`` maps a label to its total number of copies (5 = the original plus four more);
    ``"auto"`` brings every class up to the size of the largest, at most ``max_factor`` copies.
    The result is shuffled with ``seed``.
    """
    counts = Counter(e.label for e in examples)
    if factors == "auto":
        top = max(counts.values())
        factors = {label: min(max_factor, max(1, round(top / n))) for label, n in counts.items()}
    assert isinstance(factors, dict)
    unknown = set(factors) - set(counts)
    if unknown:
        raise RelnetError(f"oversampling names labels absent from the training data: {sorted(unknown)}")
    out = [e for e in examples for _ in range(factors.get(e.label, 1))]
    random.Random(seed).shuffle(out)
    return out


def class_weights(examples: list[Example], labels: list[str], power: float = 1.0) -> list[float]:
    """Inverse-frequency weights (``n / (k * count)``)**power, normalised to mean 1 over present classes."""
    counts = Counter(e.label for e in examples)
    present = [label for label in labels if counts[label]]
    raw = {label: (sum(counts.values()) / (len(present) * counts[label])) ** power for label in present}
    mean = sum(raw.values()) / len(raw)
    return [raw.get(label, 0.0) / mean if label in raw else 1.0 for label in labels]


def subsample_negatives(examples: list[Example], negative: str, keep: float, seed: int = 0) -> list[Example]:
    """Keep a random ``keep`` fraction of negative examples (all positives stay)."""
    if not 0 < keep <= 1:
        raise RelnetError(f"negative keep fraction must be in (0, 1], got {keep}")
    rng = random.Random(seed)
    return [e for e in examples if e.label != negative or rng.random() < keep]
