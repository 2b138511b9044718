"""People's names in bylines and author tags: a name, told from a job title, a desk or a date.

Author tags on pages hold more than names.  CMSs run the job title, the
outlet, an agency or the date line into them ("Jane Doe, AP Auto Writer",
"JANE DOE Associated Press", "Jane Doe November"), and some credit a desk
("Metro Staff") or a login ("admin").  ``authors`` keeps the people and the
news agencies, in the order the page gives them.
"""

from __future__ import annotations

import re

from parallax.extract import rules

_NAME_TOKEN = re.compile(r"^(?:(?:al|el|bin|ibn)-)?([^\W\d_])[\w'’.-]*$")
_LEADING_CREDIT = re.compile(r"^(?:[^\W\d_]+\s+)?by\s+", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:;|,|\||\band\b|&)\s*")
_LETTERS = re.compile(r"[^\W\d_]+")
_TRAILING_DATE = re.compile(
    r"^(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|published|updated|"
    r"posted)$",
    re.IGNORECASE,
)


def name_like(text: str) -> bool:
    """Two to four capitalised words, allowing particles ("de", "van") and initials."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 4 or any(ch.isdigit() for ch in text):
        return False
    names = [t for t in tokens if t.lower() not in rules.NAME_PARTICLES]
    return len(names) >= 2 and all(_capital(t) for t in names)


def _capital(token: str) -> bool:
    match = _NAME_TOKEN.match(token)
    return match is not None and match.group(1).isupper()


def _without_role(tokens: list[str]) -> list[str]:
    """Cut a job title off the end: "Tom Reed News reporter" -> "Tom Reed"."""
    role = next(
        (i for i, t in enumerate(tokens) if t.lower().split("-")[0] in rules.AUTHOR_ROLES),
        None,
    )
    if role is None:
        return tokens
    start = role
    while start > 0:
        word = tokens[start - 1]
        qualifier = (
            word.lower() in rules.ROLE_QUALIFIERS
            or (word.isupper() and len(word) <= 4)
            or bool(rules.WIRE_AGENCIES.match(word))
        )
        if not qualifier:
            break
        start -= 1
    return tokens[:start]


def _without_trailing_date(tokens: list[str]) -> list[str]:
    """ "Jane Doe November" -> "Jane Doe", but "Theresa May" stays."""
    while len(tokens) > 2 and _TRAILING_DATE.match(tokens[-1]):
        tokens = tokens[:-1]
    return tokens


def _capitalised(name: str) -> str:
    """ "MARY O'NEIL" -> "Mary O'Neil"; names already in mixed case are left alone."""
    shouting = name.isupper() and (len(name.split()) > 1 or len(name) > 4)
    return _LETTERS.sub(lambda m: m.group(0).capitalize(), name) if shouting else name


def _words(text: str) -> set[str]:
    return {w.lower() for w in _LETTERS.findall(text)} - {"the", "com", "www"}


def _person_or_agency(entry: str, outlet: set[str]) -> str | None:
    entry = _LEADING_CREDIT.sub("", entry.strip(" .:-–—"))
    if rules.WIRE_AGENCIES.match(entry):
        return _capitalised(entry)
    tokens = _without_trailing_date(_without_role(entry.split()))
    name = " ".join(tokens)
    words = _words(name)
    # "The ..." names a desk, a column or an institution, never a person.
    if not name_like(name) or tokens[0].lower() == "the" or words & rules.TEAM_WORDS:
        return None
    # The outlet credited as author ("CNN Business" on cnn.com, "Cleveland com").
    if outlet and (outlet <= words or words <= outlet):
        return None
    return _capitalised(name)


def authors(raw: str | None, outlet: str | None = None) -> str | None:
    """The people (and agencies) in an author tag, joined with ", "; None when there are none."""
    if not raw:
        return None
    entries: list[str] = []
    for part in _SEPARATOR.split(raw):
        agency = rules.AGENCY_AT_END.search(part)
        if agency:
            entries += [part[: agency.start()], agency.group(1)]
        else:
            entries.append(part)
    outlet_words = _words(outlet or "")
    names = (_person_or_agency(entry, outlet_words) for entry in entries if entry.strip())
    kept = list(dict.fromkeys(name for name in names if name))
    return ", ".join(kept) or None
