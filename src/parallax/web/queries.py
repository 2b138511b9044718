"""Read queries the web needs that ``Store`` does not offer (yet).

Kept here, over ``store.engine`` and the schema tables, so that the front page
costs one query for all its stories instead of one ``story_articles`` (with
full texts) per story.  Candidates to move into ``Store``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from parallax.store import Store
from parallax.store import schema as t
from parallax.web.view import outlet_name


@dataclass(slots=True)
class Coverage:
    """Who covers a story: outlet names in order of first publication."""

    outlets: list[str] = field(default_factory=list)
    independent: int = 0
    """Outlets (or lone articles without one) that are not syndicated copies,
    counted as ``export.story_json`` counts ``independent_sources``."""


def coverage(store: Store, story_ids: Sequence[str]) -> dict[str, Coverage]:
    if not story_ids:
        return {}
    a = t.articles.c
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(a.story_id, a.id, a.source, a.url, a.duplicate_of)
            .where(a.story_id.in_(list(story_ids)))
            .order_by(a.story_id, a.published.is_(None), a.published, a.rowid)
        ).all()
    found: dict[str, Coverage] = {sid: Coverage() for sid in story_ids}
    independent: dict[str, set[str]] = {sid: set() for sid in story_ids}
    for row in rows:
        cover = found[row.story_id]
        name = outlet_name(row.source, row.url)
        if name not in cover.outlets:
            cover.outlets.append(name)
        if row.duplicate_of is None:
            independent[row.story_id].add(row.source or row.id)
    for sid, cover in found.items():
        cover.independent = len(independent[sid])
    return found
