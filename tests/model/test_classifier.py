from __future__ import annotations

import logging
from pathlib import Path

import pytest
import torch

from relnet.corpus import read_documents
from relnet.examples.candidates import examples_from_documents
from relnet.examples.labels import get_scheme
from relnet.model.classifier import RelationClassifier
from relnet.model.encoder import PairEncoder


def _tiny(tiny_encoder: Path, style: str = "punct") -> RelationClassifier:
    torch.manual_seed(0)
    enc = PairEncoder.from_pretrained(str(tiny_encoder), style, max_length=64)
    return RelationClassifier(enc, list(get_scheme("cpr").labels), dropout=0.0, meta={"scheme": "cpr"})


def test_classifier_marker_indices_point_at_opening_markers(tiny_encoder: Path, split_dir: Path) -> None:
    examples = list(examples_from_documents(read_documents(split_dir), get_scheme("cpr")))
    for style, (h, t) in {"punct": ("@", "#"), "tokens": ("[CHEM]", "[GENE]")}.items():
        enc = _tiny(tiny_encoder, style).encoder
        for f in enc.tokenize(examples):
            tokens = enc.tokenizer.convert_ids_to_tokens(f.input_ids)
            assert (tokens[f.head_index], tokens[f.tail_index]) == (h, t)


def test_classifier_window_keeps_both_markers_when_truncating(tiny_encoder: Path) -> None:
    from relnet.data import Example, Span

    text = "filler " * 100 + "aspirin blocks COX-2 " + "filler " * 100
    start = text.index("aspirin")
    ex = Example("d", text, Span(start, start + 7), Span(start + 15, start + 20), "false")
    enc = _tiny(tiny_encoder).encoder
    (f,) = enc.tokenize([ex])
    tokens = enc.tokenizer.convert_ids_to_tokens(f.input_ids)
    assert len(f.input_ids) == 64 and tokens[f.head_index] == "@" and tokens[f.tail_index] == "#"


@pytest.mark.parametrize("chemical_first", [True, False])
def test_classifier_markers_further_apart_than_the_window_are_both_pooled(
    chemical_first: bool, tiny_encoder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from relnet.data import Example, Span

    words = ["aspirin", *["filler"] * 150, "COX-2"] if chemical_first else ["COX-2", *["filler"] * 150, "aspirin"]
    text = " ".join(words) + " ends here."
    chem, gene = text.index("aspirin"), text.index("COX-2")
    ex = Example("d", text, Span(chem, chem + 7), Span(gene, gene + 5), "false")
    enc = _tiny(tiny_encoder).encoder
    with caplog.at_level(logging.INFO, logger="relnet"):
        (f,) = enc.tokenize([ex])
    tokens = enc.tokenizer.convert_ids_to_tokens(f.input_ids)
    assert len(f.input_ids) == 64 and tokens[f.head_index] == "@" and tokens[f.tail_index] == "#"
    after = {i: enc.tokenizer.decode(f.input_ids[i : i + 9]) for i in (f.head_index, f.tail_index)}
    assert "aspirin" in after[f.head_index] and "cox - 2" in after[f.tail_index]  # each marker with its mention
    assert "1 of 1 pairs have markers over 62 tokens apart" in caplog.text


def test_classifier_overfits_a_handful(tiny_encoder: Path, split_dir: Path) -> None:
    examples = list(examples_from_documents(read_documents(split_dir), get_scheme("cpr")))
    model = _tiny(tiny_encoder)
    feats = model.encoder.tokenize(examples)
    batch = model.encoder.collate(feats)
    y = torch.tensor([model.label2id[e.label] for e in examples])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(60):
        loss = torch.nn.functional.cross_entropy(model(**batch), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
    assert [p.label for p in model.predict(examples)] == [e.label for e in examples]


def test_classifier_save_load_round_trip(tiny_encoder: Path, split_dir: Path, tmp_path: Path) -> None:
    examples = list(examples_from_documents(read_documents(split_dir), get_scheme("cpr")))
    model = _tiny(tiny_encoder, "tokens")
    before = model.predict_proba(examples)
    model.save(tmp_path / "m")
    loaded = RelationClassifier.load(tmp_path / "m")
    assert loaded.labels == model.labels and loaded.meta["scheme"] == "cpr"
    assert torch.allclose(before, loaded.predict_proba(examples), atol=1e-6)


def test_classifier_negative_prior_correction(tiny_encoder: Path, split_dir: Path, tmp_path: Path) -> None:
    examples = list(examples_from_documents(read_documents(split_dir), get_scheme("cpr")))
    model = _tiny(tiny_encoder)
    plain = model.predict_proba(examples)
    model.set_negative_prior("false", 0.5)  # trained on half the negatives: their odds double back
    corrected = model.predict_proba(examples)
    odds = (corrected[:, 0] / corrected[:, 1]) / (plain[:, 0] / plain[:, 1])
    assert torch.allclose(odds, torch.full_like(odds, 2.0), rtol=1e-4)
    model.save(tmp_path / "m")
    assert torch.allclose(RelationClassifier.load(tmp_path / "m").predict_proba(examples), corrected, atol=1e-6)
