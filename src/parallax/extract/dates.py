"""Dates as pages and pasted text state them, turned into aware datetimes.

Pages rarely give a time zone; the engine compares dates across outlets, so a
naive value is read as UTC rather than as the local time of whoever runs Parallax.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

# python-dateutil ships no type stubs and the dev extras do not pull them in.
from dateutil import parser as dateparser  # type: ignore[import-untyped]
from dateutil.tz import gettz  # type: ignore[import-untyped]

# Zone abbreviations that news pages print; dateutil knows none of them by itself.
# An abbreviation names a fixed offset ("BST" is +1 even when printed in March);
# only the seasonless "ET"/"PT" need the zone's calendar.
_HOUR = 3600
_TZINFOS: dict[str, object] = {
    "GMT": 0,
    "UTC": 0,
    "Z": 0,
    "BST": 1 * _HOUR,
    "IST": 5 * _HOUR + 1800,
    "CET": 1 * _HOUR,
    "CEST": 2 * _HOUR,
    "EET": 2 * _HOUR,
    "EEST": 3 * _HOUR,
    "EST": -5 * _HOUR,
    "EDT": -4 * _HOUR,
    "CST": -6 * _HOUR,
    "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR,
    "MDT": -6 * _HOUR,
    "PST": -8 * _HOUR,
    "PDT": -7 * _HOUR,
    "AEST": 10 * _HOUR,
    "AEDT": 11 * _HOUR,
    "ET": gettz("America/New_York"),
    "PT": gettz("America/Los_Angeles"),
}

# "13.14" is how British outlets print 13:14; dateutil would read it as a number.
_DOTTED_TIME = re.compile(r"\b([01]?\d|2[0-3])\.([0-5]\d)\b(?!\.\d)")


EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
"""News is dated within these years.  A date outside them is a placeholder
("0001-01-01") or a typo, and years near the ends of Python's calendar break
arithmetic later (a time zone shifts year 1 into year 0)."""


def plausible(value: datetime) -> bool:
    """Whether a publication date lies within the years news is dated in.

    The year is read as stated, before any conversion to UTC, which is exactly
    the step that overflows for year 1 with a positive offset."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def aware(value: datetime) -> datetime:
    """Attach UTC to a naive datetime; leave an aware one alone."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_date(text: str) -> datetime | None:
    """Parse a date the way a page prints it; None when it is not one.

    The year is required: a bare "2 December" would silently get the current
    year, which is the wrong answer for an archive.
    """
    if not re.search(r"\b(?:19|20)\d\d\b", text):
        return None
    cleaned = _DOTTED_TIME.sub(r"\1:\2", text)
    try:
        value = dateparser.parse(cleaned, fuzzy=True, dayfirst=True, tzinfos=_TZINFOS)
    except (ValueError, ArithmeticError):
        # ArithmeticError: dateutil's Decimal seconds overflow on a long run of
        # digits (decimal.InvalidOperation, found by bench/fuzz.py), as do big years.
        return None
    return aware(value)


def parse_iso(text: str | None) -> datetime | None:
    """Parse the ISO strings trafilatura and htmldate return."""
    if not text:
        return None
    try:
        return aware(datetime.fromisoformat(text))
    except ValueError:
        return parse_date(text)
