"""`Mention`s → entities: which mentions name the same chemical or gene.

The store and the network group mentions by `EntityRef.key`. `SurfaceNormalizer`, the default, keys a
mention by the source's concept id where it has one (PubTator/BioC: ``GENE:id:5743``), else by its
normalised surface form (`entity_key`), with the abbreviations its document defines folded in
("epidermal growth factor receptor (EGFR)": the long form and EGFR are one entity, keyed by the short
form, which is how most later sentences and other abstracts name it).

Across documents (`Definitions`, what `RelationStore` applies as documents arrive) a short form stays one
entity only while every document that defines it agrees on its sense (spellings of one long form, or synonyms
sharing a distinctive word, are one sense: `same_long_form`): once AR is defined as androgen
receptor in one abstract and as aldose reductase in another, each defined AR joins its own long form
(``GENE:androgenreceptor``, ``GENE:aldosereductase``) and an AR no document defines stays apart (``GENE:ar``).
Database normalisers (ChEBI, UniProt) plug in through the `Normalizer` protocol.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
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
        # not a definition: the short form among the long form's words, or the same name ("TNF-alpha (TNF-α)")
        if long and len(long) > len(short) and short.lower() not in long.lower().split():
            if entity_key(long, "") != entity_key(short, ""):
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
    return re.sub(r"^\W+", "", candidate[start:].strip()) or None  # "VEGF/VEGF receptor": not "/VEGF receptor"


@dataclass(frozen=True)
class Grounding:
    """What a mention's own document says about its entity, before other documents are consulted.

    ``surface`` is `entity_key` of the mention's text; ``concept`` the key of the source's concept id
    (`concept_key`, "" where none); where the document defines an abbreviation this mention is (or is the long
    form of), ``short``/``long`` are the keys of the short and long form, ``short_form``/``long_form`` their text.
    """

    surface: str
    concept: str = ""
    short: str = ""
    long: str = ""
    short_form: str = ""
    long_form: str = ""


def concept_key(concept: str, kind: str) -> str:
    """The grouping key of a mention with a concept id: ``KIND:id:CONCEPT``."""
    return f"{kind}:id:{concept}"


#: How alike (difflib ratio of their keys) two long forms of one short form must be to be spellings of one name:
#: "gonadotrophin"/"gonadotropin" 0.98, "adenylate"/"adenylyl cyclases" 0.86; "isoorientin"/"isoproterenol" 0.62,
#: "androgen receptor"/"aldose reductase" 0.55 (ChemProt development: no conflation above 0.65)
LONG_FORM_SIMILARITY = 0.75
#: Words that long forms of different senses share ("arachidonic acid"/"asiatic acid", "creatine kinase"/"casein
#: kinase", "gamma-linolenic acid"/"gamma-carboxyglutamic acid"): sharing one does not make them one name.
GENERIC_WORDS = frozenset(
    "acid acids receptor receptors protein proteins factor factors kinase kinases enzyme enzymes hormone hormones "
    "polypeptide peptide gene genes type subunit family member human alpha beta gamma delta epsilon kappa".split()
)
_DIGITS = re.compile(r"\d+")


def long_form_words(text: str) -> frozenset[str]:
    """The distinctive words of a long form (four letters or more, not `GENERIC_WORDS`), Greek letters spelled."""
    s = "".join(GREEK.get(ch, ch) for ch in unicodedata.normalize("NFKC", text).casefold())
    return frozenset(w for w in re.split(r"[^0-9a-z]+", s) if len(w) >= 4 and w not in GENERIC_WORDS)


def same_long_form(
    a: str, b: str, words_a: frozenset[str] = frozenset(), words_b: frozenset[str] = frozenset()
) -> bool:
    """Whether two long-form keys of one short form name one thing: spellings (plurals, hyphens, prefixes, variants:
    `LONG_FORM_SIMILARITY`) and synonyms sharing a distinctive word (``words_a``/``words_b``, `long_form_words`:
    "AMP-activated"/"adenosine monophosphate-activated protein kinase") do; different numbers
    ("cyclooxygenase-1", "cyclooxygenase-2") do not."""
    if a == b:
        return True
    numbers_a, numbers_b = _DIGITS.findall(a), _DIGITS.findall(b)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return False
    return bool(words_a & words_b) or SequenceMatcher(None, a, b, autojunk=False).ratio() >= LONG_FORM_SIMILARITY


@dataclass
class Definitions:
    """Abbreviation definitions across documents, and the entity key they give a `Grounding`.

    ``long_forms[short key]`` is the set of long-form keys documents define for that short form, and
    ``short_forms[long key]`` the reverse. The long forms of a short form fall into senses: spellings of one name
    (`same_long_form`, transitively) are one sense.
    """

    long_forms: dict[str, set[str]] = field(default_factory=dict)
    short_forms: dict[str, set[str]] = field(default_factory=dict)
    words: dict[str, frozenset[str]] = field(default_factory=dict)  # long key → `long_form_words` of its texts
    _senses: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)  # cache

    def add(self, short: str, long: str, long_form: str = "") -> None:
        """Record that a document defines ``short`` (key) as ``long`` (key), written ``long_form``."""
        self.long_forms.setdefault(short, set()).add(long)
        self.short_forms.setdefault(long, set()).add(short)
        self.words[long] = self.words.get(long, frozenset()) | long_form_words(long_form)
        for s in self.short_forms[long]:
            self._senses.pop(s, None)

    def senses(self, short: str) -> dict[str, str]:
        """Each long-form key of ``short`` → its sense's key (the sense's smallest long-form key)."""
        if short not in self._senses:
            longs = sorted(self.long_forms.get(short, ()))
            sense = {long: long for long in longs}

            def find(x: str) -> str:
                while sense[x] != x:
                    x = sense[x]
                return x

            for i, a in enumerate(longs):
                for b in longs[i + 1 :]:
                    ra, rb = find(a), find(b)
                    if ra != rb and same_long_form(
                        a.split(":", 1)[-1], b.split(":", 1)[-1], self.words.get(a, frozenset()),
                        self.words.get(b, frozenset()),
                    ):  # fmt: skip
                        sense[max(ra, rb)] = min(ra, rb)
            self._senses[short] = {long: find(long) for long in longs}
        return self._senses[short]

    def _key(self, short: str, long: str) -> str:
        senses = self.senses(short)
        return short if len(set(senses.values())) <= 1 else senses.get(long, long)

    def key(self, g: Grounding) -> str:
        """The entity key: the concept id's; a defined short form (or its long form) joins the short form while
        every document's long form for it is one sense, else its sense (keyed by a long form); an undefined long
        form gets the key it would get defined, if all short forms it stands for agree; anything else keeps its
        surface key (so an ambiguous short form that its document does not define is an entity of its own)."""
        if g.concept:
            return g.concept
        if g.short:
            return self._key(g.short, g.long)
        keys = {self._key(short, g.surface) for short in self.short_forms.get(g.surface, ())}
        return keys.pop() if len(keys) == 1 else g.surface


class SurfaceNormalizer:
    """Group by concept id or surface form, with a document's own abbreviations folded in (see the module docstring)."""

    def __init__(self) -> None:
        self._doc_id: str | None = None
        self._defined: dict[str, tuple[str, str]] = {}  # entity_key("") of a short or long form → (short, long)

    def _document_definitions(self, doc: Document) -> dict[str, tuple[str, str]]:
        if doc.id != self._doc_id:  # documents arrive one after another: cache the last one only
            defined: dict[str, tuple[str, str]] = {}
            for short, long in abbreviations(doc.text).items():
                defined.setdefault(entity_key(long, ""), (short, long))
                defined.setdefault(entity_key(short, ""), (short, long))
            self._doc_id, self._defined = doc.id, defined
        return self._defined

    def ground(self, mention: Mention, doc: Document) -> Grounding:
        """What ``doc`` says about the entity ``mention`` names (see `Grounding`)."""
        surface = entity_key(mention.text, mention.kind)
        if mention.concept:
            return Grounding(surface, concept_key(mention.concept, mention.kind))
        defined = self._document_definitions(doc).get(entity_key(mention.text, ""))
        if defined is None:
            return Grounding(surface)
        short, long = defined
        return Grounding(surface, "", entity_key(short, mention.kind), entity_key(long, mention.kind), short, long)

    def normalize(self, mention: Mention, doc: Document) -> EntityRef:
        """The entity ``mention`` names, as far as ``doc`` alone tells (a defined short form or its long form: the
        short form; `RelationStore` re-keys it where other documents define the short form differently)."""
        g = self.ground(mention, doc)
        if g.short:
            return EntityRef(g.short, g.short_form, mention.kind)
        return EntityRef(g.concept or g.surface, mention.text, mention.kind)


def group_mentions(docs: Iterable[Document], normalizer: SurfaceNormalizer | None = None) -> dict[tuple[str, str], str]:
    """The entity key of every mention of ``docs`` (``(doc id, mention id)`` → key), abbreviations resolved across
    all of them by `Definitions` — what `RelationStore` holds once it has all of ``docs``."""
    normalizer = normalizer or SurfaceNormalizer()
    grounded = {(d.id, m.id): normalizer.ground(m, d) for d in docs for m in d.mentions}
    definitions = Definitions()
    for g in grounded.values():
        if g.short:
            definitions.add(g.short, g.long, g.long_form)
    return {ref: definitions.key(g) for ref, g in grounded.items()}
