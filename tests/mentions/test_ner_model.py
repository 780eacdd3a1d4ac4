from __future__ import annotations

from pathlib import Path

import pytest

from relnet.corpus import read_documents
from relnet.evaluation.spans import span_scores
from relnet.mentions.ner_model import TransformerTagger, Window, bio_labels, decode, encode_document
from relnet.training.ner import NerConfig, train_ner


def test_ner_bio_encoding_round_trips_gold_mentions(split_dir: Path) -> None:
    from transformers import AutoTokenizer

    from relnet.model.encoder import resolve_encoder

    tok = AutoTokenizer.from_pretrained(resolve_encoder("default"))
    labels = bio_labels(["CHEMICAL", "GENE"])
    label2id = {t: i for i, t in enumerate(labels)}
    kind_of = {"GENE-Y": "GENE", "GENE-N": "GENE"}
    for doc in read_documents(split_dir):
        spans = set()
        for w in encode_document(doc, tok, label2id, 64, kind_of):
            spans |= set(decode(w, [labels[i] if i >= 0 else "O" for i in w.labels]))
        gold = {(m.start, m.end, "CHEMICAL" if m.kind == "CHEMICAL" else "GENE") for m in doc.mentions}
        assert spans == gold


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["O", "B-GENE", "I-GENE", "O"], [(0, 9, "GENE")]),
        (["O", "I-GENE", "B-CHEMICAL", "O"], [(0, 4, "GENE"), (5, 9, "CHEMICAL")]),
        (["O", "B-GENE", "B-GENE", "O"], [(0, 4, "GENE"), (5, 9, "GENE")]),
    ],
)
def test_ner_decode_bio(tags: list[str], expected: list[tuple[int, int, str]]) -> None:
    w = Window("d", [101, 1, 2, 102], [(0, 0), (0, 4), (5, 9), (0, 0)])
    assert decode(w, tags) == expected


def test_ner_span_scores_strict() -> None:
    gold = [("d", 0, 4, "GENE"), ("d", 5, 9, "CHEMICAL")]
    s = span_scores(gold, [("d", 0, 4, "GENE"), ("d", 5, 8, "CHEMICAL")])
    assert s["micro"]["precision"] == 0.5 and s["GENE"]["f1"] == 1.0 and s["CHEMICAL"]["f1"] == 0.0


def test_ner_train_save_load_tag(tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path) -> None:
    config = NerConfig(train=str(split_dir), dev=str(dev_dir), output_dir=str(tmp_path / "ner"),
                       encoder=str(tiny_encoder), epochs=2, batch_size=4, lr=5e-3, max_length=64)  # fmt: skip
    result = train_ner(config)
    assert (tmp_path / "ner/best/relnet_ner.json").is_file() and 0 <= result["micro_f1"] <= 1
    tagger = TransformerTagger.load(tmp_path / "ner/best")
    doc = read_documents(dev_dir)[0]
    tagged = tagger.tag(doc.with_annotations((), ()))
    assert all(tagged.text[m.start : m.end] == m.text and m.kind in ("CHEMICAL", "GENE") for m in tagged.mentions)
    fast = tagger.quantized()
    assert fast.model is not tagger.model and fast.labels == tagger.labels
    int8_tagged = fast.tag(doc.with_annotations((), ()))
    assert all(int8_tagged.text[m.start : m.end] == m.text for m in int8_tagged.mentions)
