from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from transformers import AutoTokenizer

from relnet.errors import RelnetError
from relnet.model.encoder import resolve_encoder
from relnet.pretraining.config import PretrainConfig
from relnet.pretraining.data import build_blocks, pack, read_texts, tokenize_stream
from tests.conftest import write_split


def write_unlabeled(path: Path, n: int = 6) -> Path:
    rows = [f"src\t{900 + i}\tTitle {i}.\tAspirin number {i} inhibits cyclooxygenase-2 in platelets." for i in range(n)]
    rows.append("src\t\t\tAn untitled text about metformin and OCT1.")
    rows.append("chemprot\t2001\tA development abstract.\tIt must never be read for pretraining.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("length", [8, 13, 32])
def test_pack_keeps_every_token_in_fixed_length_rows(length: int) -> None:
    stream = np.arange(1000, 1000 + 101, dtype=np.int32)
    rows = pack(stream, length, cls_id=101, pad_id=0)
    assert rows.shape[1] == length and (rows[:, 0] == 101).all()
    body = rows[:, 1:].reshape(-1).numpy()
    assert (body[: len(stream)] == stream).all() and (body[len(stream) :] == 0).all()
    assert len(body) - len(stream) < length - 1  # only the last row is padded


def test_tokenize_stream_puts_sep_after_each_document() -> None:
    tok = AutoTokenizer.from_pretrained(resolve_encoder("default"))
    stream = tokenize_stream(tok, ["aspirin inhibits cox", "metformin"], chunk=1)
    assert (stream == tok.sep_token_id).sum() == 2 and stream[-1] == tok.sep_token_id
    assert tok.cls_token_id not in stream.tolist()


def test_read_texts_unlabeled_tsv_and_training_split_without_evaluation_pmids(tmp_path: Path) -> None:
    tsv = write_unlabeled(tmp_path / "unlabeled" / "abstracts-000.tsv")
    train = write_split(tmp_path / "training")
    texts = read_texts([str(tmp_path / "unlabeled" / "abstracts-*.tsv"), str(train)], exclude_ids={"2001"})
    assert len(texts) == 7 + 2
    assert texts[0] == "Title 0. Aspirin number 0 inhibits cyclooxygenase-2 in platelets."
    assert texts[6] == "An untitled text about metformin and OCT1."
    assert not any("development" in t for t in texts) and "\t" not in texts[-1]
    assert len(read_texts([str(tsv)], max_documents=3)) == 3
    with pytest.raises(RelnetError, match="matches no file"):
        read_texts([str(tmp_path / "nothing-*.tsv")])


def test_build_blocks_drops_documents_of_the_excluded_split(tmp_path: Path) -> None:
    tsv = write_unlabeled(tmp_path / "abstracts-000.tsv")
    dev = write_split(tmp_path / "development", "development", ids=("2001", "2002"))
    tok = AutoTokenizer.from_pretrained(resolve_encoder("default"))
    blocks = build_blocks(tok, [str(tsv)], [str(dev)], 16)
    text = tok.decode(blocks.reshape(-1).tolist())
    assert "metformin" in text and "never be read" not in text
    with pytest.raises(RelnetError, match="exclude split"):
        build_blocks(tok, [str(tsv)], [str(tmp_path / "missing")], 16)


def test_config_rejects_bad_values() -> None:
    with pytest.raises(RelnetError, match="mlm_probability"):
        PretrainConfig(mlm_probability=1.5)
    with pytest.raises(RelnetError, match="sources is empty"):
        PretrainConfig(sources=[])
    assert PretrainConfig(max_tokens=16 * 128 * 10 + 1).total_steps(5) == 11
    assert PretrainConfig(epochs=2, batch_size=4).total_steps(9) == 6
