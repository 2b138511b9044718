"""The JSON API under ``/api/``.

Story and article documents come straight from ``parallax.export`` so that the
API, the CLI's export and the reader agree byte for byte; the models below
document those shapes in the OpenAPI schema without reshaping them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from parallax import export
from parallax.engine import Engine
from parallax.store import Feed, StoryRow
from parallax.store.protocols import Reading
from parallax.web import briefing, queries, view
from parallax.web.pages import filters_from, search_articles
from parallax.web.queries import coverage


class StoryItem(BaseModel):
    id: str
    title: str
    updated: str = Field(description="ISO 8601 date-time of the story's last change")
    created: str
    n_articles: int = Field(description="articles in the story, syndicated copies included")
    n_sources: int = Field(description="distinct outlets, syndicated copies included")
    independent_sources: int = Field(
        description="outlets whose article is not a syndicated copy of another"
    )
    outlets: list[str]
    conflict: bool = Field(description="true when outlets report conflicting figures")
    summary: str | None = Field(description="first sentence of the briefing's summary")
    briefed: bool = Field(description="false while the briefing has not been built yet")
    url: str = Field(description="path of the story's JSON document")


class StoryList(BaseModel):
    stories: list[StoryItem]
    limit: int
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last page"
    )
    as_of: str = Field(description="the moment the ranking was computed for (ISO 8601)")


class TopicItem(BaseModel):
    slug: str
    label: str
    articles: int
    sections: list[str] = Field(description="the section names filed under this topic")


class OutletItem(BaseModel):
    name: str
    articles: int
    latest: datetime | None


class EntityEvent(BaseModel):
    date: str | None
    text: str
    story_id: str


class EntityDocument(BaseModel):
    name: str
    types: list[str]
    aliases: list[str]
    stories: list[StoryItem]
    timeline: list[EntityEvent]


class ArticleDocument(BaseModel):
    """An article as ``export.article_json`` writes it."""

    model_config = ConfigDict(extra="allow")
    id: str
    url: str | None
    source: str | None
    author: str | None
    title: str | None
    published: str | None
    published_estimated: bool
    language: str | None
    section: str | None
    text: str
    duplicate_of: str | None
    wire: str | None = Field(
        default=None, description="the news agency the article credits for its text, e.g. Reuters"
    )
    story_id: str | None


class StoryDocument(BaseModel):
    """A story as ``export.story_document`` writes it (see story.schema.json).

    Briefing fields are lists, empty until the briefing is built; fields beyond
    the schema (distinctive terms, single-outlet facts ...) pass through."""

    model_config = ConfigDict(extra="allow")
    id: str
    title: str
    updated: str
    created: str
    independent_sources: int
    articles: list[ArticleDocument]
    summary: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]
    quantities: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    framing: list[dict[str, Any]]


class SearchHit(BaseModel):
    id: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    story_id: str | None
    snippet: str = Field(description="plain text around the first match")


class SearchResults(BaseModel):
    query: str
    results: list[SearchHit]
    stories: list[StoryItem] = Field(description="the stories of the results on this page")
    next_cursor: str | None = Field(description="pass as `cursor` for more results")


class FeedState(BaseModel):
    id: int
    url: str
    title: str | None
    added: datetime
    last_fetch: datetime | None
    last_success: datetime | None
    last_error: str | None
    error_count: int
    items_seen: int
    next_poll: datetime | None
    poll_interval: int | None = Field(description="seconds between polls, adapted to the feed")
    retired: datetime | None = Field(description="when the feed said it is gone (HTTP 410)")


class ErrorEntry(BaseModel):
    at: datetime
    origin: str
    message: str


class Feeds(BaseModel):
    feeds: list[FeedState]
    errors: list[ErrorEntry] = Field(description="most recent errors first")


class OutletDocument(BaseModel):
    name: str
    articles: int
    feeds: list[FeedState] = Field(description="the feeds this outlet's articles came through")
    errors: list[ErrorEntry] = Field(description="those feeds' recent errors, newest first")
    stories: list[StoryItem] = Field(description="its most recently active stories")


class NotFound(BaseModel):
    detail: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": NotFound}}


def story_items(store: Reading, rows: list[StoryRow]) -> list[StoryItem]:
    covers = coverage(store, [r.id for r in rows])
    return [
        StoryItem(
            id=r.id,
            title=r.title,
            updated=r.updated.isoformat(),
            created=r.created.isoformat(),
            n_articles=r.n_articles,
            n_sources=r.n_sources,
            independent_sources=covers[r.id].independent,
            outlets=covers[r.id].outlets,
            conflict=briefing.has_conflict(r.briefing),
            summary=briefing.summary_line(r.briefing),
            briefed=r.briefing is not None,
            url="/api" + view.story_href(r.id),
        )
        for r in rows
    ]


def feed_state(f: Feed) -> FeedState:
    return FeedState(
        id=f.id,
        url=f.url,
        title=f.title,
        added=f.added,
        last_fetch=f.last_fetch,
        last_success=f.last_success,
        last_error=f.last_error,
        error_count=f.error_count,
        items_seen=f.items_seen,
        next_poll=f.next_poll,
        poll_interval=f.poll_interval,
        retired=f.retired,
    )


Cursor = Annotated[
    str | None, Query(max_length=400, description="`next_cursor` from the previous page")
]
Since = Annotated[str | None, Query(alias="from", description="earliest date, YYYY-MM-DD")]
Until = Annotated[str | None, Query(alias="to", description="latest date, YYYY-MM-DD")]
Outlet = Annotated[str | None, Query(max_length=500, description="an outlet name")]


def router(engine: Engine) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"])
    store = engine.store

    @api.get(
        "/stories",
        summary="Stories in front-page order",
        description=(
            "Ranked by recency decay × independent outlets × growth (see /docs#ranking), "
            "optionally filtered. Page with `cursor`; a cursor keeps the ranking's moment, "
            "so pages do not shift while you read them."
        ),
    )
    def list_stories(
        limit: Annotated[int, Query(ge=1, le=200, description="stories per page")] = 50,
        cursor: Cursor = None,
        topic: Annotated[str | None, Query(max_length=200, description="a topic slug")] = None,
        outlet: Outlet = None,
        since: Since = None,
        until: Until = None,
    ) -> StoryList:
        filters = filters_from(topic, outlet, since, until)
        try:
            found = queries.story_page(store, filters, limit=limit, cursor=cursor)
        except queries.BadCursor as exc:
            raise HTTPException(400, str(exc)) from None
        return StoryList(
            stories=story_items(store, found.rows),
            limit=limit,
            next_cursor=found.next,
            as_of=found.as_of.isoformat(),
        )

    @api.get(
        "/stories/{story_id}",
        summary="One story with its articles and briefing",
        response_model=None,
        responses={200: {"model": StoryDocument}, **NOT_FOUND},
    )
    def get_story(story_id: str) -> dict[str, Any]:
        found = engine.story(story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return found.document()

    @api.get(
        "/articles/{article_id:path}",
        summary="One article: clean text and metadata",
        response_model=None,
        responses={200: {"model": ArticleDocument}, **NOT_FOUND},
    )
    def get_article(article_id: str) -> dict[str, Any]:
        article = engine.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return export.article_json(article)

    @api.get("/search", summary="Full-text search over articles, with their stories")
    def search(
        q: Annotated[
            str,
            Query(max_length=500, description='words to find; also "a phrase", prefix*, OR, -word'),
        ] = "",
        limit: Annotated[int, Query(ge=1, le=200, description="most results to return")] = 50,
        cursor: Cursor = None,
        outlet: Outlet = None,
        since: Since = None,
        until: Until = None,
    ) -> SearchResults:
        filters = filters_from(None, outlet, since, until)
        try:
            offset = queries.read_offset(cursor) if cursor else 0
        except queries.BadCursor as exc:
            raise HTTPException(400, str(exc)) from None
        hits = search_articles(engine, q, filters, limit + 1, offset)
        more = len(hits) > limit
        hits = hits[:limit]
        story_ids = list(dict.fromkeys(a.story_id for a in hits if a.story_id))
        words = " ".join(store.search_words(q)) if hits else ""
        return SearchResults(
            query=q,
            results=[
                SearchHit(
                    id=a.id,
                    title=a.title,
                    source=a.source,
                    url=a.url,
                    published=a.published.isoformat() if a.published else None,
                    story_id=a.story_id,
                    snippet="".join(s for s, _ in view.highlight(a.text, words)),
                )
                for a in hits
            ],
            stories=story_items(store, queries.stories_by_id(store, story_ids)),
            next_cursor=queries.offset_cursor(offset + limit) if more else None,
        )

    @api.get("/topics", summary="Topics (outlets' sections, merged by spelling), largest first")
    def topics() -> list[TopicItem]:
        return [
            TopicItem(
                slug=tp.slug, label=tp.label, articles=tp.articles, sections=list(tp.sections)
            )
            for tp in queries.topics(store)
        ]

    @api.get("/outlets", summary="Outlets, the most prolific first")
    def outlets() -> list[OutletItem]:
        return [
            OutletItem(name=o.name, articles=o.articles, latest=o.latest)
            for o in queries.outlets(store)
        ]

    @api.get(
        "/outlets/{name}",
        summary="One outlet: its feeds with their health and errors, and its recent stories",
        responses=NOT_FOUND,
    )
    def outlet(name: str) -> OutletDocument:
        found = store.outlet_feeds(name)
        if not found.articles and not found.feeds:
            raise HTTPException(404, f"no articles from {name!r}")
        return OutletDocument(
            name=name,
            articles=found.articles,
            feeds=[feed_state(f) for f in found.feeds],
            errors=[ErrorEntry(at=at, origin=o, message=m) for at, o, m in found.errors],
            stories=story_items(store, queries.outlet_stories(store, name, 20)),
        )

    @api.get(
        "/entities/{name}",
        summary="A person, group or place: its stories, aliases and timeline",
        responses=NOT_FOUND,
    )
    def entity(name: str) -> EntityDocument:
        found = queries.entity(store, name)
        if found is None:
            raise HTTPException(404, f"no story names {name!r}")
        return EntityDocument(
            name=found.name,
            types=found.kinds,
            aliases=found.aliases,
            stories=story_items(store, found.stories),
            timeline=[
                EntityEvent(
                    date=export.iso_at(e.date, e.precision),
                    text=e.text,
                    story_id=row.id,
                )
                for row, e in found.events
            ],
        )

    @api.get("/feeds", summary="Feeds with their fetch state, and recent errors")
    def feeds() -> Feeds:
        return Feeds(
            feeds=[feed_state(f) for f in engine.feeds()],
            errors=[
                ErrorEntry(at=at, origin=origin, message=message)
                for at, origin, message in store.recent_errors()
            ],
        )

    return api
