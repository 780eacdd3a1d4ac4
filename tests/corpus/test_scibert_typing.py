from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from relnet.corpus.pair_typing import EntityLexicon, GoldTypes, PairTyper, surface_score
from relnet.corpus.scibert import read_scibert, read_scibert_jsonl
from relnet.data import CHEMICAL, GENE, Document, Mention, Span
from tests.conftest import CHEMPROT, SHARED

LEXICON = EntityLexicon.from_names([("gefitinib", CHEMICAL), ("aspirin", CHEMICAL), ("EGFR", GENE), ("COX-2", GENE)])


def _write(tmp_path: Path, *texts: str) -> Path:
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps({"text": t, "label": "INHIBITOR", "metadata": []}) + "\n" for t in texts))
    return path


@pytest.mark.parametrize(
    ("text", "chemical", "gene"),
    [
        ("<< gefitinib >> blocks [[ EGFR ]].", "gefitinib", "EGFR"),  # chemical first
        ("<< EGFR >> is blocked by [[ gefitinib ]].", "gefitinib", "EGFR"),  # gene first
        ("<< COX-2 >> is blocked by [[ Aspirin ]].", "Aspirin", "COX-2"),  # case-insensitive lexicon
    ],
)
def test_scibert_typing_puts_chemical_at_head(tmp_path: Path, text: str, chemical: str, gene: str) -> None:
    examples, counts = read_scibert(_write(tmp_path, text), PairTyper(LEXICON))
    (ex,) = examples
    assert (ex.head_text, ex.head_kind, ex.tail_text, ex.tail_kind) == (chemical, CHEMICAL, gene, GENE)
    assert ex.meta["typed_by"] == "lexicon" and counts == {"lexicon": 1}


def test_scibert_typing_undecided_stays_entity_and_is_counted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = _write(tmp_path, "<< EGFR >> blocks [[ gefitinib ]].", "<< zz >> with [[ qq ]].")
    with caplog.at_level(logging.WARNING, logger="relnet"):
        examples, counts = read_scibert(path, PairTyper(LEXICON, strategies=("lexicon",)))
    assert counts == {"lexicon": 1, "ENTITY": 1}
    assert (examples[1].head_text, examples[1].head_kind, examples[1].tail_kind) == ("zz", "ENTITY", "ENTITY")
    assert "1 of 2 pairs left untyped" in caplog.text
    _, counts = read_scibert(_write(tmp_path, "<< Fos >> binds [[ fos ]]."), PairTyper(LEXICON))  # every strategy ties
    assert counts == {"ENTITY": 1}


def test_scibert_typing_ngram_backs_off_for_unseen_names(tmp_path: Path) -> None:
    lexicon = EntityLexicon.from_names(
        [(n, CHEMICAL) for n in ("erlotinib", "imatinib", "nilotinib")]
        + [(n, GENE) for n in ("HER2", "BCR-ABL", "KIT")]
    )
    (ex,) = read_scibert_jsonl(_write(tmp_path, "<< HER3 >> and [[ lapatinib ]]"), PairTyper(lexicon))
    assert (ex.head_text, ex.meta["typed_by"]) == ("lapatinib", "ngram")


def test_scibert_typing_surface_cues() -> None:
    assert surface_score("tyrosine kinase") < 0 < surface_score("dopamine")
    typer = PairTyper(strategies=("surface",))
    assert typer.first_is_chemical("dopamine D2 receptor", Span(0, 8), Span(9, 20)) == (True, "surface")


def test_scibert_typing_gold_from_original_layout() -> None:
    doc = Document("1", "Title.\tX binds Y.", (Mention("T1", 7, 8, "X", GENE), Mention("T2", 15, 16, "Y", CHEMICAL)))
    assert GoldTypes([doc]).first_is_chemical("X binds Y.", Span(0, 1), Span(8, 9)) is False
    assert GoldTypes([doc]).first_is_chemical("not there", Span(0, 1), Span(4, 5)) is None


@pytest.mark.slow  # reads ../shared/data
@pytest.mark.skipif(not (SHARED / "chemprot/scibert").is_dir() or not CHEMPROT.is_dir(), reason="shared corpora absent")
def test_scibert_typing_default_types_shared_dev() -> None:
    examples, counts = read_scibert(SHARED / "chemprot/scibert/dev.jsonl")
    assert len(examples) == 2427 and counts["lexicon"] > 1800 and counts["ENTITY"] == 0
    assert examples[0].head_text == "valsartan" and examples[0].tail_text == "Ang II"
