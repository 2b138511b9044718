"""Reading stories: one query builder for every list of them.

``StoryQuery`` says which stories (an outlet's, a topic's sections', a date
range's, a thread's, a given set such as a search's hits), in what order and
how many.  ``StoryReads`` (a part of ``Store``) runs it for the shape a caller
needs: rows (``StoryRow``), with the whole briefing or only the parts of it a
listing names (``CARD``), or the keys the front page's ranking scores
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

from sqlalchemy import ColumnElement, Engine, RowMapping, Select, and_, func, or_, select

from parallax.model import Briefing
from parallax.store import schema as t

s = t.stories.c
a = t.articles.c

newest_report = func.coalesce(s.last_published, s.updated)
"""A story's newest report: its latest publication date, else its last update."""
first_report = func.coalesce(s.first_published, s.created)
"""A story's first report: its earliest publication date, else its creation."""

LISTED = (
    s.id,
    s.title,
    s.created,
    s.updated,
    s.last_published,
    s.n_articles,
    s.n_sources,
    s.thread_id,
)
"""A listed story's columns besides its briefing (``StoryRow``'s other fields)."""

Part = Literal[
    "summary",
    "entities",
    "quotes",
    "quantities",
    "timeline",
    "framing",
    "distinctive_terms",
    "unique_facts",
    "abstract",
    "drawn_from",
]
"""A part of a briefing (a field of ``Briefing``) that a listing may read alone."""

CARD: tuple[Part, ...] = ("summary", "quantities")
"""What a story card shows of its briefing: the summary's lead, and whether the
outlets' figures conflict.  About a sixth of a stored briefing, and read as
typed records in a tenth of the time the whole of it takes."""

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
    briefing: Briefing | None
    """The briefing as typed records (``Briefing.from_json``): None before it is
    built, or when a newer Parallax wrote it.  A listing that names the parts it
    shows (``CARD``) reads only those; the other fields are left empty."""
    thread_id: str | None = None


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


def row_columns(parts: Sequence[Part] | None) -> list[Any]:
    """The columns ``story_row`` reads: ``LISTED``, and the whole briefing
    (``parts`` None) or only ``parts`` of it, taken out by the database, with its
    version (a newer shape is refused whole) and whether it is built at all."""
    if parts is None:
        return [*LISTED, s.briefing]
    return [
        *LISTED,
        s.briefing.is_not(None).label("briefed"),
        s.briefing["version"].label("version"),
        *(s.briefing[part].label(part) for part in parts),
    ]


def story_row(values: RowMapping, parts: Sequence[Part] | None) -> StoryRow:
    """A ``StoryRow`` from a row of ``row_columns(parts)``."""
    if parts is None:
        stored = values["briefing"]
    elif values["briefed"]:
        stored = {key: values[key] for key in ("version", *parts) if values[key] is not None}
    else:
        stored = None
    listed = {c.name: values[c.name] for c in LISTED}
    return StoryRow(**listed, briefing=_typed(stored))


def _typed(stored: object) -> Briefing | None:
    if stored is None:
        return None
    try:
        return Briefing.from_json(stored)
    except ValueError:  # written by a newer Parallax, or no briefing at all
        return None


class StoryReads:
    """Story listings and the counts they filter by; ``Store`` is one."""

    engine: Engine

    def find_stories(
        self, query: StoryQuery, parts: Sequence[Part] | None = None
    ) -> list[StoryRow]:
        """The stories ``query`` lists, with their whole briefings, or only the
        ``parts`` of them a listing shows (``CARD``)."""
        if query.ids is not None and not query.ids:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(query.select(*row_columns(parts))).all()
        found = [story_row(r._mapping, parts) for r in rows]
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

    def stories(
        self, limit: int = 50, offset: int = 0, parts: Sequence[Part] | None = None
    ) -> list[StoryRow]:
        """Stories, the last changed first (``parts``: as ``find_stories``)."""
        return self.find_stories(StoryQuery(order="updated", limit=limit, offset=offset), parts)

    def story(self, story_id: str) -> StoryRow | None:
        """The story with this id, or the one it was merged into, or a unique id prefix."""
        columns = row_columns(None)
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
        return story_row(row._mapping, None) if row else None

    def thread(self, thread_id: str, parts: Sequence[Part] | None = CARD) -> list[StoryRow]:
        """The stories of a thread, its events, oldest first; of their briefings,
        what a card shows unless ``parts`` says otherwise."""
        return self.find_stories(StoryQuery(thread=thread_id, order="began"), parts)

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
