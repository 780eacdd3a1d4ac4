from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from relnet.corpus import read_documents
from relnet.data import CHEMICAL, GENE, Document, Mention
from relnet.errors import RelnetError
from relnet.evaluation.seeds import run_score
from relnet.evaluation.spans import span_breakdown, span_scores
from relnet.mentions.ner_model import (
    TagSpace,
    TransformerTagger,
    Window,
    bio_labels,
    bio_viterbi,
    bio_viterbi_batch,
    decode,
    encode_document,
    snap_spans,
    snap_to_words,
)
from relnet.training.ner import NerConfig, train_ner


def _tokenizer():
    from transformers import AutoTokenizer

    from relnet.model.encoder import resolve_encoder

    return AutoTokenizer.from_pretrained(resolve_encoder("default"))


def _round_trip(doc, space: TagSpace) -> set[tuple[int, int, str]]:
    """Gold mentions → label ids → tags → spans, with no model in between."""
    spans = set()
    for w in encode_document(doc, _tokenizer(), space, 64, {"GENE-Y": "GENE", "GENE-N": "GENE"}):
        ignore = [-100] * len(space.types) if space.layered else -100
        ids = [x for x in w.labels if x != ignore]
        if space.layered:
            units = [[[0.0] * 3 for _ in space.types] for _ in ids]
            for tok, row in zip(units, ids):
                for k, v in enumerate(row):
                    tok[k][v] = 1.0
        else:
            units = [[1.0 if j == v else 0.0 for j in range(len(space.labels))] for v in ids]
        logits = torch.tensor([units]).reshape(1, len(ids), len(space.labels))
        keep = [list(range(len(ids)))]
        layers = space.tags(logits, keep, viterbi=False)[0]
        assert space.tags(logits, keep)[0] == layers  # one-hot logits: already valid
        inner = Window(w.doc_id, w.input_ids[1:-1], w.offsets[1:-1])
        spans |= {span for tags in layers for span in decode(inner, tags)}
    return spans


def test_ner_bio_encoding_round_trips_gold_mentions(split_dir: Path) -> None:
    for doc in read_documents(split_dir):
        gold = {(m.start, m.end, "CHEMICAL" if m.kind == "CHEMICAL" else "GENE") for m in doc.mentions}
        assert _round_trip(doc, TagSpace(("CHEMICAL", "GENE"))) == gold
        assert _round_trip(doc, TagSpace(("CHEMICAL", "GENE"), "layered")) == gold


def test_ner_layered_tagging_keeps_a_chemical_inside_a_gene_name() -> None:
    text = "Tyrosine hydroxylase was inhibited."
    mentions = (Mention("T1", 0, 20, text[:20], GENE, "GENE-N"), Mention("T2", 0, 8, "Tyrosine", CHEMICAL))
    doc = Document("n1", text, mentions)
    flat = _round_trip(doc, TagSpace(("CHEMICAL", "GENE")))
    layered = _round_trip(doc, TagSpace(("CHEMICAL", "GENE"), "layered"))
    assert flat == {(0, 20, "GENE")}  # one BIO sequence: the longer mention wins
    assert layered == {(0, 20, "GENE"), (0, 8, "CHEMICAL")}


def test_ner_layered_loss_ignores_unlabelled_positions() -> None:
    space = TagSpace(("CHEMICAL", "GENE"), "layered")
    logits = torch.zeros(1, 3, 6, requires_grad=True)
    labels = torch.tensor([[[-100, -100], [1, 0], [2, 0]]])
    loss = space.loss(logits, labels)
    assert loss.item() == pytest.approx(math.log(3))  # uniform logits over O/B/I, 4 labelled decisions
    loss.backward()
    assert logits.grad[0, 0].abs().sum() == 0 and logits.grad[0, 1].abs().sum() > 0


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


def _valid_bio(tags: list[str]) -> bool:
    return all(not t.startswith("I-") or (i > 0 and tags[i - 1][2:] == t[2:]) for i, t in enumerate(tags))


def test_ner_viterbi_repairs_what_argmax_breaks() -> None:
    labels = bio_labels(["CHEMICAL", "GENE"])  # O B-CHEMICAL I-CHEMICAL B-GENE I-GENE
    probs = [[0.9, 0.01, 0.01, 0.03, 0.05], [0.3, 0.01, 0.01, 0.28, 0.4], [0.1, 0.01, 0.01, 0.1, 0.78]]
    scores = np.log(np.array(probs))
    assert [labels[i] for i in scores.argmax(1)] == ["O", "I-GENE", "I-GENE"]  # a span with no start
    assert [labels[i] for i in bio_viterbi(scores, labels)] == ["O", "B-GENE", "I-GENE"]
    assert bio_viterbi(np.zeros((0, 5)), labels) == []


def test_ner_viterbi_finds_the_best_valid_sequence() -> None:
    labels = bio_labels(["CHEMICAL", "GENE"])
    rng = np.random.default_rng(0)
    for _ in range(30):  # against every sequence of 4 tags
        scores = rng.normal(size=(4, 5)) * 3
        logp = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)
        valid = [seq for seq in itertools.product(range(5), repeat=4) if _valid_bio([labels[i] for i in seq])]
        best = max(valid, key=lambda seq: sum(logp[t, k] for t, k in enumerate(seq)))
        assert tuple(bio_viterbi(scores, labels)) == best
        if _valid_bio([labels[i] for i in scores.argmax(1)]):
            assert tuple(scores.argmax(1)) == best  # argmax already valid: nothing changes


def test_ner_viterbi_tags_layered_and_skips_special_tokens() -> None:
    space = TagSpace(("CHEMICAL", "GENE"), "layered")
    logits = torch.zeros(4, 2, 3)  # [CLS] tok tok [SEP]; per type O/B/I
    logits[:, 0] = torch.tensor([0.0, 0.0, 5.0])  # CHEMICAL: I everywhere (argmax), so B-I on the two tokens
    logits[:, 1, 0] = 5.0  # GENE: O
    tags = space.tags(logits.reshape(1, 4, 6), keeps=[[1, 2]])[0]
    assert tags == [["O", "B-CHEMICAL", "I-CHEMICAL", "O"], ["O", "O", "O", "O"]]
    assert space.tags(logits.reshape(1, 4, 6), keeps=[[1, 2]], viterbi=False)[0][0][1:3] == ["I-CHEMICAL"] * 2


def test_ner_viterbi_batch_equals_one_sequence_at_a_time() -> None:
    labels = bio_labels(["CHEMICAL", "GENE"])
    rng = np.random.default_rng(1)
    lengths = np.array([7, 1, 0, 12, 5, 12])
    scores = rng.normal(size=(len(lengths), 12, 5)) * 3  # past each row's length: noise the batch must ignore
    batch = bio_viterbi_batch(scores, lengths, labels)
    for row, n in enumerate(lengths):
        assert batch[row, :n].tolist() == bio_viterbi(scores[row, :n], labels)
        assert not batch[row, n:].any()  # O past the end


@pytest.mark.parametrize("tagging", ["flat", "layered"])
def test_ner_tags_of_a_batch_equal_each_window_alone(tagging: str) -> None:
    space = TagSpace(("CHEMICAL", "GENE"), tagging)
    logits = torch.randn(3, 10, len(space.labels), generator=torch.Generator().manual_seed(2)) * 3
    keeps = [list(range(1, 9)), [1, 2, 3], []]  # a padded window, a short one, one with no tokens
    for viterbi in (True, False):
        together = space.tags(logits, keeps, viterbi)
        for row, keep in enumerate(keeps):
            assert together[row] == space.tags(logits[row : row + 1], [keep], viterbi)[0]
            assert all(t == "O" for tags in together[row] for i, t in enumerate(tags) if i not in keep)
        if viterbi:
            assert all(_valid_bio([t for i, t in enumerate(tags) if i in keeps[0]]) for tags in together[0])


def test_ner_span_scores_strict() -> None:
    gold = [("d", 0, 4, "GENE"), ("d", 5, 9, "CHEMICAL")]
    s = span_scores(gold, [("d", 0, 4, "GENE"), ("d", 5, 8, "CHEMICAL")])
    assert s["micro"]["precision"] == 0.5 and s["GENE"]["f1"] == 1.0 and s["CHEMICAL"]["f1"] == 0.0


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ((2, 6), (0, 11)),  # "giot" of "angiotensin" → the word
        ((0, 5), (0, 11)),
        ((0, 11), (0, 11)),  # a whole word is unchanged
        ((0, 14), (0, 14)),  # so is "angiotensin-II": a hyphen is a word boundary
        ((12, 13), (12, 14)),  # "I" of "II"
        ((15, 18), (15, 20)),  # "(PG": a bracket is not widened over, the cut word is
        ((22, 25), (22, 26)),  # "TNF" of "TNFα": Greek letters are letters
        ((27, 28), (27, 29)),  # "x" of the last word "xy": stops at the end of the text
        ((3, 3), (3, 3)),  # an empty span stays empty
        ((29, 29), (29, 29)),
    ],
)
def test_ner_snap_to_words(span: tuple[int, int], expected: tuple[int, int]) -> None:
    text = "angiotensin-II (PGE2) TNFα xy"
    assert snap_to_words(text, *span) == expected


def test_ner_snap_spans_merges_fragments_and_resolves_types() -> None:
    text = "angiotensin converting enzyme and Reelin"
    spans = [
        (0, 4, "GENE"), (6, 15, "GENE"),  # two GENE fragments → "angiotensin converting" once
        (2, 5, "CHEMICAL"),  # a CHEMICAL fragment nested in it: other type, other offsets → kept
        (34, 36, "CHEMICAL"), (36, 40, "GENE"),  # "Re" CHEMICAL + "elin" GENE → "Reelin", GENE (more characters)
    ]  # fmt: skip
    assert snap_spans(text, spans) == [(0, 11, "CHEMICAL"), (0, 22, "GENE"), (34, 40, "GENE")]
    assert snap_spans(text, [(0, 11, "GENE"), (12, 22, "GENE")]) == [(0, 11, "GENE"), (12, 22, "GENE")]  # apart


def test_ner_span_breakdown_categories() -> None:
    gold = [("d", 0, 4, "GENE"), ("d", 5, 9, "CHEMICAL"), ("d", 10, 14, "GENE"), ("d", 20, 25, "GENE"),
            ("d", 50, 70, "GENE"), ("d", 50, 58, "CHEMICAL"), ("d", 80, 90, "GENE"),
            ("e", 0, 3, "CHEMICAL"), ("e", 30, 33, "GENE")]  # fmt: skip
    predicted = [
        ("d", 0, 4, "GENE"),  # exact
        ("d", 5, 9, "GENE"),  # type: same offsets, other type (though it also overlaps no other gold)
        ("d", 10, 12, "GENE"),  # boundary: overlaps a gold GENE
        ("d", 20, 27, "CHEMICAL"),  # boundary_type: overlaps only a gold GENE
        ("d", 40, 44, "GENE"),  # spurious
        ("d", 50, 70, "GENE"),  # exact; the CHEMICAL nested in it (50-58) is `nested`
        ("d", 80, 84, "GENE"), ("d", 86, 90, "GENE"),  # two fragments of one gold GENE: both `boundary`
        ("e", 5, 8, "CHEMICAL"),  # spurious in another document, though a gold span of "d" has these offsets
    ]  # gold ("e", 0, 3) and ("e", 30, 33) are missed  # fmt: skip
    e = span_breakdown(gold, predicted)
    assert {k: e[k] for k in ("exact", "type", "boundary", "boundary_type", "spurious", "nested", "missed")} == {
        "exact": 2, "type": 1, "boundary": 3, "boundary_type": 1, "spurious": 2, "nested": 1, "missed": 2}  # fmt: skip
    # lenient, one to one: 0-4, 10-12, 50-70 and one of the two fragments of 80-90 → 4 of 9 predicted, 4 of 9 gold
    assert e["lenient_precision"] == pytest.approx(4 / 9) and e["lenient_recall"] == pytest.approx(4 / 9)
    e = span_breakdown(gold, predicted[:2])  # unequal sizes: P and R must not swap
    assert e["lenient_precision"] == pytest.approx(1 / 2) and e["lenient_recall"] == pytest.approx(1 / 9)
    assert span_breakdown(gold, [])["missed"] == 9 and span_breakdown(gold, [])["lenient_f1"] == 0.0


@pytest.mark.parametrize("tagging", ["flat", "layered"])
def test_ner_train_save_load_tag(
    tagging: str, tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path
) -> None:
    # dev_dir holds the training texts under other ids: a tagger that learns at all memorises them
    config = NerConfig(train=str(split_dir), dev=str(dev_dir), output_dir=str(tmp_path / "ner"), tagging=tagging,
                       encoder=str(tiny_encoder), epochs=15, batch_size=2, lr=1e-2, warmup_ratio=0.0, patience=15,
                       max_length=64, threads=1)  # fmt: skip
    cores = torch.get_num_threads()
    try:
        result = train_ner(config)
    finally:
        torch.set_num_threads(cores)  # process-wide: the tests after this one keep every core
    assert (tmp_path / "ner/best/relnet_ner.json").is_file() and result["micro_f1"] == 1.0
    history = json.loads((tmp_path / "ner/history.json").read_text())
    assert {e["threads"] for e in history} == {1}  # its share of the cores (scripts/lib/jobs.bash)
    assert run_score(tmp_path / "ner") == (1.0, "strict span micro-F1")  # what scripts/seed_table.py reads
    trained_on = json.loads((tmp_path / "ner/best/relnet_ner.json").read_text())["trained_on"]
    assert trained_on == sorted(d.id for d in read_documents(config.train))  # what evaluate-ner checks against
    tagger = TransformerTagger.load(tmp_path / "ner/best")
    doc = read_documents(dev_dir)[0]
    tagged = tagger.tag(doc.with_annotations((), ()))
    assert all(tagged.text[m.start : m.end] == m.text and m.kind in ("CHEMICAL", "GENE") for m in tagged.mentions)
    gold = {(m.start, m.end, m.kind) for m in doc.mentions}
    assert {(m.start, m.end, m.kind) for m in tagged.mentions} == gold  # memorised (F1 1.0 above)
    argmax = TransformerTagger.load(tmp_path / "ner/best", viterbi=False)
    assert {(m.start, m.end, m.kind) for m in argmax.tag(doc.with_annotations((), ())).mentions} == gold
    for backend in ("onnx", "int8", "bf16"):  # the memorised decisions survive every backend
        fast = TransformerTagger.load(tmp_path / "ner/best", backend=backend)
        assert {(m.start, m.end, m.kind) for m in fast.tag(doc.with_annotations((), ())).mentions} == gold, backend
    assert tagger.tag_many([Document("empty", ""), Document("blank", "  \n ")]) == [
        Document("empty", ""), Document("blank", "  \n ")
    ]  # fmt: skip
    tagger.predict_spans = lambda windows, *_, **__: [[(0, 2, "GENE"), (4, 6, "GENE")] for _ in windows]  # fragments
    snapped = tagger.tag(Document("w", "Reelin binds")).mentions
    assert [(m.id, m.text, m.kind) for m in snapped] == [("M1", "Reelin", "GENE")]
    tagger.snap_words = False
    assert [m.text for m in tagger.tag(Document("w", "Reelin binds")).mentions] == ["Re", "in"]
    meta_file = tmp_path / "ner/best/relnet_ner.json"  # a folder whose description lost its tagging
    meta = json.loads(meta_file.read_text())
    meta["tagging"] = "layered" if tagging == "flat" else "flat"
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(RelnetError, match="NER model has .* outputs but"):
        TransformerTagger.load(tmp_path / "ner/best")


def _write_nested_split(folder: Path, name: str, pmid: str) -> Path:
    """A ChemProt-layout split whose one abstract has chemicals nested inside gene names."""
    folder.mkdir(parents=True)
    title, abstract = "Tyrosine hydroxylase and dopamine.", "Glutathione peroxidase binds glutathione."
    text = f"{title}\t{abstract}"
    spans = [("T1", "GENE-N", "Tyrosine hydroxylase"), ("T2", "CHEMICAL", "Tyrosine"), ("T3", "CHEMICAL", "dopamine"),
             ("T4", "GENE-N", "Glutathione peroxidase"), ("T5", "CHEMICAL", "Glutathione"),
             ("T6", "CHEMICAL", "glutathione")]  # fmt: skip
    rows = [f"{pmid}\t{t}\t{k}\t{text.index(x)}\t{text.index(x) + len(x)}\t{x}" for t, k, x in spans]
    (folder / f"chemprot_{name}_abstracts.tsv").write_text(f"{pmid}\t{title}\t{abstract}\n")
    (folder / f"chemprot_{name}_entities.tsv").write_text("\n".join(rows) + "\n")
    (folder / f"chemprot_{name}_relations.tsv").write_text("")
    return folder


def test_ner_only_layered_tagging_learns_nested_mentions(tmp_path: Path, tiny_encoder: Path) -> None:
    train = _write_nested_split(tmp_path / "training", "training", "1")
    dev = _write_nested_split(tmp_path / "development", "development", "2")
    f1 = {}
    for tagging in ("flat", "layered"):
        config = NerConfig(train=str(train), dev=str(dev), output_dir=str(tmp_path / tagging), tagging=tagging,
                           encoder=str(tiny_encoder), epochs=25, batch_size=1, lr=1e-2, warmup_ratio=0.0,
                           patience=25, max_length=64)  # fmt: skip
        f1[tagging] = train_ner(config)["micro_f1"]
    assert f1["layered"] == 1.0  # all six mentions, the nested ones included
    assert f1["flat"] < 0.9  # Tyrosine and Glutathione cannot be tagged inside their gene names
