"""relnet/network/types.py: the typed node and edge attributes and the records every output is built from."""

from __future__ import annotations

import networkx as nx

from relnet.network.types import EdgeData, NodeData, SentenceData, edge_record, edges, node_record, nodes

SENTENCES = [
    SentenceData(doc_id=f"P{i}", text="Aspirin inhibits COX-2.", head=[0, 7], tail=[17, 22], score=0.5)
    for i in range(3)
]
NODE = NodeData(kind="GENE", name="COX-2", mentions=2, names=["COX-2", "Cox2"], long_forms=[], docs=["P1"])
EDGE = EdgeData(label="INHIBITOR", group="CPR:4", evidence=3, docs=3, mean_score=0.123456, sentences=SENTENCES)


def test_types_records_name_every_attribute_once() -> None:
    assert node_record("GENE:cox2", NODE) == {"id": "GENE:cox2", **NODE}
    assert set(NODE) == set(NodeData.__annotations__)
    assert set(edge_record("a", "b", "INHIBITOR", EDGE)) == {"id", "source", "target", *EdgeData.__annotations__}


def test_types_edge_record_keeps_the_total_and_cuts_sentences_and_digits() -> None:
    whole = edge_record("CHEMICAL:aspirin", "GENE:cox2", "INHIBITOR", EDGE)
    assert whole["id"] == "CHEMICAL:aspirin|GENE:cox2|INHIBITOR"
    assert (whole["source"], whole["target"], whole["group"]) == ("CHEMICAL:aspirin", "GENE:cox2", "CPR:4")
    assert whole["mean_score"] == 0.123456 and whole["sentences"] == SENTENCES
    cut = edge_record("CHEMICAL:aspirin", "GENE:cox2", "INHIBITOR", EDGE, max_sentences=2, digits=2)
    assert cut["mean_score"] == 0.12 and [s["doc_id"] for s in cut["sentences"]] == ["P0", "P1"]
    assert cut["evidence"] == 3 and len(EDGE["sentences"]) == 3  # the total stays; the graph's list is not cut


def test_types_nodes_and_edges_read_a_graph() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("CHEMICAL:aspirin", **{**NODE, "kind": "CHEMICAL", "name": "Aspirin"})
    graph.add_node("GENE:cox2", **NODE)
    graph.add_edge("CHEMICAL:aspirin", "GENE:cox2", key="INHIBITOR", **EDGE)
    assert [(n, d["name"]) for n, d in nodes(graph)] == [("CHEMICAL:aspirin", "Aspirin"), ("GENE:cox2", "COX-2")]
    assert [(u, v, k, d["evidence"]) for u, v, k, d in edges(graph)] == [
        ("CHEMICAL:aspirin", "GENE:cox2", "INHIBITOR", 3)
    ]
