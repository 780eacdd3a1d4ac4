"""DrugProt (BioCreative VII Track 1) split folders → `Document`s.

Files: ``drugprot_*_abstracs*.tsv`` (sic; PMID, title, abstract), ``*_entities.tsv`` (as ChemProt,
types CHEMICAL, GENE-Y, GENE-N or GENE), ``*_relations.tsv`` (PMID, type, Arg1:Tn, Arg2:Tm).
The training text is partial: annotations of documents without text are skipped with a counted
warning. DrugProt re-annotates ChemProt abstracts, so callers evaluating on a ChemProt split pass
that split's PMIDs as ``exclude_ids`` (see `leak_free`).
"""

from __future__ import annotations

from pathlib import Path

from relnet.corpus.biocreative_tsv import (
    check_pair,
    find_one,
    parse_arg,
    read_abstracts,
    read_entities,
    sorted_mentions,
)
from relnet.corpus.tsv import read_rows
from relnet.data import Document, Mention, Relation
from relnet.errors import InputError, SkipCounter
from relnet.schema import DRUGPROT_TYPES, TYPE_TO_GROUP


def find_drugprot_files(folder: str | Path) -> tuple[Path, Path, Path | None]:
    """Locate a split's abstracts, entities and (optional, absent for unlabelled text) relations by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, None, "DrugProt split folder not found")
    abstracts = find_one(folder, "drugprot_*_abstracs*.tsv", True)
    entities = find_one(folder, "drugprot_*_entities.tsv", True)
    relations = find_one(folder, "drugprot_*_relations.tsv", False)
    return abstracts, entities, relations  # type: ignore[return-value]


def read_drugprot(folder: str | Path, exclude_ids: set[str] | frozenset[str] = frozenset()) -> list[Document]:
    """Read a DrugProt split; documents whose id is in ``exclude_ids`` are dropped before anything else.

    Relation types map to ChemProt CPR groups (`relnet.schema.TYPE_TO_GROUP`), so every label scheme applies.
    """
    abstracts, entities, relations_path = find_drugprot_files(folder)
    skipped = SkipCounter(str(folder))
    docs = {k: v for k, v in read_abstracts(abstracts, source="drugprot").items() if k not in exclude_ids}
    mentions = read_entities(entities, docs, skipped)
    index: dict[str, dict[str, Mention]] = {pmid: {m.id: m for m in mentions.get(pmid, [])} for pmid in docs}
    rels: dict[str, list[Relation]] = {}
    seen: set[Relation] = set()
    if relations_path is not None:
        for lineno, (pmid, rtype, a1, a2) in read_rows(relations_path, 4):
            if pmid not in index:
                skipped.skip("relations of documents without text (or excluded)", f"{relations_path}:{lineno}")
                continue
            if rtype not in DRUGPROT_TYPES:
                raise InputError(relations_path, lineno, f"unknown DrugProt relation type {rtype!r}")
            arg1 = parse_arg(a1, "Arg1", relations_path, lineno)
            arg2 = parse_arg(a2, "Arg2", relations_path, lineno)
            check_pair(pmid, arg1, arg2, index[pmid], relations_path, lineno)
            relation = Relation(pmid, arg1, arg2, rtype, TYPE_TO_GROUP[rtype], True)
            if relation in seen:  # one relation, not two
                skipped.skip("repeated relation lines (the first kept)", f"{relations_path}:{lineno}")
                continue
            seen.add(relation)
            rels.setdefault(pmid, []).append(relation)
    skipped.report()
    return [d.with_annotations(sorted_mentions(mentions.get(k, [])), tuple(rels.get(k, []))) for k, d in docs.items()]


def leak_free(docs: list[Document], evaluation_ids: set[str]) -> list[Document]:
    """Drop documents that also belong to the evaluation split (DrugProt re-annotates ChemProt)."""
    return [d for d in docs if d.id not in evaluation_ids]
