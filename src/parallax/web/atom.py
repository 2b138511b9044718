"""Atom feeds out: a story as it grows, an entity, a topic, and For you.

Feed readers cannot sign in, so on a server with accounts they send an API
token, as ``Authorization: Bearer`` or in the address as ``?token=`` (see
``auth``).  For you is personal and always needs one outside the single-user
modes; the feeds' own links never carry it.

Titles and texts lose any markup they carry (``view.plain``, as on the pages),
and entry texts are then escaped into HTML summaries, so article wording
reaches a feed reader as text, inert.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote_plus

import feedgenerator
from fastapi import APIRouter, HTTPException, Request, Response

from parallax.store import StoryRow
from parallax.store.accounts import Kind
from parallax.store.protocols import Accounts, Reading
from parallax.web import interests, view
from parallax.web.auth import require_user

MEDIA_TYPE = "application/atom+xml; charset=utf-8"
ENTRY_CHARS = 600
FEED_SIZE = 50
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry; scraped text sometimes has them."""


def router(store: Reading, accounts: Accounts) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/feeds/story/{story_id}.atom")
    def story_feed(request: Request, story_id: str) -> Response:
        row = store.story(story_id)
        if row is None:
            raise HTTPException(404, "We have no story at this address.")
        base = _base(request)
        page = base + view.story_href(row.id)
        feed = _feed(request, f"{row.title} — Parallax", page, f"urn:parallax:story:{row.id}")
        briefing = _summary(row)
        articles = store.story_articles(row.id)
        outlets = list(dict.fromkeys(view.outlet_name(a.source, a.url) for a in articles))
        # One entry for the briefing, re-dated whenever the story changes, and
        # one per report as it joins: a reader sees the story grow.
        _entry(
            feed,
            title=f"Briefing: {row.title}",
            link=page,
            description=_html(
                briefing or "The briefing for this story has not been written yet.",
                f"{len(articles)} reports from {', '.join(outlets) or 'no outlet'}.",
            ),
            unique_id=f"urn:parallax:story:{row.id}:briefing",
            pubdate=row.created,
            updateddate=row.updated,
        )
        for article in reversed(articles):
            when = article.published or article.added or row.created
            outlet = view.outlet_name(article.source, article.url)
            _entry(
                feed,
                title=f"{outlet}: {article.title or 'Untitled article'}",
                link=base + view.article_href(article.id),
                description=_html(_shorten(article.text)),
                unique_id=f"urn:parallax:article:{article.id}",
                author_name=article.author or outlet,
                pubdate=when,
                updateddate=when,
            )
        return _response(feed)

    @r.get("/feeds/thread/{thread_id}.atom")
    def thread_feed(request: Request, thread_id: str) -> Response:
        # A thread's id is its first story's id; a merged story's alias leads there too.
        first = store.story(thread_id)
        events = store.thread(first.thread_id or first.id) if first else []
        if not events:
            raise HTTPException(404, "We have no thread at this address.")
        base = _base(request)
        feed = _feed(
            request,
            f"Thread: {events[0].title} — Parallax",
            base + view.story_href(events[-1].id),
            f"urn:parallax:thread:{events[0].thread_id}",
        )
        # Newest event first, as a reader of the running subject wants it.
        _add_stories(feed, base, list(reversed(events)))
        return _response(feed)

    @r.get("/feeds/entity/{key:path}.atom")
    def entity_feed(request: Request, key: str) -> Response:
        return _interest_feed(request, "entity", key)

    @r.get("/feeds/topic/{key:path}.atom")
    def topic_feed(request: Request, key: str) -> Response:
        return _interest_feed(request, "topic", key)

    def _interest_feed(request: Request, kind: Kind, key: str) -> Response:
        wanted = interests.interest(kind, key)
        if wanted is None:
            raise HTTPException(404, f"Name an {kind} to get its feed.")
        rows, label = interests.matching(store, accounts, wanted, limit=FEED_SIZE)
        base = _base(request)
        feed = _feed(
            request,
            f"{label} — Parallax",
            base + "/search?q=" + quote_plus(label),
            f"urn:parallax:{kind}:{wanted.key}",
        )
        _add_stories(feed, base, rows)
        return _response(feed)

    @r.get("/feeds/for-you.atom")
    def for_you_feed(request: Request) -> Response:
        user = require_user(request)
        picks = interests.for_you(store, accounts, user, limit=FEED_SIZE)
        base = _base(request)
        # The feed id names no one: it appears in feed readers and their logs.
        feed = _feed(request, "For you — Parallax", base + "/for-you", "urn:parallax:for-you")
        _add_stories(feed, base, [p.row for p in picks])
        return _response(feed)

    return r


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _feed(request: Request, title: str, link: str, guid: str) -> Any:
    return feedgenerator.Atom1Feed(
        title=_clean(view.plain(title)),
        link=link,
        description="",
        language="en",
        author_name="Parallax",
        # The feed's own address without its query, so a ?token= never shows.
        feed_url=_base(request) + request.url.path,
        feed_guid=guid,
    )


def _entry(feed: Any, **fields: Any) -> None:
    for name in ("title", "author_name"):
        if isinstance(fields.get(name), str):
            fields[name] = view.plain(fields[name])
    feed.add_item(**{k: _clean(v) if isinstance(v, str) else v for k, v in fields.items()})


def _clean(text: str) -> str:
    return CONTROL.sub("", text)


def _add_stories(feed: Any, base: str, rows: list[StoryRow]) -> None:
    for row in rows:
        summary = _summary(row)
        _entry(
            feed,
            title=row.title,
            link=base + view.story_href(row.id),
            description=_html(
                summary or "The briefing for this story has not been written yet.",
                f"{row.n_articles} articles from {row.n_sources} outlets.",
            ),
            unique_id=f"urn:parallax:story:{row.id}",
            pubdate=row.created,
            updateddate=row.updated,
        )


def _summary(row: StoryRow) -> str:
    """The briefing's summary as one paragraph; empty before it is written."""
    return " ".join(s.text for s in row.briefing.summary) if row.briefing else ""


def _response(feed: Any) -> Response:
    # The feed's <updated> is its latest entry's, or now when it has none.
    return Response(feed.writeString("utf-8"), media_type=MEDIA_TYPE)


def _html(*paragraphs: str) -> str:
    """Plain text as escaped HTML paragraphs (Atom's ``type="html"`` summary)."""
    return "".join(f"<p>{html.escape(view.plain(p))}</p>" for p in paragraphs if p)


def _shorten(text: str) -> str:
    first = text.strip().split("\n\n", 1)[0]
    return view.first_sentence(first, limit=ENTRY_CHARS) if len(first) > ENTRY_CHARS else first
