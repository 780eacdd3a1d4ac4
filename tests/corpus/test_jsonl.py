"""relnet/corpus/jsonl.py and `read_documents` on Document JSONL: round trip, folders, errors with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.corpus.jsonl import DOCUMENTS_JSONL, read_documents_jsonl, write_documents_jsonl
from relnet.errors import InputError
from relnet.examples.dataset import load_examples
from relnet.examples.labels import UNKNOWN_LABEL, get_scheme


def test_jsonl_round_trips_a_split(split_dir: Path, tmp_path: Path) -> None:
    docs = read_documents(split_dir)
    assert write_documents_jsonl(docs, tmp_path / DOCUMENTS_JSONL) == 2
    assert read_documents_jsonl(tmp_path / DOCUMENTS_JSONL) == docs
    assert read_documents_jsonl(tmp_path) == docs  # a folder means its documents.jsonl


def test_jsonl_a_write_cut_short_leaves_no_file(split_dir: Path, tmp_path: Path) -> None:
    """Recipe scripts take documents.jsonl's presence for a finished corpus: a run killed mid-write must leave
    none (and an earlier whole one untouched), not the documents written so far."""
    docs, out = read_documents(split_dir), tmp_path / "out"
    out.mkdir()

    def killed_after_the_first():
        yield docs[0]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_documents_jsonl(killed_after_the_first(), out / DOCUMENTS_JSONL)
    assert list(out.iterdir()) == []
    write_documents_jsonl(docs, out / DOCUMENTS_JSONL)
    with pytest.raises(KeyboardInterrupt):
        write_documents_jsonl(killed_after_the_first(), out / DOCUMENTS_JSONL)
    assert [p.name for p in out.iterdir()] == [DOCUMENTS_JSONL]
    assert read_documents_jsonl(out) == docs


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


def _doc(mentions: list[dict] | None = None, relations: list[dict] | None = None, **fields) -> str:
    text = "Aspirin inhibits COX-2 strongly."
    default = [{"id": "T1", "start": 0, "end": 7, "text": "Aspirin", "kind": "CHEMICAL"},
               {"id": "T2", "start": 17, "end": 22, "text": "COX-2", "kind": "GENE"}]  # fmt: skip
    rel = [{"doc_id": "d", "arg1": "T1", "arg2": "T2", "label": "INHIBITOR", "group": "CPR:4"}]
    obj = {"id": "d", "text": text, "mentions": default if mentions is None else mentions,
           "relations": rel if relations is None else relations, **fields}  # fmt: skip
    return json.dumps(obj)


def _mention(**change) -> list[dict]:
    m = {"id": "T2", "start": 17, "end": 22, "text": "COX-2", "kind": "GENE"} | change
    return [{"id": "T1", "start": 0, "end": 7, "text": "Aspirin", "kind": "CHEMICAL"}, m]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (_doc(_mention(start=90, end=95)), r"mention 'T2': offsets 90–95 outside the text \(length 32\)"),
        (_doc(_mention(start=-2)), "outside the text"),
        (_doc(_mention(start=22)), "outside the text"),  # empty
        (_doc(_mention(text="EGFR")), r"mention 'T2': the text at 17–22 is 'COX-2', not 'EGFR'"),
        (_doc(_mention(start="17")), "offsets must be integers, found '17', 22"),
        (_doc(_mention(start=17.0)), "offsets must be integers"),
        (_doc(_mention(kind="PROTEIN")), "kind 'PROTEIN'; expected one of CHEMICAL, GENE"),
        (_doc(_mention(id="T1")), "mention id 'T1' twice"),
        (
            _doc(relations=[{"doc_id": "d", "arg1": "T1", "arg2": "T9", "label": "INHIBITOR"}]),
            "relation 'INHIBITOR' names mention 'T9', which the document does not have",
        ),  # fmt: skip
        (
            _doc(relations=[{"doc_id": "d", "arg1": "T1", "arg2": "T2", "label": "INHIBITOR", "group": "CPR:3"}]),
            "relation 'INHIBITOR' is in group CPR:4, not CPR:3",
        ),  # fmt: skip
        (_doc(text=5), "text must be a string, found a int"),
        (_doc(relations=[{"doc_id": "d", "arg1": "T1", "arg2": "T2", "label": 5}]), "relation 5: label must be a non"),
        (_doc(relations=[{"doc_id": "d", "arg1": ["T1"], "arg2": "T2", "label": "X"}]), "arg1 must be a non-empty"),
        (_doc(_mention(id=["T2"])), r"mention id \['T2'\] must be a non-empty string"),
        (_doc(id=""), "document id must be a non-empty string"),
    ],
)
def test_jsonl_annotations_that_do_not_fit_the_text_name_file_and_line(tmp_path: Path, line: str, message: str):
    path = tmp_path / DOCUMENTS_JSONL
    path.write_text(_doc() + "\n" + line + "\n")
    with pytest.raises(InputError, match=message) as err:
        read_documents_jsonl(path)
    assert (err.value.path, err.value.line) == (str(path), 2)


def test_jsonl_unknown_labels_are_kept_and_counted(tmp_path: Path, caplog) -> None:
    rel = {"doc_id": "d", "arg1": "T1", "arg2": "T2", "label": "BOGUS"}
    path = tmp_path / DOCUMENTS_JSONL
    path.write_text(_doc() + "\n" + _doc(relations=[rel]) + "\n" + _doc(relations=[rel, rel]) + "\n")
    docs = read_documents_jsonl(path)
    assert [len(d.relations) for d in docs] == [1, 1, 2]  # nothing lost
    assert f"{path}: 3 {UNKNOWN_LABEL} (first at {path}:2 'BOGUS')" in caplog.text
    # a pseudo-labelled corpus has one document per pair: the same id on several lines, and the same labels
    # a mined store holds (a scheme's classes, CPR groups, false) raise no warning
    caplog.clear()
    labels = ["CPR:4", "REGULATOR-NEGATIVE", "false", "INHIBITOR"]
    path.write_text("".join(_doc(relations=[rel | {"label": x}]) + "\n" for x in labels))
    assert len(read_documents_jsonl(path)) == 4 and UNKNOWN_LABEL not in caplog.text


def test_jsonl_reports_bytes_that_are_not_utf8_at_their_line_and_reads_a_bom(tmp_path: Path, caplog) -> None:
    path = tmp_path / DOCUMENTS_JSONL
    path.write_bytes(("\n".join([_doc()] * 700) + "\n").encode() + b'{"id": "caf\xe9"}\n')
    with pytest.raises(InputError, match="not UTF-8") as err:
        read_documents_jsonl(path)
    assert err.value.line == 701  # its own line, not the first of the block it was decoded in
    path.write_bytes(b"\xef\xbb\xbf" + _doc().encode() + b"\n")
    assert [d.id for d in read_documents_jsonl(path)] == ["d"]
    path.write_text("")
    assert read_documents_jsonl(path) == [] and "holds no documents" in caplog.text
