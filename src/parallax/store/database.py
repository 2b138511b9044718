"""The storage interface, over SQLAlchemy Core.

SQLite is the default; the same queries run on PostgreSQL.  Only full-text
search differs by dialect (``search.SearchIndex``: FTS5 or tsvector).  Every
write that must stay consistent with another (an article and its story) goes
through one ``Writer`` transaction, so a process killed mid-run leaves either
both or neither.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    create_engine,
    event,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from parallax.model import Article, Briefing, Story
from parallax.store import schema as t
from parallax.store.query import Query, Term, spelled
from parallax.store.query import parse as parse_query
from parallax.store.search import SearchIndex, index_for
from parallax.store.stories import StoryReads, outlet_condition

if TYPE_CHECKING:
    from parallax.store.accounts import SqlAccounts

ENV_VAR = "PARALLAX_DB"
WRITER_LOCK = 0x706172616C6C6178
"""The PostgreSQL advisory lock that ``Store.writer`` holds ("parallax" in ASCII)."""


def default_db_url() -> str:
    """``$PARALLAX_DB`` (a path or a database URL), else the user's data directory."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return as_url(configured)
    folder = Path(platformdirs.user_data_dir("parallax", appauthor=False))
    return as_url(str(folder / "parallax.db"))


def as_url(path_or_url: str) -> str:
    if "://" in path_or_url:
        return path_or_url
    path = Path(path_or_url).expanduser().resolve()
    return f"sqlite:///{path}"


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Feed:
    id: int
    url: str
    title: str | None
    kind: str
    added: datetime
    etag: str | None
    last_modified: str | None
    last_fetch: datetime | None
    last_success: datetime | None
    last_error: str | None
    error_count: int
    items_seen: int
    next_poll: datetime | None
    poll_interval: int | None = None
    """Seconds between polls, adapted to how often the feed changes; None until first polled."""
    retired: datetime | None = None
    """When the feed said it is gone for good (HTTP 410); a retired feed is not polled."""
    added_by: int | None = None
    """The account that added the feed through the reader; None for the command line."""


@dataclass(slots=True)
class StoredNLP:
    """What enrichment left for later stages: the parse, the vectors, the entities."""

    article_id: str
    doc: bytes
    embedding: bytes
    minhash: bytes | None
    entities: list[list[str]]
    """[surface form, label] pairs, in order of appearance."""


@dataclass(slots=True)
class HotRow:
    id: str
    title: str
    centroid: bytes
    keywords: list[str] | None
    n_articles: int
    first_published: datetime | None
    last_published: datetime | None
    thread_id: str | None


@dataclass(slots=True)
class MemberRow:
    """An article of a hot story, as the clustering index is rebuilt from it."""

    story_id: str
    id: str
    title: str | None
    lead: str
    published: datetime | None
    embedding: bytes
    entities: list[list[str]]


@dataclass(slots=True)
class OutletFeeds:
    feeds: list[Feed]
    errors: list[tuple[datetime, str, str]]
    articles: int


BRIEFING_ATTEMPTS = 3
"""Failed briefings after which a story is parked until a new report joins it:
a story whose text trips a bug would otherwise fail again on every run."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """A stored clustering decision (``parallax.cluster.Assignment.explanation``)."""

    article_id: str
    story_id: str
    """The story the article went to on arrival."""
    current_story_id: str | None
    """Where it is now: a later merge or split may have moved it."""
    decision: dict[str, Any]
    decided: datetime | None


@dataclass(frozen=True, slots=True)
class Parked:
    """A story whose briefing failed ``BRIEFING_ATTEMPTS`` times, and is not retried
    until a new report joins it."""

    story_id: str
    title: str
    failures: int
    error: str | None
    """The last failure's message, as recorded in the error log."""


class DatabaseError(RuntimeError):
    """The database cannot be opened or migrated; the message says what to do."""


class Store(StoryReads):
    """Every storage domain (``protocols``) over one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.index: SearchIndex = index_for(engine.dialect.name)

    # --- opening -------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        url = as_url(url) if url else default_db_url()
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create the data folder {folder}: {exc.strerror}; "
                    f"choose another place with --db PATH or ${ENV_VAR}"
                ) from exc
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            _owner_only(Path(parsed.database))
        pool: dict[str, int] = {}
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # The web server runs up to 40 requests at once (AnyIO's thread
            # limit).  With SQLAlchemy's default pool of 5 (+10 overflow), most
            # requests under load opened a new connection and set its pragmas
            # again; SQLite file connections are cheap to keep.
            pool = {"pool_size": 40, "max_overflow": 10}
        connect: dict[str, Any] = {}
        if parsed.get_backend_name() == "postgresql":
            # Times are stored as naive UTC (``schema.UTCDateTime``); a session in
            # UTC keeps any comparison with an aware value on the same clock.
            connect = {"options": "-c timezone=UTC"}
        engine = create_engine(url, future=True, connect_args=connect, **pool)
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if parsed.get_backend_name() == "postgresql":
            event.listen(engine, "connect", _postgres_strings)
        store = cls(engine)
        store.migrate()
        return store

    @cached_property
    def accounts(self) -> SqlAccounts:
        """People's data, in this database's tables."""
        # Imported here: the accounts module imports this one.
        from parallax.store.accounts import SqlAccounts

        return SqlAccounts(self.engine)

    @property
    def url(self) -> str:
        """The database URL, password included: what another process opens it by."""
        return self.engine.url.render_as_string(hide_password=False)

    def migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(resources.files("parallax") / "migrations"))
        try:
            with self.engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, "heads")
        except Exception as exc:  # the driver's own errors vary; all mean the same here
            raise DatabaseError(
                f"cannot open the database {self.engine.url!r}: {exc}. "
                "Check the path and its permissions, or pass another with --db."
            ) from exc

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def writer(self) -> Iterator[Writer]:
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                # Take the write lock now, waiting up to the busy timeout, not at the
                # first write.  What the writer reads to decide (is this article stored
                # yet?) then stays true until it commits; and a deferred transaction
                # that reads, then writes after another process committed, fails at
                # once (SQLITE_BUSY_SNAPSHOT) instead of waiting.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif conn.dialect.name == "postgresql":
                # PostgreSQL's writers lock rows, not the database: two importers'
                # batches would interleave, each counting a story's articles without
                # the other's, or adding to a story the other just merged away.  One
                # lock held to the commit makes them take turns, as on SQLite.
                conn.execute(select(func.pg_advisory_xact_lock(WRITER_LOCK)))
            yield Writer(conn)

    # --- articles ------------------------------------------------------------

    def known_article(self, article_id: str, url: str | None, content_hash: str) -> str | None:
        """Id of a stored article with this id, URL or exact text, if any."""
        clauses = [t.articles.c.id == article_id, t.articles.c.content_hash == content_hash]
        if url:
            clauses.append(t.articles.c.url == url)
        with self.engine.connect() as conn:
            found = conn.execute(select(t.articles.c.id).where(or_(*clauses)).limit(1)).scalar()
        return found

    def article(self, article_id: str) -> Article | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.articles).where(t.articles.c.id == article_id)).first()
        return _article(row._mapping) if row else None

    def story_articles(self, story_id: str) -> list[Article]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.articles)
                .where(t.articles.c.story_id == story_id)
                .order_by(
                    t.articles.c.published.is_(None), t.articles.c.published, t.articles.c.rowid
                )
            ).all()
        return [_article(r._mapping) for r in rows]

    def nlp(self, article_ids: Sequence[str]) -> dict[str, StoredNLP]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.article_nlp).where(t.article_nlp.c.article_id.in_(list(article_ids)))
            ).all()
        return {r.article_id: StoredNLP(**r._mapping) for r in rows}

    def recent_minhashes(
        self, window: timedelta
    ) -> list[tuple[str, bytes, str | None, datetime | None]]:
        """(article id, MinHash signature, original it copies, publication or else arrival
        time) of the articles dated within ``window`` of the newest.

        Measured in news time, as ``DuplicateIndex.forget_older`` measures it while a
        pipeline runs, so that a restarted pipeline checks the articles a running one
        would: by the arrival clock, a freshly imported archive would all come back.
        """
        a, n = t.articles.c, t.article_nlp.c
        when = func.coalesce(a.published, a.added)
        with self.engine.connect() as conn:
            newest = _aware(conn.execute(select(func.max(when))).scalar())
            if newest is None:
                return []
            # A database written before dates were checked may hold year 1 as its newest.
            since = (
                newest - window if newest - datetime.min.replace(tzinfo=UTC) > window else newest
            )
            rows = conn.execute(
                select(n.article_id, n.minhash, a.duplicate_of, a.published, a.added)
                .join(t.articles, a.id == n.article_id)
                .where(when >= since, n.minhash.is_not(None))
            ).all()
        return [
            (r.article_id, r.minhash, r.duplicate_of, _aware(r.published or r.added)) for r in rows
        ]

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.articles)).scalar_one())

    def search(
        self,
        query: str,
        limit: int = 50,
        *,
        offset: int = 0,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Article]:
        """Full-text search over article titles and texts, best match first;
        optionally only one outlet's articles, or those published in [since, until).
        ``query`` follows the reader's syntax (``parallax.store.query``)."""
        with self.engine.connect() as conn:
            rows = self.index.articles(
                conn,
                self._parsed(conn, query),
                limit=limit,
                offset=offset,
                source=source,
                since=since,
                until=until,
            )
        return [_article(r) for r in rows]

    def search_words(self, query: str) -> list[str]:
        """The words a search for ``query`` looks for, other spellings included:
        what to highlight in its results."""
        with self.engine.connect() as conn:
            return self._parsed(conn, query).words()

    def search_story_ids(self, query: str, limit: int = 1000) -> list[str]:
        """Stories of the articles matching ``query``, most recently added first."""
        with self.engine.connect() as conn:
            return self.index.story_ids(conn, self._parsed(conn, query), limit)

    def _parsed(self, conn: Connection, query: str) -> Query:
        """The reader's ``query``, each term widened to the other spellings that
        stories' entities merged with it."""
        parsed = parse_query(query)
        parsed.expand(lambda term: self._spellings(conn, term))
        return parsed

    def _spellings(self, conn: Connection, term: Term, scan: int = 200) -> list[str]:
        """Names that a story's entities merged with ``term`` ("Qaratash" for
        "Karatash"), from the briefings of the newest stories whose articles
        contain it: an alias exists only where some article spelled it."""
        ids = self.index.story_ids(conn, Query(groups=[[term]]), scan)
        if not ids:
            return []
        entities = self.index.entities(conn, ids)
        found: dict[str, None] = {}
        for entity in entities:
            for names in _entity_names(entity):
                if any(spelled(n).key == term.key for n in names):
                    # An alternative no more specific than the term ("Mansur" for
                    # "Leyla Mansur") would find other people: leave it out.
                    found.update(
                        (n, None) for n in names if len(spelled(n).tokens) >= len(term.tokens)
                    )
        return list(found)

    # --- stories -------------------------------------------------------------

    def hot_stories(self, quiet_for: timedelta) -> list[HotRow]:
        """Stories still taking articles, with what the clustering index needs.

        A dated story is hot while its newest article lies within ``quiet_for`` of
        the newest story's: news time, the rule ``StoryIndex.evict_quiet`` applies
        while a pipeline runs, so that a restarted pipeline holds the stories a
        running one would.  (By the wall clock, a restart after importing an archive
        revived every story in it, and old stories took new articles.)  An undated
        story is hot while it was updated within ``quiet_for``.
        """
        c = t.stories.c
        with self.engine.connect() as conn:
            newest = _aware(conn.execute(select(func.max(c.last_published))).scalar())
            hot = and_(c.last_published.is_(None), c.updated >= now() - quiet_for)
            if newest is not None:
                hot = or_(c.last_published >= newest - quiet_for, hot)
            rows = conn.execute(
                select(
                    c.id,
                    c.title,
                    c.centroid,
                    c.keywords,
                    c.n_articles,
                    c.first_published,
                    c.last_published,
                    c.thread_id,
                ).where(hot, c.centroid.is_not(None))
            ).all()
        return [HotRow(**r._mapping) for r in rows]

    def hot_members(self, story_ids: Sequence[str], lead_chars: int) -> list[MemberRow]:
        """The articles of these stories with what the clustering index keeps of each,
        stories oldest first and articles in arrival order."""
        a, n, s = t.articles.c, t.article_nlp.c, t.stories.c
        if not story_ids:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    a.story_id,
                    a.id,
                    a.title,
                    func.substr(a.text, 1, lead_chars).label("lead"),
                    a.published,
                    n.embedding,
                    n.entities,
                )
                .join(t.article_nlp, n.article_id == a.id)
                .join(t.stories, s.id == a.story_id)
                .where(a.story_id.in_(list(story_ids)))
                .order_by(s.created, s.id, a.rowid)
            ).all()
        return [MemberRow(*r) for r in rows]

    def recent_leads(self, limit: int, lead_chars: int) -> list[tuple[str, str]]:
        """(title, lead) of the newest articles, to count word frequencies from."""
        a = t.articles.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(func.coalesce(a.title, ""), func.substr(a.text, 1, lead_chars))
                .order_by(a.rowid.desc())
                .limit(limit)
            ).all()
        return [(r[0], r[1]) for r in rows]

    def dirty_stories(self) -> list[str]:
        """Stories whose briefing is stale, parked ones (see ``briefing_failed``) left out."""
        s = t.stories.c
        with self.engine.connect() as conn:
            query = select(s.id).where(s.dirty, s.brief_failures < BRIEFING_ATTEMPTS)
            return list(conn.execute(query).scalars())

    def briefing_failed(self, story_id: str) -> int:
        """Count a failed briefing; how many failed since the story last changed."""
        s = t.stories.c
        with self.engine.begin() as conn:
            conn.execute(
                update(t.stories)
                .where(s.id == story_id)
                .values(brief_failures=s.brief_failures + 1)
            )
            count = conn.execute(select(s.brief_failures).where(s.id == story_id)).scalar()
        return int(count or 0)

    def parked_stories(self) -> list[Parked]:
        """Stories whose briefing is parked, with the last error each one met."""
        s, e = t.stories.c, t.errors.c
        last_error = (
            select(e.message)
            .where(e.origin == "story " + s.id)
            .order_by(e.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.id, s.title, s.brief_failures, last_error.label("error"))
                .where(s.dirty, s.brief_failures >= BRIEFING_ATTEMPTS)
                .order_by(s.id)
            ).all()
        return [Parked(r.id, r.title, int(r.brief_failures), r.error) for r in rows]

    def assignment(self, article_id: str) -> Assignment | None:
        """Why an article went where it did, as decided when it arrived."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.assignments).where(t.assignments.c.article_id == article_id)
            ).first()
            current = conn.execute(
                select(t.articles.c.story_id).where(t.articles.c.id == article_id)
            ).scalar()
        if row is None:
            return None
        return Assignment(row.article_id, row.story_id, current, row.decision, _aware(row.decided))

    def text_of(self, article_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.articles.c.text).where(t.articles.c.id == article_id)
            ).scalar()

    def set_estimated_dates(self, estimates: dict[str, datetime]) -> None:
        """Record inferred publication dates, flagged as estimates."""
        with self.engine.begin() as conn:
            for article_id, when in estimates.items():
                conn.execute(
                    update(t.articles)
                    .where(t.articles.c.id == article_id)
                    .values(published=when, published_estimated=True)
                )

    def save_briefing(
        self,
        story_id: str,
        title: str,
        briefing: Briefing,
        built_from: Sequence[str] | None = None,
    ) -> bool:
        """Store a story's briefing and mark it fresh; False, storing nothing, when
        ``built_from`` (every article of the story as the briefing read it) is no
        longer the story's articles.

        It is stored as ``export.briefing_json`` writes it, the shape that
        ``Briefing.from_json`` reads back and the story API hands out.

        Another importer may have added a report (or merged the story away) since:
        saved, this briefing would overwrite the newer one that importer wrote, and
        leave the story marked fresh without its report.  The importer that changed
        the story briefs it afterwards (the story stays dirty until one does).  The
        check and the write hold the writers' lock, so no batch commits between them."""
        # Imported here: export reads stories through this package.
        from parallax.export import briefing_json

        with self.writer() as writer:
            if built_from is not None:
                a = t.articles.c
                now_in = writer.conn.execute(select(a.id).where(a.story_id == story_id))
                if set(now_in.scalars()) != set(built_from):
                    return False
            writer.conn.execute(
                update(t.stories)
                .where(t.stories.c.id == story_id)
                .values(briefing=briefing_json(briefing), title=title, dirty=False)
            )
        return True

    # --- feeds ---------------------------------------------------------------

    def add_feed(
        self, url: str, title: str | None = None, added_by: int | None = None
    ) -> tuple[Feed, bool]:
        """The feed for ``url``, and whether it was new (``added_by`` is kept only then)."""
        with self.engine.begin() as conn:
            existing = conn.execute(select(t.sources).where(t.sources.c.url == url)).first()
            if existing:
                return Feed(**existing._mapping), False
            conn.execute(
                insert(t.sources).values(
                    url=url,
                    title=title,
                    kind="feed",
                    added=now(),
                    error_count=0,
                    items_seen=0,
                    added_by=added_by,
                )
            )
            row = conn.execute(select(t.sources).where(t.sources.c.url == url)).one()
        return Feed(**row._mapping), True

    def feeds(self) -> list[Feed]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.sources).order_by(t.sources.c.id)).all()
        return [Feed(**r._mapping) for r in rows]

    def remove_feed(self, url: str) -> bool:
        with self.engine.begin() as conn:
            feed_id = conn.execute(select(t.sources.c.id).where(t.sources.c.url == url)).scalar()
            if feed_id is None:
                return False
            conn.execute(t.feed_entries.delete().where(t.feed_entries.c.feed_id == feed_id))
            conn.execute(
                update(t.articles).where(t.articles.c.feed_id == feed_id).values(feed_id=None)
            )
            conn.execute(update(t.errors).where(t.errors.c.feed_id == feed_id).values(feed_id=None))
            conn.execute(t.sources.delete().where(t.sources.c.id == feed_id))
        return True

    def outlet_feeds(self, name: str, error_limit: int = 20) -> OutletFeeds:
        """The feeds an outlet's articles came through (or whose title is its name),
        their recent errors, and how many articles the outlet has."""
        a, e = t.articles.c, t.errors.c
        with self.engine.connect() as conn:
            n = conn.execute(select(func.count()).where(outlet_condition(name))).scalar_one()
            feed_ids = set(
                conn.execute(
                    select(a.feed_id)
                    .where(outlet_condition(name), a.feed_id.is_not(None))
                    .distinct()
                ).scalars()
            )
            feed_ids |= set(
                conn.execute(select(t.sources.c.id).where(t.sources.c.title == name)).scalars()
            )
            errors = conn.execute(
                select(e.at, e.origin, e.message)
                .where(e.feed_id.in_(feed_ids) if feed_ids else false())
                .order_by(e.id.desc())
                .limit(error_limit)
            ).all()
        feeds = [f for f in self.feeds() if f.id in feed_ids]
        return OutletFeeds(feeds, [(r.at, r.origin, r.message) for r in errors], int(n))

    def update_feed(self, feed_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(t.sources).where(t.sources.c.id == feed_id).values(**values))

    def seen_entries(self, feed_id: int, guids: Sequence[str]) -> set[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.feed_entries.c.guid).where(
                    t.feed_entries.c.feed_id == feed_id, t.feed_entries.c.guid.in_(list(guids))
                )
            ).scalars()
            return set(rows)

    # --- errors --------------------------------------------------------------

    def record_error(self, origin: str, message: str, feed_id: int | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.errors).values(at=now(), origin=origin, message=message, feed_id=feed_id)
            )

    def recent_errors(self, limit: int = 50) -> list[tuple[datetime, str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.errors.c.at, t.errors.c.origin, t.errors.c.message)
                .order_by(t.errors.c.id.desc())
                .limit(limit)
            ).all()
        return [(r.at, r.origin, r.message) for r in rows]


class Writer:
    """Writes inside one transaction (see ``Store.writer``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_article(self, article: Article, content_hash: str, feed_id: int | None = None) -> bool:
        """Store an article; False, storing nothing, when one with its id is stored already.

        Another importer may have stored it since it was read: that is a duplicate,
        not an error.  The caller's check inside the writer's lock rules that out;
        skipping the row keeps a writer that did not check from failing the batch."""
        result = self.conn.execute(
            _insert_new(self.conn, t.articles, "id").values(
                id=article.id,
                url=article.url,
                source=article.source,
                author=article.author,
                title=article.title,
                published=article.published,
                published_estimated=article.published_estimated,
                language=article.language,
                section=article.section,
                image=article.image,
                text=article.text,
                content_hash=content_hash,
                duplicate_of=article.duplicate_of,
                wire=article.wire,
                story_id=article.story_id,
                feed_id=feed_id,
                added=article.added or now(),
            )
            # The row it inserted, or none: psycopg reports no rowcount (-1) here.
            .returning(t.articles.c.id)
        )
        return result.first() is not None

    def published(self, article_id: str) -> datetime | None:
        """An article's publication time, seeing this transaction's own writes."""
        found = self.conn.execute(
            select(t.articles.c.published).where(t.articles.c.id == article_id)
        ).scalar()
        return _aware(found)

    def reroot_copies(self, old_original: str, new_original: str) -> None:
        """Make ``new_original`` the original of ``old_original`` and of all its copies."""
        a = t.articles.c
        self.conn.execute(
            update(t.articles)
            .where((a.duplicate_of == old_original) | (a.id == old_original))
            .values(duplicate_of=new_original)
        )

    def add_nlp(self, record: StoredNLP) -> None:
        self.conn.execute(
            insert(t.article_nlp).values(
                article_id=record.article_id,
                doc=record.doc,
                embedding=record.embedding,
                minhash=record.minhash,
                entities=record.entities,
            )
        )

    def add_assignment(self, article_id: str, story_id: str, decision: dict[str, Any]) -> None:
        self.conn.execute(
            insert(t.assignments).values(
                article_id=article_id, story_id=story_id, decision=decision, decided=now()
            )
        )

    def move_articles(self, from_story: str, to_story: str) -> None:
        self.conn.execute(
            update(t.articles).where(t.articles.c.story_id == from_story).values(story_id=to_story)
        )
        self.conn.execute(t.stories.delete().where(t.stories.c.id == from_story))

    def merge_story(self, absorbed: str, into: str) -> None:
        """Fold one story into another; the absorbed id (and its own aliases) lead to it."""
        aliases = t.story_aliases
        self.conn.execute(
            update(aliases).where(aliases.c.story_id == absorbed).values(story_id=into)
        )
        self.conn.execute(insert(aliases).values(alias=absorbed, story_id=into, merged=now()))
        self.move_articles(absorbed, into)

    def split_story(self, article_ids: Sequence[str], new_story: str) -> None:
        """Move articles to a story split off theirs (saved next with ``save_story``).

        The new id may be one an earlier merge retired: it is a story again, not an alias.
        """
        self.conn.execute(t.story_aliases.delete().where(t.story_aliases.c.alias == new_story))
        self.conn.execute(
            update(t.articles)
            .where(t.articles.c.id.in_(list(article_ids)))
            .values(story_id=new_story)
        )

    def save_story(
        self,
        story: Story,
        centroid: bytes,
        keywords: list[str],
        first_published: datetime | None,
        last_published: datetime | None,
        thread_id: str | None = None,
    ) -> None:
        """Insert or update a story's index fields and mark its briefing stale."""
        counts = self.conn.execute(
            select(func.count(), func.count(func.distinct(t.articles.c.source))).where(
                t.articles.c.story_id == story.id
            )
        ).one()
        values = {
            "title": story.title,
            "updated": story.updated or now(),
            "first_published": first_published,
            "last_published": last_published,
            "n_articles": counts[0],
            "n_sources": counts[1],
            "centroid": centroid,
            "keywords": keywords,
            "dirty": True,
            "brief_failures": 0,  # a new report may be what makes the briefing work
            "thread_id": thread_id or story.id,
        }
        exists = self.conn.execute(
            select(t.stories.c.id).where(t.stories.c.id == story.id)
        ).scalar()
        if exists:
            self.conn.execute(update(t.stories).where(t.stories.c.id == story.id).values(**values))
        else:
            self.conn.execute(
                insert(t.stories).values(id=story.id, created=story.created or now(), **values)
            )

    def mark_entry(self, feed_id: int, guid: str, article_id: str | None) -> None:
        exists = self.conn.execute(
            select(t.feed_entries.c.guid).where(
                t.feed_entries.c.feed_id == feed_id, t.feed_entries.c.guid == guid
            )
        ).first()
        if not exists:
            self.conn.execute(
                insert(t.feed_entries).values(
                    feed_id=feed_id, guid=guid, article_id=article_id, seen=now()
                )
            )


def _insert_new(conn: Connection, table: Table, key: str) -> Any:
    """An INSERT that skips a row whose ``key`` is taken (ON CONFLICT DO NOTHING,
    which SQLite and PostgreSQL spell alike)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[key])


def _entity_names(entity: dict[str, Any]) -> Iterator[list[str]]:
    """An entity's name with its aliases; a malformed one has none."""
    aliases = entity.get("aliases")
    names = [entity.get("name"), *(aliases if isinstance(aliases, list) else [])]
    yield [n for n in names if isinstance(n, str) and n.strip()]


def _article(row: Any) -> Article:
    return Article(
        id=row["id"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
        author=row["author"],
        published=_aware(row["published"]),
        published_estimated=bool(row["published_estimated"]),
        language=row["language"],
        section=row["section"],
        image=row["image"],
        duplicate_of=row["duplicate_of"],
        wire=row["wire"],
        story_id=row["story_id"],
        added=_aware(row["added"]),
    )


def _aware(value: Any) -> datetime | None:
    # Raw-SQL rows (search) bypass the column type, so parse here too.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _owner_only(path: Path) -> None:
    """Create the database file readable by its owner alone, or make it so.

    It holds password hashes and the form-signing key.  SQLite gives the -wal
    and -shm files it creates the database file's permissions; files left
    group- or world-readable by an earlier version are tightened when they are ours."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the database {path}: {exc.strerror}; "
            f"choose another place with --db PATH or ${ENV_VAR}"
        ) from exc
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = file.stat().st_mode
            if mode & 0o077 and file.stat().st_uid == os.getuid():
                file.chmod(mode & 0o700)
        except OSError:
            pass  # not there, or not ours to change: opening says what is wrong


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # WAL lets the reader serve while an import writes; the busy timeout makes
    # the writer wait for a lock instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _postgres_strings(dbapi_conn: Any, _record: Any) -> None:
    """Drop U+0000 from the strings a PostgreSQL connection sends.

    SQLite stores it, PostgreSQL's text types cannot hold it, and scraped or
    imported text can carry it (pages never show it: ``web.security`` strips
    control characters).  Without this, a stray NUL in a title or in a fetch
    error's message would fail the whole write, on PostgreSQL alone."""
    from psycopg.types.string import StrDumperUnknown

    class NulFree(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", ""))

    dbapi_conn.adapters.register_dumper(str, NulFree)
