from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnet.data import CHEMICAL, GENE
from relnet.errors import InputError

pytest.importorskip("bioc")

from relnet.corpus.bioc_io import read_bioc  # noqa: E402

TITLE = "Aspirin inhibits COX-2."
ABSTRACT = "Gefitinib blocks EGFR."

XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE collection SYSTEM "BioC.dtd">
<collection><source>test</source><date>2024</date><key>key</key>
<document><id>111</id>
<passage><infon key="type">title</infon><offset>0</offset><text>{TITLE}</text>
<annotation id="1"><infon key="type">Chemical</infon><location offset="0" length="7"/><text>Aspirin</text></annotation>
<annotation id="2"><infon key="type">Gene</infon><location offset="17" length="5"/><text>COX-2</text></annotation>
</passage>
<passage><infon key="type">abstract</infon><offset>{len(TITLE) + 1}</offset><text>{ABSTRACT}</text>
<annotation id="3"><infon key="type">Disease</infon><location offset="24" length="9"/><text>Gefitinib</text>
</annotation>
<annotation id="4"><infon key="type">Gene</infon><location offset="41" length="4"/><text>EGFR</text></annotation>
</passage></document>
</collection>
"""


def _json() -> str:
    def ann(i: str, t: str, off: int, text: str) -> dict:
        return {"id": i, "infons": {"type": t}, "text": text, "locations": [{"offset": off, "length": len(text)}]}

    passages = [
        {"infons": {"type": "title"}, "offset": 0, "text": TITLE, "sentences": [], "relations": [],
         "annotations": [ann("1", "Chemical", 0, "Aspirin"), ann("2", "Gene", 17, "COX-2")]},
        {"infons": {"type": "abstract"}, "offset": len(TITLE) + 1, "text": ABSTRACT, "sentences": [], "relations": [],
         "annotations": [ann("3", "Disease", 24, "Gefitinib"), ann("4", "Gene", 41, "EGFR")]},
    ]  # fmt: skip
    doc = {"id": "111", "infons": {}, "passages": passages, "relations": [], "annotations": []}
    return json.dumps({"source": "test", "date": "2024", "key": "key", "infons": {}, "documents": [doc]})


@pytest.mark.parametrize("suffix", [".xml", ".json"])
def test_bioc_io_reads_xml_and_json(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"in{suffix}"
    path.write_text(XML if suffix == ".xml" else _json())
    (doc,) = read_bioc(path)
    assert doc.id == "111" and doc.text == f"{TITLE} {ABSTRACT}" and doc.title_end == len(TITLE)
    assert [(m.text, m.kind) for m in doc.mentions] == [("Aspirin", CHEMICAL), ("COX-2", GENE), ("EGFR", GENE)]


def test_bioc_io_malformed_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text("<collection><document>")
    with pytest.raises(InputError) as err:
        list(read_bioc(path))  # documents are read lazily: the error comes when the bad part is reached
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('<location offset="17" length="5"/>', '<location offset="-5" length="5"/>', "annotation 2 at -5–0 is outside"),
        ('<location offset="17" length="5"/>', '<location offset="17" length="0"/>', "at 17–17 is outside"),
        ('<location offset="41" length="4"/>', '<location offset="99" length="4"/>', "at 99–103 is outside the text"),
        ("<id>111</id>", "<id> </id>", "a document without an id"),
    ],
)
def test_bioc_xml_offsets_outside_the_text_are_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "in.xml"
    assert old in XML
    path.write_text(XML.replace(old, new))
    with pytest.raises(InputError, match=message):
        list(read_bioc(path))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["passages"][1].update(offset="24"), "passage offset '24' is not a number"),
        (lambda d: d["passages"][1].update(offset=24.5), "passage offset 24.5 is not a number"),
        (
            lambda d: d["passages"][0]["annotations"][0]["locations"][0].update(offset="x"),
            r"annotation 1 at 'x'\+7: not numbers",
        ),
    ],
)
def test_bioc_json_offsets_of_the_wrong_type_are_errors(tmp_path: Path, change, message: str) -> None:
    collection = json.loads(_json())
    change(collection["documents"][0])
    path = tmp_path / "in.json"
    path.write_text(json.dumps(collection))
    with pytest.raises(InputError, match=message):
        list(read_bioc(path))


def test_bioc_documents_without_text_or_repeated_are_counted(tmp_path: Path, caplog) -> None:
    empty = "<document><id>222</id><passage><offset>0</offset><text></text></passage></document>"
    path = tmp_path / "in.xml"
    body = XML.split("<document>", 1)[1].split("</collection>")[0]
    path.write_text(XML.replace("</collection>", empty + "<document>" + body + "</collection>"))
    assert [d.id for d in read_bioc(path)] == ["111"]
    assert "skipped 1 documents without text (first at document 222)" in caplog.text
    assert "skipped 1 documents whose id came before (the first kept) (first at document 111)" in caplog.text


def test_bioc_a_collection_of_only_skipped_documents_is_an_error(tmp_path: Path) -> None:
    empty = "<document><id>{}</id><passage><offset>0</offset><text></text></passage></document>"
    path = tmp_path / "in.xml"
    path.write_text(f"<collection><source>s</source>{empty.format(1)}{empty.format(2)}</collection>")
    with pytest.raises(InputError, match="holds no documents"):
        list(read_bioc(path))
