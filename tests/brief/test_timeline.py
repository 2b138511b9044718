# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Relative dates, their precision, and estimated article dates."""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

import pytest

from parallax.brief.timeline import When, reference_dates, resolve_when
from parallax.export import briefing_json, iso_at
from parallax.model import Article, Briefing, TimelineEvent

MONDAY = date(2024, 12, 2)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("on Wednesday", When(date(2024, 11, 27), "day", relative=True)),
        ("Monday", When(MONDAY, "day", relative=True)),
        ("late on Sunday", When(date(2024, 12, 1), "day", relative=True)),
        ("overnight", When(date(2024, 12, 1), "day", relative=True)),
        ("last night", When(date(2024, 12, 1), "day", relative=True)),
        ("yesterday", When(date(2024, 12, 1), "day", relative=True)),
        ("today (tues)", When(MONDAY, "day", relative=True)),
        ("tomorrow", When(date(2024, 12, 3), "day", relative=True)),
        ("three days ago", When(date(2024, 11, 29), "day", relative=True)),
        ("last week", When(date(2024, 11, 25), "day", date(2024, 12, 1), True)),
        ("this week", When(MONDAY, "day", date(2024, 12, 8), True)),
        ("last month", When(date(2024, 11, 1), "month", relative=True)),
        ("earlier this month", When(date(2024, 12, 1), "month", relative=True)),
        ("last year", When(date(2023, 1, 1), "year", relative=True)),
        ("since 2011", When(date(2011, 1, 1), "year")),
        ("in March 2019", When(date(2019, 3, 1), "month")),
        ("in March", When(date(2024, 3, 1), "month", relative=True)),
        ("27 November", When(date(2024, 11, 27), "day", relative=True)),
        ("Tuesday, 26 November 2024", When(date(2024, 11, 26), "day")),
        ("Nov. 26 to Dec. 1", When(date(2024, 11, 26), "day", date(2024, 12, 1), True)),
        ("from 2014 to 2020", When(date(2014, 1, 1), "year", date(2020, 12, 31))),
        ("Dec. 28 to Jan. 3", When(date(2023, 12, 28), "day", date(2024, 1, 3), True)),
    ],
)
def test_expressions_resolve_against_the_article_day(expr: str, expected: When) -> None:
    assert resolve_when(expr, MONDAY) == expected


def test_future_clauses_point_forward() -> None:
    assert resolve_when("on Wednesday", MONDAY, forward=True) == When(
        date(2024, 12, 4), "day", relative=True
    )
    assert resolve_when("in March", MONDAY, forward=True) == When(
        date(2025, 3, 1), "month", relative=True
    )


def test_relative_dates_need_a_reference_day() -> None:
    assert resolve_when("on Wednesday", None) is None
    assert resolve_when("27 November", None) is None
    assert resolve_when("since 2011", None) == When(date(2011, 1, 1), "year")


def test_dates_are_written_at_their_precision() -> None:
    assert iso_at(date(2011, 1, 1), "year") == "2011"
    assert iso_at(date(2019, 3, 1), "month") == "2019-03"
    assert iso_at(date(2024, 11, 26), "day") == "2024-11-26"
    briefing = Briefing(
        timeline=[
            TimelineEvent(date(2011, 1, 1), "The uprising began", ["a"], precision="year"),
            TimelineEvent(
                date(2024, 11, 26), "Civilians were killed", ["a"], end=date(2024, 12, 1)
            ),
        ]
    )
    events = briefing_json(briefing)["timeline"]
    assert events[0]["date"] == "2011" and events[0]["end"] is None
    assert (events[1]["date"], events[1]["end"]) == ("2024-11-26", "2024-12-01")


def test_undated_articles_take_a_dateline_then_siblings_then_a_stated_weekday() -> None:
    sibling = Article(id="s", text="Talks began.", published=datetime(2024, 12, 2, 9))
    datelined = Article(id="d", text="3 December 2024, 08:10\n\nTalks resumed.")
    plain = Article(id="p", text="Talks went on.")
    weekday = Article(id="w", text="Ministers meet today (Wed) in Geneva.")
    refs = reference_dates([sibling, datelined, plain, weekday])
    assert refs["s"] == (date(2024, 12, 2), False)
    assert refs["d"] == (date(2024, 12, 3), True)
    assert refs["p"] == (date(2024, 12, 2), True)
    assert refs["w"] == (date(2024, 12, 4), True)  # the Wednesday nearest the siblings' date


# A story told by a dated outlet and an undated one (published dates written
# for this test; 4 June 2031 is a Wednesday).
DATED = """GRANVIK, Ostria, June 4 (Wire) – Striking pilots walked out on Monday, and the airport closed overnight, the operator said on Wednesday.

The union has fought pay cuts since 2027. Its leader, Ines Calder, will meet ministers on Friday.

“We will stay out until tomorrow at least,” Calder said."""

UNDATED = """Ministers said the pilots walked out on Monday. Flights were cancelled from 1 to 3 June, the operator said."""


@pytest.fixture(scope="module")
def timeline() -> list[TimelineEvent]:
    from parallax.brief.timeline import build_timeline
    from parallax.nlp import parse

    articles = [
        Article(id="dated", text=DATED, source="Wire", published=datetime(2031, 6, 4, 7)),
        Article(id="undated", text=UNDATED, source="Gazette"),
    ]
    return build_timeline(articles, parse([a.text for a in articles]))


def _on(timeline: list[TimelineEvent], words: str) -> list[TimelineEvent]:
    return [e for e in timeline if words in e.text]


@pytest.mark.slow
def test_story_timeline(timeline: list[Any]) -> None:
    walkout = _on(timeline, "walked out")
    # One event on Monday 2 June, cited by both outlets; the undated outlet's
    # Monday is read from its siblings' date, so only its own mention is estimated.
    assert [(e.date, set(e.article_ids)) for e in walkout] == [
        (date(2031, 6, 2), {"dated", "undated"})
    ]
    assert not walkout[0].estimated
    closed = _on(timeline, "airport closed overnight")
    assert [e.date for e in closed] == [date(2031, 6, 3)]
    since = _on(timeline, "since 2027")
    assert [(e.date, e.precision) for e in since] == [(date(2027, 1, 1), "year")]
    friday = _on(timeline, "will meet ministers on Friday")
    assert [e.date for e in friday] == [date(2031, 6, 6)]  # the coming Friday
    cancelled = _on(timeline, "cancelled")
    assert [(e.date, e.end, e.estimated) for e in cancelled] == [
        (date(2031, 6, 1), date(2031, 6, 3), True)
    ]
    assert not _on(timeline, "tomorrow")  # a speaker's words, not a dated event
    assert not any(e.date == date(2031, 6, 4) and "Striking" in e.text for e in timeline)


def test_a_date_in_a_sentence_without_a_verb_finds_its_clause_and_returns() -> None:
    # spaCy makes a new Token object on every access, so a walk up the parse
    # that compared tokens by identity never stopped at a noun root.  The
    # parse is built by hand (no model): "Clashes in Aleppo on Wednesday".
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from parallax.brief.timeline import _governor

    doc = Doc(
        Vocab(),
        words=["Clashes", "in", "Aleppo", "on", "Wednesday"],
        heads=[0, 0, 1, 0, 3],
        deps=["ROOT", "prep", "pobj", "prep", "pobj"],
        pos=["NOUN", "ADP", "PROPN", "ADP", "PROPN"],
    )
    found: list[Any] = []
    worker = threading.Thread(target=lambda: found.append(_governor(doc[4])), daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "the walk up the parse did not stop at the root"
    assert found[0].i == 0


def test_a_leap_day_moved_to_a_common_year_is_the_28th() -> None:
    # A year-less "29 February" read in January 2024 is last year's, which had
    # no 29th: this raised ValueError and stopped a whole import's briefings.
    assert resolve_when("on 29 February", date(2024, 1, 10)) == When(
        date(2023, 2, 28), "day", None, True
    )


def test_a_range_whose_first_day_is_not_in_the_last_days_month_keeps_the_date_it_names() -> None:
    # "from 31 to 3 June" (June has 30 days) raised ValueError and cost a
    # story its briefing in the throughput run; no range then, only the one real date.
    assert resolve_when("from 31 to 3 June", date(2024, 6, 10)) == When(
        date(2024, 6, 3), "day", None, True
    )
    assert resolve_when("from 1 to 3 June", date(2024, 6, 10)) == When(
        date(2024, 6, 1), "day", date(2024, 6, 3), True
    )


def test_a_year_stated_at_the_end_of_a_range_is_its_first_days_year_too() -> None:
    # "between June and July 2016" in a 2019 article read June as the last
    # June before the article (2018): a range from 2018-06 to 2016-07.
    ref = date(2019, 1, 25)
    assert resolve_when("between June and July 2016", ref) == When(
        date(2016, 6, 1), "month", date(2016, 7, 31)
    )
    assert resolve_when("Nov. 26 to Dec. 1, 2021", ref) == When(
        date(2021, 11, 26), "day", date(2021, 12, 1)
    )
    assert resolve_when("Dec. 28 to Jan. 3, 2021", ref) == When(
        date(2020, 12, 28), "day", date(2021, 1, 3)
    )
