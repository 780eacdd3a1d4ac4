from __future__ import annotations

from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.data import CHEMICAL, GENE, Document, Mention
from relnet.errors import RelnetError
from relnet.mentions import TAGGERS, LexiconTagger, get_tagger


def _tag(names: dict[str, str], text: str) -> list[tuple[str, str]]:
    doc = LexiconTagger(names).tag(Document("d", text))
    assert all(text[m.start : m.end] == m.text for m in doc.mentions)
    return [(m.text, m.kind) for m in doc.mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nitric oxide synthase and NO.", [("Nitric oxide synthase", GENE), ("NO", CHEMICAL)]),  # longest match
        ("no effect of nitric oxide", [("nitric oxide", CHEMICAL)]),  # short names are case-sensitive
        ("NITRIC OXIDE rose", [("NITRIC OXIDE", CHEMICAL)]),  # longer names are not
        ("EGFRvIII and pre-EGFR and EGFR.", [("EGFR", GENE), ("EGFR", GENE)]),  # word boundaries
        ("5-HT2A and 5-HT", [("5-HT", CHEMICAL)]),
    ],
)
def test_lexicon_longest_match_boundaries_and_case(text: str, expected: list[tuple[str, str]]) -> None:
    names = {"NO": CHEMICAL, "nitric oxide": CHEMICAL, "nitric oxide synthase": GENE, "EGFR": GENE, "5-HT": CHEMICAL}
    assert _tag(names, text) == expected


def test_lexicon_from_documents_uses_majority_kind_and_ids() -> None:
    def doc(i: str, *kinds: str) -> Document:
        return Document(i, "insulin", tuple(Mention(f"T{n}", 0, 7, "insulin", k) for n, k in enumerate(kinds)))

    tagger = LexiconTagger.from_documents([doc("1", GENE, CHEMICAL), doc("2", GENE)])
    tagged = tagger.tag(Document("x", "Insulin and insulin.", relations=()))
    assert [(m.id, m.kind) for m in tagged.mentions] == [("M1", GENE), ("M2", GENE)]


def test_lexicon_registry_builds_from_a_split(split_dir: Path) -> None:
    assert "lexicon" in TAGGERS
    tagger = get_tagger("lexicon", lexicon_from=split_dir)
    gold = read_documents(split_dir)[0]
    tagged = tagger.tag(gold.with_annotations((), ()))
    assert [(m.start, m.end, m.kind) for m in tagged.mentions] == [(m.start, m.end, m.kind) for m in gold.mentions]
    with pytest.raises(RelnetError, match="unknown tagger"):
        get_tagger("spacy")
    with pytest.raises(RelnetError, match="--lexicon-from"):
        get_tagger("lexicon")
    with pytest.raises(RelnetError, match="--ner-model"):
        get_tagger("transformer")


def _reference_tag(tagger: LexiconTagger, text: str) -> list[tuple[int, int, str]]:
    """The tagger's definition, spelt out slowly: from each token, the longest span whose `_fold`ed text is a name."""
    from relnet.mentions.lexicon import _TOKEN, _fold

    tokens = [(t.start(), t.end()) for t in _TOKEN.finditer(text)]
    out, i = [], 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + tagger.max_tokens) - 1, i - 1, -1):
            start, end = tokens[i][0], tokens[j][1]
            kind = tagger.names.get(_fold(text[start:end]))
            if kind is not None:
                out.append((start, end, kind))
                i = j + 1
                break
        else:
            i += 1
    return out


def test_lexicon_fast_search_finds_what_the_definition_does(split_dir: Path) -> None:
    from tests.conftest import CHEMPROT

    names = {"NO": CHEMICAL, "nitric oxide": CHEMICAL, "nitric oxide synthase": GENE, "Straße-1": GENE,
             "ΣΑ kinase": GENE, "IL-2": GENE, "IL-2 receptor": GENE, "Ca": CHEMICAL, "ca2+": CHEMICAL}  # fmt: skip
    texts = ["nitric  oxide\n synthase and NITRIC\tOXIDE, NO no No", "STRASSE-1 and straße-1 and Straße - 1",
             "σα KINASE, ςα kinase; IL-2 receptor IL-2receptor IL - 2 receptor", "Ca ca CA2+ Ca2+ ca2 +"]  # fmt: skip
    tagger = LexiconTagger(names)
    for text in texts:
        got = [(m.start, m.end, m.kind) for m in tagger.tag(Document("d", text)).mentions]
        assert got == _reference_tag(tagger, text), text
    # a real lexicon on real abstracts, where the shared corpus is present (else the fixture split)
    train, dev = (CHEMPROT / "training", CHEMPROT / "development") if CHEMPROT.is_dir() else (split_dir, split_dir)
    tagger = LexiconTagger.from_documents(read_documents(train))
    docs = read_documents(dev)[:150]
    found = 0
    for d in docs:
        got = [(m.start, m.end, m.kind) for m in tagger.tag(d).mentions]
        assert got == _reference_tag(tagger, d.text), d.id
        found += len(got)
    assert found > len(docs)  # not a vacuous comparison
