"""Load test of a running ``relnet serve``: N analyse requests from C concurrent clients, on this machine only.

Prints and writes (``--out``) JSON with latency percentiles (p50/p90/p99), throughput and failures.
A response counts as complete only if it is a 200 whose document echoes the text sent, whose mentions
index that text, whose relations point at those mentions and whose graph holds every relation.

    relnet serve --model runs/X/best --tagger lexicon --lexicon-from ../shared/data/chemprot/original/training &
    python scripts/load_test.py --url http://127.0.0.1:8000 --requests 200 --concurrency 8
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import math
import socket
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Short abstract-like texts (one document each) naming chemicals and genes that ChemProt's lexicon knows.
TEXTS = [
    "Gefitinib is a selective inhibitor of the epidermal growth factor receptor (EGFR) tyrosine kinase. In A549 "
    "cells, gefitinib reduced the phosphorylation of EGFR and ERK1/2, while erlotinib had a weaker effect on HER2.",
    "Aspirin irreversibly acetylates cyclooxygenase-1 (COX-1) and cyclooxygenase-2 (COX-2). Low-dose aspirin "
    "therefore inhibits thromboxane synthesis in platelets without affecting prostacyclin production.",
    "Metformin activates AMP-activated protein kinase (AMPK) in hepatocytes and reduces the expression of "
    "glucose-6-phosphatase. The organic cation transporter OCT1 mediates the hepatic uptake of metformin.",
    "Tamoxifen is an antagonist of the estrogen receptor in breast tissue, whereas it acts as a partial agonist in "
    "the endometrium. Its active metabolite 4-hydroxytamoxifen is formed by CYP2D6.",
    "Rosiglitazone is a potent agonist of peroxisome proliferator-activated receptor gamma (PPARgamma). It "
    "increased adiponectin secretion and decreased TNF-alpha levels in differentiated adipocytes.",
    "Caffeine is a non-selective antagonist of adenosine A1 and A2A receptors. At higher concentrations, caffeine "
    "also inhibits phosphodiesterases and activates ryanodine receptors.",
    "Imatinib inhibits the BCR-ABL tyrosine kinase and also blocks c-KIT and PDGFR. Resistance to imatinib often "
    "involves point mutations in the ABL kinase domain.",
    "Simvastatin inhibits HMG-CoA reductase and lowers cholesterol synthesis. Simvastatin is metabolised by "
    "CYP3A4, and its plasma levels rise when it is given with clarithromycin.",
]


def check_loopback(url: str) -> None:
    """Refuse any server but this machine's."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        sys.exit(f"error: cannot resolve {host!r}")
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"error: {url} is not on this machine; the load test only runs against 127.0.0.1")


def incomplete(body: dict[str, Any], text: str) -> str:
    """Why a 200 response is not a complete analysis of ``text`` (empty if it is)."""
    docs = body.get("documents")
    if not isinstance(docs, list) or len(docs) != 1:
        return "expected one document"
    doc = docs[0]
    if doc.get("text") != text:
        return "document text differs from the input"
    mentions = {m["id"]: m for m in doc["mentions"]}
    if not mentions:
        return "no mentions"
    kinds = ("CHEMICAL", "GENE")
    if any(text[m["start"] : m["end"]] != m["text"] or m["kind"] not in kinds for m in mentions.values()):
        return "a mention does not index the text"
    for r in doc["relations"]:
        if r["chemical_id"] not in mentions or r["gene_id"] not in mentions or r["sentence"] not in text:
            return "a relation points at an unknown mention or sentence"
    graph = body.get("graph") or {}
    if sum(e["data"]["evidence"] for e in graph.get("edges", [])) != len(doc["relations"]):
        return "the graph does not hold every relation"
    return ""


def one_request(url: str, text: str, timeout: float) -> tuple[float, str, int]:
    """(seconds, failure reason or "", relations) of one POST /api/analyse."""
    data = json.dumps({"text": text}).encode()
    request = urllib.request.Request(f"{url}/api/analyse", data, {"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as err:
        return time.perf_counter() - started, f"HTTP {err.code}", 0
    except (urllib.error.URLError, TimeoutError, OSError, json.JSONDecodeError) as err:
        return time.perf_counter() - started, f"{type(err).__name__}: {err}", 0
    seconds = time.perf_counter() - started
    problem = incomplete(body, text)
    return seconds, problem, 0 if problem else len(body["documents"][0]["relations"])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a relnet server on this machine")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds for the whole test")
    parser.add_argument("--out", type=Path, default=Path("runs/load_test.json"))
    args = parser.parse_args()
    url = args.url.rstrip("/")
    check_loopback(url)
    with urllib.request.urlopen(f"{url}/api/info", timeout=args.timeout) as response:
        info = json.loads(response.read())
    one_request(url, TEXTS[0], args.timeout)  # warm-up, not counted

    latencies: list[float] = []
    failures: dict[str, int] = {}
    relations = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        futures = [pool.submit(one_request, url, TEXTS[i % len(TEXTS)], args.timeout) for i in range(args.requests)]
        try:
            for future in as_completed(futures, timeout=args.deadline):
                seconds, problem, n = future.result()
                latencies.append(seconds)
                relations += n
                if problem:
                    failures[problem] = failures.get(problem, 0) + 1
        except TimeoutError:
            for f in futures:
                f.cancel()
            failures["not finished before --deadline"] = args.requests - len(latencies)
    wall = time.perf_counter() - started

    ms = [1000 * s for s in latencies]
    complete = len(latencies) - sum(n for k, n in failures.items() if k != "not finished before --deadline")
    report = {
        "url": url,
        "model": {"scheme": info["scheme"], "labels": info["labels"], "tagger": info["tagger"]},
        "requests": args.requests,
        "concurrency": args.concurrency,
        "texts": len(TEXTS),
        "complete": complete,
        "failures": failures,
        "latency_ms": {
            "p50": round(percentile(ms, 50), 1),
            "p90": round(percentile(ms, 90), 1),
            "p99": round(percentile(ms, 99), 1),
            "mean": round(sum(ms) / len(ms), 1) if ms else None,
            "max": round(max(ms), 1) if ms else None,
        },
        "throughput_rps": round(len(latencies) / wall, 2),
        "wall_seconds": round(wall, 1),
        "relations_per_response": round(relations / max(1, complete), 2),
    }
    text = json.dumps(report, indent=2)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
