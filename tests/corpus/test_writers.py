from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relnet.cli import app
from relnet.corpus.chemprot import read_chemprot
from relnet.corpus.pubtator import read_pubtator
from relnet.corpus.writers import pubtator_lines, write_documents
from relnet.data import CHEMICAL, GENE, Document, Mention, Relation
from relnet.store import RelationStore
from tests.conftest import CHEMPROT, needs_shared

pytest.importorskip("bioc")

from relnet.corpus.bioc_io import read_bioc  # noqa: E402

TITLE = "Aspirin (ASA) inhibits COX-2."
ABSTRACT = "Gefitinib blocks EGFR & ERBB1 <strongly>; aspirin does not."


def _mention(text: str, i: int, surface: str, kind: str, subtype: str, concept: str = "", after: int = 0) -> Mention:
    start = text.index(surface, after)
    return Mention(f"T{i}", start, start + len(surface), surface, kind, subtype, concept)


def hand_documents() -> list[Document]:
    """A PubMed-like document with concept ids and scored relations, and a plain text one without a title."""
    text = f"{TITLE} {ABSTRACT}"
    mentions = (
        _mention(text, 1, "Aspirin", CHEMICAL, "Chemical", "MESH:D001241"),
        _mention(text, 2, "ASA", CHEMICAL, "Chemical", "MESH:D001241"),
        _mention(text, 3, "COX-2", GENE, "GeneOrGeneProduct", "5743"),
        _mention(text, 4, "Gefitinib", CHEMICAL, "Chemical"),
        _mention(text, 5, "EGFR", GENE, "Gene"),
        _mention(text, 6, "ERBB1", GENE, "Gene"),
        _mention(text, 7, "aspirin", CHEMICAL, "Chemical", "MESH:D001241"),
    )
    relations = (
        Relation("111", "T2", "T3", "CPR:4", "CPR:4", score=0.875),  # concept ids: the closest pair (ASA, COX-2)
        Relation("111", "T4", "T5", "INHIBITOR", "CPR:4", evaluated=False, score=0.1 + 0.2),
        Relation("111", "T4", "T6", "ANTAGONIST", "CPR:6"),
    )
    first = Document("111", text, mentions, relations, title_end=len(TITLE), source="test")
    plain = "Metformin activates\nAMPK."
    mentions = (_mention(plain, 1, "Metformin", CHEMICAL, "Chemical"), _mention(plain, 2, "AMPK", GENE, "Gene"))
    second = Document("note-2", plain, mentions, (Relation("note-2", "T1", "T2", "CPR:3", "CPR:3", score=0.5),))
    return [first, replace(second, source="test")]


def test_writers_bioc_round_trip_keeps_documents_mentions_and_relations(tmp_path: Path) -> None:
    docs = hand_documents()
    assert write_documents(docs, tmp_path / "out.xml", "bioc") == 2
    assert list(read_bioc(tmp_path / "out.xml", source="test")) == docs


def test_writers_pubtator_round_trip_keeps_mentions_and_relations_not_scores(tmp_path: Path) -> None:
    docs = hand_documents()
    assert write_documents(docs, tmp_path / "out.pubtator", "pubtator") == 2
    first, second = read_pubtator(tmp_path / "out.pubtator", source="test")
    assert first.title_end == len(TITLE)
    assert first == replace(docs[0], relations=tuple(replace(r, score=None, evaluated=True) for r in docs[0].relations))
    # one line per text: the line break becomes a space, and without a title the whole text is the title line
    plain = docs[1].text.replace("\n", " ")
    assert second.text == plain and second.title_end == len(plain)
    assert second.mentions == docs[1].mentions
    assert second.relations == (Relation("note-2", "T1", "T2", "CPR:3", "CPR:3"),)


def test_writers_pubtator_relation_lines_name_concepts_where_mentions_have_them() -> None:
    doc = hand_documents()[0]
    far = Relation("111", "T7", "T3", "CPR:4", "CPR:4")  # aspirin → COX-2: the same concepts, one line
    lines = pubtator_lines(doc.with_annotations(relations=(*doc.relations, far)))
    assert lines[:3] == [f"111|t|{TITLE}", f"111|a|{ABSTRACT}", "111\t0\t7\tAspirin\tChemical\tMESH:D001241"]
    assert "111\t23\t28\tCOX-2\tGeneOrGeneProduct\t5743" in lines and "111\t30\t39\tGefitinib\tChemical\t-" in lines
    assert lines[-3:] == ["111\tCPR:4\tMESH:D001241\t5743", "111\tINHIBITOR\tT4\tT5", "111\tANTAGONIST\tT4\tT6"]


@needs_shared
@pytest.mark.parametrize(("fmt", "reader"), [("bioc", read_bioc), ("pubtator", read_pubtator)])
def test_writers_chemprot_development_round_trip(tmp_path: Path, fmt: str, reader) -> None:
    docs = read_chemprot(CHEMPROT / "development")[:40]
    write_documents(docs, tmp_path / "out", fmt)
    again = list(reader(tmp_path / "out"))

    def spans(d: Document) -> tuple:
        index = d.mention_index()
        mentions = sorted((m.start, m.end, m.text, m.kind) for m in d.mentions)
        relations = sorted(
            ((index[r.arg1].start, index[r.arg1].end), (index[r.arg2].start, index[r.arg2].end), r.label, r.group)
            for r in d.relations
        )
        return d.id, d.text.replace("\t", " "), d.title_end, mentions, relations  # the separator becomes a space

    assert [spans(d) for d in again] == [spans(d) for d in docs]
    assert sum(len(d.relations) for d in again) > 100


def test_writers_store_export_command(tmp_path: Path) -> None:
    docs = hand_documents()
    with RelationStore(tmp_path / "s.sqlite") as store:
        store.add_batch([(d, d.relations) for d in docs], model_id="m")
    runner = CliRunner()
    for fmt, reader in (("bioc", read_bioc), ("pubtator", read_pubtator)):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(app, ["store", "export", str(tmp_path / "s.sqlite"), str(out), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "2 documents" in result.output
        got = {d.id: d for d in reader(out)}
        # the store keeps neither titles nor subtypes; mentions, concept ids and relations come back
        assert [(m.start, m.end, m.kind, m.concept) for m in got["111"].mentions] == [
            (m.start, m.end, m.kind, m.concept) for m in docs[0].mentions
        ]
        labels = [(r.arg1, r.arg2, r.label, r.group) for r in got["111"].relations]
        assert sorted(labels) == sorted((r.arg1, r.arg2, r.label, r.group) for r in docs[0].relations)
    bad = runner.invoke(app, ["store", "export", str(tmp_path / "s.sqlite"), str(tmp_path / "x"), "--format", "csv"])
    assert bad.exit_code == 2 and "unknown format 'csv'" in bad.output
