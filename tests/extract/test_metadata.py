"""Page metadata from invented pages: where each field can come from, and the feed filling gaps."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from parallax.extract import extract, metadata
from parallax.model import Document, Extracted

BODY = "".join(
    f"<p>{p}</p>"
    for p in [
        "Ferry crossings between Halden and the outer islands will run twice as often from "
        "May, the regional transport board said on Monday after a year of complaints.",
        "The board will lease two electric vessels from a shipyard in Turku and retire the "
        "diesel ferry that has served the route since 1987.",
        "Island residents had collected more than four thousand signatures asking for an "
        "evening service so that commuters could return after work.",
        "The first of the leased vessels is due to arrive in April for trials in the harbour.",
    ]
)
TEXT_START = "Ferry crossings between Halden"


def page(head: str = "", body: str = BODY, html_attrs: str = "") -> str:
    return (
        f"<!doctype html><html{html_attrs}><head><meta charset='utf-8'>{head}</head><body>"
        f"<article><h1>Ferries to double on island routes</h1>{body}</article></body></html>"
    )


def read(html: str, **given: object) -> Extracted:
    return extract(Document(body=html, is_html=True, **given))  # type: ignore[arg-type]


def test_json_ld_and_head_tags() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Ferries to double on island routes",
        "author": [
            {"@type": "Person", "name": "Wren Halvorsen"},
            {"@type": "Person", "name": "Idris Pellow"},
        ],
        "datePublished": "2024-03-04T07:15:00+01:00",
        "publisher": {"@type": "Organization", "name": "Harbour Ledger"},
        "articleSection": "Transport",
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta name="twitter:image" content="https://ledger.example/img/ferry.jpg">'
    )
    result = read(page(head, html_attrs=' lang="nb-NO"'), url="https://ledger.example/a/1")
    assert result.text.startswith(TEXT_START)
    assert result.author == "Wren Halvorsen, Idris Pellow"
    assert result.published == datetime(2024, 3, 4, 6, 15, tzinfo=UTC)
    assert result.source == "Harbour Ledger"
    assert result.section == "Transport"
    assert result.image == "https://ledger.example/img/ferry.jpg"
    assert result.language == "nb"


def test_byline_in_the_page_when_the_head_names_nobody() -> None:
    body = '<p class="byline">By WREN HALVORSEN, Transport Correspondent</p>' + BODY
    result = read(page(body=body))
    assert result.author == "Wren Halvorsen"
    assert "Correspondent" not in result.text


def test_date_from_the_visible_text_when_no_tag_states_it() -> None:
    body = '<p class="date">Published 4 March 2024</p>' + BODY
    result = read(page(body=body))
    assert result.published is not None
    assert result.published.date() == datetime(2024, 3, 4).date()


def test_modified_date_when_the_page_gives_no_other() -> None:
    head = '<meta property="article:modified_time" content="2024-03-05T10:00:00Z">'
    result = read(page(head))
    assert result.published is not None
    assert result.published.date() == datetime(2024, 3, 5).date()


def test_relative_canonical_url_and_image_become_absolute() -> None:
    head = (
        '<link rel="canonical" href="/transport/ferries-double">'
        '<meta property="og:image" content="/img/ferry.jpg">'
    )
    result = read(page(head), url="https://ledger.example/amp/ferries-double?ref=feed")
    assert result.canonical_url == "https://ledger.example/transport/ferries-double"
    assert result.image == "https://ledger.example/img/ferry.jpg"


def test_language_from_other_declarations() -> None:
    xml_lang = read(page(html_attrs=' xmlns="http://www.w3.org/1999/xhtml" xml:lang="sv"'))
    assert xml_lang.language == "sv"
    locale = read(page('<meta property="og:locale" content="en_GB">'))
    assert locale.language == "en"
    header = read(page('<meta http-equiv="content-language" content="fi">'))
    assert header.language == "fi"
    assert read(page()).language is None


def test_outlet_falls_back_to_the_domain() -> None:
    named = read(page('<meta property="og:site_name" content="Harbour Ledger">'))
    assert named.source == "Harbour Ledger"
    bare = read(page(), url="https://www.ledger.example/a/1")
    assert bare.source == "ledger.example"


def test_feed_metadata_fills_what_the_page_lacks() -> None:
    when = datetime(2024, 3, 4, 5, 0, tzinfo=UTC)
    result = read(
        page(),
        url="https://ledger.example/a/1",
        title="Ferry crossings to double",
        author="Idris Pellow",
        published=when,
        source="Harbour Ledger",
    )
    assert result.title == "Ferry crossings to double"
    assert (result.author, result.published, result.source) == (
        "Idris Pellow",
        when,
        "Harbour Ledger",
    )
    assert result.canonical_url == "https://ledger.example/a/1"


def test_page_metadata_is_used_where_the_feed_is_silent() -> None:
    head = (
        '<meta name="author" content="Wren Halvorsen">'
        '<meta property="article:published_time" content="2024-03-04T07:15:00Z">'
        '<meta property="og:site_name" content="Harbour Ledger">'
    )
    result = read(page(head), author="Idris Pellow")
    assert result.author == "Idris Pellow"  # the feed's
    assert result.source == "Harbour Ledger"  # the page's
    assert result.published == datetime(2024, 3, 4, 7, 15, tzinfo=UTC)
    assert result.title == "Ferries to double on island routes"
    assert not result.text.startswith("Ferries to double")  # the headline is not body


def test_a_failing_metadata_reader_loses_neither_text_nor_feed_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Stands in for a reader tripping over hostile markup, which no page here triggers.
    def broken(*_args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(metadata.tm, "extract_title", broken)
    result = read(page(), author="Idris Pellow")
    assert TEXT_START in result.text
    assert result.author == "Idris Pellow"
    assert result.title is None


@pytest.mark.parametrize(
    ("head", "section"),
    [
        ('<meta property="article:section" content="U.S.">', "U.S."),
        ('<meta property="article:section" content="Homepage">', None),
        ('<meta property="article:section" content="ferries,islands,transport,budget">', None),
        ('<meta property="article:section" content="ledger.example">', None),
        (
            '<meta property="article:section" content="Home">'
            '<script type="application/ld+json">{"@context": "https://schema.org", '
            '"@type": "NewsArticle", "articleSection": "Transport"}</script>',
            "Transport",
        ),
    ],
)
def test_section_labels_but_not_keyword_lists_or_catch_alls(head: str, section: str | None) -> None:
    assert read(page(head)).section == section
