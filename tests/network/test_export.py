from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from relnet.data import CHEMICAL, GENE
from relnet.errors import RelnetError
from relnet.mentions import EntityRef
from relnet.network import build_graph
from relnet.network.export import export_graph, to_cytoscape
from relnet.relations import Evidence

ASPIRIN, COX2 = EntityRef("CHEMICAL:aspirin", "Aspirin", CHEMICAL), EntityRef("GENE:cox2", "COX-2", GENE)
PPARG = EntityRef("GENE:pparg", "PPARG", GENE)


def small_graph() -> nx.MultiDiGraph:
    s1, s2 = "Aspirin inhibits COX-2.", "Aspirin activates PPARG, not COX-2."
    return build_graph(
        [
            Evidence("1", "CPR:4", "CPR:4", 0.9, ASPIRIN, COX2, s1, (0, 7), (17, 22)),
            Evidence("2", "CPR:4", "CPR:4", 0.7, ASPIRIN, COX2, s1, (0, 7), (17, 22)),
            Evidence("2", "CPR:3", "CPR:3", 0.6, ASPIRIN, COX2, s2, (0, 7), (29, 34)),
            Evidence("2", "CPR:3", "CPR:3", None, ASPIRIN, PPARG, s2, (0, 7), (18, 23)),
        ]
    )


def test_export_graphml_round_trip(tmp_path: Path) -> None:
    g = small_graph()
    path = export_graph(g, tmp_path / "g.graphml", "graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert set(back.nodes) == set(g.nodes) and back.number_of_edges() == g.number_of_edges() == 3
    assert back.nodes["GENE:cox2"]["name"] == "COX-2" and back.nodes["GENE:cox2"]["mentions"] == 3
    edge = back.edges["CHEMICAL:aspirin", "GENE:cox2", "CPR:4"]
    assert edge["evidence"] == 2 and edge["mean_score"] == pytest.approx(0.8)
    sentences = json.loads(edge["sentences"])
    assert sentences == g.edges["CHEMICAL:aspirin", "GENE:cox2", "CPR:4"]["sentences"]


def test_export_cytoscape_and_csv(tmp_path: Path) -> None:
    g = small_graph()
    data = json.loads(export_graph(g, tmp_path / "g.cyjs", "cyjs").read_text())
    assert data == json.loads(json.dumps(to_cytoscape(g)))
    assert {n["data"]["id"] for n in data["elements"]["nodes"]} == set(g.nodes)
    assert {(e["data"]["source"], e["data"]["target"], e["data"]["label"]) for e in data["elements"]["edges"]} == {
        (u, v, k) for u, v, k in g.edges(keys=True)
    }
    rows = list(csv.DictReader(export_graph(g, tmp_path / "g.csv", "csv").open()))
    assert len(rows) == 3
    assert {(r["source_name"], r["label"], r["target_name"], r["evidence"]) for r in rows} == {
        ("Aspirin", "CPR:4", "COX-2", "2"),
        ("Aspirin", "CPR:3", "COX-2", "1"),
        ("Aspirin", "CPR:3", "PPARG", "1"),
    }


def test_export_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(RelnetError, match="graphml, cyjs, csv"):
        export_graph(small_graph(), tmp_path / "g.gexf", "gexf")
