# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Which figures a briefing shows, and how: counts, not trivia; clean values;
one card per article's figure; the named source credited.

A fictional landslide told by three outlets, written for these tests.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from parallax.brief.entities import extract_entities
from parallax.brief.quantities import extract_quantities
from parallax.model import Article, QuantityGroup

pytestmark = pytest.mark.slow

# Wednesday 3 March 2032.
POST = """Landslide death toll climbs to 31 in Brenmoor

The death toll from the landslide that buried part of Brenmoor rose to 31 on Wednesday, the National Civil Protection Agency said, up from 12 a day earlier.

At least 70 people were injured, the agency said. The slope above the town is 240 metres high and the mud travelled 3km downhill, flattening a 40-metre stretch of the ring road.

The government launched a $12 million appeal for the survivors. Inflation in the region stood at 6.2 per cent last month. Both sides of the valley were cut off.

The bodies of 19 people had been taken to the town's hospital by Wednesday evening, two doctors said."""

TIMES = """Rescuers in Brenmoor were still digging through the mud on Wednesday after a landslide buried dozens of homes.

The official toll from the regional government stood at only "dozens" on Tuesday night, though residents said many more were missing.

The interior ministry has given no figure for the injured, saying only that "scores" were hurt."""


def _groups() -> list[QuantityGroup]:
    from parallax.nlp import parse

    articles = [
        Article(id="post", text=POST, source="Brenmoor Post", published=datetime(2032, 3, 3, 18)),
        Article(id="times", text=TIMES, source="Valley Times", published=datetime(2032, 3, 3, 9)),
    ]
    docs = parse([a.text for a in articles])
    return extract_quantities(articles, docs, extract_entities(articles, docs))


@pytest.fixture(scope="module")
def groups() -> list[QuantityGroup]:
    return _groups()


def _shown(groups: list[QuantityGroup]) -> dict[tuple[str, str], str | None]:
    return {(m.article_id, m.text): m.attribution for g in groups for m in g.mentions}


def test_measurements_rates_and_trivia_are_not_figures(groups: list[QuantityGroup]) -> None:
    texts = " | ".join(text for _, text in _shown(groups))
    for trivia in ("240 metres", "3km", "40-metre", "6.2 per cent", "Both sides"):
        assert trivia not in texts, texts
    assert not [g.label for g in groups if "metre" in g.label or "km" in g.label]


def test_money_keeps_its_currency(groups: list[QuantityGroup]) -> None:
    money = [g for g in groups if g.label.startswith("money")]
    assert [m.text for g in money for m in g.mentions] == ["$12 million"]
    assert money[0].label == "money: appeal"
    assert money[0].mentions[0].low == 12_000_000


def test_a_headline_and_body_figure_are_one_card(groups: list[QuantityGroup]) -> None:
    toll = [g for g in groups if any(m.low == 31 for m in g.mentions)]
    assert len(toll) == 1
    thirty_one = [m for m in toll[0].mentions if m.low == 31]
    assert len(thirty_one) == 1
    # The clean value, credited as the body credits it.
    assert thirty_one[0].text == "31"
    assert str(thirty_one[0].attribution).endswith("Civil Protection Agency")


def test_a_later_paragraphs_bare_toll_joins_the_main_toll(groups: list[QuantityGroup]) -> None:
    toll = next(g for g in groups if any(m.low == 31 for m in g.mentions))
    assert ("post", "19 people") in {(m.article_id, m.text) for m in toll.mentions}


def test_scare_quoted_values_are_clean_and_credited(groups: list[QuantityGroup]) -> None:
    shown = _shown(groups)
    assert shown[("times", "dozens")] == "regional government"
    assert shown[("times", "scores")] == "interior ministry"


def test_a_bare_noun_source_resolves_to_the_named_body(groups: list[QuantityGroup]) -> None:
    shown = _shown(groups)
    # "the agency said": the one agency the article names, not the bare noun.
    assert str(shown[("post", "At least 70 people")]).endswith("Civil Protection Agency")


def test_groups_say_what_they_count_and_how_many_outlets(groups: list[QuantityGroup]) -> None:
    kinds = {g.kind for g in groups}
    assert {"killed", "injured", "money"} <= kinds
    toll = next(g for g in groups if g.kind == "killed")
    assert toll.outlets == 2  # the Post's 31 and 19, the Times' "dozens"


def test_a_count_of_what_the_headline_names_is_a_figure() -> None:
    from parallax.nlp import parse

    text = "Ostria will send 60 million vaccine doses to poorer countries, the health ministry said. The doses travel 800 kilometres by road."
    day = datetime(2032, 3, 3, 9)

    def shown(title: str) -> set[str]:
        art = Article(id="a", text=text, title=title, source="Post", published=day)
        docs = parse([text])
        groups = extract_quantities([art], docs, extract_entities([art], docs))
        return {m.text for g in groups for m in g.mentions}

    assert "60 million vaccine doses" in shown("Ostria to send 60 million vaccine doses abroad")
    assert not shown("Ostria's health ministry acts")  # doses are not what this one counts
    assert "800 kilometres" not in shown("Doses travel 800 kilometres")  # a measure stays out


def test_headline_counts_are_never_called_a_disagreement() -> None:
    from parallax.nlp import parse

    day = datetime(2032, 3, 3, 9)
    texts = [
        "Ostria will send 60 million vaccine doses to poorer countries, the health ministry said.",
        "Ostria has sent about 4 million vaccine doses to poorer countries, officials said.",
    ]
    articles = [
        Article(
            id=f"a{i}",
            text=t,
            title="Ostria sends vaccine doses",
            source=f"Outlet {i}",
            published=day,
        )
        for i, t in enumerate(texts)
    ]
    docs = parse(texts)
    groups = extract_quantities(articles, docs, extract_entities(articles, docs))
    doses = [g for g in groups if "doses" in g.label]
    assert doses and all(g.kind == "other" and not g.conflict for g in doses)


def test_a_weight_in_pounds_is_not_money() -> None:
    # "at the time of his last arrest in 2015, he was 5-foot-11 and 215
    # pounds" showed as "money: 215 pounds" (a real story).
    from parallax.nlp import parse

    text = (
        "Records show that at the time of his last arrest in 2029, the suspect was 5-foot-11 and 215 pounds.\n\n"
        "The council will spend 40 million pounds on the new bridge over the Brenn."
    )
    articles = [
        Article(id="a", text=text, source="Brenmoor Post", published=datetime(2032, 3, 3, 18))
    ]
    docs = parse([text])
    groups = extract_quantities(articles, docs, extract_entities(articles, docs))
    money = [m.text for g in groups if g.label.startswith("money") for m in g.mentions]
    assert money == ["40 million pounds"]
