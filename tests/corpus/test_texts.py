from __future__ import annotations

import bz2
import gzip
import shutil
import tarfile
from pathlib import Path

import pytest

from relnet.corpus.texts import detect_format, read_texts
from relnet.errors import InputError


def test_texts_detects_each_format(tmp_path: Path, split_dir: Path) -> None:
    (tmp_path / "a.txt").write_text("Aspirin inhibits COX-2.\n")
    (tmp_path / "a.pubtator").write_text("1|t|Aspirin.\n1|a|COX-2.\n1\t0\t7\tAspirin\tChemical\tX\n")
    (tmp_path / "a.xml").write_text("<collection/>")
    assert detect_format(tmp_path / "a.txt") == "text"
    assert detect_format(tmp_path / "a.pubtator") == "pubtator"
    assert detect_format(tmp_path / "a.xml") == "bioc"
    assert detect_format(split_dir) == "chemprot"
    assert [d.id for d in read_texts(tmp_path / "a.txt")] == ["a:1"]
    assert [m.text for m in next(read_texts(tmp_path / "a.pubtator")).mentions] == ["Aspirin"]
    chemprot = list(read_texts(split_dir))
    assert [d.id for d in chemprot] == ["1001", "1002"] and chemprot[0].mentions


def test_texts_explicit_format_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "a.pubtator"
    path.write_text("1|t|Aspirin.\n")
    assert next(read_texts(path, "text")).text == "1|t|Aspirin."


@pytest.mark.parametrize(
    ("name", "fmt", "message"), [("missing.txt", "auto", "not found"), ("a.txt", "pdf", "unknown")]
)
def test_texts_bad_arguments(tmp_path: Path, name: str, fmt: str, message: str) -> None:
    (tmp_path / "a.txt").write_text("x\n")
    with pytest.raises(InputError, match=message):
        read_texts(tmp_path / name, fmt)


def test_texts_plain_text_layout_is_the_callers_choice(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Aspirin inhibits\nCOX-2.\n")
    assert [d.text for d in read_texts(path)] == ["Aspirin inhibits\nCOX-2."]
    assert [d.text for d in read_texts(path, layout="lines")] == ["Aspirin inhibits", "COX-2."]
    with pytest.raises(InputError, match="unknown layout 'auto'"):
        read_texts(path, layout="auto")


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_texts_detects_medline_and_jats_by_root_suffix_or_folder(tmp_path: Path) -> None:
    baseline = FIXTURES / "pubmed25n0001-sample.xml"
    (tmp_path / "pubmed25n0001.xml.gz").write_bytes(gzip.compress(baseline.read_bytes()))
    shutil.copy(baseline, tmp_path / "efetch.xml")  # .xml: told from BioC by its root element
    shutil.copy(FIXTURES / "PMC7000001.nxml", tmp_path / "article.xml")
    with tarfile.open(tmp_path / "oa.tar.gz", "w:gz") as tar:
        tar.add(FIXTURES / "PMC7000001.nxml", arcname="PMC7000001.nxml")
    expected = {"pubmed25n0001.xml.gz": "medline", "efetch.xml": "medline", "article.xml": "jats", "oa.tar.gz": "jats"}
    assert {name: detect_format(tmp_path / name) for name in expected} == expected
    assert detect_format(FIXTURES / "PMC7000001.nxml") == "jats"
    medline_folder = tmp_path / "baseline"
    medline_folder.mkdir()
    shutil.copy(baseline, medline_folder / "pubmed25n0001.xml")
    assert detect_format(medline_folder) == "medline"
    assert [d.id for d in read_texts(tmp_path / "pubmed25n0001.xml.gz")] == ["30000001", "10000002", "10000003"]
    assert [d.id for d in read_texts(tmp_path / "oa.tar.gz")] == ["PMC7000001"]


def test_texts_reads_lazily_and_through_compression(tmp_path: Path) -> None:
    lines = "".join(f"{i}\tAspirin inhibits COX-{i}.\n" for i in range(1, 1001))
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "b.pubtator.bz2").write_bytes(
        bz2.compress(b"1|t|Aspirin.\n1|a|COX-2.\n1\t0\t7\tAspirin\tChemical\tX\n")
    )
    docs = read_texts(tmp_path / "a.txt.gz")
    assert not isinstance(docs, list) and next(docs).id == "1"  # an iterator: nothing read beyond what is asked
    assert sum(1 for _ in docs) == 999
    assert detect_format(tmp_path / "b.pubtator.bz2") == "pubtator"
    assert [m.text for m in next(read_texts(tmp_path / "b.pubtator.bz2")).mentions] == ["Aspirin"]


def test_texts_truncated_gzip_is_an_input_error(tmp_path: Path) -> None:
    data = gzip.compress("".join(f"{i}\tAspirin inhibits COX-{i}, {i * 7919 % 1000}.\n" for i in range(5000)).encode())
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        list(read_texts(path))
    assert str(path) in str(err.value) and "ends too early" in str(err.value) and err.value.line


def test_texts_empty_file_is_an_input_error(tmp_path: Path) -> None:
    for name in ("empty.txt", "empty.xml"):
        (tmp_path / name).write_text("")
        with pytest.raises(InputError) as err:
            list(read_texts(tmp_path / name))
        assert str(tmp_path / name) in str(err.value)
