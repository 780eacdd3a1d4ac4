"""A store's documents, with their mentions and relations → BioC XML or PubTator (`relnet store export`).

The files are relnet's writers' (`relnet.corpus.writers`): relnet's readers read them back.
"""

from __future__ import annotations

from pathlib import Path

from relnet.corpus.writers import WRITE_FORMATS, write_documents
from relnet.errors import RelnetError
from relnet.store.sqlite import RelationStore


def export_store(store: str | Path, out: str | Path, fmt: str, model_id: str | None = None) -> int:
    """Write every document of ``store`` with its mentions and relations (``model_id``'s, or all models': one
    per chemical, gene and label, the highest score) to ``out`` as ``fmt``; returns how many documents."""
    if fmt not in WRITE_FORMATS:
        raise RelnetError(f"unknown format {fmt!r}; choose one of {', '.join(WRITE_FORMATS)}")
    with RelationStore(store, read_only=True) as s:
        if model_id is not None:
            model_id = s.find_model(model_id)  # an id, or the model's folder
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        return write_documents(s.documents(model_id), out, fmt)
