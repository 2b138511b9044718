"""Atom feeds out: valid XML (feedparser and ElementTree agree), the right
entries, a story's feed growing with it, and tokens for the private feeds."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import feedparser
from fastapi.testclient import TestClient

from parallax.model import Article, Story
from parallax.store import Store
from parallax.store.accounts import Interest, User
from parallax.store.protocols import Accounts

from .conftest import SLASH_ID, add_story
from .test_accounts import accounts, alice, bob, browser  # noqa: F401

ATOM = "{http://www.w3.org/2005/Atom}"


def parsed(response: Any) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    ET.fromstring(response.content)  # well-formed XML, or this raises
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_story_feed_has_the_briefing_and_every_report(client: TestClient) -> None:
    feed = parsed(client.get("/feeds/story/s1syria.atom"))
    assert feed.feed.title == "Iran-backed militias enter Syria — Parallax"
    assert feed.feed.link == "http://testserver/stories/s1syria"
    assert feed.version == "atom10"
    briefing, *reports = feed.entries
    assert briefing.title == "Briefing: Iran-backed militias enter Syria"
    assert "Iran-backed Iraqi militias crossed into Syria" in briefing.summary
    assert "5 reports from Press Association, Evening Standard" in briefing.summary
    assert len(reports) == 5
    assert {e.link for e in reports} >= {
        "http://testserver/articles/pa-1",
        "http://testserver/articles/" + quote(SLASH_ID, safe=""),
    }
    assert all(e.updated_parsed for e in feed.entries)
    assert len({e.id for e in feed.entries}) == 6
    newest_first = [e.updated_parsed for e in reports]
    assert newest_first == sorted(newest_first, reverse=True)
    assert reports[0].title == "Reuters: Iraqi militias cross into Syria, sources say"
    assert any(e.get("author") == "Martin Chulov" for e in reports)


def test_story_feed_grows_with_the_story(client: TestClient, web_store: Store) -> None:
    before = parsed(client.get("/feeds/story/s1syria.atom"))
    briefing_updated = before.entries[0].updated_parsed
    later = datetime.now(UTC) + timedelta(hours=1)
    article = Article(
        id="late-1",
        source="Harbour Gazette",
        title="Fighters seen near the river",
        text="Witnesses saw more fighters near the river.",
        published=later,
        story_id="s1syria",
    )
    with web_store.writer() as w:
        w.add_article(article, hashlib.sha256(b"late-1").hexdigest())
        story = Story(id="s1syria", title="Iran-backed militias enter Syria", updated=later)
        w.save_story(story, b"", [], None, later)
    after = parsed(client.get("/feeds/story/s1syria.atom"))
    assert len(after.entries) == len(before.entries) + 1
    assert after.entries[1].title == "Harbour Gazette: Fighters seen near the river"
    assert after.entries[0].id == before.entries[0].id  # the briefing entry, re-dated
    assert after.entries[0].updated_parsed > briefing_updated


def test_unknown_story_feed_is_404(client: TestClient) -> None:
    assert client.get("/feeds/story/nope.atom").status_code == 404


def test_entity_feed_by_name_or_alias(client: TestClient) -> None:
    for name in ["Abbas Araghchi", "araqchi"]:
        feed = parsed(client.get(f"/feeds/entity/{name}.atom"))
        assert feed.feed.title == "Abbas Araghchi — Parallax"  # the briefing's spelling
        assert [e.link for e in feed.entries] == ["http://testserver/stories/s1syria"]
        assert "Iran-backed Iraqi militias" in feed.entries[0].summary
    empty = parsed(client.get("/feeds/entity/Nobody Known.atom"))
    assert empty.entries == [] and empty.feed.updated_parsed


def test_topic_feed(client: TestClient) -> None:
    feed = parsed(client.get("/feeds/topic/ports.atom"))
    assert [e.title for e in feed.entries] == ["Storm closes ports"]
    assert "not been written yet" in feed.entries[0].summary
    assert parsed(client.get("/feeds/topic/volcano.atom")).entries == []


def test_for_you_feed_in_single_reader_mode(client: TestClient, web_store: Store) -> None:
    people = web_store.accounts
    people.follow(people.local_user(), Interest("outlet", "bbc", "BBC"))
    feed = parsed(client.get("/feeds/for-you.atom"))
    assert [e.title for e in feed.entries] == ["Storm closes ports"]


def test_private_feeds_need_the_owners_token(
    web_store: Store,
    accounts: Accounts,  # noqa: F811
    alice: User,  # noqa: F811
    bob: User,  # noqa: F811
) -> None:
    accounts.follow(alice, Interest("outlet", "reuters", "Reuters"))
    accounts.follow(bob, Interest("outlet", "bbc", "BBC"))
    alice_record, alice_token = accounts.create_token(alice, "reader")
    _, bob_token = accounts.create_token(bob, "reader")
    reader = browser(web_store)  # a feed reader: no cookies, no sign-in
    for path in ["/feeds/for-you.atom", "/feeds/story/s1syria.atom", "/feeds/topic/ports.atom"]:
        refused = reader.get(path)
        assert refused.status_code == 401, path
        assert "Iran-backed" not in refused.text
        assert reader.get(path, params={"token": "pxt_forged"}).status_code == 401

    mine = parsed(reader.get("/feeds/for-you.atom", params={"token": alice_token}))
    assert [e.title for e in mine.entries] == ["Iran-backed militias enter Syria"]
    theirs = parsed(
        reader.get("/feeds/for-you.atom", headers={"Authorization": f"Bearer {bob_token}"})
    )
    assert [e.title for e in theirs.entries] == ["Storm closes ports"]
    # The feed's own links never carry the token, and its id names no one.
    raw = reader.get("/feeds/for-you.atom", params={"token": alice_token}).text
    assert alice_token not in raw and "alice" not in raw
    assert parsed(reader.get("/feeds/story/s1syria.atom", params={"token": bob_token})).entries

    accounts.revoke_token(alice_record.id)
    assert reader.get("/feeds/for-you.atom", params={"token": alice_token}).status_code == 401


def test_feeds_carry_hostile_text_inert(client: TestClient, web_store: Store) -> None:
    add_story(
        web_store,
        "s5angle",
        "Angle brackets",
        [Article(id="angle-1", source="Maths Weekly", title="x < y", text="Use &lt;b&gt; tags.")],
        None,
        datetime.now(UTC),
    )
    with web_store.writer() as w:
        w.add_article(
            Article(
                id="ctl-1",
                source="Noisy\x0bWire",
                title="Control\x00 characters\x1f here",
                text="Scraped text with a vertical tab\x0b and a form feed\x0c.",
                story_id="s4hostile",
            ),
            hashlib.sha256(b"ctl-1").hexdigest(),
        )
    response = client.get("/feeds/story/s4hostile.atom")
    feed = parsed(response)
    assert any(e.title == "NoisyWire: Control characters here" for e in feed.entries)
    root = ET.fromstring(response.content)
    assert root.find(f".//{ATOM}script") is None
    summaries = [s.text or "" for s in root.iter(f"{ATOM}summary")]
    body = next(s for s in summaries if "Body" in s)
    # Markup in the article is dropped as on the pages; what is left is escaped text.
    assert body.startswith("<p>Body ") and "Second paragraph" not in body
    assert "script" not in body and "onerror" not in body and "<img" not in body
    titles = [t.text or "" for t in root.iter(f"{ATOM}title")]
    assert "Hostile  story — Parallax" in titles
    assert not any("<script" in t or "<img" in t for t in titles)
    # Text that only looks like markup is escaped, not dropped.
    assert "&lt;b&gt;" in parsed(client.get("/feeds/story/s5angle.atom")).entries[1].summary
    for entry in feed.entries:
        assert not entry.link.startswith(("javascript:", "data:"))
