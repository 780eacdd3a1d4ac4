"""relnet/synth/generate.py: determinism, balance, offsets, valid labels, training split only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from synth_fixtures import DOCS, write_chemprot

from relnet.data import CHEMICAL, GENE
from relnet.errors import InputError
from relnet.examples.candidates import examples_from_documents, make_examples
from relnet.examples.labels import get_scheme
from relnet.schema import TYPE_TO_GROUP
from relnet.synth import SynthConfig, generate_corpus

CASES = [(f, s) for f in ("seed", "realistic") for s in ("coarse5", "fine", "cpr")]


def _corpus(train: Path, family: str, scheme: str, **kw):
    return generate_corpus(SynthConfig(train=str(train), family=family, scheme=scheme, per_class=kw.pop("n", 12), **kw))


def _dump(corpus) -> list[dict]:
    return [d.to_json() for d in corpus.documents]


@pytest.mark.parametrize(("family", "scheme"), CASES)
def test_generate_is_deterministic(train_dir: Path, family: str, scheme: str) -> None:
    a = _dump(_corpus(train_dir, family, scheme, seed=1))
    assert a == _dump(_corpus(train_dir, family, scheme, seed=1))
    assert a != _dump(_corpus(train_dir, family, scheme, seed=2))


@pytest.mark.parametrize(("family", "scheme"), CASES)
def test_generate_balances_classes(train_dir: Path, family: str, scheme: str) -> None:
    corpus = _corpus(train_dir, family, scheme, n=15)
    counts = Counter(e.label for e in examples_from_documents(corpus.documents, get_scheme(scheme)))
    assert dict(counts) == dict.fromkeys(get_scheme(scheme).labels, 15)
    assert corpus.stats["classes"] == dict(counts)


@pytest.mark.parametrize("family", ["seed", "realistic"])
def test_generate_balance_train_follows_training_proportions(train_dir: Path, family: str) -> None:
    corpus = _corpus(train_dir, family, "coarse5", n=20, balance="train")
    classes = corpus.stats["classes"]
    assert classes["INTERACTOR"] > classes["NOT"] and classes["REGULATOR-POSITIVE"] > classes["PART-OF"]
    assert abs(sum(classes.values()) - 100) <= 3


@pytest.mark.parametrize(("family", "scheme"), CASES)
def test_generate_offsets_and_relations_are_valid(train_dir: Path, family: str, scheme: str) -> None:
    labels = get_scheme(scheme)
    for doc in _corpus(train_dir, family, scheme).documents:
        index = doc.mention_index()
        assert len(index) == len(doc.mentions)
        for m in doc.mentions:
            assert doc.text[m.start : m.end] == m.text and m.kind in (CHEMICAL, GENE)
        assert len(doc.relations) <= 1
        for r in doc.relations:
            assert (index[r.arg1].kind, index[r.arg2].kind) == (CHEMICAL, GENE)
            assert TYPE_TO_GROUP[r.label] == r.group
            assert labels.label_of(r) in (*labels.positive, None)
        examples = make_examples(doc, labels)
        assert examples and not any(e.meta.get("cross_sentence") for e in examples)
        if labels.negative is None or doc.relations and labels.label_of(doc.relations[0]):
            (focal,) = [e for e in examples if e.label != labels.negative]
            assert focal.label == labels.label_of(doc.relations[0])
            assert (focal.head_id, focal.tail_id) == (doc.relations[0].arg1, doc.relations[0].arg2)
        else:
            assert {e.label for e in examples} == {labels.negative}


@pytest.mark.parametrize("family", ["seed", "realistic"])
def test_generate_holds_out_names(train_dir: Path, family: str) -> None:
    corpus = _corpus(train_dir, family, "coarse5", holdout_fraction=0.3, n=20)
    held = {n.lower() for names in corpus.stats["held_out"].values() for n in names}
    assert held
    assert not {m.text.lower() for d in corpus.documents for m in d.mentions} & held
    assert _corpus(train_dir, family, "coarse5").stats["held_out"] == {CHEMICAL: [], GENE: []}


@pytest.mark.parametrize(("family", "scheme"), CASES)
def test_generate_never_reads_dev_or_test(tmp_path: Path, family: str, scheme: str) -> None:
    train = write_chemprot(tmp_path / "corpus" / "training")
    before = _dump(_corpus(train, family, scheme))
    other = {pmid + "9": [(s.replace("inhibits", "blocks"), r) for s, r in sents] for pmid, sents in DOCS.items()}
    write_chemprot(tmp_path / "corpus" / "development", other, "development")
    write_chemprot(tmp_path / "corpus" / "chemprot_test_gs", other, "test_gs")
    shutil.copytree(tmp_path / "corpus" / "development", train / "development")  # even nested inside training
    assert _dump(_corpus(train, family, scheme)) == before


@pytest.mark.parametrize("split", ["development", "test_gs"])
def test_generate_refuses_other_splits(tmp_path: Path, split: str) -> None:
    folder = write_chemprot(tmp_path / split, split=split)
    with pytest.raises(InputError, match="training split only"):
        _corpus(folder, "seed", "coarse5")


@pytest.mark.parametrize("family", ["seed", "realistic"])
def test_generate_is_identical_across_processes(train_dir: Path, family: str) -> None:
    code = (
        "import json, sys; from relnet.synth import SynthConfig, generate_corpus; "
        f"c = generate_corpus(SynthConfig({str(train_dir)!r}, {family!r}, 'cpr', per_class=10, holdout_fraction=0.3)); "
        "print(json.dumps([d.to_json() for d in c.documents]), json.dumps(c.stats))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]  # fmt: skip
    assert runs[0] == runs[1] and runs[0]
