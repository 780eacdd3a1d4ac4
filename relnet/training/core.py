"""The training core every trainer shares (relations, NER, masked-LM pretraining).

- `set_seed`, `lr_lambda` (linear warmup then decay), `optimizer_and_schedule` (AdamW; no weight decay on
  biases and LayerNorm weights), `length_grouped_batches` (little padding, random order);
- `Stepper`: one clipped optimisation step under the run's precision (fp32 or bf16 autocast) on its device
  (CPU or GPU), with the time of each phase (collate, forward, backward, optimizer) — the profile every epoch
  record carries (on a GPU the phases overlap asynchronously; only their sum is exact);
- `EarlyStopping` and `fit`: the epoch loop — batches → steps → dev evaluation → best/last checkpoints →
  early stop — resumable at epoch boundaries with *all* of its state (optimiser, schedule, history, the
  early-stopping counter, every RNG), so a resumed run is the run that was never interrupted; each checkpoint is
  written whole or not at all (`relnet.paths.write_folder`), wherever the process is killed; ``last`` before
  ``best``, so a kill between the two leaves ``last`` with the state that names the new best, and the resumed run
  writes ``best`` from ``last``'s weights (`_mend_best`) instead of training that epoch again.
"""

from __future__ import annotations

import json
import logging
import random
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from relnet.model.backends import autocast, resolve_device
from relnet.paths import claim_output_dir, recover_folders, write_folder
from relnet.progress import progress

log = logging.getLogger("relnet")

NO_DECAY = ("bias", "LayerNorm.weight", "layer_norm.weight")
PHASES = ("collate", "forward", "backward", "optimizer")
BEST, LAST, STATE = "best", "last", "trainer_state.pt"
CHECKPOINT_FILE = "checkpoint.json"  # in best/ and last/: the epoch whose weights they hold


def open_run(
    output_dir: str | Path,
    device: str,
    threads: int,
    resume: bool,
    overwrite: bool,
    checkpoints: tuple[str, ...] = (BEST, LAST),
) -> tuple[torch.device, Path]:
    """What every trainer does first: pick the device (`--device cuda` without a GPU fails before any
    work), claim the run folder (`claim_output_dir`), create it, mend the ``checkpoints`` a kill cut short
    (`recover_folders`) when resuming, and set the intra-op threads (0: PyTorch's default)."""
    dev = resolve_device(device)
    out = Path(output_dir)
    claim_output_dir(out, resume, overwrite)
    out.mkdir(parents=True, exist_ok=True)
    if resume and (restored := recover_folders(out, checkpoints)):
        log.info("%s: put back %s, written whole before the last run was killed", out, ", ".join(restored))
    if threads:
        torch.set_num_threads(threads)
    return dev, out


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # the GPUs' generators too


def lr_lambda(step: int, warmup: int, total: int) -> float:
    """Linear warmup to 1, then linear decay to 0."""
    if step < warmup:
        return (step + 1) / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def optimizer_and_schedule(
    model: nn.Module, lr: float, weight_decay: float, warmup: int, total: int
) -> tuple[torch.optim.AdamW, torch.optim.lr_scheduler.LambdaLR]:
    """AdamW with weight decay on the weight matrices only (not biases, not LayerNorm), and `lr_lambda`."""
    named = list(model.named_parameters())
    groups = [
        {"params": [p for n, p in named if not n.endswith(NO_DECAY)], "weight_decay": weight_decay},
        {"params": [p for n, p in named if n.endswith(NO_DECAY)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr)
    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_lambda(s, warmup, total))


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


class Stepper:
    """``step(loss_fn) → loss``: forward (under the precision's autocast), backward, clip, optimiser and
    schedule steps. Weights, gradients and optimiser state stay fp32; bf16 needs no loss scaling. The model
    must already be on ``device``; the trainer's collate moves each batch there."""

    def __init__(
        self,
        model: nn.Module,
        optimizer,
        scheduler,
        max_grad_norm: float,
        precision: str = "fp32",
        device: torch.device | str = "cpu",
    ):
        self.model, self.optimizer, self.scheduler = model, optimizer, scheduler
        self.max_grad_norm, self.precision, self.device = max_grad_norm, precision, torch.device(device)
        self.profile: dict[str, float] = dict.fromkeys(PHASES, 0.0)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        t = time.perf_counter()
        yield
        self.profile[phase] += time.perf_counter() - t

    def step(self, loss_fn: Callable[[], torch.Tensor]) -> float:
        with self.timed("forward"), autocast(self.precision, self.device.type):
            loss = loss_fn()
        with self.timed("backward"):
            loss.backward()
        with self.timed("optimizer"):
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.max_grad_norm)
            self.optimizer.step()
            self.scheduler.step()
            self.optimizer.zero_grad(set_to_none=True)  # frees gradient memory before the next forward
            return loss.item()  # .item(): never keep the graph alive across steps

    def take_profile(self) -> dict[str, float]:
        profile, self.profile = self.profile, dict.fromkeys(PHASES, 0.0)
        return profile


@dataclass
class EarlyStopping:
    """Best score so far, its epoch, and epochs since it improved; part of the resumable state."""

    patience: int
    best: float = -1.0
    best_epoch: int = 0
    stale: int = 0

    def update(self, score: float, epoch: int) -> bool:
        """Record an epoch's score; True if it is the best so far."""
        if score > self.best:
            self.best, self.best_epoch, self.stale = score, epoch, 0
            return True
        self.stale += 1
        return False

    @property
    def stop(self) -> bool:
        return self.stale >= self.patience


@dataclass
class History:
    epochs: list[dict] = field(default_factory=list)  # per epoch: loss, dev scores, times, profile
    best_epoch: int = 0
    best_score: float = -1.0


def rng_state(rng: random.Random) -> dict[str, Any]:
    state = {"batches": rng.getstate(), "python": random.getstate(), "numpy": np.random.get_state(),
             "torch": torch.get_rng_state()}  # fmt: skip
    if torch.cuda.is_available() and torch.cuda.is_initialized():  # dropout on the GPU draws from its own
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(rng: random.Random, state: dict[str, Any]) -> None:
    rng.setstate(state["batches"])
    if "python" in state:  # checkpoints before the shared core kept the batch and torch RNGs only
        random.setstate(state["python"])
        np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available() and len(state["cuda"]) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state["cuda"])


@dataclass
class Fit:
    """What `fit` needs from a trainer: its data, its loss, its dev evaluation and its checkpoints."""

    lengths: list[int]  # per training item, for length-grouped batches
    batch_size: int
    collate: Callable[[list[int]], Any]  # item indices → a batch
    loss: Callable[[Any, list[int]], torch.Tensor]  # (batch, indices) → scalar loss
    evaluate: Callable[[], tuple[float, dict]]  # → (the score early stopping watches, fields for the record)
    save: Callable[[Path, dict], None]  # (folder, extra metadata) → the model written there
    load: Callable[[Path], None]  # folder → the model's weights loaded from there
    meta_file: str = ""  # the JSON file in which ``save`` records its metadata, the epoch included


def _checkpoint(spec: Fit, meta: dict, state: dict | None = None) -> Callable[[Path], None]:
    """What fills one checkpoint folder: the model with ``meta`` and, for ``last``, the trainer state."""

    def write(folder: Path) -> None:
        spec.save(folder, meta)
        (folder / CHECKPOINT_FILE).write_text(json.dumps({"epoch": meta["epoch"]}) + "\n")
        if state is not None:
            torch.save(state, folder / STATE)

    return write


def _mend_best(spec: Fit, out: Path, history: History, best_extra: Callable[[dict], dict]) -> None:
    """A kill between the swaps of ``last`` and ``best`` leaves ``last`` at the epoch its history names best and
    ``best`` one improvement behind (or absent). Whenever history names ``last``'s epoch best, ``last``'s weights
    (just loaded) are that epoch's: ``best`` is written from them unless it already holds that epoch (a folder
    from before `CHECKPOINT_FILE`: the epoch its model's metadata records). Training the epoch again would not do:
    on a GPU it need not end in the same weights or score."""
    if not history.epochs or history.best_epoch != history.epochs[-1]["epoch"]:
        return
    held = checkpoint_epoch(out / BEST, spec.meta_file)
    if held != history.best_epoch:
        holds = f"holds epoch {held}" if held is not None else "records no epoch"
        log.info("best/ %s, the history's best is epoch %d: written from last/", holds, history.best_epoch)
        write_folder(out / BEST, _checkpoint(spec, {"epoch": history.best_epoch, **best_extra(history.epochs[-1])}))


def checkpoint_epoch(folder: Path, meta_file: str = "") -> int | None:
    """The epoch whose weights the checkpoint ``folder`` holds (None: unknown, or no such folder): its
    `CHECKPOINT_FILE`, else (written before that file existed) the epoch its model's ``meta_file`` records."""
    for name in filter(None, (CHECKPOINT_FILE, meta_file)):
        try:
            return int(json.loads((folder / name).read_text())["epoch"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def fit(
    spec: Fit,
    stepper: Stepper,
    out: Path,
    epochs: int,
    patience: int,
    rng: random.Random,
    resume: bool = False,
    max_steps: int = 0,
    desc: str = "epoch",
    best_extra: Callable[[dict], dict] = lambda record: {},
) -> History:
    """Train for ``epochs`` (or ``max_steps``), evaluating after each; keep ``out/best`` and ``out/last``.

    ``out/last/trainer_state.pt`` holds everything else a resumed run needs; with ``resume`` the loop picks
    up after the last finished epoch and behaves exactly as if it had never stopped.
    """
    model = stepper.model
    history, stopping, start_epoch, step = History(), EarlyStopping(patience), 0, 0
    if resume and (out / LAST / STATE).is_file():
        state = torch.load(out / LAST / STATE, weights_only=False, map_location="cpu")  # a GPU run resumes anywhere
        spec.load(out / LAST)
        stepper.optimizer.load_state_dict(state["optimizer"])
        stepper.scheduler.load_state_dict(state["scheduler"])
        history, start_epoch, step = state["history"], state["epoch"] + 1, state["step"]
        stopping = state.get("stopping") or EarlyStopping(patience, history.best_score, history.best_epoch)
        set_rng_state(rng, state["rng"] if "batches" in state["rng"] else {"batches": state["rng"],
                                                                           "torch": state["torch_rng"]})  # fmt: skip
        log.info("resumed after epoch %d (step %d)", start_epoch, step)
        _mend_best(spec, out, history, best_extra)
        if stopping.stop:
            return history
    for epoch in range(start_epoch, epochs):
        if max_steps and step >= max_steps:
            break
        model.train()
        t0, losses = time.time(), []
        batches = length_grouped_batches(spec.lengths, spec.batch_size, rng)
        bar = progress(batches, desc=f"{desc} {epoch + 1}/{epochs}", unit="batch")
        for idx in bar:
            with stepper.timed("collate"):
                batch = spec.collate(idx)
            losses.append(stepper.step(lambda b=batch, i=idx: spec.loss(b, i)))
            step += 1
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}", lr=f"{stepper.scheduler.get_last_lr()[0]:.2e}")
            if max_steps and step >= max_steps:
                break
        bar.close()
        train_time = time.time() - t0
        gpu = {"gpu_max_memory_mb": torch.cuda.max_memory_allocated() / 2**20} if stepper.device.type == "cuda" else {}
        t1 = time.time()
        with autocast(stepper.precision, stepper.device.type):
            score, fields = spec.evaluate()
        record = {
            "epoch": epoch + 1,
            "step": step,
            "train_loss": float(np.mean(losses)) if losses else float("nan"),
            "train_seconds": train_time,
            "train_examples_per_second": len(losses) * spec.batch_size / max(train_time, 1e-9),
            "dev_seconds": time.time() - t1,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux: KiB
            "precision": stepper.precision,
            "device": str(stepper.device),
            "threads": torch.get_num_threads(),
            "profile_seconds": stepper.take_profile(),
            **gpu,
            **fields,
        }
        history.epochs.append(record)
        log.info("epoch %d: loss %.4f, dev %.4f (%.0fs)", epoch + 1, record["train_loss"], score, train_time)
        improved = stopping.update(score, epoch + 1)
        if improved:
            history.best_score, history.best_epoch = score, epoch + 1
        state = {
            "optimizer": stepper.optimizer.state_dict(), "scheduler": stepper.scheduler.state_dict(),
            "history": history, "stopping": stopping, "epoch": epoch, "step": step, "rng": rng_state(rng),
        }  # fmt: skip
        write_folder(out / LAST, _checkpoint(spec, {"epoch": epoch + 1}, state))  # weights and state: one swap
        if improved:  # after last: a kill between leaves what `_mend_best` needs
            write_folder(out / BEST, _checkpoint(spec, {"epoch": epoch + 1, **best_extra(record)}))
        if stopping.stop:
            log.info("early stop: no dev improvement for %d epochs", stopping.stale)
            break
    return history
