"""Cutting plain text into sentences, without cutting at abbreviations.

A full stop ends a sentence unless it ends an abbreviation: a title before a
name ("Gov. Kristi Noem", "Sen.", "Dr."), a dotted short form ("U.S.", "W.Va.",
"p.m."), an initial ("J. R. Jones"), or a month or "No." before a number
("Jan. 6", "No. 10").  When a stop is ambiguous ("Downing St. Then") the cut is
not made: a sentence that runs on is still right; one that stops at "the Jan."
is not.  Every place that cuts text into sentences without a parse uses this
module, so that they all cut alike.
"""

from __future__ import annotations

import re

# A stop (or "?", "!"), closing quotes or brackets, space, then what may open a
# sentence: a capital or a digit, perhaps after an opening quote or bracket.
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]*[A-Z0-9])")
_LAST_WORD = re.compile(r"[\w.’'-]*$")

# Written with a capital and a full stop, these never end a sentence: they
# come before a name ("Gov. Noem", "Mr. Smith", "St. Louis", "Fort Worth, Tex.,").
# fmt: off
TITLES = frozenset({
    "mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "rev", "fr", "sr", "jr", "st",
    "ste", "mt", "ft", "gov", "govt", "sen", "sens", "rep", "reps", "pres", "supt", "atty",
    "gen", "lt", "col", "maj", "capt", "cmdr", "cdr", "adm", "sgt", "cpl", "pvt", "brig",
    "det", "insp", "amb", "hon", "gens", "cols", "inc", "corp", "co", "ltd", "bros", "dept",
    "univ", "assn", "ave", "blvd", "rd", "hwy", "ala", "ariz", "ark", "calif", "colo", "conn",
    "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md", "mass", "mich", "minn",
    "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "vt", "va",
    "wash", "wis", "wyo"
})
# fmt: on
"""Titles, company and street words, and the US states as news agencies shorten them."""

# fmt: off
BEFORE_NUMBERS = frozenset({
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
    "nos", "vol", "fig", "art", "pp", "p"
})
# fmt: on
"""Short forms that are abbreviations only before a number ("Jan. 6", "No. 10"):
"said no. Then" ends a sentence."""


def is_abbreviation(word: str, following: str = "") -> bool:
    """Whether ``word`` followed by a full stop is an abbreviation rather than a
    sentence end; ``following`` is the word after the stop."""
    word = word.lstrip("\"'“‘«([-")
    if not word:
        return False
    if "." in word.strip("."):  # a dotted short form: "U.S", "W.Va", "p.m"
        return True
    word = word.rsplit("-", 1)[-1]  # "(D-W.Va.)": the part after a hyphen
    if len(word) == 1 and word.isalpha() and word.isupper():  # an initial
        return True
    key = word.lower()
    if word[:1].isupper() and key in TITLES:
        return True
    return key in BEFORE_NUMBERS and following[:1].isdigit()


def abbreviation_at(text: str, stop: int) -> bool:
    """Whether the full stop at ``text[stop]`` ends an abbreviation, not a sentence."""
    if text[stop : stop + 1] != ".":
        return False
    found = _LAST_WORD.search(text, max(0, stop - 40), stop)
    following = text[stop + 1 :].lstrip().lstrip("\"'“‘«([")
    return is_abbreviation(found.group() if found else "", following[:1])


def _ends(text: str, boundary: re.Match[str]) -> bool:
    if boundary.group(1) != "." or boundary.group(2):
        return True  # "?", "!", an ellipsis, or a stop inside closing quotes
    return not abbreviation_at(text, boundary.start())


def split(text: str) -> list[str]:
    """The sentences of ``text`` (one paragraph), whitespace inside each made single."""
    flat = " ".join(text.split())
    found: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(flat):
        if _ends(flat, boundary):
            found.append(flat[start : boundary.end(2)])
            start = boundary.end()
    if flat[start:]:
        found.append(flat[start:])
    return found


def first(text: str) -> str:
    """The first sentence of ``text``; all of it when it has one."""
    flat = " ".join(text.split())
    for boundary in _BOUNDARY.finditer(flat):
        if _ends(flat, boundary):
            return flat[: boundary.end(2)]
    return flat
