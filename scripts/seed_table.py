"""Mean ± sd over seeds per recipe, each compared with the first recipe (no difference under 2 pooled sd).

Usage: python scripts/seed_table.py NAME=RUN[,RUN…] [NAME=RUN,…] [--output PREFIX]
Each RUN holds the dev.json `relnet train` or `relnet train-ner` writes. The score is the official F1 where the split
has one, else micro-F1 (macro-F1 for coarse5; strict span micro-F1 for a tagger). With --output, PREFIX.md and
PREFIX.json are written too.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from relnet.errors import RelnetError
from relnet.evaluation.seeds import compare, paired, run_score, seed_figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="+", help="NAME=RUN[,RUN…]")
    parser.add_argument("--output", help="write PREFIX.md and PREFIX.json")
    args = parser.parse_args()
    groups = []
    for g in args.groups:
        name, _, runs = g.partition("=")
        paths = [Path(r) for r in runs.split(",") if r]
        if not name or not paths:
            raise SystemExit(f"seed_table: {g!r} is not NAME=RUN[,RUN…]")
        try:
            scores = [run_score(p) for p in paths]
        except RelnetError as e:
            raise SystemExit(f"seed_table: {e}") from None
        if len({metric for _, metric in scores}) > 1:
            raise SystemExit(f"seed_table: {name} mixes scores: {sorted({m for _, m in scores})}")
        groups.append((name, paths, seed_figure([score for score, _ in scores])))
    base = groups[0][2]
    lines = ["| recipe | runs | dev score per seed | mean ± sd | vs first | verdict | per-seed differences |",
             "|---" * 7 + "|"]  # fmt: skip
    payload = []
    for name, paths, fig in groups:
        diff, verdict = compare(base, fig)
        per_seed = " / ".join(f"{v:.4f}" for v in fig.values)
        pairs = paired(base, fig) if fig is not base else None
        per_pair = " / ".join(f"{v:+.4f}" for v in pairs.values) if pairs else "–"
        lines.append(f"| {name} | {fig.n} | {per_seed} | {fig} | {diff:+.4f} | {verdict if fig is not base else '–'} "
                     f"| {per_pair} |")  # fmt: skip
        payload.append({"recipe": name, "runs": [str(p) for p in paths], **fig.to_json(), "diff_vs_first": diff,
                        "verdict": verdict, "paired": pairs.to_json() if pairs else None})  # fmt: skip
    text = "\n".join(lines)
    print(text)
    if args.output:
        Path(args.output + ".md").write_text(text + "\n")
        Path(args.output + ".json").write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
