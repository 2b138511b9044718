"""The pure helpers behind the pages: times, sentences, badges, briefing views."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from parallax.model import Article, Briefing
from parallax.web import briefing, view

NOW = datetime(2024, 12, 12, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=59), "59 minutes ago"),
        (timedelta(hours=3), "3 hours ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=4), "4 days ago"),
        (timedelta(days=30), "12 Nov 2024"),
        (-timedelta(hours=2), "just now"),  # a feed's clock ahead of ours
    ],
)
def test_relative_time(delta: timedelta, expected: str) -> None:
    assert view.relative_time(NOW - delta, NOW) == expected


def test_relative_time_naive_and_missing() -> None:
    assert view.relative_time(datetime(2024, 12, 12, 9, 0), NOW) == "3 hours ago"
    assert view.relative_time(None, NOW) == "unknown time"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", "One."),
        ("Mr. Assad fled. Then more.", "Mr. Assad fled."),
        ("J. Smith wrote it. Then more.", "J. Smith wrote it."),
        ("U.S. forces moved. Then.", "U.S. forces moved."),
        ('He said "stop." Then left.', 'He said "stop."'),
        ("No end", "No end"),
        ("", ""),
    ],
)
def test_first_sentence(text: str, expected: str) -> None:
    assert view.first_sentence(text) == expected


def test_first_sentence_is_bounded() -> None:
    line = view.first_sentence("word " * 200, limit=50)
    assert len(line) <= 51 and line.endswith("…")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("The Guardian", "Gu"),
        ("Daily Mail", "DM"),
        ("Press Association", "PA"),
        ("BBC", "B"),
        ("Reuters", "Re"),
        ("The New York Times", "NY"),
        ("!!!", "?"),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert view.initials(name) == expected


def test_badge_class_is_stable() -> None:
    assert view.badge_class("Reuters") == view.badge_class("reuters")
    assert view.badge_class("Reuters").startswith("badge-")


def test_paragraphs() -> None:
    assert view.paragraphs("A\nstill A\n\n  \nB\r\n\r\nC") == ["A still A", "B", "C"]
    assert view.paragraphs("one\ntwo") == ["one", "two"]
    assert view.paragraphs("  ") == []


def test_highlight_marks_matches_in_a_window() -> None:
    text = "x " * 200 + "the Militias crossed " + "y " * 200
    segments = view.highlight(text, "militias")
    assert ("Militias", True) in segments
    assert segments[0] == ("…", False) and segments[-1] == ("…", False)
    assert view.highlight("", "a") == []


def test_article_href_quotes_everything() -> None:
    assert view.article_href("a/b?c#d") == "/articles/a%2Fb%3Fc%23d"


def _build(stored: dict[str, Any], articles: list[Article]) -> briefing.BriefingView:
    """The page's view of a briefing as stored (JSON), read as the page reads it."""
    return briefing.build(Briefing.from_json(stored), articles)


def _a(id: str, source: str | None, dup: str | None = None) -> Article:
    return Article(id=id, text="t", source=source, duplicate_of=dup)


def test_build_survives_garbage_briefing() -> None:
    garbage: dict[str, Any] = {
        "summary": "not a list",
        "entities": [
            None,
            {"name": 3},
            {"name": "X", "type": "PERSON", "aliases": "nope", "article_ids": "a"},
            {"name": "Y", "type": "GPE", "aliases": [], "article_ids": ["a"]},
        ],
        "quotes": [
            {"text": ""},
            {"speaker": None, "text": "hi", "article_ids": [None, 5, "a"], "variants": [1]},
        ],
        "quantities": [{"mentions": "x"}, {"label": 1, "conflict": "yes", "mentions": [{}]}],
        "timeline": [{"date": 20241211, "text": "t"}],
        "framing": [{"referent": "r", "terms": [{"term": "w", "article_ids": ["zz"]}]}],
    }
    b = _build(garbage, [_a("a", "A")])
    assert b.built and b.summary == [] and b.conflicts == []
    # An item without what it needs is left out; the rest of the briefing shows.
    assert [e.name for e in b.entities] == ["Y"]
    assert b.speakers[0].quotes[0].cites[0].article_id == "a"  # junk ids left out
    assert b.timeline == []  # no date to place it at
    # Citing an article outside the story still links, labelled as such.
    assert b.framing[0].by_outlet[0].outlet.name == "article not in this story"


def test_fold_copies_follows_chains_and_survives_cycles() -> None:
    articles = [
        _a("wire", "PA"),
        _a("copy", "Standard", "wire"),
        _a("copy2", "Metro", "copy"),
        _a("orphan", "Local", "missing"),
        _a("x", "X", "y"),
        _a("y", "Y", "x"),
    ]
    entries = briefing.fold_copies(articles, briefing.Citations(articles))
    by_id = {e.article.id: [c.article.id for c in e.copies] for e in entries}
    assert by_id["wire"] == ["copy", "copy2"]
    assert by_id["orphan"] == []
    assert "copy" not in by_id and "copy2" not in by_id
    # A cycle must not hang or lose articles.
    shown = set(by_id) | {c for copies in by_id.values() for c in copies}
    assert {"x", "y"} <= shown


def test_citation_numbers_follow_story_order() -> None:
    cites = briefing.Citations([_a("a", "A"), _a("b", None)])
    assert [c.n for c in cites.many(["b", "a", "b"])] == [1, 2]
    assert cites.get("b") is not None and cites.get("b").outlet == "Unknown outlet"  # type: ignore[union-attr]


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_stylesheet_colours_meet_wcag_aa() -> None:
    import re
    from pathlib import Path

    import parallax.web

    css = (Path(parallax.web.__file__).parent / "static" / "style.css").read_text()
    dark_at = css.index("prefers-color-scheme: dark")
    schemes = [css[:dark_at], css[dark_at : css.index("}\n}", dark_at)]]
    pairs = [
        ("text", "bg"),
        ("muted", "bg"),
        ("muted", "surface"),
        ("link", "bg"),
        ("link", "surface"),
        ("conflict-fg", "conflict-bg"),
        ("tag-fg", "tag-bg"),
        ("notice-fg", "notice-bg"),
        ("mark-fg", "mark-bg"),
        ("ok-fg", "bg"),  # feed health
        ("conflict-fg", "bg"),
        ("tag-fg", "bg"),  # topic links
    ]
    for block in schemes:
        colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block))
        for fg, bg in pairs:
            assert _contrast(colours[fg], colours[bg]) >= 4.5, (fg, bg)
    badges = re.findall(r"\.badge-\d+ \{ background: (#[0-9a-fA-F]{6}); \}", css)
    assert len(badges) == view.BADGE_COLOURS
    for badge in badges:
        assert _contrast("#ffffff", badge) >= 4.5, badge


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Plain words & numbers < 5", "Plain words & numbers < 5"),
        ("<b>Breaking</b>: storm", "Breaking: storm"),
        ("Hi<script>alert(1)</script> there", "Hi there"),
        ("<style>p{color:red}</style>Text", "Text"),
        ('<a href="javascript:alert(1)" onclick="x()">link</a>', "link"),
        ("AT&amp;T &lt;b&gt;", "AT&T <b>"),  # entities decode to text, escaped again on output
    ],
)
def test_plain_strips_markup_to_text(raw: str, shown: str) -> None:
    assert " ".join(view.plain(raw).split()) == shown


def test_sentences_respect_abbreviations_and_initials() -> None:
    text = "Mr. Smith met Gen. Ray on Monday. J. Doe said no! Was it? Yes."
    assert view.sentences(text) == [
        "Mr. Smith met Gen. Ray on Monday.",
        "J. Doe said no!",
        "Was it?",
        "Yes.",
    ]


def test_best_sentence_picks_the_most_shared_words_across_paragraphs() -> None:
    text = "The port reopened on Monday.\n\nAt least 300 fighters crossed the border. Rain fell."
    assert view.best_sentence("Fighters crossed the border overnight", text) == (
        1,
        "At least 300 fighters crossed the border.",
    )
    assert view.best_sentence("Nothing in common", "Rain fell.") is None


@pytest.mark.parametrize(
    ("header", "matched"),
    [('"abc"', True), ('W/"abc"', True), ('"x", "abc"', True), ("*", True), ('"abcd"', False)],
)
def test_if_none_match(header: str, matched: bool) -> None:
    from parallax.web.caching import matches

    assert matches(header, '"abc"') is matched


def test_a_briefing_that_read_part_of_its_story_says_how_much() -> None:
    story = [_a("a", "A"), _a("b", "B"), _a("c", "C")]
    assert _build({"drawn_from": ["a", "c", "gone"]}, story).read == (2, 3)
    assert _build({"drawn_from": ["a", "b", "c"]}, story).read is None
    # Briefings written before the field existed read every article.
    assert _build({"summary": []}, story).read is None
    assert _build({"drawn_from": "a"}, story).read is None


def test_palette_never_gives_two_outlets_one_colour() -> None:
    names = [f"Outlet {i}" for i in range(view.BADGE_COLOURS + 3)]
    palette = view.Palette(names[:2])
    badges = [palette.badge(n) for n in names]
    coloured = badges[: view.BADGE_COLOURS]
    assert len(set(coloured)) == view.BADGE_COLOURS
    assert badges[view.BADGE_COLOURS :] == [view.PLAIN_BADGE] * 3
    assert palette.badge("outlet 0") == badges[0]  # the same outlet, the same colour


def _clashing_names() -> tuple[str, str]:
    """Two outlet names whose usual (hashed) colours are the same."""
    seen: dict[str, str] = {}
    for i in range(100):
        name = f"Outlet {i}"
        clash = seen.setdefault(view.badge_class(name), name)
        if clash != name:
            return clash, name
    raise AssertionError("no clash among 100 names")


def test_story_view_gives_each_outlet_its_own_badge() -> None:
    first, second = _clashing_names()
    story = [_a("a", first), _a("b", second), _a("c", second)]
    b = _build({}, story)
    badges = [o.badge for o in b.outlets]
    assert badges[0] == view.badge_class(first)  # its usual colour where it can
    assert badges[1] != badges[0]
    assert b.articles[2].outlet.badge == badges[1]
    # A story card on the front page too.
    assert len({o.badge for o in briefing.outlets([first, second])}) == 2


@pytest.mark.parametrize(
    ("start", "end", "precision", "shown"),
    [
        ("2026-10-14", None, "day", "14 Oct 2026"),
        ("2026-10-05", "2026-10-11", "day", "5–11 Oct 2026"),
        ("2026-09-28", "2026-10-04", "day", "28 Sep – 4 Oct 2026"),
        ("2025-12-28", "2026-01-03", "day", "28 Dec 2025 – 3 Jan 2026"),
        ("1978-01-01", None, "year", "1978"),
        ("2014-01-01", "2020-12-31", "year", "2014–2020"),
        ("2019-03-01", None, "month", "Mar 2019"),
    ],
)
def test_date_label(start: str, end: str | None, precision: str, shown: str) -> None:
    first = date.fromisoformat(start)
    assert view.date_label(first, date.fromisoformat(end) if end else None, precision) == shown


def test_timeline_shows_a_range_and_a_year_as_the_sources_give_them() -> None:
    data = {
        "timeline": [
            {
                "date": "2026-10-05",
                "end": "2026-10-11",
                "text": "Rains began last week",
                "article_ids": ["a"],
                "precision": "day",
            },
            {
                "date": "1978",
                "text": "The dam was built",
                "article_ids": ["a"],
                "precision": "year",
            },
            {"date": "2019-03", "text": "A letter was sent", "article_ids": ["a"]},
        ]
    }
    events = _build(data, [_a("a", "A")]).timeline
    assert [(e.label, e.stamp) for e in events] == [
        ("1978", "1978"),
        ("Mar 2019", "2019-03"),
        ("5–11 Oct 2026", "2026-10-05"),
    ]


def _dated(id: str, source: str, day: str) -> Article:
    return Article(
        id=id, text="t", source=source, published=datetime.fromisoformat(day + "T09:00+00:00")
    )


def test_key_quotes_one_per_named_speaker_ranked_by_outlets_and_centrality() -> None:
    story = [_dated(i, s, "2026-10-14") for i, s in [("a", "A"), ("b", "B"), ("c", "C")]]
    quotes = [
        {"speaker": "Ann Lee", "text": "one outlet", "article_ids": ["a"]},
        {"speaker": "Ann Lee", "text": "two outlets", "article_ids": ["a", "b"]},
        {"speaker": "Bo Ray", "text": "three outlets", "article_ids": ["a", "b", "c"]},
        {"speaker": "Locals", "text": "not a named speaker", "article_ids": ["a", "b", "c"]},
        {"speaker": None, "text": "nobody", "article_ids": ["a", "b", "c"]},
        {"speaker": "Cy Doe", "text": "central speaker", "article_ids": ["a"]},
    ] + [{"speaker": f"P{i}", "text": f"q{i}", "article_ids": ["a"]} for i in range(10)]
    entities = [
        {"name": "Ann Lee", "type": "PERSON", "aliases": ["Lee"], "article_ids": ["a"]},
        {"name": "Bo Ray", "type": "PERSON", "aliases": [], "article_ids": ["a"]},
        {"name": "Cy Doe", "type": "PERSON", "aliases": [], "article_ids": ["a", "b", "c"]},
    ] + [
        {"name": f"P{i}", "type": "PERSON", "aliases": [], "article_ids": ["a"]} for i in range(10)
    ]
    b = _build({"quotes": quotes, "entities": entities}, story)
    chosen = [(k.speaker, k.quote.text) for k in b.key_quotes]
    assert len(chosen) == briefing.KEY_QUOTES
    # Bo Ray: 3 outlets carried + 1 names him; Cy Doe: 1 + 3; Ann Lee: 2 + 1.
    assert chosen[:3] == [
        ("Bo Ray", "three outlets"),
        ("Cy Doe", "central speaker"),
        ("Ann Lee", "two outlets"),
    ]
    assert len({s for s, _ in chosen}) == len(chosen)
    assert not {"Locals", None} & {s for s, _ in chosen}
    assert b.n_quotes == 16  # every quote stays in the full list


def test_key_quotes_leave_reported_speech_that_needs_its_context_to_the_full_list() -> None:
    story = [_dated(i, s, "2026-10-14") for i, s in [("a", "A"), ("b", "B")]]
    quotes = [
        # Reported speech told with pronouns reads as nothing on its own.
        {
            "speaker": "Ann Lee",
            "text": "It will continue to back him",
            "article_ids": ["a", "b"],
            "direct": False,
        },
        {
            "speaker": "Ann Lee",
            "text": "The dam will be rebuilt by spring",
            "article_ids": ["a"],
            "direct": False,
        },
        {
            "speaker": "Bo Ray",
            "text": "They were expected to arrive",
            "article_ids": ["a", "b"],
            "direct": False,
        },
        # A quotation's pronouns are the speaker's own words.
        {"speaker": "Cy Doe", "text": "We saw it fall", "article_ids": ["a"], "direct": True},
    ]
    entities = [
        {"name": n, "type": "PERSON", "aliases": [], "article_ids": ["a"]}
        for n in ("Ann Lee", "Bo Ray", "Cy Doe")
    ]
    b = _build({"quotes": quotes, "entities": entities}, story)
    chosen = {(k.speaker, k.quote.text) for k in b.key_quotes}
    assert chosen == {
        ("Ann Lee", "The dam will be rebuilt by spring"),
        ("Cy Doe", "We saw it fall"),
    }
    assert b.n_quotes == 4


def test_key_events_prefer_the_storys_days_then_outlets_and_keep_date_order() -> None:
    story = [_dated("a", "A", "2026-10-14"), _dated("b", "B", "2026-10-15")]
    events = [{"date": "1978", "text": "built", "article_ids": ["a", "b"], "precision": "year"}]
    events += [
        {"date": f"2026-10-{d:02d}", "text": f"day {d}", "article_ids": ids}
        for d, ids in [(13, ["a", "b"]), (14, ["a"]), (15, ["b"]), (9, ["a"]), (1, ["a", "b"])]
    ]
    events += [{"date": "2026-10-15", "text": f"more {i}", "article_ids": ["b"]} for i in range(5)]
    b = _build({"timeline": events}, story)
    texts = [e.text for e in b.key_events]
    assert len(texts) == briefing.KEY_EVENTS
    assert "built" not in texts and "day 1" not in texts  # background, before the news
    # The most reported first, then the newest; shown in date order.
    assert texts == ["day 13", "day 14", "day 15"] + [f"more {i}" for i in range(5)]
    assert len(b.timeline) == len(events)


def test_distinctive_words_and_single_outlet_facts_name_outlets_not_ids() -> None:
    story = [_a("art-1", None), _a("art-2", "Herald")]
    story[0].url = "https://ledger.example/x"
    data = {
        "distinctive_terms": [
            {
                "source": "art-1",
                "terms": ["flood", "3.14"],
                "weights": [1.2, 0.9],
                "article_ids": ["art-1"],
            },
            {"source": "Herald", "terms": ["breach"], "weights": [2.0], "article_ids": ["art-2"]},
            {"source": "Ghost", "terms": ["x"], "article_ids": ["not-here"]},
        ],
        "unique_facts": [
            {"text": "Only the Herald says this.", "source": "Herald", "article_ids": ["art-2"]},
            {"text": "No source at all.", "article_ids": []},
        ],
    }
    b = _build(data, story)
    assert [(w.outlet.name, w.terms) for w in b.words] == [
        ("ledger.example", ["flood"]),
        ("Herald", ["breach"]),
    ]
    assert [(f.outlet.name, [x.text for x in f.facts]) for f in b.facts] == [
        ("Herald", ["Only the Herald says this."])
    ]


def test_the_first_screen_shows_at_most_five_summary_sentences_and_keeps_the_rest() -> None:
    data = {"summary": [{"text": f"Sentence {i}.", "article_ids": ["a"]} for i in range(7)]}
    b = _build(data, [_a("a", "A")])
    assert [s.text for s in b.summary] == [f"Sentence {i}." for i in range(5)]
    assert [s.text for s in b.summary_more] == ["Sentence 5.", "Sentence 6."]


def test_a_label_grouped_by_its_head_shows_its_other_wordings() -> None:
    data = {
        "framing": [
            {
                "referent": "Bashar al-Assad",
                "terms": [
                    {
                        "term": "dictator",
                        "article_ids": ["a", "b"],
                        "variants": ["Syrian dictator"],
                    },
                    {"term": "president", "article_ids": ["c"], "variants": "junk"},
                ],
            }
        ]
    }
    frame = _build(data, [_a("a", "A"), _a("b", "B"), _a("c", "C")]).framing[0]
    assert [(r.outlet.name, r.terms) for r in frame.by_outlet] == [
        ("A", ["dictator"]),
        ("B", ["dictator"]),
        ("C", ["president"]),
    ]
    assert frame.variants == {"dictator": ["Syrian dictator"]}
