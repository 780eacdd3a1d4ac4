"""`relnet bench`: every backend this machine can run, side by side in one run, on the same data.

For each backend: relation pairs/s and F1 on the candidate pairs of the first development abstracts (gold
mentions; ~2,000 pairs), NER abstracts/s and strict F1 on the first 200 abstracts, `mine` abstracts/s and the
official end-to-end F1 on those abstracts (predicted mentions), and peak RSS. Each backend runs in a fresh
process, so its peak RSS is its own and no backend warms another's caches. Training: examples/s of the real
training loop per precision over a fixed number of steps, with its per-phase profile.
Results: ``bench.json`` (everything) and ``bench.txt`` (the table) in the output folder.
"""

from __future__ import annotations

import json
import logging
import platform
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import torch

from relnet.errors import RelnetError
from relnet.model.backends import (
    BACKENDS,
    cpu_info,
    cuda_available,
    onnx_available,
    resolve_backend,
    resolve_precision,
    set_threads,
)
from relnet.paths import data_path

log = logging.getLogger("relnet")


def default_backends() -> list[str]:
    """What `relnet bench` measures unless told: every CPU backend, and the GPU where there is one."""
    return ["fp32", "bf16", "onnx", "int8"] + (["cuda"] if cuda_available() else [])


@dataclass
class BenchConfig:
    split: str = field(default_factory=lambda: data_path("chemprot/original/development"))
    train_split: str = field(default_factory=lambda: data_path("chemprot/original/training"))
    model: str | None = None  # a relation model folder (…/best)
    ner_model: str | None = None  # an NER model folder
    backends: list[str] = field(default_factory=default_backends)
    pairs: int = 2000
    abstracts: int = 200
    batch_size: int = 64
    batch_docs: int = 64
    train_steps: int = 200  # 0: no training measurement
    train_batch_size: int = 16
    encoder: str = "default"
    threads: int = 0
    fresh_process: bool = True  # each backend in its own process: its own peak RSS, no shared warm caches

    def __post_init__(self) -> None:
        unknown = [b for b in self.backends if b not in BACKENDS]
        if unknown:
            raise RelnetError(f"unknown backend(s) {unknown}; choose from {', '.join(BACKENDS[1:])}")
        if not self.model and not self.ner_model and not self.train_steps:
            raise RelnetError("nothing to measure: give --model and/or --ner-model, or --train-steps > 0")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _first_docs_with_pairs(docs: list, scheme, pairs: int) -> tuple[list, list]:
    """The first documents whose candidate pairs add up to at least ``pairs`` (whole documents, so the
    official document-level score stays exact), and those pairs."""
    from relnet.examples.candidates import make_examples

    chosen, examples = [], []
    for d in docs:
        if len(examples) >= pairs:
            break
        chosen.append(d)
        examples += make_examples(d, scheme)
    return chosen, examples


def bench_backend(config: BenchConfig, backend: str) -> dict[str, Any]:
    """One backend's inference figures (runs in its own process)."""
    from relnet.corpus import read_documents
    from relnet.evaluation.metrics import score
    from relnet.evaluation.official import score_split
    from relnet.examples.labels import get_scheme
    from relnet.mentions.ner_model import TransformerTagger
    from relnet.mining.pipeline import mine
    from relnet.model.classifier import RelationClassifier
    from relnet.store.sqlite import RelationStore
    from relnet.workflows.mining_score import score_store
    from relnet.workflows.ner import evaluate_tagger

    threads = set_threads(config.threads)
    docs = read_documents(config.split)
    out: dict[str, Any] = {"backend": backend, "threads": threads}
    classifier = tagger = None
    if config.model:
        classifier = RelationClassifier.load(config.model, backend)
        scheme = get_scheme(classifier.meta["scheme"])
        chosen, examples = _first_docs_with_pairs(docs, scheme, config.pairs)
        feats = classifier.encoder.tokenize(examples)
        classifier.predict_proba(feats[: config.batch_size], config.batch_size)  # warm-up: kernels, arenas
        t0 = time.perf_counter()
        probs = classifier.predict_proba(feats, config.batch_size, progress=True)
        seconds = time.perf_counter() - t0
        labels = [classifier.labels[i] for i in probs.argmax(-1).tolist()]
        official = score_split(examples, labels, scheme, config.split)
        out["relations"] = {
            "documents": len(chosen), "pairs": len(examples), "seconds": seconds,
            "pairs_per_second": len(examples) / seconds, "labels": labels,
            "micro_f1": score([e.label for e in examples], labels, scheme).micro["f1"],
            "official_f1": official.f1 if official else None,
        }  # fmt: skip
    sample = docs[: config.abstracts]
    if config.ner_model:
        tagger = TransformerTagger.load(config.ner_model, backend=backend)
        tagger.tag_many([d.with_annotations((), ()) for d in sample[:4]])  # warm-up
        scores = evaluate_tagger(tagger, sample)
        out["ner"] = {
            "abstracts": len(sample), "seconds": scores["speed"]["seconds"],
            "abstracts_per_second": scores["speed"]["documents_per_second"], "strict_f1": scores["micro"]["f1"],
        }  # fmt: skip
    if classifier is not None and tagger is not None:
        with tempfile.TemporaryDirectory() as tmp:
            store_path = Path(tmp) / "bench.sqlite"
            with RelationStore(store_path) as store:
                summary = mine([d.with_annotations((), ()) for d in sample], tagger, classifier, store,
                               batch_docs=config.batch_docs, batch_size=config.batch_size, progress=True)  # fmt: skip
            official, counts = score_store(store_path, config.split, documents={d.id for d in sample})
        out["mine"] = {"abstracts": summary.documents, "seconds": summary.seconds,
                       "abstracts_per_second": summary.docs_per_second, "official_f1": official.f1,
                       "relations": counts["relations"]}  # fmt: skip
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def bench_training(config: BenchConfig, precision: str) -> dict[str, Any]:
    """Training examples/s of the real loop (`relnet train`) over ``train_steps`` steps (own process)."""
    from relnet.training.config import TrainConfig
    from relnet.training.run import run_training

    threads = set_threads(config.threads)
    logging.getLogger("relnet").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        train_config = TrainConfig(
            train=config.train_split, dev=config.split, output_dir=tmp, scheme="cpr", encoder=config.encoder,
            marker_style="tokens", epochs=1, batch_size=config.train_batch_size, max_steps=config.train_steps,
            max_train_examples=config.train_steps * config.train_batch_size, max_dev_examples=256,
            precision=precision, threads=threads, device="cpu",  # this CPU's figure, GPU or not
        )  # fmt: skip
        run_training(train_config)
        epoch = json.loads((Path(tmp) / "history.json").read_text())[0]
    return {"precision": epoch["precision"], "steps": config.train_steps, "batch_size": config.train_batch_size,
            "examples_per_second": epoch["train_examples_per_second"], "seconds": epoch["train_seconds"],
            "profile_seconds": epoch["profile_seconds"], "peak_rss_mb": _peak_rss_mb(), "threads": threads}  # fmt: skip


def _in_fresh_process(fn, config: BenchConfig, *args) -> dict[str, Any]:
    if not config.fresh_process:
        return fn(config, *args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, config, *args).result()


def run_bench(config: BenchConfig, output: str | Path) -> dict[str, Any]:
    """Measure every requested backend (and training precision) here; write bench.json and bench.txt."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    cpu = cpu_info()
    backends = []
    for name in config.backends:  # unrunnable ones are reported, not silently dropped
        resolved = resolve_backend(name)  # auto: each model on its own measured choice (a row of its own)
        ok = name == "auto" or resolved == name
        (backends.append(name) if ok else log.warning("bench: %s not available here, skipped", name))
    # Export and quantise outside the timed runs (a one-off cost per model folder, reported on its own)
    prepare: dict[str, float] = {}
    for name in (b for b in backends if b in ("onnx", "int8")):
        t0 = time.perf_counter()
        if config.model:
            from relnet.model.classifier import RelationClassifier

            RelationClassifier.load(config.model, name)
        if config.ner_model:
            from relnet.mentions.ner_model import TransformerTagger

            TransformerTagger.load(config.ner_model, backend=name)
        prepare[name] = time.perf_counter() - t0
    results: dict[str, Any] = {}
    for name in backends:
        log.info("bench: %s", name)
        results[name] = _in_fresh_process(bench_backend, config, name)
    training: dict[str, Any] = {}
    if config.train_steps:
        for precision in ("fp32", "bf16"):
            if resolve_precision(precision) != precision:
                continue
            log.info("bench: training, %s", precision)
            training[precision] = _in_fresh_process(bench_training, config, precision)
    report = {
        "machine": {
            "cpu": cpu.to_json(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "onnxruntime": _version("onnxruntime") if onnx_available() else None,
            "threads": config.threads or cpu.to_json()["cores"],
        },  # fmt: skip
        "config": asdict(config),
        "prepare_seconds": prepare,
        "backends": _with_ratios(results),
        "training": _with_training_ratios(training),
        "auto": {"relations": resolve_backend("auto"), "ner": resolve_backend("auto", kind="ner")},
    }
    (output / "bench.json").write_text(json.dumps(report, indent=2))
    text = format_bench(report)
    (output / "bench.txt").write_text(text + "\n")
    return {**report, "text": text}


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _with_ratios(results: dict[str, Any]) -> dict[str, Any]:
    """Speed ratios to fp32 and label agreement with fp32, for every backend measured beside it."""
    base = results.get("fp32")
    for r in results.values():
        if base is None:
            break
        for part, key in (("relations", "pairs_per_second"), ("ner", "abstracts_per_second"),
                          ("mine", "abstracts_per_second")):  # fmt: skip
            if part in r and part in base:
                r[part]["ratio_to_fp32"] = r[part][key] / base[part][key]
        if "relations" in r and "relations" in base:
            same = sum(a == b for a, b in zip(r["relations"]["labels"], base["relations"]["labels"]))
            r["relations"]["label_agreement_with_fp32"] = same / max(1, len(base["relations"]["labels"]))
    for r in results.values():
        r.get("relations", {}).pop("labels", None)  # agreement computed; thousands of labels are noise in JSON
    return results


def _with_training_ratios(training: dict[str, Any]) -> dict[str, Any]:
    if "fp32" in training:
        for r in training.values():
            r["ratio_to_fp32"] = r["examples_per_second"] / training["fp32"]["examples_per_second"]
    return training


def _fmt(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def _relation_f1(rel: dict[str, Any]) -> float | None:
    """The official F1 where the scheme has one (cpr), else micro-F1 (fine, coarse5 pairs)."""
    return rel["official_f1"] if rel.get("official_f1") is not None else rel.get("micro_f1")


def format_bench(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"CPU {m['cpu']['model']} ({' '.join(m['cpu']['flags'])}), {m['threads']} threads; torch {m['torch']}, "
        f"onnxruntime {m['onnxruntime']}; auto → relations {report['auto']['relations']}, NER {report['auto']['ner']}",
        f"{'backend':<8} {'pairs/s':>8} {'×fp32':>6} {'rel F1':>7} {'agree':>6} │ {'NER a/s':>8} {'×fp32':>6} "
        f"{'NER F1':>7} │ {'mine a/s':>8} {'×fp32':>6} {'e2e F1':>7} │ {'RSS MB':>7}",
    ]
    for name, r in report["backends"].items():
        rel, ner, mine = r.get("relations", {}), r.get("ner", {}), r.get("mine", {})
        lines.append(
            f"{name:<8} {_fmt(rel.get('pairs_per_second'), '8.1f')} {_fmt(rel.get('ratio_to_fp32'), '6.2f')} "
            f"{_fmt(_relation_f1(rel), '7.4f')} {_fmt(rel.get('label_agreement_with_fp32'), '6.3f')} │ "
            f"{_fmt(ner.get('abstracts_per_second'), '8.1f')} {_fmt(ner.get('ratio_to_fp32'), '6.2f')} "
            f"{_fmt(ner.get('strict_f1'), '7.4f')} │ {_fmt(mine.get('abstracts_per_second'), '8.1f')} "
            f"{_fmt(mine.get('ratio_to_fp32'), '6.2f')} {_fmt(mine.get('official_f1'), '7.4f')} │ "
            f"{r['peak_rss_mb']:7.0f}"
        )
    first = next(iter(report["backends"].values()), {})
    if "relations" in first:
        rel = first["relations"]
        f1 = ("official F1 on those abstracts" if rel.get("official_f1") is not None
              else "micro-F1 over those pairs (the scheme has no official score)")  # fmt: skip
        lines.append(f"relations: {rel['pairs']} pairs of the first {rel['documents']} abstracts, gold mentions; "
                     f"rel F1 = {f1}")  # fmt: skip
    for name, r in report["training"].items():
        profile = ", ".join(f"{k} {v:.1f}s" for k, v in r["profile_seconds"].items())
        lines.append(
            f"training {name}: {r['examples_per_second']:.1f} examples/s (×{r.get('ratio_to_fp32', 1):.2f}) over "
            f"{r['steps']} steps of {r['batch_size']}; profile: {profile}"
        )
    return "\n".join(lines)
