"""Streaming readers: paths or open streams, gzip/bz2 by magic bytes, documents one at a time."""

from __future__ import annotations

import bz2
import gzip
import io
import json
from pathlib import Path

import pytest

from relnet.corpus.bioc_io import read_bioc
from relnet.corpus.plaintext import read_plaintext
from relnet.corpus.pubtator import read_pubtator
from relnet.corpus.streams import numbered_lines, plain_stem
from relnet.corpus.xmlio import root_tag
from relnet.data import Document
from relnet.errors import InputError

PUBTATOR = "1|t|Aspirin.\n1|a|COX-2.\n1\t0\t7\tAspirin\tChemical\tX\n\n2|t|Gefitinib.\n2|a|EGFR.\n"


def _bioc(n: int) -> str:
    docs = "".join(
        f"<document><id>{i}</id><passage><infon key='type'>title</infon><offset>0</offset><text>Aspirin {i}.</text>"
        f"<annotation id='a{i}'><infon key='type'>Chemical</infon><location offset='0' length='7'/>"
        "<text>Aspirin</text></annotation></passage></document>"
        for i in range(n)
    )
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><!DOCTYPE collection SYSTEM 'BioC.dtd'><collection>{docs}</collection>"
    )


@pytest.mark.parametrize("packing", ["plain", "gzip", "bz2"])
def test_streams_every_reader_reads_compressed_files_by_their_magic_bytes(tmp_path: Path, packing: str) -> None:
    pack = {"plain": lambda b: b, "gzip": gzip.compress, "bz2": bz2.compress}[packing]
    (tmp_path / "a.pubtator").write_bytes(pack(PUBTATOR.encode()))
    (tmp_path / "a.txt").write_bytes(pack(b"Aspirin inhibits COX-2.\n\nGefitinib blocks EGFR.\n"))
    (tmp_path / "a.xml").write_bytes(pack(_bioc(2).encode()))
    assert [d.id for d in read_pubtator(tmp_path / "a.pubtator")] == ["1", "2"]
    assert [d.id for d in read_plaintext(tmp_path / "a.txt")] == ["a:1", "a:2"]
    assert [(d.id, d.mentions[0].text) for d in read_bioc(tmp_path / "a.xml")] == [("0", "Aspirin"), ("1", "Aspirin")]


def test_streams_readers_take_open_streams() -> None:
    assert [d.id for d in read_pubtator(io.StringIO(PUBTATOR))] == ["1", "2"]
    assert [d.id for d in read_pubtator(io.BytesIO(gzip.compress(PUBTATOR.encode())))] == ["1", "2"]
    assert [d.text for d in read_plaintext(io.StringIO("One.\n\nTwo.\n"))] == ["One.", "Two."]
    assert [d.id for d in read_bioc(io.BytesIO(_bioc(3).encode()))] == ["0", "1", "2"]
    with pytest.raises(InputError, match="binary stream"):
        list(read_bioc(io.StringIO(_bioc(1))))


def test_streams_readers_yield_before_reading_the_whole_file(tmp_path: Path) -> None:
    """The first document comes before the damage at the end of the file is read."""
    (tmp_path / "a.pubtator").write_text(PUBTATOR + "2\tbroken line\n")
    (tmp_path / "a.xml").write_text(_bioc(3).replace("</collection>", "<document>"))
    for docs in (read_pubtator(tmp_path / "a.pubtator"), read_bioc(tmp_path / "a.xml")):
        first = next(docs)
        assert isinstance(first, Document)
        with pytest.raises(InputError):
            list(docs)


def test_streams_pubtator_document_lines_must_be_together(tmp_path: Path) -> None:
    path = tmp_path / "a.pubtator"
    path.write_text("1|t|Aspirin.\n2|t|Gefitinib.\n1|a|COX-2.\n")
    with pytest.raises(InputError) as err:
        list(read_pubtator(path))
    assert err.value.line == 3 and "PMID 1 again, after other documents" in str(err.value)


def test_streams_bioc_json_reads_through_gzip(tmp_path: Path) -> None:
    pytest.importorskip("bioc")
    passage = {"infons": {"type": "title"}, "offset": 0, "text": "Aspirin.", "sentences": [], "relations": [],
               "annotations": []}  # fmt: skip
    doc = {"id": "9", "infons": {}, "passages": [passage], "relations": [], "annotations": []}
    collection = {"source": "", "date": "", "key": "", "infons": {}, "documents": [doc]}
    (tmp_path / "a.json.gz").write_bytes(gzip.compress(json.dumps(collection).encode()))
    assert [d.text for d in read_bioc(tmp_path / "a.json.gz")] == ["Aspirin."]


def test_streams_helpers(tmp_path: Path) -> None:
    assert plain_stem("a/pubmed25n0001.xml.gz") == "pubmed25n0001" and plain_stem("PMC1.nxml") == "PMC1"
    head = (
        b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c -->\n<!DOCTYPE a PUBLIC 'x' [<!ENTITY e 'f'>]>\n<PubmedArticleSet"
    )
    assert root_tag(head) == "PubmedArticleSet" and root_tag(b"plain text") is None
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9\n")
    with pytest.raises(InputError, match="not UTF-8") as err:
        list(numbered_lines(tmp_path / "bad.txt", "bad.txt"))
    assert err.value.line == 1


@pytest.mark.parametrize("compress", [False, True])
def test_numbered_lines_names_the_line_of_a_bad_byte_past_the_first_block(tmp_path: Path, compress: bool) -> None:
    data = b"fine line\n" * 899 + b"caf\xe9\n" + b"after\n"  # ~9 kB: past a text stream's first decoded block
    path = tmp_path / "big.txt"
    path.write_bytes(gzip.compress(data) if compress else data)
    with pytest.raises(InputError, match="not UTF-8") as err:
        list(numbered_lines(path, "big.txt"))
    assert err.value.line == 900


def test_numbered_lines_endings_and_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"\xef\xbb\xbfa\r\nb\rc\nd")
    assert list(numbered_lines(path, "m")) == [(1, "a\n"), (2, "b\n"), (3, "c\n"), (4, "d")]
    assert list(numbered_lines(path, "m", newline="")) == [(1, "a\r\n"), (2, "b\r"), (3, "c\n"), (4, "d")]
    with io.StringIO("x\ny") as text:  # a text stream is read as it is
        assert list(numbered_lines(text, "s")) == [(1, "x\n"), (2, "y")]
