"""relnet/workflows/mining_score.py: a mined store scored with the official measure."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.data import Mention, Relation
from relnet.errors import RelnetError
from relnet.store.sqlite import RelationStore
from relnet.workflows.mining_score import score_store


def test_mining_score_maps_predicted_mentions_by_span(tmp_path: Path, dev_dir: Path) -> None:
    doc = read_documents(dev_dir)[0]  # gold: T1 Aspirin –CPR:4→ T2 COX-2 (title), and three more
    gold = doc.mention_index()
    m1 = Mention("M1", gold["T1"].start, gold["T1"].end, gold["T1"].text, "CHEMICAL")
    m2 = Mention("M2", gold["T2"].start, gold["T2"].end, gold["T2"].text, "GENE")
    m3 = Mention("M3", gold["T6"].start, gold["T6"].end - 1, gold["T6"].text[:-1], "CHEMICAL")  # wrong span
    m4 = Mention("M4", gold["T7"].start, gold["T7"].end, gold["T7"].text, "GENE")
    predicted = doc.with_annotations((m1, m2, m3, m4), ())
    rels = [Relation(doc.id, "M1", "M2", "CPR:4", "CPR:4", score=0.9), Relation(doc.id, "M3", "M4", "CPR:3", "CPR:3")]
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.add_batch([(predicted, rels)])
    result, counts = score_store(tmp_path / "s.sqlite", dev_dir)
    # gold evaluated tuples in the fixture: 6; one found; the mis-spanned one cannot count
    assert (result.tp, result.fp, result.fn) == (1, 0, 5)
    assert counts == {"relations": 2, "unmapped": 1, "outside_split": 0, "split_documents": 2, "mined_documents": 1,
                      "training_overlap_documents": 0}  # fmt: skip
    # the model that mined the store was trained on a document of the split: refused, unless allowed
    model = tmp_path / "model"
    model.mkdir()
    (model / "relnet_model.json").write_text('{"trained_on": ["2001", "9999"]}')
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.register_model("", "relations", model)
    with pytest.raises(RelnetError, match="1 of its 2 documents were in the model's training data"):
        score_store(tmp_path / "s.sqlite", dev_dir)
    assert score_store(tmp_path / "s.sqlite", dev_dir, allow_overlap=True)[1]["training_overlap_documents"] == 1


def test_mining_score_refuses_a_store_of_other_documents_and_says_what_it_lacks(
    tmp_path: Path, dev_dir: Path, split_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with RelationStore(tmp_path / "empty.sqlite"):
        pass
    with pytest.raises(RelnetError, match=r"holds none of the 2 documents of .* \(nothing was mined into it\)"):
        score_store(tmp_path / "empty.sqlite", dev_dir)
    other = read_documents(split_dir)  # the training split's abstracts, with their gold relations
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.add_batch([(d, d.relations) for d in other])
    with pytest.raises(RelnetError, match="holds none of the 2 documents"):  # was: F1 0, "spans not gold mentions"
        score_store(tmp_path / "s.sqlite", dev_dir)
    dev = read_documents(dev_dir)
    with RelationStore(tmp_path / "s.sqlite") as store:  # now one dev abstract beside them
        store.add_batch([(dev[0], dev[0].relations)])
    result, counts = score_store(tmp_path / "s.sqlite", dev_dir)
    assert counts["outside_split"] == sum(len(d.relations) for d in other) and counts["unmapped"] == 0
    assert (counts["mined_documents"], counts["split_documents"]) == (1, 2)
    assert "holds 1 of the 2 documents" in caplog.text and result.tp > 0 and result.fp == 0
