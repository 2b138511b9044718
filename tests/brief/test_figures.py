# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Figures grouped by what is counted and which event, on stories written for these tests.

Each story plants conflicts that must be found, updates that must not be
called conflicts, and near-misses (same number or same noun, different count
or different incident) that must stay apart.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from parallax.brief.entities import extract_entities
from parallax.brief.quantities import extract_quantities
from parallax.model import Article, QuantityGroup

pytestmark = pytest.mark.slow

# A market bombing in a fictional city, Friday 6 June 2031, told by three outlets.
TIMES = """A car bomb tore through a crowded market in Dorvan on Friday, killing at least 30 people, police said. More than 100 people were wounded in the blast, according to the health ministry.

Some 200 police officers were deployed to Dorvan after the attack.

In a separate attack on Thursday, gunmen killed four people at a checkpoint near Ardel, two security sources said.

The market had about 30 stalls."""

COURIER = """Twelve people were killed when a car bomb exploded in a busy market in Dorvan, according to the health ministry. The ministry said 100 people were wounded.

Officials said 500 officers had been deployed to Dorvan.

At least 250 people have been killed in bombings across the province since January, the United Nations said."""

SIGNAL = """The death toll from Friday's market bombing in Dorvan rose to 41 on Saturday, police said.

Thirty ambulances ferried the wounded to hospitals."""


def _groups(articles: list[Article]) -> list[QuantityGroup]:
    from parallax.nlp import parse

    docs = parse([a.text for a in articles])
    return extract_quantities(articles, docs, extract_entities(articles, docs))


def _holding(groups: list[QuantityGroup], words: str) -> QuantityGroup:
    hits = [g for g in groups if any(m.text == words for m in g.mentions)]
    assert len(hits) == 1, [(g.label, [m.text for m in g.mentions]) for g in groups]
    return hits[0]


def _texts(group: QuantityGroup) -> set[str]:
    return {m.text for m in group.mentions}


@pytest.fixture(scope="module")
def bombing() -> list[QuantityGroup]:
    return _groups(
        [
            Article(
                id="times", text=TIMES, source="Harbour Times", published=datetime(2031, 6, 6, 9)
            ),
            Article(
                id="courier",
                text=COURIER,
                source="Valley Courier",
                published=datetime(2031, 6, 6, 14),
            ),
            Article(
                id="signal",
                text=SIGNAL,
                source="Evening Signal",
                published=datetime(2031, 6, 7, 10),
            ),
        ]
    )


def test_rival_tolls_of_one_event_are_a_conflict(bombing: list[QuantityGroup]) -> None:
    toll = _holding(bombing, "at least 30 people")
    assert toll.conflict
    assert {"Twelve people", "41"} <= _texts(toll)
    by_text = {m.text: m for m in toll.mentions}
    assert (by_text["at least 30 people"].low, by_text["at least 30 people"].high) == (30, None)
    assert (by_text["Twelve people"].low, by_text["Twelve people"].high) == (12, 12)


def test_a_later_higher_toll_is_shown_as_an_update(bombing: list[QuantityGroup]) -> None:
    toll = _holding(bombing, "at least 30 people")
    flagged = {m.text for m in toll.mentions if m.update}
    assert flagged == {"41"}


def test_credited_sources_are_kept(bombing: list[QuantityGroup]) -> None:
    credit = {m.text: m.attribution for g in bombing for m in g.mentions}
    assert credit["at least 30 people"] == "police"
    assert credit["Twelve people"] == "health ministry"
    assert credit["41"] == "police"
    assert credit["four people"] == "two security sources"
    assert credit["At least 250 people"] == "United Nations"


def test_injured_never_joins_killed(bombing: list[QuantityGroup]) -> None:
    toll = _holding(bombing, "at least 30 people")
    assert not _texts(toll) & {"100 people", "More than 100 people"}
    wounded = _holding(bombing, "100 people")
    assert "More than 100 people" in _texts(wounded)
    assert wounded.conflict  # "more than 100" cannot be exactly 100
    assert "injured" in wounded.label


def test_separate_incident_and_period_total_stay_apart(bombing: list[QuantityGroup]) -> None:
    assert len(_holding(bombing, "four people").mentions) == 1
    assert len(_holding(bombing, "At least 250 people").mentions) == 1


def test_same_number_other_thing_is_not_a_figure(bombing: list[QuantityGroup]) -> None:
    # Stalls and ambulances are background, not counts the story reports:
    # never shown, so never mistaken for a rival toll.
    shown = {m.text for g in bombing for m in g.mentions}
    assert not shown & {"about 30 stalls", "Thirty ambulances"}


def test_non_casualty_counts_of_one_deployment_conflict(bombing: list[QuantityGroup]) -> None:
    officers = _holding(bombing, "Some 200 police officers")
    assert _texts(officers) == {"Some 200 police officers", "500 officers"}
    assert officers.conflict


# A flood toll reported on two days: every disagreement is explained by time.
def _flood(*texts: tuple[str, datetime]) -> list[QuantityGroup]:
    return _groups(
        [
            Article(id=f"a{i}", text=text, source=f"Outlet {i}", published=when)
            for i, (text, when) in enumerate(texts)
        ]
    )


MONDAY = datetime(2031, 9, 1, 8)
TUESDAY = datetime(2031, 9, 2, 9)


def test_rising_toll_alone_is_an_update_not_a_conflict() -> None:
    groups = _flood(
        (
            "Floods in the Kessel valley killed nine people on Monday, the fire service said.",
            MONDAY,
        ),
        (
            "The death toll from the Kessel valley floods has risen to 15, the fire service said on Tuesday.",
            TUESDAY,
        ),
    )
    toll = _holding(groups, "nine people")
    assert len(toll.mentions) == 2
    assert toll.update and not toll.conflict


def test_same_day_higher_figure_without_a_raise_is_a_conflict() -> None:
    groups = _flood(
        (
            "Floods in the Kessel valley killed nine people on Monday, the fire service said.",
            MONDAY,
        ),
        (
            "Floods in the Kessel valley killed 14 people, a hospital director said.",
            MONDAY.replace(hour=20),
        ),
    )
    toll = _holding(groups, "nine people")
    assert len(toll.mentions) == 2 and toll.conflict and not toll.update


def test_a_later_lower_toll_is_a_conflict() -> None:
    groups = _flood(
        (
            "Floods in the Kessel valley killed nine people on Monday, the fire service said.",
            MONDAY,
        ),
        ("Floods in the Kessel valley killed six people, the regional governor said.", TUESDAY),
    )
    toll = _holding(groups, "nine people")
    assert len(toll.mentions) == 2 and toll.conflict
