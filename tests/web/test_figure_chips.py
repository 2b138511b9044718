"""The first screen's figure chips: one chip per value, with every outlet that gave it."""

from __future__ import annotations

from parallax.web.briefing import Figure, FigureGroup, outlet


def _figure(text: str, name: str, low: float | None, high: float | None) -> Figure:
    return Figure(text, None, outlet(name), None, low, high, update=False)


def test_wordings_of_one_value_share_a_chip_in_the_shortest_wording() -> None:
    group = FigureGroup(
        "people displaced",
        conflict=True,
        update=False,
        figures=[
            _figure("some 12,000 people", "Ledger", 10800.0, 13200.0),
            _figure("more than 15,000 residents", "Herald", 15000.0, None),
            _figure("some 12,000", "Wire", 10800.0, 13200.0),
        ],
    )
    chips = group.chips
    assert [c.text for c in chips] == ["some 12,000", "more than 15,000 residents"]
    assert [o.name for o in chips[0].outlets] == ["Ledger", "Wire"]


def test_different_bounds_stay_apart_and_unknown_sizes_go_last() -> None:
    group = FigureGroup(
        "people killed",
        conflict=True,
        update=False,
        figures=[
            _figure("at least 40 people", "Wire", 40.0, None),
            _figure("40 people", "Ledger", 40.0, 40.0),
            _figure("a number of people", "Herald", None, None),
        ],
    )
    assert [c.text for c in group.chips] == [
        "at least 40 people",
        "40 people",
        "a number of people",
    ]
