"""Who covers each story, for story listings: one query for a whole page of
stories instead of loading every story's articles with their full texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from parallax.export import independent_sources
from parallax.store import Store
from parallax.web.view import outlet_name


@dataclass(slots=True)
class Coverage:
    """Who covers a story: outlet names in order of first publication."""

    outlets: list[str] = field(default_factory=list)
    independent: int = 0
    """Outlets (or lone articles without one) that are not syndicated copies,
    as ``export.independent_sources`` counts them."""


def coverage(store: Store, story_ids: Sequence[str]) -> dict[str, Coverage]:
    found: dict[str, Coverage] = {}
    for story_id, bylines in store.story_bylines(story_ids).items():
        outlets = list(dict.fromkeys(outlet_name(b.source, b.url) for b in bylines))
        found[story_id] = Coverage(outlets, independent_sources(bylines))
    return found
