"""relnet/web/schemas.py: the graph the API returns has the fields of `relnet.network.types`, converted alike."""

from __future__ import annotations

import pytest

from relnet.data import CHEMICAL, GENE, EntityRef, Evidence
from relnet.network import build_graph
from relnet.network.types import EdgeRecord, NodeRecord, SentenceData
from relnet.web.schemas import EdgeOut, Graph, NodeOut, SentenceOut

ASPIRIN, COX2 = EntityRef("CHEMICAL:aspirin", "Aspirin", CHEMICAL), EntityRef("GENE:cox2", "COX-2", GENE)


@pytest.mark.parametrize(
    ("model", "record"), [(NodeOut, NodeRecord), (EdgeOut, EdgeRecord), (SentenceOut, SentenceData)]
)
def test_schemas_graph_models_have_the_fields_of_the_network_types(model: type, record: type) -> None:
    assert set(model.model_fields) == set(record.__annotations__)


def test_schemas_graph_of_rounds_scores_and_keeps_at_most_max_sentences() -> None:
    s = "Aspirin inhibits COX-2."
    graph = build_graph([Evidence(f"P{i}", "CPR:4", "CPR:4", 0.3 + 0.00001 * i, ASPIRIN, COX2, s, (0, 7), (17, 22))
                         for i in range(4)])  # fmt: skip
    body = Graph.of(graph, max_sentences=2).model_dump()
    assert sorted(n["data"]["id"] for n in body["nodes"]) == ["CHEMICAL:aspirin", "GENE:cox2"]
    assert body["nodes"][1]["data"] == {
        "id": "GENE:cox2", "kind": "GENE", "name": "COX-2", "mentions": 4, "names": ["COX-2"], "long_forms": [],
        "docs": ["P0", "P1", "P2", "P3"],
    }  # fmt: skip
    (edge,) = [e["data"] for e in body["edges"]]
    assert {k: v for k, v in edge.items() if k != "sentences"} == {
        "id": "CHEMICAL:aspirin|GENE:cox2|CPR:4", "source": "CHEMICAL:aspirin", "target": "GENE:cox2",
        "label": "CPR:4", "group": "CPR:4", "evidence": 4, "docs": 4, "mean_score": 0.3,  # 0.300015 to 4 places
    }  # fmt: skip
    assert edge["sentences"] == [
        {"doc_id": "P0", "text": s, "head": (0, 7), "tail": (17, 22), "score": 0.3},
        {"doc_id": "P1", "text": s, "head": (0, 7), "tail": (17, 22), "score": pytest.approx(0.30001)},
    ]
