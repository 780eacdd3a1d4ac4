"""relnet/model/prob_cache.py: a model's pair probabilities on disk, read back exactly, a torn line ignored."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest
import torch

from relnet.data import Example, Span
from relnet.model.classifier import RelationClassifier
from relnet.model.prob_cache import CachedModel, _digest, cache_id, example_key
from relnet.model.tiny import save_tiny_relation_classifier


def _examples(n: int) -> list[Example]:
    text = "Aspirin inhibits COX-2 and blocks EGFR in platelets."
    return [Example(f"d{i}", text, Span(0, 7), Span(17, 22) if i % 2 else Span(34, 38), "", head_id="T1",
                    tail_id=f"T{i}") for i in range(n)]  # fmt: skip


def test_cached_model_returns_exactly_what_the_model_predicted(tmp_path: Path, monkeypatch, caplog) -> None:
    folder = save_tiny_relation_classifier(tmp_path / "m", [0.0, 1.0, 0.5, -1.0, 0.2, 0.1], random_head=True)
    model = RelationClassifier.load(folder)
    examples = _examples(6)
    direct = model.predict_proba(examples, 4)
    cached = CachedModel.shared(model, folder, "fp32")
    assert cached.folder.name == cache_id(folder, "fp32").replace(":", "-")
    assert not cached.folder.exists()  # nothing written before the first prediction
    first = cached.predict_proba(examples[:3], 1, chunk_batches=1)  # a chunk per pair: each read back or predicted
    assert torch.equal(first, model.predict_proba(examples[:3], 1)) and cached.reused == 0
    assert json.loads((cached.folder / "model.json").read_text()) == {"model": str(folder.resolve())}
    # a second process with the same model: the three scored pairs are read back bit for bit, three predicted
    calls = []
    real = RelationClassifier.predict_proba

    def counting(self, exs, batch_size=64, progress=False):
        calls.append(len(exs))
        return real(self, exs, batch_size, progress)

    monkeypatch.setattr(RelationClassifier, "predict_proba", counting)
    again = CachedModel.shared(model, folder, "fp32")
    both = again.predict_proba(examples, 1, chunk_batches=1)
    assert calls == [1, 1, 1] and again.reused == 3
    assert torch.equal(both[:3], first) and torch.allclose(both, direct, atol=1e-6)
    # a run killed mid-write leaves a line cut short: never read; a damaged whole line: ignored with a warning
    cache_file = next(again.folder.glob("*.jsonl"))
    cache_file.write_text(cache_file.read_text() + '["abc", [0.1, 0.')
    (again.folder / "damaged.jsonl").write_text("not json\n")
    with caplog.at_level(logging.WARNING, logger="relnet"):
        third = CachedModel.shared(model, folder, "fp32")
    assert "damaged.jsonl: 1 unreadable line(s) ignored" in caplog.text and len(third.seen) == 6
    assert cache_file.name not in caplog.text  # the line cut short was not read at all
    assert torch.equal(third.predict_proba(examples, 1, chunk_batches=1), both) and calls == [1, 1, 1]


def test_cached_model_takes_up_what_a_run_beside_it_scores(tmp_path: Path, monkeypatch) -> None:
    """A gate's pass started beside the labelling run: the labelling run finds the pairs scored since it began."""
    folder = save_tiny_relation_classifier(tmp_path / "m", [0.0] * 6, random_head=True)
    model = RelationClassifier.load(folder)
    labelling, ahead = CachedModel.shared(model, folder, "fp32"), CachedModel.shared(model, folder, "fp32")
    examples = _examples(8)
    scored = ahead.predict_proba(examples[:6], 1, chunk_batches=1)
    calls = []
    real = RelationClassifier.predict_proba
    monkeypatch.setattr(RelationClassifier, "predict_proba",
                        lambda self, exs, *a, **k: calls.append(len(exs)) or real(self, exs, *a, **k))  # fmt: skip
    assert torch.equal(labelling.predict_proba(examples[:6], 1, chunk_batches=1), scored)
    assert calls == [] and labelling.reused == 6
    labelling.predict_proba(examples, 1, chunk_batches=1)
    assert calls == [1, 1] and len(list(labelling.folder.glob("*.jsonl"))) == 2  # one file per process


def test_cached_model_is_per_model_and_backend(tmp_path: Path) -> None:
    a = save_tiny_relation_classifier(tmp_path / "a", [0.0] * 6, random_head=True, seed=1)
    b = save_tiny_relation_classifier(tmp_path / "b", [0.0] * 6, random_head=True, seed=2)
    assert cache_id(a, "fp32") != cache_id(b, "fp32")
    ids = {cache_id(a, backend) for backend in ("fp32", "bf16", "int8", "onnx", "cuda")}
    assert len(ids) == 5  # ONNX Runtime's fp32 and a GPU's round differently from PyTorch's on the CPU
    cached = CachedModel.shared(RelationClassifier.load(a), a, "fp32")
    cached.predict_proba(_examples(2), 4)
    other = CachedModel.shared(RelationClassifier.load(b), b, "fp32")
    assert other.seen == {} and len(cached.seen) == 2


def test_cached_model_skips_damaged_lines_and_a_read_only_cache(tmp_path: Path, caplog) -> None:
    folder = save_tiny_relation_classifier(tmp_path / "m", [0.0] * 6)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "1.jsonl").write_text('5\nnull\n["k", ["a", 0, 0, 0, 0, 0]]\n["ok", [0, 0, 0, 0, 0, 1]]\n')
    with caplog.at_level(logging.WARNING, logger="relnet"):
        cached = CachedModel(RelationClassifier.load(folder), cache)
    assert cached.seen == {"ok": [0, 0, 0, 0, 0, 1]} and "3 unreadable line(s) ignored" in caplog.text
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="relnet"):
        unwritable = CachedModel(RelationClassifier.load(folder), blocked / "cache")
        for n in (1, 2, 3):
            assert unwritable.predict_proba(_examples(n), 4).shape == (n, 6)
    assert caplog.text.count("not cached") == 1  # warned once, not for every call


@pytest.mark.parametrize("width", [5, 7])
def test_cached_model_ignores_lines_of_another_label_count(tmp_path: Path, width: int) -> None:
    folder = save_tiny_relation_classifier(tmp_path / "m", [0.0] * 6)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "1.jsonl").write_text(f'["k", {[0.1] * width}]\n')
    assert CachedModel(RelationClassifier.load(folder), cache).seen == {}


def test_relnet_cache_lists_and_clears_what_runs_left(tmp_path: Path) -> None:
    """`relnet cache list` counts each model's scored pairs and size; `clear --older-than` deletes only the entries
    not written to for that long, and asks first unless --yes."""
    import os
    import time

    from typer.testing import CliRunner

    from relnet.cli import app
    from relnet.model.prob_cache import cache_entries

    runner, env = CliRunner(), {"RELNET_HOME": str(tmp_path / "home")}
    assert "nothing cached" in runner.invoke(app, ["cache", "list"], env=env).output
    for name, n in (("old", 4), ("new", 2)):
        folder = save_tiny_relation_classifier(tmp_path / name, [0.0, 1.0, float(n), -1.0, 0.2, 0.1], random_head=True)
        cached = CachedModel(RelationClassifier.load(folder), tmp_path / "home/pair-probs" / name, source=folder)
        cached.predict_proba(_examples(n), 1, chunk_batches=1)
        cached.predict_proba(_examples(n + 1), 1, chunk_batches=1)  # a second call appends the one new pair
    (tmp_path / "home/pair-probs/old/.x.tmp").write_text("a write in progress: not an entry's pair")
    week_ago = time.time() - 7 * 86400
    for f in (tmp_path / "home/pair-probs/old").glob("*.jsonl"):
        os.utime(f, (week_ago, week_ago))
    entries = cache_entries(tmp_path / "home")
    assert [(e.path.name, e.kind, e.items) for e in entries] == [("old", "pair scores", 5), ("new", "pair scores", 3)]
    assert entries[0].model == f"{tmp_path / 'old'} (old)"  # the model folder it was first read from
    assert entries[0].idle_days() == pytest.approx(7, abs=0.01) and entries[0].size > 0
    listed = runner.invoke(app, ["cache", "list"], env=env)
    assert listed.exit_code == 0 and "5 scores" in listed.output and "2 entries" in listed.output
    refused = runner.invoke(app, ["cache", "clear", "--older-than", "3"], env=env, input="n\n")
    assert refused.exit_code == 1 and len(cache_entries(tmp_path / "home")) == 2
    cleared = runner.invoke(app, ["cache", "clear", "--older-than", "3", "--yes"], env=env)
    assert cleared.exit_code == 0 and "deleted 1 cache entries" in cleared.output
    assert [e.path.name for e in cache_entries(tmp_path / "home")] == ["new"]
    assert runner.invoke(app, ["cache", "clear", "--older-than", "-1"], env=env).exit_code == 2
    assert "deleted 1" in runner.invoke(app, ["cache", "clear", "-y"], env=env).output
    assert cache_entries(tmp_path / "home") == []


def test_a_pass_killed_between_chunks_resumes_with_the_models_own_batches(tmp_path: Path, monkeypatch) -> None:
    """Chunks are whole batches of the model's length-sorted order: the scores are the uncached pass's bit for bit,
    and a pass killed after its first chunk, started again, predicts only the rest, in the same batches."""
    folder = save_tiny_relation_classifier(tmp_path / "m", [0.0, 1.0, 0.5, -1.0, 0.2, 0.1], random_head=True)
    model = RelationClassifier.load(folder)
    texts = ["Aspirin " + "very " * (i % 5) + "strongly inhibits COX-2." for i in range(9)]  # lengths to sort
    examples = [Example(f"d{i}", t, Span(0, 7), Span(t.index("COX"), len(t) - 1), "", head_id="T1", tail_id="T2")
                for i, t in enumerate(texts)]  # fmt: skip
    direct = CachedModel(model, tmp_path / "whole").predict_proba(examples, 2, chunk_batches=1)
    assert torch.allclose(direct, model.predict_proba(examples, 2), atol=1e-6)  # ties in length: keys order them
    real, seen = RelationClassifier.predict_proba, []

    def killed_after_one_chunk(self, exs, batch_size=64, progress=False):
        if seen:
            raise KeyboardInterrupt  # what a kill looks like from here: no clean-up of the chunk in flight
        seen.append(len(exs))
        return real(self, exs, batch_size, progress)

    monkeypatch.setattr(RelationClassifier, "predict_proba", killed_after_one_chunk)
    with pytest.raises(KeyboardInterrupt):
        CachedModel(model, tmp_path / "killed").predict_proba(examples, 2, chunk_batches=2)
    assert seen == [4]
    calls = []

    def counting(self, exs, batch_size=64, progress=False):
        calls.append(len(exs))
        return real(self, exs, batch_size, progress)

    monkeypatch.setattr(RelationClassifier, "predict_proba", counting)
    resumed = CachedModel(model, tmp_path / "killed")
    assert torch.equal(resumed.predict_proba(examples, 2, chunk_batches=2), direct)
    assert resumed.reused == 4 and calls == [4, 1]


def test_repeated_examples_are_predicted_once_and_a_killed_pass_still_resumes_exactly(
    tmp_path: Path, monkeypatch
) -> None:
    """Oversampling repeats examples: each pair is predicted once, and the chunks (whole batches of the pairs not
    yet scored) stay aligned when the pass is killed and started again."""
    folder = save_tiny_relation_classifier(tmp_path / "m", [0.0, 1.0, 0.5, -1.0, 0.2, 0.1], random_head=True)
    model = RelationClassifier.load(folder)
    texts = ["Aspirin " + "very " * (i % 7) + "strongly inhibits COX-2." for i in range(12)]
    unique = [Example(f"d{i}", t, Span(0, 7), Span(t.index("COX"), len(t) - 1), "", head_id="T1", tail_id="T2")
              for i, t in enumerate(texts)]  # fmt: skip
    examples = unique + unique[::2] + unique[::3]  # 12 pairs, 22 examples
    real, calls = RelationClassifier.predict_proba, []

    def counting(self, exs, batch_size=64, progress=False):
        calls.append(len(exs))
        if len(calls) == 3 and stop_at_third:
            raise KeyboardInterrupt
        return real(self, exs, batch_size, progress)

    monkeypatch.setattr(RelationClassifier, "predict_proba", counting)
    stop_at_third = False
    whole = CachedModel(model, tmp_path / "whole").predict_proba(examples, 2, chunk_batches=2)
    assert calls == [4, 4, 4]  # 12 pairs once each
    assert torch.equal(whole, torch.cat([whole[:12], whole[0:12:2], whole[0:12:3]]))  # a repeat: the same row
    shuffled = list(range(len(examples)))
    random.Random(0).shuffle(shuffled)  # another seed's order: the same batches, the same bits
    other = CachedModel(model, tmp_path / "shuffled").predict_proba([examples[i] for i in shuffled], 2, chunk_batches=2)
    assert torch.equal(other, whole[shuffled])
    calls.clear()
    stop_at_third = True
    with pytest.raises(KeyboardInterrupt):
        CachedModel(model, tmp_path / "killed").predict_proba(examples, 2, chunk_batches=2)
    calls.clear()
    stop_at_third = False
    resumed = CachedModel(model, tmp_path / "killed")
    assert len(resumed.seen) == 8  # two chunks of 4 pairs written before the kill
    before = sum(_digest(example_key(e)) in resumed.seen for e in examples)  # those pairs and their repeats
    assert torch.equal(resumed.predict_proba(examples, 2, chunk_batches=2), whole)
    assert calls == [4] and resumed.reused == before
    # a chunk only half on disk (a short write at a kill, a full disk): predicted again whole, the same batches
    files = {f: f.read_text().splitlines(keepends=True) for f in (tmp_path / "killed").glob("*.jsonl")}
    [(written, lines)] = [(f, lines) for f, lines in files.items() if len(lines) == 8]  # the killed pass's
    for f in files:
        f.unlink()
    written.write_text("".join(lines[:6]))  # chunk 1 and half of chunk 2
    calls.clear()
    assert torch.equal(CachedModel(model, tmp_path / "killed").predict_proba(examples, 2, chunk_batches=2), whole)
    assert calls == [4, 4]
