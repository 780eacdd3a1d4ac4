from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForTokenClassification
from typer.testing import CliRunner

from relnet.errors import RelnetError
from relnet.model.encoder import PairEncoder
from relnet.pretraining import PretrainConfig, pretrain
from relnet.pretraining.loop import BlockOrder, mlm_loss
from tests.pretraining.test_data import write_unlabeled


def _config(out: Path, corpus: Path, encoder: Path, **kw) -> PretrainConfig:
    base = dict(sources=[str(corpus)], exclude_splits=[], encoder=str(encoder), output_dir=str(out),
                max_seq_length=16, batch_size=2, max_steps=7, lr=1e-3, seed=3, checkpoint_minutes=0)  # fmt: skip
    return PretrainConfig(**{**base, **kw})


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    return load_file(str(folder / "model.safetensors"))


def test_loop_sparse_mlm_loss_equals_the_full_head(tiny_encoder: Path) -> None:
    from transformers import AutoModelForMaskedLM

    model = AutoModelForMaskedLM.from_pretrained(str(tiny_encoder)).eval()  # eval: no dropout
    ids = torch.randint(1000, 2000, (3, 12))
    attention = torch.ones_like(ids)
    attention[2, 8:] = 0
    labels = torch.full_like(ids, -100)
    labels[0, 3], labels[1, 5], labels[2, 1] = 7, 8, 9
    full = model(input_ids=ids, attention_mask=attention, labels=labels).loss
    assert torch.allclose(mlm_loss(model, ids, attention, labels), full, atol=1e-6)
    assert mlm_loss(model, ids, attention, torch.full_like(ids, -100)) == 0


def test_loop_block_order_covers_each_block_once_per_epoch() -> None:
    order = BlockOrder(9, 4, seed=1)
    epoch0 = torch.cat([order(s) for s in range(3)]).tolist()
    epoch1 = torch.cat([order(s) for s in range(3, 6)]).tolist()
    assert sorted(epoch0) == sorted(epoch1) == list(range(9)) and epoch0 != epoch1
    assert torch.equal(BlockOrder(9, 4, seed=1)(4), order(4))  # a function of (seed, step) only


@pytest.mark.parametrize("whole_word", [False, True])
def test_loop_resume_equals_uninterrupted(tmp_path: Path, tiny_encoder: Path, whole_word: bool) -> None:
    corpus = write_unlabeled(tmp_path / "abstracts-000.tsv")
    a = pretrain(_config(tmp_path / "a", corpus, tiny_encoder, whole_word_masking=whole_word))
    assert a["finished"] and a["blocks"] > 2 and a["total_steps"] == 7
    config_b = _config(tmp_path / "b", corpus, tiny_encoder, whole_word_masking=whole_word)
    partial = pretrain(config_b, stop_at=3)
    assert not partial["finished"] and not (tmp_path / "b/final").exists()
    b = pretrain(config_b, resume=True)
    assert b["finished"] and b["session_steps"] == 4 and b["tokens_seen"] == a["tokens_seen"]
    wa, wb = _weights(tmp_path / "a/final"), _weights(tmp_path / "b/final")
    assert wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)
    ca, cb = _weights(tmp_path / "a/checkpoint"), _weights(tmp_path / "b/checkpoint")
    assert all(torch.equal(ca[k], cb[k]) for k in ca)  # the MLM head too


def test_loop_final_is_an_encoder_folder_relnet_loads(tmp_path: Path, tiny_encoder: Path) -> None:
    corpus = write_unlabeled(tmp_path / "abstracts-000.tsv")
    pretrain(_config(tmp_path / "run", corpus, tiny_encoder, max_steps=2, checkpoint_minutes=1e-9))
    final = tmp_path / "run/final"
    config = json.loads((final / "config.json").read_text())
    assert config["architectures"] == ["BertModel"] and (final / "tokenizer.json").is_file()
    enc = PairEncoder.from_pretrained(str(final), "tokens", max_length=32)  # `relnet train --encoder`
    assert AutoModelForTokenClassification.from_pretrained(str(final), num_labels=5)  # `relnet train-ner --encoder`
    before, after = _weights(tiny_encoder), _weights(final)
    key = "embeddings.word_embeddings.weight"
    assert torch.equal(enc.transformer.state_dict()[key][: before[key].shape[0]], after[key])
    assert not torch.equal(before["encoder.layer.0.attention.self.query.weight"],
                           after["encoder.layer.0.attention.self.query.weight"])  # fmt: skip
    with pytest.raises(RelnetError, match="not empty"):
        pretrain(_config(tmp_path / "run", corpus, tiny_encoder, max_steps=2))


def test_loop_cli_pretrain_two_steps(tmp_path: Path, tiny_encoder: Path) -> None:
    from relnet.cli import app

    corpus = write_unlabeled(tmp_path / "abstracts-000.tsv")
    args = ["pretrain", "--sources", str(corpus), "--exclude-splits", "", "--encoder", str(tiny_encoder),
            "--output-dir", str(tmp_path / "cli"), "--max-seq-length", "16", "--batch-size", "2",
            "--max-steps", "2"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli/final/model.safetensors").is_file() and "tokens/s" in result.output


def test_loop_frozen_encoder_warms_up_the_head_then_a_run_continues_from_it(tmp_path: Path, tiny_encoder: Path) -> None:
    from transformers import AutoModelForMaskedLM

    corpus = write_unlabeled(tmp_path / "abstracts-000.tsv")
    warm = pretrain(_config(tmp_path / "warm", corpus, tiny_encoder, max_steps=3, freeze_encoder=True))
    torch.manual_seed(3)  # the head pretrain initialised (same seed, same order)
    start = AutoModelForMaskedLM.from_pretrained(str(tiny_encoder)).state_dict()
    head = _weights(tmp_path / "warm/checkpoint")
    encoder_keys = [k for k in head if k.startswith("bert.")]
    head_keys = [k for k in head if k.startswith("cls.") and k in start]
    assert encoder_keys and head_keys and warm["trainable_parameters"] < sum(p.numel() for p in start.values())
    assert all(torch.equal(head[k], start[k]) for k in encoder_keys)  # the encoder did not move
    assert any(not torch.equal(head[k], start[k]) for k in head_keys)  # the head did
    # the second phase starts from the warmed-up head (checkpoint/ is an MLM folder) and trains everything
    pretrain(_config(tmp_path / "tune", corpus, str(tmp_path / "warm/checkpoint"), max_steps=2, lr=1e-4))
    tuned = _weights(tmp_path / "tune/final")
    key = "encoder.layer.0.attention.self.query.weight"
    assert not torch.equal(tuned[key], head["bert." + key])
