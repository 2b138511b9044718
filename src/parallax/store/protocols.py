"""What storage offers, split by domain: articles, stories, feeds and errors,
and the transaction that writes them.

``Store`` implements them all over one SQLAlchemy engine (SQLite or
PostgreSQL); people and their follows are ``accounts.Accounts``, and full-text
search is ``search.SearchIndex``.  Callers are typed against the part they use
(the reader's pages against ``Reading``), so what a part of the program may do
to the database is written in its signature, and another storage (a replica, a
cache in front of the reader) needs only the parts its caller names.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the records live beside the implementation, which imports this module
    from parallax.model import Article, Briefing
    from parallax.store.database import (
        Assignment,
        Feed,
        HotRow,
        MemberRow,
        OutletFeeds,
        Parked,
        Store,
        StoredNLP,
        Writer,
    )
    from parallax.store.stories import Byline, Part, StoryKey, StoryQuery, StoryRow


class Articles(Protocol):
    """Stored articles, what enrichment kept of them, and search over them."""

    def known_article(self, article_id: str, url: str | None, content_hash: str) -> str | None: ...
    def article(self, article_id: str) -> Article | None: ...
    def story_articles(self, story_id: str) -> list[Article]: ...
    def text_of(self, article_id: str) -> str | None: ...
    def nlp(self, article_ids: Sequence[str]) -> dict[str, StoredNLP]: ...
    def recent_minhashes(
        self, window: timedelta
    ) -> list[tuple[str, bytes, str | None, datetime | None]]: ...
    def recent_leads(self, limit: int, lead_chars: int) -> list[tuple[str, str]]: ...
    def count_articles(self) -> int: ...
    def set_estimated_dates(self, estimates: dict[str, datetime]) -> None: ...
    def section_counts(self) -> list[tuple[str, int]]: ...
    def outlet_counts(self) -> list[tuple[str, int, datetime | None]]: ...
    def search(
        self,
        query: str,
        limit: int = 50,
        *,
        offset: int = 0,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Article]: ...
    def search_words(self, query: str) -> list[str]: ...
    def search_story_ids(self, query: str, limit: int = 1000) -> list[str]: ...


class Stories(Protocol):
    """Stories as listed (``StoryQuery``), their briefings, and how articles joined them."""

    def find_stories(
        self, query: StoryQuery, parts: Sequence[Part] | None = None
    ) -> list[StoryRow]: ...
    def story_keys(self, query: StoryQuery) -> list[StoryKey]: ...
    def stories(
        self, limit: int = 50, offset: int = 0, parts: Sequence[Part] | None = None
    ) -> list[StoryRow]: ...
    def story(self, story_id: str) -> StoryRow | None: ...
    def thread(self, thread_id: str, parts: Sequence[Part] | None = ...) -> list[StoryRow]: ...
    def story_bylines(self, story_ids: Sequence[str]) -> dict[str, list[Byline]]: ...
    def story_sections(self, story_ids: Sequence[str]) -> list[tuple[str, str]]: ...
    def hot_stories(self, quiet_for: timedelta) -> list[HotRow]: ...
    def hot_members(self, story_ids: Sequence[str], lead_chars: int) -> list[MemberRow]: ...
    def dirty_stories(self) -> list[str]: ...
    def briefing_failed(self, story_id: str) -> int: ...
    def parked_stories(self) -> list[Parked]: ...
    def save_briefing(
        self,
        story_id: str,
        title: str,
        briefing: Briefing,
        built_from: Sequence[str] | None = None,
    ) -> bool: ...
    def assignment(self, article_id: str) -> Assignment | None: ...


class Feeds(Protocol):
    """Subscribed feeds, their polling state, and the entries already seen."""

    def add_feed(
        self, url: str, title: str | None = None, added_by: int | None = None
    ) -> tuple[Feed, bool]: ...
    def feeds(self) -> list[Feed]: ...
    def remove_feed(self, url: str) -> bool: ...
    def update_feed(self, feed_id: int, **values: Any) -> None: ...
    def seen_entries(self, feed_id: int, guids: Sequence[str]) -> set[str]: ...
    def outlet_feeds(self, name: str, error_limit: int = 20) -> OutletFeeds: ...


class Errors(Protocol):
    """The error log: every failure with its origin."""

    def record_error(self, origin: str, message: str, feed_id: int | None = None) -> None: ...
    def recent_errors(self, limit: int = 50) -> list[tuple[datetime, str, str]]: ...


class Writing(Protocol):
    """Writes in one transaction that holds the database's write lock to its commit
    (``Store.writer``): a batch of articles with their stories, or entries seen."""

    def writer(self) -> AbstractContextManager[Writer]: ...


class Reading(Articles, Stories, Protocol):
    """What the reader's listings and feeds read: articles and stories."""


class Importing(Articles, Stories, Errors, Writing, Protocol):
    """What the pipeline reads and writes: articles, the stories they join and
    their briefings, and the errors of records it could not store."""


class Polling(Feeds, Errors, Writing, Protocol):
    """What the poller keeps: the feeds' state, the entries seen, and errors."""


if TYPE_CHECKING:

    def _store_has_every_domain(store: Store) -> tuple[Reading, Importing, Polling]:
        """Checked by mypy, never run: ``Store`` implements every protocol above, so a
        method missing from it, or one whose signature drifted, fails the type check."""
        return store, store, store
