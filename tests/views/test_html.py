from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest

from relnet.data import CHEMICAL, GENE
from relnet.mentions import EntityRef
from relnet.network import build_graph
from relnet.relations import Evidence
from relnet.views import graph_to_view, render_html
from relnet.views.html import VIS_NETWORK_JS, edge_width, write_html

ASPIRIN = EntityRef("CHEMICAL:aspirin", "Aspirin", CHEMICAL)
COX2 = EntityRef("GENE:cox2", "COX-2", GENE)
EVIL = EntityRef("GENE:evil", "</script><b>x", GENE)
PPARG = EntityRef("GENE:pparg", "PPARG", GENE)


def small_graph() -> nx.MultiDiGraph:
    s1, s2 = "Aspirin inhibits COX-2.", "Aspirin activates </script><b>x."
    return build_graph(
        [
            Evidence("PMID1", "CPR:4", "CPR:4", 0.9, ASPIRIN, COX2, s1, (0, 7), (17, 22)),
            Evidence("PMID2", "CPR:3", "CPR:3", 0.6, ASPIRIN, EVIL, s2, (0, 7), (18, 31)),
        ]
    )


def _data(page: str) -> dict:
    return json.loads(re.search(r"const DATA = (.*);\n", page).group(1))


def test_html_contains_nodes_edges_and_evidence() -> None:
    page = render_html(small_graph(), title="test <net>")
    data = _data(page)
    assert {n["name"] for n in data["nodes"]} == {"Aspirin", "COX-2", "</script><b>x"}
    edges = {(e["source"], e["target"], e["label"]) for e in data["edges"]}
    assert edges == {("CHEMICAL:aspirin", "GENE:cox2", "CPR:4"), ("CHEMICAL:aspirin", "GENE:evil", "CPR:3")}
    evidence = next(e for e in data["edges"] if e["label"] == "CPR:4")["sentences"][0]
    assert evidence == {"doc_id": "PMID1", "text": "Aspirin inhibits COX-2.", "head": [0, 7], "tail": [17, 22],
                        "score": 0.9}  # fmt: skip
    assert {c["name"] for c in data["legend"]["classes"]} == {"CPR:3", "CPR:4"}
    assert "<title>test &lt;net&gt;</title>" in page


def test_html_is_offline_and_escapes_data() -> None:
    page = render_html(small_graph())
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)  # every script is inline
    assert not re.search(r"<link[^>]*https?://", page, re.I)
    assert VIS_NETWORK_JS.read_text(encoding="utf-8") in page  # the vendored library is inlined, unchanged
    assert page.count("</script>") == 2  # a name with </script> does not end the data script
    assert "<b>x" not in page and "\\u003c/script\\u003e\\u003cb\\u003ex" in page
    assert "<h1>test &lt;/script&gt;&lt;b&gt;x</h1>" in render_html(small_graph(), title="test </script><b>x")


def test_html_vendored_vis_network_has_its_licence() -> None:
    vendor = VIS_NETWORK_JS.parent
    header = VIS_NETWORK_JS.read_text(encoding="utf-8")[:1000]
    assert "@version 9." in header and "vis-network" in header
    assert "MIT License" in (vendor / "LICENSE-MIT").read_text(encoding="utf-8")
    assert "Apache License" in (vendor / "LICENSE-APACHE-2.0").read_text(encoding="utf-8")
    assert "9.1.13" in (vendor / "README.md").read_text(encoding="utf-8")


def test_html_template_keeps_dollar_signs_and_braces(tmp_path: Path) -> None:
    graph = small_graph()
    nx.set_node_attributes(graph, {"GENE:cox2": "$x ${title} {{ data }}"}, "name")
    path = write_html(graph, tmp_path / "out" / "net.html", title="$title")
    page = path.read_text(encoding="utf-8")
    assert "<title>$title</title>" in page
    assert "$x ${title} {{ data }}" in {n["name"] for n in _data(page)["nodes"]}


@pytest.mark.parametrize(("evidence", "width"), [(1, 1.0), (2, 2.5), (5, 4.0), (37, 10.0), (1000, 10.0)])
def test_html_edge_width_grows_with_the_root_of_evidence_up_to_ten(evidence: int, width: float) -> None:
    assert edge_width(evidence) == pytest.approx(width)  # 1 + min(9, 1.5 * sqrt(evidence - 1))


def test_html_view_records_colours_widths_and_legend() -> None:
    s = "Aspirin inhibits COX-2."

    def ev(doc: int, label: str, gene: EntityRef, score: float | None) -> Evidence:
        return Evidence(f"P{doc}", label, label if label.startswith("CPR") else "", score, ASPIRIN, gene, s,
                        (0, 7), (17, 22))  # fmt: skip

    graph = build_graph(
        [ev(0, "CPR:4", COX2, 0.12345), ev(1, "CPR:4", COX2, 0.2), *(ev(i, "CPR:3", COX2, None) for i in range(5)),
         *(ev(i, "MYSTERY", PPARG, 0.5) for i in range(50))]
    )  # fmt: skip
    view = graph_to_view(graph, max_sentences=3)
    nodes = {n["id"]: n for n in view["nodes"]}
    assert nodes["GENE:cox2"] == {
        "id": "GENE:cox2", "kind": GENE, "name": "COX-2", "mentions": 5, "names": ["COX-2"], "long_forms": [],
        "docs": ["P0", "P1", "P2", "P3", "P4"], "color": "#3a86c8",
    }  # fmt: skip
    assert nodes["CHEMICAL:aspirin"]["color"] == "#f0a202" and nodes["CHEMICAL:aspirin"]["mentions"] == 50
    edges = {e["label"]: e for e in view["edges"]}
    # (colour, width, rank among parallel edges, mean score rounded to 4 places, evidence, sentences kept)
    got = {k: (e["color"], e["width"], e["rank"], e["mean_score"], e["evidence"], len(e["sentences"]))
           for k, e in edges.items()}  # fmt: skip
    assert got == {
        "CPR:4": ("#d1352b", 2.5, 0, 0.1617, 2, 2),
        "CPR:3": ("#2e9e44", 4.0, 1, 1.0, 5, 3),  # unscored (gold) evidence: mean score 1
        "MYSTERY": ("#17becf", 10.0, 0, 0.5, 50, 3),  # no CPR colour: the first fallback
    }
    cpr4 = edges["CPR:4"]
    assert (cpr4["id"], cpr4["source"], cpr4["target"], cpr4["group"], cpr4["docs"]) == (
        "CHEMICAL:aspirin|GENE:cox2|CPR:4", "CHEMICAL:aspirin", "GENE:cox2", "CPR:4", 2
    )  # fmt: skip
    assert [x["doc_id"] for x in edges["MYSTERY"]["sentences"]] == ["P0", "P1", "P2"]
    assert view["legend"]["classes"] == [
        {"name": "CPR:3", "description": "upregulator / activator", "color": "#2e9e44"},
        {"name": "CPR:4", "description": "downregulator / inhibitor", "color": "#d1352b"},
        {"name": "MYSTERY", "description": "", "color": "#17becf"},
    ]
    assert view["legend"]["kinds"] == [{"name": "chemical", "color": "#f0a202"}, {"name": "gene", "color": "#3a86c8"}]
