"""How often each pair-typing strategy picks the right chemical in a SciBERT jsonl (relnet/corpus/pair_typing.py).

Usage: python scripts/scibert_typing.py [--jsonl dev.jsonl] [--truth original/development]
       [--train original/training] [--out FILE.json]

The truth comes from the original layout (``--truth``): the sentence is found in a document's text and the
pair is the one whose ChemProt relation has the line's label (else the one whose entity types say so). The
lexicon and n-gram strategies learn from ``--train`` only (never the split the truth comes from).
Prints right / wrong / undecided per strategy and for the default chain, and writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from relnet.corpus import read_documents
from relnet.corpus.pair_typing import STRATEGIES, EntityLexicon, GoldTypes, PairTyper
from relnet.corpus.scibert import parse_marked
from relnet.data import CHEMICAL, GENE, Document, Span

DATA = Path("../shared/data/chemprot")


def true_first_is_chemical(docs: list[Document], sentence: str, first: Span, second: Span, label: str) -> bool | None:
    """From the original release: the relation with ``label`` between the two spans, else their entity types."""
    by_relation, by_kind = set(), set()
    for doc in docs:
        text = doc.text.replace("\t", " ")
        i = text.find(sentence)
        while i >= 0:
            at = defaultdict(list)
            for m in doc.mentions:
                at[(m.start, m.end)].append(m)
            relations = {(r.arg1, r.arg2): r.label for r in doc.relations}
            for a in at.get((i + first.start, i + first.end), []):
                for b in at.get((i + second.start, i + second.end), []):
                    if relations.get((a.id, b.id)) == label:
                        by_relation.add(True)
                    if relations.get((b.id, a.id)) == label:
                        by_relation.add(False)
                    if {a.kind, b.kind} == {CHEMICAL, GENE}:
                        by_kind.add(a.kind == CHEMICAL)
            i = text.find(sentence, i + 1)
    for answers in (by_relation, by_kind):
        if len(answers) == 1:
            return answers.pop()
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", default=str(DATA / "scibert/dev.jsonl"))
    parser.add_argument("--truth", default=str(DATA / "original/development"))
    parser.add_argument("--train", default=str(DATA / "original/training"))
    parser.add_argument("--out", default="runs/scibert_typing.json")
    args = parser.parse_args()

    truth_docs = read_documents(args.truth)
    lexicon = EntityLexicon.from_documents(read_documents(args.train))
    gold = GoldTypes(truth_docs)
    pairs = []
    for line in Path(args.jsonl).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            sentence, first, second = parse_marked(rec["text"])
            pairs.append(
                (sentence, first, second, true_first_is_chemical(truth_docs, sentence, first, second, rec["label"]))
            )
    known = [p for p in pairs if p[3] is not None]
    report = {
        "jsonl": args.jsonl, "truth": args.truth, "train": args.train, "pairs": len(pairs), "with_truth": len(known),
        "chemical_first": sum(p[3] is True for p in known), "lexicon_names": len(lexicon.counts), "strategies": {},
    }  # fmt: skip

    def tally(typer: PairTyper) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for sentence, first, second, truth in known:
            answer, strategy = typer.first_is_chemical(sentence, first, second)
            counts["undecided" if answer is None else "right" if answer == truth else "wrong"] += 1
            if answer is not None and len(typer.strategies) > 1:
                counts[f"{'right' if answer == truth else 'wrong'} by {strategy}"] += 1
        return dict(counts)

    chains = {s: (s,) for s in STRATEGIES}
    chains |= {
        "lexicon>ngram>surface (default)": ("lexicon", "ngram", "surface"),
        "ngram>surface": ("ngram", "surface"),
    }
    print(f"{args.jsonl}: {len(pairs)} pairs, {len(known)} with a known chemical ({report['chemical_first']} first)")
    print(f"{'strategy':<34} {'right':>6} {'wrong':>6} {'undecided':>9}  accuracy")
    for name, chain in chains.items():
        c = tally(PairTyper(lexicon, gold, chain))
        report["strategies"][name] = c
        acc = c.get("right", 0) / max(len(known), 1)
        print(f"{name:<34} {c.get('right', 0):>6} {c.get('wrong', 0):>6} {c.get('undecided', 0):>9}  {acc:.4f}")
        extra = {k: v for k, v in c.items() if " by " in k}
        if extra:
            print(f"{'':<34} {extra}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
