"""The ``relnet`` command line: each command parses options, calls one library function, prints.

No torch, SQL or graph logic lives here.
"""

from __future__ import annotations

import inspect
import json
import logging
import sys
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Annotated

import typer

from relnet.errors import RelnetError

app = typer.Typer(help="relnet: chemical–protein relation extraction and networks.", no_args_is_help=True)
corpus_app = typer.Typer(help="Inspect corpora.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

DATA = Path("../shared/data")
_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list[str]": list[str]}


def _setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(levelname)s %(message)s")
    for noisy in ("transformers", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # "weights not used: pooler" is expected: we never use the pooler


def _fail(err: Exception) -> None:
    typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


# -- train -----------------------------------------------------------------------------------
def _train_command():
    """Build `relnet train` from `TrainConfig`'s fields, so every field is a typed flag."""
    from relnet.training.config import TrainConfig

    params = [
        inspect.Parameter("config_file", inspect.Parameter.KEYWORD_ONLY, annotation=Path | None,
                          default=typer.Option(None, "--config", help="a JSON preset from configs/")),
        inspect.Parameter("resume", inspect.Parameter.KEYWORD_ONLY, annotation=bool,
                          default=typer.Option(False, help="continue the run in --output-dir")),
        inspect.Parameter("overwrite", inspect.Parameter.KEYWORD_ONLY, annotation=bool,
                          default=typer.Option(False, help="start again in a non-empty --output-dir")),
    ]  # fmt: skip
    for f in fields(TrainConfig):
        default = f.default if f.default is not MISSING else None
        annotation = _TYPES[str(f.type)] | None
        params.append(
            inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                              default=typer.Option(None, help=f"{f.metadata.get('help', '')} [default: {default}]"))
        )  # fmt: skip

    def train(**kwargs) -> None:
        """Train a relation classifier; writes the model folder and dev reports to --output-dir."""
        _setup_logging()
        from relnet.training.run import run_training

        config_file, resume, overwrite = kwargs.pop("config_file"), kwargs.pop("resume"), kwargs.pop("overwrite")
        overrides = {k: v for k, v in kwargs.items() if v is not None and v != []}
        try:
            config = TrainConfig.from_file(config_file, **overrides) if config_file else TrainConfig(**overrides)
            result = run_training(config, resume=resume, overwrite=overwrite)
        except RelnetError as err:
            _fail(err)
        typer.echo(result["text"])
        typer.echo(f"model: {Path(config.output_dir) / 'best'}  (reports in {config.output_dir})")

    train.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return train


app.command("train")(_train_command())


# -- evaluate / predict ----------------------------------------------------------------------
@app.command()
def evaluate(
    model: Annotated[Path, typer.Argument(help="a model folder (…/best)")],
    split: Annotated[Path, typer.Argument(help="a ChemProt split folder or SciBERT .jsonl")],
    output: Annotated[Path, typer.Option(help="folder for the reports")] = Path("runs/eval"),
    batch_size: int = 64,
) -> None:
    """Score a trained model on a split: per-class and micro/macro F1, and the official score."""
    _setup_logging()
    from relnet.evaluation.evaluate import evaluate_split

    try:
        text = evaluate_split(model, split, output, batch_size)
    except RelnetError as err:
        _fail(err)
    typer.echo(text)


@app.command()
def predict(
    model: Annotated[Path, typer.Argument(help="a model folder (…/best)")],
    split: Annotated[Path, typer.Argument(help="a ChemProt/DrugProt split folder")],
    output: Annotated[Path, typer.Option(help="official-format TSV of predictions")] = Path("runs/predictions.tsv"),
    batch_size: int = 64,
) -> None:
    """Predict every candidate pair of a split; write the BioCreative VI format (PMID, CPR, Arg1, Arg2)."""
    _setup_logging()
    from relnet.evaluation.evaluate import predict_split

    try:
        n = predict_split(model, split, output, batch_size)
    except RelnetError as err:
        _fail(err)
    typer.echo(f"{n} relations → {output} (and {output.with_suffix('.jsonl')})")


# -- corpus ----------------------------------------------------------------------------------
@corpus_app.command("stats")
def corpus_stats(
    splits: Annotated[list[Path] | None, typer.Argument(help="split folders")] = None,
    scheme: Annotated[str, typer.Option(help="cpr | fine | coarse5")] = "coarse5",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Examples per class for each split under a label scheme (the seed's table for coarse5)."""
    _setup_logging()
    from relnet.examples.stats import class_table, format_class_table

    splits = splits or [DATA / "chemprot/original/training", DATA / "chemprot/original/development"]
    try:
        table = class_table(splits, scheme)
    except RelnetError as err:
        _fail(err)
    typer.echo(json.dumps(table, indent=2) if as_json else format_class_table(table))


@corpus_app.command("compare-blurb")
def compare_blurb(
    split: Path = DATA / "chemprot/original/development",
    blurb: Path = DATA / "chemprot/blurb/dev.tsv",
) -> None:
    """Compare relnet's `cpr` candidates of a split with the BLURB release, pair by pair."""
    _setup_logging()
    from relnet.examples.stats import compare_with_blurb

    try:
        typer.echo(json.dumps(compare_with_blurb(split, blurb), indent=2))
    except RelnetError as err:
        _fail(err)


def main() -> None:
    try:
        app()
    except RelnetError as err:  # pragma: no cover - commands catch their own
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
