"""relnet/workflows/ensemble.py: probability and weight averaging, the ensemble evaluation and its command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from typer.testing import CliRunner

from relnet.errors import RelnetError
from relnet.examples.labels import get_scheme
from relnet.model.classifier import RelationClassifier
from relnet.model.encoder import PairEncoder
from relnet.workflows.ensemble import Ensemble, average_checkpoints, average_probabilities, evaluate_ensemble


def _saved(folder: Path, encoder: Path, seed: int, scheme: str = "cpr", encoder_name: str = "") -> Path:
    torch.manual_seed(seed)
    enc = PairEncoder.from_pretrained(str(encoder), "punct", max_length=64)
    meta = {"scheme": scheme, "config": {"encoder": encoder_name or str(encoder)}}
    return RelationClassifier(enc, list(get_scheme(scheme).labels), 0.0, meta).save(folder)


def test_ensemble_average_probabilities_by_hand() -> None:
    a = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    b = torch.tensor([[0.5, 0.5], [0.6, 0.4], [0.0, 1.0]])
    mean = average_probabilities([a, b])
    assert torch.allclose(mean, torch.tensor([[0.7, 0.3], [0.4, 0.6], [0.3, 0.7]]))
    assert mean.argmax(-1).tolist() == [0, 1, 1]  # b's confident vote flips the third example
    with pytest.raises(RelnetError, match="shape"):
        average_probabilities([a, b[:2]])
    with pytest.raises(RelnetError, match="at least one"):
        average_probabilities([])


def test_ensemble_rejects_members_with_other_labels(tmp_path: Path, tiny_encoder: Path) -> None:
    a = RelationClassifier.load(_saved(tmp_path / "a", tiny_encoder, 1))
    b = RelationClassifier.load(_saved(tmp_path / "b", tiny_encoder, 2, scheme="coarse5"))
    with pytest.raises(RelnetError, match="cannot combine"):
        Ensemble([a, b])
    with pytest.raises(RelnetError, match="cannot combine"):
        average_checkpoints([tmp_path / "a", tmp_path / "b"])


def test_ensemble_predict_is_the_mean_of_the_members(tmp_path: Path, tiny_encoder: Path, split_dir: Path) -> None:
    from relnet.examples.dataset import load_examples

    examples, _ = load_examples(split_dir, get_scheme("cpr"))
    members = [RelationClassifier.load(_saved(tmp_path / str(s), tiny_encoder, s)) for s in (1, 2)]
    probs = Ensemble(members).predict_proba(examples)
    expected = (members[0].predict_proba(examples) + members[1].predict_proba(examples)) / 2
    assert torch.allclose(probs, expected)
    assert [p.label for p in Ensemble(members).predict(examples)] == [members[0].labels[i] for i in probs.argmax(-1)]


def test_ensemble_checkpoint_average_is_the_mean_of_the_weights(tmp_path: Path, tiny_encoder: Path) -> None:
    folders = [_saved(tmp_path / str(s), tiny_encoder, s) for s in (1, 2)]
    averaged = average_checkpoints(folders)
    wa, wb = (load_file(str(f / "model.safetensors")) for f in folders)
    state = averaged.state_dict()
    assert not torch.equal(wa["head.weight"], wb["head.weight"])
    for key, value in wa.items():
        expected = (value + wb[key]) / 2 if value.is_floating_point() else value
        assert torch.allclose(state[key], expected), key
    assert averaged.meta["averaged_from"] == [str(f) for f in folders]
    other = _saved(tmp_path / "other", tiny_encoder, 3, encoder_name="another-encoder")
    with pytest.raises(RelnetError, match="one encoder"):
        average_checkpoints([folders[0], other])


def test_ensemble_evaluation_reports_members_prefixes_and_weight_average(
    tmp_path: Path, tiny_encoder: Path, dev_dir: Path
) -> None:
    folders = [_saved(tmp_path / str(s), tiny_encoder, s) for s in (1, 2, 3)]
    result = evaluate_ensemble(folders, dev_dir, tmp_path / "out", average_weights=True)
    names = [r["name"] for r in result["rows"]]
    assert len(names) == 3 + 2 + 1 and names[3:] == ["mean of first 2", "mean of first 3", "weight average of 3"]
    assert result["main_score"] == "official F1" and all(r["official"] is not None for r in result["rows"])
    assert result["rows"][4]["gain"] == pytest.approx(result["rows"][4]["main"] - result["rows"][3]["main"])
    assert result["rows"][4]["seconds"] == pytest.approx(sum(r["seconds"] for r in result["rows"][:3]))
    saved = json.loads((tmp_path / "out/ensemble.json").read_text())
    assert saved["rows"][0]["scores"]["n"] == result["examples"]
    assert "mean of first 3" in (tmp_path / "out/ensemble.txt").read_text()


def test_ensemble_cli(tmp_path: Path, tiny_encoder: Path, dev_dir: Path) -> None:
    from relnet.cli import app

    folders = [str(_saved(tmp_path / str(s), tiny_encoder, s)) for s in (1, 2)]
    args = ["ensemble", *folders, "--split", str(dev_dir), "--output", str(tmp_path / "out"), "--average-weights"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "mean of first 2" in result.output and "weight average of 2" in result.output
