"""Model-free units: quote marks, date arithmetic, hedged intervals, skeletons."""

from __future__ import annotations

from datetime import date

from parallax.brief._text import clean_quote, quote_spans
from parallax.brief.entities import _translit_match
from parallax.brief.quantities import _interval
from parallax.brief.timeline import resolve


def _quotes(text: str) -> list[str]:
    return [clean_quote(text[s:e]) for s, e in quote_spans(text)]


def test_curly_straight_and_mixed_double_quotes() -> None:
    text = 'He said “one two three,” and then "four five six," and “seven eight," he added.'
    assert _quotes(text) == ["one two three", "four five six", "seven eight"]


def test_single_curly_quotes_are_not_confused_with_apostrophes() -> None:
    text = "She said: ‘The rebels’ advance can’t last.’ Then she left."
    assert _quotes(text) == ["The rebels’ advance can’t last."]


def test_quote_spanning_paragraphs() -> None:
    text = "He told reporters: “First part.\n\n“Second part.”"
    assert _quotes(text) == ["First part. Second part."]


def test_a_quotation_going_on_in_a_paragraph_without_a_reopening_mark() -> None:
    # A tweet quoted over a line break, its second paragraph not reopened
    # (a real Fox News story): the closing mark after "leaving," opened a
    # quotation of the narration ("Trump tweeted. …") up to the next mark.
    text = (
        '"Brandt, who I do not know, was appointed in 2025.\n\n'
        'Was supposed to leave but he resigned," Halvorsen tweeted.\n\n'
        '"If anybody else had closed the quay, he would be a hero," he continued.'
    )
    assert _quotes(text) == [
        "Brandt, who I do not know, was appointed in 2025. Was supposed to leave but he resigned",
        "If anybody else had closed the quay, he would be a hero",
    ]
    # with nothing left open before it, a closing mark quotes nothing
    assert _quotes('He resigned," Halvorsen tweeted. "We will sail," he added.') == ["We will sail"]


def test_relative_dates() -> None:
    ref = date(2024, 12, 2)  # a Monday
    assert resolve("Wednesday", ref) == date(2024, 11, 27)
    assert resolve("late on Sunday", ref) == date(2024, 12, 1)
    assert resolve("Monday", ref) == ref
    assert resolve("overnight", ref) == date(2024, 12, 1)
    assert resolve("yesterday", ref) == date(2024, 12, 1)
    assert resolve("last week", ref) == date(2024, 11, 25)
    assert resolve("since 2011", ref) == date(2011, 1, 1)
    assert resolve("27 November", ref) == date(2024, 11, 27)
    assert resolve("Nov. 26 to Dec. 1", ref) == date(2024, 11, 26)
    assert resolve("Wednesday", None) is None


def test_hedged_intervals() -> None:
    assert _interval(200, "some") == (180, 220, False)
    assert _interval(300, "at least") == (300, None, False)
    assert _interval(150, "more than") == (150, None, True)
    assert _interval(5, None) == (5, 5, False)
    assert _interval(50, "up to") == (0.0, 50, False)


def test_transliteration_guard() -> None:
    assert _translit_match("araghchi", "araqchi")
    assert _translit_match("boukamal", "bukamal")
    assert not _translit_match("hassan", "hussein")
    assert not _translit_match("iran", "iraq")
