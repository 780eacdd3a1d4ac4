"""The seed presentation's recipe: start phrase + entity 1 + interaction phrase + entity 2 + end phrase.

Where it sits: a template source for `generate.py`, like `realistic.py`, but from fixed hand-written
phrase lists. Interaction phrases are listed per ChemProt relation type (grouped below by the seed's
coarse classes), so every sentence carries a real relation type whose scheme label is the class asked
for. Each phrase says which argument comes first (``True``: chemical first, e.g. active voice; ``False``:
gene first, e.g. passive voice). Negative pairs (``cpr``'s ``false``) are co-mentions with no relation, or
relations of the groups the scheme does not evaluate (NOT, PART-OF, CPR:2, …).
"""

from __future__ import annotations

import random

from relnet.data import CHEMICAL, GENE, Relation
from relnet.errors import RelnetError
from relnet.examples.labels import LabelScheme
from relnet.schema import EVALUATED_GROUPS, TYPE_TO_GROUP
from relnet.synth.templates import DISTRACTOR, FOCAL, Slot, Template

Phrase = tuple[str, bool]  # (interaction phrase, chemical comes first)

PHRASES: dict[str, tuple[Phrase, ...]] = {
    # REGULATOR-NEGATIVE
    "INHIBITOR": (("inhibits", True), ("potently inhibited", True), ("is a selective inhibitor of", True),
                  ("blocked the enzymatic activity of", True), ("is inhibited by", False),
                  ("activity was suppressed by", False)),
    "DOWNREGULATOR": (("decreases the activity of", True), ("reduced the function of", True),
                      ("activity is reduced by", False)),
    "INDIRECT-DOWNREGULATOR": (("decreased the expression of", True), ("down-regulates", True),
                               ("reduced the protein levels of", True), ("mRNA levels were decreased by", False),
                               ("expression was attenuated by", False)),
    "ANTAGONIST": (("is an antagonist of", True), ("antagonizes", True), ("is a selective antagonist at", True),
                   ("is antagonized by", False), ("signalling was blocked by the antagonist", False)),
    "AGONIST-INHIBITOR": (("acts as an inverse agonist of", True), ("is an agonist that desensitizes", True)),
    "MODULATOR-INHIBITOR": (("is a negative allosteric modulator of", True),),
    # REGULATOR-POSITIVE
    "ACTIVATOR": (("activates", True), ("is a potent activator of", True), ("stimulated the activity of", True),
                  ("is activated by", False), ("activity was enhanced by", False)),
    "INDIRECT-UPREGULATOR": (("increased the expression of", True), ("up-regulates", True),
                             ("induced the mRNA levels of", True), ("expression was induced by", False),
                             ("protein levels were increased by", False)),
    "UPREGULATOR": (("increases the activity of", True), ("enhanced the function of", True),
                    ("activity is enhanced by", False)),
    "AGONIST-ACTIVATOR": (("is an agonist that activates", True), ("acts as a full agonist to activate", True)),
    "MODULATOR-ACTIVATOR": (("is a positive allosteric modulator of", True), ("potentiates", True)),
    # INTERACTOR
    "AGONIST": (("is an agonist of", True), ("is a selective agonist at", True), ("acts as a partial agonist of", True),
                ("is stimulated by the agonist", False)),
    "SUBSTRATE": (("is a substrate of", True), ("is metabolized by", True), ("is transported by", True),
                  ("catalyzes the hydroxylation of", False), ("mediates the uptake of", False)),
    "PRODUCT-OF": (("is produced by", True), ("is a metabolite formed by", True),
                   ("catalyzes the formation of", False), ("generates", False)),
    "SUBSTRATE_PRODUCT-OF": (("is converted and released by", True), ("catalyzes the interconversion of", False)),
    "REGULATOR": (("regulates", True), ("affects the activity of", True), ("is regulated by", False)),
    "DIRECT-REGULATOR": (("binds to", True), ("binds directly to", True), ("interacts with", True),
                         ("is a ligand of", True), ("binds", False)),
    "INDIRECT-REGULATOR": (("modulates the expression of", True), ("alters the levels of", True),
                           ("expression is influenced by", False)),
    "COFACTOR": (("is an essential cofactor of", True), ("is required as a cofactor for", True), ("requires", False)),
    "MODULATOR": (("is an allosteric modulator of", True),),
    # PART-OF
    "PART-OF": (("is a structural component of", True), ("is covalently attached to", True),
                ("forms part of the active site of", True), ("contains", False), ("is a protein that carries", False)),
    # NOT
    "NOT": (("did not inhibit", True), ("had no effect on", True), ("does not bind to", True),
            ("failed to activate", True), ("was not affected by", False), ("expression was unchanged by", False)),
}  # fmt: skip

STARTS = ("We found that", "Our results show that", "In this study, we demonstrate that", "These data indicate that",
          "It was observed that", "Here we report that", "Taken together, these findings suggest that",
          "In conclusion,", "Importantly,", "Moreover,")  # fmt: skip
ENDS = (".", " in vitro.", " in vivo.", " in a dose-dependent manner.", " in cultured cells.",
        " in human liver microsomes.", " in rats.", " in patients.")  # fmt: skip
#: Co-mentions without a relation (``cpr``'s ``false``): their own frame, since "X and Y" is no clause.
CO_STARTS = ("We measured", "Samples were analysed for", "The study examined", "Patients were screened for",
             "We determined the levels of")  # fmt: skip
CO_PHRASES = ("and", ", as well as", "together with", "in parallel with")
CO_ENDS = (" in plasma.", " in all samples.", " by HPLC and Western blot.", " at baseline.", ".")
#: A third, unrelated entity appended to the sentence: (text before, kind, text after).
DISTRACTORS = ((" in cells pretreated with ", CHEMICAL, "."), (" in cells overexpressing ", GENE, "."),
               (" in the presence of ", CHEMICAL, "."), (", independently of ", GENE, "."))  # fmt: skip
DISTRACTOR_RATE = 0.3


def _label(scheme: LabelScheme, rtype: str) -> str | None:
    group = TYPE_TO_GROUP[rtype]
    return scheme.label_of(Relation("", "", "", rtype, group, group in EVALUATED_GROUPS))


class SeedSource:
    """Draws seed templates for the classes of a scheme."""

    family = "seed"

    def __init__(self, scheme: LabelScheme) -> None:
        self.scheme = scheme
        self.types: dict[str, list[str]] = {label: [] for label in scheme.labels}
        for rtype in PHRASES:
            label = _label(scheme, rtype) or scheme.negative
            if label is not None:
                self.types[label].append(rtype)
        if scheme.negative is not None:
            self.types[scheme.negative].append("")  # "": a co-mention, no relation at all
        missing = [label for label, types in self.types.items() if not types]
        if missing:
            raise RelnetError(f"no seed phrases for {', '.join(missing)} under scheme {scheme.name}")

    def draw(self, label: str, rng: random.Random) -> Template:
        rtype = rng.choice(self.types[label])
        if rtype:
            phrase, chem_first = rng.choice(PHRASES[rtype])
            start, end = rng.choice(STARTS), rng.choice(ENDS)
        else:
            phrase, chem_first = rng.choice(CO_PHRASES), rng.random() < 0.5
            start, end = rng.choice(CO_STARTS), rng.choice(CO_ENDS)
        first, second = (CHEMICAL, GENE) if chem_first else (GENE, CHEMICAL)
        sep = "" if phrase.startswith(",") else " "
        pieces: list[str | Slot] = [f"{start} ", Slot(FOCAL, first), f"{sep}{phrase} ", Slot(FOCAL, second)]
        if rng.random() < DISTRACTOR_RATE:
            before, kind, after = rng.choice(DISTRACTORS)
            pieces += [before, Slot(DISTRACTOR, kind), after]
        else:
            pieces.append(end)
        group = TYPE_TO_GROUP[rtype] if rtype else ""
        return Template(label, rtype, group in EVALUATED_GROUPS, tuple(pieces), "seed")
