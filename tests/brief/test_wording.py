# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Each outlet's wording: distinctive terms are words a reader recognises,
outlets are named (never by article id), and label variants share a head.

A fictional story written for these tests, told by two named outlets and one
page with no outlet name."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from parallax.model import Article, Briefing

pytestmark = pytest.mark.slow

POST = """Ostrian dictator Viktor Hale sent troops into the Marl valley on Monday, and Mr Hale said the uprising would come to an end.

Mr Hale's soldiers came with tanks, and the Red Lantern Society said 300 families had fled. A 58-year-old shepherd, Anton Vell, said the valley was burning.

Regional governor Ilse Brandauer said schools would stay shut."""

COURIER = """The dictator Viktor Hale ordered tanks into the Marl valley, where furious farmers have blocked the roads for a week.

Mr Hale came to power in 2019. The Red Lantern Society said furious farmers were sheltering in barns.

Governor Ilse Brandauer asked for calm."""

BLOG = """President Viktor Hale deployed the army to the Marl valley to restore order after weeks of unrest.

The president said order would return soon. Farmers said tanks had crushed their orchards and their barns."""


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    from parallax.brief import build_briefing
    from parallax.nlp import parse

    day = datetime(2031, 6, 3, 12)
    articles = [
        Article(id="post-7f3a", text=POST, source="Marl Post", published=day),
        Article(id="courier-91bc", text=COURIER, source="Valley Courier", published=day),
        Article(id="blog-0d2e", text=BLOG, published=day),
    ]
    return build_briefing(articles, parse([a.text for a in articles]))


def test_outlets_are_named_never_by_article_id(briefing: Briefing) -> None:
    shown = {o.source for o in briefing.distinctive_terms} | {
        f.source for f in briefing.unique_facts
    }
    assert shown and not shown & {"post-7f3a", "courier-91bc", "blog-0d2e"}
    assert "Unnamed outlet [3]" in shown


def test_distinctive_terms_are_words_as_written(briefing: Briefing) -> None:
    texts = {"Marl Post": POST, "Valley Courier": COURIER, "Unnamed outlet [3]": BLOG}
    for row in briefing.distinctive_terms:
        for term in row.terms:
            assert term.lower() not in {"mr", "come", "came"}, row.terms
            # a word or name the outlet wrote, not a stem of it
            assert re.search(rf"(?<!\w){re.escape(term)}(?!\w)", texts[row.source], re.I), (
                term,
                row.source,
            )
    every = [t for row in briefing.distinctive_terms for t in row.terms]
    assert "Lantern" not in every and "Society" not in every  # a name is one term


def test_label_variants_group_by_their_head(briefing: Briefing) -> None:
    frames = [f for f in briefing.framing if f.referent == "Viktor Hale"]
    assert len(frames) == 1
    dictator = [t for t in frames[0].terms if "dictator" in (t.term, *t.variants)]
    assert len(dictator) == 1
    assert dictator[0].term == "dictator"
    assert [v.lower() for v in dictator[0].variants] == ["ostrian dictator"]
    assert dictator[0].article_ids == ["post-7f3a", "courier-91bc"]


def test_one_label_in_two_wordings_is_no_difference(briefing: Briefing) -> None:
    # "Regional governor" and "Governor" share their head: the outlets agree.
    assert not [f for f in briefing.framing if f.referent == "Ilse Brandauer"]
