# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Framing on a story written for these tests: one rebel group, one president,
one government, worded differently by three outlets and reprinted by a fourth."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from parallax.export import briefing_json
from parallax.model import Article, Briefing, Framing

pytestmark = pytest.mark.slow

TIMES = """Rebels of the Sorran People's Army (SPA) seized the border town of Kell on Tuesday, residents said.

The SPA, the largest armed opposition group in the north, has fought the government since 2019. The rebels said they had taken the police station.

President Marek Stanek said the army would retake Kell within days. The government declared a curfew in the province."""

COURIER = """Insurgents of the Sorran People's Army overran the border town of Kell on Tuesday, according to residents.

Dictator Marek Stanek vowed revenge. The Stanek regime cut the internet across the province, the Courier has learned.

The insurgents released a video filmed outside the town hall."""

GAZETTE = """Illegal armed groups attacked the border town of Kell on Tuesday, the interior ministry said.

President Marek Stanek chaired a meeting of the security council. The government said order would be restored within days.

Schools in the capital will reopen on Monday after the autumn holiday, the education ministry announced."""


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    from parallax.brief import build_briefing
    from parallax.nlp import parse

    day = datetime(2031, 10, 8, 12)
    articles = [
        Article(id="times", text=TIMES, source="Harbour Times", published=day),
        Article(id="courier", text=COURIER, source="Valley Courier", published=day),
        Article(id="gazette", text=GAZETTE, source="State Gazette", published=day),
        Article(
            id="reprint", text=TIMES, source="Metro Reprint", published=day, duplicate_of="times"
        ),
    ]
    return build_briefing(articles, parse([a.text for a in articles]))


def _frame(briefing: Briefing, referent: str) -> dict[str, list[str]]:
    found: list[Framing] = [f for f in briefing.framing if f.referent == referent]
    assert len(found) == 1, [f.referent for f in briefing.framing]
    return {t.term: t.article_ids for t in found[0].terms}


def test_rebel_side_labels_are_one_referent(briefing: Briefing) -> None:
    terms = _frame(briefing, "Sorran People's Army")
    assert "times" in terms["rebels"]
    assert terms["insurgents"] == ["courier"]
    # The state outlet never names the group; its label joins through "armed".
    assert terms["illegal armed groups"] == ["gazette"]


def test_president_against_dictator(briefing: Briefing) -> None:
    terms = _frame(briefing, "Marek Stanek")
    assert set(terms["president"]) >= {"times", "gazette"}
    assert terms["dictator"] == ["courier"]


def test_regime_against_government(briefing: Briefing) -> None:
    terms = _frame(briefing, "Marek Stanek's government")
    assert terms["Stanek regime"] == ["courier"]
    assert set(terms["government"]) >= {"times", "gazette"}


def test_distinctive_terms_per_outlet(briefing: Briefing) -> None:
    by_outlet = {o.source: o for o in briefing.distinctive_terms}
    assert set(by_outlet) == {"Harbour Times", "Valley Courier", "State Gazette"}
    courier = by_outlet["Valley Courier"]
    # only the Courier says "insurgents", and twice: its most distinctive word
    assert courier.terms[0] == "insurgents"  # the word as written, not its lemma
    assert "dictator" in [t.lower() for t in courier.terms]
    assert "courier" not in courier.terms  # the outlet's own name is not its wording
    assert courier.weights == sorted(courier.weights, reverse=True)
    assert courier.article_ids == ["courier"]


def test_facts_only_one_outlet_reports(briefing: Briefing) -> None:
    facts = {f.text: f for f in briefing.unique_facts}
    internet = [f for t, f in facts.items() if "cut the internet" in t]
    assert [(f.source, f.article_ids) for f in internet] == [("Valley Courier", ["courier"])]
    schools = [f for t, f in facts.items() if "Schools in the capital" in t]
    assert [f.source for f in schools] == ["State Gazette"]
    assert not any("seized the border town" in t or "overran" in t for t in facts)
    assert all(f.source != "Metro Reprint" for f in briefing.unique_facts)


def test_export_carries_the_new_parts(briefing: Briefing) -> None:
    data: dict[str, Any] = briefing_json(briefing)
    assert data["distinctive_terms"][0].keys() >= {"source", "terms", "weights", "article_ids"}
    assert data["unique_facts"][0].keys() >= {"text", "source", "article_ids"}


def test_an_honorific_with_a_full_stop_is_no_label() -> None:
    # "Mr." opening a sentence was taken for a label ("Roger Stone: “mr.”")
    # in a real story: "Mr" was left out, "Mr." with its stop was not.
    from parallax.brief._text import quote_spans
    from parallax.brief.framing import _entity_labels
    from parallax.nlp import parse

    text = (
        "Mr. Halvorsen left the council in March. "
        "Later, Mr. Halvorsen founded a shipping firm in Bergen."
    )
    labels = _entity_labels(parse([text])[0], quote_spans(text), {})
    assert [label for _, label, _ in labels if "mr" in label.lower()] == []


def test_words_before_a_name_that_head_their_own_phrase_are_no_label() -> None:
    # "… or with the Russian officers Mueller says hacked them" gave
    # 'Robert Mueller: “Russian officers”', and "to probe … conversations
    # Trump's national security adviser had" 'Trump: “conversations”' (a
    # real story).  A label the parser split from its name still counts.
    from parallax.brief._text import quote_spans
    from parallax.brief.framing import _entity_labels
    from parallax.nlp import parse

    texts = [
        "The report does not charge Olsen with conspiring with the buyers, or with the foreign agents Halvorsen says hacked them.",
        "It has expanded to probe conversations Halvorsen's deputy had with the buyers.",
        "The Syrian dictator Bashar al-Assad fled.",
    ]
    found = [
        _entity_labels(doc, quote_spans(t), {}) for t, doc in zip(texts, parse(texts), strict=True)
    ]
    assert found[0] == [] and found[1] == []
    assert found[2] == [("Bashar al-Assad", "Syrian dictator", False)]


def test_a_label_keeps_the_whole_name_it_starts_with() -> None:
    # "Randy Credico, a New York radio host" gave “York radio host” (a real story).
    from parallax.brief._text import quote_spans
    from parallax.brief.framing import _entity_labels
    from parallax.nlp import parse

    text = "He exchanged heated texts with Tomas Brandt, a New York radio host with his own contacts at the port."
    labels = [label for _, label, _ in _entity_labels(parse([text])[0], quote_spans(text), {})]
    assert labels == ["New York radio host"]
