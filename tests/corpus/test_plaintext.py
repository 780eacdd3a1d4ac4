from __future__ import annotations

from pathlib import Path

import pytest

from relnet.corpus.plaintext import read_plaintext
from relnet.data import CHEMICAL, GENE
from relnet.errors import InputError
from relnet.examples.candidates import examples_from_documents
from relnet.mentions import LexiconTagger


@pytest.mark.parametrize(
    ("content", "layout", "expected"),
    [
        ("Aspirin inhibits COX-2.\nGefitinib blocks EGFR.\n", "lines", [("docs:1", "Aspirin inhibits COX-2."),
                                                                       ("docs:2", "Gefitinib blocks EGFR.")]),
        ("Aspirin inhibits COX-2.\nGefitinib blocks EGFR.\n", "blocks", [("docs:1", "Aspirin inhibits COX-2.\n"
                                                                                   "Gefitinib blocks EGFR.")]),
        ("111\tAspirin inhibits\nCOX-2.\n\n\n222\tGefitinib blocks EGFR.\n", "blocks",
         [("111", "Aspirin inhibits\nCOX-2."), ("222", "Gefitinib blocks EGFR.")]),
        ("111\tAspirin inhibits COX-2.\n222\tGefitinib blocks EGFR.\n", "blocks",  # id lines: one per line
         [("111", "Aspirin inhibits COX-2."), ("222", "Gefitinib blocks EGFR.")]),
        ("111\tAspirin inhibits COX-2.\n222\tGefitinib blocks EGFR.\n", "lines",
         [("111", "Aspirin inhibits COX-2."), ("222", "Gefitinib blocks EGFR.")]),
        ("\n  \nOnly one.\n", "blocks", [("docs:1", "Only one.")]),
        ("First\r\n  wrapped\r\n\r\nSecond.\r\n", "blocks", [("docs:1", "First\n  wrapped"), ("docs:2", "Second.")]),
    ],
    ids=["lines", "wrapped-is-one-document", "blocks-with-ids", "id-lines", "id-lines-explicit", "leading-blank-lines",
         "crlf"],
)  # fmt: skip
def test_plaintext_layouts_and_ids(tmp_path: Path, content: str, layout: str, expected: list[tuple[str, str]]) -> None:
    path = tmp_path / "docs.txt"
    path.write_bytes(content.encode())
    docs = list(read_plaintext(path, layout))
    assert [(d.id, d.text) for d in docs] == expected
    assert all(not d.mentions and d.source == "text" for d in docs)


WRAPPED = """Salbutamol, a short-acting \u03b2
2-agonist, activates ADRB2 and, unlike
propranolol, does not block
ADRB1 in cardiomyocytes. Propranolol
antagonises ADRB1.
"""


def test_plaintext_hard_wrapped_abstract_is_one_document_with_cross_line_pairs(tmp_path: Path) -> None:
    path = tmp_path / "abstract.txt"
    path.write_text(WRAPPED)
    (doc,) = read_plaintext(path)
    assert doc.text == WRAPPED.strip()  # offsets index the text as written
    tagged = LexiconTagger({"salbutamol": CHEMICAL, "propranolol": CHEMICAL, "ADRB1": GENE, "ADRB2": GENE}).tag(doc)
    pairs = {(e.head_text, e.tail_text) for e in examples_from_documents([tagged], None)}
    assert ("propranolol", "ADRB1") in pairs and ("Salbutamol", "ADRB1") in pairs  # across line breaks
    assert ("Propranolol", "ADRB1") in pairs and len(pairs) == 5
    assert next(read_plaintext(path, "lines")).text == "Salbutamol, a short-acting \u03b2"  # the explicit choice


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no text found"),
        ("\n \n\t\n", "no text found"),
        ("7\tA.\n7\tB.\n", "line 2: duplicate document id 7"),
        ("A.\n\n12345\t \n", "document 12345 has an id but no text"),
    ],  # fmt: skip
)
def test_plaintext_bad_input_names_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        list(read_plaintext(path))
    assert str(path) in str(err.value)
    assert message.split(": ")[-1] in str(err.value)
    if message.startswith("line"):
        assert err.value.line == 2


def test_plaintext_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café inhibits β".encode("latin-1", errors="replace"))
    with pytest.raises(InputError, match="not UTF-8"):
        list(read_plaintext(path))
