"""Knowledge distillation: the class probabilities of an ensemble teacher as soft targets for one student.

`teacher_targets` runs the teachers (saved relation classifiers with the student's labels) over the training
examples and averages their probabilities; `distillation_loss` mixes cross-entropy on the gold labels with the
KL divergence from the tempered teacher (Hinton et al., 2015). Targets are cached in the run folder, so a resumed
run does not pay for the teachers again, and the teachers' probabilities in ``RELNET_HOME/teacher-probs`` by the
content of teachers and examples, so the students of other seeds on the same data do not either (three teachers
over ~7,600 pairs are ~4 min of a ~15-min student on 2 cores; ~21 min for 9,000 pairs on one AVX2 core). While a
pass runs, each teacher's scores are kept pair by pair (`relnet.model.prob_cache`, a folder per pass), so a pass
killed half-way resumes where it stopped and ends bit for bit as the uninterrupted one.

The teachers' probabilities carry their own prior corrections (`RelationClassifier.logit_bias`, for training on
a subsample of negatives); the student is trained on the subsampled data and gets its correction at prediction
time, so the targets are moved back to the student's training prior first (`to_training_prior`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import torch
from torch.nn import functional as F

from relnet.data import Example
from relnet.errors import RelnetError
from relnet.model.classifier import META_FILE, RelationClassifier
from relnet.model.prob_cache import TEACHER_CACHE, UNFINISHED, CachedModel, example_key, folder_name
from relnet.model.prob_cache import cache_id as teacher_id
from relnet.paths import write_file

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
    ids = [teacher_id(f, backend) for f in folders]
    key = _cache_key(ids, examples)
    cache = cache_dir / TARGETS_FILE if cache_dir else None
    if cache is not None and cache.is_file():
        saved = torch.load(cache, weights_only=True)
        if saved.get("key") == key:
            log.info("teacher targets: reused %s", cache)
            return saved["targets"]
    targets = to_training_prior(_teacher_probs(folders, ids, examples, student, batch_size, backend),
                                student.logit_bias)  # fmt: skip
    if cache is not None:  # whole or not at all: a resumed run loads it without a check
        write_file(cache, lambda tmp: torch.save({"key": key, "teachers": ids, "targets": targets}, tmp))
    return targets


def _teacher_probs(
    folders: Sequence[str],
    ids: Sequence[str],
    examples: list[Example],
    student: RelationClassifier,
    batch_size: int,
    backend: str,
) -> torch.Tensor:
    """The teachers' mean probabilities, from the shared cache when the same teachers saw the same examples.

    The cache holds them before the student's prior correction, which depends on the student's settings, and in
    the examples' sorted order: a student of another seed may list the same examples in another order (the
    teachers batch pairs in an order of their own, so its targets are the same bits).
    """
    from relnet.registry import home

    keys = [example_key(e) for e in examples]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    h = hashlib.sha256(json.dumps(list(ids)).encode())
    for i in order:
        h.update(keys[i].encode())
    shared = home() / TEACHER_CACHE / f"{h.hexdigest()[:16]}.pt"
    key = h.hexdigest()
    # This pass's scores so far, pair by pair, so that a pass killed half-way resumes with the same batches and
    # ends bit for bit where the uninterrupted one would have; its own folder (examples and batch size in the
    # name), since scores from another pass's batches differ at rounding level and the student would too.
    unfinished = shared.with_name(f"{shared.stem}-b{batch_size}{UNFINISHED}")
    if shared.is_file():
        try:
            saved = torch.load(shared, weights_only=True)
        except (OSError, RuntimeError) as err:  # a truncated file from an interrupted run: predict again
            log.warning("teacher probabilities: ignored the unreadable cache %s (%s)", shared, err)
        else:
            if saved.get("key") == key and tuple(saved["probs"].shape) == (len(examples), len(student.labels)):
                log.info("teacher probabilities: reused %s", shared)
                shutil.rmtree(unfinished, ignore_errors=True)  # a kill after the file above was written left it
                probs = torch.empty_like(saved["probs"])
                probs[torch.tensor(order)] = saved["probs"]
                return probs
    per_teacher = []
    for folder, teacher, tid in zip(folders, load_teachers(folders, student.labels, backend), ids):
        log.info("teacher %s: predicting %d training examples", folder, len(examples))
        scored = CachedModel(teacher, unfinished / folder_name(tid), source=Path(folder).resolve())
        per_teacher.append(scored.predict_proba(examples, batch_size, progress=True))
        if scored.reused:
            log.info("teacher %s: %d of the %d examples scored before this pass was killed", folder, scored.reused,
                     len(examples))  # fmt: skip
        del teacher, scored
    mean = torch.stack(per_teacher).mean(0)
    try:
        shared.parent.mkdir(parents=True, exist_ok=True)
        payload = {"key": key, "teachers": list(ids), "probs": mean[torch.tensor(order)]}
        write_file(shared, lambda tmp: torch.save(payload, tmp))  # one temporary file per writer: students race
        shutil.rmtree(unfinished, ignore_errors=True)  # the pass is whole in the file above
    except OSError as err:  # a read-only home costs only the reuse
        log.warning("teacher probabilities: not cached (%s)", err)
    return mean


def teacher_documents(folders: Sequence[str]) -> set[str]:
    """The documents the teachers learnt from (their ``trained_on`` records): the student inherits them."""
    docs: set[str] = set()
    for folder in folders:
        if not (Path(folder) / META_FILE).is_file():
            raise RelnetError(f"teacher {folder}: no such model folder (no {META_FILE})")
        meta = json.loads((Path(folder) / META_FILE).read_text())
        docs |= set(meta.get("trained_on", []))
    return docs
