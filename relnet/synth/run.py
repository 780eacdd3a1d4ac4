"""`relnet synth`'s one library call: generate a corpus and write it, with stats and optional extras, to a folder.

Where it sits: between the CLI and `generate.py` / `io.py` / `report.py`. Files written to ``out``:
``documents.jsonl`` (relnet JSONL, read back by `read_synth`), ``stats.json`` (config, counts per class,
relation types, held-out names), optionally ``scibert.jsonl`` and ``inspect.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from relnet.errors import RelnetError
from relnet.examples.labels import get_scheme
from relnet.synth.generate import SynthConfig, generate_corpus
from relnet.synth.io import DOCUMENTS, write_documents, write_scibert_jsonl
from relnet.synth.report import inspection_report


def synth_to_folder(
    config: SynthConfig, out: str | Path, jsonl: bool = False, inspect: int = 0, overwrite: bool = False
) -> dict[str, Any]:
    """Generate and write; returns the stats (also in ``stats.json``) with the paths written under ``files``."""
    out = Path(out)
    if (out / DOCUMENTS).exists() and not overwrite:
        raise RelnetError(f"{out} already holds a corpus; choose another --out or pass --overwrite")
    out.mkdir(parents=True, exist_ok=True)
    corpus = generate_corpus(config)
    files = {"documents": str(out / DOCUMENTS)}
    if jsonl:
        files["scibert"] = str(out / "scibert.jsonl")
        write_scibert_jsonl(corpus.documents, get_scheme(config.scheme), out / "scibert.jsonl")
    if inspect:
        files["inspect"] = str(inspection_report(config, inspect, out / "inspect.md"))
    stats = {**corpus.stats, "files": files}
    (out / "stats.json").write_text(json.dumps(stats, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_documents(corpus.documents, out / DOCUMENTS)  # last: recipe scripts take it for a finished corpus
    return stats
