"""The training loop, top to bottom: seed → batches → AdamW + warmup → clipped steps → dev eval
each epoch → keep the best model → early stopping. Resumable at epoch boundaries.

`train` returns the history; `relnet.training.run` writes the reports.
"""

from __future__ import annotations

import logging
import math
import random
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F
from tqdm.auto import tqdm

from relnet.data import Example
from relnet.evaluation.metrics import Scores, score
from relnet.examples.labels import LabelScheme
from relnet.model.backends import autocast, resolve_precision
from relnet.model.classifier import RelationClassifier
from relnet.model.encoder import Features
from relnet.training.config import TrainConfig

log = logging.getLogger("relnet")

BEST, LAST, STATE = "best", "last", "trainer_state.pt"


@dataclass
class History:
    epochs: list[dict] = field(default_factory=list)  # per epoch: loss, dev scores, times
    best_epoch: int = 0
    best_score: float = -1.0


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _tick(profile: dict[str, float], phase: str, since: float) -> float:
    """Add the time since ``since`` to ``phase``; return now (the next phase's start)."""
    now = time.perf_counter()
    profile[phase] += now - since
    return now


def lr_lambda(step: int, warmup: int, total: int) -> float:
    """Linear warmup to 1, then linear decay to 0."""
    if step < warmup:
        return (step + 1) / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def length_grouped_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, sort by length inside chunks of 50 batches, then shuffle the batches: little padding,
    still random order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for s in range(0, len(order), chunk):
        part = sorted(order[s : s + chunk], key=lambda i: lengths[i])
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def evaluate(
    model: RelationClassifier,
    feats: list[Features],
    gold: list[str],
    scheme: LabelScheme,
    bs: int,
    precision: str = "fp32",
) -> Scores:
    with autocast(precision):
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
) -> History:
    out = Path(config.output_dir)
    set_seed(config.seed)
    rng = random.Random(config.seed)
    precision = resolve_precision(config.precision)
    log.info("precision %s, %d threads", precision, torch.get_num_threads())
    enc = model.encoder
    t_tok = time.perf_counter()
    feats, dev_feats = enc.tokenize(train_examples), enc.tokenize(dev_examples)
    tokenize_seconds = time.perf_counter() - t_tok
    y = [model.label2id[e.label] for e in train_examples]
    dev_gold = [e.label for e in dev_examples]
    for e, f in list(zip(train_examples, feats))[:3]:
        log.info("example: %s | %s → %s", e.label, enc.tokenizer.decode(f.input_ids)[:160], f.input_ids[:12])

    steps_per_epoch = math.ceil(len(feats) / config.batch_size)
    total = (
        steps_per_epoch * config.epochs
        if not config.max_steps
        else min(config.max_steps, steps_per_epoch * config.epochs)
    )
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": config.weight_decay,
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=config.lr)
    warmup = int(config.warmup_ratio * total)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_lambda(s, warmup, total))
    loss_weights = torch.tensor(weights, dtype=torch.float) if weights else None

    history, start_epoch, step = History(), 0, 0
    if resume and (out / LAST / STATE).is_file():
        state = torch.load(out / LAST / STATE, weights_only=False)
        model.load_state_dict(RelationClassifier.load(out / LAST).state_dict())
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        history, start_epoch, step = state["history"], state["epoch"] + 1, state["step"]
        rng.setstate(state["rng"])
        torch.set_rng_state(state["torch_rng"])
        log.info("resumed after epoch %d (step %d)", start_epoch, step)

    stale = 0
    for epoch in range(start_epoch, config.epochs):
        if config.max_steps and step >= config.max_steps:
            break
        model.train()
        t0, losses = time.time(), []
        profile = dict.fromkeys(("collate", "forward", "backward", "optimizer"), 0.0)  # seconds per phase
        batches = length_grouped_batches([len(f.input_ids) for f in feats], config.batch_size, rng)
        bar = tqdm(batches, desc=f"epoch {epoch + 1}/{config.epochs}", unit="batch", dynamic_ncols=True)
        for idx in bar:
            t = time.perf_counter()
            batch = enc.collate([feats[i] for i in idx])
            t = _tick(profile, "collate", t)
            with autocast(precision):  # bf16 matmuls; weights, gradients and optimiser state stay fp32
                logits = model(**batch)  # (B, C)
            loss = F.cross_entropy(logits.float(), torch.tensor([y[i] for i in idx]), weight=loss_weights)
            t = _tick(profile, "forward", t)
            loss.backward()
            t = _tick(profile, "backward", t)
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)  # frees gradient memory before the next forward
            losses.append(loss.item())  # .item(): never keep the graph alive across steps
            _tick(profile, "optimizer", t)
            step += 1
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}", lr=f"{scheduler.get_last_lr()[0]:.2e}")
            if config.max_steps and step >= config.max_steps:
                break
        train_time = time.time() - t0
        t1 = time.time()
        dev = evaluate(model, dev_feats, dev_gold, scheme, config.eval_batch_size, precision)
        record = {
            "precision": precision,
            "threads": torch.get_num_threads(),
            "profile_seconds": {"tokenize": tokenize_seconds, **profile},
            "epoch": epoch + 1,
            "step": step,
            "train_loss": float(np.mean(losses)) if losses else float("nan"),
            "train_seconds": train_time,
            "train_examples_per_second": len(losses) * config.batch_size / max(train_time, 1e-9),
            "dev_seconds": time.time() - t1,
            "dev_examples_per_second": len(dev_feats) / max(time.time() - t1, 1e-9),
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux: KiB
            "dev_micro_f1": dev.micro["f1"],
            "dev_macro_f1": dev.macro["f1"],
            "dev": dev.to_json(),
        }
        history.epochs.append(record)
        main = dev.macro["f1"] if scheme.name == "coarse5" else dev.micro["f1"]
        log.info("epoch %d: loss %.4f, dev micro-F1 %.4f, macro-F1 %.4f (%.0fs)", epoch + 1,
                 record["train_loss"], dev.micro["f1"], dev.macro["f1"], train_time)  # fmt: skip
        if main > history.best_score:
            history.best_score, history.best_epoch, stale = main, epoch + 1, 0
            model.save(out / BEST, {"dev_scores": dev.to_json(), "epoch": epoch + 1, "config": config.to_json()})
        else:
            stale += 1
        model.save(out / LAST, {"epoch": epoch + 1, "config": config.to_json()})
        torch.save(
            {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "history": history,
             "epoch": epoch, "step": step, "rng": rng.getstate(), "torch_rng": torch.get_rng_state()},
            out / LAST / STATE,
        )  # fmt: skip
        if stale >= config.patience:
            log.info("early stop: no dev improvement for %d epochs", stale)
            break
    return history
