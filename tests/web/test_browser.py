"""End to end in headless Chromium (Playwright) against a uvicorn server on 127.0.0.1: analyse text, explore a store.

Screenshots of both flows go to ``$RELNET_SCREENSHOTS`` if set, else to the test's tmp folder.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from web_samples import NAMES, TEXT, WRAPPED, write_store

from relnet.mentions import LexiconTagger

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install -e '.[dev]')"),
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"{CHROMIUM} is absent (apt-get install chromium)"),
]

# A DOM point (viewport coordinates) on edge ``id`` of the page's network ``name`` and on no node, or null.
EDGE_POINT = """([name, id]) => {
  const net = window.relnet.networks[name], edge = net.body.edges[id];
  const pos = net.getPositions([edge.fromId, edge.toId]), a = pos[edge.fromId], b = pos[edge.toId];
  const box = net.body.container.getBoundingClientRect();
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55]) {
    const p = net.canvasToDOM({x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)});
    if (net.getEdgeAt(p) === id && net.getNodeAt(p) === undefined) return {x: box.left + p.x, y: box.top + p.y};
  }
  return null;
}"""
# Fallback: the network's own click event for the edge, so the page's handler runs as for a real click.
EMIT_CLICK = """([name, id]) => {
  const net = window.relnet.networks[name];
  net.selectEdges([id]);
  const pointer = {DOM: {x: 0, y: 0}, canvas: {x: 0, y: 0}};
  net.body.emitter.emit("click", {nodes: [], edges: [id], event: {}, pointer});
}"""
# Records whether the progress indicator was ever shown (it may be too quick to catch otherwise).
WATCH_PROGRESS = """() => {
  window.sawProgress = false;
  new MutationObserver(() => { if (!document.getElementById("progress").hidden) window.sawProgress = true; })
    .observe(document.getElementById("progress"), {attributes: true});
}"""


@pytest.fixture(scope="module")
def server(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, served by uvicorn in a thread."""
    import uvicorn

    from relnet.web import create_app

    store = write_store(tmp_path_factory.mktemp("store") / "store.sqlite")
    app = create_app(model_dir, store, LexiconTagger(NAMES), tagger_name="lexicon")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A page on the app that may reach nothing but the app, and fails the test on any script error."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    outside: list[str] = []

    def local_only(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda err: errors.append(str(err)))
    yield pg
    context.close()
    assert not errors, errors
    assert not outside, f"the page asked for something outside the app: {outside}"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("RELNET_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _click_edge(page: Page, name: str, edge_id: str) -> None:
    """Click an edge of the drawing with the mouse (or, if no clean point is found, through vis-network's event)."""
    page.locator(f"#{name}-net").scroll_into_view_if_needed()
    expect(page.locator(f"#{name}-net")).to_have_attribute("data-stable", "1", timeout=20_000)
    point = page.evaluate(EDGE_POINT, [name, edge_id])
    if point is not None:
        page.mouse.click(point["x"], point["y"])
    else:
        page.evaluate(EMIT_CLICK, [name, edge_id])


def test_browser_analyse_flow(page: Page, shots: Path) -> None:
    page.goto("/")
    expect(page.locator("#model-info")).to_contain_text("tagger: lexicon")
    page.click("#analyse-button")  # nothing pasted yet
    expect(page.locator("#analyse-error")).to_contain_text("Paste some text")

    page.fill("#text", TEXT)
    page.evaluate(WATCH_PROGRESS)
    page.click("#analyse-button")
    expect(page.locator("#analyse-results")).to_be_visible(timeout=30_000)
    assert page.evaluate("window.sawProgress")
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.locator("#analyse-error")).to_be_hidden()

    # mentions highlighted by type, the relation table, the drawing
    expect(page.locator("#documents mark.chemical")).to_have_text(["Aspirin", "Gefitinib", "Ibuprofen"])
    expect(page.locator("#documents mark.gene")).to_have_text(["COX-2", "EGFR", "PPAR-gamma"])
    expect(page.locator("#relations tbody tr")).to_have_count(3)
    expect(page.locator("#relations tbody tr").first).to_contain_text("CPR:3")
    expect(page.locator("#analyse-net canvas")).to_have_count(1)

    _click_edge(page, "analyse", "CHEMICAL:aspirin|GENE:cox2|CPR:3")
    evidence = page.locator("#analyse-evidence")
    expect(evidence.locator("h3")).to_contain_text("Aspirin → CPR:3 → COX-2")
    expect(evidence).to_contain_text("Aspirin inhibits COX-2 in platelets.")
    expect(evidence.locator(".doc")).to_have_text(["input:1"])
    page.screenshot(path=str(shots / "analyse.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#download-json")
    result = json.loads(Path(download.value.path()).read_text())
    assert download.value.suggested_filename == "relnet-analysis.json" and len(result["documents"]) == 2
    with page.expect_download() as download:
        page.click("#download-csv")
    rows = Path(download.value.path()).read_text().splitlines()
    assert download.value.suggested_filename == "relnet-analysis.csv" and rows[0].startswith("doc_id,chemical")
    assert len(rows) == 4
    api = page.request.post("/api/analyse?format=csv", data={"text": TEXT})  # built in the page, not re-analysed
    assert api.ok and rows == api.text().splitlines()


def test_browser_wrapped_abstract_is_one_document(page: Page) -> None:
    page.goto("/")
    expect(page.locator("#model-info")).to_contain_text("tagger: lexicon")
    page.fill("#text", WRAPPED)
    page.click("#analyse-button")
    expect(page.locator("#analyse-results")).to_be_visible(timeout=30_000)
    expect(page.locator("#documents .document")).to_have_count(1)
    expect(page.locator("#analyse-summary")).to_contain_text("1 document(s) (plain text, separated by blank lines)")
    expect(page.locator("#relations tbody tr")).to_have_count(4)  # pairs across the line breaks

    page.select_option("#layout", "lines")  # one document per line: an explicit choice
    page.click("#analyse-button")
    expect(page.locator("#analyse-summary")).to_contain_text("3 document(s) (plain text, one per line)")
    expect(page.locator("#documents .document")).to_have_count(3)
    expect(page.locator("#relations tbody tr")).to_have_count(1)


def test_browser_explore_flow(page: Page, shots: Path, tmp_path: Path) -> None:
    page.goto("/")
    page.click("#tab-explore")
    expect(page.locator("#types label")).to_have_text(["CPR:3", "CPR:4", "CPR:6"])

    page.locator("#entity").press_sequentially("co")
    suggestion = page.locator("#suggestions li")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("COX-2")
    suggestion.click()
    expect(page.locator("#explore-summary")).to_have_text("2 entities, 1 relations within 1 hop(s) of COX-2")
    expect(page.locator("#explore-net canvas")).to_have_count(1)

    _click_edge(page, "explore", "CHEMICAL:aspirin|GENE:cox2|CPR:4")
    evidence = page.locator("#explore-evidence")
    expect(evidence).to_contain_text("2 sentence(s) in 2 document(s)")
    expect(evidence.locator(".doc")).to_have_text(["101", "102"])
    page.screenshot(path=str(shots / "explore.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#export-graphml")
    assert download.value.suggested_filename == "relnet-COX-2.graphml"
    download.value.save_as(tmp_path / "n.graphml")
    assert nx.read_graphml(tmp_path / "n.graphml").number_of_edges() == 1
    with page.expect_download() as download:
        page.click("#export-csv")
    assert len(Path(download.value.path()).read_text().splitlines()) == 2

    page.fill("#min-evidence", "3")  # a filter that leaves nothing: the page says why
    page.click("#show-button")
    expect(page.locator("#explore-error")).to_contain_text("'COX-2' has no relations in the network with these")
