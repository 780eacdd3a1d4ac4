from __future__ import annotations

import gzip
import io
import logging
import tarfile
from pathlib import Path

import pytest

from relnet.corpus.jats import read_jats
from relnet.corpus.xmlio import section_at
from relnet.errors import InputError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ARTICLE = FIXTURES / "PMC7000001.nxml"


def _article(pmcid: str, body: str = "<p>Imatinib inhibits ABL1.</p>") -> str:
    ids = f'<article-id pub-id-type="pmc">{pmcid}</article-id>' if pmcid else ""
    return (
        f"<article><front><article-meta>{ids}<title-group><article-title>Article {pmcid}</article-title>"
        f"</title-group></article-meta></front><body><sec><title>Results</title>{body}</sec></body></article>"
    )


def test_jats_reads_title_abstract_and_body_with_their_sections() -> None:
    (doc,) = read_jats(ARTICLE)
    title = "Imatinib binds ABL1 in a DFG-out conformation"
    assert (doc.id, doc.title_end, doc.source) == ("PMC7000001", len(title), "jats")
    paragraphs = [
        "Background", "Imatinib inhibits ABL1.", "Results", "Dasatinib also inhibits SRC and Kd values fell.",
        "Introduction", "Kinase inhibitors such as imatinib target ABL1 [1].", "Results", "Binding assays",
        "Imatinib bound ABL1 with a Kd of 10 nM (Fig. 1).", "Nilotinib is weaker. It inhibits BCR-ABL1.",
        "Ponatinib inhibits T315I ABL1.",
    ]  # fmt: skip
    # the graphical abstract, the figure and its caption, the table, the acknowledgements and references are left out
    assert doc.text == title + "\t" + "\n\n".join(paragraphs)
    assert {k: v for k, v in doc.meta.items() if k != "passages"} == {
        "pmcid": "PMC7000001", "pmid": "32000001", "doi": "10.1038/s41467-020-00001-1",
        "journal": "Nature Communications", "year": 2020,
    }  # fmt: skip
    passages = doc.meta["passages"]
    assert [section for _, section in passages] == [
        "Title", "Abstract / Background", "Abstract / Background", "Abstract / Results", "Abstract / Results",
        "Introduction", "Introduction", "Results", "Results / Binding assays", "Results / Binding assays",
        "Results / Binding assays", "Results / Binding assays",
    ]  # fmt: skip
    assert [doc.text[offset:].split("\n\n")[0] for offset, _ in passages[1:]] == paragraphs
    # a relation's sentence is traced to its section
    assert section_at(doc, doc.text.index("Nilotinib")) == "Results / Binding assays"
    assert section_at(doc, doc.text.index("Dasatinib")) == "Abstract / Results"
    assert section_at(doc, 3) == "Title"


def test_jats_efetch_article_set_folder_and_oa_package(tmp_path: Path) -> None:
    articleset = f"<pmc-articleset>{_article('PMC1')}{_article('2')}</pmc-articleset>"
    (tmp_path / "efetch.xml").write_text(articleset)
    assert [d.id for d in read_jats(tmp_path / "efetch.xml")] == ["PMC1", "PMC2"]  # a bare number is a PMCID

    folder = tmp_path / "PMC000xxxxxx"
    folder.mkdir()
    (folder / "b.nxml").write_text(_article(""))  # no id: the file's name
    (folder / "a.nxml.gz").write_bytes(gzip.compress(ARTICLE.read_bytes()))
    assert [d.id for d in read_jats(folder)] == ["PMC7000001", "b"]

    package = tmp_path / "oa_comm_xml.PMC000xxxxxx.baseline.tar.gz"
    with tarfile.open(package, "w:gz") as tar:
        for name in ("b.nxml", "a.nxml.gz"):
            tar.add(folder / name, arcname=f"PMC000xxxxxx/{name}")
        info = tarfile.TarInfo("PMC000xxxxxx/readme.txt")
        tar.addfile(info, io.BytesIO(b""))
    assert [d.id for d in read_jats(package)] == ["b", "PMC7000001"]  # archive order


def test_jats_reads_a_binary_stream() -> None:
    with ARTICLE.open("rb") as f:
        (doc,) = read_jats(f)
    assert doc.id == "PMC7000001"


def test_jats_article_without_text_is_skipped_counted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "set.xml"
    path.write_text(f"<pmc-articleset><article><front/></article>{_article('PMC3')}</pmc-articleset>")
    with caplog.at_level(logging.WARNING, logger="relnet"):
        assert [d.id for d in read_jats(path)] == ["PMC3"]
    assert "skipped 1 articles without title or text" in caplog.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.nxml", _article("PMC1").replace("</sec>", ""), "malformed XML: mismatched tag"),
        ("empty.nxml", b"", "empty or not XML"),
        ("truncated.nxml.gz", gzip.compress(_article("PMC1", "<p>x</p>" * 5000).encode())[:-20], "ends too early"),
        ("medline.xml", "<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>", "not JATS XML"),
        ("broken.tar.gz", gzip.compress(b"not a tar archive" * 100), "not a readable tar archive"),
    ],
)
def test_jats_bad_input_is_an_input_error_naming_the_file(
    tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(InputError) as err:
        list(read_jats(path))
    assert str(path) in str(err.value) and message in str(err.value)


def test_jats_missing_input_fails_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_jats(tmp_path / "PMC1.nxml")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .nxml or .xml files"):
        read_jats(tmp_path / "empty")
