"""Pretraining settings: `PretrainConfig`, checked on creation (the pretraining counterpart of `TrainConfig`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from relnet.errors import RelnetError
from relnet.paths import data_path
from relnet.training.config import check_caps, check_hardware, device_field, precision_field, threads_field


@dataclass
class PretrainConfig:
    sources: list[str] = field(
        default_factory=lambda: [data_path("unlabeled/abstracts-*.tsv")],
        metadata={"help": "text to pretrain on: unlabeled TSVs (globs allowed) and/or TRAINING split folders"},
    )
    exclude_splits: list[str] = field(
        default_factory=lambda: [data_path("chemprot/original/development")],
        metadata={"help": "split folders whose PMIDs are dropped from every source (evaluation text)"},
    )
    encoder: str = field(default="default", metadata={"help": "HF encoder name or folder; default = bundled MiniLM"})
    output_dir: str = field(default="runs/pretrain", metadata={"help": "checkpoints; the encoder goes to final/"})
    max_seq_length: int = field(default=128, metadata={"help": "tokens per packed sequence, [CLS] included"})
    mlm_probability: float = field(default=0.15, metadata={"help": "share of (non-special) tokens to predict"})
    whole_word_masking: bool = field(default=False, metadata={"help": "mask every piece of a chosen word"})
    batch_size: int = field(default=16, metadata={"help": "sequences per step"})
    epochs: int = field(default=1, metadata={"help": "passes over the data (when no max_steps / max_tokens)"})
    max_tokens: int = field(default=0, metadata={"help": "token budget: steps = tokens / (batch × length); 0 = off"})
    max_steps: int = field(default=0, metadata={"help": "total optimiser steps; 0 = from max_tokens or epochs"})
    lr: float = field(default=5e-5, metadata={"help": "peak learning rate (AdamW)"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    warmup_ratio: float = field(default=0.06, metadata={"help": "fraction of steps with linear warmup"})
    max_grad_norm: float = field(default=1.0, metadata={"help": "gradient clipping norm"})
    freeze_encoder: bool = field(
        default=False,
        metadata={"help": "train the MLM head only (a warm-up for a new head; continue from checkpoint/ unfrozen)"},
    )
    seed: int = field(default=13, metadata={"help": "seed: data order, masking and dropout per step"})
    checkpoint_minutes: float = field(default=30.0, metadata={"help": "minutes between checkpoints (0 = end only)"})
    max_documents: int = field(default=0, metadata={"help": "debug: cap on documents read (0 = all)"})
    threads: int = threads_field()
    precision: str = precision_field()
    device: str = device_field()

    def __post_init__(self) -> None:
        check_hardware(self)
        if not self.sources:
            raise RelnetError("sources is empty: give unlabeled TSV files or a training split folder")
        if self.max_seq_length < 8:
            raise RelnetError(f"max_seq_length must be at least 8, got {self.max_seq_length}")
        if not 0 < self.mlm_probability < 1:
            raise RelnetError(f"mlm_probability must be in (0, 1), got {self.mlm_probability}")
        for name in ("batch_size", "epochs"):
            if getattr(self, name) < 1:
                raise RelnetError(f"{name} must be at least 1, got {getattr(self, name)}")
        check_caps(self, "max_tokens", "max_steps", "max_documents")
        if not 0 < self.lr < 1:
            raise RelnetError(f"lr must be in (0, 1), got {self.lr}")
        if not 0 <= self.warmup_ratio < 1:
            raise RelnetError(f"warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        if self.checkpoint_minutes < 0:
            raise RelnetError(f"checkpoint_minutes must be ≥ 0, got {self.checkpoint_minutes}")

    def total_steps(self, n_blocks: int) -> int:
        """Optimiser steps of the whole run: ``max_steps``, else the token budget, else ``epochs`` passes."""
        if self.max_steps:
            return self.max_steps
        if self.max_tokens:
            return max(1, -(-self.max_tokens // (self.batch_size * self.max_seq_length)))
        return self.epochs * max(1, -(-n_blocks // self.batch_size))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
