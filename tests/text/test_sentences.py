from __future__ import annotations

import pytest

from relnet.text.sentences import split_sentences


def _split(text: str, protected=()) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, protected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A binds B. C binds D.", ["A binds B.", "C binds D."]),
        ("Drugs, e.g. Aspirin, work. Yes.", ["Drugs, e.g. Aspirin, work.", "Yes."]),
        ("Smith et al. Showed it. Then.", ["Smith et al. Showed it.", "Then."]),
        ("At 2.5 mM it works. 3 mice died.", ["At 2.5 mM it works.", "3 mice died."]),
        ("It did not form DR. This study.", ["It did not form DR.", "This study."]),
        ("Title here\tAbstract starts. Ends.", ["Title here", "Abstract starts.", "Ends."]),
        ("levels rose (p < 0.05). (B) next.", ["levels rose (p < 0.05).", "(B) next."]),
        ("A lower-case start. continues here.", ["A lower-case start. continues here."]),
        # lower-cased text (no capital anywhere): a lower-case token may start a sentence
        ("imatinib inhibits kit. the effect was strong.", ["imatinib inhibits kit.", "the effect was strong."]),
        ("e.g. aspirin and others, et al. showed it. then.", ["e.g. aspirin and others, et al. showed it.", "then."]),
        ("grown in e. coli cells. at 2.5 mm it binds.", ["grown in e. coli cells.", "at 2.5 mm it binds."]),
        ("levels rose (p < 0.05). next. 3 mice.", ["levels rose (p < 0.05).", "next.", "3 mice."]),
        ("KIT D816V. Dasatinib works.", ["KIT D816V.", "Dasatinib works."]),
        ("Compare A v. B today.", ["Compare A v. B today."]),
        # hard-wrapped text: a single line break is white space, unless after a stop
        (
            "the \u03b2\n2-agonist binds the \u03b2\n2 receptor. It",
            ["the \u03b2\n2-agonist binds the \u03b2\n2 receptor.", "It"],
        ),
        ("It ends here.\nsome lower-case start.", ["It ends here.", "some lower-case start."]),
        ("Drugs, e.g.\nAspirin, work.", ["Drugs, e.g.\nAspirin, work."]),
        ("A title without stop\n \nThe abstract.", ["A title without stop", "The abstract."]),
    ],
)
def test_sentences_split_cases(text: str, expected: list[str]) -> None:
    assert _split(text) == expected


def test_sentences_never_split_inside_protected_span() -> None:
    text = "We used Compound A. B inhibitor. Then more."
    start = text.index("A. B")
    assert _split(text, [(start, start + 4)]) == ["We used Compound A. B inhibitor.", "Then more."]


def test_sentences_wrapped_offsets_index_the_original_text() -> None:
    text = "Salbutamol, a \u03b2\n2-agonist, activates\nADRB2 in cells.\nThen ends."
    spans = split_sentences(text, [(14, 25)])  # a mention across the line break
    assert text[14:25] == "\u03b2\n2-agonist" and spans == [(0, text.index("\nThen")), (text.index("Then"), len(text))]


def test_sentences_offsets_cover_every_character() -> None:
    text = "  One. Two!  Three?\tFour "
    spans = split_sentences(text)
    covered = "".join(text[s:e] for s, e in spans)
    assert covered.replace(" ", "") == text.replace(" ", "").replace("\t", "")


def test_sentences_over_the_limit_are_cut_at_their_semicolons() -> None:
    clause = "Patients who took aspirin for pain at any dose in the last year"
    long = "; ".join([clause] * 24) + "."  # one 1,600-character sentence, a list
    assert len(long) > 1200
    assert _split("A short one; not cut. " + long) == ["A short one; not cut.", *[clause + ";"] * 23, clause + "."]
    assert [long[s:e] for s, e in split_sentences(long, max_chars=0)] == [long]  # 0: no limit
    protect = long.index("; ")
    spans = split_sentences(long, [(protect - 4, protect + 6)])  # a mention across the first semicolon
    assert len(spans) == 23 and long[spans[0][0] : spans[0][1]].startswith(f"{clause}; {clause};")
