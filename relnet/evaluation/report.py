"""Write an evaluation as JSON (machine) + text (human) + confusion matrix PNG/JSON."""

from __future__ import annotations

import json
from pathlib import Path

from relnet.evaluation.metrics import Scores, format_table
from relnet.evaluation.official import OfficialScore
from relnet.evaluation.plots import plot_confusion


def write_report(
    folder: str | Path, name: str, scores: Scores, official: OfficialScore | None = None, extra: dict | None = None
) -> str:
    """Writes ``{name}.json``, ``{name}.txt``, ``{name}_confusion.png``/``.json``; returns the text report."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = format_table(scores)
    if official is not None:
        text += f"\nofficial (document level, CPR:3,4,5,6,9): {official.summary()}"
    payload = {"scores": scores.to_json(), "official": official.to_json() if official else None, **(extra or {})}
    (folder / f"{name}.json").write_text(json.dumps(payload, indent=2))
    (folder / f"{name}.txt").write_text(text + "\n")
    (folder / f"{name}_confusion.json").write_text(json.dumps({"labels": scores.labels, "matrix": scores.confusion}))
    plot_confusion(scores.confusion, scores.labels, folder / f"{name}_confusion.png", title=name)
    return text
