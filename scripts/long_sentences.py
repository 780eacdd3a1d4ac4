"""Candidate chemical–gene pairs per source, and how many sit in sentences too long to label (what `relnet
pseudo-label` drops as `too_long`), with lexicon mentions: no model, so it measures the text and the splitter alone.

Usage: python scripts/long_sentences.py INPUT… --lexicon-from TRAIN_SPLIT [--max-sentence-chars 1200] [--output PREFIX]
e.g.   python scripts/long_sentences.py ../shared/data/unlabeled \
         --lexicon-from ../shared/data/chemprot/original/training
Prints a table (sources with the most long-sentence pairs first); with --output, PREFIX.json and PREFIX.txt too.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from relnet.data import Document
from relnet.errors import RelnetError
from relnet.examples.candidates import make_examples
from relnet.mentions import get_tagger, tag_all
from relnet.mining.pipeline import read_inputs
from relnet.progress import progress
from relnet.workflows.pseudo_label import MAX_SENTENCE_CHARS, PseudoStats, document_batches


def count(inputs: list[str], lexicon_from: str, max_chars: int, batch_docs: int = 256) -> dict[str, dict[str, int]]:
    """{source: {documents, candidates, too_long}} over every document of ``inputs``."""
    tagger = get_tagger("lexicon", lexicon_from=lexicon_from)
    docs, pairs, long_pairs = Counter(), Counter(), Counter()

    def run(batch: list[Document]) -> None:
        for doc in tag_all(tagger, batch):
            docs[doc.source] += 1
            for ex in make_examples(doc, None):
                pairs[doc.source] += 1
                long_pairs[doc.source] += len(ex.text) > max_chars

    bar = progress(total=None, desc="candidates", unit="doc")
    for batch in document_batches(read_inputs(inputs, tagged=True), frozenset(), 0, batch_docs, PseudoStats(), bar):
        run(batch)
    bar.close()
    return {s: {"documents": docs[s], "candidates": pairs[s], "too_long": long_pairs[s]} for s in docs}


def table(counts: dict[str, dict[str, int]], max_chars: int) -> str:
    total = {k: sum(c[k] for c in counts.values()) for k in ("documents", "candidates", "too_long")}
    share = total["too_long"] / max(total["candidates"], 1)
    lines = [f"{total['documents']:,} documents, {total['candidates']:,} candidate pairs, {total['too_long']:,} "
             f"({share:.1%}) in sentences over {max_chars:,} characters",
             f"{'source':40s} {'documents':>10s} {'candidates':>11s} {'too long':>9s}"]  # fmt: skip
    for source, c in sorted(counts.items(), key=lambda kv: (-kv[1]["too_long"], -kv[1]["candidates"], kv[0])):
        lines.append(f"{source:40s} {c['documents']:10,d} {c['candidates']:11,d} {c['too_long']:9,d}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", help="text, PubTator, BioC, MEDLINE, JATS, abstracts TSV or a folder")
    parser.add_argument("--lexicon-from", required=True, help="training split the mention lexicon is built from")
    parser.add_argument("--max-sentence-chars", type=int, default=MAX_SENTENCE_CHARS)
    parser.add_argument("--output", help="write PREFIX.json and PREFIX.txt")
    args = parser.parse_args()
    try:
        counts = count(args.inputs, args.lexicon_from, args.max_sentence_chars)
    except RelnetError as e:
        raise SystemExit(f"long_sentences: {e}") from None
    text = table(counts, args.max_sentence_chars)
    print(text)
    if args.output:
        Path(f"{args.output}.txt").write_text(text + "\n")
        payload = {"max_sentence_chars": args.max_sentence_chars, "by_source": counts}
        Path(f"{args.output}.json").write_text(json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
