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
from relnet.network.export import export_graph
from relnet.relations import Evidence

ASPIRIN, COX2 = EntityRef("CHEMICAL:aspirin", "Aspirin", CHEMICAL), EntityRef("GENE:cox2", "COX-2", GENE)
PPARG = EntityRef("GENE:pparg", "PPARG", GENE)
S1, S2 = "Aspirin inhibits COX-2.", "Aspirin activates PPARG, not COX-2."
# the aspirin → COX-2 CPR:4 edge's sentences, as every export should give them
CPR4_SENTENCES = [
    {"doc_id": "1", "text": S1, "head": [0, 7], "tail": [17, 22], "score": 0.9},
    {"doc_id": "2", "text": S1, "head": [0, 7], "tail": [17, 22], "score": 0.7},
]


def small_graph() -> nx.MultiDiGraph:
    s1, s2 = S1, S2
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
    assert json.loads(edge["sentences"]) == CPR4_SENTENCES
    unscored = json.loads(back.edges["CHEMICAL:aspirin", "GENE:pparg", "CPR:3"]["sentences"])
    assert unscored[0]["score"] is None and back.edges["CHEMICAL:aspirin", "GENE:pparg", "CPR:3"]["mean_score"] == 1.0


def test_export_cytoscape_and_csv(tmp_path: Path) -> None:
    g = small_graph()
    data = json.loads(export_graph(g, tmp_path / "g.cyjs", "cyjs").read_text())
    assert sorted((n["data"] for n in data["elements"]["nodes"]), key=lambda d: d["id"]) == [
        {"id": "CHEMICAL:aspirin", "kind": "CHEMICAL", "name": "Aspirin", "mentions": 3, "names": ["Aspirin"],
         "long_forms": [], "docs": ["1", "2"]},
        {"id": "GENE:cox2", "kind": "GENE", "name": "COX-2", "mentions": 3, "names": ["COX-2"], "long_forms": [],
         "docs": ["1", "2"]},
        {"id": "GENE:pparg", "kind": "GENE", "name": "PPARG", "mentions": 1, "names": ["PPARG"], "long_forms": [],
         "docs": ["2"]},
    ]  # fmt: skip
    edges = {e["data"]["id"]: e["data"] for e in data["elements"]["edges"]}
    assert set(edges) == {"CHEMICAL:aspirin|GENE:cox2|CPR:4", "CHEMICAL:aspirin|GENE:cox2|CPR:3",
                          "CHEMICAL:aspirin|GENE:pparg|CPR:3"}  # fmt: skip
    assert edges["CHEMICAL:aspirin|GENE:cox2|CPR:4"] == {
        "id": "CHEMICAL:aspirin|GENE:cox2|CPR:4", "source": "CHEMICAL:aspirin", "target": "GENE:cox2",
        "label": "CPR:4", "group": "CPR:4", "evidence": 2, "docs": 2, "mean_score": pytest.approx(0.8),
        "sentences": CPR4_SENTENCES,
    }  # fmt: skip
    rows = list(csv.reader(export_graph(g, tmp_path / "g.csv", "csv").open()))
    assert rows[0] == ["source", "source_name", "target", "target_name", "label", "group", "evidence", "docs",
                       "mean_score"]  # fmt: skip
    assert sorted(rows[1:]) == [
        ["CHEMICAL:aspirin", "Aspirin", "GENE:cox2", "COX-2", "CPR:3", "CPR:3", "1", "1", "0.6000"],
        ["CHEMICAL:aspirin", "Aspirin", "GENE:cox2", "COX-2", "CPR:4", "CPR:4", "2", "2", "0.8000"],
        ["CHEMICAL:aspirin", "Aspirin", "GENE:pparg", "PPARG", "CPR:3", "CPR:3", "1", "1", "1.0000"],
    ]


def test_export_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(RelnetError, match="graphml, cyjs, csv"):
        export_graph(small_graph(), tmp_path / "g.gexf", "gexf")
