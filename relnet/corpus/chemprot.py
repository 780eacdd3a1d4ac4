"""ChemProt (BioCreative VI Track 5) split folders → `Document`s with gold mentions and relations.

A split folder holds four TSV files (no header), found by name so that training, development and
the held-out ``test_gs`` split read alike:

- ``*abstracts*.tsv``: PMID, title, abstract. Offsets index ``title + "\\t" + abstract``.
- ``*entities*.tsv``: PMID, id (T1…), type (CHEMICAL | GENE-Y | GENE-N), start, end, text.
- ``*relations*.tsv``: PMID, CPR group, evaluated ("Y "/"N "), type, ``Arg1:Tn``, ``Arg2:Tm``.
- ``*gold_standard*.tsv``: PMID, CPR group, ``Arg1:Tn``, ``Arg2:Tm`` (evaluated groups only).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from relnet.corpus.tsv import parse_int, read_rows
from relnet.data import ENTITY_KINDS, Document, Mention, Relation
from relnet.errors import InputError, SkipCounter

CPR_GROUPS = tuple(f"CPR:{i}" for i in range(11))
EVALUATED_GROUPS = ("CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9")

#: Relation type → CPR group, as annotated in ChemProt (and used to map DrugProt's types).
TYPE_TO_GROUP: dict[str, str] = {
    "UNDEFINED": "CPR:0",
    "PART-OF": "CPR:1",
    "DIRECT-REGULATOR": "CPR:2",
    "INDIRECT-REGULATOR": "CPR:2",
    "REGULATOR": "CPR:2",
    "ACTIVATOR": "CPR:3",
    "INDIRECT-UPREGULATOR": "CPR:3",
    "UPREGULATOR": "CPR:3",
    "DOWNREGULATOR": "CPR:4",
    "INDIRECT-DOWNREGULATOR": "CPR:4",
    "INHIBITOR": "CPR:4",
    "AGONIST": "CPR:5",
    "AGONIST-ACTIVATOR": "CPR:5",
    "AGONIST-INHIBITOR": "CPR:5",
    "ANTAGONIST": "CPR:6",
    "MODULATOR": "CPR:7",
    "MODULATOR-ACTIVATOR": "CPR:7",
    "MODULATOR-INHIBITOR": "CPR:7",
    "COFACTOR": "CPR:8",
    "PRODUCT-OF": "CPR:9",
    "SUBSTRATE": "CPR:9",
    "SUBSTRATE_PRODUCT-OF": "CPR:9",
    "NOT": "CPR:10",
}


@dataclass(frozen=True)
class ChemProtFiles:
    abstracts: Path
    entities: Path
    relations: Path | None
    gold_standard: Path | None


def _find_one(folder: Path, pattern: str, required: bool) -> Path | None:
    hits = sorted(p for p in folder.glob(pattern) if p.is_file())
    if len(hits) > 1:
        raise InputError(folder, None, f"several files match {pattern}: {', '.join(p.name for p in hits)}")
    if not hits and required:
        raise InputError(folder, None, f"no file matching {pattern}")
    return hits[0] if hits else None


def find_chemprot_files(folder: str | Path) -> ChemProtFiles:
    """Locate a split's files by name; relations and gold standard are optional (unlabelled text)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, None, "ChemProt split folder not found")
    return ChemProtFiles(
        abstracts=_find_one(folder, "*abstracts*.tsv", True),  # type: ignore[arg-type]
        entities=_find_one(folder, "*entities*.tsv", True),  # type: ignore[arg-type]
        relations=_find_one(folder, "*relations*.tsv", False),
        gold_standard=_find_one(folder, "*gold_standard*.tsv", False),
    )


def read_abstracts(path: Path, source: str = "chemprot") -> dict[str, Document]:
    """PMID, title, abstract → documents whose text is ``title + "\\t" + abstract``."""
    docs: dict[str, Document] = {}
    for lineno, (pmid, title, abstract) in read_rows(path, 3):
        if pmid in docs:
            raise InputError(path, lineno, f"duplicate PMID {pmid}")
        if not (title.strip() or abstract.strip()):
            raise InputError(path, lineno, f"empty title and abstract for PMID {pmid}")
        docs[pmid] = Document(id=pmid, text=f"{title}\t{abstract}", title_end=len(title), source=source)
    return docs


def read_entities(path: Path, docs: dict[str, Document], skipped: SkipCounter) -> dict[str, list[Mention]]:
    """Entities with offsets checked against their document's text."""
    out: dict[str, list[Mention]] = {}
    seen: set[tuple[str, str]] = set()
    for lineno, (pmid, tid, etype, start_s, end_s, text) in read_rows(path, 6):
        if pmid not in docs:
            skipped.skip("entities of documents without text", f"{path}:{lineno}")
            continue
        if etype not in ENTITY_KINDS:
            raise InputError(path, lineno, f"unknown entity type {etype!r}; expected one of {sorted(ENTITY_KINDS)}")
        start, end = parse_int(start_s, path, lineno, "start"), parse_int(end_s, path, lineno, "end")
        doc_text = docs[pmid].text
        if not 0 <= start < end <= len(doc_text):
            raise InputError(path, lineno, f"offsets {start}–{end} outside the text of {pmid} (length {len(doc_text)})")
        if doc_text[start:end] != text:
            raise InputError(
                path, lineno, f"entity text {text!r} does not match the text at {start}–{end}: {doc_text[start:end]!r}"
            )
        if (pmid, tid) in seen:
            raise InputError(path, lineno, f"duplicate entity id {tid} in {pmid}")
        seen.add((pmid, tid))
        out.setdefault(pmid, []).append(Mention(tid, start, end, text, ENTITY_KINDS[etype], etype))
    return out


def parse_arg(value: str, prefix: str, path: Path, lineno: int) -> str:
    if not value.startswith(prefix + ":"):
        raise InputError(path, lineno, f"expected {prefix}:Tn, found {value!r}")
    return value[len(prefix) + 1 :]


def check_pair(pmid: str, arg1: str, arg2: str, mentions: dict[str, Mention], path: Path, lineno: int) -> None:
    for arg in (arg1, arg2):
        if arg not in mentions:
            raise InputError(path, lineno, f"relation refers to unknown entity {arg} of document {pmid}")
    if mentions[arg1].kind != "CHEMICAL" or mentions[arg2].kind != "GENE":
        raise InputError(path, lineno, f"relation {arg1}→{arg2} is not chemical→gene in {pmid}")


def read_relations(
    path: Path, mentions: dict[str, dict[str, Mention]], skipped: SkipCounter
) -> dict[str, list[Relation]]:
    out: dict[str, list[Relation]] = {}
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
        flag = evaluated.strip()
        if flag not in ("Y", "N"):
            raise InputError(path, lineno, f"evaluated flag must be 'Y' or 'N', found {evaluated!r}")
        arg1, arg2 = parse_arg(a1, "Arg1", path, lineno), parse_arg(a2, "Arg2", path, lineno)
        check_pair(pmid, arg1, arg2, mentions[pmid], path, lineno)
        out.setdefault(pmid, []).append(Relation(pmid, arg1, arg2, rtype, group, flag == "Y"))
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
        doc.with_annotations(
            tuple(sorted(mentions.get(pmid, []), key=lambda m: (m.start, m.end))), tuple(relations.get(pmid, []))
        )
        for pmid, doc in docs.items()
    ]
