"""relnet/evaluation/spans.py: the TSV of wrong and missed spans."""

from __future__ import annotations

from pathlib import Path

from relnet.data import Document
from relnet.evaluation.spans import write_span_errors


def test_spans_write_errors_tsv(tmp_path: Path) -> None:
    pad = "x" * 50
    doc = Document("d", f"Aspirin inhibits COX-2 here and there {pad} end")
    gold = [("d", 0, 7, "CHEMICAL"), ("d", 17, 22, "GENE"), ("d", 32, 37, "GENE")]
    predicted = [("d", 0, 7, "CHEMICAL"), ("d", 17, 20, "GENE"), ("d", 23, 27, "GENE")]
    assert write_span_errors(tmp_path / "errors.tsv", [doc], gold, predicted) == 3  # the exact match is not a row
    header, *rows = [line.split("\t") for line in (tmp_path / "errors.tsv").read_text().splitlines()]
    assert header[:8] == ["doc_id", "category", "side", "type", "start", "end", "text", "overlaps"]
    assert [r[:8] for r in rows] == [
        ["d", "boundary", "predicted", "GENE", "17", "20", "COX", "GENE:COX-2"],
        ["d", "spurious", "predicted", "GENE", "23", "27", "here", ""],
        ["d", "missed", "gold", "GENE", "32", "37", "there", ""],
    ]
    assert rows[0][8] == f"Aspirin inhibits COX-2 here and there {pad[:22]}"  # 40 characters after the span
