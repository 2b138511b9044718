"""Rows as a database may hold them, written past the store's own checks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from parallax.store import Store
from parallax.store import schema as t


def store_briefing_json(store: Store, story_id: str, title: str, data: Any) -> None:
    """Store ``data`` as a story's briefing, as it is: a briefing written by another
    Parallax (an older or a newer one) or by a buggy stage.  ``Store.save_briefing``
    takes only a typed ``Briefing``, and so writes only the current shape."""
    with store.engine.begin() as conn:
        conn.execute(
            update(t.stories)
            .where(t.stories.c.id == story_id)
            .values(briefing=data, title=title, dirty=False)
        )
