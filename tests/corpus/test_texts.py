from __future__ import annotations

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
    assert [m.text for m in read_texts(tmp_path / "a.pubtator")[0].mentions] == ["Aspirin"]
    chemprot = read_texts(split_dir)
    assert [d.id for d in chemprot] == ["1001", "1002"] and chemprot[0].mentions


def test_texts_explicit_format_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "a.pubtator"
    path.write_text("1|t|Aspirin.\n")
    assert read_texts(path, "text")[0].text == "1|t|Aspirin."


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
