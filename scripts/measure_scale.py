"""Measure mining at scale (docs/scale.md): single process vs Ray, memory as the input grows, network query times.

Usage, from the repository root:

    .venv/bin/python scripts/measure_scale.py --runs single:1000,ray1:1000,ray2:1000 \\
        --model ../runs/cpr-drugprot-bf16/best --ner-model ../runs/ner/best --out docs/scale-real.json
    .venv/bin/python scripts/measure_scale.py --runs single:1000,single:0,ray2:5000 --out docs/scale-tiny.json

A run is ``ENGINE:N``: ``single`` (one process), ``ray1``/``ray2`` (Ray with 1 or 2 workers; on a 2-core machine
``ray1`` has 2 threads, ``ray2`` 1 each) on the first N rows of ``../shared/data/unlabeled`` (0: all 53,960), each
`relnet mine` a fresh process into a fresh store. Without ``--model`` a tiny randomly initialised classifier and the
lexicon tagger stand in: they measure the pipeline (reading, tagging, storing, Ray), not a real model — that is what
memory flatness and Ray's overhead need, at thousands of abstracts per minute. With ``--ner-model`` the transformer
tagger runs.

Each run records wall seconds, abstracts/s, and peak memory: the summed RSS of every process the run started (the
driver, Ray's daemons and actors; sampled every 0.2 s from /proc) and the driver's own peak (`VmHWM`-equivalent from
``/usr/bin/time -v``). With ``--queries`` the network commands are timed on the last run's store.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relnet.paths import data_path  # noqa: E402

RELNET = [sys.executable, "-m", "relnet.cli"]


def cpu_model() -> str:
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    m = re.search(r"Model name:\s*(.+)", out)
    return m.group(1).strip() if m else platform.processor()


def tiny_model(folder: Path) -> Path:
    """A 1-layer, 32-wide random relation classifier with the bundled tokenizer (no training, no download)."""
    from relnet.model.tiny import save_tiny_relation_classifier

    # a random head biased towards relations: a dense network, as a big store would be
    return save_tiny_relation_classifier(folder, [0.0, 0.5, 0.6, 0.4, 0.3, 0.2], random_head=True)


def synthetic_store(path: Path, edges: int, seed: int = 0) -> Path:
    """A store of ``edges`` distinct chemical → gene edges, one relation each, written straight into relnet's schema
    (10 relations per document, 20,000 chemicals × 20,000 genes): the network commands' scale test beyond what 2
    cores can mine in a session."""
    import random
    import sqlite3

    from relnet.store import RelationStore

    RelationStore(path).close()  # the schema
    rng = random.Random(seed)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < edges:
        pairs.add((rng.randrange(20_000), rng.randrange(20_000)))
    ordered = sorted(pairs, key=lambda _: rng.random())
    labels = ["CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9"]
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO entities VALUES (?, ?, ?)",
                         [(f"CHEMICAL:c{i}", f"c{i}", "CHEMICAL") for i in range(20_000)]
                         + [(f"GENE:g{i}", f"G{i}", "GENE") for i in range(20_000)])  # fmt: skip
        docs, mentions, relations, mined = [], [], [], []
        for d in range(0, len(ordered), 10):
            doc_id, text, k = f"s{d // 10}", "", 0
            for c, g in ordered[d : d + 10]:
                sentence = f"c{c} inhibits G{g}. "
                start = len(text)
                text += sentence
                label = labels[(c + g) % 5]
                mentions.append((doc_id, f"M{k}", start, start + len(f"c{c}"), f"c{c}", "CHEMICAL", f"CHEMICAL:c{c}",
                                 f"c{c}"))  # fmt: skip
                g0 = start + len(f"c{c} inhibits ")
                mentions.append((doc_id, f"M{k + 1}", g0, g0 + len(f"G{g}"), f"G{g}", "GENE", f"GENE:g{g}", f"g{g}"))
                relations.append((doc_id, f"M{k}", f"M{k + 1}", label, label, 0.5 + (c % 50) / 100, "synthetic",
                                  start, start + len(sentence) - 1))  # fmt: skip
                k += 2
            docs.append((doc_id, text.strip(), "synthetic"))
            mined.append((doc_id, "synthetic"))
        conn.executemany("INSERT INTO documents (id, text, source) VALUES (?, ?, ?)", docs)
        conn.executemany('INSERT INTO mentions (doc_id, id, start, "end", text, kind, entity_key, surface_key) '
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", mentions)  # fmt: skip
        conn.executemany("INSERT INTO relations (doc_id, arg1, arg2, label, grp, score, model_id, sentence_start, "
                         "sentence_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", relations)  # fmt: skip
        conn.executemany("INSERT INTO mined VALUES (?, ?)", mined)
    return path


def subset(n: int, folder: Path) -> Path:
    """The first ``n`` unlabeled abstracts as one TSV (0: the corpus folder itself)."""
    source = Path(data_path("unlabeled"))
    if n == 0:
        return source
    path = folder / f"unlabeled-{n}.tsv"
    if not path.exists():
        with path.open("w", encoding="utf-8") as out:
            left = n
            for f in sorted(source.glob("abstracts-*.tsv")):
                with f.open(encoding="utf-8") as src:
                    for line in src:
                        if left == 0:
                            break
                        out.write(line)
                        left -= 1
    return path


class TreeMemory(threading.Thread):
    """Peak summed RSS (MB) of the processes started after this object: the run's driver, Ray daemons and actors."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.boot = time.time() - float(Path("/proc/uptime").read_text().split()[0])
        self.started = time.time()
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.peak_mb = 0.0
        self.running = True

    def run(self) -> None:
        while self.running:
            total = 0
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                    if self.boot + int(fields[19]) / self.ticks >= self.started - 0.5:
                        total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
                except (OSError, IndexError, ValueError):
                    continue
            self.peak_mb = max(self.peak_mb, total / 2**20)
            time.sleep(0.2)


def timed(cmd: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, peak tree RSS (MB), driver peak RSS (MB) and stdout of ``cmd`` under /usr/bin/time -v."""
    sampler = TreeMemory()
    sampler.start()
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    sampler.running = False
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return wall, sampler.peak_mb, int(m.group(1)) / 1024 if m else 0.0, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", default="single:1000,single:0", help="ENGINE:N, comma-separated (N 0: all)")
    ap.add_argument("--model", default="", help="relation model folder; default: a tiny random classifier")
    ap.add_argument("--ner-model", default="", help="NER model folder (transformer tagger); default: the lexicon")
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--work", default="", help="folder for inputs and stores (default: a temporary one)")
    ap.add_argument("--queries", action="store_true", help="time the network commands on the last store")
    ap.add_argument("--entity", default="EGFR", help="the entity the timed queries start from")
    ap.add_argument(
        "--synthetic-edges",
        type=int,
        default=0,
        help="time the network commands on a synthetic store of this many edges instead of mining",
    )
    ap.add_argument("--out", default="", help="write the results as JSON here")
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="relnet-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    model = args.model or str(work / "tiny-model")
    if not args.model and not Path(model).is_dir():
        tiny_model(Path(model))
    tagger = (["--tagger", "transformer", "--ner-model", args.ner_model] if args.ner_model
              else ["--tagger", "lexicon", "--lexicon-from", data_path("chemprot/original/training")])  # fmt: skip
    results, store = [], None
    cores = len(os.sched_getaffinity(0))
    if args.synthetic_edges:
        store = work / f"synthetic-{args.synthetic_edges}.sqlite"
        if not store.exists():
            t0 = time.perf_counter()
            synthetic_store(store, args.synthetic_edges)
            print(
                f"synthetic store: {time.perf_counter() - t0:.0f} s, {store.stat().st_size / 2**20:.0f} MB", flush=True
            )
    for spec in args.runs.split(",") if args.runs else ():
        engine, n = spec.split(":")
        store = work / f"{engine}-{n}.sqlite"
        for stale in (store, Path(f"{store}.shards")):
            subprocess.run(["rm", "-rf", str(stale)], check=True)
        cmd = [*RELNET, "mine", str(subset(int(n), work)), "--store", str(store), "--model", model, *tagger,
               "--backend", args.backend]  # fmt: skip
        if engine.startswith("ray"):
            workers = int(engine[3:] or 1)
            cmd += ["--engine", "ray", "--workers", str(workers), "--threads", str(max(1, cores // workers)),
                    "--shard-docs", str(max(50, (int(n) or 53960) // (8 * workers)))]  # fmt: skip
        wall, tree_mb, driver_mb, out = timed(cmd)
        docs = sum(int(m) for m in re.findall(r"documents\s+(\d+) (?:mined|added)", out)[:1])
        row = {"engine": engine, "abstracts": int(n) or 53960, "documents_mined": docs, "wall_s": round(wall, 1),
               "abstracts_per_s": round(docs / wall, 2), "peak_rss_tree_mb": round(tree_mb),
               "peak_rss_driver_mb": round(driver_mb), "store_mb": round(store.stat().st_size / 2**20, 1),
               "model": args.model or "tiny random (1 layer, 32 wide)",
               "tagger": args.ner_model or "lexicon (ChemProt training names)"}  # fmt: skip
        results.append(row)
        print(json.dumps(row), flush=True)
    queries = {}
    if args.queries and store is not None:
        for name, cmd in {
            "summary": ["network", "summary", str(store)],
            "summary --min-evidence 5": ["network", "summary", str(store), "--min-evidence", "5"],
            f"query {args.entity}": ["network", "query", str(store), args.entity],
            f"query {args.entity} --hops 2 --min-evidence 3": ["network", "query", str(store), args.entity, "--hops",
                                                               "2", "--min-evidence", "3"],
            "html (refused: too large)": ["network", "html", str(store), str(work / "all.html")],
            f"html --around {args.entity} --min-evidence 3": ["network", "html", str(store), str(work / "one.html"),
                                                               "--around", args.entity, "--min-evidence", "3",
                                                               "--max-edges", "0"],
            "export csv": ["network", "export", str(store), str(work / "edges.csv"), "--format", "csv"],
        }.items():  # fmt: skip
            t0 = time.perf_counter()
            proc = subprocess.run([*RELNET, *cmd], capture_output=True, text=True, cwd=ROOT)
            queries[name] = {"seconds": round(time.perf_counter() - t0, 2), "exit": proc.returncode,
                             "first_line": (proc.stdout or proc.stderr).strip().splitlines()[:4]}  # fmt: skip
            print(name, json.dumps(queries[name]), flush=True)
    report = {"cpu": cpu_model(), "cores": cores, "runs": results, "queries": queries}
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
