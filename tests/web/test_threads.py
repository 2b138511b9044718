"""Threads: a story page, its JSON and an Atom feed link the events of one running subject."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from parallax.model import Story
from parallax.store import Store
from parallax.web.app import create_app
from tests.web.conftest import NOW, _article, build_store

ATOM = "{http://www.w3.org/2005/Atom}"


def _event(store: Store, story_id: str, title: str, thread: str, days_ago: int) -> None:
    when = NOW - timedelta(days=days_ago)
    article = _article(f"{story_id}-a", "Wire", title, f"{title}. More on it.", published=when)
    article.story_id = story_id
    story = Story(id=story_id, title=title, created=when, updated=when)
    with store.writer() as w:
        w.add_article(article, story_id)
        w.save_story(story, b"", [], when, when, thread_id=thread)


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = build_store(tmp_path / "t.db")
    _event(store, "sthread1", "House votes to create Jan. 6 committee", "sthread1", 3)
    _event(store, "sthread2", "Pelosi names Jan. 6 committee members", "sthread1", 1)
    with TestClient(create_app(store)) as c:
        yield c
    store.close()


def test_a_story_page_lists_the_other_events_of_its_thread(client: TestClient) -> None:
    page = client.get("/stories/sthread2")
    assert page.status_code == 200
    assert "In this thread" in page.text
    assert 'href="/stories/sthread1"' in page.text
    assert "House votes to create Jan. 6 committee" in page.text
    assert 'href="/feeds/thread/sthread1.atom"' in page.text


def test_a_story_alone_in_its_thread_shows_no_thread(client: TestClient) -> None:
    page = client.get("/stories/s2pending")
    assert page.status_code == 200
    assert "In this thread" not in page.text


def test_the_story_json_names_its_thread_and_events(client: TestClient) -> None:
    document = client.get("/api/stories/sthread1").json()
    assert document["thread"]["id"] == "sthread1"
    assert [s["id"] for s in document["thread"]["stories"]] == ["sthread1", "sthread2"]
    alone = client.get("/api/stories/s2pending").json()
    assert alone["thread"] == {
        "id": "s2pending",
        "stories": [{"id": "s2pending", "title": "Storm closes ports", "last_published": None}],
    }


def test_a_thread_has_an_atom_feed_newest_event_first(client: TestClient) -> None:
    # Reached by its first story's id, or by any later event's.
    for address in ("/feeds/thread/sthread1.atom", "/feeds/thread/sthread2.atom"):
        response = client.get(address)
        assert response.status_code == 200
        titles = [
            e.findtext(f"{ATOM}title")
            for e in ElementTree.fromstring(response.content).iter(f"{ATOM}entry")
        ]
        assert titles[:2] == [
            "Pelosi names Jan. 6 committee members",
            "House votes to create Jan. 6 committee",
        ]
    assert client.get("/feeds/thread/nosuch.atom").status_code == 404


def _cards(html: str) -> list[str]:
    """The story ids of the front page's cards, in order (folded events excluded)."""
    import re

    return re.findall(r'<h2 id="story-([^"]+)" class="story-card-title">', html)


def test_the_front_page_folds_a_threads_events_under_one_card(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    shown = _cards(page.text)
    # One card for the thread, the newer event (it ranks higher), and the
    # other event listed under it rather than as a card of its own.
    assert "sthread2" in shown and "sthread1" not in shown
    assert "1 more event in this thread" in page.text
    assert 'href="/stories/sthread1"' in page.text
    # Other stories keep their cards.
    assert "s2pending" in shown


def test_the_api_lists_every_event_unfolded(client: TestClient) -> None:
    ids = [s["id"] for s in client.get("/api/stories").json()["stories"]]
    assert "sthread1" in ids and "sthread2" in ids
