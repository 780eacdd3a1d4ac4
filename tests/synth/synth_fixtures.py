"""A tiny ChemProt training split for the synth tests, with pairs of every class of every scheme.

Entities are written inline as ``{C:name}`` (chemical) or ``{G:name}`` (gene); each sentence lists its
relations as (chemical, gene, type) by name. Offsets index ``title + "\\t" + abstract``.
"""

from __future__ import annotations

import re
from pathlib import Path

from relnet.schema import EVALUATED_GROUPS, TYPE_TO_GROUP

Rel = tuple[str, str, str]
DOCS: dict[str, list[tuple[str, list[Rel]]]] = {
    "1001": [
        ("Effects of {C:aspirin} on {G:cyclooxygenase-2} in cells", []),
        ("{C:Aspirin} inhibits {G:COX-2} activity.", [("Aspirin", "COX-2", "INHIBITOR")]),
        ("{G:CYP3A4} activity was reduced by {C:ketoconazole}.", [("ketoconazole", "CYP3A4", "DOWNREGULATOR")]),
        ("{C:Dexamethasone} decreased the expression of {G:IL-6} mRNA.",
         [("Dexamethasone", "IL-6", "INDIRECT-DOWNREGULATOR")]),
        ("{C:Naloxone} is an antagonist of the {G:mu-opioid receptor}.",
         [("Naloxone", "mu-opioid receptor", "ANTAGONIST")]),
        ("{C:Forskolin} activates {G:adenylyl cyclase} in the presence of {C:glucose}.",
         [("Forskolin", "adenylyl cyclase", "ACTIVATOR")]),
        ("{C:Rifampicin} increased {G:CYP2B6} expression in hepatocytes.",
         [("Rifampicin", "CYP2B6", "INDIRECT-UPREGULATOR")]),
        ("{C:Sulfonylurea} enhanced the function of {G:GLUT4} in muscle.", [("Sulfonylurea", "GLUT4", "UPREGULATOR")]),
        ("{C:Morphine} is an agonist of the {G:delta-opioid receptor}.",
         [("Morphine", "delta-opioid receptor", "AGONIST")]),
    ],
    "1002": [
        ("Metabolism of {C:midazolam} by {G:CYP3A5}", [("midazolam", "CYP3A5", "SUBSTRATE")]),
        ("{C:Salmeterol} acts as an agonist that activates the {G:beta2-adrenoceptor}.",
         [("Salmeterol", "beta2-adrenoceptor", "AGONIST-ACTIVATOR")]),
        ("{C:Rimonabant} is an inverse agonist that inhibits {G:CB1}.", [("Rimonabant", "CB1", "AGONIST-INHIBITOR")]),
        ("{C:Midazolam} is hydroxylated by {G:CYP3A43} in liver microsomes.", [("Midazolam", "CYP3A43", "SUBSTRATE")]),
        ("{C:Estrone} is formed by {G:aromatase} ({G:CYP19}) in adipose tissue.",
         [("Estrone", "aromatase", "PRODUCT-OF"), ("Estrone", "CYP19", "PRODUCT-OF")]),
        ("{C:Testosterone} is converted by {G:17beta-HSD} and released.",
         [("Testosterone", "17beta-HSD", "SUBSTRATE_PRODUCT-OF")]),
        ("{C:Zinc} is a structural component of {G:metallothionein}.", [("Zinc", "metallothionein", "PART-OF")]),
        ("{C:Caffeine} did not inhibit {G:PDE5} in these cells.", [("Caffeine", "PDE5", "NOT")]),
        ("{C:Insulin glargine} and {G:insulin receptor} levels were measured in plasma.", []),
        ("{C:Metformin} regulates {G:AMPK} in liver.", [("Metformin", "AMPK", "REGULATOR")]),
        ("{C:Nitric oxide} ({C:NO}) activates {G:soluble guanylate cyclase}.",
         [("Nitric oxide", "soluble guanylate cyclase", "ACTIVATOR"),
          ("NO", "soluble guanylate cyclase", "ACTIVATOR")]),
    ],
}  # fmt: skip

_ENTITY = re.compile(r"\{([CG]):([^}]+)\}")


def write_chemprot(folder: Path, docs: dict[str, list[tuple[str, list[Rel]]]] = DOCS, split: str = "training") -> Path:
    """Write the four TSV files of one split; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    abstracts, entities, relations, gold = [], [], [], []
    for pmid, sentences in docs.items():
        text, ids, n = "", {}, 0
        for i, (sentence, rels) in enumerate(sentences):
            text += "\t" if i == 1 else " " if i > 1 else ""
            for part in re.split(r"(\{[CG]:[^}]+\})", sentence):
                m = _ENTITY.fullmatch(part)
                if not m:
                    text += part
                    continue
                n += 1
                kind = "CHEMICAL" if m.group(1) == "C" else "GENE-Y"
                entities.append(f"{pmid}\tT{n}\t{kind}\t{len(text)}\t{len(text) + len(m.group(2))}\t{m.group(2)}")
                ids[m.group(2)] = f"T{n}"
                text += m.group(2)
            for chem, gene, rtype in rels:
                group = TYPE_TO_GROUP[rtype]
                flag = "Y " if group in EVALUATED_GROUPS else "N "
                relations.append(f"{pmid}\t{group}\t{flag}\t{rtype}\tArg1:{ids[chem]}\tArg2:{ids[gene]}")
                if group in EVALUATED_GROUPS:
                    gold.append(f"{pmid}\t{group}\tArg1:{ids[chem]}\tArg2:{ids[gene]}")
        abstracts.append(f"{pmid}\t{text}")
    for name, rows in (("abstracts", abstracts), ("entities", entities), ("relations", relations),
                       ("gold_standard", gold)):  # fmt: skip
        (folder / f"chemprot_{split}_{name}.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder
