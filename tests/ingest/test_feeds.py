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
