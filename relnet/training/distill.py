"""Knowledge distillation: the class probabilities of an ensemble teacher as soft targets for one student.

`teacher_targets` runs the teachers (saved relation classifiers with the student's labels) over the training
examples and averages their probabilities; `distillation_loss` mixes cross-entropy on the gold labels with the
KL divergence from the tempered teacher (Hinton et al., 2015). Targets are cached in the run folder, so a resumed
run does not pay for the teachers again.

The teachers' probabilities carry their own prior corrections (`RelationClassifier.logit_bias`, for training on
a subsample of negatives); the student is trained on the subsampled data and gets its correction at prediction
time, so the targets are moved back to the student's training prior first (`to_training_prior`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import torch
from torch.nn import functional as F

from relnet.data import Example
from relnet.errors import RelnetError
from relnet.model.classifier import META_FILE, RelationClassifier
from relnet.model.identity import model_id

log = logging.getLogger("relnet")

TARGETS_FILE = "teacher_targets.pt"


def tempered(probs: torch.Tensor, temperature: float) -> torch.Tensor:
    """``softmax(log p / T)``: for one teacher exactly its logits divided by T; flatter for T > 1."""
    return torch.softmax(torch.log(probs.clamp_min(1e-12)) / temperature, dim=-1)


def to_training_prior(probs: torch.Tensor, logit_bias: torch.Tensor) -> torch.Tensor:
    """Undo a prediction-time prior correction: ``p · exp(−bias)``, renormalised."""
    shifted = probs * torch.exp(-logit_bias)
    return shifted / shifted.sum(dim=-1, keepdim=True)


def distillation_loss(
    logits: torch.Tensor,
    gold: torch.Tensor,
    targets: torch.Tensor,
    alpha: float,
    temperature: float,
    weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """``alpha · CE(logits, gold) + (1 − alpha) · T² · KL(tempered targets ‖ softmax(logits / T))``.

    T² keeps the soft term's gradients at the hard term's scale as T changes (Hinton et al., 2015).
    """
    hard = F.cross_entropy(logits, gold, weight=weight)
    if alpha >= 1:
        return hard
    soft = F.kl_div(F.log_softmax(logits / temperature, dim=-1), tempered(targets, temperature), reduction="batchmean")
    return alpha * hard + (1 - alpha) * temperature**2 * soft


def example_key(e: Example) -> str:
    return f"{e.doc_id}|{e.head_id}|{e.tail_id}|{e.offset}|{e.head.start}|{e.tail.start}"


def _cache_key(teacher_ids: Sequence[str], examples: Sequence[Example]) -> str:
    h = hashlib.sha256(json.dumps(list(teacher_ids)).encode())
    for e in examples:
        h.update(example_key(e).encode())
    return h.hexdigest()[:16]


def load_teachers(folders: Sequence[str], labels: Sequence[str], backend: str = "fp32") -> list[RelationClassifier]:
    """The teacher models; each must predict the student's labels, in the same order."""
    teachers = []
    for folder in folders:
        teacher = RelationClassifier.load(folder, backend)
        if list(teacher.labels) != list(labels):
            raise RelnetError(f"teacher {folder} predicts {teacher.labels}, the student {list(labels)}: cannot distil")
        teachers.append(teacher)
    return teachers


def teacher_targets(
    folders: Sequence[str],
    examples: list[Example],
    student: RelationClassifier,
    batch_size: int = 64,
    cache_dir: Path | None = None,
    backend: str = "fp32",
) -> torch.Tensor:
    """(N, C): the teachers' mean probabilities for ``examples``, at the student's training prior.

    With ``cache_dir`` the result is kept in ``TARGETS_FILE`` and reused when teachers and examples match.
    """
    ids = [model_id(f) for f in folders]
    key = _cache_key(ids, examples)
    cache = cache_dir / TARGETS_FILE if cache_dir else None
    if cache is not None and cache.is_file():
        saved = torch.load(cache, weights_only=True)
        if saved.get("key") == key:
            log.info("teacher targets: reused %s", cache)
            return saved["targets"]
    probs = []
    for folder, teacher in zip(folders, load_teachers(folders, student.labels, backend)):
        log.info("teacher %s: predicting %d training examples", folder, len(examples))
        probs.append(teacher.predict_proba(examples, batch_size, progress=True))
        del teacher
    targets = to_training_prior(torch.stack(probs).mean(0), student.logit_bias)
    if cache is not None:
        torch.save({"key": key, "teachers": ids, "targets": targets}, cache)
    return targets


def teacher_documents(folders: Sequence[str]) -> set[str]:
    """The documents the teachers learnt from (their ``trained_on`` records): the student inherits them."""
    docs: set[str] = set()
    for folder in folders:
        if not (Path(folder) / META_FILE).is_file():
            raise RelnetError(f"teacher {folder}: no such model folder (no {META_FILE})")
        meta = json.loads((Path(folder) / META_FILE).read_text())
        docs |= set(meta.get("trained_on", []))
    return docs
