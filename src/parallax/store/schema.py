"""Table definitions (SQLAlchemy Core).  Alembic migrations create them; this
module is what queries are written against, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    func,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out.

    SQLite has no time-zone type; storing naive UTC and re-attaching the zone on
    the way out keeps comparisons and ISO output right on every backend.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("title", Text),
    Column("kind", String(16), nullable=False, default="feed"),
    Column("added", UTCDateTime, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetch", UTCDateTime),
    Column("last_success", UTCDateTime),
    Column("last_error", Text),
    Column("error_count", Integer, nullable=False, default=0),
    Column("items_seen", Integer, nullable=False, default=0),
    Column("next_poll", UTCDateTime),
    # Migration 0002: the polling interval that adapts to how often the feed
    # changes, and when the feed was retired (HTTP 410 Gone; no more polling).
    Column("poll_interval", Integer),
    Column("retired", UTCDateTime),
    # Migration 0008: the account that added the feed (None: the command line,
    # or a server without accounts); it may remove the feed, as may the first account.
    Column("added_by", Integer),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    Column("first_published", UTCDateTime),
    Column("last_published", UTCDateTime),
    Column("n_articles", Integer, nullable=False, default=0),
    Column("n_sources", Integer, nullable=False, default=0),
    Column("centroid", LargeBinary),
    Column("keywords", JSON),
    Column("briefing", JSON),
    Column("dirty", Boolean, nullable=False, default=True),
    # Migration 0007: briefings that failed since the story last changed; at
    # ``BRIEFING_ATTEMPTS`` the story is parked (left dirty, not retried).
    Column("brief_failures", Integer, nullable=False, default=0),
    # Migration 0010: the thread a story is an event of (the id of its first story).
    Column("thread_id", String(32)),
    Index("ix_stories_updated", "updated"),
    Index("ix_stories_thread", "thread_id"),
    # Migration 0012: a starting pipeline's hot stories and unfinished briefings.
    Index("ix_stories_last_published", "last_published"),
    Index("ix_stories_dirty", "dirty"),
)

# Migration 0003: when two stories merge, the absorbed story's id stays here,
# pointing at the survivor, so links and follows made to it keep working.
story_aliases = Table(
    "story_aliases",
    metadata,
    Column("alias", String(32), primary_key=True),
    Column(
        "story_id",
        String(32),
        ForeignKey("stories.id", deferrable=True, initially="DEFERRED"),
        nullable=False,
    ),
    Column("merged", UTCDateTime, nullable=False),
    Index("ix_story_aliases_story", "story_id"),
)

articles = Table(
    "articles",
    metadata,
    # An explicit integer rowid lets the FTS5 index point at articles.
    Column("rowid", Integer, primary_key=True, autoincrement=True),
    Column("id", String(128), nullable=False, unique=True),
    Column("url", Text),
    Column("source", Text),
    Column("author", Text),
    Column("title", Text),
    Column("published", UTCDateTime),
    Column("published_estimated", Boolean, nullable=False, default=False),
    Column("language", String(16)),
    Column("section", Text),
    Column("image", Text),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("duplicate_of", String(128)),
    Column("wire", String(64)),  # migration 0004: the agency credited as the text's author
    # Deferred: an article and the story it founds are written in one
    # transaction, and the story row's counts need the article row first.
    Column(
        "story_id",
        String(32),
        ForeignKey("stories.id", deferrable=True, initially="DEFERRED"),
    ),
    Column("feed_id", Integer, ForeignKey("sources.id")),
    Column("added", UTCDateTime, nullable=False),
    Index("ix_articles_url", "url"),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_story", "story_id"),
    Index("ix_articles_duplicate_of", "duplicate_of"),  # migration 0012
)
# Migration 0012: news time, as the de-duplication window reads it.
Index("ix_articles_news_time", func.coalesce(articles.c.published, articles.c.added))

article_nlp = Table(
    "article_nlp",
    metadata,
    Column("article_id", String(128), ForeignKey("articles.id"), primary_key=True),
    Column("doc", LargeBinary, nullable=False),
    Column("embedding", LargeBinary, nullable=False),
    Column("minhash", LargeBinary),
    Column("entities", JSON, nullable=False),
)

assignments = Table(
    "assignments",
    metadata,
    Column("article_id", String(128), ForeignKey("articles.id"), primary_key=True),
    Column("story_id", String(32), nullable=False),
    Column("decision", JSON, nullable=False),
    Column("decided", UTCDateTime, nullable=False),
)
"""Why each article went to its story: the candidates scored and each signal (migration 0009)."""

feed_entries = Table(
    "feed_entries",
    metadata,
    Column("feed_id", Integer, ForeignKey("sources.id"), primary_key=True),
    Column("guid", Text, primary_key=True),
    Column("article_id", String(128)),
    Column("seen", UTCDateTime, nullable=False),
)

errors = Table(
    "errors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("origin", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("feed_id", Integer, ForeignKey("sources.id")),
    Index("ix_errors_at", "at"),
)

# --- people (migration 0005) ------------------------------------------------
# Story ids are kept without a foreign key: merging stories deletes the
# absorbed one, and a reader's saved or read mark must not block that.

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    # NULL for the implicit profile of a single-user server (no password, no login).
    Column("password_hash", Text),
    Column("created", UTCDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie's secret
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("expires", UTCDateTime, nullable=False),
    Index("ix_sessions_user", "user_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("label", Text, nullable=False),
    Column("prefix", String(16), nullable=False),  # shown in listings to tell tokens apart
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created", UTCDateTime, nullable=False),
    Column("last_used", UTCDateTime),
)

follows = Table(
    "follows",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # entity | topic | outlet
    Column("key", Text, primary_key=True),
    Column("label", Text, nullable=False),
    Column("created", UTCDateTime, nullable=False),
)

mutes = Table(
    "mutes",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("label", Text, nullable=False),
    Column("created", UTCDateTime, nullable=False),
)

reads = Table(
    "reads",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("story_id", String(32), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
)

saves = Table(
    "saves",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("story_id", String(32), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
)

# --- the server's own values (migration 0006) ----------------------------------

settings = Table(
    "settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
