"""Wire credits, on short texts written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parallax.export import article_json, independent_sources, story_document
from parallax.model import Article, Document, Story
from parallax.pipeline import Pipeline
from parallax.store import Store
from parallax.web.ranking import Report, signals
from parallax.wire import agency_named, carried_wire, credits

BODY = (
    "The port authority said on Monday that the strike had halted loading at all "
    "twelve berths, and that ships were queueing outside the harbour."
)


@pytest.mark.parametrize(
    ("text", "author", "agency"),
    [
        (f"By Press Association\n\n{BODY}", None, "PA Media"),
        (f"By Jane Doe, Associated Press\n\n{BODY}", None, "Associated Press"),
        (f"By JOHN ROE AP Sports Writer\n\n{BODY}", None, "Associated Press"),
        (f"By PA Reporters\n\n{BODY}", None, "PA Media"),
        (BODY, "Reuters", "Reuters"),
        (BODY, "By Maria Lenz, dpa", "dpa"),
        (BODY, "Tomas Ek | Bloomberg News", "Bloomberg"),
        (f"WASHINGTON (AP) — {BODY}", None, "Associated Press"),
        (f"LONDON, Nov 21 (Reuters) - {BODY}", None, "Reuters"),
        (f"PARIS (AFP) - {BODY}", None, "AFP"),
        (f"Berlin (dpa) - {BODY}", None, "dpa"),
        (f"HARRISBURG, Pa. (AP) — {BODY}", None, "Associated Press"),
        (f"{BODY}\n\nShipping lines said they would divert. — Reuters", None, "Reuters"),
        (f"{BODY} (AFP)", None, "AFP"),
        (f"{BODY}\n\nAgence France-Presse", None, "AFP"),
        (
            f"{BODY}\n\nCopyright 2024 The Associated Press. All rights reserved.",
            None,
            "Associated Press",
        ),
        (
            f"{BODY}\n\nThis story was supplied by Press Association.\n\nMore follows.",
            None,
            "PA Media",
        ),
    ],
)
def test_credits_that_say_the_text_is_the_agency_s(
    text: str, author: str | None, agency: str
) -> None:
    assert carried_wire(text, author) == agency


def test_a_sign_off_the_extractor_dropped_as_clutter_still_counts() -> None:
    assert carried_wire(BODY) is None
    assert carried_wire(BODY, dropped=["Share this article", "— Reuters"]) == "Reuters"


@pytest.mark.parametrize(
    ("text", "kind", "agency"),
    [
        (f"{BODY} Reuters reported that two ships had left.", "cited", "Reuters"),
        (
            f"{BODY} Police told The Associated Press the dock was sealed.",
            "cited",
            "Associated Press",
        ),
        (f"{BODY} According to AFP, the union rejected the offer.", "cited", "AFP"),
        (f"{BODY}\n\nReuters contributed reporting.", "contributed", "Reuters"),
        (f"{BODY}\n\nAdditional reporting by Agence France-Presse.", "contributed", "AFP"),
        (
            f"{BODY}\n\nThe Associated Press contributed to this report.",
            "contributed",
            "Associated Press",
        ),
    ],
)
def test_citations_and_contributions_are_found_but_do_not_make_a_copy(
    text: str, kind: str, agency: str
) -> None:
    found = credits(text)
    assert [(c.kind, c.agency) for c in found] == [(kind, agency)]
    assert not found[0].carries
    assert carried_wire(text) is None


def test_an_agency_quoted_inside_a_quotation_is_a_citation_only() -> None:
    text = (
        f'{BODY} "As reported by Reuters last year, the cranes were already failing," '
        "the union leader said."
    )
    assert [c.kind for c in credits(text)] == ["cited"]
    assert carried_wire(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # Articles about agencies, and names that merely contain an agency's letters.
        "Thomson Reuters reported a rise in quarterly revenue on Tuesday, and its shares "
        "closed higher in Toronto.",
        "Bad year for Reuters\n\nThe news agency cut 500 jobs, its owner said.",
        "The Associated Press has named a new executive editor, the first woman to lead "
        "the newsroom in its history.",
        "APPLE shares rose after the PA system failure at the launch was fixed, and "
        "the company's AP computer science course expanded to APAC schools.",
        "By Tuesday, the deal had been confirmed to Reuters by two people.",
        "Officials said the agencies AFP and dpa would share a bureau in Nairobi.",
        "Staff and agencies\n\n" + BODY,
    ],
)
def test_no_carrying_credit_without_a_credit_form(text: str) -> None:
    assert carried_wire(text) is None


def test_several_credits_the_first_carrying_one_wins_and_comes_first() -> None:
    text = f"PARIS (AFP) - {BODY} Reuters reported the same figure.\n\nReuters contributed."
    found = credits(text)
    assert found[0] == found[0].__class__("AFP", "dateline", "PARIS (AFP) -")
    assert [c.kind for c in found[1:]] == ["contributed", "cited"]
    assert carried_wire(text) == "AFP"


@pytest.mark.parametrize(
    ("name", "agency"),
    [
        ("The Associated Press", "Associated Press"),
        ("AP", "Associated Press"),
        ("Reuters.", "Reuters"),
        ("Press Association", "PA Media"),
        ("The Guardian", None),
        ("Apex Daily", None),
        (None, None),
    ],
)
def test_agency_named(name: str | None, agency: str | None) -> None:
    assert agency_named(name) == agency


def test_photo_credits_among_dropped_lines_are_not_sign_offs() -> None:
    dropped = ["Rescue boats in the harbour on Monday. (Reuters)", "AFP", "Getty Images"]
    assert carried_wire(BODY, dropped=dropped) is None


# --- counting independent sources ------------------------------------------------


def _article(
    article_id: str, source: str | None, wire: str | None = None, copy_of: str | None = None
) -> Article:
    return Article(id=article_id, text=BODY, source=source, wire=wire, duplicate_of=copy_of)


def test_outlets_carrying_one_agency_s_copy_count_once_with_the_agency() -> None:
    carried = [_article(f"a{n}", f"Outlet {n}", wire="Reuters") for n in range(3)]
    assert independent_sources(carried) == 1
    assert independent_sources([*carried, _article("r", "Reuters")]) == 1
    assert independent_sources([*carried, _article("own", "Outlet 0")]) == 2
    assert independent_sources([*carried, _article("ap", "Outlet 1", wire="AFP")]) == 2


def test_an_agency_publishing_under_another_spelling_is_the_same_source() -> None:
    articles = [_article("ap", "The Associated Press"), _article("c", "Ledger", "Associated Press")]
    assert independent_sources(articles) == 1


def test_copies_count_with_their_original_even_down_a_chain() -> None:
    articles = [
        _article("w", "Wire Desk", wire="AFP"),
        _article("c1", "Outlet 1", copy_of="w"),
        _article("c2", "Outlet 2", copy_of="c1"),
        _article("x", None),
        _article("y", None),
    ]
    # The AFP copy and its two copies are one source; each outlet-less article is its own.
    assert independent_sources(articles) == 3


def test_a_copy_whose_original_is_elsewhere_counts_for_its_own_outlet() -> None:
    assert independent_sources([_article("c", "Outlet 1", copy_of="gone")]) == 1


def test_front_page_ranking_counts_sources_by_the_same_rule() -> None:
    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    reports = [
        Report("Outlet 1", "a1", None, when, wire="Reuters"),
        Report("Outlet 2", "a2", None, when, wire="Reuters"),
        Report("Outlet 3", "a3", "a1", when),
        Report("Outlet 4", "a4", None, when),
    ]
    assert signals(reports, when, when).independent == independent_sources(reports) == 2


def test_wire_is_stored_read_back_and_counted_alike_on_every_surface(store: Store) -> None:
    articles = [
        _article("a1", "Outlet 1", wire="Reuters"),
        _article("a2", "Outlet 2", wire="Reuters"),
        _article("a3", "Outlet 3"),
    ]
    with store.writer() as w:
        for n, article in enumerate(articles):
            article.story_id = "s1"
            w.add_article(article, content_hash=f"h{n}")
        w.save_story(Story(id="s1", title="Strike"), b"", [], None, None)
    stored = store.story_articles("s1")
    assert [a.wire for a in stored] == ["Reuters", "Reuters", None]
    bylines = store.story_bylines(["s1"])["s1"]
    assert [b.wire for b in bylines] == ["Reuters", "Reuters", None]
    document = story_document(store, "s1")
    assert document is not None
    assert document["independent_sources"] == independent_sources(bylines) == 2
    assert [a["wire"] for a in document["articles"]] == ["Reuters", "Reuters", None]
    assert article_json(stored[0])["wire"] == "Reuters"


@pytest.mark.slow
def test_the_pipeline_stores_the_credited_wire_of_each_article(store: Store) -> None:
    story = "\n\n".join(
        [
            "Dockworkers at the port of Calvera walked out on Monday over a pay offer, "
            "halting loading at all twelve berths and leaving ships queueing offshore.",
            "The union said the strike would last three days unless the port authority "
            "improved its offer of a four percent rise, which members rejected last week.",
            "The port handles about a fifth of the country's container traffic, and "
            "exporters of fruit warned that cargo would spoil within days.",
            "The transport minister urged both sides to return to talks and said the "
            "government would not intervene in a dispute between employers and staff.",
        ]
    )
    docs = [
        Document(f"CALVERA (Reuters) - {story}", False, id="orig", source="Reuters"),
        Document(f"Port strike\n\n{story}\n\n— Reuters", False, id="copy", source="Ledger"),
        Document(
            "Fruit growers in the south said on Monday that the Calvera stoppage could cost "
            "them a season's profits, as lorries lined up outside packing sheds with nowhere "
            "to send their crates and cooperatives began to lay off seasonal pickers.\n\n"
            "Growers' associations asked the agriculture ministry for emergency storage, and "
            "several said they had already lost contracts with buyers abroad, according to "
            "Reuters.",
            False,
            id="own",
            source="Herald",
        ),
    ]
    Pipeline(store).run(docs)
    stored = {a: store.article(a) for a in ("orig", "copy", "own")}
    assert {a: (s.wire if s else "missing") for a, s in stored.items()} == {
        "orig": "Reuters",
        "copy": "Reuters",
        "own": None,  # a citation, not a credit for the text
    }
    assert independent_sources([s for s in stored.values() if s]) == 2
