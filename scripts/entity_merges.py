"""Which gold mentions become one entity: relnet's old surface normaliser vs the current one, on a ChemProt split.

No model: the split's gold mentions are grouped twice — by the old `SurfaceNormalizer` (commit 8f867a8, read
with git: each document's long forms folded into its short form, and a short form one entity everywhere) and
by `group_mentions` (what `RelationStore` does now: a short form joins its long form only while every document
that defines it agrees on its sense) — and the entities that merge more than one surface form (`entity_key` of
the text) are compared. Writes a markdown file for judgement and a JSON file: counts, the old entities the
current normaliser splits (the wrong merges it avoids, and the synonyms it now keeps apart), the current
entities that join several old ones, and 50 merged entities sampled (seeded) from each side.

    .venv/bin/python scripts/entity_merges.py [--split ../shared/data/chemprot/original/development]
        [--out docs/entity_merges.md] [--sample 50] [--seed 13]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from relnet.corpus.chemprot import read_chemprot
from relnet.data import Mention
from relnet.mentions.normalize import SurfaceNormalizer, entity_key, group_mentions
from relnet.paths import data_dir

Ref = tuple[str, str]  # (doc id, mention id)


OLD_COMMIT = "8f867a8"  # relnet's normaliser before concept ids and cross-document abbreviations


def old_normalizer(tmp: Path) -> Any:
    """`SurfaceNormalizer` as it was at `OLD_COMMIT` (read with git, imported from a temporary file)."""
    source = subprocess.run(
        ["git", "show", f"{OLD_COMMIT}:relnet/mentions/normalize.py"], capture_output=True, text=True, check=True
    ).stdout
    path = tmp / "old_normalize.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_normalize", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SurfaceNormalizer()


def entities(keys: dict[Ref, str]) -> dict[str, list[Ref]]:
    out: dict[str, list[Ref]] = {}
    for ref, key in keys.items():
        out.setdefault(key, []).append(ref)
    return out


def describe(key: str, refs: list[Ref], mentions: dict[Ref, Mention], long_forms: dict[Ref, str]) -> dict:
    names = Counter(mentions[r].text for r in refs)
    longs = Counter(long_forms[r] for r in refs if long_forms[r])
    return {
        "key": key,
        "name": sorted(names, key=lambda t: (-names[t], len(t), t))[0],
        "mentions": len(refs),
        "docs": len({d for d, _ in refs}),
        "surface_forms": dict(names.most_common()),
        "long_forms": dict(longs.most_common()),
    }


def merged(groups: dict[str, list[Ref]], mentions: dict[Ref, Mention]) -> dict[str, list[Ref]]:
    """Entities whose mentions have more than one surface key."""
    return {
        k: refs for k, refs in groups.items() if len({entity_key(mentions[r].text, mentions[r].kind) for r in refs}) > 1
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", type=Path, default=data_dir() / "chemprot/original/development")
    parser.add_argument("--out", type=Path, default=Path("docs/entity_merges.md"))
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    docs = read_chemprot(args.split)
    mentions = {(d.id, m.id): m for d in docs for m in d.mentions}
    normalizer = SurfaceNormalizer()
    long_forms = {(d.id, m.id): normalizer.ground(m, d).long_form for d in docs for m in d.mentions}
    with tempfile.TemporaryDirectory() as tmp:
        old_normal = old_normalizer(Path(tmp))
    old = entities({(d.id, m.id): old_normal.normalize(m, d).key for d in docs for m in d.mentions})
    new = entities(group_mentions(docs))
    old_merged, new_merged = merged(old, mentions), merged(new, mentions)
    old_sets = {frozenset(refs) for refs in old_merged.values()}
    new_sets = {frozenset(refs) for refs in new_merged.values()}

    new_key = {ref: key for key, refs in new.items() for ref in refs}
    old_key_of = {ref: key for key, refs in old.items() for ref in refs}

    def regrouped(groups: dict[str, list[Ref]], other: dict[Ref, str]) -> list[dict]:
        """Entities of ``groups`` whose mentions the other normaliser puts in several entities (listed)."""
        out = []
        for k, refs in groups.items():
            parts = Counter(other[r] for r in refs)
            if len(parts) > 1:
                out.append({**describe(k, refs, mentions, long_forms), "now": dict(parts.most_common())})
        return sorted(out, key=lambda e: (-len(e["now"]), -e["mentions"], e["key"]))

    # old entities the current normaliser splits (AR: androgen receptor, aldose reductase and an undefined AR), and
    # current entities that join several old ones (a long form used without its abbreviation elsewhere)
    split, joined = regrouped(old, new_key), regrouped(new, old_key_of)
    rng = random.Random(args.seed)

    def sample(groups: dict[str, list[Ref]]) -> list[dict]:
        keys = sorted(groups)
        return [
            describe(k, groups[k], mentions, long_forms) for k in sorted(rng.sample(keys, min(args.sample, len(keys))))
        ]

    report = {
        "split": str(args.split),
        "documents": len(docs),
        "mentions": len(mentions),
        "entities": {"old": len(old), "new": len(new)},
        "merged_entities": {"old": len(old_merged), "new": len(new_merged)},
        "merged_unchanged": len(old_sets & new_sets),
        "merged_only_old": len(old_sets - new_sets),
        "merged_only_new": len(new_sets - old_sets),
        "split_by_new": split,
        "joined_by_new": joined,
        "sample_old": sample(old_merged),
        "sample_new": sample(new_merged),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    args.out.write_text(markdown(report, args.seed))
    print(json.dumps({k: v for k, v in report.items() if not isinstance(v, list)}, indent=1))
    print(f"{len(split)} old entities split, {len(joined)} new ones join old ones; written {args.out} and .json")


def markdown(r: dict, seed: int) -> str:
    def row(e: dict) -> str:
        forms = ", ".join(f"{t} ×{n}" for t, n in e["surface_forms"].items())
        longs = ", ".join(f"{t} ×{n}" for t, n in e["long_forms"].items()) or "—"
        now = ", ".join(f"`{k}` ×{n}" for k, n in e.get("now", {}).items())
        return f"| `{e['key']}` | {e['name']} | {e['mentions']} | {e['docs']} | {forms} | {longs} | {now} |  |"

    head = (
        "| key | name | mentions | docs | surface forms | long forms | other side | right? |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    lines = [
        "# Entity merges: old surface normaliser vs concept ids + abbreviations across documents",
        "",
        f"Gold mentions of `{r['split']}`: {r['documents']} documents, {r['mentions']} mentions. Made by "
        f"`scripts/entity_merges.py` (seed {seed}); no model.",
        "",
        "| | old | new |",
        "|---|---|---|",
        f"| entities | {r['entities']['old']} | {r['entities']['new']} |",
        f"| entities merging more than one surface form | {r['merged_entities']['old']} | "
        f"{r['merged_entities']['new']} |",
        "",
        f"Merged entities identical in both: {r['merged_unchanged']}; only old: {r['merged_only_old']}; only new: "
        f"{r['merged_only_new']}.",
        "",
        f"## Old entities the new normaliser splits ({len(r['split_by_new'])})",
        "",
        "Documents define the short form with long forms of different senses: each sense is its own entity, and",
        "the short form where no document defines it stays apart. *other side*: the new entities and their mentions.",
        "",
        head,
        *(row(e) for e in r["split_by_new"]),
        "",
        f"## New entities that join several old ones ({len(r['joined_by_new'])})",
        "",
        "A long form written without its abbreviation (or an abbreviation written without its definition) in one",
        "document joins the abbreviation another document defines. *other side*: the old entities.",
        "",
        head,
        *(row(e) for e in r["joined_by_new"]),
        "",
        f"## {len(r['sample_old'])} merged entities, old normaliser (sampled)",
        "",
        head,
        *(row(e) for e in r["sample_old"]),
        "",
        f"## {len(r['sample_new'])} merged entities, new normaliser (sampled)",
        "",
        head,
        *(row(e) for e in r["sample_new"]),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
