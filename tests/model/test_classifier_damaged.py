"""A damaged model folder is named in one error, not a traceback from json, transformers or safetensors."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnet.errors import RelnetError
from relnet.model.classifier import META_FILE, MODEL_FILE, RelationClassifier
from relnet.model.tiny import save_tiny_relation_classifier


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / META_FILE).write_text("{oops"), "a damaged model folder \\(JSONDecodeError"),
        (lambda f: (f / MODEL_FILE).write_bytes((f / MODEL_FILE).read_bytes()[:100]), "a damaged model folder"),
        (lambda f: (f / MODEL_FILE).unlink(), "not a relnet model folder"),
    ],
)
def test_a_damaged_model_folder_is_one_error(tmp_path: Path, damage, message: str) -> None:
    folder = save_tiny_relation_classifier(tmp_path / "m", [0.0] * 6)
    assert RelationClassifier.load(folder).labels  # sound before
    damage(folder)
    with pytest.raises(RelnetError, match=message):
        RelationClassifier.load(folder)
    with pytest.raises(RelnetError, match="model folder not found"):
        RelationClassifier.load(tmp_path / "nowhere")
