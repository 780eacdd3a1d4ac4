"""relnet/store/parquet.py: shards round-trip into a store; a damaged shard is a clear error, and imports nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

from relnet.data import Document, Mention, Relation  # noqa: E402
from relnet.errors import InputError  # noqa: E402
from relnet.store.parquet import DONE, import_shards, shard_folder, write_shard  # noqa: E402
from relnet.store.sqlite import RelationStore  # noqa: E402


def _items(first: int) -> list[tuple[Document, list[Relation]]]:
    out = []
    for i in range(first, first + 2):
        doc = Document(str(i), "Aspirin inhibits COX-2.", (Mention("M1", 0, 7, "Aspirin", "CHEMICAL"),
                                                            Mention("M2", 17, 22, "COX-2", "GENE")))  # fmt: skip
        out.append((doc, [Relation(str(i), "M1", "M2", "CPR:4", "CPR:4", score=0.9)]))
    return out


@pytest.fixture
def shards(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_shard(out, "s0000", _items(1), {"input": "a"}, "model-a", "tagger-a")
    write_shard(out, "s0001", _items(3), {"input": "a"}, "model-a", "tagger-a")
    return out


def _documents(store: Path) -> list[str]:
    with RelationStore(store) as s:
        return sorted(d.id for d in s.documents())


def test_shards_import_into_a_store(shards: Path, tmp_path: Path) -> None:
    summary = import_shards(shards, tmp_path / "s.sqlite", progress=False)
    assert (summary.shards, summary.documents, summary.relations["CPR:4"]) == (2, 4, 4)
    assert _documents(tmp_path / "s.sqlite") == ["1", "2", "3", "4"]


def _garble_documents(folder: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "documents.parquet")
    column = table.schema.get_field_index("document")
    pq.write_table(table.set_column(column, "document", pa.array(["{not json"] * table.num_rows)),
                   folder / "documents.parquet")  # fmt: skip


def _set_relations(column: str, values: list) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pq.read_table(folder / "relations.parquet")
        i = table.schema.get_field_index(column)
        pq.write_table(table.set_column(i, column, pa.array(values, table.schema.field(i).type)),
                       folder / "relations.parquet")  # fmt: skip

    return damage


@pytest.mark.parametrize(
    ("damage", "where", "message"),
    [
        (lambda f: (f / DONE).write_text("{not json"), DONE, "not a shard record"),
        (_set_relations("arg2", ["M2", "T9"]), "relations.parquet", "row 2: relation M1 → T9 names no mention T9"),
        (_set_relations("score", [0.9, float("nan")]), "relations.parquet", "row 2: .* has score nan, not a prob"),
        (_set_relations("doc_id", ["3", "9"]), "relations.parquet", "row 2: relation of document 9, which the shard"),
        (lambda f: (f / DONE).write_text(json.dumps({"documents": 2})), DONE, "no model_id, tagger_id"),
        (lambda f: (f / "documents.parquet").write_bytes(b"PAR1garbagePAR1"), "documents.parquet", "cannot read"),
        (lambda f: (f / "relations.parquet").unlink(), "relations.parquet", "cannot read"),
        (_garble_documents, "documents.parquet", "row 1: not a document"),
    ],
)
def test_a_damaged_shard_is_named_and_imports_nothing_of_itself(
    shards: Path, tmp_path: Path, damage, where: str, message: str
) -> None:
    damage(shard_folder(shards, "s0001"))
    with pytest.raises(InputError, match=message) as err:
        import_shards(shards, tmp_path / "s.sqlite", progress=False)
    assert err.value.path.endswith(f"s0001/{where}")
    assert _documents(tmp_path / "s.sqlite") == ["1", "2"]  # the sound shard, and nothing of the damaged one
