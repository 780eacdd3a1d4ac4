"""The ``relnet`` command line: each command parses options, calls one library function, prints.

No torch, SQL or graph logic lives here.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import math
import sqlite3
import sys
from dataclasses import MISSING, asdict, fields
from pathlib import Path
from typing import Annotated

import click
import typer
import typer.core

from relnet.errors import RelnetError
from relnet.paths import check_output_file, check_output_folder, data_dir


class _Commands(typer.core.TyperGroup):
    """Every command's `RelnetError` (bad input, a missing file, a wrong option) becomes one red line and exit
    code 2, never a traceback: the one error wrapper, instead of a try/except in each command. So do the errors
    of the file system about a path the user gave (a folder where a file is written, a missing parent, no
    permission) and SQLite's about a store it cannot open."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RelnetError as err:
            _fail(err)
        except OSError as err:
            if err.filename is None:  # not about a path: a bug or the machine, keep the traceback
                raise
            _fail(f"{err.strerror or err}: {err.filename}" + (f" → {err.filename2}" if err.filename2 else ""))
        except sqlite3.DatabaseError as err:
            if not any(s in str(err) for s in ("unable to open", "not a database", "locked", "readonly")):
                raise
            _fail(f"the store cannot be opened: {err}")


app = typer.Typer(
    cls=_Commands, help="relnet: chemical–protein relation extraction and networks.", no_args_is_help=True
)
corpus_app = typer.Typer(help="Inspect corpora.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

DATA = data_dir()
_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list[str]": list[str]}


# Where a trained model runs (relnet.model.backends); every command that runs a model takes it
BackendOpt = Annotated[
    str,
    typer.Option(
        help="auto | fp32 | bf16 (autocast) | onnx (ONNX Runtime) | int8 (ONNX Runtime, quantised) | cuda (an NVIDIA "
        "GPU, fp32); auto = cuda where there is a GPU, else the fastest measured within 0.005 F1 of fp32: bf16 on "
        "CPUs with AVX-512 BF16 or AMX, else onnx"
    ),
]
AllowOverlapOpt = Annotated[
    bool, typer.Option(help="score a split that shares documents with the model's training data (noted in the report)")
]


def _setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(levelname)s %(message)s")
    for noisy in ("transformers", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # "weights not used: pooler" is expected: we never use the pooler


def _fail(err: Exception | str) -> None:
    typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


# -- train / train-ner ------------------------------------------------------------------------
def _field_params(config_cls) -> list[inspect.Parameter]:
    """One typed ``--flag`` per dataclass field; ``None`` means "keep the config's value"."""
    params = []
    for f in fields(config_cls):
        default = f.default if f.default is not MISSING else None
        if f.default_factory is not MISSING:
            default = f.default_factory()
        params.append(
            inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, annotation=_TYPES[str(f.type)] | None,
                              default=typer.Option(None, help=f"{f.metadata.get('help', '')} \\[default: {default}]"))
        )  # fmt: skip
    return params


def _overrides(kwargs: dict) -> dict:
    """The flags given on the command line. A list flag given as ``""`` (``--extra-train ""``) empties the list
    (the preset's value is replaced by nothing); a list flag not given keeps the preset's."""
    out = {}
    for key, value in kwargs.items():
        if value is None or value == []:
            continue
        out[key] = [x for x in value if x] if isinstance(value, list) else value
    return out


def _option(name: str, annotation, default, *decls: str, help: str) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                             default=typer.Option(default, *decls, help=help))  # fmt: skip


def _train_command():
    """`relnet train`, with every `TrainConfig` field as a typed flag."""
    from relnet.training.config import TrainConfig

    def train(**kwargs) -> None:
        """Train a relation classifier; writes the model folder and dev reports to --output-dir."""
        _setup_logging()
        from relnet.training.run import run_training

        config_file, resume, overwrite = kwargs.pop("config_file"), kwargs.pop("resume"), kwargs.pop("overwrite")
        overrides = _overrides(kwargs)
        config = TrainConfig.from_file(config_file, **overrides) if config_file else TrainConfig(**overrides)
        result = run_training(config, resume=resume, overwrite=overwrite)
        typer.echo(result["text"])
        typer.echo(f"model: {Path(config.output_dir) / 'best'}  (reports in {config.output_dir})")

    train.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            _option("config_file", Path | None, None, "--config", help="a JSON preset from configs/"),
            _option("resume", bool, False, help="continue the run in --output-dir"),
            _option("overwrite", bool, False, help="start again in a non-empty --output-dir"),
            *_field_params(TrainConfig),
        ]
    )
    return train


def _train_ner_command():
    """`relnet train-ner`, with every `NerConfig` field as a typed flag."""
    from relnet.training.config import NerConfig

    def train_ner(**kwargs) -> None:
        """Train the transformer NER tagger (CHEMICAL, GENE) on gold entity annotations."""
        _setup_logging()
        from relnet.training.ner import train_ner as run

        overwrite, resume = kwargs.pop("overwrite"), kwargs.pop("resume")
        config = NerConfig(**_overrides(kwargs))
        result = run(config, overwrite=overwrite, resume=resume)
        typer.echo(result["text"])
        typer.echo(f"model: {Path(config.output_dir) / 'best'}")

    train_ner.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            _option("resume", bool, False, help="continue the run in --output-dir after its last finished epoch"),
            _option("overwrite", bool, False, help="start again in a non-empty --output-dir"),
            *_field_params(NerConfig),
        ]
    )
    return train_ner


app.command("train")(_train_command())
app.command("train-ner")(_train_ner_command())


# -- evaluate / predict ----------------------------------------------------------------------
@app.command()
def evaluate(
    model: Annotated[Path, typer.Argument(help="a model folder (…/best) or a registered name")],
    split: Annotated[Path, typer.Argument(help="a ChemProt split folder or SciBERT .jsonl")],
    output: Annotated[Path, typer.Option(help="folder for the reports")] = Path("runs/eval"),
    batch_size: int = 64,
    negative_keep: Annotated[
        float | None, typer.Option(help="fraction of negatives the model was trained on (prior correction)")
    ] = None,
    backend: BackendOpt = "auto",
    allow_overlap: AllowOverlapOpt = False,
) -> None:
    """Score a trained model on a split: per-class and micro/macro F1, and the official score."""
    _setup_logging()
    from relnet import registry
    from relnet.workflows.evaluate import evaluate_split

    check_output_folder(output)  # before the model is looked up: the first mistake named is the output's
    text = evaluate_split(registry.resolve(model), split, output, batch_size, negative_keep, backend, allow_overlap)
    typer.echo(text)


@app.command()
def predict(
    model: Annotated[Path, typer.Argument(help="a model folder (…/best) or a registered name")],
    split: Annotated[Path, typer.Argument(help="a ChemProt/DrugProt split folder")],
    output: Annotated[Path, typer.Option(help="official-format TSV of predictions")] = Path("runs/predictions.tsv"),
    batch_size: int = 64,
    backend: BackendOpt = "auto",
    allow_overlap: AllowOverlapOpt = False,
) -> None:
    """Predict every candidate pair of a split; write the BioCreative VI format (PMID, CPR, Arg1, Arg2)."""
    _setup_logging()
    from relnet import registry
    from relnet.workflows.evaluate import predict_split

    check_output_file(output)
    check_output_file(output.with_suffix(".jsonl"))
    n = predict_split(registry.resolve(model), split, output, batch_size, backend, allow_overlap)
    typer.echo(f"{n} relations → {output} (and {output.with_suffix('.jsonl')})")


@app.command("evaluate-mining")
def evaluate_mining(
    store: Annotated[Path, typer.Argument(help="a store made by `relnet mine` on the split's abstracts")],
    split: Annotated[Path, typer.Argument(help="the ChemProt split folder with its gold standard")],
    output: Annotated[Path | None, typer.Option(help="write the score as JSON here")] = None,
    relations_model: Annotated[
        str | None, typer.Option(help="the model to score, where several mined into the store: its id or its folder")
    ] = None,
    allow_overlap: AllowOverlapOpt = False,
) -> None:
    """Official document-level score of mined relations (predicted or gold mentions) against a split."""
    _setup_logging()
    check_output_file(output, reads=[store])
    from relnet.evaluation.official import format_ratio
    from relnet.workflows.mining_score import score_store

    result, counts = score_store(store, split, relations_model, allow_overlap=allow_overlap)
    payload = {**result.to_json(), **counts}
    if output:
        output.write_text(json.dumps(payload, indent=2))
    typer.echo(
        f"official P {format_ratio(result.precision)} R {result.recall:.4f} F1 {result.f1:.4f} (tp {result.tp}, "
        f"fp {result.fp}, fn {result.fn}; {counts['unmapped']} relations on spans that are not gold mentions"
        + (f", {counts['outside_split']} in documents outside the split, not scored" if counts["outside_split"] else "")
        + f"; {counts['mined_documents']} of the split's {counts['split_documents']} documents mined)"
    )


# NER decoding, shared by the commands that run a tagger
SnapWordsOpt = Annotated[bool, typer.Option(help="transformer: widen spans that cut a word to the word")]
ViterbiOpt = Annotated[
    bool, typer.Option(help="transformer: the best valid BIO sequence per sentence, not each token's argmax")
]


@app.command("evaluate-ner")
def evaluate_ner(
    split: Annotated[Path, typer.Argument(help="a split folder with gold entities")],
    tagger: Annotated[str, typer.Option(help="NER backend: lexicon | transformer")] = "transformer",
    ner_model: Annotated[
        Path | None, typer.Option(help="NER model folder (or registered name) for --tagger transformer")
    ] = None,
    lexicon_from: Annotated[Path | None, typer.Option(help="training split for --tagger lexicon")] = None,
    output: Annotated[Path | None, typer.Option(help="write the scores as JSON here")] = None,
    snap_words: SnapWordsOpt = True,
    viterbi: ViterbiOpt = True,
    errors: Annotated[Path | None, typer.Option(help="write every wrong or missed span here (TSV)")] = None,
    backend: BackendOpt = "auto",
    allow_overlap: AllowOverlapOpt = False,
) -> None:
    """Strict span-level P/R/F1 per entity type of a tagger on a split (GENE-Y and GENE-N merged), why the other
    spans failed (type, boundary, spurious, nested, missed) and lenient scores (an overlap with the right type
    counts)."""
    _setup_logging()
    check_output_file(output)
    check_output_file(errors)
    from relnet import registry
    from relnet.corpus import read_documents
    from relnet.evaluation.spans import format_span_breakdown, format_span_table
    from relnet.mentions import get_tagger
    from relnet.workflows.evaluate import check_training_overlap
    from relnet.workflows.ner import evaluate_tagger

    if tagger == "transformer" and ner_model is not None:
        ner_model = registry.resolve(ner_model, "ner")
    docs = read_documents(split)
    trained: dict = {}  # what the tagger learnt from: the NER model's record, or the lexicon's split
    if tagger == "transformer" and ner_model is not None:
        from relnet.mentions.ner_model import META_FILE

        if (ner_model / META_FILE).is_file():
            trained = json.loads((ner_model / META_FILE).read_text())
    elif tagger == "lexicon" and lexicon_from is not None:
        trained = {"trained_on": [d.id for d in read_documents(lexicon_from)]}
    overlap = check_training_overlap(trained, {d.id for d in docs}, split, allow_overlap)
    scores = evaluate_tagger(
        get_tagger(
            tagger,
            ner_model=ner_model,
            lexicon_from=lexicon_from,
            snap_words=snap_words,
            viterbi=viterbi,
            backend=backend,
        ),
        docs,
        errors_path=errors,
    )
    if output:
        output.write_text(json.dumps({**scores, "training_overlap_documents": overlap}, indent=2))
    typer.echo(format_span_table(scores))
    typer.echo(format_span_breakdown(scores["errors"]))
    typer.echo(f"{scores['speed']['documents_per_second']:.1f} documents/s")


# -- corpus ----------------------------------------------------------------------------------
@corpus_app.command("stats")
def corpus_stats(
    splits: Annotated[list[Path] | None, typer.Argument(help="split folders")] = None,
    scheme: Annotated[str, typer.Option(help="cpr | fine | coarse5")] = "coarse5",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Documents, entities and relations of each split, then its examples per class under a label scheme (the
    seed's table for coarse5); --json: the class table only."""
    _setup_logging()
    from relnet.examples.stats import class_table, format_class_table, format_split_counts, split_counts

    splits = splits or [DATA / "chemprot/original/training", DATA / "chemprot/original/development"]
    table = class_table(splits, scheme)
    if as_json:
        typer.echo(json.dumps(table, indent=2))
        return
    typer.echo(format_split_counts(split_counts(splits)) + "\n\n" + format_class_table(table))


@corpus_app.command("compare-blurb")
def compare_blurb(
    split: Path = DATA / "chemprot/original/development",
    blurb: Path = DATA / "chemprot/blurb/dev.tsv",
) -> None:
    """Compare relnet's `cpr` candidates of a split with the BLURB release, pair by pair."""
    _setup_logging()
    from relnet.examples.stats import compare_with_blurb

    typer.echo(json.dumps(compare_with_blurb(split, blurb), indent=2))


# -- mining and networks ---------------------------------------------------------------------
network_app = typer.Typer(help="Query, export and view a mined relation store.", no_args_is_help=True)
app.add_typer(network_app, name="network")

TypesOpt = Annotated[list[str] | None, typer.Option("--type", help="keep this relation label or CPR group (repeat)")]
MinEvidenceOpt = Annotated[int, typer.Option(help="drop edges read from fewer sentences")]
MinConfidenceOpt = Annotated[float, typer.Option(help="drop relations scored below this")]


@app.command()
def mine(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT…",
            help="text, PubTator, BioC, MEDLINE/PubMed XML, PMC JATS or abstracts TSV files (.gz/.bz2 too), folders of "
            "MEDLINE, JATS or TSV files, a PMC OA .tar.gz, or a split folder; read as a stream, in order",
        ),
    ],
    store: Annotated[
        Path | None, typer.Option(help="the SQLite store to create or extend (with --engine ray: imported into)")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="a model folder (…/best) or a registered name; default: the default model")
    ] = None,
    input_format: Annotated[
        str, typer.Option("--format", help="auto | text | pubtator | bioc | chemprot | medline | jats | tsv")
    ] = "auto",
    tagger: Annotated[str | None, typer.Option(help="NER backend: lexicon | transformer")] = None,
    lexicon_from: Annotated[Path | None, typer.Option(help="training split the lexicon is built from")] = None,
    ner_model: Annotated[
        str | None, typer.Option(help="NER model folder (or registered name) for --tagger transformer")
    ] = None,
    use_gold_mentions: Annotated[
        bool, typer.Option(help="with --tagger, keep the input's own mentions (the tagger fills in the rest)")
    ] = False,
    batch_docs: Annotated[int, typer.Option(help="documents per batch (their candidates are length-sorted)")] = 64,
    batch_size: int = 64,
    backend: BackendOpt = "auto",
    ner_backend: Annotated[str | None, typer.Option(help="the NER model's backend, if not --backend's")] = None,
    snap_words: SnapWordsOpt = True,
    viterbi: ViterbiOpt = True,
    layout: Annotated[
        str, typer.Option(help="plain text: blocks (documents separated by blank lines) | lines (one per line)")
    ] = "blocks",
    engine: Annotated[
        str, typer.Option(help="single (this process) | ray (a Ray cluster; see docs/scale.md)")
    ] = "single",
    address: Annotated[
        str | None, typer.Option(help="--engine ray: the cluster to join (default: RAY_ADDRESS, else a local Ray)")
    ] = None,
    workers: Annotated[int, typer.Option(help="--engine ray: actors, each with the models loaded once")] = 2,
    threads: Annotated[int, typer.Option(help="--engine ray: threads (CPUs) per actor")] = 1,
    output: Annotated[
        Path | None, typer.Option(help="--engine ray: the folder of Parquet shards (default: STORE.shards)")
    ] = None,
    shard_docs: Annotated[int, typer.Option(help="--engine ray: documents per shard (0: a shard per input file)")] = 0,
) -> None:
    """Find chemical–gene relations in INPUT… and add them to --store (rerun to resume); --engine ray mines on a
    Ray cluster into Parquet shards and imports them."""
    _setup_logging()
    from relnet import registry

    model_dir = registry.resolve(model)
    ner_dir = registry.resolve(ner_model, "ner") if ner_model is not None else None
    if tagger == "transformer" and ner_dir is None:  # a registered model's own tagger, as `serve` takes it
        ner_dir = registry.own_tagger(model)
    if engine not in ("single", "ray"):
        raise RelnetError(f"unknown engine {engine!r}; choose single or ray")
    if engine == "single":
        from relnet.mining.pipeline import mine_files

        if store is None:
            raise RelnetError("--store is required: the SQLite file to mine into")
        summary = mine_files(
            inputs, model_dir, store, input_format, tagger=tagger, lexicon_from=lexicon_from, ner_model=ner_dir,
            use_gold_mentions=use_gold_mentions, batch_docs=batch_docs, batch_size=batch_size, backend=backend,
            ner_backend=ner_backend, snap_words=snap_words, layout=layout, viterbi=viterbi,
        )  # fmt: skip
        typer.echo(summary.format())
        report = store.with_name(store.name + ".mine.json")
        typer.echo(f"report     {_mining_report(report, inputs, model_dir, ner_dir, tagger, summary.to_json())}")
        return
    from relnet.mining.ray_engine import mine_ray
    from relnet.store.parquet import import_shards

    if output is None and store is None:
        raise RelnetError("--engine ray needs --output (the shard folder) or --store (shards beside it)")
    out = output if output is not None else store.with_name(store.name + ".shards")  # type: ignore[union-attr]
    result = mine_ray(
        inputs, out, model_dir, input_format, layout, tagger, lexicon_from, ner_dir, use_gold_mentions, backend,
        ner_backend, snap_words, batch_docs, batch_size, shard_docs, workers, threads, address, viterbi=viterbi,
    )  # fmt: skip
    typer.echo(result.format())
    typer.echo(f"shards     {out}")
    report = {**result.to_json(), "shards_folder": str(out)}
    if store is not None:
        imported = import_shards(out, store)
        typer.echo(imported.format())
        typer.echo(f"store      {store}")
        report["import"] = {**asdict(imported), "relations": dict(imported.relations)}
    where = store.with_name(store.name + ".mine.json") if store is not None else out / "mine.json"
    typer.echo(f"report     {_mining_report(where, inputs, model_dir, ner_dir, tagger, report)}")


def _mining_report(path: Path, inputs: list[Path], model: Path, ner: Path | None, tagger: str, summary: dict) -> Path:
    """The last `relnet mine` run's summary as JSON at ``path``: ``STORE.mine.json`` beside its store, or
    ``mine.json`` in the shard folder of a Ray run without one (the store's ``runs`` table keeps every run's models
    and options)."""
    payload = {"inputs": [str(i) for i in inputs], "model": str(model), "ner_model": str(ner or ""), "tagger": tagger,
               **summary}  # fmt: skip
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


@app.command("pseudo-label")
def pseudo_label(
    inputs: Annotated[list[Path], typer.Argument(metavar="INPUT…", help="unlabeled text in any `relnet mine` format")],
    output: Annotated[Path, typer.Option(help="folder for documents.jsonl (a --extra-train corpus) and pseudo.json")],
    teacher: Annotated[
        list[str], typer.Option(help="a model folder or registered name that labels the pairs (repeat: an ensemble)")
    ],
    gate: Annotated[
        str | None, typer.Option(help="a cpr model (folder or name) deciding which pairs are related (fine/coarse5)")
    ] = None,
    exclude: Annotated[
        list[Path] | None, typer.Option(help="drop the documents of this split (repeat): dev, test")
    ] = None,
    min_confidence: Annotated[float, typer.Option(help="keep a pair whose label has at least this probability")] = 0.9,
    max_per_class: Annotated[int, typer.Option(help="at most this many pairs per label (seeded; 0 = all)")] = 0,
    negative_ratio: Annotated[
        float,
        typer.Option(
            help="cap the negative class at this many times the relation pairs kept, not at "
            "--max-per-class (gold ChemProt: 1.6; 0 = off)"
        ),
    ] = 0.0,
    max_docs: Annotated[int, typer.Option(help="stop after this many documents (0 = all)")] = 0,
    max_sentence_chars: Annotated[
        int, typer.Option(help="drop pairs in longer sentences: sequences, tables (0 = keep all)")
    ] = 1200,
    seed: int = 13,
    tagger: Annotated[str, typer.Option(help="NER backend: lexicon | transformer")] = "transformer",
    lexicon_from: Annotated[Path | None, typer.Option(help="training split the lexicon is built from")] = None,
    ner_model: Annotated[
        str | None, typer.Option(help="NER model folder (or registered name) for --tagger transformer")
    ] = None,
    batch_size: int = 64,
    backend: BackendOpt = "auto",
    cache: Annotated[
        bool,
        typer.Option(
            help="look the pairs a model scored before up in RELNET_HOME/pair-probs (a killed run resumes there; "
            "safe to delete)"
        ),
    ] = True,
) -> None:
    """Self-training data: tag INPUT…, label every candidate pair with --teacher, keep the confident ones, write
    them as a corpus for `relnet train --extra-train`."""
    _setup_logging()
    from relnet import registry
    from relnet.mentions import get_tagger
    from relnet.model.backends import resolve_backend
    from relnet.workflows.pseudo_label import pseudo_label_to_folder

    ner_dir = registry.resolve(ner_model, "ner") if ner_model is not None else None
    ner = get_tagger(tagger, lexicon_from=lexicon_from, ner_model=ner_dir, backend=resolve_backend(backend, kind="ner"))
    teachers = [str(registry.resolve(t)) for t in teacher]
    gate_dir = str(registry.resolve(gate)) if gate is not None else None
    stats = pseudo_label_to_folder(
        inputs, output, teachers, ner, gate_dir, exclude or [], min_confidence, max_per_class, max_docs, seed,
        resolve_backend(backend), batch_size, max_sentence_chars, negative_ratio, cache,
    )  # fmt: skip
    typer.echo(stats.format())
    typer.echo(f"corpus     {output / 'documents.jsonl'}  (relnet train --extra-train {output})")


@app.command("pseudo-tag")
def pseudo_tag(
    inputs: Annotated[list[Path], typer.Argument(metavar="INPUT…", help="unlabeled text in any `relnet mine` format")],
    output: Annotated[Path, typer.Option(help="folder for documents.jsonl (a train-ner --extra-train corpus)")],
    ner_model: Annotated[
        str | None, typer.Option(help="the teacher: NER model folder or registered name (default: the registered)")
    ] = None,
    exclude: Annotated[
        list[Path] | None, typer.Option(help="drop the documents of this split (repeat): dev, test")
    ] = None,
    max_docs: Annotated[int, typer.Option(help="stop after this many documents (0 = all)")] = 0,
    max_sentence_chars: Annotated[
        int, typer.Option(help="blank longer sentences and drop their mentions: sequences, tables (0 = keep all)")
    ] = 1200,
    tagger: Annotated[str, typer.Option(help="NER backend: transformer | lexicon")] = "transformer",
    lexicon_from: Annotated[Path | None, typer.Option(help="training split the lexicon is built from")] = None,
    viterbi: ViterbiOpt = True,
    backend: BackendOpt = "auto",
) -> None:
    """NER self-training data: tag INPUT… with a teacher tagger, write every document with its predicted mentions
    as a corpus for `relnet train-ner --extra-train`."""
    _setup_logging()
    from relnet import registry
    from relnet.mentions import get_tagger
    from relnet.model.backends import resolve_backend
    from relnet.workflows.pseudo_label import pseudo_tag_to_folder

    ner_dir = registry.resolve(ner_model, "ner") if tagger == "transformer" else None
    ner = get_tagger(tagger, lexicon_from=lexicon_from, ner_model=ner_dir, viterbi=viterbi,
                     backend=resolve_backend(backend, kind="ner"))  # fmt: skip
    teacher = str(ner_dir) if ner_dir is not None else f"lexicon from {lexicon_from}"
    settings = {"teacher": teacher, "viterbi": getattr(ner, "viterbi", None)}  # the decoding changes the tags
    stats = pseudo_tag_to_folder(inputs, output, ner, exclude or [], max_docs, settings, max_sentence_chars)
    typer.echo(stats.format())
    typer.echo(f"corpus     {output / 'documents.jsonl'}  (relnet train-ner --extra-train {output})")


@network_app.command("summary")
def network_summary(
    store: Annotated[Path, typer.Argument(help="a store written by `relnet mine`")],
    top: Annotated[int, typer.Option(help="hubs to list")] = 10,
    types: TypesOpt = None,
    min_evidence: MinEvidenceOpt = 1,
    min_confidence: MinConfidenceOpt = 0.0,
) -> None:
    """Counts, hubs and communities of the network in STORE."""
    from relnet.network.api import summary

    typer.echo(summary(store, top, types=types, min_evidence=min_evidence, min_confidence=min_confidence))


@network_app.command("query")
def network_query(
    store: Annotated[Path, typer.Argument(help="a store written by `relnet mine`")],
    name: Annotated[str, typer.Argument(help="an entity name, e.g. EGFR")],
    hops: int = 1,
    types: TypesOpt = None,
    min_evidence: MinEvidenceOpt = 1,
    min_confidence: MinConfidenceOpt = 0.0,
) -> None:
    """The relations around one entity."""
    from relnet.network.api import query

    typer.echo(query(store, name, hops, types=types, min_evidence=min_evidence, min_confidence=min_confidence))


@network_app.command("export")
def network_export(
    store: Annotated[Path, typer.Argument(help="a store written by `relnet mine`")],
    out: Annotated[Path, typer.Argument(help="the file to write")],
    export_format: Annotated[str, typer.Option("--format", help="graphml | cyjs | csv")] = "graphml",
    types: TypesOpt = None,
    min_evidence: MinEvidenceOpt = 1,
    min_confidence: MinConfidenceOpt = 0.0,
) -> None:
    """Write the network as GraphML, Cytoscape.js JSON or a CSV edge list."""
    from relnet.network.api import export

    check_output_file(out, reads=[store])
    path = export(store, out, export_format, types=types, min_evidence=min_evidence, min_confidence=min_confidence)
    typer.echo(f"network → {path}")


@network_app.command("html")
def network_html(
    store: Annotated[Path, typer.Argument(help="a store written by `relnet mine`")],
    out: Annotated[Path, typer.Argument(help="the HTML file to write")],
    types: TypesOpt = None,
    min_evidence: MinEvidenceOpt = 1,
    min_confidence: MinConfidenceOpt = 0.0,
    around: Annotated[str | None, typer.Option(help="draw the neighbourhood of this entity only")] = None,
    hops: Annotated[int, typer.Option(help="with --around: edges away from the entity")] = 1,
    max_edges: Annotated[
        int | None, typer.Option(help="refuse a larger graph, naming the filter that would do (default 3000; 0: none)")
    ] = None,
) -> None:
    """Write the network as one standalone HTML page (works offline)."""
    from relnet.network.api import html

    check_output_file(out, reads=[store])
    path = html(
        store, out, around=around, hops=hops, max_edges=max_edges, types=types, min_evidence=min_evidence,
        min_confidence=min_confidence,
    )  # fmt: skip
    typer.echo(f"network view → {path}")


store_app = typer.Typer(help="Export what a mined relation store holds; import distributed runs.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("export")
def store_export(
    store: Annotated[Path, typer.Argument(help="a store written by `relnet mine`")],
    out: Annotated[Path, typer.Argument(help="the file to write")],
    export_format: Annotated[str, typer.Option("--format", help="bioc (BioC XML) | pubtator")] = "bioc",
    relations_model: Annotated[
        str | None, typer.Option(help="export this model's relations only (default: every model's, highest score)")
    ] = None,
) -> None:
    """Write the store's documents, mentions (with concept ids) and relations as BioC XML or PubTator."""
    from relnet.store.export import export_store

    check_output_file(out, reads=[store])
    n = export_store(store, out, export_format, relations_model)
    typer.echo(f"{n} documents → {out}")


@store_app.command("import")
def store_import(
    shards: Annotated[Path, typer.Argument(help="the output folder of `relnet mine --engine ray`")],
    store: Annotated[Path, typer.Option(help="the SQLite store to create or extend")],
) -> None:
    """Merge the Parquet shards of a distributed run into a store (idempotent: shards merged before are skipped)."""
    _setup_logging()
    from relnet.store.parquet import import_shards

    typer.echo(import_shards(shards, store).format())


# -- synth -----------------------------------------------------------------------------------
def _synth_command():
    """`relnet synth`, with every `SynthConfig` field as a typed flag."""
    from relnet.synth import SynthConfig

    def synth(**kwargs) -> None:
        """Generate an artificial, class-balanced training corpus from the training split."""
        _setup_logging()
        from relnet.synth import synth_to_folder

        out, jsonl, inspect_n, overwrite = (kwargs.pop(k) for k in ("out", "jsonl", "inspect_n", "overwrite"))
        overrides = _overrides(kwargs)
        if "train" not in overrides:
            raise RelnetError("--train is required: the TRAINING split folder the corpus is built from")
        config = SynthConfig(**overrides)
        stats = synth_to_folder(config, out, jsonl=jsonl, inspect=inspect_n, overwrite=overwrite)
        typer.echo(json.dumps({"documents": stats["documents"], "classes": stats["classes"], "files": stats["files"]}))

    synth.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            _option("out", Path, ..., help="folder for documents.jsonl, stats.json, …"),
            _option("jsonl", bool, False, "--jsonl", help="also write scibert.jsonl (<< >> / [[ ]] markers)"),
            _option("inspect_n", int, 0, "--inspect", help="write inspect.md: N sentences per class, family"),
            _option("overwrite", bool, False, help="replace a corpus already in --out"),
            *_field_params(SynthConfig),
        ]
    )
    return synth


app.command("synth")(_synth_command())


# -- serve -----------------------------------------------------------------------------------
@app.command()
def serve(
    model: Annotated[
        str | None, typer.Option(help="a model folder (…/best) or a registered name; default: the default model")
    ] = None,
    store: Annotated[Path | None, typer.Option(help="a store written by `relnet mine`, for the Explore tab")] = None,
    tagger: Annotated[str | None, typer.Option(help="NER backend for untagged text: lexicon | transformer")] = None,
    lexicon_from: Annotated[Path | None, typer.Option(help="training split the lexicon is built from")] = None,
    ner_model: Annotated[
        str | None, typer.Option(help="NER model folder or registered name for --tagger transformer")
    ] = None,
    snap_words: SnapWordsOpt = True,
    viterbi: ViterbiOpt = True,
    backend: BackendOpt = "auto",
    host: Annotated[str, typer.Option(help="address to listen on (the default is this machine only)")] = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve the web app: analyse text in the browser, explore --store (read-only), and the JSON API."""
    _setup_logging()
    import uvicorn

    from relnet import registry
    from relnet.mentions import get_tagger
    from relnet.web import create_app

    folder = registry.resolve(model)
    own = registry.own_tagger(model) if tagger in (None, "transformer") and ner_model is None else None
    if own is not None:  # a registered model's own tagger
        tagger, ner_model = "transformer", str(own)
    if ner_model is not None:
        ner_model = registry.resolve(ner_model, "ner")
    options = {"lexicon_from": lexicon_from, "ner_model": ner_model, "snap_words": snap_words, "viterbi": viterbi,
               "backend": backend}  # fmt: skip
    ner = get_tagger(tagger, **options) if tagger else None
    web_app = create_app(folder, store, ner, tagger_name=tagger or "", backend=backend)
    typer.echo(f"model {folder}" + (f", tagger {tagger} {ner_model or ''}" if tagger else ""))
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.secho(f"warning: listening on {host}: anyone who can reach it can use the app", fg=typer.colors.YELLOW)
    uvicorn.run(web_app, host=host, port=port, log_level="info")


# -- pretrain / ensemble (issue 5) -----------------------------------------------------------
def _pretrain_command():
    """`relnet pretrain`, with every `PretrainConfig` field as a typed flag."""
    from relnet.pretraining.config import PretrainConfig

    def pretrain(**kwargs) -> None:
        """Continue masked-language-model pretraining of an encoder on in-domain text; the encoder
        goes to OUTPUT_DIR/final (use it with `relnet train --encoder`)."""
        _setup_logging()
        from relnet.pretraining import pretrain as run

        resume, overwrite, stop_at = kwargs.pop("resume"), kwargs.pop("overwrite"), kwargs.pop("stop_at_step")
        # `--exclude-splits ""` means: exclude nothing
        config = PretrainConfig(**_overrides(kwargs))
        summary = run(config, resume=resume, overwrite=overwrite, stop_at=stop_at)
        typer.echo(json.dumps(summary, indent=2))
        typer.echo(f"{summary['session_tokens_per_second']:.0f} tokens/s over {summary['session_seconds']:.0f} s")

    pretrain.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            _option("resume", bool, False, help="continue from OUTPUT_DIR/checkpoint (same weights as never stopped)"),
            _option("overwrite", bool, False, help="start again in a non-empty --output-dir"),
            _option("stop_at_step", int, 0, help="stop (with a checkpoint) at this step; --resume continues"),
            *_field_params(PretrainConfig),
        ]
    )
    return pretrain


app.command("pretrain")(_pretrain_command())


@app.command()
def ensemble(
    models: Annotated[list[Path], typer.Argument(help="model folders (…/best) or registered names, same labels")],
    split: Annotated[Path, typer.Option(help="the split to evaluate on (folder or SciBERT .jsonl)")],
    output: Annotated[Path, typer.Option(help="folder for ensemble.json and ensemble.txt")] = Path("runs/ensemble"),
    average_weights: Annotated[bool, typer.Option(help="also score the weight average (same encoder)")] = False,
    batch_size: int = 64,
    backend: BackendOpt = "auto",
) -> None:
    """Score each model, the mean of their probabilities (first 2…M) and the weight average on a split."""
    _setup_logging()
    from relnet import registry
    from relnet.workflows.ensemble import evaluate_ensemble

    check_output_folder(output)
    members = [registry.resolve(m) for m in models]
    result = evaluate_ensemble(members, split, output, batch_size, average_weights, backend)
    typer.echo(result["text"])


@app.command()
def score(
    predictions: Annotated[Path, typer.Argument(help="a prediction file: PMID, CPR group, Arg1:Tn, Arg2:Tm (TSV)")],
    gold: Annotated[Path, typer.Argument(help="the split's *_gold_standard.tsv, or the split folder")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
) -> None:
    """Score any system's prediction file as the BioCreative VI ChemProt kit does: micro P/R/F1 over CPR:3,4,5,6,9
    and per group (repeated lines are false positives; fields trimmed, case-insensitive; other lines skipped)."""
    _setup_logging()
    from relnet.evaluation.official import format_ratio, score_prediction_file

    result = score_prediction_file(predictions, gold)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2))
        return
    typer.echo(f"official (CPR:3,4,5,6,9): {result.overall.summary()}")
    typer.echo(f"{'group':<8}{'P':>8}{'R':>8}{'F1':>8}{'tp':>7}{'fp':>7}{'fn':>7}")
    for group, s in result.groups.items():
        typer.echo(f"{group:<8}{format_ratio(s.precision):>8}{s.recall:>8.4f}{s.f1:>8.4f}{s.tp:>7}{s.fp:>7}{s.fn:>7}")
    typer.echo(f"{result.lines} prediction lines; {result.skipped} skipped (not four fields), "
               f"{result.other_groups} of other groups (not scored)")  # fmt: skip


# -- backends: export / bench (issue 12) ----------------------------------------------------------
@app.command()
def export(
    model: Annotated[
        Path, typer.Argument(help="a relation or NER model folder (…/best), or a registered name (both its models)")
    ],
    int8: Annotated[bool, typer.Option(help="also write the int8-quantised graph")] = True,
    int8_exclude: Annotated[
        list[str] | None,
        typer.Option(
            help="keep nodes whose name contains this in fp32 when quantising (repeat; e.g. head, output.dense)"
        ),
    ] = None,
) -> None:
    """Export a model folder to ONNX (MODEL/onnx/model.onnx, and model.int8.onnx); `--backend onnx|int8` then
    loads them (and exports on first use where this was not run)."""
    _setup_logging()
    from relnet import registry
    from relnet.mentions.ner_model import META_FILE as NER_META
    from relnet.mentions.ner_model import TransformerTagger
    from relnet.model.classifier import RelationClassifier

    folders = [registry.resolve(model)]
    if (ner := registry.own_tagger(model)) is not None:  # a registered name: its tagger too
        folders.append(ner)
    for folder in folders:
        load = TransformerTagger.load if (folder / NER_META).is_file() else RelationClassifier.load
        for backend in ("onnx", "int8") if int8 else ("onnx",):
            loaded = load(folder)
            loaded.use_backend(backend, int8_exclude=tuple(int8_exclude or ()))
            typer.echo(f"{backend}: {loaded.runner.path}")  # type: ignore[union-attr]


@app.command()
def bench(
    model: Annotated[Path | None, typer.Option(help="a relation model folder (…/best) or registered name")] = None,
    ner_model: Annotated[Path | None, typer.Option(help="an NER model folder or registered name")] = None,
    split: Annotated[Path, typer.Option(help="the split measured on")] = DATA / "chemprot/original/development",
    train_split: Annotated[Path, typer.Option(help="training data of the training measurement")] = DATA
    / "chemprot/original/training",
    backend: Annotated[
        list[str] | None,
        typer.Option("--backend", help="a backend to measure (repeat); default: every CPU one, cuda on a GPU"),
    ] = None,
    pairs: Annotated[int, typer.Option(help="relation pairs (the first abstracts' candidates)")] = 2000,
    abstracts: Annotated[int, typer.Option(help="abstracts for NER and end-to-end mining")] = 200,
    train_steps: Annotated[int, typer.Option(help="training steps per precision (0: no training measurement)")] = 200,
    threads: Annotated[int, typer.Option(help="intra-op threads (0 = the cores this process may use)")] = 0,
    output: Annotated[Path, typer.Option(help="folder for bench.json and bench.txt")] = Path("runs/bench"),
) -> None:
    """Every backend this CPU runs, side by side on the same data: pairs/s, NER and mining abstracts/s, ratios
    to fp32, F1 of each, peak RSS; training examples/s per precision."""
    _setup_logging()
    from relnet import registry
    from relnet.benchmark import BenchConfig, default_backends, run_bench

    check_output_folder(output)
    model = registry.resolve(model) if model is not None else None
    ner_model = registry.resolve(ner_model, "ner") if ner_model is not None else None
    config = BenchConfig(
        str(split), str(train_split), str(model) if model else None, str(ner_model) if ner_model else None,
        backend or default_backends(), pairs, abstracts, train_steps=train_steps, threads=threads,
    )  # fmt: skip
    report = run_bench(config, output)
    typer.echo(report["text"])
    typer.echo(f"→ {output / 'bench.json'}, {output / 'bench.txt'}")


# -- the whole mission in one command; the models home (issue 15) -----------------------------------
@app.command()
def build(
    profile: Annotated[
        str, typer.Option(help="fast (~30 min on 2 cores with AVX-512 BF16; docs §13) | best (the measured best)")
    ] = "fast",
    data: Annotated[Path, typer.Option(help="folder holding chemprot/original/{training,development}")] = DATA,
    input_path: Annotated[
        Path | None, typer.Option("--input", help="what to mine (default: the development split as raw text)")
    ] = None,
    out: Annotated[Path, typer.Option(help="the build folder (steps cached here)")] = Path("runs/build"),
    name: Annotated[str | None, typer.Option(help="register the models under this name (default: the profile)")] = None,
    backend: BackendOpt = "auto",
) -> None:
    """From a labelled corpus to a network: train the NER tagger and the relation model, mine the input, write
    the store, the network summary and the interactive page. Steps already done are skipped; an interrupted
    build resumes."""
    _setup_logging()
    from relnet.build import BuildConfig
    from relnet.build import build as run

    config = BuildConfig(profile, str(data), str(input_path or ""), str(out), name or "", backend=backend)
    result = run(config, echo=typer.echo)
    scores = ", ".join(f"{k} {v:.3f}" for k, v in result["scores"].items() if v is not None)
    typer.echo(f"built {result['name']!r} ({scores})")
    typer.echo(f"  models   {result['models']['relations']}  ·  {result['models']['ner']}")
    typer.echo(f"  store    {result['store']}")
    typer.echo(f"  summary  {result['summary']}")
    typer.echo(f"  network  {result['html']}   (open it in a browser; or `relnet serve --store {result['store']}`)")


models_app = typer.Typer(
    help="Models by name (RELNET_HOME): registered by `relnet build` or `relnet models add`.", no_args_is_help=True
)
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list() -> None:
    """The registered models, the default first."""
    from relnet import registry

    known, default = registry.entries(), registry.default_name()
    if not known:
        typer.echo(f"no models registered in {registry.home()}: build one with `relnet build`")
        return
    for name in sorted(known, key=lambda n: (n != default, n)):
        e = known[name]
        scores = ", ".join(f"{k} {v:.3f}" for k, v in e.scores.items() if v is not None)
        typer.echo(f"{'*' if name == default else ' '} {name:<12} {e.profile:<6} {e.relations}  ({scores})")


@models_app.command("add")
def models_add(
    name: Annotated[str, typer.Argument(help="the name to register (replaces a model of that name)")],
    relations: Annotated[
        Path, typer.Option(help="relation model folder (a run's …/best)", exists=True, file_okay=False)
    ],
    ner: Annotated[
        Path | None,
        typer.Option(
            help="NER model folder, used by `serve`/`mine --tagger transformer`", exists=True, file_okay=False
        ),
    ] = None,
    default: Annotated[bool, typer.Option(help="make it the default model of `serve` and `mine`")] = True,
) -> None:
    """Register models trained outside `relnet build` (a self-trained student, the best NER tagger) by name."""
    from relnet import registry

    entry = registry.add(name, relations, ner, make_default=default)
    scores = ", ".join(f"{k} {v:.4f}" for k, v in entry.scores.items() if v is not None) or "no dev scores recorded"
    typer.echo(f"registered {name!r}{' (default)' if default else ''}: {entry.relations}  ({scores})")


@models_app.command("default")
def models_default(name: Annotated[str, typer.Argument(help="a registered model")]) -> None:
    """Make a registered model the default of `serve` and `mine`."""
    from relnet import registry

    registry.set_default(name)
    typer.echo(f"default model: {name}")


@models_app.command("remove")
def models_remove(name: Annotated[str, typer.Argument(help="a registered model")]) -> None:
    """Forget a registered model (its folders stay on disk)."""
    from relnet import registry

    registry.remove(name)
    typer.echo(f"removed {name!r}; default: {registry.default_name() or 'none'}")


cache_app = typer.Typer(
    help="Scores kept between runs (RELNET_HOME): what they hold; removing them.", no_args_is_help=True
)
app.add_typer(cache_app, name="cache")


@cache_app.command("list")
def cache_list() -> None:
    """Each model's cached pair scores (`pseudo-label`), each set of teacher targets (`train --teacher`) and each
    teacher pass killed before it ended (resumed by the same `train` command)."""
    from relnet.model.prob_cache import cache_entries
    from relnet.registry import home

    entries = cache_entries()
    if not entries:
        typer.echo(f"nothing cached in {home()}")
        return
    for e in entries:
        items = (
            "unreadable" if e.items < 0 else f"{e.items:,} {'examples' if e.kind == 'teacher targets' else 'scores'}"
        )
        typer.echo(f"{e.kind:<15} {_mib(e.size):>10}  {items:>16}  written {_ago(e.idle_days()):>10}  {e.model}")
    typer.echo(f"{len(entries)} entries, {_mib(sum(e.size for e in entries))} in {home()}")


@cache_app.command("clear")
def cache_clear(
    older_than: Annotated[float, typer.Option(help="only entries not written to for this many days (0: all)")] = 0,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask before deleting")] = False,
) -> None:
    """Delete cached scores: a later run predicts them again (the same values; only time is lost)."""
    from relnet.model.prob_cache import cache_entries, remove_entries

    doomed = [e for e in cache_entries() if not older_than or e.idle_days() >= older_than]
    if not doomed:
        typer.echo("nothing to delete")
        return
    size = _mib(sum(e.size for e in doomed))
    if not yes and not typer.confirm(f"delete {len(doomed)} cache entries ({size})?"):
        raise typer.Exit(1)
    gone = remove_entries(doomed)
    typer.echo(f"deleted {len(gone)} cache entries, {_mib(sum(e.size for e in gone))} freed")
    if len(gone) < len(doomed):
        typer.echo(f"error: {len(doomed) - len(gone)} could not be deleted (see the warnings above)", err=True)
        raise typer.Exit(1)


def _ago(days: float) -> str:
    return f"{days:.1f} days ago" if days >= 1 else f"{days * 24:.0f} h ago"


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


# -- one check of the numbers every command takes ---------------------------------------------------------------
#: The least value of an option, by parameter name, wherever a command has it: sizes and counts (≥ 1), caps and
#: settings where 0 means "none", "off" or "all" (≥ 0). Below it, a slice or a range would misbehave silently
#: (``[:-1]`` drops the last item; a negative batch yields nothing) or fail with a traceback. Training, NER and
#: pretraining options are their configs' fields, checked by the configs.
LEAST: dict[str, int | float] = {
    "batch_size": 1, "batch_docs": 1, "pairs": 1, "abstracts": 1, "top": 1, "min_evidence": 1, "workers": 1,
    "max_edges": 0, "hops": 0, "max_docs": 0, "max_per_class": 0, "max_sentence_chars": 0, "shard_docs": 0,
    "threads": 0, "train_steps": 0, "inspect_n": 0, "stop_at_step": 0, "min_confidence": 0.0, "port": 0,
    "older_than": 0,
}  # fmt: skip
INT_LIMIT = 2**63 - 1
MOST: dict[str, int | float] = {"min_confidence": 1.0, "port": 65535, "negative_keep": 1.0}


def _checked(callback):
    """``callback`` with its numeric options checked against `LEAST` and `MOST` first (named as on the command
    line); the signature typer reads is the callback's own."""

    @functools.wraps(callback)
    def checked(*args, **kwargs):
        for name, value in kwargs.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            flag = "--" + name.removesuffix("_n").replace("_", "-")
            if isinstance(value, float) and not math.isfinite(value):  # NaN passes every comparison below
                raise RelnetError(f"{flag} must be a finite number, got {value}")
            if isinstance(value, int) and abs(value) > INT_LIMIT:  # SQLite and torch hold 64-bit integers
                raise RelnetError(f"{flag} must be at most {INT_LIMIT:,} in size, got {value}")
            if name in LEAST and value < LEAST[name]:
                raise RelnetError(f"{flag} must be ≥ {LEAST[name]}, got {value}")
            if name in MOST and value > MOST[name]:
                raise RelnetError(f"{flag} must be ≤ {MOST[name]}, got {value}")
            if name == "negative_keep" and value <= 0:
                raise RelnetError(f"{flag} must be in (0, 1], got {value}")
        return callback(*args, **kwargs)

    return checked


def _check_every_command(typer_app: typer.Typer) -> None:
    for info in typer_app.registered_commands:
        info.callback = _checked(info.callback)
    for group in typer_app.registered_groups:
        _check_every_command(group.typer_instance)


_check_every_command(app)


def main() -> None:
    try:
        app()
    except RelnetError as err:  # pragma: no cover - commands catch their own
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
