"""Markdown tables from training runs: per-class F1, micro/macro, official score, time, speed.

Usage: python scripts/results_table.py RUN_DIR [RUN_DIR …]   (each holds dev.json and history.json)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(runs: list[str]) -> None:
    rows = []
    for run in runs:
        d = json.loads((Path(run) / "dev.json").read_text())
        hist = json.loads((Path(run) / "history.json").read_text())
        s = d["scores"]
        per_class = " · ".join(f"{k} {v['f1']:.3f}" for k, v in s["per_class"].items() if v["support"])
        off = d.get("official")
        official = f"{off['f1']:.4f}" if off else "–"
        rows.append(
            f"| {Path(run).name} | {d['best_epoch']}/{len(hist)} | {s['micro']['f1']:.4f} | {s['macro']['f1']:.4f} "
            f"| {official} |"
        )
        rows[-1] += (
            f" {per_class} | {sum(d['seconds_per_epoch']) / len(d['seconds_per_epoch']):.0f} "
            f"| {d['inference_examples_per_second']:.0f} | {max(h.get('max_rss_mb', 0) for h in hist):.0f} |"
        )
    print("| run | best epoch | micro-F1 | macro-F1 | official F1 | per-class F1 | s/epoch | infer ex/s | max RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
