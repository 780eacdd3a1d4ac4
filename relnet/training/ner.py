"""Training the transformer NER tagger on gold entity annotations (ChemProt, optionally DrugProt).

Same conventions as the relation model: a typed config, an explicit loop (AdamW, warmup + linear
decay, clipping, length-grouped batches, dev evaluation every epoch, best checkpoint, early stop),
a progress bar, and JSON + text reports next to the model folder ``output_dir/best``.
"""

from __future__ import annotations

import json
import logging
import math
import random
from dataclasses import asdict

from transformers import AutoModelForTokenClassification, AutoTokenizer

from relnet.corpus import read_documents
from relnet.evaluation.spans import format_span_breakdown, format_span_table
from relnet.mentions.ner_model import META_FILE, TagSpace, TransformerTagger, collate, encode_document
from relnet.model.backends import resolve_precision, to_device
from relnet.model.encoder import resolve_encoder
from relnet.paths import write_text
from relnet.training.config import NerConfig
from relnet.training.core import Fit, Stepper, fit, open_run, optimizer_and_schedule, set_seed
from relnet.training.data import leak_free
from relnet.workflows.ner import evaluate_tagger

log = logging.getLogger("relnet")


def train_ner(config: NerConfig, overwrite: bool = False, resume: bool = False) -> dict:
    device, out = open_run(config.output_dir, config.device, config.threads, resume, overwrite)
    set_seed(config.seed)
    rng = random.Random(config.seed)
    precision = resolve_precision(config.precision, device=device)
    types = ["CHEMICAL", "GENE-Y", "GENE-N"] if config.keep_gene_types else ["CHEMICAL", "GENE"]
    kind_of = {} if config.keep_gene_types else {"GENE-Y": "GENE", "GENE-N": "GENE", "GENE": "GENE"}
    space = TagSpace(tuple(types), config.tagging)
    labels = space.labels
    label2id = {t: i for i, t in enumerate(labels)}

    dev_docs = read_documents(config.dev)[: config.max_dev_docs or None]
    held_out = {d.id for d in dev_docs}
    train_docs, _, extra_docs = leak_free(
        config.train, config.extra_train, held_out, config.extra_dedupe,
        lambda path, exclude: (docs := read_documents(path, exclude_ids=exclude), docs),
    )  # fmt: skip
    train_docs += extra_docs
    train_docs = train_docs[: config.max_train_docs or None]

    path = resolve_encoder(config.encoder)
    tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True)
    model = AutoModelForTokenClassification.from_pretrained(
        path, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id
    )
    meta = {"labels": labels, "types": types, "tagging": config.tagging, "max_length": config.max_length,
            "config": asdict(config), "trained_on": sorted({d.id for d in train_docs})}  # fmt: skip
    model.to(device)
    tagger = TransformerTagger(model, tokenizer, meta)
    windows = [w for d in train_docs for w in encode_document(d, tokenizer, space, config.max_length, kind_of)]
    log.info(
        "NER: %d training windows from %d documents, %d dev documents", len(windows), len(train_docs), len(dev_docs)
    )

    total = math.ceil(len(windows) / config.batch_size) * config.epochs
    optimizer, scheduler = optimizer_and_schedule(
        model, config.lr, config.weight_decay, int(config.warmup_ratio * total), total
    )
    pad = tokenizer.pad_token_id or 0

    def dev_scores() -> tuple[float, dict]:
        scores = evaluate_tagger(tagger, dev_docs, kind_of)  # under fit's autocast
        return scores["micro"]["f1"], {"dev": scores, "dev_micro_f1": scores["micro"]["f1"]}

    spec = Fit(
        lengths=[len(w.input_ids) for w in windows],
        batch_size=config.batch_size,
        collate=lambda idx: to_device(collate([windows[i] for i in idx], pad), device),
        loss=lambda batch, idx: space.loss(
            model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.float(), batch["labels"]
        ),
        evaluate=dev_scores,
        save=lambda folder, extra: tagger.save(folder, extra),
        load=lambda folder: model.load_state_dict(
            AutoModelForTokenClassification.from_pretrained(str(folder)).state_dict()
        ),
        meta_file=META_FILE,
    )
    stepper = Stepper(model, optimizer, scheduler, config.max_grad_norm, precision, device)
    fitted = fit(spec, stepper, out, config.epochs, config.patience, rng, resume, desc="ner epoch",
                 best_extra=lambda record: {"dev_scores": record["dev"]})  # fmt: skip
    history = fitted.epochs
    best_epoch = history[fitted.best_epoch - 1]
    text = format_span_table(best_epoch["dev"]) + "\n" + format_span_breakdown(best_epoch["dev"]["errors"])
    (out / "history.json").write_text(json.dumps(history, indent=2))
    (out / "dev.txt").write_text(text + "\n")
    dev = {"best_epoch": best_epoch["epoch"], "scores": best_epoch["dev"]}
    write_text(out / "dev.json", json.dumps(dev, indent=2))  # last: scripts/build_best_ner.sh reads it as "done"
    return {"text": text, "micro_f1": fitted.best_score, "best_epoch": best_epoch["epoch"]}
