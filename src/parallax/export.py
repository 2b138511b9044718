"""Stories as JSON documents following ``story.schema.json``.

The CLI's ``export``, the JSON API and the web reader all read stories through
here, so that every surface shows the same thing.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import date, datetime
from importlib import resources
from typing import Any, Protocol

from parallax.model import BRIEFING_VERSION, Article, Briefing
from parallax.store import StoryRow
from parallax.store.protocols import Reading
from parallax.wire import agency_named

BRIEFING_KEYS = ("summary", "entities", "quotes", "quantities", "timeline", "framing")


def story_schema() -> dict[str, Any]:
    """The JSON schema every story document follows; it ships with the package
    (``parallax/schema/story.schema.json``), so the contract tests always run."""
    path = resources.files("parallax") / "schema" / "story.schema.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


class Sourced(Protocol):
    """What source counting needs of an article (``Article`` and ``Byline`` have it)."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def duplicate_of(self) -> str | None: ...
    @property
    def wire(self) -> str | None: ...


def independent_sources(articles: Iterable[Sourced]) -> int:
    """How many sources reported the story themselves.

    The one rule for every surface (export, API, reader, listings): an outlet
    counts once; a syndicated copy (``duplicate_of``) counts with its original;
    articles carrying one news agency's copy (``wire``), and the agency's own
    articles, count as that agency, once; an article with no known outlet counts
    as a source of its own.
    """
    items = list(articles)
    by_id = {a.id: a for a in items}

    def who(article: Sourced) -> str:
        seen = {article.id}
        while article.duplicate_of in by_id and article.duplicate_of not in seen:
            article = by_id[article.duplicate_of]
            seen.add(article.id)
        return article.wire or agency_named(article.source) or article.source or article.id

    return len({who(a) for a in items})


def briefing_json(briefing: Briefing) -> dict[str, Any]:
    """A briefing as plain JSON values (dates as ISO 8601 strings).

    A timeline date is written to the precision the sources give it: "2011",
    "2024-11" or "2024-11-26" (ISO 8601 reduced precision), so that "since
    2011" does not read as 1 January.
    """
    data: dict[str, Any] = _plain(dataclasses.asdict(briefing))
    for event, item in zip(briefing.timeline, data["timeline"], strict=True):
        item["date"] = iso_at(event.date, event.precision)
        if event.end is not None:
            item["end"] = iso_at(event.end, event.precision)
    data["version"] = BRIEFING_VERSION  # read back by Briefing.from_json
    return data


def iso_at(day: date, precision: str) -> str:
    """``day`` in ISO 8601 cut to ``precision`` ("year", "month" or "day")."""
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def article_json(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "author": article.author,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "published_estimated": article.published_estimated,
        "language": article.language,
        "section": article.section,
        "text": article.text,
        "duplicate_of": article.duplicate_of,
        "wire": article.wire,
        "story_id": article.story_id,
    }


def story_json(row: StoryRow, articles: list[Article]) -> dict[str, Any]:
    briefing = briefing_json(row.briefing) if row.briefing is not None else {}
    document: dict[str, Any] = {
        "id": row.id,
        "title": row.title,
        "updated": row.updated.isoformat(),
        "created": row.created.isoformat(),
        "independent_sources": independent_sources(articles),
        "articles": [article_json(a) for a in articles],
    }
    for key in BRIEFING_KEYS:
        document[key] = briefing.get(key, [])
    for key, value in briefing.items():  # extras beyond the schema (distinctive terms ...)
        if key != "version":  # the stored shape's, not the story document's
            document.setdefault(key, value)
    return document


def story_document(store: Reading, story_id: str) -> dict[str, Any] | None:
    row = store.story(story_id)
    if row is None:
        return None
    events = store.thread(row.thread_id, ()) if row.thread_id else []  # listed: id, title, date
    return full_document(row, store.story_articles(row.id), events)


def full_document(row: StoryRow, articles: list[Article], events: list[StoryRow]) -> dict[str, Any]:
    """The story's document with its articles and the events of its thread."""
    document = story_json(row, articles)
    document["thread"] = {
        "id": row.thread_id or row.id,
        "stories": [
            {"id": e.id, "title": e.title, "last_published": _plain(e.last_published)}
            for e in events
        ],
    }
    return document


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
