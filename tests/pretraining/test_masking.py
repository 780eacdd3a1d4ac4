from __future__ import annotations

import pytest
import torch
from transformers import AutoTokenizer

from relnet.model.encoder import resolve_encoder
from relnet.pretraining.masking import IGNORE, MaskingVocab, mask_tokens


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(resolve_encoder("default"))


def _batch(tokenizer, rows: int = 256, length: int = 128) -> torch.Tensor:
    """Random ordinary tokens, [CLS] first, a [SEP] every 20 tokens, padding at the end of each row."""
    vocab = MaskingVocab.from_tokenizer(tokenizer)
    gen = torch.Generator().manual_seed(0)
    ids = vocab.random_ids[torch.randint(len(vocab.random_ids), (rows, length), generator=gen)]
    ids[:, 0] = tokenizer.cls_token_id
    ids[:, 20::20] = tokenizer.sep_token_id
    ids[:, -5:] = tokenizer.pad_token_id
    return ids


def test_masking_rates_and_80_10_10(tokenizer) -> None:
    ids = _batch(tokenizer)
    vocab = MaskingVocab.from_tokenizer(tokenizer)
    inputs, labels = mask_tokens(ids, vocab, 0.15, torch.Generator().manual_seed(1))
    special = torch.isin(ids, vocab.special_ids)
    chosen = labels != IGNORE
    assert chosen.sum() / (~special).sum() == pytest.approx(0.15, abs=0.01)
    n = chosen.sum()
    masked = (inputs == tokenizer.mask_token_id) & chosen
    kept = (inputs == ids) & chosen
    replaced = chosen & ~masked & ~kept
    assert masked.sum() / n == pytest.approx(0.8, abs=0.02)
    assert kept.sum() / n == pytest.approx(0.1, abs=0.02)
    assert replaced.sum() / n == pytest.approx(0.1, abs=0.02)
    assert not torch.isin(inputs[replaced], vocab.special_ids).any()  # random tokens are ordinary ones


@pytest.mark.parametrize("whole_word", [False, True])
def test_masking_never_touches_special_tokens_and_labels_only_masked_positions(tokenizer, whole_word: bool) -> None:
    ids = _batch(tokenizer)
    vocab = MaskingVocab.from_tokenizer(tokenizer, whole_word)
    inputs, labels = mask_tokens(ids, vocab, 0.3, torch.Generator().manual_seed(2), whole_word)
    special = torch.isin(ids, vocab.special_ids)
    assert (labels[special] == IGNORE).all() and (inputs[special] == ids[special]).all()
    chosen = labels != IGNORE
    assert (labels[chosen] == ids[chosen]).all()  # a label is the original token …
    assert (inputs[~chosen] == ids[~chosen]).all()  # … and only chosen positions change
    masked = inputs == tokenizer.mask_token_id
    assert (masked <= chosen).all() and (inputs[masked] != ids[masked]).all()  # no leak in the 80% case


def test_masking_whole_word_masks_every_piece(tokenizer) -> None:
    text = "Phosphatidylinositol and dexamethasone inhibit cyclooxygenase-2 and the metalloproteinases. " * 12
    ids = torch.tensor([tokenizer(text)["input_ids"][:128]] * 64)
    tokens = tokenizer.convert_ids_to_tokens(ids[0].tolist())
    assert any(t.startswith("##") for t in tokens)
    vocab = MaskingVocab.from_tokenizer(tokenizer, whole_word=True)
    _, labels = mask_tokens(ids, vocab, 0.15, torch.Generator().manual_seed(3), whole_word=True)
    chosen = labels != IGNORE
    starts = [i for i, t in enumerate(tokens) if not t.startswith("##")] + [len(tokens)]
    partial = 0
    for a, b in zip(starts, starts[1:]):
        word = chosen[:, a:b]
        partial += int((word.any(1) & ~word.all(1)).sum())
    assert partial == 0
    assert 0.08 < chosen.float().mean() < 0.25


def test_masking_is_a_function_of_the_generator_seed(tokenizer) -> None:
    ids = _batch(tokenizer, rows=8)
    vocab = MaskingVocab.from_tokenizer(tokenizer)
    a = mask_tokens(ids, vocab, 0.15, torch.Generator().manual_seed(5))
    b = mask_tokens(ids, vocab, 0.15, torch.Generator().manual_seed(5))
    c = mask_tokens(ids, vocab, 0.15, torch.Generator().manual_seed(6))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) and not torch.equal(a[1], c[1])
