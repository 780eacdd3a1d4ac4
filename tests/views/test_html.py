from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx

from relnet.data import CHEMICAL, GENE
from relnet.mentions import EntityRef
from relnet.network import build_graph
from relnet.relations import Evidence
from relnet.views import graph_to_view, render_html
from relnet.views.html import VIS_NETWORK_JS, write_html

ASPIRIN = EntityRef("CHEMICAL:aspirin", "Aspirin", CHEMICAL)
COX2 = EntityRef("GENE:cox2", "COX-2", GENE)
EVIL = EntityRef("GENE:evil", "</script><b>x", GENE)


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
    assert {n["label"] for n in data["nodes"]} == {"Aspirin", "COX-2", "</script><b>x"}
    edges = {(e["from"], e["to"], e["label"]) for e in data["edges"]}
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
    assert "$x ${title} {{ data }}" in {n["label"] for n in _data(page)["nodes"]}


def test_html_view_colours_and_widths() -> None:
    view = graph_to_view(small_graph())
    kinds = {n["kind"]: n["color"] for n in view["nodes"]}
    assert kinds[CHEMICAL] != kinds[GENE]
    colours = {e["label"]: e["color"] for e in view["edges"]}
    assert colours["CPR:3"] != colours["CPR:4"]
    assert all(e["width"] >= 1 for e in view["edges"])
