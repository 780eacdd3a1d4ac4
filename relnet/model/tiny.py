"""Tiny random models for tests and plumbing benchmarks: a 1-layer, 32-wide BERT with the bundled tokenizer.

No download and no training; what a tiny relation classifier predicts is set by hand through its head (the
way transformers' test suites use ``tiny-random-*`` checkpoints). Never a model to mine with.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch
from transformers import AutoTokenizer, BertConfig, PreTrainedTokenizerBase

from relnet.model.classifier import RelationClassifier
from relnet.model.encoder import PairEncoder, resolve_encoder

#: The `cpr` scheme's classes, in the order the tiny classifiers' biases are given.
CPR_LABELS = ("false", "CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9")


def tiny_tokenizer() -> PreTrainedTokenizerBase:
    return AutoTokenizer.from_pretrained(resolve_encoder("default"))


def tiny_bert_config(vocab_size: int, **extra) -> BertConfig:
    return BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=128, **extra)  # fmt: skip


def tiny_relation_classifier(
    bias: Sequence[float],
    labels: Sequence[str] = CPR_LABELS,
    marker_style: str = "punct",
    random_head: bool = False,
    seed: int = 0,
) -> RelationClassifier:
    """A random encoder and a head with ``bias`` per label. ``random_head=False`` zeroes the head's weights, so
    every pair gets the same probabilities (softmax of ``bias``: predictions can be worked out by hand);
    ``True`` keeps them random, so scores differ by pair around ``bias``."""
    if len(bias) != len(labels):
        raise ValueError(f"{len(bias)} biases for {len(labels)} labels")
    torch.manual_seed(seed)
    tok = tiny_tokenizer()
    encoder = PairEncoder.from_config(tok, tiny_bert_config(len(tok)), marker_style, 64)
    clf = RelationClassifier(encoder, list(labels), meta={"scheme": "cpr"})
    with torch.no_grad():
        if not random_head:
            clf.head.weight.zero_()
        clf.head.bias.copy_(torch.tensor(list(bias), dtype=clf.head.bias.dtype))
    return clf


def save_tiny_relation_classifier(folder: Path, bias: Sequence[float], **kw) -> Path:
    return tiny_relation_classifier(bias, **kw).save(folder)
