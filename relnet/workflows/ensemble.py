"""Ensembles of saved relation classifiers, and their evaluation: what `relnet ensemble` runs.

Two ways to combine models with the same labels: average their class probabilities
(`average_probabilities`, `Ensemble`: M forward passes), or average the weights of models
fine-tuned from the same encoder (`average_checkpoints`: one model, one forward pass).
`evaluate_ensemble` scores each member, each growing prefix of the ensemble and, optionally, the
weight average on a split, with the gain per added model and the inference time; the scores
themselves come from `relnet.evaluation` (`metrics.score`, `official.official_score`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import torch
from safetensors.torch import load_file

from relnet.corpus.chemprot import find_chemprot_files, read_gold_standard
from relnet.data import Example, Prediction
from relnet.errors import RelnetError
from relnet.evaluation.metrics import score
from relnet.evaluation.official import official_score, prediction_tuples
from relnet.examples.dataset import load_examples
from relnet.examples.labels import get_scheme
from relnet.model.classifier import META_FILE, MODEL_FILE, RelationClassifier
from relnet.model.prob_cache import CachedModel
from relnet.paths import write_text


def check_same_labels(labels: Sequence[Sequence[str]], names: Sequence[str]) -> list[str]:
    """The shared label list, in order; different labels (or a different order) are an error."""
    for other, name in zip(labels[1:], names[1:]):
        if list(other) != list(labels[0]):
            raise RelnetError(f"{name} has labels {list(other)}, {names[0]} has {list(labels[0])}: cannot combine")
    return list(labels[0])


def average_probabilities(probs: Sequence[torch.Tensor]) -> torch.Tensor:
    """M tensors of class probabilities (N, C) → their mean (N, C)."""
    if not probs:
        raise RelnetError("an ensemble needs at least one member")
    if len({tuple(p.shape) for p in probs}) != 1:
        raise RelnetError(f"members disagree on shape: {[tuple(p.shape) for p in probs]}")
    return torch.stack(list(probs)).mean(dim=0)


class Ensemble:
    """Probability averaging over `RelationClassifier`s with the same labels; each member tokenises for itself."""

    def __init__(self, members: Sequence[RelationClassifier | CachedModel]) -> None:
        self.members = list(members)
        self.labels = check_same_labels([m.labels for m in self.members], [f"member {i}" for i in range(len(members))])

    def predict_proba(self, examples: list[Example], batch_size: int = 64) -> torch.Tensor:
        """(N, C): the mean of the members' probabilities."""
        return average_probabilities([m.predict_proba(examples, batch_size) for m in self.members])

    def predict(self, examples: list[Example], batch_size: int = 64) -> list[Prediction]:
        probs = self.predict_proba(examples, batch_size)
        best = probs.argmax(dim=-1).tolist()
        return [Prediction(self.labels[b], float(p[b]), tuple(float(x) for x in p)) for b, p in zip(best, probs)]


def average_checkpoints(folders: Sequence[str | Path]) -> RelationClassifier:
    """Mean of the weights of models fine-tuned from the same encoder (same labels, names and shapes).

    Integer buffers (e.g. position ids) are taken from the first model.
    """
    if not folders:
        raise RelnetError("average_checkpoints needs at least one model folder")
    metas = [json.loads((Path(f) / META_FILE).read_text()) for f in folders]
    check_same_labels([m["labels"] for m in metas], [str(f) for f in folders])
    encoders = {m.get("config", {}).get("encoder") for m in metas} - {None}
    if len(encoders) > 1:
        raise RelnetError(f"weight averaging needs models fine-tuned from one encoder, got {sorted(encoders)}")
    model = RelationClassifier.load(folders[0])
    states = [load_file(str(Path(f) / MODEL_FILE)) for f in folders]
    mean = {}
    for key, first in states[0].items():
        for folder, state in zip(folders[1:], states[1:]):
            if key not in state or state[key].shape != first.shape:
                raise RelnetError(f"{folder}: weight {key} is missing or has another shape; not the same architecture")
        mean[key] = torch.stack([s[key] for s in states]).mean(0) if first.is_floating_point() else first
    model.load_state_dict(mean)
    model.meta["averaged_from"] = [str(f) for f in folders]
    return model.eval()


def evaluate_ensemble(
    models: Sequence[str | Path],
    split: str | Path,
    output: str | Path,
    batch_size: int = 64,
    average_weights: bool = False,
    backend: str = "fp32",
) -> dict:
    """Score members, ensembles of the first 2…M members and (``average_weights``) the weight average.

    Writes ``ensemble.json`` and ``ensemble.txt`` in ``output``; returns the JSON payload with ``text``.
    The main score is the official F1 where the split has a gold standard (``cpr``), else micro-F1
    (macro-F1 for ``coarse5``). An ensemble's seconds are the sum of its members' (run one after another).
    """
    members = [RelationClassifier.load(m, backend) for m in models]
    labels = check_same_labels([m.labels for m in members], [str(m) for m in models])
    schemes = {m.meta.get("scheme") for m in members}
    if len(schemes) != 1:
        raise RelnetError(f"members were trained under different schemes: {sorted(map(str, schemes))}")
    scheme = get_scheme(schemes.pop())
    examples, _ = load_examples(split, scheme)
    gold = [e.label for e in examples]
    gold_path = find_chemprot_files(split).gold_standard if Path(split).is_dir() else None
    gold_tuples = read_gold_standard(gold_path) if gold_path is not None and scheme.negative is not None else None
    sentence_level = [i for i, e in enumerate(examples) if not e.meta.get("cross_sentence")]

    def row(name: str, n_models: int, probs: torch.Tensor, seconds: float) -> dict:
        predicted = [labels[i] for i in probs.argmax(-1).tolist()]
        scores = score(gold, predicted, scheme)
        official = None
        if gold_tuples is not None:
            pred = prediction_tuples([examples[i] for i in sentence_level], [predicted[i] for i in sentence_level],
                                     scheme)  # fmt: skip
            official = official_score(pred, gold_tuples)
        main = official.f1 if official else (scores.macro["f1"] if scheme.name == "coarse5" else scores.micro["f1"])
        return {"name": name, "models": n_models, "main": main, "micro_f1": scores.micro["f1"],
                "macro_f1": scores.macro["f1"], "official": official.to_json() if official else None,
                "seconds": seconds, "scores": scores.to_json()}  # fmt: skip

    rows, member_probs, member_seconds = [], [], []
    for path, model in zip(models, members):
        t0 = time.time()
        member_probs.append(model.predict_proba(examples, batch_size))
        member_seconds.append(time.time() - t0)
        rows.append(row(f"member {path}", 1, member_probs[-1], member_seconds[-1]))
    previous = rows[0]["main"]
    for k in range(2, len(members) + 1):
        rows.append(row(f"mean of first {k}", k, average_probabilities(member_probs[:k]), sum(member_seconds[:k])))
        rows[-1]["gain"] = rows[-1]["main"] - previous
        previous = rows[-1]["main"]
    if average_weights and len(members) > 1:
        averaged = average_checkpoints(models)
        t0 = time.time()
        probs = averaged.predict_proba(examples, batch_size)
        rows.append(row(f"weight average of {len(members)}", len(members), probs, time.time() - t0))
    best_member = max(r["main"] for r in rows[: len(members)])
    for r in rows:
        r["gain_over_best_member"] = r["main"] - best_member

    main_name = "official F1" if gold_tuples is not None else ("macro-F1" if scheme.name == "coarse5" else "micro-F1")
    lines = [f"{len(examples)} examples of {split}, scheme {scheme.name}; main score = {main_name}",
             f"{'model':<48}{'main':>8}{'micro':>8}{'macro':>8}{'gain':>8}{'vs best':>9}{'seconds':>9}"]  # fmt: skip
    for r in rows:
        gain = f"{r['gain']:+8.4f}" if "gain" in r else f"{'':>8}"
        lines.append(f"{r['name'][-48:]:<48}{r['main']:>8.4f}{r['micro_f1']:>8.4f}{r['macro_f1']:>8.4f}{gain}"
                     f"{r['gain_over_best_member']:>+9.4f}{r['seconds']:>9.1f}")  # fmt: skip
    text = "\n".join(lines)
    payload = {"split": str(split), "scheme": scheme.name, "main_score": main_name, "examples": len(examples),
               "models": [str(m) for m in models], "rows": rows}  # fmt: skip
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ensemble.txt").write_text(text + "\n")
    write_text(out / "ensemble.json", json.dumps(payload, indent=2))  # last: scripts read it as "done"
    return {**payload, "text": text}
