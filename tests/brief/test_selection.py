"""Which articles a long story's briefing reads (``briefing_articles``)."""

from __future__ import annotations

from parallax.brief import briefing_articles
from parallax.model import Article


def _story(spec: list[tuple[str, str | None]]) -> list[Article]:
    """Articles in story order from (outlet, original it copies) pairs."""
    return [
        Article(id=f"a{i}", text="t", source=source, duplicate_of=copies)
        for i, (source, copies) in enumerate(spec)
    ]


def test_a_story_within_the_limit_is_read_whole() -> None:
    story = _story([("A", None), ("B", "a0"), ("C", None)])
    assert briefing_articles(story, limit=3) == story


def test_a_long_story_hears_every_outlet_and_its_first_report() -> None:
    # Outlet A files eight reports, B and C one each, early on.
    story = _story([("A", None), ("B", None), ("C", None), *[("A", None)] * 7])
    chosen = [a.id for a in briefing_articles(story, limit=4)]
    # The first report, B's and C's only ones, then A's newest: in story order.
    assert chosen == ["a0", "a1", "a2", "a9"]


def test_copies_are_read_only_after_every_original() -> None:
    story = _story([("A", None), ("B", "a0"), ("C", "a0"), ("D", None), ("E", None)])
    chosen = [a.id for a in briefing_articles(story, limit=4)]
    assert chosen == ["a0", "a2", "a3", "a4"]  # C's copy is newer than B's


def test_outlets_take_turns_newest_first() -> None:
    story = _story([("A", None), ("A", None), ("a", None), ("B", None), ("B", None)])
    chosen = [a.id for a in briefing_articles(story, limit=3)]
    # After the first report: A's newest (spelt "a": outlets match whatever the case), B's newest.
    assert chosen == ["a0", "a2", "a4"]
