"""Figures for reports: confusion matrix and learning curves (PNG, via matplotlib's Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_confusion(confusion: list[list[int]], labels: list[str], path: str | Path, title: str = "") -> None:
    cm = np.array(confusion, dtype=float)
    norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(1.0 + 0.8 * len(labels), 0.8 + 0.7 * len(labels)))
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, f"{int(cm[i, j])}", ha="center", va="center", fontsize=7,
                    color="white" if norm[i, j] > 0.5 else "black")  # fmt: skip
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title or "confusion matrix (row-normalised colour, counts)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_learning_curves(epochs: list[dict], path: str | Path) -> None:
    xs = [e["epoch"] for e in epochs]
    fig, ax1 = plt.subplots(figsize=(6, 4))
    ax1.plot(xs, [e["train_loss"] for e in epochs], "o-", color="tab:red", label="train loss")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("train loss", color="tab:red")
    ax2 = ax1.twinx()
    ax2.plot(xs, [e["dev_micro_f1"] for e in epochs], "s-", color="tab:blue", label="dev micro-F1")
    ax2.plot(xs, [e["dev_macro_f1"] for e in epochs], "^--", color="tab:green", label="dev macro-F1")
    ax2.set_ylabel("dev F1")
    ax2.set_ylim(0, 1)
    fig.legend(loc="upper center", ncol=3, fontsize=8, frameon=False)
    ax1.set_xticks(xs)
    fig.tight_layout(rect=(0, 0, 1, 0.93))  # room for the legend above the axes
    fig.savefig(path, dpi=120)
    plt.close(fig)
