"""ChemProt (BioCreative VI Track 5) split folders → `Document`s with gold mentions and relations.

A split folder holds four TSV files (no header), found by name so that training, development and
the held-out ``test_gs`` split read alike:

- ``*abstracts*.tsv``: PMID, title, abstract. Offsets index ``title + "\\t" + abstract``.
- ``*entities*.tsv``: PMID, id (T1…), type (CHEMICAL | GENE-Y | GENE-N), start, end, text.
- ``*relations*.tsv``: PMID, CPR group, evaluated ("Y "/"N "), type, ``Arg1:Tn``, ``Arg2:Tm``.
- ``*gold_standard*.tsv``: PMID, CPR group, ``Arg1:Tn``, ``Arg2:Tm`` (evaluated groups only).

The abstracts and entities files read as DrugProt's do (`biocreative_tsv`); groups and types are checked
against `relnet.schema`.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from relnet.schema import CPR_GROUPS, TYPE_TO_GROUP


@dataclass(frozen=True)
class ChemProtFiles:
    abstracts: Path
    entities: Path
    relations: Path | None
    gold_standard: Path | None


def find_chemprot_files(folder: str | Path) -> ChemProtFiles:
    """Locate a split's files by name; relations and gold standard are optional (unlabelled text)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, None, "ChemProt split folder not found")
    return ChemProtFiles(
        abstracts=find_one(folder, "*abstracts*.tsv", True),  # type: ignore[arg-type]
        entities=find_one(folder, "*entities*.tsv", True),  # type: ignore[arg-type]
        relations=find_one(folder, "*relations*.tsv", False),
        gold_standard=find_one(folder, "*gold_standard*.tsv", False),
    )


def read_relations(
    path: Path, mentions: dict[str, dict[str, Mention]], skipped: SkipCounter
) -> dict[str, list[Relation]]:
    out: dict[str, list[Relation]] = {}
    seen: set[Relation] = set()
    for lineno, cols in read_rows(path, 6):
        pmid, group, evaluated, rtype, a1, a2 = cols
        if pmid not in mentions:
            skipped.skip("relations of documents without text or entities", f"{path}:{lineno}")
            continue
        group = group.strip()
        if group not in CPR_GROUPS:
            raise InputError(path, lineno, f"unknown CPR group {group!r}")
        if rtype not in TYPE_TO_GROUP:
            raise InputError(path, lineno, f"unknown relation type {rtype!r}")
        if TYPE_TO_GROUP[rtype] != group:
            raise InputError(path, lineno, f"relation type {rtype} is in group {TYPE_TO_GROUP[rtype]}, not {group}")
        flag = evaluated.strip()
        if flag not in ("Y", "N"):
            raise InputError(path, lineno, f"evaluated flag must be 'Y' or 'N', found {evaluated!r}")
        arg1, arg2 = parse_arg(a1, "Arg1", path, lineno), parse_arg(a2, "Arg2", path, lineno)
        check_pair(pmid, arg1, arg2, mentions[pmid], path, lineno)
        relation = Relation(pmid, arg1, arg2, rtype, group, flag == "Y")
        if relation in seen:  # one relation, not two (the official scorer collapses repeated gold lines too)
            skipped.skip("repeated relation lines (the first kept)", f"{path}:{lineno}")
            continue
        seen.add(relation)
        out.setdefault(pmid, []).append(relation)
    return out


def read_gold_standard(path: str | Path) -> set[tuple[str, str, str, str]]:
    """The official gold tuples ``(PMID, CPR group, Tn, Tm)``; duplicates collapse, as officially."""
    path = Path(path)
    gold: set[tuple[str, str, str, str]] = set()
    for lineno, (pmid, group, a1, a2) in read_rows(path, 4):
        group = group.strip()
        if group not in CPR_GROUPS:
            raise InputError(path, lineno, f"unknown CPR group {group!r}")
        gold.add((pmid, group, parse_arg(a1, "Arg1", path, lineno), parse_arg(a2, "Arg2", path, lineno)))
    return gold


def read_chemprot(folder: str | Path) -> list[Document]:
    """Read one split folder into documents (in abstract-file order) with gold annotations."""
    files = find_chemprot_files(folder)
    skipped = SkipCounter(str(folder))
    docs = read_abstracts(files.abstracts)
    mentions = read_entities(files.entities, docs, skipped)
    index = {pmid: {m.id: m for m in ms} for pmid, ms in mentions.items()}
    for pmid in docs:
        index.setdefault(pmid, {})
    relations = read_relations(files.relations, index, skipped) if files.relations else {}
    skipped.report()
    return [
        doc.with_annotations(sorted_mentions(mentions.get(pmid, [])), tuple(relations.get(pmid, [])))
        for pmid, doc in docs.items()
    ]
