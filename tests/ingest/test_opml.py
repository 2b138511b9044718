"""OPML subscription lists: folders, duplicates, broken files, and a round trip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parallax.ingest.opml import OpmlError, Outline, read_opml, write_opml

READER_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>My subscriptions</title></head><body>
  <outline text="World" title="World">
    <outline type="rss" text="Harbour Post" xmlUrl="https://n.test/rss" htmlUrl="https://n.test/"/>
    <outline type="rss" text="Daily &amp; Nightly" xmlUrl="https://dn.test/atom.xml"/>
  </outline>
  <outline type="rss" title="Harbour Post again" xmlUrl="https://n.test/rss"/>
  <outline text="A folder with no feeds"/>
</body></opml>"""


def test_feeds_in_folders_are_read_once_each() -> None:
    assert read_opml(READER_EXPORT) == [
        Outline("https://n.test/rss", "Harbour Post"),
        Outline("https://dn.test/atom.xml", "Daily & Nightly"),
    ]


def test_export_then_import_gives_the_same_list() -> None:
    feeds = [Outline("https://a.test/feed?x=1&y=2", "A <wire>"), Outline("https://b.test/rss")]
    text = write_opml(feeds, created=datetime(2026, 10, 14, tzinfo=UTC))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    again = read_opml(text.encode())
    assert again == [feeds[0], Outline("https://b.test/rss", "https://b.test/rss")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<opml><body><outline", "not valid XML"),
        (b"<rss version='2.0'></rss>", "not OPML"),
        (
            b'<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml>&x;</opml>',
            "refused XML",
        ),
    ],
)
def test_broken_files_say_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        read_opml(data)
