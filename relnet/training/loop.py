"""The relation trainer: tokenised pairs → the shared training core (`relnet.training.core.fit`) → the best
model by dev micro-F1 (macro-F1 for ``coarse5``). Resumable at epoch boundaries.

`train` returns the history; `relnet.training.run` writes the reports.
"""

from __future__ import annotations

import logging
import math
import random
import time
from pathlib import Path

import torch
from torch.nn import functional as F

from relnet.data import Example
from relnet.evaluation.metrics import Scores, score
from relnet.examples.labels import LabelScheme
from relnet.model.backends import autocast, resolve_device, resolve_precision, to_device
from relnet.model.classifier import META_FILE, RelationClassifier
from relnet.model.encoder import Features
from relnet.training.config import TrainConfig
from relnet.training.core import (
    BEST,
    LAST,
    STATE,
    Fit,
    History,
    Stepper,
    fit,
    length_grouped_batches,
    lr_lambda,
    optimizer_and_schedule,
    set_seed,
)
from relnet.training.distill import distillation_loss

log = logging.getLogger("relnet")

__all__ = ["BEST", "LAST", "STATE", "History", "evaluate", "length_grouped_batches", "lr_lambda", "set_seed", "train"]


def evaluate(
    model: RelationClassifier,
    feats: list[Features],
    gold: list[str],
    scheme: LabelScheme,
    bs: int,
    precision: str = "fp32",
    device_type: str = "cpu",
) -> Scores:
    """Scores of ``model`` on ``feats``. Under fit's autocast this one (fp32 by default) switches it off for
    ``device_type``: the dev F1 that picks the best epoch is the fp32 model's, on the CPU and the GPU alike."""
    with autocast(precision, device_type):
        probs = model.predict_proba(feats, batch_size=bs)
    return score(gold, [model.labels[i] for i in probs.argmax(-1).tolist()], scheme)


def train(
    config: TrainConfig,
    model: RelationClassifier,
    train_examples: list[Example],
    dev_examples: list[Example],
    scheme: LabelScheme,
    weights: list[float] | None = None,
    resume: bool = False,
    targets: torch.Tensor | None = None,
) -> History:
    """``targets`` (N, C): a teacher's probabilities per training example, for `distillation_loss`."""
    set_seed(config.seed)
    rng = random.Random(config.seed)
    device = resolve_device(config.device)
    precision = resolve_precision(config.precision, device=device)
    model.to(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()  # the epochs' `gpu_max_memory_mb` is training's, not the teachers'
    log.info("device %s, precision %s, %d threads", device, precision, torch.get_num_threads())
    enc = model.encoder
    t_tok = time.perf_counter()
    feats, dev_feats = enc.tokenize(train_examples), enc.tokenize(dev_examples)
    tokenize_seconds = time.perf_counter() - t_tok
    y = [model.label2id[e.label] for e in train_examples]
    dev_gold = [e.label for e in dev_examples]
    for e, f in list(zip(train_examples, feats))[:3]:
        log.info("example: %s | %s → %s", e.label, enc.tokenizer.decode(f.input_ids)[:160], f.input_ids[:12])

    steps_per_epoch = math.ceil(len(feats) / config.batch_size)
    total = steps_per_epoch * config.epochs
    total = min(config.max_steps, total) if config.max_steps else total
    optimizer, scheduler = optimizer_and_schedule(
        model, config.lr, config.weight_decay, int(config.warmup_ratio * total), total
    )
    loss_weights = torch.tensor(weights, dtype=torch.float, device=device) if weights else None
    targets = targets.to(device) if targets is not None else None
    y_all = torch.tensor(y, device=device)

    def dev_scores() -> tuple[float, dict]:
        t = time.perf_counter()
        dev = evaluate(model, dev_feats, dev_gold, scheme, config.eval_batch_size, device_type=device.type)
        main = dev.macro["f1"] if scheme.name == "coarse5" else dev.micro["f1"]
        return main, {"dev_examples_per_second": len(dev_feats) / max(time.perf_counter() - t, 1e-9),
                      "dev_micro_f1": dev.micro["f1"], "dev_macro_f1": dev.macro["f1"], "dev": dev.to_json(),
                      "tokenize_seconds": tokenize_seconds}  # fmt: skip

    spec = Fit(
        lengths=[len(f.input_ids) for f in feats],
        batch_size=config.batch_size,
        collate=lambda idx: to_device(enc.collate([feats[i] for i in idx]), device),
        loss=lambda batch, idx: (
            distillation_loss(
                model(**batch).float(),
                y_all[idx],
                targets[idx],
                config.distill_alpha,
                config.distill_temperature,
                loss_weights,
            )
            if targets is not None
            else F.cross_entropy(model(**batch).float(), y_all[idx], weight=loss_weights)
        ),  # (B, C) logits
        evaluate=dev_scores,
        save=lambda folder, extra: model.save(folder, {**extra, "config": config.to_json()}),
        load=lambda folder: model.load_state_dict(RelationClassifier.load(folder).state_dict()),
        meta_file=META_FILE,
    )
    stepper = Stepper(model, optimizer, scheduler, config.max_grad_norm, precision, device)
    return fit(spec, stepper, Path(config.output_dir), config.epochs, config.patience, rng, resume,
               config.max_steps, "epoch", best_extra=lambda record: {"dev_scores": record["dev"]})  # fmt: skip
