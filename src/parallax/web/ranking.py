"""The front page's order: recency decay × independent outlets × growth.

For a story, at the moment ``as_of``::

    score = 0.5 ** (age_hours / HALF_LIFE_HOURS)      recency: halves every 12 hours
          × independent_outlets                        outlets that reported it themselves
          × (1 + ln(1 + fresh_reports))                growth: reports in the last 6 hours

``age_hours`` runs from the story's newest report (its latest publication date,
else its last update) to ``as_of``; ``fresh_reports`` counts the story's
reports, syndicated copies excluded, published in the ``GROWTH_WINDOW`` before
``as_of``.  So a story carried by four outlets stays above a one-outlet story
for 24 hours, and a story gaining reports right now climbs.

Stories are compared by the logarithm of the score, which keeps the order exact
for archive stories whose decay factor would underflow to zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from parallax.export import independent_sources

HALF_LIFE_HOURS = 12.0
GROWTH_WINDOW = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Report:
    """What ranking needs of one article."""

    source: str | None
    article_id: str
    duplicate_of: str | None
    when: datetime
    """Publication date, else when the article was added."""
    wire: str | None = None
    """The news agency the article credits for its text."""

    @property
    def id(self) -> str:
        return self.article_id


@dataclass(frozen=True, slots=True)
class Signals:
    newest: datetime
    independent: int
    fresh: int


def signals(reports: Iterable[Report], newest: datetime, as_of: datetime) -> Signals:
    """The three ranking inputs of one story from its reports."""
    reports = list(reports)
    originals = [r for r in reports if r.duplicate_of is None]
    start = as_of - GROWTH_WINDOW
    return Signals(
        newest=newest,
        independent=independent_sources(reports),
        fresh=sum(1 for r in originals if start <= r.when <= as_of),
    )


def log_score(s: Signals, as_of: datetime) -> float:
    """ln(score): larger ranks higher."""
    age_hours = max(0.0, (as_of - s.newest).total_seconds() / 3600)
    recency = -math.log(2) * age_hours / HALF_LIFE_HOURS
    outlets = math.log(max(1, s.independent))
    growth = math.log(1 + math.log1p(s.fresh))
    return recency + outlets + growth
