from __future__ import annotations

from pathlib import Path

import pytest

from relnet.corpus.drugprot import read_drugprot
from relnet.data import Relation
from relnet.examples.labels import get_scheme
from relnet.schema import DRUGPROT_TYPES

# DrugProt type → (CPR group, cpr label, fine label, coarse5 label); None = the scheme ignores the relation
EXPECTED = {
    "INHIBITOR": ("CPR:4", "CPR:4", "INHIBITOR", "REGULATOR-NEGATIVE"),
    "DIRECT-REGULATOR": ("CPR:2", None, None, "INTERACTOR"),
    "SUBSTRATE": ("CPR:9", "CPR:9", "SUBSTRATE", "INTERACTOR"),
    "ACTIVATOR": ("CPR:3", "CPR:3", "ACTIVATOR", "REGULATOR-POSITIVE"),
    "INDIRECT-UPREGULATOR": ("CPR:3", "CPR:3", "INDIRECT-UPREGULATOR", "REGULATOR-POSITIVE"),
    "INDIRECT-DOWNREGULATOR": ("CPR:4", "CPR:4", "INDIRECT-DOWNREGULATOR", "REGULATOR-NEGATIVE"),
    "ANTAGONIST": ("CPR:6", "CPR:6", "ANTAGONIST", "REGULATOR-NEGATIVE"),
    "PRODUCT-OF": ("CPR:9", "CPR:9", "PRODUCT-OF", "INTERACTOR"),
    "PART-OF": ("CPR:1", None, None, "PART-OF"),
    "AGONIST": ("CPR:5", "CPR:5", "AGONIST", "INTERACTOR"),
    "AGONIST-ACTIVATOR": ("CPR:5", "CPR:5", "AGONIST-ACTIVATOR", "REGULATOR-POSITIVE"),
    "SUBSTRATE_PRODUCT-OF": ("CPR:9", "CPR:9", "SUBSTRATE_PRODUCT-OF", "INTERACTOR"),
    "AGONIST-INHIBITOR": ("CPR:5", "CPR:5", "AGONIST-INHIBITOR", "REGULATOR-NEGATIVE"),
}


@pytest.fixture(scope="module")
def drugprot_relations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Relation]:
    """Every DrugProt type once, on one pair, read through `read_drugprot`."""
    folder: Path = tmp_path_factory.mktemp("dp")
    (folder / "drugprot_development_abstracs.tsv").write_text("7\tDrugX and PROT1.\tDrugX acts on PROT1.\n")
    (folder / "drugprot_development_entities.tsv").write_text(
        "7\tT1\tCHEMICAL\t17\t22\tDrugX\n7\tT2\tGENE\t31\t36\tPROT1\n"
    )
    rows = [f"7\t{t}\tArg1:T1\tArg2:T2" for t in DRUGPROT_TYPES]
    (folder / "drugprot_development_relations.tsv").write_text("\n".join(rows) + "\n")
    (doc,) = read_drugprot(folder)
    return {r.label: r for r in doc.relations}


def test_labels_drugprot_table_covers_every_type() -> None:
    assert sorted(EXPECTED) == sorted(DRUGPROT_TYPES)


@pytest.mark.parametrize("rtype", sorted(EXPECTED))
def test_labels_drugprot_type_to_group_and_schemes(drugprot_relations: dict[str, Relation], rtype: str) -> None:
    relation = drugprot_relations[rtype]
    group, cpr, fine, coarse5 = EXPECTED[rtype]
    assert relation.group == group and relation.evaluated
    assert get_scheme("cpr").label_of(relation) == cpr
    assert get_scheme("fine").label_of(relation) == fine
    assert get_scheme("coarse5").label_of(relation) == coarse5
