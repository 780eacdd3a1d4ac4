"""End-to-end scoring of a mined store against a ChemProt split: the official measure, with any mentions.

What `relnet evaluate-mining` (and the mining benchmark) run: reads the store and the split, then scores
with `relnet.evaluation.official.official_score`.

Predicted mentions carry their own ids (M1, M2, …), so a stored relation is mapped to the gold
entity ids through its two spans: it counts only if both spans match gold entities exactly (strict,
as the official measure sees only gold ids). Gold-mention runs map trivially.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from relnet.corpus import read_documents
from relnet.corpus.chemprot import find_chemprot_files, read_gold_standard
from relnet.errors import InputError, RelnetError
from relnet.evaluation.official import OfficialScore, official_score
from relnet.store.sqlite import RelationStore

log = logging.getLogger("relnet")


def score_store(
    store_path: str | Path,
    split: str | Path,
    model_id: str | None = None,
    documents: set[str] | None = None,
    allow_overlap: bool = False,
) -> tuple[OfficialScore, dict[str, int]]:
    """Official P/R/F1 of the store's relations on ``split``, and how many relations could not be mapped.

    A store that several models mined into is scored for one of them: ``model_id`` (required then), the model's id
    or its folder.
    ``documents``: score these documents of the split only (a store mined from part of it). A split the model was
    trained on is refused (`check_training_overlap`; the model found by the folder the store last saw it in).
    """
    from relnet.workflows.evaluate import check_training_overlap

    gold_path = find_chemprot_files(split).gold_standard
    if gold_path is None:
        raise InputError(split, None, "no *gold_standard*.tsv: the split cannot be scored")
    ids = {(d.id, m.start, m.end): m.id for d in read_documents(split) for m in d.mentions}
    with RelationStore(store_path, read_only=True) as store:
        models = store.models()
        if model_id is None and len(models) > 1:
            raise RelnetError(f"{store_path}: relations of {len(models)} models; choose one: " + ", ".join(models))
        if model_id is not None:
            model_id = store.find_model(model_id)  # an id, or a model folder (matched by content)
        rows = store.relation_spans(model_id)
        folder = store.model_paths().get(model_id or (models[0] if models else ""))
        gold_all = read_gold_standard(gold_path)
        split_ids = {doc_id for doc_id, *_ in gold_all} | {i[0] for i in ids}
        wanted = split_ids if documents is None else split_ids & documents
        mined = store.done_ids(model_id, among=wanted)
    if not mined:  # a store of other text scores 0 with every gold relation missed: say so instead
        empty = "" if models else " (nothing was mined into it)"
        raise RelnetError(f"{store_path} holds none of the {len(wanted)} documents of {split}{empty}: mine them "
                          f"with `relnet mine {split} --store {store_path}`")  # fmt: skip
    if len(mined) < len(wanted):
        log.warning("%s holds %d of the %d documents of %s: the gold relations of the other %d count as missed "
                    "(a store mined from part of the split is scored on that part by the mining benchmark)",
                    store_path, len(mined), len(wanted), split, len(wanted) - len(mined))  # fmt: skip
    meta_file = Path(folder) / "relnet_model.json" if folder else None
    meta = json.loads(meta_file.read_text()) if meta_file is not None and meta_file.is_file() else {}
    overlap = check_training_overlap(meta, wanted, split, allow_overlap)
    predicted, unmapped, elsewhere = set(), 0, 0
    for doc_id, group, (a, b), (c, e) in rows:
        if doc_id not in split_ids:
            elsewhere += 1  # mined from other text in the same store: not this split's business
            continue
        chem, gene = ids.get((doc_id, a, b)), ids.get((doc_id, c, e))
        if chem is None or gene is None:
            unmapped += 1
            continue
        predicted.add((doc_id, group, chem, gene))
    gold = {t for t in gold_all if documents is None or t[0] in documents}
    predicted = {t for t in predicted if documents is None or t[0] in documents}
    counts = {"relations": len(rows), "unmapped": unmapped, "outside_split": elsewhere, "split_documents": len(wanted),
              "mined_documents": len(mined), "training_overlap_documents": overlap}  # fmt: skip
    return official_score(predicted, gold), counts
