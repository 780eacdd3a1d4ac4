"""Inspection report: artificial sentences of each family next to real training sentences, per class.

Where it sits: beside `generate.py`, for a person to judge the corpora by eye. Reads the training split
only; writes markdown with the pair marked ``<< … >>`` / ``[[ … ]]`` (chemical **C**, gene **G**).
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from relnet.data import Example
from relnet.examples.candidates import examples_from_documents, make_examples
from relnet.examples.labels import get_scheme
from relnet.synth.generate import FAMILIES, SynthConfig, generate_corpus, read_training
from relnet.synth.io import marked_text

N_REAL = 5


def _line(e: Example, rtype: str = "") -> str:
    first = "C" if e.head.start < e.tail.start else "G"
    return f"- `{first}{'G' if first == 'C' else 'C'}` {rtype + ': ' if rtype else ''}{marked_text(e)}"


def inspection_report(config: SynthConfig, n: int, path: str | Path) -> Path:
    """Write ``n`` sampled artificial sentences per class per family and 5 real ones per class to ``path``."""
    scheme = get_scheme(config.scheme)
    rng = random.Random(config.seed)
    docs = read_training(config.train)
    real = [e for e in examples_from_documents(docs, scheme) if not e.meta.get("cross_sentence")]
    relations = {(d.id, r.arg1, r.arg2): r.label for d in docs for r in d.relations}
    lines = [f"# Artificial corpus inspection — scheme `{scheme.name}`, seed {config.seed}", "",
             "`CG`: chemical first, `GC`: gene first; the relation type precedes each sentence.", ""]  # fmt: skip
    samples: dict[str, dict[str, list[str]]] = {}
    for family in FAMILIES:
        corpus = generate_corpus(replace(config, family=family, per_class=n, balance="uniform"))
        for doc in corpus.documents:
            types = {(r.arg1, r.arg2): r.label for r in doc.relations}
            for e in make_examples(doc, scheme):
                rtype = types.get((e.head_id, e.tail_id), "")
                samples.setdefault(e.label, {}).setdefault(family, []).append(_line(e, rtype))
    for label in scheme.labels:
        lines += [f"## {label}", "", f"### real (training, {N_REAL} sampled)", ""]
        pool = [e for e in real if e.label == label]
        for e in rng.sample(pool, min(N_REAL, len(pool))):
            lines.append(_line(e, relations.get((e.doc_id, e.head_id, e.tail_id), "")))
        for family in FAMILIES:
            got = samples.get(label, {}).get(family, [])
            lines += ["", f"### {family} ({min(n, len(got))} sampled)", "", *rng.sample(got, min(n, len(got)))]
        lines.append("")
    path = Path(path)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
