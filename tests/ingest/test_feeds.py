from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from parallax.ingest.feeds import FeedError, parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>The Gazette</title>
<item><title>Flood</title><link>https://g.test/flood</link><guid>g-1</guid>
<pubDate>Tue, 13 Oct 2026 21:40:00 +0000</pubDate><description>Water rose.</description></item>
<item><title>No link, no date</title><description>Only text.</description></item>
<item><description>Nothing to identify it</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Herald</title><entry><id>tag:h,2026:1</id><title>Rates held</title>
<link href="https://h.test/rates"/><updated>2026-10-14T08:00:00Z</updated></entry></feed>"""


def test_rss_entries_with_and_without_links() -> None:
    feed = parse_feed(RSS)
    assert feed.title == "The Gazette"
    first, second = feed.entries  # the item with no link, guid or title is dropped
    assert first.guid == "g-1" and first.link == "https://g.test/flood"
    assert first.published == datetime(2026, 10, 13, 21, 40, tzinfo=UTC)
    assert second.link is None and second.published is None and second.content == "Only text."


def test_atom_and_json_feed() -> None:
    assert parse_feed(ATOM).entries[0].link == "https://h.test/rates"
    jf = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [{"id": "1", "url": "https://j.test/1", "content_html": "<p>x</p>"}],
    }
    entry = parse_feed(json.dumps(jf).encode()).entries[0]
    assert entry.link == "https://j.test/1"


def test_the_first_category_of_an_entry_is_its_section() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>C</title>
<item><guid>1</guid><link>https://c.test/1</link><category> </category>
<category>  Local\n News </category><category>Weather</category></item>
<item><guid>2</guid><link>https://c.test/2</link></item></channel></rss>"""
    assert [e.section for e in parse_feed(rss).entries] == ["Local News", None]
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><id>a1</id><link href="https://a.test/1"/><category term="sci" label="Science"/></entry>
<entry><id>a2</id><link href="https://a.test/2"/><category term="arts"/></entry></feed>"""
    assert [e.section for e in parse_feed(atom).entries] == ["Science", "arts"]
    jf = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": "1", "url": "https://j.test/1", "tags": ["", "Markets", "Oil"]},
            {"id": "2", "url": "https://j.test/2", "tags": "not a list"},
        ],
    }
    assert [e.section for e in parse_feed(json.dumps(jf).encode()).entries] == ["Markets", None]


def test_an_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match="HTML page"):
        parse_feed(b"<!DOCTYPE html><html><body>Welcome</body></html>")


@pytest.mark.parametrize("body", [b"", b"\x00\x01garbage", b"<rss><channel><item>"])
def test_broken_feeds_are_errors_or_empty(body: bytes) -> None:
    try:
        feed = parse_feed(body)
    except FeedError as exc:
        assert str(exc)
    else:
        assert feed.entries == []


# --- every feed format -----------------------------------------------------------

RSS_091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Old Wire</title>
<item><title>Harbour reopens</title><link>https://old.test/harbour</link>
<description>Ships moved again.</description></item></channel></rss>"""

RSS_10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.test/"><title>RDF Times</title></channel>
<item rdf:about="https://rdf.test/a"><title>Vote counted</title><link>https://rdf.test/a</link>
<dc:date>2026-10-12T07:00:00Z</dc:date></item></rdf:RDF>"""


@pytest.mark.parametrize(
    ("body", "title", "link"),
    [
        (RSS_091, "Old Wire", "https://old.test/harbour"),
        (RSS_10, "RDF Times", "https://rdf.test/a"),
        (RSS, "The Gazette", "https://g.test/flood"),
        (ATOM, "Herald", "https://h.test/rates"),
    ],
)
def test_rss_09x_10_20_and_atom(body: bytes, title: str, link: str) -> None:
    feed = parse_feed(body)
    assert feed.title == title and feed.kind == "feed"
    assert feed.entries[0].link == link


# --- bad feeds -------------------------------------------------------------------


def test_malformed_xml_with_items_keeps_what_it_can() -> None:
    broken = RSS.replace(b"</channel></rss>", b"<item><title>cut off")
    feed = parse_feed(broken)
    assert [e.guid for e in feed.entries][:1] == ["g-1"]


def test_malformed_xml_without_items_says_so() -> None:
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b"<?xml version='1.0'?><notafeed><<<>")


def test_an_empty_response_says_so() -> None:
    with pytest.raises(FeedError, match="the response is empty"):
        parse_feed(b"  \n ")


def test_an_empty_feed_has_no_entries() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    assert feed.title == "Quiet" and feed.entries == []


def test_duplicate_guids_are_kept_once() -> None:
    item = "<item><guid>{}</guid><title>{}</title><link>https://d.test/{}</link></item>"
    items = item.format("same", "first", 1) + item.format("same", "second", 2)
    items += item.format("other", "third", 3)
    body = f'<rss version="2.0"><channel><title>D</title>{items}</channel></rss>'
    feed = parse_feed(body.encode())
    assert [(e.guid, e.title) for e in feed.entries] == [("same", "first"), ("other", "third")]


def test_dates_in_the_future_are_dropped_but_clock_skew_is_not() -> None:
    now = datetime(2026, 10, 14, 12, 0, tzinfo=UTC)
    item = "<item><guid>{g}</guid><link>https://f.test/{g}</link><pubDate>{d}</pubDate></item>"
    body = '<rss version="2.0"><channel><title>F</title>{}{}</channel></rss>'.format(
        item.format(g="far", d="Sat, 14 Oct 2028 12:00:00 +0000"),
        item.format(g="near", d="Wed, 14 Oct 2026 15:00:00 +0000"),
    )
    entries = {e.guid: e for e in parse_feed(body.encode(), now=now).entries}
    assert entries["far"].published is None
    assert entries["near"].published == datetime(2026, 10, 14, 15, 0, tzinfo=UTC)


def test_a_feed_whose_header_lies_about_its_charset() -> None:
    title = "Grève à Marseille: 12 % de hausse réclamée"
    body = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>C</title>'
    body += f"<item><guid>1</guid><title>{title}</title></item></channel></rss>"
    feed = parse_feed(body.encode("utf-8"), "application/rss+xml; charset=iso-8859-1")
    assert feed.entries[0].title == title
    latin = body.replace("utf-8", "iso-8859-1").encode("latin-1")
    assert parse_feed(latin, "text/xml; charset=utf-8").entries[0].title == title


# --- sitemaps --------------------------------------------------------------------

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://n.test/2026/10/port-strike</loc>
  <news:news><news:publication><news:name>Harbour Post</news:name>
   <news:language>en</news:language></news:publication>
   <news:publication_date>2026-10-13T09:30:00+02:00</news:publication_date>
   <news:title>Port strike enters third day</news:title></news:news></url>
 <url><loc>https://n.test/2026/10/budget</loc><lastmod>2026-10-12</lastmod></url>
</urlset>"""


def test_a_google_news_sitemap_reads_as_entries() -> None:
    feed = parse_feed(NEWS_SITEMAP)
    assert feed.kind == "sitemap" and feed.title == "Harbour Post"
    strike, budget = feed.entries
    assert strike.link == strike.guid == "https://n.test/2026/10/port-strike"
    assert strike.title == "Port strike enters third day"
    assert strike.published == datetime(2026, 10, 13, 7, 30, tzinfo=UTC)
    assert budget.title is None and budget.published == datetime(2026, 10, 12, tzinfo=UTC)


def test_a_sitemap_index_lists_its_sitemaps() -> None:
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://n.test/sitemap-1.xml</loc><lastmod>2026-10-13</lastmod></sitemap>
    <sitemap><loc>https://n.test/sitemap-2.xml</loc></sitemap></sitemapindex>"""
    feed = parse_feed(body)
    assert feed.entries == [] and feed.kind == "sitemap"
    assert [url for url, _ in feed.sitemaps] == [
        "https://n.test/sitemap-1.xml",
        "https://n.test/sitemap-2.xml",
    ]


def test_a_gzipped_sitemap_is_read_and_a_gzip_bomb_is_not() -> None:
    import gzip

    assert len(parse_feed(gzip.compress(NEWS_SITEMAP)).entries) == 2
    bomb = gzip.compress(b"<urlset>" + b" " * 60 * 1024 * 1024)
    with pytest.raises(FeedError, match="unpacks to more than"):
        parse_feed(bomb)


def test_xml_entity_bombs_are_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><urlset><url><loc>&b;</loc></url></urlset>"""
    with pytest.raises(FeedError, match="refused sitemap XML"):
        parse_feed(bomb)


def test_json_feed_fields_of_the_wrong_type_cost_only_themselves() -> None:
    # F2: "url": ["x"] reached the poller as a list and failed the whole feed.
    jf = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": ["not a string"],
        "items": [
            {"id": "a", "url": ["x"], "title": {"t": 1}, "content_html": 7, "authors": "me"},
            {"id": 12, "url": "https://j.test/12", "date_published": ["2026-01-01"]},
            {"id": ["no"], "url": None},
            {"id": "c", "url": "https://j.test/c", "authors": [{"name": ["x"]}, {"name": "Ann"}]},
        ],
    }
    feed = parse_feed(json.dumps(jf).encode())
    assert feed.title is None
    first, second, third = feed.entries
    assert (first.guid, first.link, first.title, first.content, first.author) == (
        "a",
        None,
        None,
        None,
        None,
    )
    assert (second.guid, second.link, second.published) == ("12", "https://j.test/12", None)
    assert (third.guid, third.author) == ("c", "Ann")


def test_a_feed_item_dated_year_one_is_undated_not_an_error() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><id>a1</id><link href="https://a.test/1"/><updated>0001-01-01T00:00:00+14:00</updated>
</entry></feed>"""
    (entry,) = parse_feed(atom).entries
    assert entry.guid == "a1"


def test_a_namespace_that_breaks_the_feed_parser_is_not_a_feed() -> None:
    # Found by bench/fuzz.py: feedparser raised ValueError from its namespace handling.
    with pytest.raises(FeedError, match="cannot be parsed"):
        parse_feed(b'<d xmlns="h\xff$\xffa">')
