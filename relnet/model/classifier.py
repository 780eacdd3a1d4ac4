"""The relation classifier: pair encoder + linear head, saved as a self-contained folder.

A model folder holds ``model.safetensors`` (all weights), ``relnet_model.json`` (labels, scheme,
marker style, max length, the training arguments), ``encoder_config.json`` (the transformer's
config) and the tokenizer files — everything `RelationClassifier.load` needs, offline.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoTokenizer

from relnet.data import Example, Prediction
from relnet.errors import RelnetError
from relnet.model.backends import (
    OnnxRunner,
    OnnxSpec,
    Runner,
    TorchRunner,
    backend_device,
    onnx_graph,
    resolve_backend,
    to_device,
)
from relnet.model.encoder import Features, PairEncoder
from relnet.progress import progress as progress_bar

MODEL_FILE = "model.safetensors"
META_FILE = "relnet_model.json"
ENCODER_CONFIG = "encoder_config.json"


class RelationClassifier(nn.Module):
    """``forward(batch) → logits (B, C)``; `predict(examples)` → one `Prediction` per example."""

    def __init__(self, encoder: PairEncoder, labels: list[str], dropout: float = 0.1, meta: dict | None = None):
        super().__init__()
        self.encoder = encoder
        self.labels = list(labels)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(2 * encoder.hidden_size, len(labels))
        self.meta: dict[str, Any] = dict(meta or {})
        self.folder: Path | None = None  # where it was loaded from (ONNX graphs are exported next to the weights)
        self.runner: Runner | None = None  # None: this module's own fp32 forward

    @property
    def backend(self) -> str:
        return self.runner.backend if self.runner is not None else "fp32"

    @property
    def device(self) -> torch.device:
        return self.head.weight.device

    def use_backend(
        self, backend: str = "auto", threads: int = 0, int8_exclude: tuple[str, ...] | None = None
    ) -> RelationClassifier:
        """Run `predict`/`predict_proba` on ``backend`` (see `relnet.model.backends`); returns ``self``.

        ONNX backends need a model loaded from a folder (the graph is exported there on first use).
        """
        backend = resolve_backend(backend)
        self.to(backend_device(backend))  # the weights live where the forward runs
        if backend in ("onnx", "int8"):
            if self.folder is None:
                raise RelnetError("ONNX backends need a saved model: save it and load it from its folder")
            path = onnx_graph(
                self.folder, backend, lambda: self, self._export_example,
                OnnxSpec(("input_ids", "attention_mask", "head_index", "tail_index"), ("input_ids", "attention_mask")),
                (MODEL_FILE, ENCODER_CONFIG), int8_exclude,
            )  # fmt: skip
            self.runner = OnnxRunner(path, backend, threads)
        else:
            self.runner = None if backend == "fp32" else TorchRunner(lambda batch: self(**batch), backend)
        return self

    def _export_example(self) -> dict[str, torch.Tensor]:
        """A traced batch of two rows, one padded, so the graph keeps the attention mask's path."""
        ids = torch.full((2, 12), self.encoder.tokenizer.cls_token_id or 1, dtype=torch.long)
        mask = torch.ones_like(ids)
        mask[1, 8:] = 0
        return {"input_ids": ids, "attention_mask": mask, "head_index": torch.tensor([1, 2]),
                "tail_index": torch.tensor([5, 6])}  # fmt: skip

    @property
    def logit_bias(self) -> torch.Tensor:
        """(C,) added to the logits at prediction time: the prior correction for training on a subsample
        of negatives (``log(1 / keep)`` for the negative class), zeros otherwise. Not used in training."""
        return torch.tensor(self.meta.get("logit_bias") or [0.0] * len(self.labels))

    def set_negative_prior(self, negative: str, keep: float) -> None:
        """Record that a fraction ``keep`` of the ``negative`` examples was trained on (1 = all)."""
        self.meta["logit_bias"] = [math.log(1 / keep) if label == negative else 0.0 for label in self.labels]

    @property
    def label2id(self) -> dict[str, int]:
        return {label: i for i, label in enumerate(self.labels)}

    def forward(self, input_ids, attention_mask, head_index, tail_index) -> torch.Tensor:
        pair = self.encoder(input_ids, attention_mask, head_index, tail_index)  # (B, 2H)
        return self.head(self.dropout(pair))  # (B, C)

    # -- inference -------------------------------------------------------------------------
    @torch.inference_mode()
    def predict_proba(
        self, examples: list[Example] | list[Features], batch_size: int = 64, progress: bool = False
    ) -> torch.Tensor:
        """Class probabilities (N, C), in input order. Batches are length-sorted for speed."""
        was_training = self.training
        self.eval()
        feats = examples if not examples or isinstance(examples[0], Features) else self.encoder.tokenize(examples)
        order = sorted(range(len(feats)), key=lambda i: len(feats[i].input_ids))
        probs = torch.zeros((len(feats), len(self.labels)))
        starts = range(0, len(order), batch_size)
        for s in progress_bar(starts, desc="predict", unit="batch", disable=not progress, leave=False):
            idx = order[s : s + batch_size]
            batch = self.encoder.collate([feats[i] for i in idx])
            if self.runner is not None:
                logits = self.runner(batch)
            else:  # the module as it is, on its own device (the GPU while it trains there)
                logits = self(**to_device(batch, self.device)).float().cpu()
            probs[idx] = torch.softmax(logits + self.logit_bias, dim=-1)
        self.train(was_training)
        return probs

    def predict(self, examples: list[Example], batch_size: int = 64, progress: bool = False) -> list[Prediction]:
        probs = self.predict_proba(examples, batch_size, progress)
        best = probs.argmax(dim=-1).tolist()
        return [Prediction(self.labels[b], float(p[b]), tuple(float(x) for x in p)) for b, p in zip(best, probs)]

    # -- persistence -----------------------------------------------------------------------
    def save(self, folder: str | Path, extra: dict[str, Any] | None = None) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().cpu().contiguous() for k, v in self.state_dict().items()}
        save_file(state, str(folder / MODEL_FILE))
        self.encoder.transformer.config.to_json_file(str(folder / ENCODER_CONFIG))
        self.encoder.tokenizer.save_pretrained(str(folder))
        meta = {
            **self.meta,
            **(extra or {}),
            "labels": self.labels,
            "marker_style": self.encoder.marker_style,
            "max_length": self.encoder.max_length,
            "dropout": self.dropout.p,
        }
        (folder / META_FILE).write_text(json.dumps(meta, indent=2))
        return folder

    @classmethod
    def load(cls, folder: str | Path, backend: str = "fp32", threads: int = 0) -> RelationClassifier:
        """A saved model, ready to predict on ``backend`` (``fp32``: as trained; see `use_backend`)."""
        folder = Path(folder)
        if not folder.exists():
            raise RelnetError(f"{folder}: model folder not found")
        if not (folder / META_FILE).is_file() or not (folder / MODEL_FILE).is_file():
            raise RelnetError(f"{folder}: not a relnet model folder (no {META_FILE} / {MODEL_FILE})")
        try:  # a damaged folder (a copy cut short, a hand-edited file) is named; a bug in relnet is not hidden
            meta = json.loads((folder / META_FILE).read_text())
            config = AutoConfig.from_pretrained(str(folder / ENCODER_CONFIG))
            tokenizer = AutoTokenizer.from_pretrained(str(folder), use_fast=True)
            weights = load_file(str(folder / MODEL_FILE))
        except (OSError, ValueError, SafetensorError) as err:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise RelnetError(
                f"{folder}: a damaged model folder ({type(err).__name__}: {err}); copy or train it again"
            ) from err
        missing = (
            [k for k in ("labels", "marker_style", "max_length") if k not in meta]
            if isinstance(meta, dict)
            else ["labels"]
        )
        if missing:
            raise RelnetError(f"{folder / META_FILE}: a damaged model folder: no {', '.join(missing)}")
        encoder = PairEncoder.from_config(tokenizer, config, meta["marker_style"], meta["max_length"])
        model = cls(encoder, meta["labels"], meta.get("dropout", 0.1), meta)
        try:
            model.load_state_dict(weights)
        except RuntimeError as err:  # weights of another model copied in
            raise RelnetError(f"{folder}: {MODEL_FILE} does not fit the model its metadata describes: {err}") from err
        model.eval()
        model.folder = folder
        return model.use_backend(backend, threads) if backend != "fp32" else model
