from __future__ import annotations

import logging
from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.corpus.chemprot import read_chemprot, read_gold_standard
from relnet.errors import InputError
from tests.conftest import CHEMPROT, needs_shared, write_split


def test_chemprot_reads_documents_mentions_relations(split_dir: Path) -> None:
    docs = read_chemprot(split_dir)
    assert [d.id for d in docs] == ["1001", "1002"]
    d = docs[0]
    assert d.text.startswith("Aspirin inhibits COX-2") and d.text[d.title_end] == "\t"
    assert all(doc.text[m.start : m.end] == m.text for doc in docs for m in doc.mentions)
    assert {m.kind for m in d.mentions} == {"CHEMICAL", "GENE"}
    assert len(d.relations) == 5 and d.relations[4].label == "NOT" and not d.relations[4].evaluated
    assert read_gold_standard(next(split_dir.glob("*gold*"))) >= {("1002", "CPR:6", "T3", "T4")}


def test_chemprot_finds_test_gs_names(tmp_path: Path) -> None:
    folder = write_split(tmp_path / "chemprot_test_gs", "test_gs")
    for p in list(folder.iterdir()):  # official test names: chemprot_test_abstracts_gs.tsv …
        p.rename(p.with_name(p.name.replace("test_gs_", "test_").replace(".tsv", "_gs.tsv")))
    assert len(read_documents(folder)) == 2


def _corrupt(folder: Path, kind: str, old: str, new: str) -> Path:
    path = next(folder.glob(f"*{kind}*.tsv"))
    text = path.read_text()
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("utf-8", "surrogateescape"))  # \udcff: the byte 0xff
    return path


@pytest.mark.parametrize(
    ("kind", "old", "new", "message"),
    [
        ("entities", "\tAspirin\n", "\tAspirin\textra\n", "expected 6 tab-separated columns"),
        ("entities", "\t0\t7\tAspirin", "\t0\t9999\tAspirin", "outside the text"),
        ("entities", "\t0\t7\tAspirin", "\t1\t8\tAspirin", "does not match"),
        ("entities", "\tCHEMICAL\t0\t", "\tDRUG\t0\t", "unknown entity type"),
        ("entities", "\t0\t7\t", "\tzero\t7\t", "not an integer"),
        ("relations", "Arg2:T2", "Arg2:T99", "unknown entity T99"),
        ("relations", "CPR:4\tY \tINHIBITOR\tArg1:T1", "CPR:42\tY \tINHIBITOR\tArg1:T1", "unknown CPR group"),
        ("relations", "INHIBITOR\tArg1:T1", "BLOCKER\tArg1:T1", "unknown relation type"),
        ("relations", "Arg1:T1\tArg2:T2", "Arg1:T2\tArg2:T1", "not chemical→gene"),
        ("relations", "CPR:4\tY \tINHIBITOR", "CPR:3\tY \tINHIBITOR", "INHIBITOR is in group CPR:4, not CPR:3"),
        ("abstracts", "1001\tAspirin", "1001\tAsp\udcffrin", "not UTF-8"),
    ],
)
def test_chemprot_bad_input_names_file_and_line(split_dir: Path, kind: str, old: str, new: str, message: str) -> None:
    path = _corrupt(split_dir, kind, old, new)
    with pytest.raises(InputError, match=message) as err:
        read_chemprot(split_dir)
    assert err.value.path == str(path) and err.value.line == 1


def test_chemprot_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        read_documents(tmp_path / "nowhere")


def test_chemprot_entities_without_text_are_counted(split_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = next(split_dir.glob("*entities*"))
    path.write_text(path.read_text() + "9999\tT1\tCHEMICAL\t0\t3\tabc\n")
    with caplog.at_level(logging.WARNING):
        docs = read_chemprot(split_dir)
    assert len(docs) == 2
    assert "skipped 1 entities of documents without text" in caplog.text


@pytest.mark.slow  # reads ../shared/data
@needs_shared
@pytest.mark.parametrize(
    ("split", "n_docs", "n_mentions", "n_relations"),
    [("training", 1020, 25752, 6437), ("development", 612, 15567, 3558)],
)
def test_chemprot_shared_counts(split: str, n_docs: int, n_mentions: int, n_relations: int) -> None:
    docs = read_documents(CHEMPROT / split)
    assert len(docs) == n_docs
    assert sum(len(d.mentions) for d in docs) == n_mentions
    assert sum(len(d.relations) for d in docs) == n_relations


def test_a_folder_given_for_a_gold_file_is_named_as_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder; a file was expected"):
        read_gold_standard(tmp_path)
    with pytest.raises(InputError, match="gone.tsv: file not found"):
        read_gold_standard(tmp_path / "gone.tsv")


def test_chemprot_repeated_relation_lines_count_once(split_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = next(split_dir.glob("*relations*"))
    first = path.read_text().splitlines(keepends=True)[0]
    path.write_text(path.read_text() + first)
    with caplog.at_level(logging.WARNING):
        docs = read_chemprot(split_dir)
    assert len(docs[0].relations) == 5  # as without the repeat
    assert f"skipped 1 repeated relation lines (the first kept) (first at {path}:" in caplog.text


def test_chemprot_reads_a_byte_order_mark(split_dir: Path) -> None:
    before = read_chemprot(split_dir)
    for path in split_dir.glob("*.tsv"):  # as an editor on Windows saves them
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_chemprot(split_dir) == before
