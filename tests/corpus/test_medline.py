from __future__ import annotations

import bz2
import gzip
import io
import json
import logging
import shutil
import tracemalloc
from pathlib import Path

import pytest

from relnet.corpus.medline import read_medline
from relnet.data import Deletion, Document
from relnet.errors import InputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASELINE = FIXTURES / "pubmed25n0001-sample.xml"
UPDATE = FIXTURES / "pubmed25n1275-sample.xml"


def _citation(pmid: int, abstract: str = "Aspirin inhibits COX-2 in platelets.") -> str:
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        f"<Article><Journal><JournalIssue><PubDate><Year>2001</Year></PubDate></JournalIssue><Title>J</Title>"
        f"</Journal><ArticleTitle>Title {pmid}.</ArticleTitle><Abstract><AbstractText>{abstract}</AbstractText>"
        f"</Abstract></Article></MedlineCitation></PubmedArticle>\n"
    )


def _write(path: Path, body: str) -> Path:
    path.write_text(f'<?xml version="1.0" ?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n')
    return path


def test_medline_reads_a_baseline_file_with_metadata_and_section_labels() -> None:
    d1, d2, d3 = read_medline(BASELINE)
    title = "Gefitinib inhibits EGFR phosphorylation in lung cancer cells."
    assert (d1.id, d1.title_end, d1.source) == ("30000001", len(title), "medline")
    assert d1.text == (
        f"{title}\tBACKGROUND: The epidermal growth factor receptor (EGFR) is a target of tyrosine kinase "
        "inhibitors. METHODS: We treated A549 cells with gefitinib for 24 h. RESULTS: Gefitinib blocked EGFR and "
        "reduced AKT1 activity by 40 %."
    )  # inline <i> flattened, the wrapped line and the no-break space collapsed, the copyright left out
    assert dict(d1.meta) == {
        "version": 1, "revised": "2020-01-08", "journal": "Journal of medicinal chemistry", "year": 2019,
        "mesh": (("D000077156", "Gefitinib"), ("D066246", "ErbB Receptors"), ("D006801", "Humans")),
        "doi": "10.1021/acs.jmedchem.8b00001", "pmcid": "PMC6400001",
        "passages": ((0, "title"), (62, "BACKGROUND"), (161, "METHODS"), (217, "RESULTS")),
    }  # fmt: skip
    for offset, section in d1.meta["passages"][1:]:
        assert d1.text[offset:].startswith(f"{section}: ")
    # an unstructured abstract with <sup>, a MedlineDate year; a citation without abstract is its title only
    assert d2.text == "Aspirin and COX-2.\tAspirin acetylates cyclooxygenase-2 (COX-2); Ca2+ was not required."
    assert d2.meta["year"] == 1998 and d2.meta["passages"] == ((0, "title"), (19, "abstract"))
    assert "mesh" not in d2.meta and "revised" in d2.meta
    assert (d3.text, d3.title_end, d3.meta["year"]) == ("Propranolol blocks beta-adrenergic receptors.", 45, 1975)


def test_medline_update_file_yields_new_versions_and_deletions() -> None:
    items = list(read_medline(UPDATE))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "Deletion", "Deletion"]
    revised, versioned = items[0], items[1]
    assert isinstance(revised, Document) and revised.meta["revised"] == "2025-02-14"
    assert isinstance(versioned, Document) and versioned.meta["version"] == 2
    assert items[2:] == [Deletion("10000002"), Deletion("99999999")]


@pytest.mark.parametrize("packing", ["gzip", "bz2", "gzip-without-suffix", "binary-stream", "gzip-stream"])
def test_medline_reads_compressed_files_and_streams(tmp_path: Path, packing: str) -> None:
    data = BASELINE.read_bytes()
    source: object
    if packing == "gzip":
        source = tmp_path / "pubmed25n0001.xml.gz"
        source.write_bytes(gzip.compress(data))
    elif packing == "bz2":
        source = tmp_path / "pubmed25n0001.xml.bz2"
        source.write_bytes(bz2.compress(data))
    elif packing == "gzip-without-suffix":  # told by its magic bytes
        source = tmp_path / "download"
        source.write_bytes(gzip.compress(data))
    elif packing == "binary-stream":
        source = io.BytesIO(data)
    else:
        source = io.BytesIO(gzip.compress(data))
    docs = list(read_medline(source))  # type: ignore[arg-type]
    assert [d.id for d in docs] == ["30000001", "10000002", "10000003"]
    assert docs[0].text == next(iter(read_medline(BASELINE))).text  # type: ignore[union-attr]


def test_medline_folder_reads_baseline_then_updates(tmp_path: Path) -> None:
    shutil.copy(UPDATE, tmp_path / "pubmed25n1275.xml")
    (tmp_path / "pubmed25n0001.xml.gz").write_bytes(gzip.compress(BASELINE.read_bytes()))
    (tmp_path / "README.txt").write_text("not a citation file")
    ids = [i.id for i in read_medline(tmp_path)]
    assert ids == ["30000001", "10000002", "10000003", "30000001", "30000004", "10000002", "99999999"]


def test_medline_title_only_citations_can_be_skipped_and_are_counted(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="relnet"):
        docs = list(read_medline(BASELINE, keep_title_only=False))
    assert [d.id for d in docs] == ["30000001", "10000002"]
    assert "skipped 1 citations without an abstract (first at PMID 10000003)" in caplog.text


def test_medline_skips_books_and_citations_without_text_counted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    book = "<PubmedBookArticle><BookDocument><PMID Version='1'>5</PMID></BookDocument></PubmedBookArticle>\n"
    empty = _citation(6, abstract="").replace("<ArticleTitle>Title 6.</ArticleTitle>", "")
    path = _write(tmp_path / "mixed.xml", book + empty + _citation(7))
    with caplog.at_level(logging.WARNING, logger="relnet"):
        docs = list(read_medline(path))
    assert [d.id for d in docs] == ["7"]
    assert "skipped 1 book records" in caplog.text and "skipped 1 citations without title or abstract" in caplog.text


@pytest.mark.parametrize(
    ("content", "wrap", "line", "message"),
    [
        (_citation(1) + "<PubmedArticle><MedlineCitation></PubmedArticle>\n", True, 4, "malformed XML: mismatched tag"),
        ("", False, None, "empty or not XML"),
        ("<collection><document/></collection>", False, None, "its root element is <collection>"),
        ("", True, None, "no citations"),
        ("<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>", False, None, "E-utilities sent an error"),
        (_citation(1).replace('Version="1"', 'Version="one"'), True, None, "PMID 1: Version 'one' is not a number"),
    ],
    ids=["malformed", "empty", "not-medline", "no-citations", "efetch-error", "bad-version"],
)
def test_medline_bad_input_is_an_input_error_naming_the_file(
    tmp_path: Path, content: str, wrap: bool, line: int | None, message: str
) -> None:
    path = tmp_path / "bad.xml"
    _write(path, content) if wrap else path.write_text(content)
    with pytest.raises(InputError) as err:
        list(read_medline(path))
    assert err.value.path == str(path) and message in str(err.value)
    assert err.value.line == line
    if message.startswith("malformed"):
        assert "(after PMID 1)" in str(err.value)  # the last citation read before the damage


def test_medline_truncated_gzip_names_the_file_and_the_last_pmid(tmp_path: Path) -> None:
    data = gzip.compress(_write(tmp_path / "whole.xml", "".join(_citation(i) for i in range(1, 400))).read_bytes())
    path = tmp_path / "pubmed25n0002.xml.gz"
    path.write_bytes(data[: len(data) // 2])
    read = []
    with pytest.raises(InputError) as err:
        for doc in read_medline(path):
            read.append(doc.id)
    assert str(path) in str(err.value) and "ends too early" in str(err.value)
    assert read and f"after PMID {read[-1]}" in str(err.value)  # the documents before the damage were yielded


def test_medline_missing_file_fails_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_medline(tmp_path / "nowhere.xml.gz")  # not iterated: the check is eager


def _peak_while_reading(path: Path) -> int:
    tracemalloc.start()
    try:
        n = sum(1 for _ in read_medline(path))
        return tracemalloc.get_traced_memory()[1] if n else 0
    finally:
        tracemalloc.stop()


def test_medline_memory_stays_flat_as_the_file_grows(tmp_path: Path) -> None:
    abstract = "Aspirin inhibits COX-2 in platelets. " * 20
    small = _write(tmp_path / "small.xml", "".join(_citation(i, abstract) for i in range(200)))
    large = _write(tmp_path / "large.xml", "".join(_citation(i, abstract) for i in range(4000)))
    assert large.stat().st_size > 15 * small.stat().st_size
    assert _peak_while_reading(large) < 2 * _peak_while_reading(small)  # records are cleared once read


def test_medline_metadata_travels_with_document_json() -> None:
    doc = next(iter(read_medline(BASELINE)))
    assert isinstance(doc, Document)
    back = Document.from_json(json.loads(json.dumps(doc.to_json())))
    assert back == doc and json.dumps(dict(back.meta)) == json.dumps(dict(doc.meta))  # tuples come back as lists
    assert "meta" not in Document("x", "text").to_json()  # files without metadata read and write as before
    with pytest.raises(TypeError, match="read-only"):
        doc.meta["year"] = 2000  # type: ignore[index]
