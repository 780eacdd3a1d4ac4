"""Corpus statistics under a label scheme, and the comparison with the BLURB release."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from relnet.corpus import read_documents
from relnet.corpus.blurb import read_blurb_tsv
from relnet.examples.candidates import examples_from_documents
from relnet.examples.labels import get_scheme


def class_table(splits: list[Path], scheme_name: str) -> dict[str, dict[str, int]]:
    """``{split name: {label: count}}``."""
    scheme = get_scheme(scheme_name)
    out = {}
    for split in splits:
        counts = Counter(e.label for e in examples_from_documents(read_documents(split), scheme))
        out[Path(split).name] = {label: counts.get(label, 0) for label in scheme.labels}
    return out


def split_counts(splits: list[Path]) -> dict[str, dict[str, int]]:
    """``{split name: {"documents", "entities", "relations": count}}``, as the readers keep them."""
    out = {}
    for split in splits:
        docs = list(read_documents(split))
        out[Path(split).name] = {
            "documents": len(docs),
            "entities": sum(len(d.mentions) for d in docs),
            "relations": sum(len(d.relations) for d in docs),
        }
    return out


def format_split_counts(counts: dict[str, dict[str, int]]) -> str:
    return "\n".join(
        f"{name}: {c['documents']:,} documents, {c['entities']:,} entities, {c['relations']:,} relations"
        for name, c in counts.items()
    )


def format_class_table(table: dict[str, dict[str, int]]) -> str:
    names = list(table)
    labels = list(next(iter(table.values())))
    head = f"{'class':<22}" + "".join(f"{n:>14}{'%':>8}" for n in names)
    lines = [head]
    totals = {n: sum(table[n].values()) for n in names}
    for label in labels:
        row = f"{label:<22}"
        for n in names:
            c = table[n][label]
            row += f"{c:>14,}{100 * c / max(totals[n], 1):>8.2f}"
        lines.append(row)
    lines.append(f"{'Total':<22}" + "".join(f"{totals[n]:>14,}{100.0:>8.2f}" for n in names))
    return "\n".join(lines)


def compare_with_blurb(split: Path, blurb: Path) -> dict:
    """Pair-level comparison of relnet's ``cpr`` candidates with the BLURB rows of the same split."""
    examples = list(examples_from_documents(read_documents(split), get_scheme("cpr")))
    ours = {(e.doc_id, e.head_id, e.tail_id): e.label for e in examples}
    rows = read_blurb_tsv(blurb)
    theirs = {(r.doc_id, r.arg1, r.arg2): r for r in rows}
    only_blurb = [k for k in theirs if k not in ours]
    same_span = [k for k in only_blurb if "@CHEM-GENE$" in theirs[k].sentence]
    return {
        "relnet": {"rows": len(examples), **Counter(e.label for e in examples)},
        "blurb": {"rows": len(rows), **Counter(r.label for r in rows)},
        "only_in_blurb": len(only_blurb),
        "only_in_blurb_same_span_chemical_and_gene": len(same_span),
        "only_in_blurb_other_sentence_split": len(only_blurb) - len(same_span),
        "only_in_relnet": sum(1 for k in ours if k not in theirs),
        "duplicate_rows_in_blurb": len(rows) - len(theirs),
        "pairs_with_two_groups": len(examples) - len(ours),
    }
