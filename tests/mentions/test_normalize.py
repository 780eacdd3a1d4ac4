from __future__ import annotations

import pytest

from relnet.data import CHEMICAL, GENE, Document, EntityRef, Mention
from relnet.mentions import Definitions, Grounding, SurfaceNormalizer, abbreviations, entity_key, group_mentions
from relnet.mentions.normalize import long_form_words, same_long_form


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


def _doc(doc_id: str, text: str, *names: tuple[str, str] | tuple[str, str, str]) -> Document:
    """A document with one mention per ``(surface, kind[, concept])``, each at its first place in ``text``."""
    mentions = []
    start = 0
    for i, (surface, kind, *concept) in enumerate(names, start=1):
        start = text.index(surface, start)
        mentions.append(Mention(f"T{i}", start, start + len(surface), surface, kind, concept="".join(concept)))
        start += len(surface)
    return Document(doc_id, text, tuple(mentions))


ANDROGEN = _doc("1", "The androgen receptor (AR) binds. AR is nuclear.",
                ("androgen receptor", GENE), ("AR", GENE), ("AR", GENE))  # fmt: skip
ALDOSE = _doc("2", "Aldose reductase (AR) reduces glucose; AR is blocked.",
              ("Aldose reductase", GENE), ("AR", GENE), ("AR", GENE))  # fmt: skip
UNDEFINED = _doc("3", "AR was measured.", ("AR", GENE))


def test_normalize_same_short_form_with_different_long_forms_stays_two_entities() -> None:
    keys = group_mentions([ANDROGEN, ALDOSE, UNDEFINED])
    assert {keys["1", f"T{i}"] for i in (1, 2, 3)} == {"GENE:androgenreceptor"}
    assert {keys["2", f"T{i}"] for i in (1, 2, 3)} == {"GENE:aldosereductase"}
    assert keys["3", "T1"] == "GENE:ar"  # which AR is not known: neither of them
    # one document alone: the short form is the key, as before
    assert {SurfaceNormalizer().normalize(m, ALDOSE).key for m in ALDOSE.mentions} == {"GENE:ar"}


def test_normalize_unambiguous_short_form_merges_across_documents() -> None:
    later = _doc("4", "AR and androgen receptor levels rose.", ("AR", GENE), ("androgen receptor", GENE))
    keys = group_mentions([ANDROGEN, UNDEFINED, later])
    assert set(keys.values()) == {"GENE:ar"}
    # documents that agree on the long form merge too
    again = _doc("5", "Androgen receptor (AR) was cloned.", ("Androgen receptor", GENE), ("AR", GENE))
    assert set(group_mentions([ANDROGEN, again]).values()) == {"GENE:ar"}


def test_normalize_concept_ids_group_mentions() -> None:
    doc = _doc("6", "Aspirin (ASA) and acetylsalicylic acid inhibit PTGS2 and COX-2 but not COX-2 here.",
               ("Aspirin", CHEMICAL, "MESH:D001241"), ("ASA", CHEMICAL, "MESH:D001241"),
               ("acetylsalicylic acid", CHEMICAL, "MESH:D001241"), ("PTGS2", GENE, "5743"), ("COX-2", GENE, "5743"),
               ("COX-2", GENE))  # fmt: skip
    keys = group_mentions([doc])
    assert [keys["6", m.id] for m in doc.mentions] == [
        "CHEMICAL:id:MESH:D001241", "CHEMICAL:id:MESH:D001241", "CHEMICAL:id:MESH:D001241", "GENE:id:5743",
        "GENE:id:5743", "GENE:cox2",  # no id: grouped by its surface
    ]  # fmt: skip
    assert SurfaceNormalizer().normalize(doc.mentions[3], doc) == EntityRef("GENE:id:5743", "PTGS2", GENE)


def test_normalize_definitions_key() -> None:
    defs = Definitions()
    defs.add("GENE:ar", "GENE:androgenreceptor")
    assert defs.key(Grounding("GENE:androgenreceptor")) == "GENE:ar"  # an undefined long form joins its short form
    defs.add("GENE:ar", "GENE:aldosereductase")
    assert defs.key(Grounding("GENE:androgenreceptor")) == "GENE:androgenreceptor"
    assert defs.key(Grounding("GENE:ar", short="GENE:ar", long="GENE:aldosereductase")) == "GENE:aldosereductase"
    assert defs.key(Grounding("GENE:x", concept="GENE:id:1")) == "GENE:id:1"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("androgen receptor", "androgen receptors", True),
        ("gonadotropin-releasing hormone", "Gonadotrophin-releasing hormone", True),
        ("adenylate cyclases", "adenylyl cyclases", True),
        ("dihydroxyphenylacetic acid", "3,4-dihydroxyphenylacetic acid", True),
        ("androgen receptor", "aldose reductase", False),
        ("isoorientin", "isoproterenol", False),
        ("cyclooxygenase-1", "cyclooxygenase-2", False),  # alike, but numbered apart
        ("AMP-activated protein kinase", "adenosine monophosphate-activated protein kinase", True),  # a shared word
        ("alanine transaminase", "Alanine aminotransferase", True),
        ("arachidonic acid", "asiatic acid", False),  # sharing a generic word is not enough
        ("gamma-linolenic acid", "gamma-carboxyglutamic acid", False),
    ],
)
def test_normalize_same_long_form_tells_spellings_from_other_names(a: str, b: str, same: bool) -> None:
    words = long_form_words(a), long_form_words(b)
    assert same_long_form(entity_key(a, ""), entity_key(b, ""), *words) is same


def test_normalize_spellings_of_one_long_form_keep_the_short_form_one_entity() -> None:
    plural = _doc("7", "Estrogen receptors (ER) bind. ER rose.", ("Estrogen receptors", GENE), ("ER", GENE),
                  ("ER", GENE))  # fmt: skip
    single = _doc("8", "The estrogen receptor (ER) is nuclear.", ("estrogen receptor", GENE), ("ER", GENE))
    assert set(group_mentions([plural, single]).values()) == {"GENE:er"}
    # with a second sense, the spellings stay together under the first long form's key
    other = _doc("9", "Endoplasmic reticulum (ER) stress.", ("ER", GENE))
    keys = group_mentions([plural, single, other])
    assert {keys[d, m] for d, m in keys if d in "78"} == {"GENE:estrogenreceptor"}
    assert keys["9", "T1"] == "GENE:endoplasmicreticulum"
