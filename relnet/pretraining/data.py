"""Pretraining text → token blocks: read the sources, drop evaluation documents, tokenise, pack.

Sources are unlabeled TSV files (SOURCE, PMID, TITLE, ABSTRACT; no header, no quoting) or split
folders read with `relnet.corpus.read_documents` (task-adaptive pretraining on the training split).
Packing concatenates the documents with [SEP] after each and cuts the stream into rows of
``[CLS]`` + ``length - 1`` tokens; only the last row is padded, so every token is kept.
"""

from __future__ import annotations

import glob
import logging
from pathlib import Path

import numpy as np
import torch
from transformers import PreTrainedTokenizerBase

from relnet.corpus import read_documents
from relnet.corpus.tsv import read_rows
from relnet.errors import RelnetError

log = logging.getLogger("relnet")


def expand_sources(sources: list[str]) -> list[Path]:
    """Globs → sorted paths; a pattern that matches nothing is an error."""
    out: list[Path] = []
    for pattern in sources:
        matches = sorted(glob.glob(pattern)) if any(c in pattern for c in "*?[") else [pattern]
        if not matches or not Path(matches[0]).exists():
            raise RelnetError(f"pretraining source {pattern!r} matches no file or folder")
        out += [Path(m) for m in matches]
    return out


def evaluation_ids(splits: list[str]) -> set[str]:
    """PMIDs of the evaluation splits whose text must stay out of pretraining."""
    ids: set[str] = set()
    for split in splits:
        if not Path(split).is_dir():
            raise RelnetError(f"exclude split {split!r} not found: fix the path, or pass an empty list to exclude none")
        ids |= {d.id for d in read_documents(split)}
    return ids


def read_texts(sources: list[str], exclude_ids: set[str] = frozenset(), max_documents: int = 0) -> list[str]:
    """One string per document (title + abstract), in source order; ``exclude_ids`` PMIDs dropped."""
    texts: list[str] = []
    dropped = 0
    for path in expand_sources(sources):
        if path.is_dir():
            if any(word in path.name.lower() for word in ("dev", "test")):
                log.warning("pretraining on %s: evaluation text, only if you mean it", path)
            docs = read_documents(path)
            dropped += sum(d.id in exclude_ids for d in docs)
            texts += [d.text.replace("\t", " ") for d in docs if d.id not in exclude_ids]
        else:
            for _, (_source, pmid, title, abstract) in read_rows(path, 4):
                if pmid and pmid in exclude_ids:
                    dropped += 1
                    continue
                texts.append(f"{title} {abstract}".strip())
        if max_documents and len(texts) >= max_documents:
            texts = texts[:max_documents]
            break
    log.info("pretraining text: %d documents (%d dropped: evaluation PMIDs)", len(texts), dropped)
    if not texts:
        raise RelnetError(f"no pretraining text left in {sources}")
    return texts


def tokenize_stream(tokenizer: PreTrainedTokenizerBase, texts: list[str], chunk: int = 2000) -> np.ndarray:
    """All documents as one id stream, each followed by [SEP] (int32, shape (T,))."""
    sep = tokenizer.sep_token_id
    parts = []
    for s in range(0, len(texts), chunk):
        ids = tokenizer(texts[s : s + chunk], add_special_tokens=False, verbose=False)["input_ids"]
        parts += [np.asarray([*doc, sep], dtype=np.int32) for doc in ids]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)


def pack(stream: np.ndarray, length: int, cls_id: int, pad_id: int) -> torch.Tensor:
    """(T,) stream → (N, length) rows of ``[CLS]`` + ``length - 1`` stream tokens; the last row is padded."""
    body = length - 1
    n = max(1, -(-len(stream) // body))
    padded = np.full(n * body, pad_id, dtype=np.int32)
    padded[: len(stream)] = stream
    rows = np.concatenate([np.full((n, 1), cls_id, dtype=np.int32), padded.reshape(n, body)], axis=1)
    return torch.from_numpy(rows)


def build_blocks(
    tokenizer: PreTrainedTokenizerBase, sources: list[str], exclude_splits: list[str], length: int, max_docs: int = 0
) -> torch.Tensor:
    """Sources → packed (N, length) int32 blocks (see `pack`)."""
    texts = read_texts(sources, evaluation_ids(exclude_splits), max_docs)
    stream = tokenize_stream(tokenizer, texts)
    log.info("pretraining text: %d tokens (%.2f per whitespace word)", len(stream),
             len(stream) / max(1, sum(len(t.split()) for t in texts)))  # fmt: skip
    return pack(stream, length, tokenizer.cls_token_id, tokenizer.pad_token_id or 0)
