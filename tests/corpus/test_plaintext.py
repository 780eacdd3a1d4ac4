from __future__ import annotations

from pathlib import Path

import pytest

from relnet.corpus.plaintext import read_plaintext
from relnet.errors import InputError


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Aspirin inhibits COX-2.\nGefitinib blocks EGFR.\n", [("docs:1", "Aspirin inhibits COX-2."),
                                                              ("docs:2", "Gefitinib blocks EGFR.")]),
        ("111\tAspirin inhibits\nCOX-2.\n\n\n222\tGefitinib blocks EGFR.\n", [("111", "Aspirin inhibits COX-2."),
                                                                            ("222", "Gefitinib blocks EGFR.")]),
        ("\n  \nOnly one.\n", [("docs:1", "Only one.")]),
    ],
    ids=["lines", "blocks-with-ids", "leading-blank-lines"],
)  # fmt: skip
def test_plaintext_layouts_and_ids(tmp_path: Path, content: str, expected: list[tuple[str, str]]) -> None:
    path = tmp_path / "docs.txt"
    path.write_text(content)
    docs = read_plaintext(path)
    assert [(d.id, d.text) for d in docs] == expected
    assert all(not d.mentions and d.source == "text" for d in docs)


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "no text found"), ("\n \n\t\n", "no text found"), ("7\tA.\n7\tB.\n", "line 2: duplicate document id 7")],
)
def test_plaintext_bad_input_names_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        read_plaintext(path)
    assert str(path) in str(err.value)
    assert message.split(": ")[-1] in str(err.value)
    if message.startswith("line"):
        assert err.value.line == 2


def test_plaintext_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café inhibits β".encode("latin-1", errors="replace"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_plaintext(path)
