"""The web API with FastAPI's TestClient: each endpoint, each limit, bad input, errors without tracebacks."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from web_samples import TEXT, WRAPPED

from relnet.mentions import LexiconTagger
from relnet.mining.analyse import Analyser, safe_name
from relnet.web import Limits, create_app

PUBTATOR = (
    "7|t|Aspirin and COX-2.\n7|a|Aspirin inhibits COX-2.\n"
    "7\t0\t7\tAspirin\tChemical\tD1\n7\t12\t17\tCOX-2\tGene\t5743\n"
)
BIOC = """<?xml version="1.0" encoding="UTF-8"?>
<collection><source>test</source><date></date><key></key>
<document><id>42</id><passage><infon key="type">abstract</infon><offset>0</offset>
<text>Gefitinib is an antagonist of EGFR.</text>
<annotation id="1"><infon key="type">Chemical</infon><location offset="0" length="9"/>
<text>Gefitinib</text></annotation>
<annotation id="2"><infon key="type">Gene</infon><location offset="30" length="4"/><text>EGFR</text></annotation>
</passage></document></collection>
"""


@pytest.fixture
def client(model_dir: Path, store_path: Path, tagger: LexiconTagger) -> Iterator[TestClient]:
    with TestClient(create_app(model_dir, store_path, tagger, tagger_name="lexicon")) as c:
        yield c


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and "Traceback" not in response.text and "/tmp" not in response.text
    return body["error"]


# -- analyse ---------------------------------------------------------------------------------
def test_app_analyse_text_gives_mentions_relations_and_graph(client: TestClient) -> None:
    body = client.post("/api/analyse", json={"text": TEXT}).json()
    assert [d["id"] for d in body["documents"]] == ["input:1", "input:2"]
    first = body["documents"][0]
    assert [(m["text"], m["kind"]) for m in first["mentions"]] == [
        ("Aspirin", "CHEMICAL"), ("COX-2", "GENE"), ("Gefitinib", "CHEMICAL"), ("EGFR", "GENE")
    ]  # fmt: skip
    assert all(first["text"][m["start"] : m["end"]] == m["text"] for m in first["mentions"])
    pairs = {(r["chemical"], r["gene"], r["label"]) for r in first["relations"]}
    assert pairs == {("Aspirin", "COX-2", "CPR:3"), ("Gefitinib", "EGFR", "CPR:3")}  # same sentence only
    rel = next(r for r in first["relations"] if r["chemical"] == "Aspirin")
    assert rel["sentence"] == "Aspirin inhibits COX-2 in platelets." and rel["confidence"] > 0.99
    assert rel["sentence"][slice(*rel["gene_span"])] == "COX-2"
    graph = body["graph"]
    assert {n["data"]["name"] for n in graph["nodes"]} == {"Aspirin", "COX-2", "Gefitinib", "EGFR", "Ibuprofen",
                                                           "PPAR-gamma"}  # fmt: skip
    edge = next(e["data"] for e in graph["edges"] if e["data"]["source"] == "CHEMICAL:aspirin")
    assert edge["target"] == "GENE:cox2" and edge["sentences"][0]["doc_id"] == "input:1"


@pytest.mark.parametrize("upload", [False, True])
def test_app_analyse_hard_wrapped_text_is_one_document(client: TestClient, upload: bool) -> None:
    if upload:
        body = client.post("/api/analyse/file", files={"file": ("a.txt", WRAPPED.encode(), "text/plain")}).json()
    else:
        body = client.post("/api/analyse", json={"text": WRAPPED}).json()
    (doc,) = body["documents"]
    assert body["layout"] == "blocks" and doc["text"] == WRAPPED.strip()  # offsets index the text as pasted
    assert all(doc["text"][m["start"] : m["end"]] == m["text"] for m in doc["mentions"])
    pairs = {(r["chemical"], r["gene"]) for r in doc["relations"]}
    assert pairs == {("Aspirin", "COX-2"), ("Aspirin", "EGFR"), ("ibuprofen", "COX-2"), ("ibuprofen", "EGFR")}
    assert doc["relations"][0]["sentence"] == WRAPPED.strip()  # one sentence across the line breaks


def test_app_analyse_one_document_per_line_is_explicit(client: TestClient) -> None:
    body = client.post("/api/analyse", json={"text": WRAPPED, "layout": "lines"}).json()
    assert body["layout"] == "lines" and [d["id"] for d in body["documents"]] == ["input:1", "input:2", "input:3"]
    assert [len(d["relations"]) for d in body["documents"]] == [0, 1, 0]  # pairs across lines are lost
    files = {"file": ("a.txt", WRAPPED.encode(), "text/plain")}
    body = client.post("/api/analyse/file", files=files, data={"layout": "lines"}).json()
    assert body["layout"] == "lines" and len(body["documents"]) == 3
    assert client.post("/api/analyse", json={"text": PUBTATOR, "layout": "lines"}).json()["layout"] is None
    assert "layout" in _error(client.post("/api/analyse", json={"text": "x", "layout": "auto"}), 422)


def test_app_analyse_tells_the_client_what_the_reader_skipped(client: TestClient) -> None:
    # the reader's counted warnings went to the server log only (with the temporary file's path)
    text = PUBTATOR + "7\t27\t35\tinhibits\tDisease\tD2\n"
    body = client.post("/api/analyse/file", files={"file": ("mine.pubtator", text.encode(), "text/plain")}).json()
    (warning,) = body["warnings"]
    assert warning.startswith("mine.pubtator: skipped 1 ") and "Disease" in warning and "/tmp" not in warning
    assert client.post("/api/analyse", json={"text": PUBTATOR}).json()["warnings"] == []


def test_app_analyse_csv_has_one_row_per_relation(client: TestClient) -> None:
    response = client.post("/api/analyse?format=csv", json={"text": TEXT})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 3 and {r["label"] for r in rows} == {"CPR:3"}
    assert rows[0]["doc_id"] == "input:1" and rows[0]["sentence"]


@pytest.mark.parametrize(
    ("filename", "content", "ids", "mentions"),
    [
        ("abstracts.txt", TEXT, ["abstracts:1", "abstracts:2"], 6),
        ("../../etc/passwd", "Aspirin inhibits COX-2.", ["passwd:1"], 2),  # a name, never a path
        ("x.pubtator", PUBTATOR, ["7"], 2),  # the file's own mentions
        ("x.xml", BIOC, ["42"], 2),
    ],
)
def test_app_analyse_file_reads_each_format(
    client: TestClient, filename: str, content: str, ids: list[str], mentions: int
) -> None:
    response = client.post("/api/analyse/file", files={"file": (filename, content.encode(), "text/plain")})
    assert response.status_code == 200, response.text
    docs = response.json()["documents"]
    assert [d["id"] for d in docs] == ids and sum(len(d["mentions"]) for d in docs) == mentions
    assert all(d["relations"] for d in docs)


def test_app_analyse_file_as_csv_and_bioc_by_form_field(client: TestClient) -> None:
    files = {"file": ("upload", BIOC.encode(), "application/xml")}
    response = client.post("/api/analyse/file?format=csv", files=files, data={"input_format": "bioc"})
    assert response.status_code == 200 and "Gefitinib,T" in response.text.splitlines()[1].replace("42,", "")


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"json": {"text": ""}}, 422, "body.text"),
        ({"json": {"txt": "x"}}, 422, "Field required"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "invalid request"),
        ({"json": {"text": "x", "input_format": "docx"}}, 422, "input_format"),
        ({"json": {"text": "1|t|A.\n1\t0\t7\tAspirine\tChemical\n"}}, 422, "input.txt:2: "),
        ({"json": {"text": "<collection><oops", "input_format": "bioc"}}, 422, "input.xml:1: malformed XML"),
    ],
)
def test_app_analyse_rejects_bad_input(client: TestClient, kwargs: dict, status: int, message: str) -> None:
    assert message in _error(client.post("/api/analyse", **kwargs), status)


def test_app_analyse_without_tagger_needs_mentions(model_dir: Path) -> None:
    with TestClient(create_app(model_dir)) as c:
        assert "no tagger" in _error(c.post("/api/analyse", json={"text": "Aspirin inhibits COX-2."}), 422)
        assert c.post("/api/analyse", json={"text": PUBTATOR}).status_code == 200  # brings its own mentions
        assert "no store" in _error(c.get("/api/entities?prefix=a"), 404)
        assert c.get("/api/info").json()["store"] is False


# -- limits ----------------------------------------------------------------------------------
@pytest.fixture
def small(model_dir: Path, tagger: LexiconTagger) -> Iterator[TestClient]:
    limits = Limits(max_body_bytes=2_000, max_chars=300, max_documents=2)
    with TestClient(create_app(model_dir, None, tagger, limits)) as c:
        yield c


def test_app_limits_text_length_and_documents(small: TestClient) -> None:
    assert "limit is 300" in _error(small.post("/api/analyse", json={"text": "a" * 301}), 413)
    upload = {"file": ("a.txt", ("Aspirin. " * 40).encode(), "text/plain")}
    assert "limit is 300" in _error(small.post("/api/analyse/file", files=upload), 413)
    three = "Aspirin.\n\nCOX-2.\n\nEGFR."
    assert "3 documents; the limit is 2" in _error(small.post("/api/analyse", json={"text": three}), 413)


def test_app_limits_body_size_with_and_without_content_length(small: TestClient) -> None:
    big = json.dumps({"text": "a" * 3_000}).encode()
    assert "2000 bytes" in _error(small.post("/api/analyse", content=big), 413)

    def chunks() -> Iterator[bytes]:  # no content-length: the body is streamed
        yield from (big[i : i + 500] for i in range(0, len(big), 500))

    response = small.post("/api/analyse", content=chunks(), headers={"content-type": "application/json"})
    assert "2000 bytes" in _error(response, 413)
    upload = {"file": ("a.txt", b"x" * 3_000, "text/plain")}
    assert "2000 bytes" in _error(small.post("/api/analyse/file", files=upload), 413)


def test_app_limits_busy_server_answers_503(model_dir: Path, tagger: LexiconTagger) -> None:
    with TestClient(create_app(model_dir, None, tagger, Limits(max_pending=0))) as c:
        assert "busy" in _error(c.post("/api/analyse", json={"text": TEXT}), 503)


def test_app_errors_never_leak_a_traceback(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self, docs):
        raise RuntimeError("secret internals at /srv/relnet/app.py line 12")

    monkeypatch.setattr(Analyser, "analyse", boom)
    with TestClient(client.app, raise_server_exceptions=False) as c:
        message = _error(c.post("/api/analyse", json={"text": TEXT}), 500)
    assert "internal server error" in message and "secret" not in message
    assert _error(client.get("/api/nothing-here"), 404) == "Not Found"


# -- explore ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "names"),
    [
        ("cox", ["COX-2"]),
        ("A", ["Aspirin"]),
        ("", ["Aspirin", "COX-2", "EGFR", "Gefitinib", "Ibuprofen", "PPAR-gamma"]),
    ],
)
def test_app_entities_prefix_search_is_case_insensitive(client: TestClient, prefix: str, names: list[str]) -> None:
    found = client.get("/api/entities", params={"prefix": prefix}).json()["entities"]
    assert [e["name"] for e in found] == names  # most related first (here: one relation each), then by name


def test_app_neighbourhood_has_evidence_with_doc_ids(client: TestClient) -> None:
    body = client.get("/api/neighbourhood", params={"name": "cox-2"}).json()
    assert {n["data"]["name"] for n in body["graph"]["nodes"]} == {"COX-2", "Aspirin"}
    (edge,) = [e["data"] for e in body["graph"]["edges"]]
    assert (edge["label"], edge["evidence"], edge["docs"]) == ("CPR:4", 2, 2)
    assert [s["doc_id"] for s in edge["sentences"]] == ["101", "102"]
    assert edge["sentences"][0]["text"] == "Aspirin inhibits COX-2 in platelets."


@pytest.mark.parametrize(
    ("params", "edges"),
    [
        ({"name": "Aspirin", "min_evidence": 2}, 1),
        ({"name": "Aspirin", "min_evidence": 3}, None),  # the entity drops out of the network
        ({"name": "Ibuprofen", "min_confidence": 0.5}, None),
        ({"name": "Ibuprofen", "types": "CPR:3"}, 1),
        ({"name": "Ibuprofen", "types": ["CPR:4", "CPR:6"]}, None),
        ({"name": "Gefitinib", "types": "CPR:4,CPR:6", "hops": 3}, 1),
    ],
)
def test_app_neighbourhood_filters(client: TestClient, params: dict, edges: int | None) -> None:
    response = client.get("/api/neighbourhood", params=params)
    if edges is None:  # in the store, filtered out: said so (it once said "no entity named", as for a typo)
        assert f"{params['name']!r} has no relations in the network with these filters" in _error(response, 404)
    else:
        assert len(response.json()["graph"]["edges"]) == edges


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"name": "aspirn"}, "did you mean Aspirin"),
        ({"name": "Aspirin", "hops": 9}, "query.hops"),
        ({"name": "Aspirin", "min_confidence": 2}, "query.min_confidence"),
        ({}, "query.name: Field required"),
    ],
)
def test_app_neighbourhood_bad_queries(client: TestClient, params: dict, message: str) -> None:
    response = client.get("/api/neighbourhood", params=params)
    assert message in _error(response, 404 if "did you" in message else 422)


def test_app_unknown_type_is_the_askers_error_naming_the_labels(client: TestClient) -> None:
    for path in ("/api/neighbourhood?name=Aspirin&types=cpr:4", "/api/export?types=cpr:4"):
        assert "its labels: CPR:3, CPR:4, CPR:6" in _error(client.get(path), 422)


@pytest.mark.parametrize("damage", ["remove", "overwrite"])
def test_app_store_gone_or_damaged_while_serving_is_503_without_its_path(
    model_dir: Path, store_path: Path, tagger: LexiconTagger, damage: str
) -> None:
    with TestClient(create_app(model_dir, store_path, tagger)) as c:
        assert c.get("/api/entities?prefix=a").status_code == 200
        store_path.unlink()
        if damage == "overwrite":
            store_path.write_bytes(b"not a database" * 100)
        for path in ("/api/entities?prefix=b", "/api/neighbourhood?name=EGFR", "/api/export", "/api/info"):
            message = _error(c.get(path), 503)
            assert "store cannot be read now" in message and str(store_path.parent) not in message


def test_app_content_length_not_a_number_is_400(small: TestClient) -> None:
    response = small.post("/api/analyse", content=b"{}", headers={"content-length": "abc"})
    assert "not a number" in _error(response, 400)


def test_app_export_each_format(client: TestClient, tmp_path: Path) -> None:
    graphml = client.get("/api/export", params={"format": "graphml"})
    assert graphml.headers["content-disposition"] == 'attachment; filename="relnet-network.graphml"'
    (tmp_path / "n.graphml").write_bytes(graphml.content)
    assert nx.read_graphml(tmp_path / "n.graphml").number_of_edges() == 3
    cyjs = client.get("/api/export", params={"format": "cyjs", "name": "EGFR"}).json()
    assert [e["data"]["label"] for e in cyjs["elements"]["edges"]] == ["CPR:6"]
    rows = list(csv.reader(io.StringIO(client.get("/api/export?format=csv&types=CPR:4").text)))
    assert rows[0][:2] == ["source", "source_name"] and len(rows) == 2
    assert "query.format" in _error(client.get("/api/export?format=pdf"), 422)
    assert "no entity named" in _error(client.get("/api/export?name=nothing"), 404)


def test_app_store_is_opened_read_only(
    model_dir: Path, store_path: Path, tagger: LexiconTagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relnet.network.explore as explore

    opened: list[bool] = []

    class Spy(explore.RelationStore):
        def __init__(self, path, read_only=False, normalizer=None) -> None:
            opened.append(read_only)
            super().__init__(path, read_only, normalizer)

    monkeypatch.setattr(explore, "RelationStore", Spy)
    before = hashlib.sha256(store_path.read_bytes()).hexdigest(), store_path.stat().st_mtime_ns
    with TestClient(create_app(model_dir, store_path, tagger)) as c:
        for url in ("/api/info", "/api/entities?prefix=a", "/api/neighbourhood?name=EGFR", "/api/export?format=csv"):
            assert c.get(url).status_code == 200
        c.post("/api/analyse", json={"text": TEXT})  # analysing never writes to the store
    assert opened and all(opened)
    assert (hashlib.sha256(store_path.read_bytes()).hexdigest(), store_path.stat().st_mtime_ns) == before
    assert not list(store_path.parent.glob("store.sqlite-*"))  # no journal either


# -- page, assets, schema ---------------------------------------------------------------------
def test_app_serves_page_assets_and_openapi(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'id="analyse-form"' in page.text and "/vendor/vis-network.min.js" in page.text
    assert "vis" in client.get("/vendor/vis-network.min.js").text[:5000]
    assert client.get("/static/app.js").status_code == 200 and client.get("/static/app.css").status_code == 200
    info = client.get("/api/info").json()
    assert info["store"] and info["tagger"] == "lexicon" and info["store_labels"] == ["CPR:3", "CPR:4", "CPR:6"]
    schema = client.get("/api/openapi.json").json()
    assert {"/api/analyse", "/api/analyse/file", "/api/entities", "/api/neighbourhood", "/api/export"} <= set(
        schema["paths"]
    )
    assert {"AnalyseRequest", "AnalyseResponse", "ErrorResponse"} <= set(schema["components"]["schemas"])


@pytest.mark.parametrize(
    ("name", "safe"),
    [("../../etc/passwd", "passwd"), ("a b/c d.txt", "c_d.txt"), ("..", "input.txt"), (None, "input.txt")],
)
def test_app_safe_name_drops_folders_and_odd_characters(name: str | None, safe: str) -> None:
    assert safe_name(name) == safe


def test_app_serve_command_builds_the_app_for_localhost(
    model_dir: Path, split_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from relnet.cli import app as cli

    calls: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.update(app=app, **kwargs))
    args = ["serve", "--model", str(model_dir), "--tagger", "lexicon", "--lexicon-from", str(split_dir)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (calls["host"], calls["port"]) == ("127.0.0.1", 8000)
    with TestClient(calls["app"]) as c:
        assert c.get("/api/info").json()["tagger"] == "lexicon"
    result = CliRunner().invoke(cli, ["serve", "--model", str(model_dir), "--store", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2 and "store not found" in result.output
