"""`Document` → candidate `Example`s: chemical–gene pairs with their sentence and label.

Candidates are the pairs whose two mentions fall in one sentence. With a scheme that has a
negative class (``cpr``) every such pair is a candidate; without one (``fine``, ``coarse5``) only
annotated pairs are, one example per relation. An annotated relation whose mentions lie in
different sentences becomes an example over the smallest window of sentences that holds both
(``meta["cross_sentence"] = True``), so labelled data loses nothing; unlabelled mining only pairs
mentions within a sentence.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator

from relnet.data import CHEMICAL, GENE, Document, Example, Mention, Span
from relnet.examples.labels import LabelScheme
from relnet.text.sentences import split_sentences


def document_sentences(doc: Document) -> list[tuple[int, int]]:
    """Sentences of a document; no boundary falls inside a mention."""
    return split_sentences(doc.text, [(m.start, m.end) for m in doc.mentions])


def _example(doc: Document, window: tuple[int, int], chem: Mention, gene: Mention, label: str, **meta) -> Example:
    s, e = window
    return Example(
        doc_id=doc.id,
        text=doc.text[s:e],
        head=Span(chem.start - s, chem.end - s),
        tail=Span(gene.start - s, gene.end - s),
        label=label,
        head_kind=CHEMICAL,
        tail_kind=GENE,
        head_id=chem.id,
        tail_id=gene.id,
        offset=s,
        meta=meta,
    )


def make_examples(doc: Document, scheme: LabelScheme | None = None, with_cross_sentence: bool = True) -> list[Example]:
    """Candidate examples of one document.

    ``scheme=None`` labels nothing (every pair gets label ``""``): the mining path.
    """
    sentences = document_sentences(doc)
    starts = [s for s, _ in sentences]

    def sentence_of(m: Mention) -> int:
        return max(0, bisect.bisect_right(starts, m.start) - 1)

    by_sentence: dict[int, list[Mention]] = {}
    for m in doc.mentions:
        by_sentence.setdefault(sentence_of(m), []).append(m)
    mentions = doc.mention_index()

    gold: dict[tuple[str, str], list[str]] = {}
    if scheme is not None:
        for r in doc.relations:
            label = scheme.label_of(r)
            if label is not None:
                gold.setdefault((r.arg1, r.arg2), []).append(label)

    out: list[Example] = []
    seen_pairs: set[tuple[str, str]] = set()
    for si, (s, e) in enumerate(sentences):
        ms = by_sentence.get(si, [])
        chems = [m for m in ms if m.kind == CHEMICAL]
        genes = [m for m in ms if m.kind == GENE]
        for c in chems:
            for g in genes:
                if (c.start, c.end) == (g.start, g.end):
                    continue  # one span typed both chemical and gene is not a pair
                pair = (c.id, g.id)
                seen_pairs.add(pair)
                if scheme is None:
                    out.append(_example(doc, (s, e), c, g, ""))
                elif pair in gold:
                    out.extend(_example(doc, (s, e), c, g, label) for label in _per_pair(gold[pair], scheme))
                elif scheme.negative is not None:
                    out.append(_example(doc, (s, e), c, g, scheme.negative))
    if scheme is not None and with_cross_sentence:
        for pair, labels in gold.items():
            if pair in seen_pairs:
                continue
            c, g = mentions[pair[0]], mentions[pair[1]]
            i, j = sorted((sentence_of(c), sentence_of(g)))
            window = (sentences[i][0], sentences[j][1])
            out.extend(_example(doc, window, c, g, label, cross_sentence=True) for label in _per_pair(labels, scheme))
    return out


def _per_pair(labels: list[str], scheme: LabelScheme) -> list[str]:
    """Pair-level schemes (with a negative class) classify each pair once per distinct label;
    relation-level schemes keep one example per annotated relation, as the seed counted them."""
    return list(dict.fromkeys(labels)) if scheme.negative is not None else labels


def examples_from_documents(
    docs: Iterable[Document], scheme: LabelScheme | None = None, with_cross_sentence: bool = True
) -> Iterator[Example]:
    for doc in docs:
        yield from make_examples(doc, scheme, with_cross_sentence)
