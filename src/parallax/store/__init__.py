"""Storage: SQLite by default, PostgreSQL by URL; see ``database.Store``."""

from parallax.store.database import (
    ENV_VAR,
    Assignment,
    Byline,
    DatabaseError,
    Feed,
    HotRow,
    Parked,
    Store,
    StoredNLP,
    StoryRow,
    Writer,
    default_db_url,
    now,
)

__all__ = [
    "ENV_VAR",
    "Assignment",
    "Byline",
    "DatabaseError",
    "Feed",
    "HotRow",
    "Parked",
    "Store",
    "StoredNLP",
    "StoryRow",
    "Writer",
    "default_db_url",
    "now",
]
