"""Dynamic masking for masked-language-model pretraining: a (B, L) batch → (inputs, labels), fresh per step.

BERT's recipe: choose ``probability`` of the non-special tokens (or of the words, with whole-word
masking: every piece of a chosen word); of those, 80% become [MASK], 10% a random token, 10% stay.
Labels hold the original id at chosen positions and -100 (ignored by the loss) everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers import PreTrainedTokenizerBase

from relnet.errors import RelnetError

IGNORE = -100


@dataclass(frozen=True)
class MaskingVocab:
    """What masking needs to know about a tokenizer."""

    mask_id: int
    special_ids: torch.Tensor  # (S,) ids that are never chosen ([CLS], [SEP], [PAD], …)
    random_ids: torch.Tensor  # (R,) ids the 10% random replacement draws from
    continuation: torch.Tensor | None  # (V,) bool: the piece continues a word (whole-word masking)

    @classmethod
    def from_tokenizer(cls, tokenizer: PreTrainedTokenizerBase, whole_word: bool = False) -> MaskingVocab:
        if tokenizer.mask_token_id is None:
            raise RelnetError(f"{tokenizer.name_or_path}: the tokenizer has no mask token; pick an MLM-style encoder")
        size = len(tokenizer)
        tokens = tokenizer.convert_ids_to_tokens(list(range(size)))
        special = set(tokenizer.all_special_ids)
        random_ids = [i for i, t in enumerate(tokens) if i not in special and not t.startswith("[unused")]
        continuation = None
        if whole_word:
            if any(t.startswith("##") for t in tokens):  # WordPiece: "##" marks a continuation
                flags = [t.startswith("##") for t in tokens]
            elif any(t.startswith(("▁", "Ġ")) for t in tokens):  # SentencePiece / byte BPE mark word starts
                flags = [i not in special and not t.startswith(("▁", "Ġ")) for i, t in enumerate(tokens)]
            else:
                raise RelnetError("whole-word masking: the vocabulary marks no word pieces (## / ▁ / Ġ); turn it off")
            continuation = torch.tensor(flags, dtype=torch.bool)
        return cls(tokenizer.mask_token_id, torch.tensor(sorted(special)), torch.tensor(random_ids), continuation)


def mask_tokens(
    input_ids: torch.Tensor,
    vocab: MaskingVocab,
    probability: float,
    generator: torch.Generator,
    whole_word: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """``input_ids (B, L)`` → ``(inputs (B, L), labels (B, L))``; the same generator state gives the same masks."""
    ids = input_ids.long()
    special = torch.isin(ids, vocab.special_ids)  # (B, L)
    if whole_word:
        if vocab.continuation is None:
            raise RelnetError("whole-word masking needs MaskingVocab.from_tokenizer(..., whole_word=True)")
        starts = ~vocab.continuation[ids] | special  # a special token is a word of its own
        word = torch.cumsum(starts.long(), dim=1) - 1  # (B, L) word index within the row
        draw = torch.rand(ids.shape, generator=generator).gather(1, word)  # one draw per word, shared by its pieces
    else:
        draw = torch.rand(ids.shape, generator=generator)
    chosen = (draw < probability) & ~special
    labels = torch.where(chosen, ids, torch.full_like(ids, IGNORE))
    how = torch.rand(ids.shape, generator=generator)
    to_mask = chosen & (how < 0.8)
    to_random = chosen & (how >= 0.8) & (how < 0.9)
    inputs = ids.clone()
    inputs[to_mask] = vocab.mask_id
    picks = torch.randint(len(vocab.random_ids), (int(to_random.sum()),), generator=generator)
    inputs[to_random] = vocab.random_ids[picks]
    return inputs, labels
