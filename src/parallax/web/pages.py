"""The reader's HTML pages: front page, story briefing, article, search, feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse

from parallax.store import Store, StoryRow
from parallax.web import briefing, view
from parallax.web.api import has_conflict, summary_line
from parallax.web.queries import Coverage, coverage
from parallax.web.templates import Templates

PAGE_SIZE = 20
SEARCH_LIMIT = 50


@dataclass(slots=True)
class StoryCard:
    row: StoryRow
    href: str
    summary: str | None
    conflict: bool
    outlets: list[briefing.Outlet]
    independent: int


def card(row: StoryRow, cover: Coverage) -> StoryCard:
    return StoryCard(
        row=row,
        href=view.story_href(row.id),
        summary=summary_line(row.briefing),
        conflict=has_conflict(row.briefing),
        outlets=[briefing.outlet(name) for name in cover.outlets],
        independent=cover.independent,
    )


def router(store: Store, templates: Templates) -> APIRouter:
    pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.render(name, **context))

    @pages.get("/")
    def front(page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1) -> Any:
        offset = (page_number - 1) * PAGE_SIZE
        rows = store.stories(limit=PAGE_SIZE + 1, offset=offset)
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        covers = coverage(store, [r.id for r in rows])
        return page(
            "front.html",
            section="front",
            cards=[card(r, covers[r.id]) for r in rows],
            page=page_number,
            newer=page_number - 1 if page_number > 1 else None,
            older=page_number + 1 if more else None,
        )

    @pages.get("/stories/{story_id}")
    def story(story_id: str) -> Any:
        row = store.story(story_id)
        if row is None:
            raise HTTPException(404, "We have no story at this address.")
        articles = store.story_articles(row.id)
        return page(
            "story.html",
            story=row,
            b=briefing.build(row.briefing, articles),
        )

    @pages.get("/articles/{article_id:path}")
    def article(article_id: str) -> Any:
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
            paragraphs=view.paragraphs(found.text),
            original_url=view.safe_url(found.url),
            story=story_row,
            siblings=siblings,
            original=original,
        )

    @pages.get("/search")
    def search(q: Annotated[str, Query(max_length=500)] = "") -> Any:
        hits = store.search(q, limit=SEARCH_LIMIT) if q.strip() else []
        stories = {s: store.story(s) for s in {a.story_id for a in hits if a.story_id}}
        return page(
            "search.html",
            section="search",
            query=q,
            results=[
                (
                    a,
                    briefing.outlet(view.outlet_name(a.source, a.url)),
                    view.highlight(a.text, q),
                    stories.get(a.story_id) if a.story_id else None,
                )
                for a in hits
            ],
            limit=SEARCH_LIMIT,
        )

    @pages.get("/feeds")
    def feeds() -> Any:
        return page(
            "feeds.html",
            section="feeds",
            feeds=store.feeds(),
            errors=store.recent_errors(),
        )

    return pages
