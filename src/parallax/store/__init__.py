"""Storage: SQLite by default, PostgreSQL by URL; see ``database.Store``."""

from parallax.store.database import (
    ENV_VAR,
    Assignment,
    DatabaseError,
    Feed,
    HotRow,
    Parked,
    Store,
    StoredNLP,
    Writer,
    default_db_url,
    now,
)
from parallax.store.stories import Byline, StoryKey, StoryQuery, StoryRow

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
    "StoryKey",
    "StoryQuery",
    "StoryRow",
    "Writer",
    "default_db_url",
    "now",
]
