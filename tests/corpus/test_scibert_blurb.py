from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnet.corpus.blurb import read_blurb_tsv
from relnet.corpus.scibert import read_scibert_jsonl
from relnet.errors import InputError
from relnet.examples.dataset import load_examples
from relnet.examples.labels import get_scheme
from tests.conftest import SHARED


def test_scibert_markers_become_spans(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    line = {"text": "<< EGFR >> is blocked by [[ gefitinib ]] today.", "label": "INHIBITOR", "metadata": []}
    path.write_text(json.dumps(line) + "\n")
    (ex,) = read_scibert_jsonl(path)
    assert ex.text == "EGFR is blocked by gefitinib today."
    assert (ex.head_text, ex.tail_text, ex.label) == ("gefitinib", "EGFR", "INHIBITOR")  # typed: chemical at head
    assert (ex.head_kind, ex.tail_kind) == ("CHEMICAL", "GENE")


@pytest.mark.parametrize(
    "bad",
    ['{"text": "no markers", "label": "X"}', "not json", '{"label": "X"}', '{"text": 5, "label": "X"}',
     '{"text": "<< a >> [[ b ]]", "label": null}', b'{"text": "<< caf\xe9 >> [[ b ]]", "label": "X"}'],
)  # fmt: skip
def test_scibert_bad_line_names_line(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "dev.jsonl"
    good = json.dumps({"text": "<< a >> [[ b ]]", "label": "X"}) + "\n"
    path.write_bytes((good * 700).encode() + (bad if isinstance(bad, bytes) else bad.encode()) + b"\n")
    with pytest.raises(InputError, match=r"dev.jsonl:701: "):
        read_scibert_jsonl(path)


def test_scibert_empty_file_and_unknown_label_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text("\n")
    with pytest.raises(InputError, match="dev.jsonl: holds no examples"):
        read_scibert_jsonl(path)
    line = json.dumps({"text": "<< EGFR >> is blocked by [[ gefitinib ]].", "label": "INHIBITOR"}) + "\n"
    path.write_text("\n\n" + line + line.replace("INHIBITOR", "BOGUS"))
    with pytest.raises(InputError, match="dev.jsonl:4: label 'BOGUS' is not in scheme 'fine'"):
        load_examples(path, get_scheme("fine"))  # the file's line, not the example's number (2)


def test_blurb_reads_crlf_rows(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_bytes(b"index\tsentence\tlabel\r\n1.T1.T2\t@CHEMICAL$ binds @GENE$.\tCPR:5\r\n")
    (row,) = read_blurb_tsv(path)
    assert (row.doc_id, row.arg1, row.arg2, row.label) == ("1", "T1", "T2", "CPR:5")


@pytest.mark.slow  # reads ../shared/data
@pytest.mark.skipif(not (SHARED / "chemprot/scibert").is_dir(), reason="shared SciBERT files absent")
def test_scibert_shared_counts() -> None:
    assert len(read_scibert_jsonl(SHARED / "chemprot/scibert/dev.jsonl")) == 2427
