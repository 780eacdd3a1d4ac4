"""Distributed mining on Ray: the same relations as the single-process path, on a local Ray and a simulated
two-node cluster; a worker killed mid-run and a driver killed and rerun; shard planning and idempotent import."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from relnet.mining.shards import plan_shards
from relnet.store import RelationStore
from relnet.store.parquet import done_shards, import_shards

ray = pytest.importorskip("ray")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CHEMICALS = ("Aspirin", "Ibuprofen", "Caffeine", "Gefitinib", "Metformin")
GENES = ("COX-2", "PPAR-gamma", "EGFR", "OCT1")
VERBS = ("inhibits", "activates", "binds", "is a substrate of", "is unrelated to")


def _abstracts(path: Path, n: int, offset: int) -> Path:
    """``n`` abstracts as SOURCE, PMID, TITLE, ABSTRACT rows; names the lexicon of `split_dir` knows."""
    rows = []
    for i in range(offset, offset + n):
        c, g = CHEMICALS[i % 5], GENES[i % 4]
        c2, g2, verb = CHEMICALS[(i + 2) % 5], GENES[(i + 1) % 4], VERBS[i % 5]
        rows.append(f"test\t{900000 + i}\t{c} and {g}.\t{c} {verb} {g} in cells. {c2} {VERBS[(i + 1) % 5]} {g2}; "
                    f"{g} was also studied with {c2}.")  # fmt: skip
    rows.insert(3, f"test\t\t\t{CHEMICALS[0]} inhibits {GENES[2]}.")  # no PMID, no title: SOURCE:FILE:LINE
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random relation model (random head: scores differ by pair, so equality of scores means something)."""
    from relnet.model.tiny import save_tiny_relation_classifier

    # some pairs are relations
    bias = [0.0, 0.5, 0.6, 0.4, 0.3, 0.2]
    return save_tiny_relation_classifier(tmp_path_factory.mktemp("ray") / "model", bias, random_head=True)


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "input"
    folder.mkdir()
    baseline, update = folder / "pubmed25n0001.xml", folder / "pubmed25n1275.xml"
    shutil.copy(FIXTURES / "pubmed25n0001-sample.xml", baseline)
    shutil.copy(FIXTURES / "pubmed25n1275-sample.xml", update)  # a newer version of one PMID, deletions
    return [_abstracts(folder / "a.tsv", 13, 0), baseline, _abstracts(folder / "b.tsv", 9, 13), update]


def _single(inputs: list[Path], model_dir: Path, split_dir: Path, store: Path) -> None:
    from relnet.mining.pipeline import mine_files

    mine_files(inputs, model_dir, store, tagger="lexicon", lexicon_from=split_dir, batch_docs=4, progress=False)


def _ray(inputs: list[Path], model_dir: Path, split_dir: Path, out: Path, **kwargs):
    from relnet.mining.ray_engine import mine_ray

    options = {"shard_docs": 5, "workers": 2, "threads": 1, "batch_docs": 4, "progress": False, **kwargs}
    return mine_ray(inputs, out, model_dir, tagger="lexicon", lexicon_from=split_dir, **options)


def _contents(store: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Documents, mentions and relations (scores rounded to 1e-5) of a store, sorted."""
    with sqlite3.connect(store) as conn:
        docs = sorted(conn.execute("SELECT id, text, version, revised FROM documents"))
        mentions = sorted(conn.execute('SELECT doc_id, id, start, "end", kind, entity_key FROM mentions'))
        relations = sorted(
            (d, a, b, label, round(score, 5), model, tagger)
            for d, a, b, label, score, model, tagger in conn.execute(
                "SELECT doc_id, arg1, arg2, label, score, model_id, tagger_id FROM relations"
            )
        )
    return docs, mentions, relations


def _same_answers(single: Path, distributed: Path) -> None:
    docs, mentions, relations = _contents(single)
    assert relations, "the test model should find relations"
    assert _contents(distributed) == (docs, mentions, relations)


def test_plan_shards_cover_every_document_once_in_input_order(inputs: list[Path]) -> None:
    from relnet.mining.pipeline import read_inputs

    shards = plan_shards(inputs, shard_docs=5)
    assert [s.name for s in shards] == sorted(s.name for s in shards)
    ids = [d.id for s in shards for d in s.read()]
    assert ids == [d.id for d in read_inputs(inputs, tagged=True)]
    assert len(plan_shards(inputs)) == 4  # a shard per file without shard_docs


def test_ray_with_two_workers_mines_what_one_process_mines(
    inputs: list[Path], model_dir: Path, split_dir: Path, tmp_path: Path
) -> None:
    _single(inputs, model_dir, split_dir, tmp_path / "single.sqlite")
    summary = _ray(inputs, model_dir, split_dir, tmp_path / "out")
    assert summary.shards == len(plan_shards(inputs, shard_docs=5)) and summary.workers == 2
    first = import_shards(tmp_path / "out", tmp_path / "ray.sqlite", progress=False)
    _same_answers(tmp_path / "single.sqlite", tmp_path / "ray.sqlite")
    assert first.deleted == 1 and first.replaced == 1  # the update file's deletion and newer version
    again = import_shards(tmp_path / "out", tmp_path / "ray.sqlite", progress=False)  # idempotent
    assert (again.shards, again.skipped_shards, again.documents) == (0, first.shards, 0)
    _same_answers(tmp_path / "single.sqlite", tmp_path / "ray.sqlite")
    rerun = _ray(inputs, model_dir, split_dir, tmp_path / "out")  # everything written: nothing to mine
    assert (rerun.shards, rerun.skipped_shards) == (0, first.shards)


def test_ray_on_a_simulated_two_node_cluster(
    inputs: list[Path], model_dir: Path, split_dir: Path, tmp_path: Path
) -> None:
    from ray.cluster_utils import Cluster

    _single(inputs, model_dir, split_dir, tmp_path / "single.sqlite")
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    try:
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        summary = _ray(inputs, model_dir, split_dir, tmp_path / "out", address=cluster.address)
    finally:
        cluster.shutdown()
    assert summary.nodes == 2
    import_shards(tmp_path / "out", tmp_path / "ray.sqlite", progress=False)
    _same_answers(tmp_path / "single.sqlite", tmp_path / "ray.sqlite")


def test_ray_worker_killed_mid_run_every_document_once(
    inputs: list[Path], model_dir: Path, split_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relnet.mining.ray_engine import CHAOS_KILL_WORKER

    _single(inputs, model_dir, split_dir, tmp_path / "single.sqlite")
    monkeypatch.setenv(CHAOS_KILL_WORKER, "00000-0001")  # the actor mining this shard exits abruptly, once
    summary = _ray(inputs, model_dir, split_dir, tmp_path / "out")
    assert (tmp_path / "out" / ".chaos-killed-00000-0001").is_file()  # it did die
    assert summary.shards == len(plan_shards(inputs, shard_docs=5))
    import_shards(tmp_path / "out", tmp_path / "ray.sqlite", progress=False)
    _same_answers(tmp_path / "single.sqlite", tmp_path / "ray.sqlite")


def test_ray_driver_killed_then_rerun_resumes(
    inputs: list[Path], model_dir: Path, split_dir: Path, tmp_path: Path
) -> None:
    from relnet.mining.ray_engine import CHAOS_KILL_DRIVER_AFTER

    _single(inputs, model_dir, split_dir, tmp_path / "single.sqlite")
    out, store = tmp_path / "out", tmp_path / "ray.sqlite"
    command = [sys.executable, "-m", "relnet.cli", "mine", *map(str, inputs), "--engine", "ray", "--workers", "1",
               "--output", str(out), "--store", str(store), "--model", str(model_dir), "--tagger", "lexicon",
               "--lexicon-from", str(split_dir), "--shard-docs", "5", "--batch-docs", "4",
               "--backend", "fp32"]  # fmt: skip
    killed = subprocess.run(command, env={**os.environ, CHAOS_KILL_DRIVER_AFTER: "2"}, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    total = len(plan_shards(inputs, shard_docs=5))
    written = len(done_shards(out))
    assert 2 <= written < total and not store.exists()  # killed before the import
    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    # an orphaned worker of the killed driver may still finish the shard it held: the rerun can find one more
    found = re.search(r"(\d+) mined, (\d+) written by an earlier run", rerun.stdout)
    assert found, rerun.stdout
    mined, earlier = int(found[1]), int(found[2])
    assert written <= earlier <= written + 1 and mined + earlier == total
    _same_answers(tmp_path / "single.sqlite", store)


def test_a_moved_model_is_the_same_model_to_the_store(
    inputs: list[Path], model_dir: Path, split_dir: Path, tmp_path: Path
) -> None:
    from relnet.mining.pipeline import mine_files

    store = tmp_path / "s.sqlite"
    first = mine_files(inputs[:1], model_dir, store, tagger="lexicon", lexicon_from=split_dir, progress=False)
    moved = shutil.copytree(model_dir, tmp_path / "elsewhere" / "renamed")
    again = mine_files(inputs[:1], moved, store, tagger="lexicon", lexicon_from=split_dir, progress=False)
    assert (again.documents, again.skipped) == (0, first.documents)
    with RelationStore(store) as s:
        (model,) = s.models()
        assert model.startswith("sha256:") and s.find_model(str(moved)) == s.find_model(str(model_dir)) == model
        assert s.model_paths()[model] == str(moved.resolve())  # where it was last seen
