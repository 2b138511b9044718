"""Reading stories: one query builder for every list of them.

``StoryQuery`` says which stories (an outlet's, a topic's sections', a date
range's, a thread's, a given set such as a search's hits), in what order and
how many.  ``StoryReads`` (a part of ``Store``) runs it for the shape a caller
needs: whole rows (``StoryRow``) or the keys the front page's ranking scores
(``StoryKey``).  The front page, the API, the Atom feeds, the personal lists
and the command line all list stories through it, so a filter means the same
on every surface and the columns of a listed story are written once.

Alongside it are the counts the listings filter by: sections (topics) and
outlets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Engine, Select, and_, func, or_, select

from parallax.model import Briefing
from parallax.store import schema as t

s = t.stories.c
a = t.articles.c

newest_report = func.coalesce(s.last_published, s.updated)
"""A story's newest report: its latest publication date, else its last update."""
first_report = func.coalesce(s.first_published, s.created)
"""A story's first report: its earliest publication date, else its creation."""

LISTED = (s.id, s.title, s.created, s.updated, s.last_published, s.n_articles, s.n_sources)
"""A listed story's columns before its briefing (``StoryRow``'s fields, in order)."""

Order = Literal["activity", "updated", "began"]
"""``activity``: newest report first; ``updated``: last changed first; ``began``:
first report first (a thread's events).  Every order breaks ties by id."""


@dataclass(slots=True)
class StoryRow:
    """A story as listed: its counts and briefing, without article texts."""

    id: str
    title: str
    created: datetime
    updated: datetime
    last_published: datetime | None
    n_articles: int
    n_sources: int
    briefing: dict[str, Any] | None
    thread_id: str | None = None

    def typed_briefing(self) -> Briefing | None:
        """The briefing as typed records: None before it is built, or when a newer
        Parallax wrote it (``Briefing.from_json`` says which versions it reads)."""
        if self.briefing is None:
            return None
        try:
            return Briefing.from_json(self.briefing)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class StoryKey:
    """What the front page's ranking needs of a story before it scores it."""

    id: str
    thread_id: str | None
    activity: datetime


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """Which stories to list, in what order, and which page of them.

    Every filter left at None lets every story through; the filters combine with
    AND.  With ``ids`` and no ``order``, stories come in the order of ``ids``.
    Frozen and hashable, so a listing's memo can be keyed by its query.
    """

    ids: tuple[str, ...] | None = None
    """Only these stories: a search's hits, a person's saved stories."""
    sections: tuple[str, ...] | None = None
    """Stories with an article filed under one of these sections (a topic's
    spellings); an empty tuple matches nothing."""
    outlet: str | None = None
    """Stories with an article from this outlet (see ``outlet_condition``)."""
    active_since: datetime | None = None
    """Stories whose newest report is at or after this moment."""
    began_before: datetime | None = None
    """Stories whose first report is before this moment."""
    thread: str | None = None
    """The events of one thread."""
    after: tuple[datetime, str] | None = None
    """(activity, id) of the last story of the previous page, in ``activity``
    order: a page that does not shift as stories are added above it."""
    order: Order | None = None
    limit: int | None = None
    offset: int = 0

    def where(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.ids is not None:
            where.append(s.id.in_(self.ids))
        if self.sections is not None:
            where.append(s.id.in_(select(a.story_id).where(a.section.in_(self.sections))))
        if self.outlet is not None:
            where.append(s.id.in_(select(a.story_id).where(outlet_condition(self.outlet))))
        if self.active_since is not None:
            where.append(newest_report >= self.active_since)
        if self.began_before is not None:
            where.append(first_report < self.began_before)
        if self.thread is not None:
            where.append(s.thread_id == self.thread)
        if self.after is not None:
            moment, story_id = self.after
            where.append(
                or_(newest_report < moment, and_(newest_report == moment, s.id > story_id))
            )
        return where

    def select(self, *columns: Any) -> Select[Any]:
        """The SELECT of ``columns`` over the stories this query lists."""
        statement = select(*columns).where(*self.where())
        if self.order == "activity":
            statement = statement.order_by(newest_report.desc(), s.id)
        elif self.order == "updated":
            statement = statement.order_by(s.updated.desc(), s.id)
        elif self.order == "began":
            statement = statement.order_by(first_report, s.id)
        if self.limit is not None:
            statement = statement.limit(self.limit)
        if self.offset:
            statement = statement.offset(self.offset)
        return statement

    def page(self, limit: int, offset: int = 0) -> StoryQuery:
        return replace(self, limit=limit, offset=offset)


def outlet_condition(name: str) -> ColumnElement[bool]:
    """Articles by the outlet ``name``: its stored source, or, for articles
    without one, the host their URL is on (as ``web.view.outlet_name`` shows them)."""
    by_source = a.source == name
    if " " in name or "." not in name:
        return by_source
    host = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    patterns = [f"{scheme}://{www}{host}/%" for scheme in ("http", "https") for www in ("", "www.")]
    by_host = and_(a.source.is_(None), or_(*(a.url.like(p, escape="\\") for p in patterns)))
    return or_(by_source, by_host)


@dataclass(slots=True)
class Byline:
    """An article's outlet and copy status: what story listings need of it."""

    id: str
    source: str | None
    url: str | None
    duplicate_of: str | None
    wire: str | None = None
    at: datetime | None = None
    """Its publication date, else when it was added."""


class StoryReads:
    """Story listings and the counts they filter by; ``Store`` is one."""

    engine: Engine

    def find_stories(self, query: StoryQuery) -> list[StoryRow]:
        """The stories ``query`` lists, as whole rows."""
        if query.ids is not None and not query.ids:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(query.select(*LISTED, s.briefing, s.thread_id)).all()
        found = [StoryRow(**r._mapping) for r in rows]
        if query.ids is not None and query.order is None:
            by_id = {r.id: r for r in found}
            return [by_id[i] for i in query.ids if i in by_id]
        return found

    def story_keys(self, query: StoryQuery) -> list[StoryKey]:
        """The stories ``query`` lists, as ranking keys: no briefing is read."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                query.select(s.id, s.thread_id, newest_report.label("activity"))
            ).all()
        return [StoryKey(r.id, r.thread_id, r.activity) for r in rows]

    def stories(self, limit: int = 50, offset: int = 0) -> list[StoryRow]:
        """Stories, the last changed first."""
        return self.find_stories(StoryQuery(order="updated", limit=limit, offset=offset))

    def story(self, story_id: str) -> StoryRow | None:
        """The story with this id, or the one it was merged into, or a unique id prefix."""
        columns = (*LISTED, s.briefing, s.thread_id)
        with self.engine.connect() as conn:
            row = conn.execute(select(*columns).where(s.id == story_id)).first()
            if row is None:  # a merged story's id leads to the story that absorbed it
                survivor = select(t.story_aliases.c.story_id).where(
                    t.story_aliases.c.alias == story_id
                )
                row = conn.execute(
                    select(*columns).where(s.id == survivor.scalar_subquery())
                ).first()
            if row is None:  # accept a unique prefix, as git does for commits
                rows = conn.execute(
                    select(*columns).where(s.id.startswith(story_id)).limit(2)
                ).all()
                row = rows[0] if len(rows) == 1 else None
        return StoryRow(**row._mapping) if row else None

    def thread(self, thread_id: str) -> list[StoryRow]:
        """The stories of a thread, its events, oldest first."""
        return self.find_stories(StoryQuery(thread=thread_id, order="began"))

    def story_bylines(self, story_ids: Sequence[str]) -> dict[str, list[Byline]]:
        """Who wrote each story's articles, oldest first, without loading their texts."""
        found: dict[str, list[Byline]] = {sid: [] for sid in story_ids}
        if not story_ids:
            return found
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    a.story_id,
                    a.id,
                    a.source,
                    a.url,
                    a.duplicate_of,
                    a.wire,
                    func.coalesce(a.published, a.added).label("at"),
                )
                .where(a.story_id.in_(list(story_ids)))
                .order_by(a.story_id, a.published.is_(None), a.published, a.rowid)
            ).all()
        for row in rows:
            found[row.story_id].append(
                Byline(row.id, row.source, row.url, row.duplicate_of, row.wire, row.at)
            )
        return found

    def story_sections(self, story_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(story id, section) for each section these stories' articles were filed under."""
        if not story_ids:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.story_id, a.section)
                .where(a.story_id.in_(list(story_ids)), a.section.is_not(None))
                .distinct()
            ).all()
        return [(r.story_id, r.section) for r in rows]

    def section_counts(self) -> list[tuple[str, int]]:
        """Every section articles were filed under, with how many were."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.section, func.count()).where(a.section.is_not(None)).group_by(a.section)
            ).all()
        return [(r[0], int(r[1])) for r in rows]

    def outlet_counts(self) -> list[tuple[str, int, datetime | None]]:
        """Every stored source with its number of articles and its latest one's date."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.source, func.count(), func.max(func.coalesce(a.published, a.added)))
                .where(a.source.is_not(None))
                .group_by(a.source)
            ).all()
        return [(r[0], int(r[1]), r[2]) for r in rows]
