"""Mining a stream: `mine` pulls documents batch by batch, applies deletions and keeps the newest version of a
document; `mine_files` reads MEDLINE baseline and update files into one store."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from relnet.data import CHEMICAL, GENE, Deletion, Document, Example, Mention
from relnet.errors import RelnetError
from relnet.mining import mine
from relnet.model.classifier import Prediction
from relnet.store import RelationStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Recorder:
    """An input stream that counts how many documents were taken from it."""

    def __init__(self, items: list[Document | Deletion]) -> None:
        self.items, self.taken = items, 0

    def __iter__(self) -> Iterator[Document | Deletion]:
        for item in self.items:
            self.taken += 1
            yield item


@dataclass
class Fake:
    """Calls every pair CPR:4 when its sentence says "inhibits"; records how much of ``stream`` was read per call."""

    stream: Recorder | None = None
    meta: dict[str, Any] = field(default_factory=lambda: {"scheme": "cpr"})
    backend: str = "fp32"
    taken_at_call: list[int] = field(default_factory=list)

    def predict(self, examples: list[Example], batch_size: int = 64, progress: bool = False) -> list[Prediction]:
        self.taken_at_call.append(self.stream.taken if self.stream else 0)
        return [Prediction("CPR:4" if "inhibits" in ex.text else "false", 0.9, ()) for ex in examples]


def _doc(doc_id: str, chemical: str = "aspirin", revised: str = "", verb: str = "inhibits") -> Document:
    text = f"The {chemical} {verb} COX2."
    mentions = (Mention("T1", 4, 4 + len(chemical), chemical, CHEMICAL), Mention("T2", len(text) - 5, len(text) - 1,
                                                                                "COX2", GENE))  # fmt: skip
    return Document(doc_id, text, mentions, meta={"version": 1, "revised": revised} if revised else {})


def test_mine_pulls_the_input_one_batch_at_a_time(tmp_path: Path) -> None:
    stream = Recorder([_doc(f"d{i}") for i in range(7)])
    fake = Fake(stream)
    with RelationStore(tmp_path / "s.sqlite") as store:
        summary = mine(stream, None, fake, store, batch_docs=2, progress=False)  # a generator: no len()
    assert fake.taken_at_call == [2, 4, 6, 7]  # never more than the batch in flight was read
    assert summary.documents == 7 and sum(summary.relations.values()) == 7


def test_mine_resuming_a_stream_looks_up_each_batch_only(tmp_path: Path) -> None:
    with RelationStore(tmp_path / "s.sqlite") as store:
        mine([_doc(f"d{i}") for i in range(4)], None, Fake(), store, batch_docs=2, progress=False)
        stream = Recorder([_doc(f"d{i}") for i in range(7)])
        fake = Fake(stream)
        summary = mine(stream, None, fake, store, batch_docs=2, progress=False)
    assert (summary.skipped, summary.documents) == (4, 3) and fake.taken_at_call == [6, 7]


def test_mine_applies_deletions_in_input_order(tmp_path: Path) -> None:
    items: list[Document | Deletion] = [_doc("a"), _doc("b"), Deletion("a"), Deletion("gone"), _doc("c")]
    with RelationStore(tmp_path / "s.sqlite") as store:
        summary = mine(items, None, Fake(), store, batch_docs=10, progress=False)
        assert store.done_ids() == {"b", "c"}
        again = mine([_doc("a"), Deletion("b")], None, Fake(), store, progress=False)  # a document may come back
        assert store.done_ids() == {"a", "c"}
    assert (summary.documents, summary.deleted, summary.deletions) == (3, 1, 2)
    assert "deleted    1 documents (2 deletion records)" in summary.format()
    assert (again.documents, again.deleted) == (1, 1)


def test_mine_keeps_the_newest_version_of_a_document(tmp_path: Path) -> None:
    v1, v2 = _doc("p", "aspirin", "2020-01-01"), _doc("p", "ibuprofen", "2025-01-01")
    with RelationStore(tmp_path / "s.sqlite") as store:
        first = mine([v1, _doc("q"), v2], None, Fake(), store, batch_docs=10, progress=False)  # both in one batch
        assert store.document("p").text == v2.text and (first.documents, first.skipped) == (2, 1)  # type: ignore[union-attr]
        older = mine([v1], None, Fake(), store, progress=False)  # an older version is not taken back
        assert store.document("p").text == v2.text and (older.documents, older.skipped) == (0, 1)  # type: ignore[union-attr]
        v3 = _doc("p", "naproxen", "2025-06-01", verb="ignores")
        newer = mine([v3], None, Fake(), store, progress=False)
        assert store.document("p").text == v3.text and newer.replaced == 1 and "replaced" in newer.format()  # type: ignore[union-attr]
        assert [e.doc_id for e in store.evidence()] == ["q"]  # the old version's relation went with it


def _mine_files(path: Path, store: Path, split_dir: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: Any):
    from relnet.mining import pipeline
    from relnet.model.classifier import RelationClassifier

    monkeypatch.setattr(RelationClassifier, "load", classmethod(lambda cls, *a, **k: Fake()))
    model = store.parent / "model"
    model.mkdir(exist_ok=True)
    (model / "config.json").write_text("{}")  # the model id is a hash of the folder's files
    return pipeline.mine_files(path, model, store, tagger="lexicon", lexicon_from=split_dir, progress=False, **kwargs)


def test_mine_files_reads_medline_baseline_then_update(
    tmp_path: Path, split_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    baseline = tmp_path / "pubmed25n0001.xml.gz"
    baseline.write_bytes(gzip.compress((FIXTURES / "pubmed25n0001-sample.xml").read_bytes()))
    update = tmp_path / "pubmed25n1275.xml"
    shutil.copy(FIXTURES / "pubmed25n1275-sample.xml", update)
    store_path = tmp_path / "s.sqlite"
    first = _mine_files(baseline, store_path, split_dir, monkeypatch, batch_docs=2)
    assert first.documents == 3
    second = _mine_files(update, store_path, split_dir, monkeypatch)
    assert (second.documents, second.replaced, second.deleted, second.deletions) == (2, 1, 1, 2)
    with RelationStore(store_path) as store:
        assert store.done_ids() == {"30000001", "10000003", "30000004"}
        doc = store.document("30000001")
        assert (
            doc is not None
            and doc.meta["revised"] == "2025-02-14"
            and store.mesh("30000001") == [("D000077156", "Gefitinib")]
        )
    assert _mine_files(update, store_path, split_dir, monkeypatch).skipped == 2  # a rerun: nothing new


def test_mine_files_unannotated_input_without_a_tagger_fails_before_loading_models(tmp_path: Path) -> None:
    from relnet.mining.pipeline import mine_files

    with pytest.raises(RelnetError, match="no mentions in the input"):
        mine_files(FIXTURES / "pubmed25n0001-sample.xml", tmp_path / "no-model", tmp_path / "s.sqlite")
    assert not (tmp_path / "s.sqlite").exists()
