"""relnet/synth/seed.py: every hand-written template carries a relation type of the class asked for."""

from __future__ import annotations

import random

import pytest

from relnet.data import Relation
from relnet.examples.labels import get_scheme
from relnet.schema import EVALUATED_GROUPS, TYPE_TO_GROUP
from relnet.synth.seed import PHRASES, SeedSource


@pytest.mark.parametrize("scheme", ["coarse5", "fine", "cpr"])
def test_seed_templates_match_their_class(scheme: str) -> None:
    labels = get_scheme(scheme)
    source, rng = SeedSource(labels), random.Random(0)
    for label in labels.labels:
        for _ in range(40):
            t = source.draw(label, rng)
            assert t.label == label
            if not t.rtype:
                assert label == labels.negative
                continue
            group = TYPE_TO_GROUP[t.rtype]
            rel = Relation("d", "T1", "T2", t.rtype, group, t.evaluated)
            assert (labels.label_of(rel) or labels.negative) == label
            assert t.evaluated == (group in EVALUATED_GROUPS)


def test_seed_phrases_cover_every_fine_type() -> None:
    assert set(get_scheme("fine").labels) <= set(PHRASES)
