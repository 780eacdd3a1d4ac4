"""The input of a distributed mining run, cut into shards: pieces of input files that one worker reads and mines.

A shard is a file (one of a folder's MEDLINE/JATS/TSV files, or a single input) or, with ``shard_docs``, a range of
its documents: ``NAME = FFFFF-PPPP`` (file number, part), so sorting names restores input order. Planning a range
split counts the file's documents once (a streamed read on the driver); without it, a file is one shard — what
PubMed's 30,000-citation baseline files want.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from relnet.data import Deletion, Document
from relnet.errors import RelnetError


@dataclass(frozen=True)
class Shard:
    """Documents ``start`` to ``stop`` (None: the end) of input file ``path``, read as ``fmt`` in ``layout``."""

    path: str
    fmt: str
    layout: str
    file_no: int
    part: int = 0
    start: int = 0
    stop: int | None = None

    @property
    def name(self) -> str:
        return f"{self.file_no:05d}-{self.part:04d}"

    def to_row(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Shard:
        stop = row.get("stop")
        return cls(str(row["path"]), str(row["fmt"]), str(row["layout"]), int(row["file_no"]), int(row["part"]),
                   int(row["start"]), None if stop is None else int(stop))  # fmt: skip

    def read(self) -> Iterator[Document | Deletion]:
        """This shard's documents (and deletions), streamed from its file."""
        from relnet.corpus.texts import read_texts

        return itertools.islice(read_texts(self.path, self.fmt, self.layout), self.start, self.stop)


def plan_shards(
    inputs: Sequence[str | Path], fmt: str = "auto", layout: str = "blocks", shard_docs: int = 0
) -> list[Shard]:
    """The shards of ``inputs`` in input order: one per file, or pieces of ``shard_docs`` documents each."""
    from relnet.corpus.texts import detect_format, input_files, read_texts

    if shard_docs < 0:
        raise RelnetError(f"shard_docs must be 0 (a shard per file) or more, found {shard_docs}")
    shards: list[Shard] = []
    file_no = 0
    for inp in inputs:
        resolved = detect_format(inp) if fmt == "auto" else fmt
        for path in input_files(inp, resolved):
            absolute = str(Path(path).resolve())  # workers may run from another folder
            if shard_docs == 0:
                shards.append(Shard(absolute, resolved, layout, file_no))
            else:
                count = sum(1 for _ in read_texts(path, resolved, layout))
                for part, start in enumerate(range(0, max(count, 1), shard_docs)):
                    shards.append(Shard(absolute, resolved, layout, file_no, part, start, start + shard_docs))
            file_no += 1
    return shards
