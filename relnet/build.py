"""`relnet build`: from a labelled corpus to a network in one command.

Steps, each cached by a hash of its inputs and settings (``OUT/build.json``) and skipped when done:

1. ``ner``: train the NER tagger on the training split (`relnet.training.ner`); with ``self_train_docs`` N in its
   settings, that tagger is a teacher: it tags the first N documents of ``DATA/unlabeled`` that no gold split holds
   (`relnet.workflows.pseudo_label.pseudo_tag_to_folder`) and the tagger the build keeps is a student trained on
   gold + those documents (docs/results.md §14);
2. ``relations``: train the relation classifier (`relnet.training.run`);
3. ``mine``: tag and classify the input (default: the development split read as raw text, predicted mentions)
   into ``OUT/network.sqlite``, then score it end to end where the input has a gold standard;
4. ``network``: the summary (``OUT/summary.txt``) and the interactive page (``OUT/network.html``).

An interrupted build resumes: a training step restarts from its last finished epoch, mining skips the documents
already stored. The models are registered by name (`relnet.registry`) and become the default for `relnet serve`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relnet.errors import RelnetError
from relnet.paths import data_dir, write_text

log = logging.getLogger("relnet")

#: Profiles: settings of the NER and relation trainers. ``fast`` aimed at ≤ 20 min on 2 cores (measured: ~30 min
#: with AVX-512 BF16, ~91 min on an AVX2-only CPU; docs §13, §22); ``best`` is the
#: measured best recipe (docs/results.md), hours on 2 cores.
PROFILES: dict[str, dict[str, dict[str, Any]]] = {
    "fast": {
        "ner": {"epochs": 1, "precision": "auto"},
        "relations": {
            "scheme": "cpr",
            "epochs": 2,
            "marker_style": "punct",
            "negative_keep": 0.3,
            "lr": 6e-5,
            "precision": "auto",
        },  # fmt: skip
    },
    "best": {
        "ner": {
            "epochs": 4,
            "extra_train": ["drugprot/training", "drugprot/development"],
            "precision": "auto",
            "self_train_docs": 1000,  # a student of this tagger on 1,000 abstracts it tagged: +0.012 (3 seeds)
        },
        "relations": {
            "scheme": "cpr",
            "epochs": 4,
            "marker_style": "tokens",
            "negative_keep": 0.5,
            "lr": 6e-5,
            "extra_train": ["drugprot/training", "drugprot/development"],
            "precision": "auto",
        },  # fmt: skip
    },
}
STEPS = ("ner", "relations", "mine", "network")
STATE = "build.json"


@dataclass
class BuildConfig:
    profile: str = "fast"
    data: str = field(default_factory=lambda: str(data_dir()))  # holds chemprot/original/{training,development}
    input: str = ""  # what to mine; default: the development split as raw text
    out: str = "runs/build"
    name: str = ""  # registered model name; default: the profile's name
    encoder: str = "default"
    backend: str = "auto"  # inference backend for mining
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # per-step overrides (tests, experiments)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise RelnetError(f"unknown profile {self.profile!r}; choose one of {', '.join(PROFILES)}")
        unknown = set(self.settings) - {"ner", "relations"}
        if unknown:
            raise RelnetError(f"settings for unknown steps {sorted(unknown)}: only ner and relations take settings")

    def step_settings(self, step: str) -> dict[str, Any]:
        return {**PROFILES[self.profile].get(step, {}), **self.settings.get(step, {})}

    @property
    def train(self) -> Path:
        return Path(self.data) / "chemprot/original/training"

    @property
    def dev(self) -> Path:
        return Path(self.data) / "chemprot/original/development"


def fingerprint(path: Path) -> list[tuple[str, int, int]]:
    """What a data folder or file is, cheaply: names, sizes and modification times of its files."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [(str(p.relative_to(path) if path.is_dir() else p.name), p.stat().st_size, int(p.stat().st_mtime))
            for p in files if p.exists()]  # fmt: skip


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def build(config: BuildConfig, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the steps not yet done; returns what was made (paths, scores, which steps ran or were cached)."""
    from relnet import registry

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    for split in (config.train, config.dev):
        if not split.is_dir():
            raise RelnetError(f"{split}: no such split folder; point --data at a folder holding chemprot/original/")
    source = Path(config.input) if config.input else config.dev
    if not source.exists():
        raise RelnetError(f"{source}: no such input to mine")
    from relnet.model.backends import check_backend

    check_backend(config.backend)  # before an hour of training, not at the mining step after it
    registry.check_name(config.name or config.profile)
    state_path = out / STATE
    state: dict[str, Any] = json.loads(state_path.read_text()) if state_path.is_file() else {}
    data_print = {"train": fingerprint(config.train), "dev": fingerprint(config.dev)}
    hashes: dict[str, str] = {}
    ner_settings, rel_settings = config.step_settings("ner"), config.step_settings("relations")
    self_train_docs = int(ner_settings.pop("self_train_docs", 0))  # not a trainer setting: the step's
    unlabeled = Path(config.data) / "unlabeled"
    if self_train_docs and not unlabeled.is_dir():
        raise RelnetError(f"{unlabeled}: no such folder; NER self-training tags the unlabeled abstracts there")
    # extra training folders are named relative to --data (drugprot/training)
    ner_extra = [str(Path(config.data) / x) for x in ner_settings.get("extra_train", [])]
    extra = [str(Path(config.data) / x) for x in rel_settings.get("extra_train", [])]
    hashes["ner"] = _digest(
        ["ner", ner_settings, config.encoder, data_print, [fingerprint(Path(x)) for x in ner_extra]]
        + ([self_train_docs, fingerprint(unlabeled)] if self_train_docs else [])  # old builds keep their cache
    )
    hashes["relations"] = _digest(["relations", rel_settings, config.encoder, data_print,
                                   [fingerprint(Path(x)) for x in extra]])  # fmt: skip
    hashes["mine"] = _digest(["mine", hashes["ner"], hashes["relations"], fingerprint(source), config.backend])
    hashes["network"] = _digest(["network", hashes["mine"]])
    result: dict[str, Any] = {"out": str(out), "steps": {}}

    def run(step: str, work: Callable[[bool], dict[str, Any]], writes: tuple[str, ...] = ()) -> dict[str, Any]:
        """``writes``: what the step writes under OUT; a fresh start (new inputs) clears them first, so that a
        later resume never continues an earlier build's checkpoints or passes its reports off as this one's."""
        record = state.get(step, {})
        if record.get("hash") == hashes[step] and record.get("done"):
            echo(f"[{step}] cached ({record.get('seconds', 0):.0f} s when it ran)")
            result["steps"][step] = "cached"
            return record["outputs"]
        resume = record.get("hash") == hashes[step]  # started with the same inputs, then interrupted
        state[step] = {"hash": hashes[step], "done": False}
        write_text(state_path, json.dumps(state, indent=2))
        echo(f"[{step}] {'resuming' if resume else 'running'}")
        if not resume:
            for path in (out / name for name in writes):
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        t0 = time.time()
        outputs = work(resume)
        state[step] = {"hash": hashes[step], "done": True, "seconds": time.time() - t0, "outputs": outputs}
        write_text(state_path, json.dumps(state, indent=2))
        result["steps"][step] = "ran"
        return outputs

    def ner_step(resume: bool) -> dict[str, Any]:
        from relnet.evaluation.seeds import run_score
        from relnet.training.config import NerConfig
        from relnet.training.ner import train_ner

        def train(folder: str, extra_train: list[str]) -> float:
            cfg = NerConfig(train=str(config.train), dev=str(config.dev), output_dir=str(out / folder),
                            encoder=config.encoder, **{**ner_settings, "extra_train": extra_train})  # fmt: skip
            if resume and (out / folder / "dev.json").is_file():  # a finished stage of an interrupted step
                return run_score(out / folder)[0]
            return train_ner(cfg, overwrite=not resume, resume=resume)["micro_f1"]

        if not self_train_docs:
            return {"model": str(out / "ner/best"), "strict_f1": train("ner", ner_extra)}
        from relnet.mentions import get_tagger
        from relnet.model.backends import resolve_backend
        from relnet.workflows.pseudo_label import pseudo_tag_to_folder

        echo(f"[ner] self-training: teacher {out / 'ner-teacher'}, then {self_train_docs} unlabeled documents")
        teacher_f1 = train("ner-teacher", ner_extra)
        teacher_model, tags = out / "ner-teacher/best", out / "ner-pseudo"
        echo(f"[ner] teacher dev strict F1 {teacher_f1:.4f}; its tags in {tags}; the student in {out / 'ner'}")
        if not (resume and (tags / "pseudo.json").is_file()):
            teacher = get_tagger("transformer", ner_model=teacher_model,
                                 backend=resolve_backend(config.backend, kind="ner"))  # fmt: skip
            gold_splits = [config.train, config.dev, *ner_extra]  # every gold document is left out: new text only
            pseudo_tag_to_folder([unlabeled], tags, teacher, gold_splits, self_train_docs,
                                 {"teacher": str(teacher_model)})  # fmt: skip
        return {"model": str(out / "ner/best"), "strict_f1": train("ner", [*ner_extra, str(tags)]),
                "teacher": str(teacher_model), "teacher_strict_f1": teacher_f1}  # fmt: skip

    def relations_step(resume: bool) -> dict[str, Any]:
        from relnet.training.config import TrainConfig
        from relnet.training.run import run_training

        cfg = TrainConfig(train=str(config.train), dev=str(config.dev), output_dir=str(out / "relations"),
                          encoder=config.encoder, **{**rel_settings, "extra_train": extra})  # fmt: skip
        summary = run_training(cfg, resume=resume, overwrite=not resume)
        return {"model": str(out / "relations/best"), "micro_f1": summary["micro_f1"]}

    ner = run("ner", ner_step, ("ner-teacher", "ner-pseudo", "ner"))
    relations = run("relations", relations_step, ("relations",))

    def mine_step(resume: bool) -> dict[str, Any]:
        from relnet.mining.pipeline import mine_files
        from relnet.workflows.mining_score import score_store

        store = out / "network.sqlite"
        summary = mine_files(source, relations["model"], store, tagger="transformer", ner_model=ner["model"],
                             backend=config.backend)  # fmt: skip
        outputs: dict[str, Any] = {"store": str(store), "documents": summary.documents}
        if source.is_dir() and any(source.glob("*gold_standard*")):
            official, _ = score_store(store, source)
            outputs["official_f1"] = official.f1
        return outputs

    mined = run("mine", mine_step, ("network.sqlite",))

    def network_step(resume: bool) -> dict[str, Any]:
        from relnet.network.api import fitting_min_evidence, html, summary

        text = summary(mined["store"])
        (out / "summary.txt").write_text(text + "\n")
        min_evidence = fitting_min_evidence(mined["store"])  # a large input: the page shows the best-supported edges
        page = html(mined["store"], out / "network.html", min_evidence=min_evidence)
        return {"summary": str(out / "summary.txt"), "html": str(page), "html_min_evidence": min_evidence}

    network = run("network", network_step)
    name = config.name or config.profile
    scores = {"relations_dev_micro_f1": relations.get("micro_f1"), "ner_dev_strict_f1": ner.get("strict_f1"),
              "mining_official_f1": mined.get("official_f1")}  # fmt: skip
    registry.register(registry.ModelEntry(name, relations["model"], ner["model"], config.profile, scores))
    result.update(
        {
            "name": name,
            "models": {"relations": relations["model"], "ner": ner["model"]},
            "store": mined["store"],
            "html": network["html"],
            "summary": network["summary"],
            "scores": scores,
        }
    )
    (out / "build-summary.json").write_text(json.dumps(result, indent=2))
    return result
