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
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm
from transformers import AutoModelForTokenClassification, AutoTokenizer

from relnet.corpus import read_documents
from relnet.errors import RelnetError
from relnet.evaluation.ner import evaluate_tagger
from relnet.evaluation.spans import format_span_breakdown, format_span_table
from relnet.mentions.ner_model import TagSpace, TransformerTagger, collate, encode_document
from relnet.model.backends import autocast, resolve_precision
from relnet.model.encoder import resolve_encoder
from relnet.training.config import NerConfig
from relnet.training.loop import length_grouped_batches, lr_lambda, set_seed

log = logging.getLogger("relnet")


def train_ner(config: NerConfig, overwrite: bool = False) -> dict:
    out = Path(config.output_dir)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise RelnetError(f"{out} is not empty: pass --overwrite to start again")
    out.mkdir(parents=True, exist_ok=True)
    set_seed(config.seed)
    rng = random.Random(config.seed)
    precision = resolve_precision(config.precision)
    types = ["CHEMICAL", "GENE-Y", "GENE-N"] if config.keep_gene_types else ["CHEMICAL", "GENE"]
    kind_of = {} if config.keep_gene_types else {"GENE-Y": "GENE", "GENE-N": "GENE", "GENE": "GENE"}
    space = TagSpace(tuple(types), config.tagging)
    labels = space.labels
    label2id = {t: i for i, t in enumerate(labels)}

    dev_docs = read_documents(config.dev)[: config.max_dev_docs or None]
    held_out = {d.id for d in dev_docs}
    train_docs = read_documents(config.train, exclude_ids=held_out)
    # leak-free (dev documents dropped); with `extra_dedupe` also DrugProt's second annotation of a training
    # abstract, whose entity spans may disagree with ChemProt's
    extra_exclude = held_out | ({d.id for d in train_docs} if config.extra_dedupe else set())
    for extra in config.extra_train:
        train_docs += read_documents(extra, exclude_ids=extra_exclude)
    train_docs = train_docs[: config.max_train_docs or None]

    path = resolve_encoder(config.encoder)
    tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True)
    model = AutoModelForTokenClassification.from_pretrained(
        path, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id
    )
    meta = {"labels": labels, "types": types, "tagging": config.tagging, "max_length": config.max_length,
            "config": asdict(config)}  # fmt: skip
    tagger = TransformerTagger(model, tokenizer, meta)
    windows = [w for d in train_docs for w in encode_document(d, tokenizer, space, config.max_length, kind_of)]
    log.info(
        "NER: %d training windows from %d documents, %d dev documents", len(windows), len(train_docs), len(dev_docs)
    )

    total = math.ceil(len(windows) / config.batch_size) * config.epochs
    warmup = int(config.warmup_ratio * total)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_lambda(s, warmup, total))
    history, best, stale = [], -1.0, 0
    pad = tokenizer.pad_token_id or 0
    for epoch in range(config.epochs):
        model.train()
        t0, losses = time.time(), []
        batches = length_grouped_batches([len(w.input_ids) for w in windows], config.batch_size, rng)
        bar = tqdm(batches, desc=f"ner epoch {epoch + 1}/{config.epochs}", unit="batch", dynamic_ncols=True)
        for idx in bar:
            batch = collate([windows[i] for i in idx], pad)
            with autocast(precision):  # bf16 matmuls; weights and optimiser state stay fp32
                logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            loss = space.loss(logits.float(), batch["labels"])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}")
        seconds = time.time() - t0
        with autocast(precision):
            scores = evaluate_tagger(tagger, dev_docs, kind_of)
        history.append({"epoch": epoch + 1, "train_loss": float(np.mean(losses)), "train_seconds": seconds,
                        "train_windows_per_second": len(losses) * config.batch_size / max(seconds, 1e-9),
                        "precision": precision, "dev": scores, "dev_micro_f1": scores["micro"]["f1"]})  # fmt: skip
        log.info("NER epoch %d: loss %.4f, dev span micro-F1 %.4f", epoch + 1, np.mean(losses), scores["micro"]["f1"])
        if scores["micro"]["f1"] > best:
            best, stale = scores["micro"]["f1"], 0
            tagger.save(out / "best", {"dev_scores": scores, "epoch": epoch + 1})
        else:
            stale += 1
            if stale >= config.patience:
                break
    best_epoch = max(history, key=lambda h: h["dev_micro_f1"])
    text = format_span_table(best_epoch["dev"]) + "\n" + format_span_breakdown(best_epoch["dev"]["errors"])
    (out / "history.json").write_text(json.dumps(history, indent=2))
    (out / "dev.json").write_text(
        json.dumps({"best_epoch": best_epoch["epoch"], "scores": best_epoch["dev"]}, indent=2)
    )
    (out / "dev.txt").write_text(text + "\n")
    return {"text": text, "micro_f1": best, "best_epoch": best_epoch["epoch"]}
