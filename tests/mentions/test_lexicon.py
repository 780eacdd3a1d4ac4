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
