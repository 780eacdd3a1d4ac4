"""A model's class probabilities for the pairs it has already scored, kept on disk.

`relnet pseudo-label` runs a gate and a teacher over tens of thousands of abstracts: an hour and more on a
laptop's cores. With the cache, a run killed at a session's end resumes where it stopped (the pairs scored so far
are looked up, not predicted again), and a second run with the same model — another teacher, another cap, a
larger ``--max-docs`` — pays only for the pairs it has not seen. Distillation's teacher passes resume the same way
(`relnet.training.distill`, a folder per pass). `relnet cache list|clear` shows and deletes what is kept.

Keyed by the model's content and arithmetic (`cache_id`: the store's `model_id`, plus any backend but fp32) and by
what the model sees of a pair (`example_key`, hashed): one folder per model under ``RELNET_HOME/pair-probs``, one
append-only JSONL file per writing process (two runs may share a model), flushed after each chunk of whole
batches; only complete lines are read, so a line cut short by a kill is never taken up, and a chunk only partly on
disk is predicted again whole. Probabilities are stored as the float32 values the model gave, so a lookup returns
exactly what a prediction in the same batch returned. Safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import torch

from relnet.data import Example
from relnet.errors import RelnetError
from relnet.model.classifier import RelationClassifier
from relnet.model.identity import model_id
from relnet.paths import write_text
from relnet.progress import progress as progress_bar

log = logging.getLogger("relnet")

# under relnet.registry.home(): models' scores per pair (here), distillation's teacher targets per example set
PAIR_CACHE, TEACHER_CACHE = "pair-probs", "teacher-probs"
UNFINISHED = ".unfinished"  # suffix of a distillation pass's folder in TEACHER_CACHE until its targets are whole
SOURCE = "model.json"  # in a model's pair-probs folder: where the model was first read from (for people only)


def example_key(e: Example) -> str:
    """What a model sees of an example: its text and marked spans (a cache shared between runs must not
    confuse two corpora that reuse ids)."""
    return (
        f"{e.doc_id}|{e.head_id}|{e.tail_id}|{e.offset}|{e.head.as_list()}|{e.tail.as_list()}|"
        f"{e.head_kind}|{e.tail_kind}|{e.text}"
    )


def cache_id(folder: str | Path, backend: str) -> str:
    """A model's key in the probability caches: its weights and the arithmetic that ran them. bf16/int8 predict
    other probabilities (as in the store's `model_id`); a GPU's fp32 differs from the CPU's at rounding level only,
    which the store ignores, but a cache must not, or a rerun on the CPU would not repeat the CPU's run bit for bit;
    likewise ONNX Runtime's fp32 against PyTorch's."""
    from relnet.model.hardware import LOSSY

    return model_id(folder, backend) + ("" if backend == "fp32" or backend in LOSSY else f"+{backend}")


def folder_name(model_cache_id: str) -> str:
    """The folder of a model's scores: its `cache_id`, with no character a file system refuses."""
    return model_cache_id.replace(":", "-")


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


class CachedModel:
    """``model``'s `predict_proba` through the cache in ``folder``: pairs scored before are read back, the others
    predicted (in chunks of whole batches, see `predict_proba`) and appended to this process's own file. Before
    predicting, the files are read again from where they were last read, so a run started beside another (a gate's
    pass over the documents while the teacher still trains) takes up every pair the other has scored meanwhile.

    A score is the float32 the model gave *in the batch it was predicted in*: padding to another batch's length
    moves a probability by ~1e-7. So a pass is repeated bit for bit by a resume of the same pass (the same pairs,
    in any order, and batch size), not by a cache that other passes filled; a caller that needs exact repeats
    (distillation's targets) gives each pass its own folder."""

    def __init__(self, model: RelationClassifier, folder: str | Path, source: str | Path | None = None) -> None:
        self.model, self.folder, self.source = model, Path(folder), source
        self.labels, self.meta = model.labels, model.meta
        self.seen: dict[str, list[float]] = {}
        self.reused = 0
        self._read_up_to: dict[Path, int] = {}
        self._own = self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"  # never another run's file
        self._file: TextIO | None = None
        self._writable = True  # a read-only home: warned once, then the cache is only read
        self._refresh()

    @classmethod
    def shared(cls, model: RelationClassifier, model_folder: str | Path, backend: str) -> CachedModel:
        """The cache of the model saved in ``model_folder``, under ``RELNET_HOME/pair-probs``."""
        from relnet.registry import home

        folder = home() / PAIR_CACHE / folder_name(cache_id(model_folder, backend))
        return cls(model, folder, Path(model_folder).resolve())

    def _refresh(self) -> None:
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*.jsonl")):
                if path != self._own:
                    self._read(path)

    def _read(self, path: Path) -> None:
        """The complete lines of ``path`` not read yet (a line still being written is read next time)."""
        start, width, bad = self._read_up_to.get(path, 0), len(self.labels), 0
        try:
            with path.open("rb") as f:
                f.seek(start)
                data = f.read()
        except OSError as err:
            log.warning("%s: unreadable, its pairs are predicted again (%s)", path, err)
            self._read_up_to[path] = 1 << 62
            return
        end = data.rfind(b"\n") + 1
        self._read_up_to[path] = start + end
        for line in data[:end].splitlines():
            try:
                key, probs = json.loads(line)
            except (ValueError, TypeError):  # damaged (a disk full, a hand edit): predicted again
                bad += 1
                continue
            numbers = isinstance(probs, list) and all(type(x) in (int, float) for x in probs)
            if isinstance(key, str) and numbers and len(probs) == width:
                self.seen[key] = probs
            else:
                bad += 1
        if bad:
            log.warning("%s: %d unreadable line(s) ignored; those pairs are predicted again", path, bad)

    def predict_proba(
        self, examples: Sequence[Example], batch_size: int = 64, progress: bool = False, chunk_batches: int = 16
    ) -> torch.Tensor:
        """(N, C) for ``examples``. Each distinct pair once, in one order whatever the list's: by token length (as
        the model batches), ties by the pair's key. That order is cut into chunks of ``chunk_batches`` whole
        batches; a chunk whose pairs are all cached is read back, any other is predicted whole, its scores appended
        as it ends. So a pass's scores do not depend on the list's order or repeats (students of other seeds), and a
        pass killed anywhere — even with a chunk half on disk — and started again predicts the same batches for the
        rest: it ends bit for bit where the uninterrupted pass would have."""
        keys = [_digest(example_key(e)) for e in examples]
        if any(k not in self.seen for k in keys):
            self._refresh()
        predicted: set[str] = set()
        if any(k not in self.seen for k in keys):
            first: dict[str, int] = {}
            for i, k in enumerate(keys):
                first.setdefault(k, i)
            unique = list(first.values())
            feats = self.model.encoder.tokenize([examples[i] for i in unique])
            order = sorted(range(len(unique)), key=lambda j: (len(feats[j].input_ids), keys[unique[j]]))
            step = batch_size * chunk_batches  # whole batches: the model keeps a sorted chunk's order (stable sort)
            chunks = [order[s : s + step] for s in range(0, len(order), step)]
            todo = [c for c in chunks if any(keys[unique[j]] not in self.seen for j in c)]
            for part in progress_bar(todo, desc="predict", unit="chunk", disable=not progress):
                probs = self.model.predict_proba([feats[j] for j in part], batch_size)
                lines = []
                for j, p in zip(part, probs.tolist()):
                    key = keys[unique[j]]
                    self.seen[key] = p
                    predicted.add(key)
                    lines.append(json.dumps([key, p]) + "\n")
                self._append("".join(lines))
        self.reused += sum(k not in predicted for k in keys)
        return torch.tensor([self.seen[k] for k in keys], dtype=torch.float32).reshape(len(keys), len(self.labels))

    def _append(self, text: str) -> None:
        if not self._writable:
            return
        try:
            if self._file is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                if self.source is not None and not (self.folder / SOURCE).exists():  # for `relnet cache list`
                    write_text(self.folder / SOURCE, json.dumps({"model": str(self.source)}) + "\n")
                self._file = self._own.open("a", encoding="utf-8")
            self._file.write(text)
            self._file.flush()
        except OSError as err:  # a read-only home costs only the reuse
            self._writable = False
            log.warning("pair probabilities: not cached (%s)", err)


# -- what the cache holds, and removing it (`relnet cache`) ------------------------------------------------------
@dataclass(frozen=True)
class CacheEntry:
    """One model's pair scores (a folder), one set of distillation teacher targets (a ``.pt`` file) or the scores of
    a distillation pass killed before its targets were whole (a folder)."""

    path: Path
    kind: str  # "pair scores" | "teacher targets" | "unfinished pass" | "unreadable"
    model: str  # the model's cache id, or the teachers' ids
    items: int  # scores (lines: a pair scored twice counts twice) / examples; -1 when unreadable
    size: int  # bytes
    modified: float  # the last write (epoch seconds): reads leave no trace

    def idle_days(self, now: float | None = None) -> float:
        return ((time.time() if now is None else now) - self.modified) / 86400


def cache_entries(home: Path | None = None) -> list[CacheEntry]:
    """What ``RELNET_HOME`` (or ``home``) caches — each model's pair scores, each set of teacher targets, each
    distillation pass killed before its targets were whole —, oldest write first. Hidden files (a write in
    progress) are left out, and so is an entry deleted while it is read (a `clear` beside this)."""
    if home is None:
        from relnet.registry import home as relnet_home

        home = relnet_home()
    entries = []
    for path in [*_visible(home / PAIR_CACHE), *_visible(home / TEACHER_CACHE)]:
        try:
            entry = _entry(path)
        except FileNotFoundError:  # deleted while read
            continue
        except OSError:  # listed, so that it is not silently missing from `list` and `clear`
            entry = CacheEntry(path, "unreadable", "?", -1, 0, 0.0)
        if entry is not None:
            entries.append(entry)
    return sorted(entries, key=lambda e: e.modified)


def _entry(path: Path) -> CacheEntry | None:
    if path.is_dir():  # a model's pair scores, or an unfinished pass: one folder of them per teacher
        folders = [path] if path.parent.name == PAIR_CACHE else [p for p in path.iterdir() if p.is_dir()]
        files = [f for folder in folders for f in folder.glob("*.jsonl") if f.is_file()]
        size, lines = sum(f.stat().st_size for f in files), sum(_complete_lines(f) for f in files)
        written = max((f.stat().st_mtime for f in files), default=path.stat().st_mtime)
        if path.parent.name == PAIR_CACHE:
            return CacheEntry(path, "pair scores", _source(path) or path.name, lines, size, written)
        if path.name.endswith(UNFINISHED):
            teachers = ", ".join(_source(f) or f.name for f in folders)
            return CacheEntry(path, "unfinished pass", teachers, lines, size, written)
        return None
    if path.suffix != ".pt" or not path.is_file():
        return None
    try:
        saved = torch.load(path, weights_only=True)
        teachers, items = ", ".join(saved["teachers"]), int(saved["probs"].shape[0])
    except Exception:  # noqa: BLE001 - a truncated or foreign file is listed as unreadable, not a traceback
        teachers, items = "?", -1
    stat = path.stat()
    return CacheEntry(path, "teacher targets", teachers, items, stat.st_size, stat.st_mtime)


def _source(folder: Path) -> str | None:
    try:
        return f"{json.loads((folder / SOURCE).read_text(encoding='utf-8'))['model']} ({folder.name})"
    except (OSError, ValueError, KeyError, TypeError):  # older caches have no such file
        return None


def _visible(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
    except OSError as err:
        raise RelnetError(f"{folder}: cannot be read ({err.strerror or err})") from None


def _complete_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            count += block.count(b"\n")
    return count


def remove_entries(entries: Sequence[CacheEntry]) -> list[CacheEntry]:
    """Delete ``entries``; returns those now gone (a folder only partly deletable stays, with what is left). A run
    using one meanwhile predicts its pairs again; what it scores after the deletion is kept only in its memory."""
    gone = []
    for entry in entries:
        try:
            if entry.path.is_dir():
                shutil.rmtree(entry.path)
            else:
                entry.path.unlink(missing_ok=True)
        except OSError as err:
            log.warning("%s: not deleted (%s)", entry.path, err.strerror or err)
        if not entry.path.exists():
            gone.append(entry)
    return gone
