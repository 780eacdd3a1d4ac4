"""The pretraining loop: packed blocks → masked batches → AdamW + warmup → checkpoints → ``final/``.

Everything random is a function of (seed, step): the epoch's block order, the masks and the dropout
of each step. A checkpoint stores the model, optimiser, scheduler, RNG states and the step (the exact
data position), so a run stopped at any step and resumed gives the same weights as one never stopped.
For an encoder without an MLM head (the bundled MiniLM is a sentence-transformers export) the head
is freshly initialised by `AutoModelForMaskedLM`; only the encoder is kept in ``final/``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F
from transformers import AutoModelForMaskedLM, AutoTokenizer

from relnet.errors import RelnetError
from relnet.model.backends import resolve_precision
from relnet.model.encoder import resolve_encoder
from relnet.paths import OLD, PARTIAL, write_file, write_folder, write_text
from relnet.pretraining.config import PretrainConfig
from relnet.pretraining.data import build_blocks
from relnet.pretraining.masking import IGNORE, MaskingVocab, mask_tokens
from relnet.progress import progress
from relnet.training.core import Stepper, open_run, optimizer_and_schedule

log = logging.getLogger("relnet")

BLOCKS, CHECKPOINT, FINAL, STATE = "blocks.pt", "checkpoint", "final", "trainer_state.pt"
LOG_EVERY = 50  # steps per history record


def step_seed(seed: int, *keys: int) -> int:
    """A well-mixed 63-bit seed for (seed, keys…): the step's masks and dropout, an epoch's order."""
    return int(np.random.SeedSequence([seed, *keys]).generate_state(1, dtype=np.uint64)[0] >> 1)


class BlockOrder:
    """Which blocks step ``s`` trains on: a fresh permutation per epoch, a function of (seed, epoch)."""

    def __init__(self, n_blocks: int, batch_size: int, seed: int) -> None:
        self.n, self.batch_size, self.seed = n_blocks, batch_size, seed
        self.steps_per_epoch = math.ceil(n_blocks / batch_size)
        self._epoch, self._perm = -1, torch.empty(0, dtype=torch.long)

    def __call__(self, step: int) -> torch.Tensor:
        epoch, i = divmod(step, self.steps_per_epoch)
        if epoch != self._epoch:
            gen = torch.Generator().manual_seed(step_seed(self.seed, epoch, 1))
            self._epoch, self._perm = epoch, torch.randperm(self.n, generator=gen)
        return self._perm[i * self.batch_size : (i + 1) * self.batch_size]


def mlm_loss(model, inputs: torch.Tensor, attention: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy at the masked positions, the same value as ``model(..., labels=labels).loss``.

    Where the MLM head is a known position-wise module (BERT's ``cls``, RoBERTa's ``lm_head``) it runs
    on the masked positions only: the vocabulary projection over all B×L positions costs about as
    much as the whole 6-layer MiniLM encoder, and 85% of it would be thrown away.
    """
    head = getattr(model, "cls", None)
    head = head if head is not None else getattr(model, "lm_head", None)
    if head is None:
        return model(input_ids=inputs, attention_mask=attention, labels=labels).loss
    hidden = model.base_model(input_ids=inputs, attention_mask=attention).last_hidden_state  # (B, L, H)
    picked = labels != IGNORE  # (B, L)
    if not picked.any():  # nothing to predict in this batch: a zero loss keeps the step (and the schedule)
        return hidden.sum() * 0.0
    logits = head(hidden[picked])  # (N, V), N = masked positions
    return F.cross_entropy(logits.float(), labels[picked])


def _save_checkpoint(out: Path, model, tokenizer, optimizer, scheduler, state: dict) -> None:
    """The weights and the state of one step, written whole or not at all (`write_folder`)."""
    rng = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}

    def write(folder: Path) -> None:
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        torch.save({**state, "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "rng": rng},
                   folder / STATE)  # fmt: skip

    write_folder(out / CHECKPOINT, write)


def pretrain(config: PretrainConfig, resume: bool = False, overwrite: bool = False, stop_at: int = 0) -> dict:
    """Run (or continue) MLM pretraining; returns a summary. ``stop_at`` ends early at that step with a
    checkpoint (a planned interruption; ``resume=True`` later continues to the end)."""
    device, out = open_run(config.output_dir, config.device, config.threads, resume, overwrite, (CHECKPOINT,))
    if overwrite and not resume:  # only this run's own artefacts: never a whole folder the user pointed at
        older = CHECKPOINT + ".tmp"  # what earlier versions wrote a checkpoint into
        for name in (CHECKPOINT, CHECKPOINT + PARTIAL, CHECKPOINT + OLD, older, FINAL):
            shutil.rmtree(out / name, ignore_errors=True)
        (out / BLOCKS).unlink(missing_ok=True)
    ckpt = out / CHECKPOINT
    resuming = resume and (ckpt / STATE).is_file()

    # -- model and tokenizer ---------------------------------------------------------------------
    source = str(ckpt) if resuming else resolve_encoder(config.encoder)
    if Path(source).exists():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    torch.manual_seed(config.seed)  # a missing MLM head is initialised from this
    tokenizer = AutoTokenizer.from_pretrained(source, use_fast=True)
    model = AutoModelForMaskedLM.from_pretrained(source)
    model.to(device).train()
    if config.freeze_encoder:  # a freshly initialised head's first gradients would otherwise scramble the encoder
        model.base_model.requires_grad_(False)  # the tied output embeddings stay as they are too

    # -- data: packed once, kept next to the checkpoints so a resume sees exactly the same blocks ----
    if resume and (out / BLOCKS).is_file():
        blocks = torch.load(out / BLOCKS)
    else:
        blocks = build_blocks(tokenizer, config.sources, config.exclude_splits, config.max_seq_length,
                              config.max_documents)  # fmt: skip
        write_file(out / BLOCKS, lambda tmp: torch.save(blocks, tmp))  # whole: a resume loads it unchecked
    if blocks.shape[1] != config.max_seq_length:
        raise RelnetError(f"{out / BLOCKS} has length {blocks.shape[1]}, not {config.max_seq_length}: use --overwrite")
    pad = tokenizer.pad_token_id or 0
    vocab = MaskingVocab.from_tokenizer(tokenizer, config.whole_word_masking)
    order = BlockOrder(len(blocks), config.batch_size, config.seed)
    total = config.total_steps(len(blocks))
    end = min(stop_at, total) if stop_at else total
    (out / "config.json").write_text(json.dumps(config.to_json(), indent=2))

    # -- optimiser (the shared training core: decay groups, schedule, clipped steps under the precision) --
    optimizer, scheduler = optimizer_and_schedule(
        model, config.lr, config.weight_decay, int(config.warmup_ratio * total), total
    )
    precision = resolve_precision(config.precision, device=device)
    stepper = Stepper(model, optimizer, scheduler, config.max_grad_norm, precision, device)
    step, tokens_seen, history = 0, 0, []
    if resuming:
        state = torch.load(ckpt / STATE, weights_only=False, map_location="cpu")
        if state["total"] != total:
            raise RelnetError(f"{ckpt} belongs to a run of {state['total']} steps, not {total}: keep the settings")
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, tokens_seen, history = state["step"], state["tokens"], state["history"]
        random.setstate(state["rng"]["python"])
        np.random.set_state(state["rng"]["numpy"])
        torch.set_rng_state(state["rng"]["torch"])
        log.info("resumed at step %d of %d", step, total)

    # -- steps ----------------------------------------------------------------------------------------
    def checkpoint() -> None:
        state = {"step": step, "total": total, "tokens": tokens_seen, "history": history, "config": config.to_json()}
        _save_checkpoint(out, model, tokenizer, optimizer, scheduler, state)

    t0 = last_save = time.time()
    session_tokens, losses = 0, []
    bar = progress(total=total, initial=step, desc="pretrain", unit="step")
    while step < end:
        batch = blocks[order(step)].long()  # (B, L)
        gen = torch.Generator().manual_seed(step_seed(config.seed, step))
        inputs, labels = mask_tokens(batch, vocab, config.mlm_probability, gen, config.whole_word_masking)
        attention = (batch != pad).long()
        n_tokens = int(attention.sum())
        inputs, attention, labels = inputs.to(device), attention.to(device), labels.to(device)
        torch.manual_seed(step_seed(config.seed, step, 2))  # dropout of this step (the GPU's generator too)
        losses.append(stepper.step(lambda: mlm_loss(model, inputs, attention, labels)))  # noqa: B023 (called now)
        step += 1
        tokens_seen, session_tokens = tokens_seen + n_tokens, session_tokens + n_tokens
        rate = session_tokens / max(time.time() - t0, 1e-9)
        bar.update(1)
        lr = scheduler.get_last_lr()[0]
        bar.set_postfix(loss=f"{np.mean(losses[-50:]):.3f}", tok_s=f"{rate:.0f}", lr=f"{lr:.1e}")
        if step % LOG_EVERY == 0 or step == end:
            history.append({"step": step, "loss": float(np.mean(losses[-LOG_EVERY:])), "tokens": tokens_seen,
                            "tokens_per_second": rate, "lr": lr})  # fmt: skip
        if config.checkpoint_minutes and time.time() - last_save >= 60 * config.checkpoint_minutes and step < end:
            checkpoint()
            last_save = time.time()
    bar.close()
    checkpoint()
    seconds = time.time() - t0
    summary = {
        "step": step,
        "total_steps": total,
        "finished": step >= total,
        "blocks": len(blocks),
        "tokens_seen": tokens_seen,
        "session_steps": len(losses),
        "session_seconds": seconds,
        "session_tokens_per_second": session_tokens / max(seconds, 1e-9),
        "session_steps_per_second": len(losses) / max(seconds, 1e-9),
        "final_loss": float(np.mean(losses[-LOG_EVERY:])) if losses else None,
        "trainable_parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }
    if step >= total:  # the encoder alone, as an ordinary HF folder (the MLM head is dropped)
        model.base_model.save_pretrained(out / FINAL)
        tokenizer.save_pretrained(out / FINAL)
        summary["encoder"] = str(out / FINAL)
    (out / "history.json").write_text(json.dumps(history, indent=2))
    write_text(out / "summary.json", json.dumps(summary, indent=2))  # last: recipe scripts read it as "done"
    return summary
