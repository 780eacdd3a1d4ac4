"""relnet/synth/templates.py and lexicon.py: filling slots at exact offsets, names from the training split."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.data import CHEMICAL, GENE
from relnet.synth.lexicon import Lexicon, build_lexicon
from relnet.synth.templates import DISTRACTOR, FOCAL, PLAIN, Slot, Template, fill

LEX = Lexicon(
    names={CHEMICAL: (("aspirin", "CHEMICAL"), ("ethanol", "CHEMICAL")), GENE: (("COX-2", "GENE-Y"),)},
    abbreviations={CHEMICAL: (("nitric oxide", "NO", "CHEMICAL"),), GENE: ()},
    held_out={CHEMICAL: (), GENE: ()},
)
T = Template(
    "CPR:4", "INHIBITOR", True,
    ("A ", Slot(FOCAL, CHEMICAL), " (", Slot(PLAIN, CHEMICAL, abbreviates=True), ") inhibits ",
     Slot(FOCAL, GENE), " unlike ", Slot(DISTRACTOR, CHEMICAL), "."),
)  # fmt: skip


@pytest.mark.parametrize("marked", [True, False])
def test_templates_fill_offsets_relation_and_abbreviation(marked: bool) -> None:
    doc = fill(T, LEX, random.Random(0), "d1", "synth:test", mark_distractors=marked)
    assert doc.text.startswith("A nitric oxide (NO) inhibits COX-2 unlike ")
    assert [m.text for m in doc.mentions][:2] == ["nitric oxide", "COX-2"]
    assert len(doc.mentions) == (3 if marked else 2)
    for m in doc.mentions:
        assert doc.text[m.start : m.end] == m.text
    (rel,) = doc.relations
    assert (rel.arg1, rel.arg2, rel.label, rel.group) == ("T1", "T2", "INHIBITOR", "CPR:4")


@pytest.mark.parametrize(("name", "text"), [("aspirin", "It is an aspirin."), ("COX-2", "It is a COX-2.")])
def test_templates_fill_fixes_article(name: str, text: str) -> None:
    lex = Lexicon({CHEMICAL: ((name, ""),), GENE: ((name, ""),)}, {CHEMICAL: (), GENE: ()}, {})
    t = Template("x", "", False, ("It is a ", Slot(FOCAL, CHEMICAL), "."))
    doc = fill(t, lex, random.Random(0), "d", "s")
    assert doc.text == text and doc.text[doc.mentions[0].start : doc.mentions[0].end] == name


@pytest.mark.parametrize("fraction", [0.0, 0.5])
def test_lexicon_holds_out_names_case_insensitively(train_dir: Path, fraction: float) -> None:
    lex = build_lexicon(read_documents(train_dir), fraction, seed=3)
    for kind in (CHEMICAL, GENE):
        used = {n.lower() for n, _ in lex.names[kind]}
        held = {n.lower() for n in lex.held_out[kind]}
        assert not used & held and (bool(held) == (fraction > 0))
    assert ("Nitric oxide", "NO", "CHEMICAL") in lex.abbreviations[CHEMICAL] or fraction > 0
    assert lex == build_lexicon(read_documents(train_dir), fraction, seed=3)


def test_templates_fill_capitalises_a_sentence_initial_name() -> None:
    lex = Lexicon({CHEMICAL: (("aspirin", ""),), GENE: (("mTOR", ""),)}, {CHEMICAL: (), GENE: ()}, {})
    for first, text in ((CHEMICAL, "Aspirin binds mTOR."), (GENE, "mTOR binds aspirin.")):
        second = GENE if first == CHEMICAL else CHEMICAL
        doc = fill(Template("x", "", False, (Slot(FOCAL, first), " binds ", Slot(FOCAL, second), ".")),
                   lex, random.Random(0), "d", "s")  # fmt: skip
        assert doc.text == text and all(doc.text[m.start : m.end] == m.text for m in doc.mentions)
