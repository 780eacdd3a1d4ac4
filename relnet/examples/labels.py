"""Label schemes: how a gold relation (or its absence) becomes a class label.

- ``cpr``: CPR:3,4,5,6,9 and ``false`` for every other candidate pair (the BLURB protocol).
- ``fine``: the 13 relation types of the evaluated groups, annotated pairs only (SciBERT protocol).
- ``coarse5``: the seed presentation's five classes over every annotated relation but CPR:0.
"""

from __future__ import annotations

from dataclasses import dataclass

from relnet.data import Relation
from relnet.errors import RelnetError
from relnet.schema import CPR_GROUPS, EVALUATED_GROUPS, TYPE_TO_GROUP

NEGATIVE = "false"

COARSE5: dict[str, str] = {
    **dict.fromkeys(
        [
            "REGULATOR",
            "DIRECT-REGULATOR",
            "INDIRECT-REGULATOR",
            "AGONIST",
            "MODULATOR",
            "COFACTOR",
            "SUBSTRATE",
            "PRODUCT-OF",
            "SUBSTRATE_PRODUCT-OF",
        ],
        "INTERACTOR",
    ),  # fmt: skip
    "NOT": "NOT",
    "PART-OF": "PART-OF",
    **dict.fromkeys(
        [
            "INHIBITOR",
            "INDIRECT-DOWNREGULATOR",
            "DOWNREGULATOR",
            "ANTAGONIST",
            "AGONIST-INHIBITOR",
            "MODULATOR-INHIBITOR",
        ],
        "REGULATOR-NEGATIVE",
    ),  # fmt: skip
    **dict.fromkeys(
        ["ACTIVATOR", "INDIRECT-UPREGULATOR", "UPREGULATOR", "AGONIST-ACTIVATOR", "MODULATOR-ACTIVATOR"],
        "REGULATOR-POSITIVE",
    ),  # fmt: skip
}

FINE_TYPES = tuple(sorted(t for t, g in TYPE_TO_GROUP.items() if g in EVALUATED_GROUPS))


@dataclass(frozen=True)
class LabelScheme:
    """A named mapping from gold relations to class labels.

    ``negative`` is the label of pairs without a relation (``None`` when the scheme covers
    annotated pairs only); ``positive`` lists the classes that micro-F1 averages over.
    """

    name: str
    labels: tuple[str, ...]
    negative: str | None

    @property
    def positive(self) -> tuple[str, ...]:
        return tuple(label for label in self.labels if label != self.negative)

    def label_of(self, relation: Relation) -> str | None:
        """The class of a gold relation, or ``None`` if the scheme ignores it."""
        if self.name == "cpr":
            return relation.group if relation.evaluated and relation.group in EVALUATED_GROUPS else None
        if self.name == "fine":
            return relation.label if relation.label in FINE_TYPES and relation.evaluated else None
        if self.name == "coarse5":
            return COARSE5.get(relation.label)
        raise RelnetError(f"unknown label scheme {self.name!r}")

    def group_of(self, label: str) -> str | None:
        """The CPR group a predicted label stands for (for official scoring), if any."""
        if self.name == "cpr":
            return label if label in EVALUATED_GROUPS else None
        if self.name == "fine":
            return TYPE_TO_GROUP.get(label)
        return None


SCHEMES: dict[str, LabelScheme] = {
    "cpr": LabelScheme("cpr", (NEGATIVE, *EVALUATED_GROUPS), NEGATIVE),
    "fine": LabelScheme("fine", FINE_TYPES, None),
    "coarse5": LabelScheme("coarse5", tuple(sorted(set(COARSE5.values()))), None),
}


def get_scheme(name: str) -> LabelScheme:
    try:
        return SCHEMES[name]
    except KeyError:
        raise RelnetError(f"unknown label scheme {name!r}; choose one of {', '.join(SCHEMES)}") from None


#: Every relation label some part of relnet writes or reads: ChemProt/DrugProt types, CPR groups, each scheme's
#: classes (a mined store holds a model's classes) and ``false``. Readers keep a relation with any other label
#: and count it in a warning (`UNKNOWN_LABEL`): no scheme will use it.
KNOWN_LABELS = (
    frozenset(TYPE_TO_GROUP)
    | frozenset(CPR_GROUPS)
    | {NEGATIVE}
    | {label for scheme in SCHEMES.values() for label in scheme.labels}
)
UNKNOWN_LABEL = "chemical–gene relations kept whose label no label scheme knows (every scheme ignores them)"


def is_known_label(label: str) -> bool:
    """True if some scheme can use a relation labelled ``label`` (case aside: PubTator writes "Inhibitor")."""
    return label in KNOWN_LABELS or label.upper() in KNOWN_LABELS
