"""The reader's listing queries: ranked and filtered stories, topics, outlets,
entities, and who covers each story.

The store runs the queries (``store.stories.StoryQuery`` says which stories);
this module ranks, pages and groups what it returns.  Lists that every page
needs (topics, outlets) and the front page's ranking are kept for a few
seconds, so a busy front page costs a few indexed look-ups rather than a scan
of the archive per request.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Generic, TypeVar

from parallax.export import independent_sources, iso_at
from parallax.model import Entity, TimelineEvent
from parallax.store import StoryKey, StoryQuery, StoryRow
from parallax.store.protocols import Reading
from parallax.store.stories import CARD, Part
from parallax.web import ranking
from parallax.web.view import outlet_name, plain

log = logging.getLogger(__name__)

POOL = 500
"""How many of the most recently active stories the ranking scores.  Beyond
them, stories follow newest first: a story that is not among the 500 most
recent has decayed below any of them unless it had hundreds of outlets."""

RANK_EVERY = 15
"""Seconds: the ranking is computed as of a moment rounded down to this, and
reused until it moves on, so pages are at most this stale."""

LIST_TTL = 60.0
"""Seconds the topic and outlet lists are kept."""

STALE_GRACE = 300.0
"""Seconds past its time a kept page part may still be served while its
successor is computed in the background; a page nobody asked for in that long
is computed while its reader waits."""

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """A small time-limited memo: values computed once per key and kept ``ttl`` seconds.

    When a value expires under load, one thread computes it again while the
    others asking for the same key wait for that result, instead of all of them
    computing it at once.  With a ``grace``, nobody waits: for ``grace``
    seconds after it expires, the old value is still served while one
    background thread computes the new one (stale-while-revalidate).  Without
    it, every request that arrived during a recompute waited for it, and those
    waits were the reader's slowest 1 % (see bench/web_latency.py).
    """

    def __init__(self, ttl: float, size: int = 64, grace: float = 0.0) -> None:
        self.ttl = ttl
        self.size = size
        self.grace = grace
        self._values: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        self._computing: dict[K, threading.Lock] = {}

    def get(self, key: K, compute: Callable[[], V]) -> V:
        with self._lock:
            found = self._values.get(key)
        now = time.monotonic()
        if found is not None:
            expires, value = found
            if now < expires:
                return value
            if now < expires + self.grace:
                self._refresh(key, compute)
                return value
        with self._lock:
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            found = self._fresh(key)  # computed by another thread while this one waited
            if found is not None:
                return found[1]
            try:
                value = compute()
                self._keep(key, value)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return value

    def _refresh(self, key: K, compute: Callable[[], V]) -> None:
        with self._lock:
            if key in self._computing:
                return  # already being computed
            gate = self._computing[key] = threading.Lock()
            gate.acquire()

        def work() -> None:
            try:
                self._keep(key, compute())
            except Exception:
                # The stale value stays; the next request past expiry tries again.
                log.exception("could not refresh a kept value")
            finally:
                with self._lock:
                    self._computing.pop(key, None)
                gate.release()

        threading.Thread(target=work, name="parallax-refresh", daemon=True).start()

    def _fresh(self, key: K) -> tuple[float, V] | None:
        with self._lock:
            found = self._values.get(key)
        return found if found is not None and found[0] > time.monotonic() else None

    def _keep(self, key: K, value: V) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._values) >= self.size:
                self._values = {k: v for k, v in self._values.items() if v[0] + self.grace > now}
                if len(self._values) >= self.size:
                    self._values.clear()
            self._values[key] = (now + self.ttl, value)


# --- filters and cursors -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    topic: str | None = None
    """A topic slug (see ``topic_slug``)."""
    outlet: str | None = None
    since: date | None = None
    until: date | None = None

    def active(self) -> bool:
        return any(v is not None for v in (self.topic, self.outlet, self.since, self.until))

    def params(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them."""
        found = {"topic": self.topic, "outlet": self.outlet, "from": self.since, "to": self.until}
        return {k: str(v) for k, v in found.items() if v is not None}


class BadCursor(ValueError):
    """A cursor that this server did not write (or an older one, now unreadable)."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a listing stopped: ``kind`` "r" (ranked part, key = log score) or
    "a" (the part after the ranked pool, key = ISO activity time)."""

    as_of: datetime
    kind: str
    key: float | str
    id: str

    def encode(self) -> str:
        raw = json.dumps([self.as_of.timestamp(), self.kind, self.key, self.id])
        return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Place:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            stamp, kind, key, story_id = json.loads(raw)
            place = cls(datetime.fromtimestamp(float(stamp), UTC), str(kind), key, str(story_id))
            if kind == "a":
                datetime.fromisoformat(key)
        except (ValueError, TypeError, binascii.Error, OverflowError, OSError) as exc:
            raise BadCursor("this cursor is not one the server wrote") from exc
        if (place.kind, type(place.key)) not in (("r", float), ("r", int), ("a", str)):
            raise BadCursor("this cursor is not one the server wrote")
        return place


def offset_cursor(offset: int) -> str:
    """An opaque cursor for lists in relevance order (search), where the position is the key."""
    return base64.urlsafe_b64encode(json.dumps(["o", offset]).encode()).decode().rstrip("=")


def read_offset(token: str) -> int:
    try:
        kind, offset = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise BadCursor("this cursor is not one the server wrote") from exc
    if kind != "o" or not isinstance(offset, int) or not 0 <= offset <= 100_000:
        raise BadCursor("this cursor is not one the server wrote")
    return offset


@dataclass(slots=True)
class StoryPage:
    rows: list[StoryRow]
    next: str | None
    """Cursor of the next page; None on the last."""
    as_of: datetime
    folded: dict[str, list[StoryRow]] = field(default_factory=dict)
    """Under a listed story, the other events of its thread that the ranking
    would have listed below it, best ranked first (``fold_threads`` only)."""


# --- the ranked story listing ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ranked:
    order: list[tuple[float, str]]
    """(-log score, id) pairs, best first."""
    full: bool
    """Whether the pool was full, so that older stories follow it."""
    threads: dict[str, str]
    """The thread of each pooled story that has one."""

    def folded(self) -> tuple[list[tuple[float, str]], dict[str, list[str]]]:
        """The order with each thread reduced to its best-ranked event, and the
        events folded under each: a running subject takes one place on the front
        page rather than one per day."""
        heads: dict[str, str] = {}
        order: list[tuple[float, str]] = []
        under: dict[str, list[str]] = {}
        for entry in self.order:
            thread = self.threads.get(entry[1])
            head = heads.get(thread) if thread is not None else None
            if head is None:
                order.append(entry)
                if thread is not None:
                    heads[thread] = entry[1]
            else:
                under.setdefault(head, []).append(entry[1])
        return order, under


@dataclass(slots=True)
class Memos:
    """One store's kept results."""

    pools: Kept[tuple[Filters, datetime], Ranked] = field(
        default_factory=lambda: Kept(RANK_EVERY * 2)
    )
    topics: Kept[None, list[Topic]] = field(
        default_factory=lambda: Kept(LIST_TTL, 1, grace=STALE_GRACE)
    )
    outlets: Kept[None, list[OutletInfo]] = field(
        default_factory=lambda: Kept(LIST_TTL, 1, grace=STALE_GRACE)
    )


_memos: weakref.WeakKeyDictionary[Reading, Memos] = weakref.WeakKeyDictionary()


def memos(store: Reading) -> Memos:
    found = _memos.get(store)
    if found is None:
        found = _memos[store] = Memos()
    return found


def as_of_now(now: datetime | None = None) -> datetime:
    moment = now or datetime.now(UTC)
    stamp = int(moment.timestamp()) // RANK_EVERY * RANK_EVERY
    return datetime.fromtimestamp(stamp, UTC)


def story_page(
    store: Reading,
    filters: Filters,
    *,
    limit: int,
    cursor: str | None = None,
    fold_threads: bool = False,
) -> StoryPage:
    """One page of stories in front-page order (see ``ranking``), after ``cursor``;
    with ``fold_threads``, a thread's events in the ranked pool are folded under
    the best ranked of them."""
    place = Place.decode(cursor) if cursor else None
    as_of = place.as_of if place else as_of_now()
    query = listing_query(store, filters)
    pool = memos(store).pools.get((filters, as_of), lambda: _rank(store, query, as_of))
    ranked, under = pool.folded() if fold_threads else (pool.order, {})

    picked: list[Place] = []
    if place is None or place.kind == "r":
        start = 0
        if place is not None:
            start = bisect.bisect_right(ranked, (-float(place.key), place.id))
        picked = [Place(as_of, "r", -neg, sid) for neg, sid in ranked[start : start + limit + 1]]
    if len(picked) <= limit and pool.full:
        if place is not None and place.kind == "a":
            after: tuple[datetime, str] | None = (datetime.fromisoformat(str(place.key)), place.id)
        else:
            after = _pool_end(store, query) if ranked else None
        for key in store.story_keys(
            replace(query, after=after, order="activity", limit=limit + 1 - len(picked))
        ):
            picked.append(Place(as_of, "a", key.activity.isoformat(), key.id))
    more = len(picked) > limit
    picked = picked[:limit]
    rows = stories_by_id(store, [p.id for p in picked])
    folded_ids = {r.id: under[r.id] for r in rows if r.id in under}
    others = stories_by_id(store, [i for ids in folded_ids.values() for i in ids])
    by_id = {o.id: o for o in others}
    folded = {head: [by_id[i] for i in ids if i in by_id] for head, ids in folded_ids.items()}
    return StoryPage(rows, picked[-1].encode() if more and picked else None, as_of, folded)


def listing_query(store: Reading, filters: Filters) -> StoryQuery:
    """The stories the reader's ``filters`` let through; a date covers its whole day."""
    return StoryQuery(
        sections=topic_sections(store, filters.topic) if filters.topic is not None else None,
        outlet=filters.outlet,
        active_since=_start_of(filters.since),
        began_before=_start_of(filters.until + timedelta(days=1)) if filters.until else None,
    )


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, clock.min, UTC) if day is not None else None


def _rank(store: Reading, query: StoryQuery, as_of: datetime) -> Ranked:
    """The pool in ranking order, whether it was full, and its stories' threads."""
    pool = store.story_keys(replace(query, order="activity", limit=POOL))
    reports = _reports(store, [p.id for p in pool])
    ranked = sorted(
        (
            -ranking.log_score(ranking.signals(reports.get(p.id, []), p.activity, as_of), as_of),
            p.id,
        )
        for p in pool
    )
    threads = {p.id: p.thread_id for p in pool if p.thread_id is not None}
    return Ranked(ranked, len(pool) == POOL, threads)


def _reports(store: Reading, story_ids: Sequence[str]) -> dict[str, list[ranking.Report]]:
    return {
        story_id: [
            ranking.Report(b.source, b.id, b.duplicate_of, b.at, b.wire)
            for b in bylines
            if b.at is not None
        ]
        for story_id, bylines in store.story_bylines(story_ids).items()
    }


def _pool_end(store: Reading, query: StoryQuery) -> tuple[datetime, str] | None:
    """(activity, id) of the pool's last story, after which the listing goes on."""
    found: list[StoryKey] = store.story_keys(
        replace(query, order="activity", limit=1, offset=POOL - 1)
    )
    return (found[0].activity, found[0].id) if found else None


def stories_by_id(
    store: Reading, story_ids: Sequence[str], parts: Sequence[Part] = CARD
) -> list[StoryRow]:
    """Stories in the order of ``story_ids``, with the ``parts`` of their briefings
    a listing shows; unknown ids are skipped."""
    return store.find_stories(StoryQuery(ids=tuple(story_ids)), parts)


def outlet_stories(store: Reading, name: str, limit: int) -> list[StoryRow]:
    """The most recently active stories an outlet reported, as cards show them."""
    return store.find_stories(StoryQuery(outlet=name, order="activity", limit=limit), CARD)


# --- who covers a story ------------------------------------------------------------


@dataclass(slots=True)
class Coverage:
    """Who covers a story: outlet names in order of first publication."""

    outlets: list[str] = field(default_factory=list)
    independent: int = 0
    """Outlets (or lone articles without one) that are not syndicated copies,
    as ``export.independent_sources`` counts them."""


def coverage(store: Reading, story_ids: Sequence[str]) -> dict[str, Coverage]:
    found: dict[str, Coverage] = {}
    for story_id, bylines in store.story_bylines(story_ids).items():
        outlets = list(dict.fromkeys(outlet_name(b.source, b.url) for b in bylines))
        found[story_id] = Coverage(outlets, independent_sources(bylines))
    return found


# --- topics ------------------------------------------------------------------------
# A topic is the section an outlet filed an article under ("World", "Sport"),
# as the feed's category or the page's metadata gave it.  Outlets spell sections
# differently ("World news", "world-news"), so sections are compared by slug.
# A story belongs to every topic one of its articles was filed under.

_NOT_WORDS = re.compile(r"[^\w]+")


def topic_slug(section: str) -> str:
    return _NOT_WORDS.sub("-", section.casefold()).strip("-_")


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    label: str
    """The most used spelling."""
    articles: int
    sections: tuple[str, ...]


def topics(store: Reading) -> list[Topic]:
    """Every topic, the largest first."""
    return memos(store).topics.get(None, lambda: _load_topics(store))


def _load_topics(store: Reading) -> list[Topic]:
    rows = store.section_counts()
    grouped: dict[str, list[tuple[int, str]]] = {}
    for section, n in rows:
        slug = topic_slug(section)
        if slug:
            grouped.setdefault(slug, []).append((n, section))
    found = [
        Topic(
            slug,
            # The most used spelling; among equals, a capitalised one.
            max(spellings, key=lambda sp: (sp[0], sp[1][:1].isupper(), sp[1]))[1].strip(),
            sum(n for n, _ in spellings),
            tuple(sp for _, sp in spellings),
        )
        for slug, spellings in grouped.items()
    ]
    return sorted(found, key=lambda tp: (-tp.articles, tp.slug))


def topic(store: Reading, slug: str) -> Topic | None:
    return next((tp for tp in topics(store) if tp.slug == slug), None)


def topic_sections(store: Reading, slug: str) -> tuple[str, ...]:
    found = topic(store, slug)
    return found.sections if found else ()


def story_topics(store: Reading, story_ids: Sequence[str]) -> dict[str, list[Topic]]:
    """The topics of each story, largest first."""
    found: dict[str, list[Topic]] = {sid: [] for sid in story_ids}
    if not story_ids:
        return found
    by_section = {sec: tp for tp in topics(store) for sec in tp.sections}
    rows = store.story_sections(story_ids)
    for story_id, section in rows:
        tp = by_section.get(section)
        if tp is not None and tp not in found[story_id]:
            found[story_id].append(tp)
    for listed in found.values():
        listed.sort(key=lambda tp: (-tp.articles, tp.slug))
    return found


# --- outlets -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutletInfo:
    name: str
    articles: int
    latest: datetime | None


def outlets(store: Reading) -> list[OutletInfo]:
    """Every named outlet, the most prolific first."""
    return memos(store).outlets.get(None, lambda: _load_outlets(store))


def _load_outlets(store: Reading) -> list[OutletInfo]:
    rows = store.outlet_counts()
    # A name that is nothing but markup has no name to list it under.
    found = [OutletInfo(source, n, latest) for source, n, latest in rows if plain(source).strip()]
    return sorted(found, key=lambda o: (-o.articles, o.name.casefold()))


# --- entities ----------------------------------------------------------------------


@dataclass(slots=True)
class EntityFound:
    name: str
    kinds: list[str]
    aliases: list[str]
    stories: list[StoryRow]
    events: list[tuple[StoryRow, TimelineEvent]]
    """Timeline events, from those stories, that name the entity."""


def entity_key(name: str) -> str:
    return " ".join(name.casefold().split())


SCAN_SHARE = 100
"""Candidate stories whose entities the entity page reads at once."""


def entity(store: Reading, name: str, scan: int = 1000, limit: int = 100) -> EntityFound | None:
    """The stories whose briefing names ``name`` (as its canonical name or an alias).

    Candidates come from full-text search over articles, newest stories first;
    a story counts only when its briefing lists the entity.
    """
    key = entity_key(name)
    if not key:
        return None
    candidates = StoryQuery(ids=tuple(dict.fromkeys(store.search_story_ids(name, limit=scan))))
    # Newest first, a share at a time: the search may propose a thousand stories,
    # and the first hundred that name the entity are enough.  Of those only, the
    # cards and the timelines are read.
    newest_first = [k.id for k in store.story_keys(replace(candidates, order="activity"))]
    shares = (newest_first[i : i + SCAN_SHARE] for i in range(0, len(newest_first), SCAN_SHARE))
    rows = (row for share in shares for row in stories_by_id(store, share, ("entities",)))
    kinds: dict[str, None] = {}
    aliases: dict[str, None] = {}
    canonical: dict[str, int] = {}
    forms: dict[str, set[str]] = {}  # the names each story found gives the entity
    for row in rows:
        matched = [e for e in (row.briefing.entities if row.briefing else []) if key in _names(e)]
        if not matched:
            continue
        forms[row.id] = set()
        for e in matched:
            kinds.setdefault(e.type, None)
            canonical[e.name] = canonical.get(e.name, 0) + 1
            aliases.update((x.strip(), None) for x in (e.name, *e.aliases) if x.strip())
            forms[row.id] |= _names(e)
        if len(forms) >= limit:
            break
    if not forms:
        return None
    found = stories_by_id(store, list(forms), (*CARD, "timeline"))
    # An event counts when it names the entity as its story does.
    events = [
        (row, event)
        for row in found
        if row.briefing is not None
        for event in row.briefing.timeline
        if _mentions(event.text, forms[row.id])
    ]
    shown = max(canonical.items(), key=lambda kv: kv[1])[0] if canonical else name
    events.sort(key=lambda pair: iso_at(pair[1].date, pair[1].precision), reverse=True)
    return EntityFound(
        name=shown,
        kinds=list(kinds),
        aliases=[x for x in aliases if x != shown],
        stories=found,
        events=events,
    )


def _names(entity: Entity) -> set[str]:
    return {entity_key(x) for x in (entity.name, *entity.aliases) if x.strip()}


def _mentions(text: str, forms: set[str]) -> bool:
    flat = entity_key(text)
    return any(re.search(r"\b" + re.escape(f) + r"\b", flat) for f in forms if len(f) > 2)


@dataclass(frozen=True, slots=True)
class ThreadEvent:
    id: str
    title: str
    when: datetime
    current: bool


def thread_events(store: Reading, row: StoryRow) -> list[ThreadEvent]:
    """The events of a story's thread, oldest first, or nothing when it is the only one."""
    if row.thread_id is None:
        return []
    events = store.thread(row.thread_id, ())  # titles and dates: no part of a briefing
    if len(events) < 2:
        return []
    return [
        ThreadEvent(e.id, e.title, e.last_published or e.created, e.id == row.id) for e in events
    ]
