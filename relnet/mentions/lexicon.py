"""Text → `Mention`s by dictionary look-up: the NER backend that needs no training.

`LexiconTagger.from_documents` collects the gold CHEMICAL/GENE names of a training split; `tag`
finds them in new text, longest match first, on word boundaries. Names of up to three characters
match case-sensitively ("NO" is nitric oxide, "no" is not), longer ones case-insensitively.
A name annotated with both kinds takes the kind it was annotated with most often.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from relnet.data import CHEMICAL, GENE, Document, Mention

SHORT = 3  # names up to this length match case-sensitively
MAX_TOKENS = 12  # longer names are too rare to be worth the look-ups
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SPACE = re.compile(r"\s+")


def _fold(name: str) -> str:
    name = _SPACE.sub(" ", name.strip())
    return name if len(name) <= SHORT else name.casefold()


class LexiconTagger:
    """Longest-match dictionary tagger.

    Parameters: ``names`` maps a surface name to its kind (CHEMICAL | GENE).
    """

    def __init__(self, names: dict[str, str]) -> None:
        self.names: dict[str, str] = {}
        for name, kind in names.items():
            key = _fold(name)
            if len(key) >= 2 and any(ch.isalpha() for ch in key):
                self.names.setdefault(key, kind)
        self.max_tokens = min(MAX_TOKENS, max((len(_TOKEN.findall(n)) for n in self.names), default=1))
        # every character prefix of every name, case-folded: a span whose folded text is none of these cannot grow
        # into a name (case folding maps character by character), so the search stops there
        self.prefixes = {n.casefold()[:k] for n in self.names for k in range(1, len(n.casefold()) + 1)}

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> LexiconTagger:
        """A lexicon from the gold mentions of ``docs`` (e.g. a training split)."""
        votes: Counter[tuple[str, str]] = Counter()
        for doc in docs:
            for m in doc.mentions:
                if m.kind in (CHEMICAL, GENE):
                    votes[(_fold(m.text), m.kind)] += 1
        names: dict[str, str] = {}
        for (name, kind), _ in votes.most_common():  # most frequent kind first
            names.setdefault(name, kind)
        return cls(names)

    def __len__(self) -> int:
        return len(self.names)

    def tag(self, doc: Document) -> Document:
        """``doc`` with its mentions replaced by the lexicon's matches (ids M1, M2, …) and no relations.

        From each token, the longest span of up to ``max_tokens`` tokens (tokens split words maximally: spans end on
        word boundaries) whose `_fold`ed text is a name. A span's folded text is built token by token — the text
        between two tokens is whitespace, which folds to one space — and the growth stops at the first span that
        begins no name, so most tokens cost one look-up.
        """
        text = doc.text
        found = list(_TOKEN.finditer(text))
        tokens = [t.group() for t in found]
        gaps = [""] + [" " if found[k].start() > found[k - 1].end() else "" for k in range(1, len(found))]
        mentions: list[Mention] = []
        i = 0
        while i < len(found):
            raw, best = "", None
            for j in range(i, min(len(found), i + self.max_tokens)):
                raw += (gaps[j] if j > i else "") + tokens[j]
                folded = raw.casefold()
                if folded not in self.prefixes:
                    break
                kind = self.names.get(raw if len(raw) <= SHORT else folded)
                if kind is not None:
                    best = (j, kind)
            if best is None:
                i += 1
                continue
            j, kind = best
            start, end = found[i].start(), found[j].end()
            mentions.append(Mention(f"M{len(mentions) + 1}", start, end, text[start:end], kind))
            i = j + 1
        return doc.with_annotations(tuple(mentions), ())
