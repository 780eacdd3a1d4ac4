from __future__ import annotations

import io

from relnet.progress import LineProgress, progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_without_a_terminal_prints_every_tenth_not_every_item() -> None:
    out, clock = io.StringIO(), Clock()
    bar = LineProgress(range(100), desc="mine", unit="doc", stream=out, clock=clock)
    for _ in bar:
        clock.now += 0.1  # 10 s in all: never the 30-second rule, only the 10 % one
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and lines[0].startswith("mine: 10/100 (10 %) doc, ")
    assert "ETA 0:09" in lines[0] and lines[-1].startswith("mine: 100/100 (100 %)")


def test_progress_without_a_total_prints_every_30_seconds() -> None:
    out, clock = io.StringIO(), Clock()
    bar = LineProgress(desc="pretrain", unit="step", stream=out, clock=clock, initial=5)
    for _ in range(7):
        clock.now += 10
        bar.update(1)
    bar.set_postfix(loss="0.5")
    bar.close()
    lines = out.getvalue().splitlines()
    assert [line.split(" ")[1] for line in lines] == ["8", "11", "12"]  # at 30 s, 60 s, and the close
    assert lines[0] == "pretrain: 8 step, 0.27 step/s, 0:30 elapsed" and lines[-1].endswith("loss=0.5")


def test_progress_picks_lines_for_a_pipe() -> None:
    assert isinstance(progress(range(3), desc="x", file=io.StringIO()), LineProgress)
