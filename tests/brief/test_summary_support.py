"""Precision of the summary: what each sentence cites, what it states, what it repeats.

The stories here are fictional, written for these tests.  Figure groups are
given to ``summarise`` as the briefing's figure extraction would hand them over
(plain data, so that these tests pin the summary's rules and not that
extractor's reading of the text).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from parallax.brief.summary import SUPPORT_SIM, summarise
from parallax.model import Article, QuantityGroup, QuantityMention, SummarySentence

pytestmark = pytest.mark.slow

WEDNESDAY = datetime(2026, 3, 11, 20, 0, tzinfo=UTC)
THURSDAY = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)


def _parse(articles: list[Article]) -> list[Any]:
    from parallax.nlp import parse

    return parse([a.text for a in articles])


def _cites(summary: list[SummarySentence], words: str) -> list[str]:
    hits = [s for s in summary if words in s.text]
    assert hits, [s.text for s in summary]
    return hits[0].article_ids


# --- a figure is cited only to the articles that carry it ---------------------------

CROSSING = [
    Article(
        id="a",
        source="Lowland Post",
        text="Hundreds of fighters crossed the border into Ostria overnight to back the army, "
        "officials in the capital said on Monday.\n\n"
        "The army has been losing ground in the north since the rebels took the city of Varna.",
    ),
    Article(
        id="b",
        source="Ridge Times",
        text="Dozens of fighters crossed the border into Ostria overnight to back the army, "
        "officials in the capital said on Monday.\n\n"
        "Residents of Varna said the rebels had set up checkpoints across the city.",
    ),
    Article(
        id="c",
        source="Valley Courier",
        text="Hundreds of fighters crossed the border into Ostria overnight to support the army, "
        "officials in the capital said on Monday.\n\n"
        "Aid groups warned that food was running short in the besieged districts of Varna.",
    ),
]


def test_a_sentence_with_a_figure_cites_only_articles_with_that_figure() -> None:
    summary = summarise(CROSSING, _parse(CROSSING))
    cited = _cites(summary, "fighters crossed")
    crossing = next(s for s in summary if "fighters crossed" in s.text)
    # The outlet that says "dozens" backs the crossing but not its figure.
    number = "Hundreds" if "Hundreds" in crossing.text else "Dozens"
    assert all(number in next(a.text for a in CROSSING if a.id == i) for i in cited), cited


def test_a_disputed_figure_is_attributed_to_the_outlets_that_report_it() -> None:
    disputed = QuantityGroup(
        label="fighters crossed",
        conflict=True,
        mentions=[
            QuantityMention("a", "Hundreds of fighters", 200, None, source="Lowland Post"),
            QuantityMention("b", "Dozens of fighters", 24, 99, source="Ridge Times"),
            QuantityMention("c", "Hundreds of fighters", 200, None, source="Valley Courier"),
        ],
    )
    summary = summarise(CROSSING, _parse(CROSSING), quantities=[disputed])
    for s in summary:
        if "fighters crossed" in s.text:
            # Never stated as if the outlets agreed: said as the outlets' report.
            assert " reported that " in s.text, s.text
            named = s.text.split(" reported that ")[0]
            outlets = {a.id: a.source for a in CROSSING}
            assert all(str(outlets[i]) in named for i in s.article_ids), (named, s.article_ids)


# --- an article cannot support what happened after it was published -----------------

GOVERNOR = [
    Article(
        id="wed",
        source="Harbour Daily",
        published=WEDNESDAY,
        text="Governor Ilan Moros said on Wednesday that he feared more than 100 people had died "
        "in the flood that swept through Tarsk.\n\n"
        "Rescue teams worked through the night to reach the villages east of the river.",
    ),
    Article(
        id="thu",
        source="Plains Herald",
        published=THURSDAY,
        text="Governor Ilan Moros, who said on Wednesday that he feared more than 100 people had "
        "died in the flood in Tarsk, told reporters on Thursday that he would not speculate "
        "about numbers.\n\n"
        "The flood agency said its own count would be published on Friday.",
    ),
]


def test_an_article_never_supports_a_sentence_about_a_later_day() -> None:
    docs = _parse(GOVERNOR)
    summary = summarise(GOVERNOR, docs, words=200)
    assert _cites(summary, "told reporters on Thursday") == ["thu"]
    # The two governor sentences are close enough that, dates aside, the
    # Wednesday report would count as support: the date is what rules it out.
    from parallax.nlp import embed

    wed, thu = embed([GOVERNOR[0].text.split("\n")[0], GOVERNOR[1].text.split("\n")[0]])
    assert float(np.dot(wed, thu)) >= SUPPORT_SIM


# --- the current state, not a superseded figure -------------------------------------

TOLL = [
    Article(
        id="early",
        source="Meridian Post",
        published=WEDNESDAY,
        text="A dam in the north of Ostria gave way late on Tuesday, sending a flood through "
        "the town of Belk and killing at least 40 people, the emergency agency said.\n\n"
        "Thousands of residents spent the night on the hills above the town.",
    ),
    Article(
        id="late",
        source="Eastern Record",
        published=THURSDAY,
        text="The death toll from the dam collapse in northern Ostria rose to 87 on Thursday, "
        "the emergency agency said, as rescuers reached villages cut off by the water.\n\n"
        "The government blamed sabotage, while engineers said the dam had been neglected "
        "for years.",
    ),
]


def test_a_figure_a_later_report_raised_is_not_stated() -> None:
    toll = QuantityGroup(
        label="people killed",
        conflict=True,
        update=True,
        mentions=[
            QuantityMention("early", "at least 40 people", 40, None, source="Meridian Post"),
            QuantityMention("late", "rose to 87", 87, 87, source="Eastern Record", update=True),
        ],
    )
    summary = summarise(TOLL, _parse(TOLL), quantities=[toll])
    texts = " ".join(s.text for s in summary)
    assert "at least 40" not in texts
    assert "rose to 87" in texts


# --- no two sentences say the same thing --------------------------------------------

STRIKES = [
    Article(
        id="n",
        source="North Radio",
        text="The army carried out air strikes on Sunday on depots used by militias near the "
        "border, the defence ministry said.\n\n"
        "A ministry spokesman said the depots stored drones used in attacks on soldiers.\n\n"
        "The militias vowed to retaliate against what they called an act of aggression.",
    ),
    Article(
        id="s",
        source="South Wire",
        text="The army on Sunday conducted air strikes on depots used by militias near the "
        "border, according to the defence ministry.\n\n"
        "The ministry spokesman said the depots held drones the militias used to attack "
        "soldiers.\n\n"
        "Opposition lawmakers asked the government to explain the legal basis for the strikes.",
    ),
]


def test_one_fact_from_two_outlets_is_one_sentence_citing_both() -> None:
    from parallax.nlp import embed

    summary = summarise(STRIKES, _parse(STRIKES), words=200)
    vecs = embed([s.text for s in summary])
    sims = vecs @ vecs.T
    np.fill_diagonal(sims, 0.0)
    assert float(sims.max()) < SUPPORT_SIM, [s.text for s in summary]
    assert sorted(_cites(summary, "air strikes on")) == ["n", "s"]
    # The room goes to what only one outlet adds.
    assert any("retaliate" in s.text for s in summary)
    assert any("legal basis" in s.text for s in summary)


def test_an_excerpt_cut_off_with_an_ellipsis_is_not_a_sentence() -> None:
    cut = [
        Article(
            id="x",
            source="Ledger",
            text="The council approved the new budget on Tuesday after a long debate.\n\n"
            "Spending on schools will rise by a tenth, the council said in a statement.\n\n"
            "Critics said the plan did little for the town's roads and left the question of...",
        )
    ]
    summary = summarise(cut, _parse(cut), words=200)
    assert summary and not any(s.text.endswith(("...", "…")) for s in summary)


# --- a column's claims are not stated as the story's facts -------------------------

BAN = [
    Article(
        id="news1",
        source="Lowland Post",
        url="https://lowland.example/2026/03/11/board-upholds-ban",
        text="The oversight board upheld the ban on the former governor's account on Wednesday, "
        "but told the company to review the decision within six months.\n\n"
        "The board said the company had applied a penalty that its rules did not describe.",
    ),
    Article(
        id="news2",
        source="Ridge Times",
        url="https://ridge.example/news/board-ban-decision",
        text="The company's oversight board upheld the ban on the former governor on Wednesday "
        "and gave the company six months to review it.\n\n"
        "The governor's spokesman called the decision a disgrace.",
    ),
    Article(
        id="column",
        source="Valley Courier",
        url="https://valley.example/opinion/2026/03/11/keep-the-ban",
        text="The oversight board was right to uphold the ban on the former governor, and the "
        "company should make it permanent when it reviews the decision.\n\n"
        "Nothing the governor has said since suggests he would use the account differently.",
    ),
]


def test_an_opinion_pieces_sentences_are_not_the_summarys_facts() -> None:
    summary = summarise(BAN, _parse(BAN), words=200, sentences=4)
    assert summary
    stated = " ".join(s.text for s in summary)
    assert "should make it permanent" not in stated
    assert "Nothing the governor has said" not in stated


def test_a_story_told_only_in_columns_is_summarised_from_them() -> None:
    columns = [BAN[2]]
    summary = summarise(columns, _parse(columns), words=200, sentences=2)
    assert summary and summary[0].article_ids == ["column"]
