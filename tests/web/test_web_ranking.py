"""The front page's ranking formula, on plain values."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from parallax.web.ranking import HALF_LIFE_HOURS, Report, Signals, log_score, signals

AS_OF = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def report(source: str | None, hours_ago: float, copy_of: str | None = None, n: int = 0) -> Report:
    return Report(source, f"{source}-{hours_ago}-{n}", copy_of, AS_OF - timedelta(hours=hours_ago))


def test_signals_count_independent_outlets_and_fresh_reports() -> None:
    found = signals(
        [
            report("Wire", 1),
            report("Paper", 2, copy_of="Wire-1-0"),  # a syndicated copy counts for nothing
            report("Wire", 3, n=1),  # the same outlet again
            report(None, 10),  # no outlet: a source of its own
            report(None, 20, n=1),
            report("Blog", -1),  # dated after as_of: not fresh
        ],
        AS_OF,
        AS_OF,
    )
    assert found.independent == 4  # Wire, Blog and the two outlet-less reports
    assert found.fresh == 2  # Wire's two reports within six hours


def test_recency_halves_the_score_every_half_life() -> None:
    fresh = log_score(Signals(AS_OF, 3, 0), AS_OF)
    older = log_score(Signals(AS_OF - timedelta(hours=HALF_LIFE_HOURS), 3, 0), AS_OF)
    assert math.exp(fresh - older) == pytest.approx(2.0)


def test_outlets_multiply_the_score() -> None:
    one = log_score(Signals(AS_OF, 1, 0), AS_OF)
    four = log_score(Signals(AS_OF, 4, 0), AS_OF)
    assert math.exp(four - one) == pytest.approx(4.0)


def test_growth_lifts_a_story_gaining_reports() -> None:
    still = log_score(Signals(AS_OF, 2, 0), AS_OF)
    growing = log_score(Signals(AS_OF, 2, 5), AS_OF)
    assert math.exp(growing - still) == pytest.approx(1 + math.log(6))


def test_future_dates_do_not_outrank_the_present() -> None:
    future = log_score(Signals(AS_OF + timedelta(days=3), 1, 0), AS_OF)
    assert future == log_score(Signals(AS_OF, 1, 0), AS_OF)


def test_archive_stories_keep_their_order_without_underflow() -> None:
    # 0.5 ** (20 years / 12 hours) is 0.0 in floating point; the log is not.
    old = AS_OF - timedelta(days=365 * 20)
    wide = log_score(Signals(old, 9, 0), AS_OF)
    narrow = log_score(Signals(old, 1, 0), AS_OF)
    assert math.isfinite(wide) and wide > narrow
