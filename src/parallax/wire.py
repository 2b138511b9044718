"""Wire credits: which news agency, if any, an article says it carries.

Outlets mark agency copy in a few set places: the byline ("By Press
Association", "Jane Doe, Associated Press"), the dateline ("WASHINGTON (AP) —",
"LONDON, Nov 21 (Reuters) -"), a sign-off ("— Reuters", "(AFP)", "© 2024 The
Associated Press"), or a line saying an agency supplied the story.  These say
that the text *is* the agency's: outlets carrying one agency's copy are one
source, not several.

Weaker mentions are reported but carry nothing: "Reuters contributed
reporting" (a staff story with some agency material) and citations ("Reuters
reported", "according to AFP", "told The Associated Press"), which attribute
one fact.  A citation never makes an article a copy, whether it is in the
outlet's own voice or inside a quotation, so a quoted "as reported by Reuters"
needs no special case.  An article *about* an agency names it without any
credit form and gets no credit at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

AGENCIES: dict[str, tuple[str, ...]] = {
    "Reuters": ("Reuters", "Thomson Reuters"),
    "Associated Press": ("Associated Press", "The Associated Press", "AP"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "PA Media": ("PA Media", "Press Association", "PA News Agency", "PA"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "Bloomberg": ("Bloomberg News", "Bloomberg"),
    "ANSA": ("ANSA",),
    "EFE": ("EFE", "Agencia EFE"),
    "Kyodo": ("Kyodo News", "Kyodo"),
    "Xinhua": ("Xinhua", "Xinhua News Agency"),
    "UPI": ("United Press International", "UPI"),
    "AAP": ("Australian Associated Press", "AAP"),
    "Canadian Press": ("The Canadian Press", "Canadian Press"),
    "Press Trust of India": ("Press Trust of India", "PTI"),
    "Anadolu": ("Anadolu Agency", "Anadolu"),
    "Yonhap": ("Yonhap",),
    "Interfax": ("Interfax",),
    "TASS": ("TASS",),
}
"""Canonical name -> the names an outlet credits it by (case as written)."""

_CANONICAL = {alias: name for name, aliases in AGENCIES.items() for alias in aliases}
_NAMES = "|".join(re.escape(a) for a in sorted(_CANONICAL, key=len, reverse=True))
# An agency name standing as a word: not "APPLE", not "PAris", not "REUTERSVILLE".
_NAME = rf"(?:the\s+)?(?P<name>{_NAMES})(?![\w-])"
_DASH = r"[-–—]"
_ALONE = re.compile(_NAME)

Kind = Literal["byline", "dateline", "signoff", "supplied", "contributed", "cited"]
CARRYING: frozenset[Kind] = frozenset({"byline", "dateline", "signoff", "supplied"})

_WHO = r"(?:[A-Z][\w.'’-]*|and|for|of|[,|/&]|[-–—])"
"""A token of a byline's names: capitalised words and the joints between them."""
_ROLE = r"(?:\s+(?i:(?:sports?\s+)?writer|staff|reporters?|correspondents?|sport|news\s+agency))?"
_BYLINE = [
    # "By Reuters", "By Jane Doe, Associated Press", "By JOHN DOE AP Sports Writer"
    re.compile(rf"^\s*(?i:by)\s+(?:{_WHO}\s*)*?{_NAME}{_ROLE}\.?\s*$"),
    # "Jane Doe, Reuters", "Jane Doe | AP"
    re.compile(rf"^\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,3}}\s*[,|]\s*{_NAME}{_ROLE}\.?\s*$"),
]
_DATELINE = re.compile(
    # "WASHINGTON (AP) —", "LONDON, Nov 21 (Reuters) -", "(AFP) -", "Berlin (dpa) -"
    rf"^[^\n!?]{{0,60}}?\(\s*{_NAME}\s*(?:/[^)\n]{{0,30}})?\)\s*(?:{_DASH}|:)"
)
_SIGNOFF = [
    # "… said. — Reuters", "— AP/dpa", "© 2024 The Associated Press"
    re.compile(rf"(?:^|\s){_DASH}+\s*{_NAME}(?:\s*[/&,]\s*[\w ]{{1,30}})?\.?\s*$"),
    re.compile(rf"(?:©|\((?i:c)\)|(?i:copyright))\s*(?:\d{{4}}\s*)?{_NAME}"),
]
_LAST_WORDS = [
    # "… in early trading. (AFP)", or the agency's name alone on the last line.  Only
    # at the end of the kept text: among dropped lines these are photo credits.
    re.compile(rf"(?:^|[.!?\"”’)]\s*)\(\s*{_NAME}\s*\)\.?\s*$"),
    re.compile(rf"^\s*{_NAME}\.?\s*$"),
]
_SUPPLIED = [
    re.compile(
        r"(?i:(?:this|the)\s+(?:story|article|report)\s+(?:was|is|has\s+been)\s+"
        rf"(?:supplied|provided|distributed|written|produced)\s+by)\s+{_NAME}"
    ),
    re.compile(rf"^\s*(?i:source):\s*{_NAME}\.?\s*$", re.MULTILINE),
]
_CONTRIBUTED = [
    re.compile(rf"{_NAME}\s+contributed\b"),
    re.compile(rf"(?i:(?:additional|with)\s+reporting\s+(?:by|from))\s+{_NAME}"),
]
_CITED = [
    re.compile(rf"{_NAME}\s+(?:news\s+agency\s+)?(?:reported|reports|quoted|cited|said|says)\b"),
    re.compile(
        rf"(?i:according\s+to|told|reported\s+by|quoted\s+by|cited\s+by|interview\s+with)"
        rf"\s+{_NAME}"
    ),
]

_IN_TEXT: list[tuple[Kind, list[re.Pattern[str]]]] = [
    ("supplied", _SUPPLIED),
    ("contributed", _CONTRIBUTED),
    ("cited", _CITED),
]

HEAD_LINES = 3
"""Bylines and datelines sit in the first lines of the text."""


@dataclass(frozen=True, slots=True)
class Credit:
    agency: str
    """Canonical name (a key of ``AGENCIES``)."""
    kind: Kind
    words: str
    """The credit as written."""

    @property
    def carries(self) -> bool:
        """The credit says the text is the agency's copy, not just one fact from it."""
        return self.kind in CARRYING


def agency_named(name: str | None) -> str | None:
    """The agency an outlet name stands for: "The Associated Press" -> "Associated Press"."""
    if not name:
        return None
    match = _ALONE.fullmatch(name.strip().rstrip("."))
    return _CANONICAL[match.group("name")] if match else None


def credits(text: str, author: str | None = None, dropped: Iterable[str] = ()) -> list[Credit]:
    """Every wire credit in an article, carrying ones first.

    ``author`` is the byline the extractor read; ``dropped`` the lines it removed
    as clutter, where sign-offs and copyright lines often end up.
    """
    found: list[Credit] = []

    def add(kind: Kind, match: re.Match[str] | None) -> None:
        if match:
            credit = Credit(_CANONICAL[match.group("name")], kind, match.group(0).strip())
            if credit not in found:
                found.append(credit)

    lines = [line for line in text.splitlines() if line.strip()]
    if author and (name := agency_named(author)):
        found.append(Credit(name, "byline", author.strip()))
    for line in [*([author] if author else []), *lines[:HEAD_LINES]]:
        for pattern in _BYLINE:
            add("byline", pattern.match(line))
    for line in lines[:HEAD_LINES]:
        add("dateline", _DATELINE.match(line))
    for line in [*lines[-1:], *dropped]:
        for pattern in _SIGNOFF:
            add("signoff", pattern.search(line))
    for line in lines[-1:]:
        for pattern in _LAST_WORDS:
            add("signoff", pattern.search(line))
    for kind, patterns in _IN_TEXT:
        for pattern in patterns:
            for match in pattern.finditer(text):
                add(kind, match)
    return sorted(found, key=lambda c: not c.carries)


def carried_wire(text: str, author: str | None = None, dropped: Iterable[str] = ()) -> str | None:
    """The agency whose copy the article says it is; the first credited if several."""
    for credit in credits(text, author, dropped):
        if credit.carries:
            return credit.agency
    return None
