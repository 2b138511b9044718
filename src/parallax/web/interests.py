"""What a person follows, matched against stories: the For you ranking and the
entity and topic feeds.

- An **entity** is a named person, group or place.  Its key is the engine's
  loose entity key (``enrich.entity_key``), so "the Kremlin" and "Kremlin's"
  meet; a story names it when its briefing lists it under that name or an
  alias, or when the clustering index keeps it among the story's top keys
  (which is there before the briefing is written).
- A **topic** is any word or phrase, compared as words ("world-news" and
  "World News" are one topic, so a section's slug names it too).  A story is on
  it when those words appear in a row in the story's title, its articles'
  headlines or sections, or its summary.
- An **outlet** is an outlet name as the reader shows it.

Muting an entity or topic hides every story that names it; muting an outlet
hides the stories that only muted outlets cover (a story many outlets carry
is still news).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from parallax.enrich import entity_key
from parallax.store import StoryRow
from parallax.store.accounts import Interest, Kind, User
from parallax.store.protocols import Accounts, Stories
from parallax.web.view import outlet_name

WINDOW = 500
"""Latest stories considered for personal lists and feeds: enough for days of
news from many outlets, bounded so that a page costs the same on a big archive."""

HALF_LIFE_HOURS = 24.0
"""How fast a match fades: a story a day older needs twice the matches to
rank level with a fresh one."""

LABEL_CHARS = 200
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65_536)
def follow_key(kind: Kind, name: str) -> str:
    """The key a follow or mute is stored under (memoised: every listing keys the
    same names again)."""
    if kind == "entity":
        return " ".join(entity_key(name).split())
    if kind == "topic":
        return _words(name)
    return " ".join(name.casefold().split())


def interest(kind: Kind, name: str) -> Interest | None:
    """An interest from a name typed or clicked; None when nothing is left of it."""
    label = " ".join(name.split())[:LABEL_CHARS]
    key = follow_key(kind, label)
    return Interest(kind, key, label) if key else None


@dataclass(slots=True)
class Profile:
    """What a story can be matched on."""

    row: StoryRow
    entities: dict[str, str] = field(default_factory=dict)
    """Entity key -> the name to show."""
    outlets: dict[str, str] = field(default_factory=dict)
    """Outlet key -> the name to show."""
    text: str = ""
    """Title, headlines, sections and summary as words (see ``_words``), one
    line each, for topics."""

    def matches(self, wanted: Interest) -> bool:
        if wanted.kind == "entity":
            return wanted.key in self.entities
        if wanted.kind == "outlet":
            return wanted.key in self.outlets
        return re.search(rf"(?<!\S){re.escape(wanted.key)}(?!\S)", self.text) is not None

    def muted_by(self, mutes: Sequence[Interest]) -> bool:
        muted_outlets = {m.key for m in mutes if m.kind == "outlet"}
        if self.outlets and set(self.outlets) <= muted_outlets:
            return True
        return any(self.matches(m) for m in mutes if m.kind != "outlet")

    def entity_name(self, key: str) -> str | None:
        return self.entities.get(key)


@dataclass(slots=True)
class Pick:
    """A story chosen for someone, and the follows that chose it."""

    row: StoryRow
    reasons: list[Interest]
    score: float


def recent_profiles(store: Stories, accounts: Accounts, window: int = WINDOW) -> list[Profile]:
    stories = accounts.recent_stories(window)
    ids = [row.id for row, _ in stories]
    headings = accounts.story_headings(ids)
    bylines = store.story_bylines(ids)
    found = []
    for row, keywords in stories:
        p = Profile(row)
        for entity in row.briefing.entities if row.briefing else []:
            for surface in (entity.name, *entity.aliases):
                p.entities.setdefault(follow_key("entity", surface), entity.name)
        for key in keywords:
            p.entities.setdefault(" ".join(key.split()), key)
        for b in bylines.get(row.id, []):
            name = outlet_name(b.source, b.url)
            p.outlets.setdefault(follow_key("outlet", name), name)
        summary = row.briefing.summary if row.briefing else []
        parts = [row.title, *headings.get(row.id, []), *(s.text for s in summary)]
        p.text = "\n".join(_words(part) for part in parts)
        found.append(p)
    return found


def for_you(
    store: Stories, accounts: Accounts, user: User, limit: int = 50, window: int = WINDOW
) -> list[Pick]:
    """Recent stories that match what ``user`` follows and nothing they mute,
    best first: each matching follow counts one, halved per day of age."""
    follows = accounts.follows(user)
    if not follows:
        return []
    mutes = accounts.mutes(user)
    candidates = recent_profiles(store, accounts, window)
    newest = max((p.row.updated for p in candidates), default=None)
    picks = []
    for p in candidates:
        reasons = [f for f in follows if p.matches(f)]
        if reasons and not p.muted_by(mutes):
            score = len(reasons) * _freshness(p.row.updated, newest)
            picks.append(Pick(p.row, reasons, score))
    picks.sort(key=lambda pick: (-pick.score, -pick.row.updated.timestamp(), pick.row.id))
    return picks[:limit]


def matching(
    store: Stories, accounts: Accounts, wanted: Interest, limit: int = 50, window: int = WINDOW
) -> tuple[list[StoryRow], str]:
    """Recent stories that match one interest, latest first, and the name to
    show for it (the entity's name as the briefings write it, when known)."""
    found = [p for p in recent_profiles(store, accounts, window) if p.matches(wanted)]
    label = wanted.label
    if wanted.kind == "entity":
        label = next((n for p in found if (n := p.entity_name(wanted.key))), label)
    return [p.row for p in found[:limit]], label


def _freshness(updated: datetime, newest: datetime | None) -> float:
    if newest is None:
        return 1.0
    hours = max(0.0, (newest - updated).total_seconds() / 3600)
    return float(0.5 ** (hours / HALF_LIFE_HOURS))


def _words(text: str) -> str:
    """Case-folded words joined by single spaces: punctuation and spacing ignored."""
    return " ".join(_WORD.findall(text.casefold()))
