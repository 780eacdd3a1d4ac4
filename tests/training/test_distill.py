"""Distillation (soft targets from an ensemble teacher) and calibration of the negative class on held-out
training documents."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
import torch
from torch.nn import functional as F

from relnet import registry
from relnet.errors import RelnetError
from relnet.examples.dataset import load_examples
from relnet.examples.labels import get_scheme
from relnet.model.classifier import RelationClassifier
from relnet.model.identity import model_id
from relnet.model.prob_cache import TEACHER_CACHE, cache_entries
from relnet.registry import home
from relnet.training.calibrate import fit_negative_offset, holdout_documents, offset_probs
from relnet.training.config import TrainConfig
from relnet.training.distill import (
    TARGETS_FILE,
    distillation_loss,
    teacher_id,
    teacher_targets,
    tempered,
    to_training_prior,
)
from relnet.training.run import run_training


def _config(out: Path, train: Path, dev: Path, encoder: Path, **kw) -> TrainConfig:
    settings = {"max_length": 64, "batch_size": 4, "epochs": 1, "lr": 1e-3, "seed": 7, "scheme": "cpr", **kw}
    return TrainConfig(train=str(train), dev=str(dev), output_dir=str(out), encoder=str(encoder), **settings)


def _meta(folder: Path) -> dict:
    return json.loads((folder / "relnet_model.json").read_text())


def test_distillation_loss_is_cross_entropy_at_the_extremes() -> None:
    logits = torch.randn(5, 3, requires_grad=True)
    gold = torch.tensor([0, 2, 1, 1, 0])
    soft = torch.softmax(torch.randn(5, 3), -1)
    ce = F.cross_entropy(logits, gold)
    assert distillation_loss(logits, gold, soft, 1.0, 2.0).item() == pytest.approx(ce.item())
    # one-hot targets at T = 1: KL(one-hot ‖ q) = −log q[gold] = the cross-entropy
    onehot = F.one_hot(gold, 3).float()
    assert distillation_loss(logits, gold, onehot, 0.0, 1.0).item() == pytest.approx(ce.item(), abs=1e-5)
    # soft targets pull towards the teacher: the loss is smallest at the teacher's own logits
    teacher_logits = torch.log(soft)
    at_teacher = distillation_loss(teacher_logits, gold, soft, 0.0, 2.0).item()
    assert at_teacher == pytest.approx(0.0, abs=1e-6) and distillation_loss(logits, gold, soft, 0.0, 2.0).item() > 0.01
    distillation_loss(logits, gold, soft, 0.5, 2.0).backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0


def test_tempered_and_training_prior() -> None:
    z = torch.randn(4, 6)
    p = torch.softmax(z, -1)
    assert torch.allclose(tempered(p, 1.0), p, atol=1e-6)
    assert torch.allclose(tempered(p, 3.0), torch.softmax(z / 3.0, -1), atol=1e-6)
    assert tempered(p, 3.0).max() < p.max()  # flatter
    bias = torch.tensor([0.693, 0, 0, 0, 0, 0])  # log 2 on the negative class, as negative_keep 0.5 sets it
    assert torch.allclose(to_training_prior(torch.softmax(z + bias, -1), bias), p, atol=1e-6)


def test_fit_negative_offset_finds_the_decision_point() -> None:
    scheme = get_scheme("cpr")
    labels = list(scheme.labels)
    neg, pos = labels.index("false"), labels.index("CPR:4")
    probs = torch.zeros(20, len(labels))
    probs[:10, neg], probs[:10, pos] = 0.6, 0.4  # positives the model under-calls
    probs[10:, neg], probs[10:, pos] = 0.9, 0.1
    gold = ["CPR:4"] * 10 + ["false"] * 10
    cal = fit_negative_offset(probs, gold, labels, scheme, documents=3)
    assert cal.micro_f1_before == 0.0 and cal.micro_f1_after == 1.0
    # any offset in (log 0.1/0.9, log 0.4/0.6) = (−2.20, −0.41) separates them; the smallest in size is chosen
    assert cal.negative_offset == pytest.approx(-0.5)
    assert offset_probs(probs, neg, cal.negative_offset)[:10].argmax(-1).eq(pos).all()
    assert (cal.heldout_documents, cal.heldout_examples) == (3, 20)
    # already well placed: the offset stays 0
    assert fit_negative_offset(probs, ["false"] * 20, labels, scheme, 1).negative_offset == 0.0
    with pytest.raises(ValueError, match="no negative class"):
        fit_negative_offset(probs, gold, labels, get_scheme("fine"), 1)


def test_holdout_documents_seeded_fraction() -> None:
    ids = [str(i) for i in range(100)] * 3
    a = holdout_documents(ids, 0.1, 5)
    assert len(a) == 10 and a == holdout_documents(list(reversed(ids)), 0.1, 5)
    assert a != holdout_documents(ids, 0.1, 6)
    assert holdout_documents(ids, 0.0, 5) == set() and len(holdout_documents(["1"], 0.01, 5)) == 1


def test_config_checks_distillation_and_calibration_settings() -> None:
    with pytest.raises(RelnetError, match="distill_alpha"):
        TrainConfig(distill_alpha=1.5)
    with pytest.raises(RelnetError, match="distill_temperature"):
        TrainConfig(distill_temperature=0)
    with pytest.raises(RelnetError, match="negative class"):
        TrainConfig(scheme="fine", calibration_holdout=0.1)


def test_student_distils_from_teachers_and_inherits_their_documents(
    tmp_path: Path,
    split_dir: Path,
    dev_dir: Path,
    tiny_encoder: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_training(_config(tmp_path / "t1", split_dir, dev_dir, tiny_encoder, seed=1))
    run_training(_config(tmp_path / "t2", split_dir, dev_dir, tiny_encoder, seed=2, negative_keep=0.5))
    teachers = [str(tmp_path / "t1/best"), str(tmp_path / "t2/best")]
    out = tmp_path / "student"
    result = run_training(_config(out, split_dir, dev_dir, tiny_encoder, teacher=teachers, distill_alpha=0.0))
    assert result["teachers"] == teachers
    saved = torch.load(out / TARGETS_FILE, weights_only=True)
    assert saved["targets"].shape[1] == 6 and torch.allclose(saved["targets"].sum(-1), torch.ones(1))
    assert len(saved["teachers"]) == 2 and saved["teachers"][0] != saved["teachers"][1]
    assert _meta(out / "best")["trained_on"] == ["1001", "1002"]
    # teachers and the warm start may be registered names, as wherever a model is read; the run records folders
    registry.add("t1", teachers[0], make_default=False)
    named = run_training(_config(tmp_path / "named", split_dir, dev_dir, tiny_encoder, teacher=["t1"], init_from="t1"))
    assert named["teachers"] == [teachers[0]]
    assert json.loads((tmp_path / "named/config.json").read_text())["init_from"] == teachers[0]
    with pytest.raises(RelnetError, match="--teacher: t9: neither a model folder nor a registered model"):
        run_training(_config(tmp_path / "unknown", split_dir, dev_dir, tiny_encoder, teacher=["t9"]))
    # a student with alpha 0 learns from the teacher only: its training loss differs from a gold-only run
    gold_only = run_training(_config(tmp_path / "gold", split_dir, dev_dir, tiny_encoder))
    assert gold_only["teachers"] == []
    h_student = json.loads((out / "history.json").read_text())
    h_gold = json.loads((tmp_path / "gold/history.json").read_text())
    assert h_student[0]["train_loss"] != pytest.approx(h_gold[0]["train_loss"])
    # resuming the finished run reuses the cached targets
    with caplog.at_level(logging.INFO, logger="relnet"):
        run_training(_config(out, split_dir, dev_dir, tiny_encoder, teacher=teachers, distill_alpha=0.0), resume=True)
    assert "teacher targets: reused" in caplog.text
    # a student of another seed (another run folder) on the same data reuses the teachers' probabilities: no
    # teacher is loaded
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="relnet"):
        run_training(
            _config(tmp_path / "s2", split_dir, dev_dir, tiny_encoder, teacher=teachers, distill_alpha=0.0, seed=2)
        )
    assert "teacher probabilities: reused" in caplog.text and "predicting" not in caplog.text
    # the cache is aligned by content, not position: the same examples listed backwards get their rows backwards
    examples, _ = load_examples(str(split_dir), get_scheme("cpr"))
    student = RelationClassifier.load(out / "best")
    with caplog.at_level(logging.INFO, logger="relnet"):
        forward = teacher_targets(teachers, examples, student)
        backward = teacher_targets(teachers, examples[::-1], student)
    assert "predicting" not in caplog.text and torch.allclose(backward, forward.flip(0))
    assert not torch.allclose(forward[0], forward[-1])  # rows that differ, so a misalignment would show
    # the same pass without any cache: bit for bit
    bare = [RelationClassifier.load(t) for t in teachers]
    direct = torch.stack([t.predict_proba(examples) for t in bare]).mean(0)
    assert torch.equal(to_training_prior(direct, student.logit_bias), forward)
    # a pass killed during the second teacher: started again, the first teacher's scores are read back, the
    # second's predicted in the same batches, and the targets are the uninterrupted pass's bit for bit
    shutil.rmtree(home() / TEACHER_CACHE)
    real, calls = RelationClassifier.predict_proba, []

    def killed_in_the_second_teacher(self, exs, batch_size=64, progress=False):
        calls.append(len(exs))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, exs, batch_size, progress)

    monkeypatch.setattr(RelationClassifier, "predict_proba", killed_in_the_second_teacher)
    with pytest.raises(KeyboardInterrupt):
        teacher_targets(teachers, examples, student)
    [unfinished] = [e for e in cache_entries() if e.kind == "unfinished pass"]
    assert unfinished.items == len(examples) and str(Path(teachers[0]).resolve()) in unfinished.model
    monkeypatch.setattr(RelationClassifier, "predict_proba", real)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="relnet"):
        again = teacher_targets(teachers, examples, student)
    assert f"{len(examples)} of the {len(examples)} examples scored before this pass was killed" in caplog.text
    assert torch.equal(again, forward)
    # the pass is whole: its per-pair folder is gone; another example set is another pass (its own batches)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="relnet"):
        subset = teacher_targets(teachers, examples[:3], student)
    assert "predicting 3 training examples" in caplog.text and "scored before" not in caplog.text
    assert torch.allclose(subset, forward[:3], atol=1e-6)
    # a GPU teacher's probabilities are cached apart from the CPU's, though the store counts it as the same model
    assert teacher_id(teachers[0], "cuda") != teacher_id(teachers[0], "fp32") == model_id(teachers[0], "fp32")
    assert model_id(teachers[0], "cuda") == model_id(teachers[0], "fp32")
    assert teacher_id(teachers[0], "fp32") != teacher_id(teachers[1], "fp32")
    # `relnet cache list` sees the two sets of teacher targets (all examples, the first three), teachers named
    listed = cache_entries()
    both = ", ".join(teacher_id(t, "fp32") for t in teachers)
    assert sorted((e.kind, e.items) for e in listed) == [("teacher targets", 3), ("teacher targets", len(examples))]
    assert all(e.model == both for e in listed)


def test_teachers_must_match_labels_and_not_know_the_dev_split(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path
) -> None:
    run_training(_config(tmp_path / "fine", split_dir, dev_dir, tiny_encoder, scheme="fine"))
    with pytest.raises(RelnetError, match="cannot distil"):
        run_training(_config(tmp_path / "s1", split_dir, dev_dir, tiny_encoder, teacher=[str(tmp_path / "fine/best")]))
    # a teacher trained on the dev documents would leak them into the student's model selection
    run_training(_config(tmp_path / "on-dev", dev_dir, split_dir, tiny_encoder))
    with pytest.raises(RelnetError, match="trained on 2 documents of the dev split"):
        run_training(_config(tmp_path / "s2", split_dir, dev_dir, tiny_encoder, teacher=[f"{tmp_path}/on-dev/best"]))
    with pytest.raises(RelnetError, match="--teacher: .*nope: neither a model folder nor a registered model"):
        run_training(_config(tmp_path / "s3", split_dir, dev_dir, tiny_encoder, teacher=[str(tmp_path / "nope")]))
    (tmp_path / "empty").mkdir()
    with pytest.raises(RelnetError, match="empty: no such model folder"):
        run_training(_config(tmp_path / "s3", split_dir, dev_dir, tiny_encoder, teacher=[str(tmp_path / "empty")]))


def test_calibration_holdout_sets_the_negative_offset_on_training_documents(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path
) -> None:
    out = tmp_path / "cal"
    result = run_training(_config(out, split_dir, dev_dir, tiny_encoder, calibration_holdout=0.5, negative_keep=0.5))
    meta = _meta(out / "best")
    cal = meta["calibration"]
    assert cal["heldout_documents"] == 1 and cal["heldout_examples"] > 0
    assert meta["logit_bias"][0] == pytest.approx(0.6931 + cal["negative_offset"], abs=1e-3)  # log 2 + offset
    assert meta["trained_on"] == ["1001", "1002"]  # the held-out document counts as seen
    assert result["calibration"]["negative_offset"] == cal["negative_offset"]
    assert "dev_micro_f1_uncalibrated" in cal
    full = run_training(_config(tmp_path / "full", split_dir, dev_dir, tiny_encoder, negative_keep=0.5))
    assert result["train_examples"] < full["train_examples"]  # the held-out document was not trained on
    # resuming a finished run does not add the offset twice
    again = _config(out, split_dir, dev_dir, tiny_encoder, calibration_holdout=0.5, negative_keep=0.5)
    run_training(again, resume=True)
    assert _meta(out / "best")["logit_bias"] == meta["logit_bias"]
