"""`Mention`s → entities: which mentions name the same chemical or gene.

The store and the network group mentions by `EntityRef.key`. `SurfaceNormalizer`, the default,
keys a mention by its normalised surface form (`entity_key`) and, within a document, maps a long
form to the abbreviation the document defines for it ("epidermal growth factor receptor (EGFR)"):
abbreviations are how most later sentences and other abstracts name the entity, so grouping on
the short form joins the most mentions. Database normalisers (ChEBI, UniProt) plug in through the
`Normalizer` protocol.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

from relnet.data import Document, EntityRef, Mention

GREEK: dict[str, str] = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi",
    "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}  # fmt: skip
# white space and every dash/hyphen variant: "COX-2" == "COX 2" == "COX‐2" == "cox2"
_IGNORED = re.compile(r"[\s\-‐‑‒–—―−_]+")


class Normalizer(Protocol):
    def normalize(self, mention: Mention, doc: Document) -> EntityRef:
        """The entity a mention of ``doc`` names."""
        ...


def entity_key(text: str, kind: str) -> str:
    """A grouping key: kind plus the case-, space-, hyphen- and Greek-insensitive form of ``text``."""
    s = unicodedata.normalize("NFKC", text)
    s = "".join(GREEK.get(ch.lower(), ch) for ch in s)
    return f"{kind}:{_IGNORED.sub('', s).casefold()}"


def abbreviations(text: str) -> dict[str, str]:
    """Abbreviations defined in ``text`` as ``long form (SF)``: ``{short: long}``, first definition wins.

    Schwartz & Hearst (2003): the short form has 2–10 characters, at most two words, a letter and
    an alphanumeric first character; the long form is the shortest run of preceding words (at most
    ``min(len(SF) + 5, 2 * len(SF))``) whose characters contain the short form's, in order, with its
    first character starting a word.
    """
    out: dict[str, str] = {}
    for m in re.finditer(r"\(([^()]{1,10})\)", text):
        short = m.group(1).strip()
        if not _valid_short(short) or short in out:
            continue
        before = re.split(r"[.;:()\[\]]", text[: m.start()])[-1]  # stay within the clause
        words = before.split()
        max_words = min(len(short) + 5, 2 * len(short))
        # a Greek letter in the short form is spelled out in the long one: "TNF-α" ← "…factor-alpha"
        spelled = "".join(GREEK.get(ch.lower(), ch) for ch in short)
        long = _best_long_form(spelled, " ".join(words[-max_words:]))
        if long and len(long) > len(short) and short.lower() not in long.lower().split():
            out[short] = long
    return out


def _valid_short(short: str) -> bool:
    return (
        2 <= len(short) <= 10 and len(short.split()) <= 2 and short[0].isalnum() and any(ch.isalpha() for ch in short)
    )


def _best_long_form(short: str, candidate: str) -> str | None:
    s, i = len(short) - 1, len(candidate) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        # the short form's first character must start a word of the long form
        while i >= 0 and (candidate[i].lower() != ch or (s == 0 and i > 0 and candidate[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = candidate.rfind(" ", 0, i + 1) + 1
    return candidate[start:].strip() or None


class SurfaceNormalizer:
    """Group by surface form, with a document's own abbreviations folded in (see the module docstring)."""

    def __init__(self) -> None:
        self._doc_id: str | None = None
        self._aliases: dict[str, str] = {}  # entity_key of a long form or short form → short form

    def _document_aliases(self, doc: Document) -> dict[str, str]:
        if doc.id != self._doc_id:  # documents arrive one after another: cache the last one only
            aliases: dict[str, str] = {}
            for short, long in abbreviations(doc.text).items():
                aliases[entity_key(long, "")] = short
            self._doc_id, self._aliases = doc.id, aliases
        return self._aliases

    def normalize(self, mention: Mention, doc: Document) -> EntityRef:
        name = self._document_aliases(doc).get(entity_key(mention.text, ""), mention.text)
        return EntityRef(entity_key(name, mention.kind), name, mention.kind)
