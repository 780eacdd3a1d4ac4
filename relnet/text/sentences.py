"""Offset-preserving sentence splitting tuned for biomedical abstracts.

A rule-based splitter: a sentence ends at ``.``, ``!`` or ``?`` (optionally followed by closing
quotes/brackets) followed by white space and a token that can start a sentence, unless the word
before the stop is a known abbreviation (``e.g.``, ``et al.``, ``Fig.``), or the stop
sits inside a protected span (an entity mention). ChemProt's title/abstract tab is a boundary too, and so
is a blank line. A single line break is a boundary only after terminal punctuation (then whatever follows):
in hard-wrapped text (``β\n2-agonist``) it is just white space.
Text with no upper-case letter at all (lower-cased corpora, e.g. PubMed summarisation sets) gives no capital to
start a sentence, so there a lower-case token may start one too: otherwise a whole article is one "sentence".
A "sentence" still over 1,200 characters (a list of inclusion criteria, of interacting drugs) is cut at its semicolons.
Rule-based on purpose: fast, deterministic, no model download, and offsets are exact.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

ABBREVIATIONS = frozenset(
    """e.g i.e et al etc vs v cf approx ca fig figs eq eqs ref refs no nos vol resp dr mr mrs ms prof
    st sp spp inc ltd co corp jr sr min max mol wt conc temp dept univ viz al""".split()
)

# A candidate boundary: terminal punctuation, optional closers, then white space.
_BOUNDARY = re.compile(r"[.!?][\"')\]]*(?=\s+)")
_NEXT_TOKEN = re.compile(r"\s+(\S)")
_CLAUSE = re.compile(r";(?=\s)")
# Longer than any ChemProt or DrugProt sentence (1,087 characters at most), so only lists and tables are cut
CLAUSE_SPLIT_CHARS = 1200


def _is_abbreviation(text: str, stop: int) -> bool:
    """True if the period at ``stop`` ends a known abbreviation ("e.g.", "Fig.")."""
    if text[stop] != ".":
        return False
    m = re.search(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z.]*)$", text[:stop])
    if not m:
        return False
    raw = m.group(1).rstrip(".")
    word = raw.lower()
    # "DR." (dextrorphan) is an acronym ending a sentence; "Dr." and "e.g." are abbreviations
    # single letters ("protein kinase C. The …") end sentences in abstracts far more often than
    # author initials do, so they are not treated as abbreviations
    return word in ABBREVIATIONS and not (len(raw) > 1 and raw.isupper())


def _single_letter_before(text: str, stop: int) -> bool:
    """True if the character before ``stop`` is a one-letter word ("e" of "e. coli")."""
    return stop > 0 and text[stop - 1].isalpha() and (stop == 1 or not text[stop - 2].isalnum())


def split_sentences(
    text: str,
    protected: Sequence[tuple[int, int]] = (),
    start: int = 0,
    end: int | None = None,
    max_chars: int = CLAUSE_SPLIT_CHARS,
) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences.

    Returns ``[(s, e), …]`` character offsets into ``text`` with surrounding white space trimmed;
    together they cover every non-space character. No boundary falls inside a ``protected`` span. A sentence
    over ``max_chars`` (0 = no limit) is cut after each of its semicolons.
    """
    end = len(text) if end is None else end
    starts = sorted(s for s, _ in protected)
    ends_by_start = sorted(protected)

    def inside_protected(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        # spans may overlap: check the few that start at or before pos
        while i >= 0 and pos - ends_by_start[i][0] < 500:
            s, e = ends_by_start[i]
            if s <= pos < e:
                return True
            i -= 1
        return False

    # str.islower: no cased character is upper-case (every real-cased abstract has capitals; checked on the
    # unlabeled corpus, where only the lower-cased source has none)
    uncased = text[start:end].islower()
    cuts: list[int] = []
    for m in _BOUNDARY.finditer(text, start, end):
        stop, cut = m.start(), m.end()
        nxt = _NEXT_TOKEN.match(text, cut, end)
        if not nxt:
            continue
        ch = nxt.group(1)
        line_break = "\n" in text[cut : nxt.start(1)]  # a stop at the end of a line ends the sentence
        if not (line_break or ch.isupper() or ch.isdigit() or ch in "([\"'" or (uncased and ch.islower())):
            continue
        # uncased "e. coli", "c. elegans": a genus initial, far likelier than a sentence ending in one letter
        if uncased and ch.islower() and _single_letter_before(text, stop):
            continue
        if _is_abbreviation(text, stop) or inside_protected(stop) or inside_protected(cut):
            continue
        # "2.5" or "p. 3": a period between digits is never a boundary
        if text[stop] == "." and stop > 0 and text[stop - 1].isdigit() and ch.isdigit():
            continue
        cuts.append(cut)
    # Tabs (ChemProt's title|abstract separator) and blank lines always separate sentences; a single line
    # break does not (hard-wrapped text), unless after a stop (above).
    for m in re.finditer(r"\t\s*|\n[^\S\n]*\n\s*", text[start:end]):
        if not inside_protected(start + m.start()):
            cuts.append(start + m.start())
    out = _trimmed(text, [start, *sorted(set(cuts)), end])
    if not max_chars:
        return out
    # lists joined by semicolons (inclusion criteria, drug lists): their clauses instead
    clauses: list[tuple[int, int]] = []
    for s, e in out:
        if e - s <= max_chars:
            clauses.append((s, e))
            continue
        semicolons = [m.end() for m in _CLAUSE.finditer(text, s, e) if not inside_protected(m.start())]
        clauses.extend(_trimmed(text, [s, *semicolons, e]))
    return clauses


def _trimmed(text: str, bounds: list[int]) -> list[tuple[int, int]]:
    """The spans between consecutive ``bounds``, white space trimmed, empty ones dropped."""
    out: list[tuple[int, int]] = []
    for s, e in zip(bounds, bounds[1:]):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out
