"""The recipe scripts parse (`bash -n`), and each that takes arguments says how to call it: they run for hours,
so a typo must fail here rather than after the first step."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SCRIPTS = sorted((ROOT / "scripts").glob("*.sh"))


def test_there_are_scripts() -> None:
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_parses_and_documents_its_usage(script: Path) -> None:
    parsed = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert parsed.returncode == 0, parsed.stderr
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    if re.search(r"\$\{?[1-9]", text):  # takes positional arguments
        assert re.search(rf"^# Usage: scripts/{script.name} ", text, re.M), f"{script.name}: no '# Usage:' line"


# A stand-in for `relnet` on PATH: it parses each call with relnet's own command line (an unknown option, a missing
# argument or a path that does not exist fails as the real command would, before hours of work), logs it, and writes
# the outputs the scripts test for, so the next step runs and a second run can skip what is done.
FAKE_RELNET = """#!{python}
import json, os, sys, time
from pathlib import Path

import typer.main

import relnet.cli

args = sys.argv[1:]
with open(os.environ["FAKE_RELNET_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if os.environ.get("FAKE_RELNET_FAIL") and os.environ["FAKE_RELNET_FAIL"] in " ".join(args):
    sys.exit("fake relnet: failing as asked")
group = typer.main.get_command(relnet.cli.app)
try:
    ctx = group.make_context("relnet", list(args))
    name, cmd, rest = group.resolve_command(ctx, [*getattr(ctx, "_protected_args", []), *ctx.args])
    while hasattr(cmd, "resolve_command"):  # a sub-group: `relnet models add`
        ctx = cmd.make_context(name, rest, parent=ctx)
        name, cmd, rest = cmd.resolve_command(ctx, [*getattr(ctx, "_protected_args", []), *ctx.args])
    params = cmd.make_context(name, rest, parent=ctx).params
except Exception as e:
    sys.exit(f"fake relnet: {{' '.join(args)}}: {{type(e).__name__}}: {{e}}")
slow = os.environ.get("FAKE_RELNET_SLOW")  # a training that takes a minute
if name in ("train", "train-ner", "pretrain") and (os.environ.get("FAKE_RELNET_SECONDS") or slow):
    start = time.time()
    time.sleep(60 if slow and slow in " ".join(args) else float(os.environ.get("FAKE_RELNET_SECONDS", 0)))
    with open(Path(os.environ["FAKE_RELNET_LOG"]).with_name("spans.jsonl"), "a") as spans:
        spans.write(json.dumps([start, time.time()]) + "\\n")
out = params.get("output_dir") or params.get("output") or params.get("out")
if out is not None:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if name in ("train", "train-ner", "pretrain"):
        for folder in ("best", "checkpoint", "final"):
            (out / folder).mkdir(exist_ok=True)
        report = {{"scores": {{"micro": {{"f1": 0.5 + int(params.get("seed") or 13) / 1000}}}}}}
        if name == "train":
            report["scheme"] = "fine"
        (out / "dev.json").write_text(json.dumps(report))
        (out / "summary.json").write_text("{{}}")
    (out / {{"pseudo-label": "pseudo.json", "pseudo-tag": "pseudo.json", "ensemble": "ensemble.json",
             "synth": "documents.jsonl"}}.get(name, "done.json")).write_text("{{}}")
"""

RECIPES = {  # script → arguments after RUNS and DATA
    "build_best_fine.sh": ["500"],
    "build_student.sh": [],
    "build_self_training.sh": ["500", "none", "lexicon", "configs/cpr-drugprot.json"],
    "build_best_ner.sh": ["200"],
    "build_best_cpr.sh": [],
    "build_warm_encoder.sh": [],
}


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


def _data_folders(data: Path) -> None:
    """The corpus folders the recipes read (empty: the stand-in only checks that they exist)."""
    for split in ("chemprot/original/training", "chemprot/original/development", "drugprot/training",
                  "drugprot/development", "unlabeled"):  # fmt: skip
        (data / split).mkdir(parents=True, exist_ok=True)


def _run_recipe(
    script: str, args: list[str], tmp_path: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    """Run a recipe script against the stand-in `relnet`: how it ended, and the relnet calls it made."""
    bin_dir, data, log = tmp_path / "bin", tmp_path / "data", tmp_path / "calls.jsonl"
    _executable(bin_dir / "relnet", FAKE_RELNET.format(python=sys.executable))
    _data_folders(data)
    log.write_text("")
    # the stand-in first, then this interpreter's folder: the scripts run `python scripts/…` in an activated venv
    path = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), os.environ["PATH"]])
    env = {**os.environ, "PATH": path, "FAKE_RELNET_LOG": str(log), **(env or {})}
    done = subprocess.run(["bash", f"scripts/{script}", str(tmp_path / "runs"), str(data), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)  # fmt: skip
    return done, [json.loads(line) for line in log.read_text().splitlines()]


def _dry_run(script: str, args: list[str], tmp_path: Path, env: dict[str, str] | None = None) -> list[list[str]]:
    done, calls = _run_recipe(script, args, tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    return calls


def _without_threads(call: list[str]) -> list[str]:
    i = call.index("--threads") if "--threads" in call else len(call)
    return call[:i] + call[i + 2 :]


@pytest.mark.parametrize("script", sorted(RECIPES))
def test_recipe_calls_parse_and_a_second_run_trains_nothing(script: str, tmp_path: Path) -> None:
    calls = _dry_run(script, RECIPES[script], tmp_path)
    assert any(c[0] in ("train", "train-ner", "pretrain") for c in calls), calls
    again = _dry_run(script, RECIPES[script], tmp_path)
    assert not [c for c in again if c[0] in ("train", "train-ner", "pretrain", "pseudo-label", "pseudo-tag")]


@pytest.mark.parametrize("script", sorted(RECIPES))
def test_jobs_run_the_same_calls_side_by_side_with_a_share_of_the_cores(script: str, tmp_path: Path) -> None:
    one = _dry_run(script, RECIPES[script], tmp_path / "one")
    many = _dry_run(script, RECIPES[script], tmp_path / "many", env={"JOBS": "3"})
    assert sorted(map(json.dumps, map(_without_threads, many))) == sorted(
        json.dumps(c).replace("/one/", "/many/") for c in one
    )
    assert not [c for c in one if "--threads" in c]  # JOBS=1: each training takes every core, as before
    cores = len(os.sched_getaffinity(0))  # what `nproc` counts
    shared = [c for c in many if "--threads" in c]  # a training that runs alone (a teacher) keeps every core
    assert all(c[c.index("--threads") + 1] == str(max(1, cores // 3)) for c in shared), shared
    assert shared or script == "build_warm_encoder.sh"  # pretraining is one run after another
    for call in shared:  # each ran as a job: in its slot, its output in a log next to its run folder
        out = call[call.index("--output-dir") + 1]
        if script == "build_best_cpr.sh" and "cpr-realistic" in out:
            continue  # steps 2-4 run in the foreground, beside step 1's job, on their share of the cores
        log = Path(out + ".log")
        assert re.search(r"^=== \d\d:\d\d:\d\d slot [1-3] of 3: relnet ", log.read_text(), re.M), log


def test_experiments_train_side_by_side_with_jobs(tmp_path: Path) -> None:
    calls = _dry_run("experiments.sh", [], tmp_path, env={"JOBS": "2"})
    trains = [c for c in calls if c[0] == "train"]
    assert len(trains) == 5 and all("--threads" in c for c in trains)
    assert all((tmp_path / "runs" / f"{name}.log").is_file() for name in ("coarse5-baseline", "cpr-punct"))


def test_jobs_of_a_recipe_and_the_recipe_it_calls_share_the_slots(tmp_path: Path) -> None:
    # build_best_fine.sh queues its gate, then build_student.sh (another process) its three members, then
    # build_self_training.sh its three students: two at a time in all, never more
    (tmp_path / "tmp").mkdir()
    env = {"JOBS": "2", "FAKE_RELNET_SECONDS": "0.5", "TMPDIR": str(tmp_path / "tmp")}
    calls = _dry_run("build_best_fine.sh", ["500"], tmp_path, env=env)
    spans = [json.loads(line) for line in (tmp_path / "spans.jsonl").read_text().splitlines()]
    assert len(spans) == len([c for c in calls if c[0] == "train"]) == 7
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    assert max(itertools.accumulate(step for _, step in events)) == 2
    assert not list((tmp_path / "tmp").iterdir())  # the slots are cleared away


def test_a_recipe_that_stops_stops_its_unfinished_jobs(tmp_path: Path) -> None:
    # the gate is queued first and takes a minute; a member fails, build_student.sh stops, and so does
    # build_best_fine.sh: its gate must not train on as an orphan
    env = {"JOBS": "2", "FAKE_RELNET_SLOW": "gate-cpr", "FAKE_RELNET_FAIL": "fine-drugprot-s13"}
    t0 = time.time()
    done, calls = _run_recipe("build_best_fine.sh", ["500"], tmp_path, env)
    assert done.returncode == 1 and time.time() - t0 < 45, done.stdout + done.stderr
    assert "stopping 1 unfinished job(s)" in done.stderr
    assert any("gate-cpr" in " ".join(c) for c in calls)  # it had started
    time.sleep(0.5)
    alive = subprocess.run(["pgrep", "-f", f"{tmp_path}/runs/gate-cpr"], capture_output=True, text=True).stdout
    assert alive == "", alive


def test_a_failed_job_fails_the_recipe_after_the_others_naming_its_log(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    done, calls = _run_recipe("build_student.sh", [], tmp_path, {"JOBS": "3", "FAKE_RELNET_FAIL": "fine-drugprot-s14"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert sorted(c[c.index("--seed") + 1] for c in calls if c[0] == "train") == ["13", "14", "15"]
    assert not [c for c in calls if c[0] == "ensemble"]  # nothing built on a missing member
    assert f"1 job(s) failed; see {runs}/fine-drugprot-s14.log" in done.stderr
    assert "failing as asked" in (runs / "fine-drugprot-s14.log").read_text()
    again = _dry_run("build_student.sh", [], tmp_path, env={"JOBS": "3"})  # the rerun trains only what failed
    assert [c[c.index("--seed") + 1] for c in again if c[0] == "train" and "--teacher" not in c] == ["14"]


def test_jobs_must_be_a_positive_integer(tmp_path: Path) -> None:
    done, calls = _run_recipe("build_student.sh", [], tmp_path, {"JOBS": "0"})
    assert done.returncode == 2 and calls == []
    assert "JOBS must be a positive integer, got '0'" in done.stderr


def test_best_fine_recipe_is_the_measured_one(tmp_path: Path) -> None:
    calls = _dry_run("build_best_fine.sh", ["500"], tmp_path)
    runs = tmp_path / "runs"
    trains = [c for c in calls if c[0] == "train"]
    members = [c for c in trains if "--teacher" not in c and "configs/fine-drugprot.json" in c]
    assert sorted(c[c.index("--seed") + 1] for c in members) == ["13", "14", "15"]
    gate = next(c for c in trains if "configs/cpr.json" in c)
    (label,) = [c for c in calls if c[0] == "pseudo-label"]
    assert label[label.index("--gate") + 1] == f"{runs}/gate-cpr/best"
    assert label[label.index("--tagger") + 1] == "lexicon" and label[label.index("--max-docs") + 1] == "500"
    assert [label[i + 1] for i, a in enumerate(label) if a == "--teacher"] == [
        f"{runs}/fine-drugprot-s{s}/best" for s in (13, 14, 15)]  # fmt: skip
    students = [c for c in trains if "--teacher" in c]
    assert len(students) == 3 and all(f"{runs}/pseudo-fine-drugprot-500" in c for c in students)
    assert trains.index(gate) < len(trains) - 3  # the gate trains before the students


def test_a_recipe_finds_the_repositorys_environment_without_relnet_on_path(tmp_path: Path) -> None:
    # a fresh clone after scripts/setup.sh, nothing activated: `scripts/X.sh` must use .venv/bin's relnet and python
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", repo / "scripts")
    venv_bin, log, bare = repo / ".venv" / "bin", tmp_path / "calls.jsonl", "/usr/bin:/bin"
    if shutil.which("relnet", path=bare):
        pytest.skip(f"a relnet is installed in {bare}")
    _data_folders(tmp_path / "data")
    env = {**os.environ, "PATH": bare, "FAKE_RELNET_LOG": str(log)}
    run = ["bash", str(repo / "scripts" / "build_student.sh"), str(tmp_path / "runs"), str(tmp_path / "data")]
    missing = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and f"none in {venv_bin}: run scripts/setup.sh first" in missing.stderr
    _executable(venv_bin / "relnet", FAKE_RELNET.format(python=sys.executable))
    _executable(venv_bin / "python", f'#!/bin/sh\nexec {sys.executable} "$@"\n')  # this venv's, wherever it lies
    log.write_text("")
    done = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len([c for c in calls if c[0] == "train"]) == 6  # 3 members, 3 students
    # a relnet on PATH beside a python that cannot import relnet (another install): the .venv still wins, so that
    # `python scripts/seed_table.py` does not fail after hours of training
    decoy = tmp_path / "decoy"
    _executable(decoy / "relnet", "#!/bin/sh\necho decoy >&2; exit 9\n")
    if subprocess.run(["sh", "-c", "python -c 'import relnet'"], env={"PATH": bare}).returncode == 0:
        pytest.skip(f"the python in {bare} imports relnet")
    log.write_text("")
    run[2] = str(tmp_path / "runs2")
    done = subprocess.run(run, cwd=ROOT, env={**env, "PATH": f"{decoy}:{bare}"}, capture_output=True, text=True)
    assert done.returncode == 0 and "decoy" not in done.stderr, done.stdout + done.stderr
    assert len([json.loads(line) for line in log.read_text().splitlines() if '"train"' in line]) == 6


def test_a_student_registered_from_lexicon_mentions_takes_the_tagger_asked_for(tmp_path: Path) -> None:
    args = ["500", "none", "lexicon", "configs/cpr-drugprot.json"]
    done, calls = _run_recipe("build_self_training.sh", args, tmp_path / "plain", {"REGISTER": "cpr-best"})
    (add,) = [c for c in calls if c[:2] == ["models", "add"]]
    assert "--ner" not in add and "registered without a tagger" in done.stderr
    tagger = tmp_path / "ner" / "best"
    tagger.mkdir(parents=True)
    env = {"REGISTER": "cpr-best", "REGISTER_NER": str(tagger)}
    done, calls = _run_recipe("build_self_training.sh", args, tmp_path / "tagged", env)
    (add,) = [c for c in calls if c[:2] == ["models", "add"]]
    assert add[add.index("--ner") + 1] == str(tagger) and "without a tagger" not in done.stderr


def test_long_sentences_counts_pairs_in_over_long_sentences_by_source(split_dir: Path, tmp_path: Path) -> None:
    cased = "Aspirin, which we gave " + "at a dose that was chosen with care, " * 3 + "inhibits EGFR in cells."
    lowered = "aspirin inhibits egfr. " * 6  # no capital anywhere: six sentences, not one
    (tmp_path / "abstracts.tsv").write_text(f"cased\t1\tA title.\t{cased}\nlower\t2\tthe title.\t{lowered}\n")
    done = subprocess.run([sys.executable, "scripts/long_sentences.py", str(tmp_path / "abstracts.tsv"),
                           "--lexicon-from", str(split_dir), "--max-sentence-chars", "100",
                           "--output", str(tmp_path / "long")], cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    counts = json.loads((tmp_path / "long.json").read_text())["by_source"]
    assert counts["cased"] == {"documents": 1, "candidates": 1, "too_long": 1}
    assert counts["lower"] == {"documents": 1, "candidates": 6, "too_long": 0}
    assert "7 candidate pairs, 1 (14.3%) in sentences over 100 characters" in done.stdout
