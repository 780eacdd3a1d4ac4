"""Fixtures of the web tests: a tiny model that calls every pair CPR:3, a lexicon tagger and a small store."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_samples import NAMES, write_store

from relnet.mentions import LexiconTagger


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised classifier whose head calls every candidate pair CPR:3 (so graphs are never empty)."""
    import torch
    from transformers import AutoTokenizer, BertConfig

    from relnet.model.classifier import RelationClassifier
    from relnet.model.encoder import PairEncoder, resolve_encoder

    tok = AutoTokenizer.from_pretrained(resolve_encoder("default"))
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64)  # fmt: skip
    torch.manual_seed(0)
    enc = PairEncoder.from_config(tok, config, "punct", 64)
    clf = RelationClassifier(enc, ["false", "CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9"], meta={"scheme": "cpr"})
    with torch.no_grad():
        clf.head.weight.zero_()
        clf.head.bias.copy_(torch.tensor([0.0, 10.0, 0.0, 0.0, 0.0, 0.0]))
    return clf.save(tmp_path_factory.mktemp("model"))


@pytest.fixture
def tagger() -> LexiconTagger:
    return LexiconTagger(NAMES)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.sqlite")
