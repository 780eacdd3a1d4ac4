"""Mining on Ray: the same pipeline as `relnet.mining.pipeline`, spread over a cluster's cores.

Ray Data holds the shards of the input (`relnet.mining.shards`: a file each, or ranges of documents) and maps them
through a pool of actors, `ShardMiner`: each actor loads the tagger and the relation model once (with ``threads``
intra-op threads, scheduled as that many CPUs), reads its shard as a stream, mines it in batches with
`relnet.mining.pipeline.mine_batch` — the very function the single-process path runs — and writes the shard's
documents, mentions and relations as Parquet (`relnet.store.parquet`). `relnet store import` (or ``store=`` here)
merges the shards into the SQLite store.

Faults are Ray's to handle, and the output makes them harmless: an actor that dies is restarted and its shard
retried (Ray Data's default for actor pools), and a shard is written atomically, so every document lands once; a
driver that dies leaves the finished shards behind, and the rerun skips them.

No address: Ray starts on this machine with ``workers × threads`` CPUs. With ``address`` (or ``RAY_ADDRESS``) it
joins a running cluster; relnet, the models and the input must then be where every node can read them (docs/scale.md).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from relnet.data import Deletion, Document, Relation
from relnet.errors import RelnetError
from relnet.mining.shards import Shard, plan_shards
from relnet.store.parquet import DONE, done_shards, is_done, shard_folder, write_shard

log = logging.getLogger("relnet")

#: Fault injection for tests and drills: a worker exits abruptly on the shard named (once; a marker file in the
#: output folder remembers it), the driver kills itself after this many shards.
CHAOS_KILL_WORKER = "RELNET_CHAOS_KILL_WORKER"
CHAOS_KILL_DRIVER_AFTER = "RELNET_CHAOS_KILL_DRIVER_AFTER"


@dataclass
class RayMiningSummary:
    """What a distributed run did; ``documents`` counts this run's shards only."""

    shards: int = 0
    skipped_shards: int = 0  # written by an earlier (interrupted) run
    documents: int = 0
    deletions: int = 0
    mentions: int = 0
    relations: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    workers: int = 0
    threads: int = 0
    address: str = ""
    nodes: int = 0

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "relations": dict(self.relations), "docs_per_second": self.docs_per_second}

    def format(self) -> str:
        return "\n".join([
            f"shards     {self.shards} mined, {self.skipped_shards} written by an earlier run",
            f"documents  {self.documents} mined" + (f", {self.deletions} deletion records" if self.deletions else ""),
            f"mentions   {self.mentions}",
            f"relations  {sum(self.relations.values())}",
            *(f"  {label:<12} {n}" for label, n in self.relations.most_common()),
            f"time       {self.seconds:.1f} s ({self.docs_per_second:.1f} documents/s) on {self.workers} workers × "
            f"{self.threads} threads, {self.nodes} node(s)",
        ])  # fmt: skip


class ShardMiner:
    """A Ray Data actor: the models, loaded once; each call mines the shards of one batch of shard rows."""

    def __init__(self, out: str, model_dir: str, options: dict[str, Any]) -> None:
        from relnet.mining.pipeline import load_models

        self.out = out
        self.options = options
        self.models = load_models(
            model_dir, options["tagger"], options["lexicon_from"], options["ner_model"], options["backend"],
            options["ner_backend"], options["snap_words"], threads=options["threads"],
            viterbi=options["viterbi"],
        )  # fmt: skip
        self.model_path = str(Path(model_dir).resolve())

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        rows = [dict(zip(batch, values)) for values in zip(*(list(v) for v in batch.values()))]
        records = [self.mine_shard(Shard.from_row(row)) for row in rows]
        return {
            "name": [r["name"] for r in records],
            "skipped": [bool(r.get("skipped")) for r in records],
            "documents": [r["documents"] for r in records],
            "deletions": [r["deletions"] for r in records],
            "mentions": [r["mentions"] for r in records],
            "relations": [json.dumps(r["relations"]) for r in records],
            "host": [r["host"] for r in records],
        }

    def mine_shard(self, shard: Shard) -> dict[str, Any]:
        from relnet.mining.pipeline import mine_batch

        if is_done(self.out, shard.name):  # a retried task whose shard was written before the failure
            record = json.loads((shard_folder(self.out, shard.name) / DONE).read_text())
            return {**record, "skipped": True}
        self._chaos(shard)
        started = time.perf_counter()
        m, opts = self.models, self.options
        drop = m.tagger is not None and not opts["use_gold_mentions"]
        items: list[tuple[Document, Sequence[Relation]] | Deletion] = []
        pending: list[Document] = []

        def flush() -> None:
            if pending:
                docs, relations = mine_batch(pending, m.tagger, m.classifier, opts["batch_size"])
                items.extend(zip(docs, relations))
                pending.clear()

        for item in shard.read():
            if isinstance(item, Deletion):
                flush()
                items.append(item)
                continue
            pending.append(item.with_annotations((), ()) if drop else item.with_annotations(relations=()))
            if len(pending) >= opts["batch_docs"]:
                flush()
        flush()
        info = {
            "input": shard.path, "start": shard.start, "stop": shard.stop, "seconds": time.perf_counter() - started,
            "relations_path": self.model_path, "tagger_path": m.tagger_path,
        }  # fmt: skip
        return write_shard(self.out, shard.name, items, info, m.model_id, m.tagger_id)

    def _chaos(self, shard: Shard) -> None:
        if os.environ.get(CHAOS_KILL_WORKER) == shard.name:
            marker = Path(self.out) / f".chaos-killed-{shard.name}"
            if not marker.exists():
                marker.write_text(f"{socket.gethostname()} {os.getpid()}\n")
                os._exit(1)  # as abrupt as a killed process: no cleanup, no exception for Ray to catch


def mine_ray(
    inputs: Sequence[str | Path],
    out: str | Path,
    model_dir: str | Path,
    fmt: str = "auto",
    layout: str = "blocks",
    tagger: str | None = None,
    lexicon_from: str | Path | None = None,
    ner_model: str | Path | None = None,
    use_gold_mentions: bool = False,
    backend: str = "fp32",
    ner_backend: str | None = None,
    snap_words: bool = True,
    batch_docs: int = 64,
    batch_size: int = 64,
    shard_docs: int = 0,
    workers: int = 2,
    threads: int = 1,
    address: str | None = None,
    progress: bool = True,
    viterbi: bool = True,
) -> RayMiningSummary:
    """Mine ``inputs`` on Ray into shard folders under ``out`` (`relnet.store.parquet`); resumes: shards written
    before are skipped. Returns what this run did; ``out/run.json`` and ``out/run.txt`` record it too."""
    from relnet.mining.pipeline import read_inputs
    from relnet.progress import progress as progress_bar

    if workers < 1 or threads < 1:
        raise RelnetError(f"workers and threads must be at least 1, found {workers} and {threads}")
    if not Path(model_dir).is_dir():
        raise RelnetError(f"{model_dir}: model folder not found")
    if tagger == "transformer" and (ner_model is None or not Path(ner_model).is_dir()):
        raise RelnetError(f"{ner_model}: NER model folder not found (--ner-model)")
    paths = [str(p) for p in ([inputs] if isinstance(inputs, str | Path) else inputs)]
    read_inputs(paths, fmt, layout, tagged=tagger is not None)  # checks formats and paths now, reads nothing
    shards = plan_shards(paths, fmt, layout, shard_docs)
    out = Path(out).resolve()
    (out / "shards").mkdir(parents=True, exist_ok=True)
    done = set(done_shards(out))
    todo = [s for s in shards if s.name not in done]
    summary = RayMiningSummary(skipped_shards=len(shards) - len(todo), workers=workers, threads=threads)
    started = time.perf_counter()
    if todo:
        ray, own = _ray_init(address, workers * threads)
        try:
            summary.address = ray.get_runtime_context().gcs_address
            summary.nodes = len([n for n in ray.nodes() if n.get("Alive")])
            options = dict(
                tagger=tagger, lexicon_from=str(Path(lexicon_from).resolve()) if lexicon_from else None,
                ner_model=str(Path(ner_model).resolve()) if ner_model else None, use_gold_mentions=use_gold_mentions,
                backend=backend, ner_backend=ner_backend, snap_words=snap_words, viterbi=viterbi, batch_docs=batch_docs,
                batch_size=batch_size, threads=threads,
            )  # fmt: skip
            bar = progress_bar(total=len(todo), desc="mine (ray)", unit="shard", disable=not progress)
            summary_rows = _run(ray, todo, out, model_dir, options, workers, threads, bar)
            for row in summary_rows:
                summary.shards += 1
                summary.documents += int(row["documents"])
                summary.deletions += int(row["deletions"])
                summary.mentions += int(row["mentions"])
                summary.relations.update(json.loads(row["relations"]))
        finally:
            if own:
                ray.shutdown()
    summary.seconds = time.perf_counter() - started
    (out / "run.json").write_text(json.dumps(summary.to_json(), indent=2) + "\n")
    (out / "run.txt").write_text(summary.format() + "\n")
    return summary


def _ray_init(address: str | None, cpus: int) -> tuple[Any, bool]:
    """Ray, started here (no address: a local instance of ``cpus`` CPUs) or joined; True if this call started it."""
    try:
        import ray
    except ImportError:
        raise RelnetError("--engine ray needs Ray: pip install 'relnet[scale]'") from None
    if ray.is_initialized():
        return ray, False
    env = {k: v for k, v in os.environ.items() if k.startswith("RELNET_")}  # models home, data, fault drills
    kwargs: dict[str, Any] = {
        "include_dashboard": False, "logging_level": logging.WARNING, "log_to_driver": False,
        "runtime_env": {"env_vars": env} if env else None,
    }  # fmt: skip
    address = address or os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, **kwargs)
    else:
        ray.init(num_cpus=cpus, object_store_memory=256 << 20, **kwargs)
    return ray, True


def _run(
    ray: Any, todo: list[Shard], out: Path, model_dir: str | Path, options: dict[str, Any], workers: int,
    threads: int, bar: Any,
) -> list[dict[str, Any]]:  # fmt: skip
    """Map the shards through the actor pool; one summary row per shard, as each finishes."""
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False  # relnet's bar counts shards; Ray's would print per operator
    ctx.enable_operator_progress_bars = False
    ds = ray.data.from_items([s.to_row() for s in todo], override_num_blocks=len(todo))
    mined = ds.map_batches(
        ShardMiner, batch_size=1, concurrency=workers, num_cpus=threads,
        fn_constructor_kwargs={"out": str(out), "model_dir": str(Path(model_dir).resolve()), "options": options},
    )  # fmt: skip
    kill_after = int(os.environ.get(CHAOS_KILL_DRIVER_AFTER, "0") or 0)
    rows: list[dict[str, Any]] = []
    try:
        for row in mined.iter_rows():
            rows.append(dict(row))
            bar.update(1)
            if kill_after and len(rows) >= kill_after:
                os.kill(os.getpid(), signal.SIGKILL)  # a driver killed mid-run: the rerun must resume
    finally:
        bar.close()
    return rows
