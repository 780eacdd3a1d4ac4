"""What ChemProt and DrugProt annotate: CPR groups, relation types and how they map onto each other.

Tables only, no file reading. Readers (`corpus/`) check input against them, label schemes
(`examples/labels.py`) build classes from them, scorers (`evaluation/official.py`) pick the groups
that count, and `synth/` writes artificial relations with them. Entity types → the two roles relnet
uses (`ENTITY_KINDS`) live with the dataclasses in `relnet/data.py`.
"""

from __future__ import annotations

#: Every ChemProt relation group, CPR:0 (undefined) … CPR:10 (not).
CPR_GROUPS = tuple(f"CPR:{i}" for i in range(11))

#: The groups the official BioCreative VI measure scores (and the ``cpr`` scheme classifies).
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

#: The 13 relation types DrugProt annotates (a subset of ChemProt's; each maps to a group via `TYPE_TO_GROUP`).
DRUGPROT_TYPES = (
    "INHIBITOR", "DIRECT-REGULATOR", "SUBSTRATE", "ACTIVATOR", "INDIRECT-UPREGULATOR",
    "INDIRECT-DOWNREGULATOR", "ANTAGONIST", "PRODUCT-OF", "PART-OF", "AGONIST",
    "AGONIST-ACTIVATOR", "SUBSTRATE_PRODUCT-OF", "AGONIST-INHIBITOR",
)  # fmt: skip

#: Plain-words names of the evaluated groups, for reports and views.
GROUP_NAMES: dict[str, str] = {
    "CPR:3": "upregulator / activator",
    "CPR:4": "downregulator / inhibitor",
    "CPR:5": "agonist",
    "CPR:6": "antagonist",
    "CPR:9": "substrate / product of",
}

#: Corpus gene types → one ``GENE`` type: NER scoring's default, as GENE-Y/GENE-N (normalisable or not) is a
#: distinction taggers rarely learn.
MERGE_GENES: dict[str, str] = {"GENE-Y": "GENE", "GENE-N": "GENE", "GENE": "GENE"}
