"""relnet/synth/realistic.py: training sentences → templates with slots; length-matched drawing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from synth_fixtures import write_chemprot

from relnet.corpus import read_documents
from relnet.data import CHEMICAL, GENE
from relnet.errors import RelnetError
from relnet.examples.labels import get_scheme
from relnet.synth.lexicon import build_lexicon
from relnet.synth.realistic import RealisticSource, templates_from_document
from relnet.synth.templates import DISTRACTOR, FOCAL, PLAIN, Slot, fill

REAL_TRAIN = Path(__file__).resolve().parents[2].parent / "shared/data/chemprot/original/training"


def _templates(train_dir: Path, scheme: str):
    return [t for d in read_documents(train_dir) for t in templates_from_document(d, get_scheme(scheme))]


def test_realistic_keeps_the_words_around_the_pair(train_dir: Path) -> None:
    by_origin = {t.pieces: t for t in _templates(train_dir, "fine")}
    key = (Slot(FOCAL, GENE, shape="1w"), " activity was reduced by ", Slot(FOCAL, CHEMICAL, shape="1w"), ".")
    assert by_origin[key].rtype == "DOWNREGULATOR" and by_origin[key].label == "DOWNREGULATOR"


def test_realistic_marks_distractors_plain_names_and_abbreviations(train_dir: Path) -> None:
    ts = {t.origin: t for t in _templates(train_dir, "cpr") if t.rtype == "ACTIVATOR"}
    forskolin = next(t for t in ts.values() if " in the presence of " in t.pieces)
    assert [s.role for s in forskolin.slots()] == [FOCAL, FOCAL, DISTRACTOR]
    nitric = [t for t in ts.values() if " (" in t.pieces]
    assert {tuple((s.role, s.abbreviates) for s in t.slots()) for t in nitric} == {
        ((FOCAL, False), (PLAIN, True), (FOCAL, False)),
        ((PLAIN, False), (FOCAL, True), (FOCAL, False)),
    }


@pytest.mark.parametrize("scheme", ["coarse5", "fine", "cpr"])
def test_realistic_draws_every_class_near_the_sampled_length(train_dir: Path, scheme: str) -> None:
    source, rng = RealisticSource(read_documents(train_dir), get_scheme(scheme)), random.Random(0)
    for label in get_scheme(scheme).labels:
        assert {source.draw(label, rng).label for _ in range(10)} == {label}


def test_realistic_needs_pairs_of_every_class(tmp_path: Path) -> None:
    folder = write_chemprot(tmp_path / "training", {"1": [("T", []), ("{C:a} binds {G:b}.", [("a", "b", "AGONIST")])]})
    with pytest.raises(RelnetError, match="nothing to learn templates from"):
        RealisticSource(read_documents(folder), get_scheme("coarse5"))


def test_realistic_gives_glued_slots_short_names(tmp_path: Path) -> None:
    docs = {"1": [("T", []), ("{C:Ser}473 of {G:AKT-1} is phosphorylated.", [("Ser", "AKT-1", "PART-OF")]),
                  ("{C:Benzoic acid} and {G:MAPK} were measured.", [])]}  # fmt: skip
    train = read_documents(write_chemprot(tmp_path / "training", docs))
    (t,) = [t for d in train for t in templates_from_document(d, get_scheme("coarse5"))]
    assert [s.shape for s in t.slots()] == ["short", "1w"]
    doc = fill(t, build_lexicon(train), random.Random(0), "d", "s")
    assert doc.text.startswith("Ser473 of ")


@pytest.mark.slow  # reads ../shared/data
@pytest.mark.skipif(not REAL_TRAIN.is_dir(), reason="../shared/data (the ChemProt corpus) is absent")
@pytest.mark.parametrize("scheme", ["coarse5", "cpr"])
def test_realistic_learns_every_class_from_the_real_training_split(scheme: str) -> None:
    source = RealisticSource(read_documents(REAL_TRAIN), get_scheme(scheme))
    assert len(source.templates) > 4000
    rng = random.Random(0)
    for label in get_scheme(scheme).labels:
        assert source.draw(label, rng).label == label
