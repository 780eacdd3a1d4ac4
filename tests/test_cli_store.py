"""The commands over a mined store refuse what would destroy or misread it: an output that is the store itself,
filters that are not numbers a store can hold."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from relnet.cli import app
from relnet.corpus.bioc_io import read_bioc
from relnet.data import CHEMICAL, GENE, Document, Mention, Relation
from relnet.network.export import export_graph
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


def test_nul_and_control_characters_keep_sentences_whole_and_exports_readable(tmp_path: Path) -> None:
    # a NUL cut the evidence sentence short (SQLite's substr stops there); a \x01 or form feed broke GraphML and BioC
    text = "In vitro\x00 aspirin inhibits Asp\x01irin-target COX-2 in cells.\x0c"
    mentions = (Mention("T1", 10, 17, "aspirin", CHEMICAL), Mention("T2", 27, 48, "Asp\x01irin-target COX-2", GENE))
    doc = Document("1", text, mentions)
    store = tmp_path / "s.sqlite"
    with RelationStore(store) as s:
        s.add_batch([(doc, [Relation("1", "T1", "T2", "CPR:4", "CPR:4", score=0.9)])], model_id="m")
    cyjs = tmp_path / "n.cyjs"
    assert runner.invoke(app, ["network", "export", str(store), str(cyjs), "--format", "cyjs"]).exit_code == 0
    (edge,) = json.loads(cyjs.read_text())["elements"]["edges"]
    (sentence,) = edge["data"]["sentences"]
    assert sentence["text"].startswith("In vitro  aspirin") and sentence["text"][slice(*sentence["head"])] == "aspirin"
    for argv in (["network", "export", str(store), str(tmp_path / "n.graphml")],
                 ["store", "export", str(store), str(tmp_path / "s.xml")]):  # fmt: skip
        result = runner.invoke(app, argv)
        assert result.exit_code == 0 and Path(argv[-1]).stat().st_size > 0, result.output
    graph = nx.read_graphml(tmp_path / "n.graphml")
    assert sorted(d["name"] for _, d in graph.nodes(data=True))[0].startswith("Asp irin")
    (back,) = read_bioc(tmp_path / "s.xml")
    assert back.text == text.replace("\x00", " ").replace("\x01", " ").replace("\x0c", " ")  # offsets kept
    assert [back.text[m.start : m.end] for m in back.mentions] == ["aspirin", "Asp irin-target COX-2"]


def test_a_store_holding_a_nul_from_an_older_relnet_takes_a_second_models_relations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relnet.store.sqlite as sqlite

    doc = Document("1", "Aspirin\x00 inhibits COX-2.", (Mention("T1", 0, 7, "Aspirin", CHEMICAL),
                                                        Mention("T2", 18, 23, "COX-2", GENE)))  # fmt: skip
    rels = [Relation("1", "T1", "T2", "CPR:4", "CPR:4", score=0.9)]
    with monkeypatch.context() as m, RelationStore(tmp_path / "s.sqlite") as s:
        m.setattr(sqlite, "without_nul", lambda d: d)  # as relnet stored it before NULs became spaces
        s.add_batch([(doc, rels)], model_id="m1")
    with RelationStore(tmp_path / "s.sqlite") as s:
        s.add_batch([(doc, rels)], model_id="m2")  # was: "stored with another text or other mentions"
        assert s.done_ids("m2") == {"1"}


def test_graphml_keeps_entities_whose_keys_differ_only_in_control_characters(tmp_path: Path) -> None:
    graph = nx.MultiDiGraph()
    for i, key in enumerate(["GENE:a\x01b", "GENE:a\x02b"]):
        graph.add_node(f"CHEMICAL:c{i}", kind=CHEMICAL, name=f"c{i}")
        graph.add_node(key, kind=GENE, name=key[5:])
        graph.add_edge(f"CHEMICAL:c{i}", key, key="CPR:4", label="CPR:4", evidence=i + 1)
    back = nx.read_graphml(export_graph(graph, tmp_path / "n.graphml", "graphml"))
    assert back.number_of_nodes() == 4 and sorted(d["evidence"] for *_, d in back.edges(data=True)) == [1, 2]
