"""Polls feeds and sitemaps: fetch, parse, fetch new entries' pages, hand them to the pipeline.

Network work runs on a few threads, one feed each, with the fetcher keeping
each host to one request at a time; storing and the models run on the calling
thread, one feed at a time, as results come in.  A feed's failure is recorded on
the feed (readable message, error count, backoff) and never stops the others.

How often a feed is polled adapts to how often it changes: the interval halves
when a poll finds new entries and grows by half when it finds none, within
bounds, and every next poll is jittered so feeds added together drift apart.
"""

from __future__ import annotations

import logging
import random
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parallax.ingest import IngestError
from parallax.ingest.feeds import Entry, FeedError, ParsedFeed, parse_feed
from parallax.ingest.fetch import Fetcher, FetchError, Response, retry_after_seconds
from parallax.ingest.pages import PageReader, page_document
from parallax.model import Document
from parallax.pipeline import Pipeline
from parallax.report import Report
from parallax.store import Feed, now
from parallax.store.protocols import Polling

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[a-zA-Z][^>]*>")


@dataclass(frozen=True, slots=True)
class PollSettings:
    interval: timedelta = timedelta(minutes=15)
    """A new feed's first interval; news feeds rarely change faster."""
    min_interval: timedelta = timedelta(minutes=5)
    max_interval: timedelta = timedelta(hours=4)
    jitter: float = 0.1
    """Each next poll moves by up to this fraction of the interval, either way."""
    max_backoff: timedelta = timedelta(hours=12)
    max_retry_after: timedelta = timedelta(days=1)
    """A Retry-After is honoured up to this; beyond it a typo should not silence a feed."""
    workers: int = 4
    """Feeds fetched at once (on different hosts, or they queue for the host)."""
    max_new: int = 100
    """New entries taken from one feed per poll, newest first; the rest come next poll."""
    max_sitemaps: int = 10
    """Sitemaps of a sitemap index read per poll, most recently changed first."""
    sitemap_age: timedelta = timedelta(days=3)
    """Sitemap URLs older than this, or undated, are not news and are skipped."""


@dataclass(slots=True)
class PollReport:
    feeds: int = 0
    failed_feeds: list[str] = field(default_factory=list)
    new_entries: int = 0
    articles: Report = field(default_factory=Report)

    def line(self) -> str:
        failed = f", {len(self.failed_feeds)} failed" if self.failed_feeds else ""
        return (
            f"polled {self.feeds} feeds{failed}, {self.new_entries} new entries; "
            + self.articles.line()
        )


@dataclass(slots=True)
class _Harvest:
    """One feed's network work, handed from a fetching thread to the storing one."""

    started: datetime
    error: Exception | None = None
    response: Response | None = None
    parsed: ParsedFeed | None = None
    fresh: int = 0
    documents: list[Document | IngestError] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)
    """GUIDs done with: imported, or failed for good. The others are tried again next poll."""
    problems: list[IngestError] = field(default_factory=list)


class Poller:
    def __init__(
        self,
        store: Polling,
        pipeline: Pipeline,
        fetcher: Fetcher,
        settings: PollSettings | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.pipeline = pipeline
        self.fetcher = fetcher
        self.pages = PageReader(fetcher)
        self.settings = settings or PollSettings()
        self.rng = rng or random.Random()

    def poll_all(
        self, *, due_only: bool = False, on_feed: Callable[[Feed], None] | None = None
    ) -> PollReport:
        report = PollReport()
        current = now()
        feeds = [
            f
            for f in self.store.feeds()
            if f.retired is None and not (due_only and f.next_poll and f.next_poll > current)
        ]
        pool = ThreadPoolExecutor(max(1, self.settings.workers), thread_name_prefix="fetch")
        try:
            futures: dict[Future[_Harvest], Feed] = {
                pool.submit(self._harvest, feed): feed for feed in feeds
            }
            for future in as_completed(futures):
                feed = futures[future]
                report.feeds += 1
                try:
                    self._settle(feed, future.result(), report)
                except Exception as exc:  # a bug met on one feed must not stop the round
                    log.exception("polling %s failed", feed.url)
                    self._failed(feed, now(), exc, report)
                if on_feed:
                    on_feed(feed)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        self.pipeline.refresh(sorted(report.articles.stories))
        return report

    # --- network (fetching threads) ------------------------------------------

    def _harvest(self, feed: Feed) -> _Harvest:
        harvest = _Harvest(started=now())
        headers = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        try:
            harvest.response = self.fetcher.get(feed.url, headers)
            if harvest.response.status == 304:
                return harvest
            harvest.parsed = parse_feed(
                harvest.response.body, harvest.response.content_type, now=harvest.started
            )
        except (FetchError, FeedError) as exc:
            harvest.error = exc
            return harvest
        entries = self._entries(harvest.parsed, harvest)
        seen = self.store.seen_entries(feed.id, [e.guid for e in entries])
        fresh = [e for e in entries if e.guid not in seen]
        harvest.fresh = len(fresh)
        outlet = harvest.parsed.title or feed.title
        for entry in self._pick(fresh, harvest.started):
            document, settled = self._document(entry, outlet)
            harvest.documents.append(document)
            if settled:
                harvest.settled.append(entry.guid)
        return harvest

    def _entries(self, parsed: ParsedFeed, harvest: _Harvest) -> list[Entry]:
        """The feed's entries; for a sitemap index, its sitemaps' recent entries."""
        entries = list(parsed.entries)
        newest_first = sorted(parsed.sitemaps, key=lambda s: s[1] or harvest.started, reverse=True)
        for url, _ in newest_first[: self.settings.max_sitemaps]:
            try:
                child = self.fetcher.get(url)
                entries += parse_feed(child.body, child.content_type, now=harvest.started).entries
            except (FetchError, FeedError) as exc:
                harvest.problems.append(IngestError(url, f"cannot read the sitemap: {exc}"))
        if parsed.kind == "sitemap":
            oldest = harvest.started - self.settings.sitemap_age
            entries = [e for e in entries if e.published and e.published >= oldest]
        return list({e.guid: e for e in entries}.values())

    def _pick(self, fresh: list[Entry], at: datetime) -> list[Entry]:
        """At most ``max_new`` entries, newest kept, handed on oldest first (arrival order)."""
        by_age = sorted(fresh, key=lambda e: e.published or at)
        return by_age[-self.settings.max_new :] if self.settings.max_new else by_age

    def _document(self, entry: Entry, outlet: str | None) -> tuple[Document | IngestError, bool]:
        """The entry as a Document, and whether it is settled (not to be tried again)."""
        origin = entry.link or entry.guid
        if entry.link:
            try:
                page = self.pages.fetch(entry.link)
            except FetchError as exc:
                if not entry.content:
                    message = f"cannot fetch the article page: {exc}"
                    return IngestError(origin, message), not _transient(exc)
            else:
                document = page_document(
                    page,
                    origin=origin,
                    source=entry.source or outlet,
                    title=entry.title,
                    author=entry.author,
                    published=entry.published,
                    section=entry.section,
                )
                if isinstance(document, Document) or not entry.content:
                    return document, True
        if not entry.content:
            return IngestError(origin, "the entry has no link and no content"), True
        # No page to read: the feed's own copy of the text will do. Feeds carry
        # HTML fragments or plain text, and the extractors differ for each.
        document = Document(
            body=entry.content,
            is_html=bool(_TAG.search(entry.content)),
            url=entry.link,
            source=entry.source or outlet,
            title=entry.title,
            author=entry.author,
            published=entry.published,
            origin=origin,
            section=entry.section,
        )
        return document, True

    # --- storing (the calling thread) ----------------------------------------

    def _settle(self, feed: Feed, harvest: _Harvest, report: PollReport) -> None:
        if harvest.error is not None:
            self._failed(feed, harvest.started, harvest.error, report)
            return
        response, parsed = harvest.response, harvest.parsed
        values: dict[str, object] = {}
        if response is not None and parsed is not None:
            run = self.pipeline.run(harvest.documents, feed_id=feed.id, brief=False)
            _merge(report.articles, run)
            with self.store.writer() as writer:
                for guid in harvest.settled:
                    writer.mark_entry(feed.id, guid, None)
            for problem in harvest.problems:
                self.store.record_error(problem.origin, problem.message, feed.id)
            report.new_entries += len(harvest.documents)
            values = {
                "title": feed.title or parsed.title,
                "kind": parsed.kind,
                "etag": response.headers.get("etag"),
                "last_modified": response.headers.get("last-modified"),
            }
            # A feed that moved for good is polled at its new address from now on,
            # unless that address is already subscribed on its own.
            if response.moved_to and all(f.url != response.moved_to for f in self.store.feeds()):
                values["url"] = response.moved_to
        interval = self._interval(feed, changed=harvest.fresh > 0)
        self.store.update_feed(
            feed.id,
            last_fetch=harvest.started,
            last_success=harvest.started,
            last_error=None,
            error_count=0,
            items_seen=feed.items_seen + len(harvest.settled),
            poll_interval=int(interval.total_seconds()),
            next_poll=harvest.started + self._jittered(interval),
            **values,
        )

    def _failed(self, feed: Feed, at: datetime, exc: Exception, report: PollReport) -> None:
        message = str(exc) if isinstance(exc, FetchError | FeedError) else _unexpected(exc)
        errors = feed.error_count + 1
        report.failed_feeds.append(f"{feed.url}: {message}")
        self.store.record_error(feed.url, message, feed.id)
        log.info("feed %s failed: %s", feed.url, message)
        if getattr(exc, "status", None) == 410:
            # Gone for good: polling again would only bother the server.
            self.store.update_feed(
                feed.id,
                last_fetch=at,
                last_error=f"{message}: the feed is gone, so it is no longer polled",
                error_count=errors,
                retired=at,
                next_poll=None,
            )
            return
        backoff = min(self._current(feed) * 2 ** min(errors, 10), self.settings.max_backoff)
        delay = self._jittered(backoff)
        asked = retry_after_seconds(getattr(exc, "retry_after", None) or "")
        if asked:  # never earlier than the server asked, jitter or not
            delay = max(delay, min(timedelta(seconds=asked), self.settings.max_retry_after))
        self.store.update_feed(
            feed.id, last_fetch=at, last_error=message, error_count=errors, next_poll=at + delay
        )

    # --- scheduling ----------------------------------------------------------

    def _current(self, feed: Feed) -> timedelta:
        if feed.poll_interval:
            return timedelta(seconds=feed.poll_interval)
        return self.settings.interval

    def _interval(self, feed: Feed, changed: bool) -> timedelta:
        s = self.settings
        proposed = self._current(feed) * (0.5 if changed else 1.5)
        return max(s.min_interval, min(s.max_interval, proposed))

    def _jittered(self, delay: timedelta) -> timedelta:
        j = self.settings.jitter
        return delay * self.rng.uniform(1 - j, 1 + j)


class PollingLoop:
    """Polls due feeds every ``every`` seconds on a background thread, until stopped.

    A round that fails is handed to ``on_round`` like a report, and the loop goes
    on: the next round may succeed, and a server must not stop polling for good
    because a database was busy once."""

    def __init__(
        self,
        poll: Callable[[], PollReport],
        every: float,
        on_round: Callable[[PollReport | Exception], None],
    ) -> None:
        self._poll, self._every, self._on_round = poll, every, on_round
        self._stop = threading.Event()
        # A daemon: a server stopped with Ctrl+C does not wait for a round to end.
        self._thread = threading.Thread(target=self._run, name="poller", daemon=True)

    def start(self) -> PollingLoop:
        self._thread.start()
        return self

    def stop(self, wait: float = 5.0) -> None:
        """Ask the loop to end after the current round; wait up to ``wait`` seconds."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(wait)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report: PollReport | Exception = self._poll()
            except Exception as exc:
                log.exception("polling failed")
                report = exc
            self._on_round(report)
            self._stop.wait(self._every)


def _transient(exc: FetchError) -> bool:
    """Worth trying again next poll: network trouble, server errors, rate limits, robots.txt."""
    return exc.status is None or exc.status >= 500 or exc.status in (408, 429)


def _unexpected(exc: Exception) -> str:
    return f"unexpected {type(exc).__name__}: {exc} (please report it)"


def _merge(total: Report, part: Report) -> None:
    total.imported += part.imported
    total.duplicates += part.duplicates
    total.failed += part.failed
    total.syndicated += part.syndicated
    total.stories |= part.stories
    total.errors += part.errors
    total.new_ids += part.new_ids
