"""The reader's HTML pages: front page, story briefing, article, search, and the
entity, outlet and topic pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from parallax.engine import Engine
from parallax.extract.dates import EARLIEST_YEAR, LATEST_YEAR
from parallax.model import Article
from parallax.store import StoryRow
from parallax.store.protocols import Reading
from parallax.web import briefing, queries, view
from parallax.web.queries import BadCursor, Filters, Topic
from parallax.web.templates import Templates

PAGE_SIZE = 20
SEARCH_PAGE = 30
FILTER_CHOICES = 60
"""Topics and outlets offered in the front page's filter menus (the largest)."""
STORY_EVERY = 60.0
"""Seconds a story's rendered briefing is kept before it is renewed (in the
background).  Renewing every story page each RANK_EVERY seconds made bursts
of re-rendering that slowed the requests around them."""

Text = Annotated[str | None, Query(max_length=500)]


@dataclass(frozen=True, slots=True)
class Listing:
    """A page of story cards with its "more" link, rendered once for every reader."""

    html: Markup
    empty: bool


@dataclass(frozen=True, slots=True)
class Briefed:
    """A story page's shared part: its view model and its briefing as HTML."""

    row: StoryRow
    view: briefing.BriefingView
    topics: list[Topic]
    body: Markup


@dataclass(slots=True)
class StoryCard:
    row: StoryRow
    href: str
    summary: str | None
    conflict: bool
    outlets: list[briefing.Outlet]
    independent: int
    topics: list[Topic]
    thread: list[StoryRow] = field(default_factory=list)
    """Other events of its thread folded under it on a front or topic page."""


def cards(
    store: Reading, rows: Sequence[StoryRow], folded: Mapping[str, list[StoryRow]] | None = None
) -> list[StoryCard]:
    ids = [r.id for r in rows]
    covers = queries.coverage(store, ids)
    topics = queries.story_topics(store, ids)
    return [
        StoryCard(
            row=r,
            href=view.story_href(r.id),
            summary=briefing.summary_line(r.briefing),
            conflict=briefing.has_conflict(r.briefing),
            outlets=briefing.outlets(covers[r.id].outlets),
            independent=covers[r.id].independent,
            topics=topics[r.id],
            thread=(folded or {}).get(r.id, []),
        )
        for r in rows
    ]


def day(value: str | None, name: str) -> date | None:
    """A date from a form field; empty means no filter."""
    if value is None or not value.strip():
        return None
    try:
        found = date.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(400, f"“{name}” must be a date such as 2024-12-11.") from None
    # The filters add a day to "to"; 9999-12-31 overflowed into a 500.
    if not EARLIEST_YEAR <= found.year <= LATEST_YEAR:
        raise HTTPException(
            400, f"“{name}” must be a date between {EARLIEST_YEAR} and {LATEST_YEAR}."
        )
    return found


def filters_from(
    topic: str | None, outlet: str | None, since: str | None, until: str | None
) -> Filters:
    return Filters(
        topic=(topic or "").strip() or None,
        outlet=(outlet or "").strip() or None,
        since=day(since, "from"),
        until=day(until, "to"),
    )


def story_page(store: Reading, filters: Filters, cursor: str | None) -> queries.StoryPage:
    try:
        return queries.story_page(
            store, filters, limit=PAGE_SIZE, cursor=cursor or None, fold_threads=True
        )
    except BadCursor:
        raise HTTPException(400, "This list has moved on; start again from the top.") from None


def href(path: str, **params: Any) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def router(
    engine: Engine, templates: Templates, viewed: Callable[[Request, str], None]
) -> APIRouter:
    store = engine.store
    """The reader's pages; ``viewed`` is told of each story page served (by its
    story's own id), in the request's own thread."""
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.render(name, **context))

    # The parts of a page that are the same for every reader are kept a while,
    # then renewed in the background while the old ones are served: the story
    # list of a front or topic page as HTML, as long as the ranking it comes
    # from (RANK_EVERY seconds), and a story's briefing view (STORY_EVERY).  Follow buttons, read
    # marks and CSRF tokens are rendered around them per request.
    lists: queries.Kept[tuple[Any, ...], Listing] = queries.Kept(
        queries.RANK_EVERY, grace=queries.STALE_GRACE
    )
    briefings: queries.Kept[str, Briefed | None] = queries.Kept(
        STORY_EVERY, size=512, grace=queries.STALE_GRACE
    )

    def listing(path: str, filters: Filters, cursor: str | None) -> Listing:
        def build() -> Listing:
            found = story_page(store, filters, cursor)
            params = filters.params() if path == "/" else {}
            more = href(path, **params, cursor=found.next) if found.next else None
            html = templates.render(
                "story_list.html", cards=cards(store, found.rows, found.folded), more=more
            )
            return Listing(Markup(html), empty=not found.rows)

        return lists.get((path, filters, cursor or ""), build)

    def briefed(story_id: str) -> Briefed | None:
        row = store.story(story_id)
        if row is None:
            return None
        view = briefing.build(row.briefing, store.story_articles(row.id))
        thread = queries.thread_events(store, row)
        body = Markup(templates.render("story_body.html", b=view, thread=thread))
        return Briefed(row, view, queries.story_topics(store, [row.id])[row.id], body)

    @pages.get("/")
    def front(
        topic: Text = None,
        outlet: Text = None,
        since: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        until: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        cursor: Annotated[str | None, Query(max_length=400)] = None,
    ) -> Any:
        filters = filters_from(topic, outlet, since, until)
        return page(
            "front.html",
            section="front",
            listing=listing("/", filters, cursor),
            filters=filters,
            topic=queries.topic(store, filters.topic) if filters.topic else None,
            topics=queries.topics(store)[:FILTER_CHOICES],
            outlets=queries.outlets(store)[:FILTER_CHOICES],
            first=not cursor,
        )

    @pages.get("/stories/{story_id}")
    def story(request: Request, story_id: str) -> Any:
        found = briefings.get(story_id, lambda: briefed(story_id))
        if found is None:
            raise HTTPException(404, "We have no story at this address.")
        viewed(request, found.row.id)
        return page(
            "story.html", story=found.row, b=found.view, topics=found.topics, body=found.body
        )

    @pages.get("/articles/{article_id:path}")
    def article(article_id: str, s: Annotated[int | None, Query(ge=0, le=100_000)] = None) -> Any:
        found = store.article(article_id)
        if found is None:
            raise HTTPException(404, "We have no article at this address.")
        story_row = store.story(found.story_id) if found.story_id else None
        siblings = [
            a for a in (store.story_articles(story_row.id) if story_row else []) if a.id != found.id
        ]
        original = store.article(found.duplicate_of) if found.duplicate_of else None
        return page(
            "article.html",
            article=found,
            outlet=briefing.outlet(view.outlet_name(found.source, found.url)),
            paragraphs=view.numbered_sentences(found.text),
            cited=s,
            original_url=view.safe_url(found.url),
            story=story_row,
            siblings=siblings,
            original=original,
        )

    @pages.get("/search")
    def search(
        q: Annotated[str, Query(max_length=500)] = "",
        outlet: Text = None,
        since: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        until: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        start: Annotated[int, Query(ge=0, le=10_000)] = 0,
    ) -> Any:
        filters = filters_from(None, outlet, since, until)
        hits = search_articles(engine, q, filters, SEARCH_PAGE + 1, start)
        more = len(hits) > SEARCH_PAGE
        hits = hits[:SEARCH_PAGE]
        story_ids = list(dict.fromkeys(a.story_id for a in hits if a.story_id))
        stories = {r.id: r for r in queries.stories_by_id(store, story_ids)}
        words = " ".join(store.search_words(q)) if hits else ""
        return page(
            "search.html",
            section="search",
            query=q,
            filters=filters,
            outlets=queries.outlets(store)[:FILTER_CHOICES],
            stories=cards(store, [stories[i] for i in story_ids[:5] if i in stories])
            if start == 0
            else [],
            results=[
                (
                    a,
                    briefing.outlet(view.outlet_name(a.source, a.url)),
                    # Markup out first: a mark must not split a tag the page then cannot strip.
                    view.highlight(view.plain(a.text), words),
                    stories.get(a.story_id) if a.story_id else None,
                )
                for a in hits
            ],
            start=start,
            more=href("/search", q=q, **filters.params(), start=start + SEARCH_PAGE)
            if more
            else None,
        )

    @pages.get("/entities/{name:path}")
    def entity(name: str) -> Any:
        found = queries.entity(store, name)
        if found is None:
            raise HTTPException(404, "No story names this person, group or place.")
        return page(
            "entity.html",
            entity=found,
            kinds=[briefing.ENTITY_TYPES.get(k.upper(), k.capitalize()) for k in found.kinds],
            cards=cards(store, found.stories[: PAGE_SIZE * 2]),
            events=[(row, briefing.when(e), e.text) for row, e in found.events],
        )

    @pages.get("/outlets")
    def outlets() -> Any:
        return page("outlets.html", section="outlets", outlets=queries.outlets(store))

    @pages.get("/outlets/{name:path}")
    def outlet(name: str) -> Any:
        feeds = store.outlet_feeds(name)
        if not feeds.articles and not feeds.feeds:
            raise HTTPException(404, "We have no articles from this outlet.")
        rows = queries.outlet_stories(store, name, PAGE_SIZE)
        return page(
            "outlet.html",
            outlet=briefing.outlet(name),
            feeds=feeds,
            cards=cards(store, rows),
        )

    @pages.get("/topics")
    def topics() -> Any:
        return page("topics.html", section="topics", topics=queries.topics(store))

    @pages.get("/topics/{slug}")
    def topic(slug: str, cursor: Annotated[str | None, Query(max_length=400)] = None) -> Any:
        found = queries.topic(store, slug)
        if found is None:
            raise HTTPException(404, "No article is filed under this topic.")
        return page(
            "topic.html",
            topic=found,
            listing=listing(f"/topics/{found.slug}", Filters(topic=found.slug), cursor),
            first=not cursor,
        )

    return pages


def search_articles(
    engine: Engine, q: str, filters: Filters, limit: int, offset: int
) -> list[Article]:
    """``Engine.search`` with the reader's filters; a date filter covers its whole day."""
    return engine.search(
        q,
        limit,
        offset=offset,
        outlet=filters.outlet,
        since=_start_of(filters.since),
        until=_start_of(filters.until + timedelta(days=1) if filters.until else None),
    )


def _start_of(value: date | None) -> datetime | None:
    return datetime.combine(value, time.min, UTC) if value else None
