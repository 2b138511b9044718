"""A real SQLite store holding hand-written stories, for the web tests.

The main story follows the seed articles in PRODUCT.md: five reports on
Iran-backed militias entering Syria, one a syndicated copy of the PA wire,
disagreeing on how many fighters crossed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from parallax.model import Article, Story
from parallax.store import Store, Writer
from parallax.web import create_app
from tests.pg import Templates
from tests.stored import store_briefing_json

NOW = datetime.now(UTC)
DAY = datetime(2024, 12, 11, 9, 0, tzinfo=UTC)

SLASH_ID = "reuters/2024/12/militias"
"""An article id with slashes, as imports that use URLs for ids produce."""

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_LINK = '<a href="javascript:alert(1)">click me</a>'
XSS_CSS = (
    '<style>body{display:none}</style><p style="background:url(javascript:alert(1))">styled</p>'
)
XSS_ATTR = '" onmouseover="alert(1)" x="'
"""Breaks out of an attribute if a value were inserted unescaped."""


def _article(id: str, source: str | None, title: str, text: str, **kw: Any) -> Article:
    return Article(id=id, source=source, title=title, text=text, **kw)


SYRIA_ARTICLES = [
    _article(
        "pa-1",
        "Press Association",
        "Iran-backed fighters cross into Syria",
        "Some 200 fighters crossed the border overnight, a war monitor said.\n\n"
        "The Syrian Observatory for Human Rights said the militias entered at Bukamal.",
        url="https://pa.example/militias",
        author="PA Reporter",
        published=DAY,
        section="World",
    ),
    _article(
        "es-1",
        "Evening Standard",
        "Iran-backed fighters cross into Syria",
        "Some 200 fighters crossed the border overnight, a war monitor said.",
        url="https://standard.example/militias",
        published=DAY + timedelta(hours=1),
        duplicate_of="pa-1",
    ),
    _article(
        "guardian-1",
        "The Guardian",
        "Hundreds of Iraqi militiamen enter Syria to back Assad",
        "Hundreds of fighters entered Syria on Wednesday, according to Iraqi security sources.\n\n"
        "Abbas Araghchi said Iran would stand by Damascus.",
        url="https://guardian.example/syria",
        author="Martin Chulov",
        published=DAY + timedelta(hours=2),
        section="world",
    ),
    _article(
        "mail-1",
        "Daily Mail",
        "Militias pour into Syria as dictator clings on",
        "At least 300 fighters crossed at Bou Kamal, a Syrian army officer said.",
        url="https://mail.example/syria",
        published=DAY + timedelta(hours=3),
    ),
    _article(
        SLASH_ID,
        "Reuters",
        "Iraqi militias cross into Syria, sources say",
        "Dozens of fighters crossed into Syria, two Iraqi sources told Reuters.\n"
        "Araqchi said Iran supports the Syrian government.",
        url="https://reuters.example/world/militias",
        published=DAY + timedelta(hours=4),
    ),
]

SYRIA_BRIEFING: dict[str, Any] = {
    "summary": [
        {
            "text": "Iran-backed Iraqi militias crossed into Syria to support President Assad.",
            "article_ids": ["pa-1", "guardian-1", SLASH_ID],
        },
        {
            "text": "Outlets disagree on how many fighters crossed.",
            "article_ids": ["mail-1", SLASH_ID],
        },
    ],
    "entities": [
        {
            "name": "Abbas Araghchi",
            "type": "PERSON",
            "aliases": ["Araghchi", "Araqchi"],
            "article_ids": ["guardian-1", SLASH_ID],
        },
        {
            "name": "Bukamal",
            "type": "GPE",
            "aliases": ["Bukamal", "Bou Kamal"],
            "article_ids": ["pa-1", "mail-1"],
        },
    ],
    "quotes": [
        {
            "speaker": "Abbas Araghchi",
            "text": "Iran will stand by Damascus",
            "direct": True,
            "article_ids": ["guardian-1", SLASH_ID],
            "variants": ["Iran supports the Syrian government"],
        },
        {
            "speaker": "Syrian Observatory for Human Rights",
            "text": "the militias entered at Bukamal",
            "direct": False,
            "article_ids": ["pa-1", "es-1"],
        },
        {"speaker": None, "text": "a war monitor said", "article_ids": ["pa-1"]},
    ],
    "quantities": [
        {
            "label": "fighters crossed into Syria",
            "conflict": True,
            "mentions": [
                {
                    "article_id": SLASH_ID,
                    "text": "dozens of fighters",
                    "low": 24,
                    "high": 99,
                    "attribution": "two Iraqi sources",
                },
                {
                    "article_id": "pa-1",
                    "text": "some 200 fighters",
                    "low": 150,
                    "high": 250,
                    "attribution": "Syrian Observatory for Human Rights",
                },
                {
                    "article_id": "mail-1",
                    "text": "at least 300 fighters",
                    "low": 300,
                    "high": None,
                    "attribution": "a Syrian army officer",
                },
                {
                    "article_id": "guardian-1",
                    "text": "hundreds of fighters",
                    "low": 200,
                    "high": 999,
                    "attribution": None,
                    "update": True,
                },
            ],
        },
        {
            "label": "border crossings used",
            "conflict": False,
            "mentions": [{"article_id": "pa-1", "text": "one crossing", "low": 1, "high": 1}],
        },
        {
            "label": "people killed in the strikes",
            "conflict": False,
            "update": True,
            "mentions": [
                {"article_id": "mail-1", "text": "at least 12 killed", "low": 12, "high": None},
                {
                    "article_id": "pa-1",
                    "text": "the toll rose to 31",
                    "low": 31,
                    "high": 31,
                    "update": True,
                },
            ],
        },
    ],
    "timeline": [
        {
            # "last week" in a report of 11 December: a range, not a day.
            "date": "2024-12-02",
            "end": "2024-12-08",
            "text": "Fighters massed near Bukamal last week.",
            "article_ids": ["pa-1"],
            "estimated": False,
            "precision": "day",
        },
        {
            "date": "2024-12-11",
            "text": "Militias cross the border at Bukamal.",
            "article_ids": ["pa-1", "mail-1"],
            "estimated": False,
        },
        {
            "date": "2024-12-10",
            "text": "Fighters gather on the Iraqi side.",
            "article_ids": ["guardian-1"],
            "estimated": True,
        },
    ],
    "framing": [
        {
            "referent": "Bashar al-Assad",
            "terms": [
                {"term": "President", "article_ids": ["pa-1", "guardian-1"]},
                {"term": "dictator", "article_ids": ["mail-1"]},
            ],
        }
    ],
    "distinctive_terms": [
        {
            "source": "Daily Mail",
            "terms": ["clings on", "pour into"],
            "weights": [2.5, 1.9],
            "article_ids": ["mail-1"],
        },
        # An outlet keyed by an article id, as the briefing stage writes for an
        # article without a source: the page names the outlet, not the id.
        {
            "source": "guardian-1",
            "terms": ["militiamen", "0.75"],
            "weights": [1.4, 0.75],
            "article_ids": ["guardian-1"],
        },
    ],
    "unique_facts": [
        {
            "text": "Two Iraqi sources spoke to the agency.",
            "source": "Reuters",
            "article_ids": [SLASH_ID],
        }
    ],
}

EMPTY_BRIEFING: dict[str, Any] = {
    "summary": [],
    "entities": [],
    "quotes": [],
    "quantities": [],
    "timeline": [],
    "framing": [],
}

HOSTILE_BRIEFING: dict[str, Any] = {
    "summary": [
        {"text": f"Hostile {XSS_IMG} summary {XSS_LINK} {XSS_ATTR}.", "article_ids": ["evil-1"]}
    ],
    "entities": [{"name": XSS_SCRIPT, "type": "ORG", "aliases": [XSS_IMG], "article_ids": []}],
    "quotes": [{"speaker": XSS_SCRIPT, "text": XSS_IMG, "article_ids": ["evil-1"]}],
    "quantities": [
        {
            "label": XSS_SCRIPT,
            "conflict": True,
            "mentions": [
                {"article_id": "evil-1", "text": XSS_IMG, "attribution": XSS_SCRIPT},
                {"article_id": "evil-1", "text": "2", "attribution": None},
            ],
        }
    ],
    "timeline": [{"date": "not a date", "text": XSS_SCRIPT, "article_ids": ["evil-1"]}],
    "framing": [{"referent": XSS_IMG, "terms": [{"term": XSS_SCRIPT, "article_ids": ["evil-1"]}]}],
    "notes": {"html": XSS_SCRIPT, "nested": [XSS_IMG, {"deeper": XSS_SCRIPT}]},
    # Junk a buggy briefing stage might write: must not break the page.
    "broken": [None, 3, "text"],
}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_story(
    store: Store,
    story_id: str,
    title: str,
    articles: list[Article],
    briefing: dict[str, Any] | None,
    updated: datetime,
) -> None:
    story = Story(id=story_id, title=title, created=updated, updated=updated)
    dates = [a.published for a in articles if a.published]
    # save_story's date parameters are still settling (first_/last_published);
    # pass whichever this version takes, by name.
    params = inspect.signature(Writer.save_story).parameters
    published = {
        name: value
        for name, value in (
            ("first_published", min(dates, default=None)),
            ("last_published", max(dates, default=None)),
        )
        if name in params
    }
    with store.writer() as w:
        w.save_story(story, b"", [], **published)
        for article in articles:
            article.story_id = story_id
            w.add_article(article, _hash(article.id + article.text))
        # Saved again so that its article and outlet counts include the articles.
        w.save_story(story, b"", [], **published)
    if briefing is not None:
        # As stored, junk and all: the pages must survive whatever a version wrote.
        store_briefing_json(store, story_id, title, briefing)


def build_store(path: Path | str) -> Store:
    """The stories above in a new store at ``path`` (a SQLite file or a database URL)."""
    store = Store.open(str(path))
    add_story(
        store,
        "s1syria",
        "Iran-backed militias enter Syria",
        [dataclasses.replace(a) for a in SYRIA_ARTICLES],
        SYRIA_BRIEFING,
        NOW - timedelta(hours=3),
    )
    add_story(
        store,
        "s2pending",
        "Storm closes ports",
        [
            _article(
                "bbc-1", "BBC", "Storm closes ports", "Ports closed on Monday.", section="UK news"
            )
        ],
        None,
        NOW - timedelta(hours=5),
    )
    add_story(
        store,
        "s3empty",
        "Quiet story with an empty briefing",
        [_article("ap-1", None, "A quiet report", "Nothing much.", url="https://ap.example/q")],
        EMPTY_BRIEFING,
        NOW - timedelta(days=2),
    )
    add_story(
        store,
        "s4hostile",
        f"Hostile {XSS_SCRIPT} story",
        [
            _article(
                "evil-1",
                XSS_IMG,
                f"Evil {XSS_SCRIPT} title {XSS_ATTR}",
                f"Body {XSS_SCRIPT} and {XSS_IMG}\n\n{XSS_LINK} {XSS_CSS}\n\nSecond paragraph.",
                url="javascript:alert(1)",
                author=XSS_IMG,
                section=XSS_CSS,
            ),
            _article(
                "evil-2",
                "Data Outlet",
                f"Data URL {XSS_LINK}",
                f"text {XSS_CSS}",
                url="data:text/html,<script>alert(1)</script>",
                duplicate_of="evil-1",
            ),
        ],
        HOSTILE_BRIEFING,
        NOW - timedelta(days=10),
    )
    feed, _ = store.add_feed("https://pa.example/rss", "PA wire")
    store.update_feed(feed.id, last_success=NOW - timedelta(hours=1), items_seen=42, error_count=0)
    broken, _ = store.add_feed("https://broken.example/feed.xml")
    store.update_feed(broken.id, last_error="HTTP 404 since 3 days", error_count=3)
    store.record_error("https://broken.example/feed.xml", "HTTP 404 Not Found", broken.id)
    return store


@pytest.fixture()
def web_store(db_url: str, db_templates: Templates) -> Iterator[Store]:
    s = db_templates.open(db_url, build_store)  # on SQLite, a copy of the stories written once
    yield s
    s.close()


@pytest.fixture()
def client(web_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(web_store)) as c:
        yield c
