"""Self-training data: `relnet pseudo-label` on abstracts the tests write, a tiny teacher, the lexicon tagger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from relnet.cli import app
from relnet.corpus.abstracts_tsv import read_abstracts_tsv
from relnet.corpus.jsonl import read_documents_jsonl
from relnet.data import CHEMICAL, GENE, Document, Example, Mention, Span
from relnet.errors import RelnetError
from relnet.examples.candidates import make_examples
from relnet.examples.dataset import load_examples
from relnet.examples.labels import get_scheme
from relnet.mentions import get_tagger
from relnet.model.classifier import RelationClassifier
from relnet.text.sentences import split_sentences
from relnet.training.config import TrainConfig
from relnet.training.run import run_training
from relnet.workflows.ensemble import Ensemble
from relnet.workflows.pseudo_label import (
    PseudoPair,
    PseudoStats,
    balance,
    blank_long_sentences,
    pseudo_label,
    pseudo_label_to_folder,
    select,
    to_document,
)

ROWS = [  # SOURCE, PMID, TITLE, ABSTRACT: the unlabeled corpus's layout
    ("chemprot", "3001", "Aspirin and COX-2.", "Aspirin inhibits COX-2 in platelets. Gefitinib blocks EGFR."),
    ("bc5cdr", "3002", "Metformin.", "Metformin is taken up by OCT1. Caffeine and EGFR were unrelated."),
    ("chemprot", "2001", "A dev abstract.", "Gefitinib is an antagonist of EGFR."),  # in the dev split: excluded
]


@pytest.fixture
def abstracts(tmp_path: Path) -> Path:
    path = tmp_path / "abstracts.tsv"
    path.write_text("".join("\t".join(row) + "\n" for row in ROWS))
    return path


def _train(out: Path, train: Path, dev: Path, encoder: Path, scheme: str = "cpr") -> str:
    config = TrainConfig(train=str(train), dev=str(dev), output_dir=str(out), encoder=str(encoder), scheme=scheme,
                         max_length=64, batch_size=4, epochs=1, lr=1e-3, seed=7)  # fmt: skip
    run_training(config)
    return str(out / "best")


def _example(doc: str, label: str = "") -> Example:
    return Example(doc, "Aspirin inhibits COX-2.", Span(0, 7), Span(17, 22), label, head_id="T1", tail_id="T2")


def test_select_keeps_confident_pairs() -> None:
    labels = list(get_scheme("cpr").labels)
    examples = [_example(str(i)) for i in range(3)]
    probs = torch.tensor([[0.05, 0.0, 0.95, 0, 0, 0], [0.5, 0.5, 0, 0, 0, 0], [0.92, 0.08, 0, 0, 0, 0]])
    stats = PseudoStats()
    kept = select(examples, probs, labels, 0.9, stats=stats)
    assert [(p.example.doc_id, p.label) for p in kept] == [("0", "CPR:4"), ("2", "false")]
    assert stats.below_confidence == 1 and kept[0].confidence == pytest.approx(0.95)


def test_balance_caps_each_class_with_a_seed() -> None:
    pairs = [PseudoPair(_example(str(i)), "false" if i % 4 else "CPR:4", 0.95) for i in range(40)]
    stats = PseudoStats()
    capped = balance(pairs, 5, seed=1, stats=stats)
    assert sorted(p.label for p in capped).count("false") == 5 and [p.label for p in capped].count("CPR:4") == 5
    assert stats.capped == 30 and capped == balance(pairs, 5, seed=1)
    assert balance(pairs, 0, seed=1) == pairs


def test_balance_caps_the_negative_class_at_a_ratio_of_the_relations() -> None:
    labels = ["false"] * 30 + ["CPR:4"] * 8 + ["CPR:3"] * 2
    pairs = [PseudoPair(_example(str(i)), label, 0.95) for i, label in enumerate(labels)]
    stats = PseudoStats()
    kept = [p.label for p in balance(pairs, 5, seed=1, stats=stats, negative="false", negative_ratio=1.5)]
    # relations capped per label (5 + 2 = 7), `false` at 1.5 × 7 ≈ 10 instead of the per-label cap of 5
    assert (kept.count("CPR:4"), kept.count("CPR:3"), kept.count("false")) == (5, 2, 10) and stats.capped == 23
    few = [p.label for p in balance(pairs[25:], 0, seed=1, negative="false", negative_ratio=3)]
    assert few.count("false") == 5 and len(few) == 15  # under the cap: every `false` pair stays
    assert balance(pairs, 5, seed=1, negative="false") == balance(pairs, 5, seed=1)  # ratio 0: a cap per label


def test_to_document_round_trips_to_one_example_with_the_label() -> None:
    for label, scheme in (("CPR:4", "cpr"), ("false", "cpr"), ("INHIBITOR", "fine")):
        doc = to_document(PseudoPair(_example("9"), label, 0.97), get_scheme(scheme))
        assert [m.text for m in doc.mentions] == ["Aspirin", "COX-2"] and doc.id == "9"
        examples = make_examples(doc, get_scheme(scheme))
        if scheme == "fine" or label != "false":
            assert [e.label for e in examples] == [label]
        else:
            assert [e.label for e in examples] == ["false"] and doc.relations == ()


def test_pseudo_label_end_to_end_feeds_training(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, abstracts: Path
) -> None:
    teacher = _train(tmp_path / "teacher", split_dir, dev_dir, tiny_encoder)
    out = tmp_path / "pseudo"
    result = CliRunner().invoke(app, ["pseudo-label", str(abstracts), "--output", str(out), "--teacher", teacher,
                                      "--exclude", str(dev_dir), "--min-confidence", "0.01", "--tagger", "lexicon",
                                      "--lexicon-from", str(split_dir), "--backend", "fp32"])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads((out / "pseudo.json").read_text())
    assert report["documents_read"] == 3 and report["documents_excluded"] == 1
    docs = read_documents_jsonl(out)
    # every within-sentence chemical–gene pair of 3001 and 3002 the lexicon finds, each kept at confidence ≥ 0.01
    assert report["candidates"] == len(docs) == sum(report["kept"].values()) >= 3
    assert {d.id for d in docs} == {"3001", "3002"} and all(len(d.mentions) == 2 for d in docs)
    # the yield by source corpus: documents labelled (the excluded dev one not counted) and pairs kept
    assert report["documents_by_source"] == {"chemprot": 1, "bc5cdr": 1}
    per_doc = {"chemprot": sum(d.id == "3001" for d in docs), "bc5cdr": sum(d.id == "3002" for d in docs)}
    assert report["kept_by_source"] == {k: v for k, v in per_doc.items() if v} and per_doc["chemprot"] > 0
    assert "by source" in (out / "pseudo.txt").read_text() and "per 1k docs" in result.output
    examples, _ = load_examples(out, get_scheme("cpr"))
    assert len(examples) == len(docs)
    # the corpus trains: as extra data its pairs are counted, and its PMIDs recorded
    config = TrainConfig(train=str(split_dir), dev=str(dev_dir), output_dir=str(tmp_path / "student"),
                         encoder=str(tiny_encoder), max_length=64, batch_size=4, epochs=1, lr=1e-3, seed=7,
                         extra_train=[str(out)], teacher=[teacher])  # fmt: skip
    student = run_training(config)
    base = json.loads((tmp_path / "teacher/summary.json").read_text())["train_examples"]
    assert student["train_examples"] == base + len(docs)
    meta = json.loads((tmp_path / "student/best/relnet_model.json").read_text())
    assert {"3001", "3002"} <= set(meta["trained_on"])
    # nothing clears a threshold of 1 (a softmax of a trained model is never exactly 1 for these pairs)
    strict = CliRunner().invoke(app, ["pseudo-label", str(abstracts), "--output", str(tmp_path / "none"),
                                      "--teacher", teacher, "--min-confidence", "1", "--tagger", "lexicon",
                                      "--lexicon-from", str(split_dir), "--max-docs", "1"])  # fmt: skip
    assert strict.exit_code == 0, strict.output
    none = json.loads((tmp_path / "none/pseudo.json").read_text())
    assert none["documents_read"] == 1 and none["kept"] == {} and none["below_confidence"] == none["candidates"] > 0
    # a sentence over --max-sentence-chars never reaches the teacher: 36- and 33-character sentences go, 22 and 30 stay
    short = CliRunner().invoke(app, ["pseudo-label", str(abstracts), "--output", str(tmp_path / "short"),
                                     "--teacher", teacher, "--min-confidence", "0.01", "--tagger", "lexicon",
                                     "--lexicon-from", str(split_dir), "--max-sentence-chars", "30"])  # fmt: skip
    assert short.exit_code == 0, short.output
    cut = json.loads((tmp_path / "short/pseudo.json").read_text())
    kept = read_documents_jsonl(tmp_path / "short")
    assert 0 < cut["too_long"] < cut["candidates"] and sum(cut["kept"].values()) == cut["candidates"] - cut["too_long"]
    assert kept and all(len(d.text) <= 30 for d in kept) and cut["settings"]["max_sentence_chars"] == 30
    assert report["too_long"] == 0 and report["settings"]["max_sentence_chars"] == 1200
    assert report["settings"]["negative_ratio"] == 0
    bad = CliRunner().invoke(app, ["pseudo-label", str(abstracts), "--output", str(tmp_path / "bad"), "--teacher",
                                   teacher, "--max-sentence-chars", "-1", "--tagger", "lexicon",
                                   "--lexicon-from", str(split_dir)])  # fmt: skip
    assert bad.exit_code == 2 and "--max-sentence-chars must be ≥ 0" in bad.output
    ratio = CliRunner().invoke(app, ["pseudo-label", str(abstracts), "--output", str(tmp_path / "ratio"), "--teacher",
                                     teacher, "--negative-ratio", "-0.5", "--tagger", "lexicon",
                                     "--lexicon-from", str(split_dir)])  # fmt: skip
    assert ratio.exit_code == 2 and "--negative-ratio must be ≥ 0" in ratio.output


def test_pseudo_label_resumes_from_the_pair_probability_cache(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, abstracts: Path, monkeypatch
) -> None:
    """A run stopped after the first document (--max-docs 1, as a kill would stop it) left its scores in the
    cache: the full run predicts only the rest, and writes what a run without the cache writes. (One document per
    batch, so that the first run's calls are the full run's first: a call is read back whole or predicted whole.)"""
    from relnet.workflows import pseudo_label as workflow

    teacher = _train(tmp_path / "teacher", split_dir, dev_dir, tiny_encoder)
    batches = workflow.document_batches
    monkeypatch.setattr(workflow, "document_batches", lambda docs, exclude, max_docs, batch_docs, stats, bar:
                        batches(docs, exclude, max_docs, 1, stats, bar))  # fmt: skip

    def run(out: str, *extra: str):
        result = CliRunner().invoke(app, ["pseudo-label", str(abstracts), "--output", str(tmp_path / out),
                                          "--teacher", teacher, "--exclude", str(dev_dir), "--min-confidence", "0.01",
                                          "--tagger", "lexicon", "--lexicon-from", str(split_dir), "--backend", "fp32",
                                          *extra])  # fmt: skip
        assert result.exit_code == 0, result.output
        return json.loads((tmp_path / out / "pseudo.json").read_text()), (tmp_path / out / "documents.jsonl")

    plain, plain_docs = run("plain", "--no-cache")
    assert plain["scores_reused"] == 0 and not list(tmp_path.glob("relnet-home/pair-probs/*"))
    first, _ = run("first", "--max-docs", "1")
    assert first["scores_reused"] == 0 and first["candidates"] > 0
    predicted = []
    real = RelationClassifier.predict_proba
    monkeypatch.setattr(RelationClassifier, "predict_proba",
                        lambda self, exs, *a, **k: predicted.append(len(exs)) or real(self, exs, *a, **k))  # fmt: skip
    full, full_docs = run("full")
    assert full["scores_reused"] == first["candidates"]
    assert sum(predicted) == plain["candidates"] - first["candidates"] > 0
    assert full_docs.read_text() == plain_docs.read_text()
    assert {k: v for k, v in full.items() if k != "scores_reused"} == {
        k: v for k, v in plain.items() if k != "scores_reused"
    }
    predicted.clear()
    again, _ = run("again", "--min-confidence", "0.5")  # another threshold: nothing predicted at all
    assert predicted == [] and again["scores_reused"] == plain["candidates"]


def test_fine_teacher_needs_a_cpr_gate(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, abstracts: Path
) -> None:
    fine = _train(tmp_path / "fine", split_dir, dev_dir, tiny_encoder, scheme="fine")
    tagger = get_tagger("lexicon", lexicon_from=split_dir)
    teacher = Ensemble([RelationClassifier.load(fine)])
    with pytest.raises(RelnetError, match="no negative class"):
        pseudo_label(read_abstracts_tsv(abstracts), tagger, teacher)
    with pytest.raises(RelnetError, match="gate must have a negative class"):
        pseudo_label(read_abstracts_tsv(abstracts), tagger, teacher, RelationClassifier.load(fine))
    with pytest.raises(RelnetError, match="--negative-ratio needs a scheme with a negative class"):
        pseudo_label_to_folder([abstracts], tmp_path / "ratio", [fine], tagger, negative_ratio=1.6)
    gate = RelationClassifier.load(_train(tmp_path / "gate", split_dir, dev_dir, tiny_encoder))
    pairs, stats = pseudo_label(read_abstracts_tsv(abstracts), tagger, teacher, gate, min_confidence=0.0)
    assert stats.candidates == len(pairs) > 0 and all(p.label in get_scheme("fine").labels for p in pairs)
    pairs, stats = pseudo_label(read_abstracts_tsv(abstracts), tagger, teacher, gate, min_confidence=0.999)
    assert stats.gated_out + stats.below_confidence == stats.candidates and stats.gated_out > 0


def test_pseudo_tag_writes_the_teachers_mentions_and_trains_a_tagger(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, abstracts: Path
) -> None:
    from relnet.training.config import NerConfig
    from relnet.training.ner import train_ner

    out = tmp_path / "tagged"
    result = CliRunner().invoke(app, ["pseudo-tag", str(abstracts), "--output", str(out), "--tagger", "lexicon",
                                      "--lexicon-from", str(split_dir), "--exclude", str(dev_dir)])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads((out / "pseudo.json").read_text())
    assert report["documents_read"] == 3 and report["documents_excluded"] == 1 and report["documents_written"] == 2
    docs = read_documents_jsonl(out)
    lexicon = get_tagger("lexicon", lexicon_from=split_dir)
    expected = {
        d.id: {(m.start, m.end, m.kind) for m in lexicon.tag(d).mentions} for d in read_abstracts_tsv(abstracts)
    }
    assert {d.id: {(m.start, m.end, m.kind) for m in d.mentions} for d in docs} == {
        k: expected[k] for k in ("3001", "3002")
    }
    assert sum(report["mentions"].values()) == sum(len(d.mentions) for d in docs) > 0
    assert all(d.relations == () and d.source == "pseudo-ner" for d in docs)
    # the corpus trains a tagger: its documents become training windows and their PMIDs are recorded
    config = NerConfig(train=str(split_dir), dev=str(dev_dir), output_dir=str(tmp_path / "ner"),
                       encoder=str(tiny_encoder), epochs=1, batch_size=2, max_length=64,
                       extra_train=[str(out)])  # fmt: skip
    train_ner(config)
    trained_on = json.loads((tmp_path / "ner/best/relnet_ner.json").read_text())["trained_on"]
    assert {"3001", "3002"} <= set(trained_on) and "2001" not in trained_on
    capped = CliRunner().invoke(app, ["pseudo-tag", str(abstracts), "--output", str(tmp_path / "one"), "--tagger",
                                      "lexicon", "--lexicon-from", str(split_dir), "--max-docs", "1"])  # fmt: skip
    assert capped.exit_code == 0, capped.output
    assert [d.id for d in read_documents_jsonl(tmp_path / "one")] == ["3001"]
    # sentences over --max-sentence-chars are blanked: 36 and 33 characters go, their mentions with them
    lexicon_args = ["--tagger", "lexicon", "--lexicon-from", str(split_dir)]
    short = CliRunner().invoke(app, ["pseudo-tag", str(abstracts), "--output", str(tmp_path / "short"), *lexicon_args,
                                     "--exclude", str(dev_dir), "--max-sentence-chars", "30"])  # fmt: skip
    assert short.exit_code == 0, short.output
    cut = json.loads((tmp_path / "short/pseudo.json").read_text())
    assert cut["sentences_too_long"] == 2 and cut["settings"]["max_sentence_chars"] == 30
    assert cut["mentions_too_long"] > 0 and report["sentences_too_long"] == 0
    by_id = {d.id: d for d in read_documents_jsonl(tmp_path / "short")}
    assert "Aspirin inhibits" not in by_id["3001"].text and "Gefitinib blocks EGFR." in by_id["3001"].text
    assert "Caffeine" not in by_id["3002"].text and "Metformin is taken up by OCT1." in by_id["3002"].text
    for doc in by_id.values():
        assert all(len(doc.text[s:e]) <= 30 for s, e in split_sentences(doc.text))
        assert all(doc.text[m.start : m.end] == m.text for m in doc.mentions)
    assert sum(cut["mentions"].values()) + cut["mentions_too_long"] == sum(report["mentions"].values())
    bad = CliRunner().invoke(app, ["pseudo-tag", str(abstracts), "--output", str(tmp_path / "bad"), *lexicon_args,
                                   "--max-sentence-chars", "-1"])  # fmt: skip
    assert bad.exit_code == 2 and "--max-sentence-chars must be ≥ 0" in bad.output and not (tmp_path / "bad").exists()


def test_blank_long_sentences_keeps_offsets_and_boundaries() -> None:
    text = "Aspirin inhibits COX-2 in platelets. Gefitinib blocks EGFR."
    spans = [("T1", 0, 7, CHEMICAL), ("T2", 17, 22, GENE), ("T3", 37, 46, CHEMICAL), ("T4", 54, 58, GENE)]
    doc = Document("9", text, tuple(Mention(i, s, e, text[s:e], k) for i, s, e, k in spans))
    blanked, n_long, n_dropped = blank_long_sentences(doc, 30)
    assert (n_long, n_dropped) == (1, 2) and len(blanked.text) == len(text)
    assert blanked.text == "\n" * 36 + text[36:] and [m.id for m in blanked.mentions] == ["T3", "T4"]
    assert split_sentences(blanked.text) == [(37, len(text))]
    assert blank_long_sentences(doc, 0) == (doc, 0, 0) and blank_long_sentences(doc, 36) == (doc, 0, 0)
    everything, n_long, n_dropped = blank_long_sentences(doc, 10)
    assert not everything.text.strip() and (n_long, n_dropped) == (2, 4) and everything.mentions == ()
