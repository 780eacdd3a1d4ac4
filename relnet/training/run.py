"""One training run from a `TrainConfig`: data → model → `loop.train` → reports in ``output_dir``.

``output_dir/best`` is the model folder (`RelationClassifier.load`); next to it: ``config.json``,
``history.json``, ``learning_curves.png``, and the best model's dev report (``dev.json``/``.txt``/PNG).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import time
from collections import Counter
from pathlib import Path

from relnet.errors import RelnetError
from relnet.evaluation.metrics import score
from relnet.evaluation.official import score_split
from relnet.evaluation.plots import plot_learning_curves
from relnet.evaluation.report import write_report
from relnet.examples.dataset import load_examples
from relnet.examples.labels import get_scheme
from relnet.examples.sampling import class_weights, oversample, parse_factors, subsample_negatives
from relnet.model.classifier import RelationClassifier
from relnet.model.encoder import PairEncoder
from relnet.paths import write_folder, write_text
from relnet.training.calibrate import fit_negative_offset, holdout_documents
from relnet.training.config import TrainConfig
from relnet.training.core import CHECKPOINT_FILE, open_run
from relnet.training.data import leak_free
from relnet.training.distill import teacher_documents, teacher_targets
from relnet.training.loop import BEST, LAST, set_seed, train

log = logging.getLogger("relnet")


def _registered_models_resolved(config: TrainConfig, resumed: bool) -> TrainConfig:
    """``init_from`` and ``teacher`` may name registered models (`relnet models list`), as every command that
    reads a model accepts: the run records their folders. A run resumed from ``last/`` never reads ``init_from``
    again, so a warm start deleted (or unregistered) since does not stop it."""
    from relnet import registry

    def folder(flag: str, value: str) -> str:
        try:
            return str(registry.resolve(value))
        except RelnetError as err:
            raise RelnetError(f"{flag}: {err}") from None

    init_from = folder("--init-from", config.init_from) if config.init_from and not resumed else config.init_from
    teachers = [folder("--teacher", t) for t in config.teacher]
    if init_from == config.init_from and teachers == list(config.teacher):
        return config
    return dataclasses.replace(config, init_from=init_from, teacher=teachers)


def run_training(config: TrainConfig, resume: bool = False, overwrite: bool = False) -> dict:
    device, out = open_run(config.output_dir, config.device, config.threads, resume, overwrite)
    config = _registered_models_resolved(config, resume and (out / LAST).is_dir())  # after open_run's repairs
    set_seed(config.seed)
    scheme = get_scheme(config.scheme)

    # -- data --------------------------------------------------------------------------------
    dev_examples, dev_docs = load_examples(config.dev, scheme)
    held_out = {d.id for d in dev_docs}
    train_examples, _, extra_examples = leak_free(
        config.train, config.extra_train, held_out, config.extra_dedupe,
        lambda path, exclude: load_examples(path, scheme, exclude_ids=exclude),
    )  # fmt: skip
    # calibration documents: a seeded slice of --train (its DrugProt re-annotations stay out too, by the dedupe)
    calibration_docs = holdout_documents([e.doc_id for e in train_examples], config.calibration_holdout, config.seed)
    calibration_examples = [e for e in train_examples if e.doc_id in calibration_docs]
    train_examples = [e for e in train_examples if e.doc_id not in calibration_docs]
    if config.extra_ratio and extra_examples:
        cap = int(config.extra_ratio * len(train_examples))
        extra_examples = random.Random(config.seed).sample(extra_examples, min(cap, len(extra_examples)))
    train_examples += extra_examples
    if config.negative_keep < 1 and scheme.negative:
        train_examples = subsample_negatives(train_examples, scheme.negative, config.negative_keep, config.seed)
    if config.oversample:
        train_examples = oversample(train_examples, parse_factors(config.oversample), config.seed)
    if config.max_train_examples:
        train_examples = train_examples[: config.max_train_examples]
    if config.max_dev_examples:
        dev_examples = dev_examples[: config.max_dev_examples]
    if not train_examples or not dev_examples:
        raise RelnetError("no training or no dev examples: check the folders and the scheme")
    log.info(
        "train %d examples %s", len(train_examples), dict(sorted(Counter(e.label for e in train_examples).items()))
    )
    log.info("dev %d examples", len(dev_examples))

    # -- model -------------------------------------------------------------------------------
    if resume and (out / LAST).is_dir():
        model = RelationClassifier.load(out / LAST)
    elif config.init_from:  # e.g. the seed's recipe: artificial corpus first, then the real one
        model = RelationClassifier.load(config.init_from)
        if model.labels != list(scheme.labels):
            raise RelnetError(f"{config.init_from} has labels {model.labels}, not those of scheme {scheme.name}")
        model.train()
    else:
        encoder = PairEncoder.from_pretrained(config.encoder, config.marker_style, config.max_length)
        model = RelationClassifier(encoder, list(scheme.labels), config.dropout, {"scheme": scheme.name})
    if scheme.negative is not None:
        model.set_negative_prior(scheme.negative, config.negative_keep)  # undoes the subsampling's prior shift
    # which marker kinds the model learns (typed CHEMICAL/GENE, or untyped ENTITY from SciBERT pairs nothing could
    # type): `relnet evaluate`/`predict` warn when a split brings kinds it never saw
    kinds = {k for e in train_examples for k in (e.head_kind, e.tail_kind)}
    model.meta["marker_kinds"] = sorted(kinds | set(model.meta.get("marker_kinds", [])))  # `init_from` saw its own
    # the documents it learnt from (with `init_from`'s): `relnet evaluate`/`predict`/`evaluate-mining` refuse a split
    # that overlaps them
    # (the calibration slice and a teacher's training documents count: scores on them would be inflated too)
    taught_on = teacher_documents(config.teacher)
    model.meta["trained_on"] = sorted(
        {e.doc_id for e in train_examples} | calibration_docs | set(model.meta.get("trained_on", [])) | taught_on
    )
    weights = class_weights(train_examples, model.labels) if config.class_weights else None
    (out / "config.json").write_text(json.dumps(config.to_json(), indent=2))
    backend = "cuda" if device.type == "cuda" else "fp32"  # the teachers' and the report's
    targets = None
    if config.teacher:
        leaked = taught_on & held_out
        if leaked:
            raise RelnetError(
                f"the teachers were trained on {len(leaked)} documents of the dev split {config.dev} "
                f"(e.g. {', '.join(sorted(leaked)[:3])}): the student's model selection would see them"
            )
        targets = teacher_targets(config.teacher, train_examples, model, config.eval_batch_size, out, backend)

    # -- train -------------------------------------------------------------------------------
    t0 = time.time()
    history = train(config, model, train_examples, dev_examples, scheme, weights, resume=resume, targets=targets)
    wall = time.time() - t0
    plot_learning_curves(history.epochs, out / "learning_curves.png")
    (out / "history.json").write_text(json.dumps(history.epochs, indent=2))

    # -- calibration on the held-out training documents, then the final report on the best model --
    best = RelationClassifier.load(out / BEST, backend)
    if calibration_examples and "calibration" not in best.meta:  # not again when a finished run is resumed
        uncalibrated = score([e.label for e in dev_examples],
                             [p.label for p in best.predict(dev_examples, config.eval_batch_size)], scheme)  # fmt: skip
        calibration = fit_negative_offset(
            best.predict_proba(calibration_examples, config.eval_batch_size),
            [e.label for e in calibration_examples], best.labels, scheme, len(calibration_docs),
        )  # fmt: skip
        best.meta["logit_bias"][best.labels.index(scheme.negative)] += calibration.negative_offset
        best.meta["calibration"] = calibration.to_json()
        best.meta["calibration"]["dev_micro_f1_uncalibrated"] = uncalibrated.micro["f1"]
        marker = out / BEST / CHECKPOINT_FILE  # the epoch it holds, kept for a later `--resume`
        epoch = marker.read_bytes() if marker.is_file() else None

        def calibrated(folder: Path) -> None:
            best.save(folder)
            if epoch is not None:
                (folder / CHECKPOINT_FILE).write_bytes(epoch)

        write_folder(out / BEST, calibrated)  # killed mid-write, the resumed run still finds the model
        log.info("calibration on %d held-out training documents: negative-class offset %+.1f (held-out micro-F1 "
                 "%.4f → %.4f)", len(calibration_docs), calibration.negative_offset, calibration.micro_f1_before,
                 calibration.micro_f1_after)  # fmt: skip
    t1 = time.time()
    predicted = [p.label for p in best.predict(dev_examples, config.eval_batch_size)]
    infer_seconds = time.time() - t1
    scores = score([e.label for e in dev_examples], predicted, scheme)
    official = score_split(dev_examples, predicted, scheme, config.dev)
    summary = {
        "scheme": scheme.name,
        "best_epoch": history.best_epoch,
        "train_wall_seconds": wall,
        "train_examples": len(train_examples),
        "dev_examples": len(dev_examples),
        "inference_examples_per_second": len(dev_examples) / max(infer_seconds, 1e-9),
        "seconds_per_epoch": [e["train_seconds"] for e in history.epochs],
        "teachers": list(config.teacher),
    }
    if "calibration" in best.meta:
        summary["calibration"] = best.meta["calibration"]
    text = write_report(out, "dev", scores, official, summary)
    write_text(out / "summary.json", json.dumps(summary, indent=2))  # last: recipe scripts read it as "done"
    return {"text": text, **summary, "micro_f1": scores.micro["f1"], "macro_f1": scores.macro["f1"]}
