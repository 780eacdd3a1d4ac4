"""Fixtures of the web tests: a tiny model that calls every pair CPR:3, a lexicon tagger and a small store."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_samples import NAMES, write_store

from relnet.mentions import LexiconTagger


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised classifier whose head calls every candidate pair CPR:3 (so graphs are never empty)."""
    from relnet.model.tiny import save_tiny_relation_classifier

    return save_tiny_relation_classifier(tmp_path_factory.mktemp("model"), [0.0, 10.0, 0.0, 0.0, 0.0, 0.0])


@pytest.fixture
def tagger() -> LexiconTagger:
    return LexiconTagger(NAMES)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store.sqlite")
