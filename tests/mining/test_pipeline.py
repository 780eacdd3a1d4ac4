from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from relnet.corpus import read_documents
from relnet.data import CHEMICAL, GENE, Document, Example, Mention
from relnet.mentions import LexiconTagger
from relnet.mining import mine
from relnet.model.classifier import Prediction, RelationClassifier
from relnet.store import RelationStore

LABELS = ["false", "CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9"]
CPR4_PROBABILITY = math.exp(10) / (math.exp(10) + 5)  # softmax of the logits (0, 0, 10, 0, 0, 0)


@pytest.fixture(scope="module")
def tiny_classifier() -> RelationClassifier:
    """A real classifier with a random encoder and a head that calls every pair CPR:4 with `CPR4_PROBABILITY`:
    fast, exercises the real `predict`, and what it stores can be worked out by hand."""
    from relnet.model.tiny import tiny_relation_classifier

    return tiny_relation_classifier([0.0, 0.0, 10.0, 0.0, 0.0, 0.0], LABELS)


@dataclass
class Fake:
    """Deterministic labels from the sentence's verb; raises on call number ``fail_on`` (1-based)."""

    labels: list[str] = field(default_factory=lambda: list(LABELS))
    meta: dict[str, Any] = field(default_factory=lambda: {"scheme": "cpr"})
    fail_on: int | None = None
    calls: int = 0

    def predict(self, examples: list[Example], batch_size: int = 64, progress: bool = False) -> list[Prediction]:
        self.calls += 1
        if self.calls == self.fail_on:
            raise RuntimeError("interrupted")
        verbs = {"inhibits": "CPR:4", "activates": "CPR:3", "binds": "CPR:5"}
        labels = [next((v for w, v in verbs.items() if w in ex.text), "false") for ex in examples]
        return [Prediction(label, 0.5 + 0.01 * len(ex.text), ()) for label, ex in zip(labels, examples)]


VERBS = ("inhibits", "activates", "binds", "ignores")


def _docs(n: int = 7) -> list[Document]:
    docs = []
    for i in range(n):
        chem, gene = f"drug{i % 3}", f"GENE{i % 4}"
        text = f"The {chem} {VERBS[i % 4]} {gene}. Then {chem} meets {gene}."
        spans = [(chem, CHEMICAL, text.index(chem)), (gene, GENE, text.index(gene)),
                 (chem, CHEMICAL, text.rindex(chem)), (gene, GENE, text.rindex(gene))]  # fmt: skip
        mentions = tuple(Mention(f"T{j}", s, s + len(t), t, k) for j, (t, k, s) in enumerate(spans, 1))
        docs.append(Document(f"d{i}", text, mentions))
    return docs


def _rows(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}")) for t in ("documents", "mentions", "entities", "relations")
        }


def test_pipeline_mines_a_split_with_a_real_classifier(
    tmp_path: Path, split_dir: Path, tiny_classifier: RelationClassifier
) -> None:
    docs = read_documents(split_dir)
    with RelationStore(tmp_path / "s.sqlite") as store:
        summary = mine(docs, None, tiny_classifier, store, batch_docs=1, progress=False, model_id="tiny")
        counts = store.counts()
    assert summary.documents == 2 and summary.mentions == 15 and summary.skipped == 0
    assert counts["documents"] == 2 and counts["mentions"] == 15 and counts["runs"] == 1
    # every within-sentence chemical–gene pair of the two abstracts (tests/conftest.py), chemical first
    pairs = [("1001", "T1", "T2"), ("1001", "T3", "T4"), ("1001", "T3", "T5"), ("1001", "T6", "T7"),
             ("1001", "T8", "T9"), ("1002", "T1", "T2"), ("1002", "T3", "T4"), ("1002", "T5", "T6")]  # fmt: skip
    assert summary.relations == {"CPR:4": 8} and counts["relations"] == 8
    rows = _rows(tmp_path / "s.sqlite")["relations"]
    assert [r[:5] for r in rows] == [(*p, "CPR:4", "CPR:4") for p in pairs]
    assert [r[5] for r in rows] == pytest.approx([CPR4_PROBABILITY] * 8) and {r[6] for r in rows} == {"tiny"}
    assert summary.docs_per_second > 0 and "relations  8" in summary.format()


def test_pipeline_mining_twice_adds_nothing(tmp_path: Path, tiny_classifier: RelationClassifier) -> None:
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        mine(_docs(), None, tiny_classifier, store, batch_docs=3, progress=False)
    first = _rows(path)
    with RelationStore(path) as store:
        again = mine(_docs(), None, tiny_classifier, store, batch_docs=3, progress=False)
    assert _rows(path) == first
    assert again.documents == 0 and again.skipped == 7


def test_pipeline_resume_after_interrupt_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    with RelationStore(tmp_path / "whole.sqlite") as store:
        mine(_docs(), None, Fake(), store, batch_docs=2, progress=False)
    path = tmp_path / "resumed.sqlite"
    with RelationStore(path) as store, pytest.raises(RuntimeError, match="interrupted"):
        mine(_docs(), None, Fake(fail_on=2), store, batch_docs=2, progress=False)
    with RelationStore(path) as store:
        assert store.done_ids() == {"d0", "d1"}  # the first batch, and nothing of the second
        fake = Fake()
        resumed = mine(_docs(), None, fake, store, batch_docs=2, progress=False)
    assert resumed.skipped == 2 and resumed.documents == 5 and fake.calls == 3
    assert _rows(path) == _rows(tmp_path / "whole.sqlite")
    whole = _rows(path)
    assert {r[3] for r in whole["relations"]} == {"CPR:3", "CPR:4", "CPR:5"}


def test_pipeline_a_second_model_mines_the_same_documents_into_the_same_store(
    tmp_path: Path, tiny_classifier: RelationClassifier
) -> None:
    path = tmp_path / "s.sqlite"
    with RelationStore(path) as store:
        mine(_docs(), None, Fake(), store, batch_docs=3, progress=False, model_id="fake")
        second = mine(_docs(), None, tiny_classifier, store, batch_docs=3, progress=False, model_id="tiny")
        again = mine(_docs(), None, tiny_classifier, store, batch_docs=3, progress=False, model_id="tiny")
    assert second.documents == 7 and second.skipped == 0 and again.skipped == 7
    rows = _rows(path)
    assert len(rows["documents"]) == 7 and {r[6] for r in rows["relations"]} <= {"fake", "tiny"}
    assert sum(r[6] == "fake" for r in rows["relations"]) == 6  # the first model's relations are untouched
    assert sum(r[6] == "tiny" for r in rows["relations"]) == sum(second.relations.values()) == 14  # 2 pairs a doc


def test_pipeline_a_second_model_reads_stored_documents_with_their_stored_mentions(tmp_path: Path) -> None:
    lexicon = LexiconTagger({"drug5": CHEMICAL, "GENE1": GENE})

    class Counting:
        def __init__(self) -> None:
            self.tagged: list[str] = []

        def tag(self, doc: Document) -> Document:
            self.tagged.append(doc.id)
            return lexicon.tag(doc)

    plain = [Document(f"p{i}", "The drug5 inhibits GENE1.") for i in range(3)]
    with RelationStore(tmp_path / "s.sqlite") as store:
        mine(plain[:2], lexicon, Fake(), store, progress=False, model_id="a")
        tagger = Counting()
        summary = mine(plain, tagger, Fake(), store, progress=False, model_id="b")
        assert tagger.tagged == ["p2"]  # p0 and p1 keep the mentions stored with them
        assert summary.documents == 3 and summary.mentions == 6
        assert [e.model_id for e in store.evidence()] == ["a b", "a b", "b"]  # one piece of evidence each
        assert len(store.evidence(model_id="a")) == 2 and store.models() == ["a", "b"]


def test_pipeline_tags_only_documents_without_mentions(tmp_path: Path) -> None:
    tagger = LexiconTagger({"drug5": CHEMICAL, "GENE1": GENE})
    plain = Document("plain", "The drug5 inhibits GENE1.")
    with RelationStore(tmp_path / "s.sqlite") as store:
        summary = mine([*_docs(2), plain], tagger, Fake(), store, progress=False)
        ev = store.evidence()
    assert summary.mentions == 4 + 4 + 2
    assert [(e.doc_id, e.head.name, e.label, e.tail.name) for e in ev] == [
        ("d0", "drug0", "CPR:4", "GENE0"),
        ("d1", "drug1", "CPR:3", "GENE1"),
        ("plain", "drug5", "CPR:4", "GENE1"),
    ]


def test_pipeline_tags_in_batches_where_the_tagger_can(tmp_path: Path) -> None:
    lexicon = LexiconTagger({"drug5": CHEMICAL, "GENE1": GENE})

    class Batched:
        def __init__(self) -> None:
            self.batches: list[int] = []

        def tag(self, doc: Document) -> Document:
            raise AssertionError("tag_many should be used")

        def tag_many(self, docs: list[Document]) -> list[Document]:
            self.batches.append(len(docs))
            return [lexicon.tag(d) for d in docs]

    plain = [Document(f"p{i}", "The drug5 inhibits GENE1.") for i in range(5)]
    tagger = Batched()
    with RelationStore(tmp_path / "s.sqlite") as store:
        summary = mine([*_docs(1), *plain], tagger, Fake(), store, batch_docs=3, progress=False)
    assert tagger.batches == [2, 3] and summary.mentions == 4 + 5 * 2


@pytest.mark.parametrize(("backend", "ner_backend", "expected"), [("int8", None, "int8"), ("int8", "fp32", "fp32")])
def test_mine_files_runs_the_tagger_on_the_chosen_backend(
    backend: str,
    ner_backend: str | None,
    expected: str,
    tmp_path: Path,
    tiny_classifier: RelationClassifier,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import relnet.mentions as mentions
    from relnet.mining import pipeline

    lexicon = LexiconTagger({"drug5": CHEMICAL, "GENE1": GENE})
    asked: list[str] = []

    class Tagger:
        def __init__(self, backend: str) -> None:
            self.backend = backend

        def tag(self, doc: Document) -> Document:
            return lexicon.tag(doc)

    def spy_mine(docs, tagger, classifier, *args, **kwargs):
        asked.extend([tagger.backend, classifier.backend, kwargs["model_id"], kwargs["tagger_id"]])
        return pipeline.MiningSummary()

    monkeypatch.setattr(mentions, "get_tagger", lambda name, backend="fp32", **_: Tagger(backend))
    monkeypatch.setattr(pipeline, "mine", spy_mine)
    (tmp_path / "in.txt").write_text("p1\tThe drug5 inhibits GENE1.\n")
    model = tiny_classifier.save(tmp_path / "model")
    pipeline.mine_files(tmp_path / "in.txt", model, tmp_path / "s.sqlite", tagger="transformer", backend=backend,
                        ner_backend=ner_backend, progress=False)  # fmt: skip
    tagger_backend, model_backend, model_id, tagger_id = asked
    assert (tagger_backend, model_backend) == (expected, "int8")
    assert model_id.endswith("+int8") and tagger_id.endswith("+int8") == (expected == "int8")


def test_mine_files_records_the_tagger_and_its_decoding_in_the_run(
    tmp_path: Path, tiny_classifier: RelationClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import sqlite3

    import relnet.mentions as mentions
    from relnet.mining import pipeline

    lexicon = LexiconTagger({"drug5": CHEMICAL, "GENE1": GENE})

    class Snapping:
        def __init__(self, snap_words: bool, viterbi: bool) -> None:
            self.snap_words, self.viterbi = snap_words, viterbi

        def tag(self, doc: Document) -> Document:
            return lexicon.tag(doc)

    monkeypatch.setattr(
        mentions, "get_tagger", lambda name, snap_words=True, viterbi=True, **_: Snapping(snap_words, viterbi)
    )
    (tmp_path / "in.txt").write_text("p1\tThe drug5 inhibits GENE1.\n")
    (tmp_path / "ner").mkdir()
    model = tiny_classifier.save(tmp_path / "model")
    pipeline.mine_files(tmp_path / "in.txt", model, tmp_path / "s.sqlite", tagger="transformer",
                        ner_model=tmp_path / "ner", snap_words=False, viterbi=False, progress=False)  # fmt: skip
    models, params = sqlite3.connect(tmp_path / "s.sqlite").execute("SELECT models, params FROM runs").fetchone()
    from relnet.model.identity import weights_digest

    # the tagger by content (a hash of its folder's files), not by path
    assert json.loads(models)["tagger"] == f"transformer:sha256:{weights_digest(tmp_path / 'ner')}"
    assert json.loads(params)["snap_words"] is False and json.loads(params)["viterbi"] is False  # the decoding


@pytest.mark.parametrize(("layout", "texts"), [("blocks", ["The drug5\ninhibits GENE1."]),
                                                ("lines", ["The drug5", "inhibits GENE1."])])  # fmt: skip
def test_mine_files_plain_text_layout(
    tmp_path: Path, tiny_classifier: RelationClassifier, monkeypatch: pytest.MonkeyPatch, layout: str, texts: list
) -> None:
    import relnet.mentions as mentions
    from relnet.mining import pipeline

    seen: list[str] = []
    monkeypatch.setattr(mentions, "get_tagger", lambda name, **_: LexiconTagger({"drug5": CHEMICAL, "GENE1": GENE}))
    monkeypatch.setattr(pipeline, "mine", lambda docs, *a, **k: seen.extend(d.text for d in docs))
    (tmp_path / "in.txt").write_text("The drug5\ninhibits GENE1.\n")  # hard-wrapped: one document unless `lines`
    pipeline.mine_files(tmp_path / "in.txt", tiny_classifier.save(tmp_path / "model"), tmp_path / "s.sqlite",
                        tagger="lexicon", progress=False, layout=layout)  # fmt: skip
    assert seen == texts
