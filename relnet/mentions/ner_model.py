"""Transformer NER backend: sentence text → BIO tags per sub-word → CHEMICAL / GENE `Mention`s.

The tagger owns its tokenisation and the BIO encoding/decoding, so training (`relnet.training.ner`)
and tagging cannot drift apart. A model folder holds the Hugging Face token-classification model,
its tokenizer and ``relnet_ner.json`` (entity types, max length, training arguments, dev scores).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, PreTrainedTokenizerBase

from relnet.data import Document, Mention
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
from relnet.progress import progress as progress_bar
from relnet.text.sentences import split_sentences

META_FILE = "relnet_ner.json"


TAGGINGS = ("flat", "layered")


def bio_labels(types: list[str]) -> list[str]:
    return ["O", *(f"{p}-{t}" for t in types for p in ("B", "I"))]


@lru_cache(maxsize=8)
def _bio_rules(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per label: the index of its B- if it is an I- (else -1); transition and start scores (0 allowed, -inf not)."""
    inside = [lab[2:] if lab.startswith("I-") else None for lab in labels]
    kinds = np.array([labels.index(f"B-{t}") if t else -1 for t in inside])
    allowed = np.array([[t is None or a[2:] == t for t in inside] for a in labels])  # from a to b
    start = np.where([t is None for t in inside], 0.0, -np.inf)  # no span starts with I-
    return kinds, np.where(allowed, 0.0, -np.inf), start


def bio_viterbi(scores: np.ndarray, labels: list[str]) -> list[int]:
    """The most probable label sequence (``scores``: (L, K) logits over ``labels``) in which every I-X follows a
    B-X or an I-X. Per-token argmax can break that rule (O I-GENE, B-CHEMICAL I-GENE); `decode` then has to guess
    where a span starts and of which type, where the constrained path weighs the neighbours' probabilities."""
    if len(scores) == 0:
        return []
    return bio_viterbi_batch(scores[None], np.array([len(scores)]), labels)[0].tolist()


def bio_viterbi_batch(scores: np.ndarray, lengths: np.ndarray, labels: list[str]) -> np.ndarray:
    """`bio_viterbi` for N sequences at once: (N, L, K) scores, each row valid up to its length → (N, L) label ids
    (0 = O past a row's length). One pass over the positions for the whole batch, not one per sequence."""
    n, length, _ = scores.shape
    live = np.arange(length)[None, :] < lengths[:, None]  # (N, L)
    best = np.where(live, scores.argmax(2), 0)
    kinds, trans, start = _bio_rules(tuple(labels))
    prev = np.concatenate([np.zeros((n, 1), dtype=best.dtype), best[:, :-1]], axis=1)  # O before the first token
    broken = ((kinds[best] >= 0) & (prev != kinds[best]) & (prev != best)).any(1)
    rows = np.flatnonzero(broken)  # argmax already valid (most sentences): it is the best valid sequence
    if rows.size:
        best[rows] = np.where(live[rows], _viterbi_paths(scores[rows], live[rows], trans, start), 0)
    return best


def _viterbi_paths(scores: np.ndarray, live: np.ndarray, trans: np.ndarray, start: np.ndarray) -> np.ndarray:
    """(M, L, K) scores → (M, L) best paths under ``trans``/``start``; past a row's end its state is carried."""
    m, length, k = scores.shape
    logp = scores - np.logaddexp.reduce(scores, axis=2, keepdims=True)
    score = logp[:, 0] + start  # (M, K)
    back = np.broadcast_to(np.arange(k), (m, length, k)).copy()  # identity: a finished row keeps its state
    for t in range(1, length):
        candidates = score[:, :, None] + trans  # (M, from, to)
        arg = candidates.argmax(1)
        step = np.take_along_axis(candidates, arg[:, None, :], axis=1)[:, 0] + logp[:, t]
        score = np.where(live[:, t, None], step, score)
        back[:, t] = np.where(live[:, t, None], arg, back[:, t])
    path = np.zeros((m, length), dtype=np.int64)
    path[:, -1] = score.argmax(1)
    rows = np.arange(m)
    for t in range(length - 1, 0, -1):
        path[:, t - 1] = back[rows, t, path[:, t]]
    return path


@dataclass(frozen=True)
class TagSpace:
    """What the token classifier predicts, per token.

    ``flat``: one BIO sequence over all types — of two nested mentions only the longer survives, which
    loses ~6% of ChemProt's gold entities (a chemical inside a gene name: *tyrosine* in *tyrosine
    hydroxylase*). ``layered``: one O/B/I decision per type and token, so a CHEMICAL may sit inside a GENE.
    """

    types: tuple[str, ...]
    tagging: str = "flat"

    def __post_init__(self) -> None:
        if self.tagging not in TAGGINGS:
            raise RelnetError(f"tagging must be one of {', '.join(TAGGINGS)}, got {self.tagging!r}")

    @property
    def layered(self) -> bool:
        return self.tagging == "layered"

    @property
    def labels(self) -> list[str]:
        """The model's output units (its ``id2label``)."""
        if self.layered:
            return [f"{p}-{t}" for t in self.types for p in ("O", "B", "I")]
        return bio_labels(list(self.types))

    def layers(self) -> list[tuple[str, ...]]:
        """Groups of types that share one BIO sequence."""
        return [(t,) for t in self.types] if self.layered else [self.types]

    def token_labels(self, tags: list[list[str]]) -> list[int] | list[list[int]]:
        """Per-layer BIO tags (``tags[layer][token]``, e.g. ``B-GENE``) → the model's label ids per token."""
        if self.layered:
            return [[("O", "B", "I").index(tags[k][i][0]) for k in range(len(tags))] for i in range(len(tags[0]))]
        ids = {t: i for i, t in enumerate(self.labels)}
        return [ids[t] for t in tags[0]]

    def tags(self, logits: torch.Tensor, keeps: list[list[int]], viterbi: bool = True) -> list[list[list[str]]]:
        """(B, L, units) logits → ``tags[window][layer][token]``: BIO tags on the tokens ``keeps[window]`` (the
        others — [CLS], [SEP], padding — get O). ``viterbi``: each layer's best *valid* sequence (`bio_viterbi`),
        for the whole batch at once; otherwise each token's argmax."""
        layers = self.layers()
        width = 3 if self.layered else len(self.labels)
        b, length = logits.shape[:2]
        scores = logits.float().reshape(b, length, len(layers), width).permute(0, 2, 1, 3).contiguous().numpy()
        lengths = np.array([len(keep) for keep in keeps])
        index = np.zeros((b, max(lengths, default=0)), dtype=np.int64)
        for row, keep in enumerate(keeps):
            index[row, : len(keep)] = keep
        kept = np.take_along_axis(scores, index[:, None, :, None], axis=2)  # (B, layers, kept, width)
        flat = kept.reshape(b * len(layers), *kept.shape[2:])
        names = [bio_labels(list(layer)) for layer in layers]  # layered: O B-X I-X, the model's unit order
        if viterbi:
            ids = bio_viterbi_batch(flat, np.repeat(lengths, len(layers)), names[0])  # layers share their rules
        else:
            ids = flat.argmax(2)
        ids = ids.reshape(b, len(layers), -1).tolist()
        out = []
        for row, keep in enumerate(keeps):
            window = []
            for k, labels in enumerate(names):
                tags = ["O"] * length
                for i, best in zip(keep, ids[row][k]):
                    tags[i] = labels[best]
                window.append(tags)
            out.append(window)
        return out

    def loss(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Cross-entropy over the tokens (and, layered, the types) that carry a label."""
        width = 3 if self.layered else len(self.labels)
        return torch.nn.functional.cross_entropy(logits.reshape(-1, width), labels.reshape(-1), ignore_index=-100)


@dataclass(frozen=True)
class Window:
    """One sentence (or a piece of a long one) encoded for tagging: ids and each token's char span."""

    doc_id: str
    input_ids: list[int]
    offsets: list[tuple[int, int]]  # document offsets per token; (0, 0) for [CLS]/[SEP]
    labels: list[int] | list[list[int]] | None = None  # label ids per token (-100 for special tokens)


def encode_document(
    doc: Document,
    tokenizer: PreTrainedTokenizerBase,
    space: TagSpace | None,
    max_length: int,
    kind_of: dict[str, str] | None = None,
) -> list[Window]:
    """Split a document into sentences and encode each; gold mentions become labels if ``space`` is given.

    ``kind_of`` maps a mention's subtype/kind to the tag type (e.g. GENE-Y → GENE, or kept apart).
    Overlapping gold mentions in one BIO layer: the longer one wins (BIO cannot nest).
    """
    sentences = split_sentences(doc.text, [(m.start, m.end) for m in doc.mentions])
    windows: list[Window] = []
    if not sentences:  # empty or blank text
        return windows
    enc = tokenizer([doc.text[s:e] for s, e in sentences], add_special_tokens=False, return_offsets_mapping=True)
    budget = max_length - 2
    mentions = sorted(doc.mentions, key=lambda m: (-(m.end - m.start), m.start))
    for (s, _), ids, offs in zip(sentences, enc["input_ids"], enc["offset_mapping"]):
        offsets = [(s + a, s + b) for a, b in offs]
        token_labels: list = []
        if space is not None:
            tags = []
            for layer in space.layers():
                layer_tags, taken = ["O"] * len(ids), [False] * len(ids)
                for m in mentions:
                    kind = (kind_of or {}).get(m.subtype or m.kind, m.kind)
                    inside = [i for i, (a, b) in enumerate(offsets) if a < m.end and b > m.start]
                    if kind not in layer or not inside or any(taken[i] for i in inside):
                        continue
                    for j, i in enumerate(inside):
                        layer_tags[i] = ("B-" if j == 0 else "I-") + kind
                        taken[i] = True
                tags.append(layer_tags)
            token_labels = space.token_labels(tags) if ids else []
        ignore = [-100] * len(space.types) if space is not None and space.layered else -100
        for lo in range(0, max(len(ids), 1), budget):
            chunk = slice(lo, lo + budget)
            windows.append(
                Window(
                    doc.id,
                    [tokenizer.cls_token_id, *ids[chunk], tokenizer.sep_token_id],
                    [(0, 0), *offsets[chunk], (0, 0)],
                    [ignore, *token_labels[chunk], ignore] if space is not None else None,
                )
            )
    return windows


def decode(window: Window, tags: list[str]) -> list[tuple[int, int, str]]:
    """BIO tags per token → (start, end, type) spans in document offsets. An I- after O opens a span."""
    spans: list[tuple[int, int, str]] = []
    current: list[Any] | None = None
    for (a, b), tag in zip(window.offsets, tags):
        if (a, b) == (0, 0):
            continue
        kind = tag[2:]
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != kind)):
            if current:
                spans.append(tuple(current))  # type: ignore[arg-type]
            current = [a, b, kind]
        elif tag.startswith("I-") and current is not None:
            current[1] = b
        else:
            if current:
                spans.append(tuple(current))  # type: ignore[arg-type]
            current = None
    if current:
        spans.append(tuple(current))  # type: ignore[arg-type]
    return spans


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span that starts or ends inside a word (a run of letters and digits) to the whole word."""
    if start >= end:
        return start, end
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def snap_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Predicted spans widened to whole words, overlaps of one type merged, one type per offsets.

    Sub-word tags can disagree inside one word, which decodes to fragments ("iotens" of "angiotensin", "in" of
    "Reelin"); 48 of ChemProt's 15,567 dev gold mentions start or end inside a word, far fewer than the
    fragments (dev F1 +0.02). Two fragments of one word become one span; when fragments of different types
    widen to the same offsets, the type predicted over more characters wins. Nesting across types stays.
    """
    by_type: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for a, b, kind in spans:
        by_type[kind].append((*snap_to_words(text, a, b), b - a))
    merged: dict[tuple[int, int], tuple[int, str]] = {}  # offsets → (characters predicted, type)
    for kind, found in by_type.items():
        current: list[int] | None = None
        for a, b, chars in sorted(found) + [(len(text) + 1, len(text) + 1, 0)]:  # sentinel flushes the last
            if current is not None and a < current[1]:
                current[1], current[2] = max(current[1], b), current[2] + chars
                continue
            if current is not None:
                key = (current[0], current[1])
                if key not in merged or merged[key][0] < current[2]:
                    merged[key] = (current[2], kind)
            current = [a, b, chars]
    return sorted((a, b, kind) for (a, b), (_, kind) in merged.items())


def collate(windows: list[Window], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(w.input_ids) for w in windows)
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    first = next((w.labels for w in windows if w.labels is not None), None)
    layers = len(first[0]) if first and isinstance(first[0], list) else 0
    labels = torch.full((len(windows), width, layers) if layers else (len(windows), width), -100, dtype=torch.long)
    for i, w in enumerate(windows):
        ids[i, : len(w.input_ids)] = torch.tensor(w.input_ids)
        mask[i, : len(w.input_ids)] = 1
        if w.labels is not None:
            labels[i, : len(w.labels)] = torch.tensor(w.labels)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


class _Logits(torch.nn.Module):
    """A token-classification model as ``(input_ids, attention_mask) → logits (B, L, units)``, for export."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


class TransformerTagger:
    """``tag(doc) → doc`` with predicted CHEMICAL/GENE mentions (ids M1, M2, … in text order)."""

    def __init__(
        self,
        model,
        tokenizer: PreTrainedTokenizerBase,
        meta: dict[str, Any],
        snap_words: bool = True,
        viterbi: bool = True,
    ) -> None:
        self.model = model.eval()
        self.folder: Path | None = None  # where it was loaded from (ONNX graphs are exported there)
        self.runner: Runner | None = None  # None: the PyTorch model in fp32
        self.snap_words = snap_words  # widen spans to whole words (see `snap_spans`)
        self.viterbi = viterbi  # the best valid BIO sequence instead of each token's argmax (see `bio_viterbi`)
        self.tokenizer = tokenizer
        self.meta = meta
        self.space = TagSpace(tuple(meta["types"]), meta.get("tagging", "flat"))  # models before `layered`: flat
        self.labels: list[str] = self.space.labels
        if model.config.num_labels != len(self.labels):
            raise RelnetError(
                f"NER model has {model.config.num_labels} outputs but its {META_FILE} describes "
                f"{len(self.labels)} ({self.space.tagging} tagging of {', '.join(self.space.types)})"
            )
        self.max_length: int = meta["max_length"]

    @property
    def backend(self) -> str:
        return self.runner.backend if self.runner is not None else "fp32"

    def use_backend(
        self, backend: str = "auto", threads: int = 0, int8_exclude: tuple[str, ...] | None = None
    ) -> TransformerTagger:
        """Tag on ``backend`` (see `relnet.model.backends`); returns ``self``. ONNX needs a loaded folder."""
        backend = resolve_backend(backend, kind="ner")
        self.model.to(backend_device(backend))  # the weights live where the forward runs
        if backend in ("onnx", "int8"):
            if self.folder is None:
                raise RelnetError("ONNX backends need a saved NER model: save it and load it from its folder")
            spec = OnnxSpec(("input_ids", "attention_mask"), ("input_ids", "attention_mask"), "logits", True)
            path = onnx_graph(self.folder, backend, lambda: _Logits(self.model), self._export_example, spec,
                              ("model.safetensors", "config.json"), int8_exclude)  # fmt: skip
            self.runner = OnnxRunner(path, backend, threads)
        else:
            self.runner = None if backend == "fp32" else TorchRunner(self._logits, backend)
        return self

    def _logits(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits

    def _own_logits(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """The model as it is, on its own device (the GPU while it trains there); float32 on the CPU."""
        return self._logits(to_device(batch, self.model.device)).float().cpu()

    def _export_example(self) -> dict[str, torch.Tensor]:
        ids = torch.full((2, 12), self.tokenizer.cls_token_id or 1, dtype=torch.long)
        mask = torch.ones_like(ids)
        mask[1, 8:] = 0
        return {"input_ids": ids, "attention_mask": mask}

    @classmethod
    def load(
        cls,
        folder: str | Path,
        snap_words: bool = True,
        backend: str = "fp32",
        threads: int = 0,
        viterbi: bool = True,
    ) -> TransformerTagger:
        """A saved tagger, ready to tag on ``backend`` (``fp32``: as trained; see `use_backend`)."""
        folder = Path(folder)
        if not (folder / META_FILE).is_file():
            raise RelnetError(f"{folder}: not a relnet NER model folder (no {META_FILE})")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        meta = json.loads((folder / META_FILE).read_text())
        model = AutoModelForTokenClassification.from_pretrained(str(folder))
        tagger = cls(model, AutoTokenizer.from_pretrained(str(folder), use_fast=True), meta, snap_words, viterbi)
        tagger.folder = folder
        return tagger.use_backend(backend, threads) if backend != "fp32" else tagger

    def save(self, folder: str | Path, extra: dict[str, Any] | None = None) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(str(folder))
        self.tokenizer.save_pretrained(str(folder))
        (folder / META_FILE).write_text(json.dumps({**self.meta, **(extra or {})}, indent=2))

    @torch.inference_mode()
    def predict_spans(
        self, windows: list[Window], batch_size: int = 32, progress: bool = False
    ) -> list[list[tuple[int, int, str]]]:
        """(start, end, type) spans for each window (length-sorted batches)."""
        self.model.eval()
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
        out: list[list[tuple[int, int, str]]] = [[] for _ in windows]
        pad = self.tokenizer.pad_token_id or 0
        for s in progress_bar(
            range(0, len(order), batch_size), desc="ner", unit="batch", disable=not progress, leave=False
        ):
            idx = order[s : s + batch_size]
            batch = collate([windows[i] for i in idx], pad)
            logits = self.runner(batch) if self.runner is not None else self._own_logits(batch)
            keeps = [[j for j, span in enumerate(windows[i].offsets) if span != (0, 0)] for i in idx]
            for i, layers in zip(idx, self.space.tags(logits, keeps, self.viterbi)):
                out[i] = sorted({span for tags in layers for span in decode(windows[i], tags)})
        return out

    def tag_many(self, docs: list[Document], batch_size: int = 32, progress: bool = False) -> list[Document]:
        windows = [w for d in docs for w in encode_document(d, self.tokenizer, None, self.max_length)]
        spans: dict[str, list[tuple[int, int, str]]] = {d.id: [] for d in docs}
        for w, found in zip(windows, self.predict_spans(windows, batch_size, progress)):
            spans[w.doc_id].extend(found)
        out = []
        for d in docs:
            found = snap_spans(d.text, spans[d.id]) if self.snap_words else sorted(spans[d.id])
            mentions = tuple(
                Mention(f"M{i}", a, b, d.text[a:b], _kind(k), k) for i, (a, b, k) in enumerate(found, start=1)
            )
            out.append(d.with_annotations(mentions, ()))
        return out

    def tag(self, doc: Document) -> Document:
        return self.tag_many([doc])[0]


def _kind(tag_type: str) -> str:
    return "CHEMICAL" if tag_type == "CHEMICAL" else "GENE"
