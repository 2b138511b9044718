# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Timeline events: days a decision names point forward, and each event is a
readable clause with its subject, once.  A fictional story written for these tests."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from parallax.brief.timeline import When, build_timeline, resolve_when
from parallax.model import Article, TimelineEvent

pytestmark = pytest.mark.slow

WEDNESDAY = date(2031, 4, 9)

# Published on Wednesday 9 April 2031.
TEXT = """The prime minister declared Friday a day of national mourning after the ferry sank in Lake Maren.

The ferry, a steel vessel on the Lake Maren route built in 1994, sank in a storm before dawn on Tuesday.

Survivors said they had asked the crew to turn back when the wind rose on Monday evening.

Rescuers pulled 40 people from the water, and the ferry operator is expected to meet families later today.

Captain Ivo Marsh, who said on Tuesday that he had seen nothing, told reporters on Wednesday that the engines had failed."""


@pytest.fixture(scope="module")
def events() -> list[TimelineEvent]:
    return _lake_post(TEXT)


def _on(events: list[TimelineEvent], words: str) -> list[TimelineEvent]:
    return [e for e in events if words in e.text]


def test_next_weekday_points_forward_past_the_article_day() -> None:
    assert resolve_when("next Wednesday", WEDNESDAY) == When(
        date(2031, 4, 16), "day", relative=True
    )
    assert resolve_when("next Friday", WEDNESDAY) == When(date(2031, 4, 11), "day", relative=True)


def test_a_day_declared_for_mourning_is_the_coming_one(events: list[TimelineEvent]) -> None:
    mourning = _on(events, "national mourning")
    assert [e.date for e in mourning] == [date(2031, 4, 11)]


def test_a_subordinate_clause_reads_as_a_sentence(events: list[TimelineEvent]) -> None:
    monday = [e for e in events if e.date == date(2031, 4, 7)]
    assert monday and all(not e.text.lower().startswith("when ") for e in monday)
    assert any(e.text.startswith("The wind rose") or "asked the crew" in e.text for e in monday)


def test_a_clause_without_its_subject_gives_the_whole_sentence(
    events: list[TimelineEvent],
) -> None:
    today = _on(events, "later today")
    assert today and all(not e.text.startswith("To ") for e in today)
    assert any("ferry operator is expected to meet families" in e.text for e in today)


def test_a_participle_keeps_the_whole_noun_phrase(events: list[TimelineEvent]) -> None:
    built = [e for e in events if e.date.year == 1994]
    assert len(built) == 1
    assert not built[0].text.startswith("The Lake Maren route")
    assert "steel vessel" in built[0].text


def test_one_sentence_is_one_event(events: list[TimelineEvent]) -> None:
    captain = _on(events, "Ivo Marsh")
    assert len(captain) == 1
    assert captain[0].date == WEDNESDAY  # the main clause's day, not the aside's


def test_an_event_counts_its_independent_outlets() -> None:
    from parallax.nlp import parse

    day = datetime(2031, 4, 9, 10)
    text = "The ferry sank in a storm before dawn on Tuesday, the coastguard said."
    other = "A ferry sank on Lake Maren in a storm before dawn on Tuesday, officials said."
    articles = [
        Article(id="a", text=text, source="Lake Post", published=day),
        Article(id="b", text=text, source="Reprint Daily", published=day, duplicate_of="a"),
        Article(id="c", text=other, source="Maren Times", published=day),
    ]
    events = build_timeline(articles, parse([a.text for a in articles]))
    sank = [e for e in events if e.date == date(2031, 4, 8)]
    assert len(sank) == 1 and sank[0].article_ids == ["a", "b", "c"]
    assert sank[0].outlets == 2  # the copy speaks for the Lake Post


def test_two_outlets_rewording_one_fact_are_one_event() -> None:
    from parallax.nlp import parse

    day = datetime(2031, 4, 9, 10)
    articles = [
        Article(
            id="a",
            text="Ostria, a mountain country of nine million, has been ruled with an iron fist by Viktor Hale since 2012.",
            source="Lake Post",
            published=day,
        ),
        Article(
            id="b",
            text="The government of Viktor Hale, who has ruled the mountain country since 2012, blamed the storm.",
            source="Maren Times",
            published=day,
        ),
    ]
    events = build_timeline(articles, parse([a.text for a in articles]))
    ruled = [e for e in events if e.date.year == 2012]
    assert len(ruled) == 1 and ruled[0].article_ids == ["a", "b"]


def _lake_post(text: str, published: datetime = datetime(2031, 4, 9, 10)) -> list[TimelineEvent]:
    """The timeline of one article the Lake Post published (by default on Wednesday 9 April 2031)."""
    from parallax.nlp import parse

    article = Article(id="a", text=text, source="Lake Post", published=published)
    return build_timeline([article], parse([text]))


def _sank(texts: dict[str, str]) -> list[TimelineEvent]:
    from parallax.nlp import parse

    day = datetime(2031, 4, 9, 10)
    articles = [
        Article(id=k, text=v, source=f"Outlet {k}", published=day) for k, v in texts.items()
    ]
    return [
        e
        for e in build_timeline(articles, parse([a.text for a in articles]))
        if e.date == date(2031, 4, 8)
    ]


def test_an_event_is_told_in_words_every_outlet_it_cites_supports() -> None:
    sank = _sank(
        {
            "a": "The ferry sank in a storm on Lake Maren before dawn on Tuesday, killing at least 40 people.",
            "b": "A ferry sank in a storm on Lake Maren before dawn on Tuesday, the coastguard said.",
            "c": "The ferry sank in a storm on Lake Maren before dawn on Tuesday, killing some 60 people.",
        }
    )
    assert len(sank) == 1
    # The wording without a toll speaks for all three; neither toll is stated
    # as if the outlets agreed on it.
    assert "40" not in sank[0].text and "60" not in sank[0].text
    assert sank[0].article_ids == ["a", "b", "c"]


def test_when_every_wording_states_a_figure_only_its_carriers_are_cited() -> None:
    sank = _sank(
        {
            "a": "The ferry sank in a storm on Lake Maren before dawn on Tuesday, killing at least 40 people.",
            "c": "The ferry sank in a storm on Lake Maren before dawn on Tuesday, killing some 60 people.",
        }
    )
    assert len(sank) == 1
    assert "40" in sank[0].text and sank[0].article_ids == ["a"]


def test_a_relative_clause_reads_as_its_own_clause() -> None:
    text = (
        "Rescue crews reached the last cut-off village on Wednesday.\n\n"
        "The interior minister, Dana Ferro, who flew over the valley on Monday, promised new levees.\n\n"
        "The old levee, which was completed in 1961, gave way within an hour."
    )
    events = _lake_post(text)
    monday = [e.text for e in events if e.date == date(2031, 4, 7)]
    assert monday == ["Dana Ferro flew over the valley on Monday"]
    built = [e.text for e in events if e.date.year == 1961]
    assert built == ["The old levee was completed in 1961"]


def test_a_phrase_whose_subject_only_the_sentence_names_is_no_event() -> None:
    text = (
        "The army said on Monday that it was working to secure the towns it recaptured"
        " from the rebels on Sunday."
    )
    events = _lake_post(text)
    assert not any(e.text.lower().startswith("towns it recaptured") for e in events)
    assert not any(e.text.lower().startswith("the towns it recaptured") for e in events)


def test_a_concession_reads_as_its_own_clause() -> None:
    text = "Although Ostria has been at war with its neighbour since 2022, its capital is calm."
    events = _lake_post(text)
    assert [e.text for e in events if e.date.year == 2022] == [
        "Ostria has been at war with its neighbour since 2022"
    ]


def test_an_event_never_opens_with_a_pronoun_it_does_not_resolve() -> None:
    # "He left Trump's campaign in August 2015", "He met with Stone in May
    # 2016" (where "he" was another man, named only as "the man") in a real
    # story: a timeline line must say who.
    text = (
        "Harbour master Ines Calder was suspended on Tuesday.\n\n"
        "She returned to work on Friday.\n\n"
        "The pilot told the inquiry that he was off duty when he crossed the bar in May 2029.\n\n"
        "The inquiry heard from several crews.\n\n"
        "He resigned from the board in August 2028."
    )
    events = _lake_post(text)
    texts = [e.text for e in events]
    assert "Ines Calder returned to work on Friday." in texts
    assert not any(t.split()[0].lower() in ("he", "she", "it", "they") for t in texts), texts
    assert [e.text for e in events if e.date.year == 2029] == [
        "The pilot told the inquiry that he was off duty when he crossed the bar in May 2029."
    ]
    assert not any(e.date.year == 2028 for e in events)


def test_a_date_in_that_year_takes_the_year_the_text_stated() -> None:
    # "Between June and July 2016, … On July 22 that year, WikiLeaks
    # released …" in a 2019 article was dated 2018-07-22 (a real story).
    text = (
        "The harbour board sold the north quay in March 2027.\n\n"
        "On July 22 that year, the new owners closed the ferry terminal.\n\n"
        "The board's budget for this fiscal year is 15 percent above the previous year's, its chair said."
    )
    events = _lake_post(text)
    dated = {e.text: (e.date, e.precision) for e in events}
    assert dated["On July 22 that year, the new owners closed the ferry terminal."] == (
        date(2027, 7, 22),
        "day",
    )
    # "the previous year" here is counted from this one, not from 2027
    assert not [t for t, (d, _) in dated.items() if "budget" in t and d.year == 2026]


def test_a_relative_clause_on_the_last_noun_of_a_phrase_keeps_its_pronoun() -> None:
    # "They pored over his testimony to the House Intelligence Committee,
    # which is conducting its own investigation into … the 2016 election"
    # read "His testimony to the House Intelligence Committee is conducting
    # its own investigation …" (a real story).
    text = "They pored over his testimony to the Harbour Safety Committee, which is conducting its own inquiry into the 2027 ferry sinking."
    events = _lake_post(text)
    texts = [e.text for e in events if e.date.year == 2027]
    assert texts, [e.text for e in events]
    assert not any("Committee is conducting" in t for t in texts), texts


def test_a_quotation_is_not_a_timeline_event() -> None:
    # "“It shows that there is either a fundamental distrust of Mr. Stone …,”
    # Trusty said Friday." was a timeline event, and its merge with the day's
    # other events cited three outlets for one outlet's quotation (a real story).
    text = (
        "Police arrested Halvorsen at his home in Bergen on Friday.\n\n"
        "“It shows that there is either a deep distrust of Mr. Halvorsen or a real breakdown with his lawyer,” Olsen said Friday."
    )
    events = _lake_post(text, datetime(2031, 4, 11, 18))
    assert [e.text for e in events] == [
        "Police arrested Halvorsen at his home in Bergen on Friday."
    ]
