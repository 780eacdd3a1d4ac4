"""relnet/corpus/jsonl.py and `read_documents` on Document JSONL: round trip, folders, errors with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.corpus.jsonl import DOCUMENTS_JSONL, read_documents_jsonl, write_documents_jsonl
from relnet.errors import InputError
from relnet.examples.dataset import load_examples
from relnet.examples.labels import get_scheme


def test_jsonl_round_trips_a_split(split_dir: Path, tmp_path: Path) -> None:
    docs = read_documents(split_dir)
    assert write_documents_jsonl(docs, tmp_path / DOCUMENTS_JSONL) == 2
    assert read_documents_jsonl(tmp_path / DOCUMENTS_JSONL) == docs
    assert read_documents_jsonl(tmp_path) == docs  # a folder means its documents.jsonl


@pytest.mark.parametrize("where", ["folder", "file", "other_name"])
def test_jsonl_read_documents_and_load_examples_dispatch(split_dir: Path, tmp_path: Path, where: str) -> None:
    docs = read_documents(split_dir)
    name = "docs.jsonl" if where == "other_name" else DOCUMENTS_JSONL
    write_documents_jsonl(docs, tmp_path / name)
    path = tmp_path if where == "folder" else tmp_path / name
    assert read_documents(path) == docs
    assert [d.id for d in read_documents(path, exclude_ids={"1001"})] == ["1002"]
    if where != "other_name":  # any other .jsonl name is SciBERT-format for load_examples
        examples, loaded = load_examples(path, get_scheme("cpr"), exclude_ids={"1002"})
        assert [d.id for d in loaded] == ["1001"] and {e.doc_id for e in examples} == {"1001"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "expected a Document JSON object, found a list"),
        (json.dumps({"text": "<< a >> b [[ c ]]", "label": "CPR:3", "metadata": {}}), "no field 'id'.*SciBERT"),
        (json.dumps({"id": "d", "text": "t", "mentions": [{"id": "T1", "oops": 1}]}), "not a Document JSON object"),
    ],
)
def test_jsonl_bad_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / DOCUMENTS_JSONL
    path.write_text(json.dumps({"id": "ok", "text": "fine"}) + "\n\n" + line + "\n")
    with pytest.raises(InputError, match=message) as err:
        read_documents_jsonl(path)
    assert (err.value.path, err.value.line) == (str(path), 3)


def test_jsonl_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found; expected a documents.jsonl"):
        read_documents_jsonl(tmp_path / "nowhere.jsonl")
