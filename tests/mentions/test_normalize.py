from __future__ import annotations

import pytest

from relnet.data import CHEMICAL, GENE, Document, Mention
from relnet.mentions import SurfaceNormalizer, abbreviations, entity_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("COX-2", "COX 2"),
        ("COX-2", "cox2"),
        ("COX‐2", "Cox–2"),  # unicode hyphen and en dash
        ("TNF-α", "TNF-alpha"),
        ("β-catenin", "Beta catenin"),
        ("PPARγ", "PPAR-gamma"),
        ("  epidermal   growth factor ", "Epidermal growth factor"),
    ],
)
def test_normalize_entity_key_groups_variants(a: str, b: str) -> None:
    assert entity_key(a, GENE) == entity_key(b, GENE)


@pytest.mark.parametrize(("a", "b"), [("COX-1", "COX-2"), ("TNF-α", "TNF-β"), ("5-HT1A", "5-HT2A")])
def test_normalize_entity_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert entity_key(a, GENE) != entity_key(b, GENE)


def test_normalize_entity_key_includes_the_kind() -> None:
    assert entity_key("insulin", CHEMICAL) != entity_key("insulin", GENE)
    assert entity_key("COX-2", GENE) == "GENE:cox2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The epidermal growth factor receptor (EGFR) binds.", {"EGFR": "epidermal growth factor receptor"}),
        ("Levels of tumor necrosis factor-alpha (TNF-α) rose.", {"TNF-α": "tumor necrosis factor-alpha"}),
        ("We used 5-hydroxytryptamine (5-HT) here.", {"5-HT": "5-hydroxytryptamine"}),
        ("cyclooxygenase-2 (COX-2) and nitric oxide (NO).", {"COX-2": "cyclooxygenase-2", "NO": "nitric oxide"}),
        ("in treated mice (n = 5) and (p<0.05) and (Fig. 2)", {}),
        ("the kinase (EGFR) was", {}),  # no long form holds E…G…F…R
    ],
)
def test_normalize_abbreviations_schwartz_hearst(text: str, expected: dict[str, str]) -> None:
    assert abbreviations(text) == expected


def test_normalize_surface_normalizer_groups_long_form_with_abbreviation() -> None:
    text = "The epidermal growth factor receptor (EGFR) is blocked. Epidermal growth factor receptor and EGFR."
    spans = [("epidermal growth factor receptor", 4), ("EGFR", 38), ("Epidermal growth factor receptor", 56),
             ("EGFR", 93)]  # fmt: skip
    mentions = [Mention(f"T{i}", s, s + len(t), t, GENE) for i, (t, s) in enumerate(spans)]
    doc = Document("1", text, tuple(mentions))
    assert all(text[m.start : m.end] == m.text for m in mentions)
    refs = [SurfaceNormalizer().normalize(m, doc) for m in mentions]
    assert {r.key for r in refs} == {"GENE:egfr"}
    assert {r.name for r in refs} == {"EGFR"}
    # without the definition, the long form is its own entity
    other = Document("2", "Epidermal growth factor receptor.", (Mention("T1", 0, 32, text[56:88], GENE),))
    assert SurfaceNormalizer().normalize(other.mentions[0], other).key == "GENE:epidermalgrowthfactorreceptor"
