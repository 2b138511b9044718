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
from parallax.store import Store
from parallax.web import view
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
    offset: int
    next_offset: int | None = Field(description="offset of the next page, null on the last")


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


class ErrorEntry(BaseModel):
    at: datetime
    origin: str
    message: str


class Feeds(BaseModel):
    feeds: list[FeedState]
    errors: list[ErrorEntry] = Field(description="most recent errors first")


class NotFound(BaseModel):
    detail: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": NotFound}}


def has_conflict(briefing: dict[str, Any] | None) -> bool:
    groups = (briefing or {}).get("quantities")
    return isinstance(groups, list) and any(
        isinstance(g, dict) and g.get("conflict") is True for g in groups
    )


def summary_line(briefing: dict[str, Any] | None) -> str | None:
    sentences = (briefing or {}).get("summary")
    if isinstance(sentences, list) and sentences and isinstance(sentences[0], dict):
        text = sentences[0].get("text")
        if isinstance(text, str) and text.strip():
            return view.first_sentence(text)
    return None


def router(store: Store) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"])

    @api.get("/stories", summary="Stories, most recently updated first")
    def list_stories(
        limit: Annotated[int, Query(ge=1, le=200, description="stories per page")] = 50,
        offset: Annotated[int, Query(ge=0, description="stories to skip")] = 0,
    ) -> StoryList:
        rows = store.stories(limit=limit + 1, offset=offset)
        more = len(rows) > limit
        rows = rows[:limit]
        covers = coverage(store, [r.id for r in rows])
        return StoryList(
            stories=[
                StoryItem(
                    id=r.id,
                    title=r.title,
                    updated=r.updated.isoformat(),
                    created=r.created.isoformat(),
                    n_articles=r.n_articles,
                    n_sources=r.n_sources,
                    independent_sources=covers[r.id].independent,
                    outlets=covers[r.id].outlets,
                    conflict=has_conflict(r.briefing),
                    summary=summary_line(r.briefing),
                    briefed=r.briefing is not None,
                    url="/api" + view.story_href(r.id),
                )
                for r in rows
            ],
            limit=limit,
            offset=offset,
            next_offset=offset + limit if more else None,
        )

    @api.get(
        "/stories/{story_id}",
        summary="One story with its articles and briefing",
        response_model=None,
        responses={200: {"model": StoryDocument}, **NOT_FOUND},
    )
    def get_story(story_id: str) -> dict[str, Any]:
        document = export.story_document(store, story_id)
        if document is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return document

    @api.get(
        "/articles/{article_id:path}",
        summary="One article: clean text and metadata",
        response_model=None,
        responses={200: {"model": ArticleDocument}, **NOT_FOUND},
    )
    def get_article(article_id: str) -> dict[str, Any]:
        article = store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return export.article_json(article)

    @api.get("/search", summary="Full-text search over article titles and texts")
    def search(
        q: Annotated[str, Query(max_length=500, description="words to look for")] = "",
        limit: Annotated[int, Query(ge=1, le=200, description="most results to return")] = 50,
    ) -> SearchResults:
        hits = store.search(q, limit=limit) if q.strip() else []
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
                    snippet="".join(s for s, _ in view.highlight(a.text, q)),
                )
                for a in hits
            ],
        )

    @api.get("/feeds", summary="Feeds with their fetch state, and recent errors")
    def feeds() -> Feeds:
        return Feeds(
            feeds=[
                FeedState(
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
                )
                for f in store.feeds()
            ],
            errors=[
                ErrorEntry(at=at, origin=origin, message=message)
                for at, origin, message in store.recent_errors()
            ],
        )

    return api
