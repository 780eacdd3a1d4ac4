"""Which model a stored relation came from, by content: a hash of the model folder's files, not its path.

Moving or copying a model folder keeps its id, so a store mined with it does not see a new model; retraining (new
weights) makes a new one. Torch-free: the store and the CLI name models without loading them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from relnet.errors import RelnetError

#: What a model id starts with (ids written before content ids were model folder paths).
PREFIX = "sha256:"


def weights_digest(folder: str | Path, files: tuple[str, ...] | None = None) -> str:
    """A content hash (16 hex digits) of a model folder's ``files`` (default: every file directly in it, which is
    the weights, configs and tokenizer; sub-folders such as exported ONNX graphs are derived, not hashed)."""
    folder = Path(folder)
    names = files if files is not None else tuple(sorted(p.name for p in folder.iterdir() if p.is_file()))
    h = hashlib.sha256()
    for name in names:
        path = folder / name
        if path.is_file():
            h.update(name.encode())
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()[:16]


def model_id(folder: str | Path, backend: str = "fp32") -> str:
    """The id a store records for the model in ``folder`` run on ``backend``: ``sha256:…``, with ``+bf16``/``+int8``
    for a reduced-precision backend (its predictions differ slightly: another model to the store)."""
    from relnet.model.hardware import LOSSY

    folder = Path(folder)
    if not folder.is_dir():
        raise RelnetError(f"{folder}: model folder not found")
    digest = PREFIX + weights_digest(folder)
    return digest + (f"+{backend}" if backend in LOSSY else "")
