"""Peak memory of streaming mining: the first N unlabeled abstracts against all 53,960 (lexicon tagger, no training).

Usage, from the repository root (``0`` means every abstract):

    .venv/bin/python scripts/measure_streaming_rss.py --limits 1000,0 [--model ../runs/cpr-drugprot-bf16/best]

Each limit runs in a fresh process: the rows of ``../shared/data/unlabeled/abstracts-*.tsv`` are streamed as
`Document`s (id: the PMID, else ``SOURCE:file:line``; text: ``title + "\\t" + abstract``) into `relnet.mining.mine`
with the lexicon tagger (built from the ChemProt training split) and a new store in a temporary folder. Each run
prints one JSON line — documents, seconds, RSS once the models are loaded, peak RSS (``VmHWM``), the growth
between the two, store size — and the table at the end compares them. Streaming holds when the growth stays about
the same for 1,000 and 53,960 abstracts (SQLite's page cache is bounded, 2 MB by default).

Without ``--model`` a tiny randomly initialised classifier stands in (seconds per thousand abstracts; no training,
no download): it measures the pipeline's memory, not a real model's, which only adds a constant. With a trained
model, expect about an hour for all abstracts on 2 cores. One measurement by hand, with the kernel's own count:

    /usr/bin/time -v .venv/bin/python scripts/measure_streaming_rss.py --run 1000   # "Maximum resident set size"
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from relnet.corpus.tsv import read_rows
from relnet.data import Document
from relnet.paths import data_path

UNLABELED = "unlabeled/abstracts-*.tsv"


def unlabeled_documents(limit: int = 0) -> Iterator[Document]:
    """The unlabeled abstracts (SOURCE, PMID, TITLE, ABSTRACT rows), one at a time; ``limit`` 0: all."""
    n = 0
    for path in sorted(Path(data_path("unlabeled")).glob("abstracts-*.tsv")):
        for lineno, (source, pmid, title, abstract) in read_rows(path, 4):
            doc_id = pmid or f"{source}:{path.stem}:{lineno}"
            text = f"{title}\t{abstract}" if title else abstract
            yield Document(doc_id, text, title_end=len(title) if title else 0, source=source)
            n += 1
            if n == limit:
                return


def _memory_kb() -> tuple[int, int]:
    """(current RSS, peak RSS) of this process in kB, from /proc (Linux)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def _tiny_classifier():
    import torch
    from transformers import AutoTokenizer, BertConfig

    from relnet.model.classifier import RelationClassifier
    from relnet.model.encoder import PairEncoder, resolve_encoder

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(resolve_encoder("default"))
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64)  # fmt: skip
    labels = ["false", "CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9"]
    return RelationClassifier(PairEncoder.from_config(tok, config, "punct", 64), labels, meta={"scheme": "cpr"})


def run(limit: int, model: str, batch_docs: int) -> dict:
    """Mine the first ``limit`` abstracts (0: all) into a temporary store; what it took."""
    from relnet.mentions import get_tagger
    from relnet.mining import mine
    from relnet.model.classifier import RelationClassifier
    from relnet.store import RelationStore

    tagger = get_tagger("lexicon", lexicon_from=data_path("chemprot/original/training"))
    classifier = RelationClassifier.load(model) if model else _tiny_classifier()
    loaded_kb, _ = _memory_kb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="relnet-rss-") as folder:
        store_path = Path(folder) / "store.sqlite"
        with RelationStore(store_path) as store:
            summary = mine(unlabeled_documents(limit), tagger, classifier, store, batch_docs=batch_docs,
                           progress=False, model_id=model or "tiny-random")  # fmt: skip
        store_mb = store_path.stat().st_size / 2**20
    _, peak_kb = _memory_kb()
    return {
        "limit": limit, "documents": summary.documents, "relations": sum(summary.relations.values()),
        "seconds": round(time.perf_counter() - started, 1), "rss_loaded_mb": round(loaded_kb / 1024, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1), "growth_mb": round((peak_kb - loaded_kb) / 1024, 1),
        "store_mb": round(store_mb, 1), "model": model or "tiny random classifier",
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limits", default="1000,0", help="comma-separated abstract counts, 0 = all (one process each)")
    ap.add_argument("--run", type=int, default=None, help="measure one limit in this process (what --limits runs)")
    ap.add_argument("--model", default="", help="a trained model folder (…/best); default: a tiny random classifier")
    ap.add_argument("--batch-docs", type=int, default=64)
    ap.add_argument("--out", default="", help="also write the results as JSON here")
    args = ap.parse_args()
    if args.run is not None:
        print(json.dumps(run(args.run, args.model, args.batch_docs)), flush=True)
        return
    results = []
    for limit in (int(x) for x in args.limits.split(",")):
        cmd = [sys.executable, __file__, "--run", str(limit), "--batch-docs", str(args.batch_docs)]
        out = subprocess.run([*cmd, *(["--model", args.model] if args.model else [])], check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(out.strip().splitlines()[-1], flush=True)
    print(f"\n{'documents':>10} {'seconds':>8} {'RSS loaded':>11} {'peak RSS':>9} {'growth':>7} {'store':>7}")
    for r in results:
        print(f"{r['documents']:>10} {r['seconds']:>8} {r['rss_loaded_mb']:>9} MB {r['peak_rss_mb']:>6} MB "
              f"{r['growth_mb']:>4} MB {r['store_mb']:>4} MB")  # fmt: skip
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
