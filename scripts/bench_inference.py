"""Inference speed of a trained model on a split: unsorted vs length-sorted batches, fp32 vs int8.

Usage: python scripts/bench_inference.py MODEL_DIR SPLIT_DIR [--limit N] [--out FILE.json]
Prints a table and writes JSON (examples/s and micro-F1 per variant).
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import torch

from relnet.evaluation.metrics import score
from relnet.examples.dataset import load_examples
from relnet.examples.labels import get_scheme
from relnet.model.classifier import RelationClassifier


def unsorted_proba(model: RelationClassifier, feats, batch_size: int) -> torch.Tensor:
    out = []
    with torch.inference_mode():
        for s in range(0, len(feats), batch_size):
            out.append(torch.softmax(model(**model.encoder.collate(feats[s : s + batch_size])), -1))
    return torch.cat(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("split")
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    model = RelationClassifier.load(args.model)
    scheme = get_scheme(model.meta["scheme"])
    examples, _ = load_examples(args.split, scheme)
    examples = examples[: args.limit]
    feats = model.encoder.tokenize(examples)
    gold = [e.label for e in examples]
    variants = {
        "fp32 unsorted": lambda: unsorted_proba(model, feats, args.batch_size),
        "fp32 length-sorted": lambda: model.predict_proba(feats, args.batch_size),
    }
    q = model.quantized()
    variants["int8 length-sorted"] = lambda: q.predict_proba(feats, args.batch_size)
    results = {}
    for name, fn in variants.items():
        fn() if name.startswith("int8") else None  # warm-up for quantised kernels
        t0 = time.time()
        probs = fn()
        sec = time.time() - t0
        pred = [model.labels[i] for i in probs.argmax(-1).tolist()]
        results[name] = {"examples_per_second": len(feats) / sec, "micro_f1": score(gold, pred, scheme).micro["f1"]}
        print(f"{name:<22} {results[name]['examples_per_second']:8.1f} ex/s   micro-F1 {results[name]['micro_f1']:.4f}")
    meta = {"model": args.model, "split": args.split, "examples": len(feats), "threads": torch.get_num_threads(),
            "machine": platform.processor() or platform.machine(), "results": results}  # fmt: skip
    if args.out:
        with open(args.out, "w") as f:
            json.dump(meta, f, indent=2)


if __name__ == "__main__":
    main()
