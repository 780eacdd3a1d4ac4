"""The commands over a mined store refuse what would destroy or misread it: an output that is the store itself,
filters that are not numbers a store can hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from relnet.cli import app
from relnet.data import CHEMICAL, GENE, Document, Mention, Relation
from relnet.store import RelationStore

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    text = "Aspirin inhibits COX-2 in platelets."
    doc = Document("101", text, (Mention("T1", 0, 7, "Aspirin", CHEMICAL), Mention("T2", 17, 22, "COX-2", GENE)))
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as s:
        s.add_batch([(doc, [Relation("101", "T1", "T2", "CPR:4", "CPR:4", score=0.9)])], model_id="m")
    return path


@pytest.mark.parametrize("argv", [
    ["network", "html", "{s}", "{o}"], ["network", "export", "{s}", "{o}"],
    ["network", "export", "{s}", "{o}", "--format", "csv"], ["store", "export", "{s}", "{o}"],
    ["store", "export", "{s}", "{o}", "--format", "pubtator"], ["evaluate-mining", "{s}", "{s}", "--output", "{o}"],
])  # fmt: skip
def test_an_output_that_is_the_store_is_refused_and_the_store_kept(store: Path, argv: list[str]) -> None:
    before = store.read_bytes()
    result = runner.invoke(app, [a.format(s=store, o=store) for a in argv])
    assert result.exit_code == 2 and "the command reads this file" in result.output, result.output
    assert store.read_bytes() == before
    if argv[0] != "evaluate-mining":  # (its split is no split: the refusal above came first)
        other = store.with_suffix(".out")
        result = runner.invoke(app, [a.format(s=store, o=other) for a in argv])
        assert result.exit_code == 0 and other.stat().st_size > 0, result.output
