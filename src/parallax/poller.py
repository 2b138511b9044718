"""Polls feeds: fetch, parse, fetch new entries' pages, hand them to the pipeline.

A feed's failure is recorded on the feed (readable message, error count,
backoff) and never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from parallax.ingest import IngestError
from parallax.ingest.feeds import Entry, FeedError, parse_feed
from parallax.ingest.fetch import Fetcher, FetchError
from parallax.model import Document
from parallax.pipeline import Pipeline, Report
from parallax.store import Feed, Store, now

log = logging.getLogger(__name__)

INTERVAL = timedelta(minutes=15)
"""Default time between polls of one feed; news feeds rarely change faster."""
MAX_BACKOFF = timedelta(hours=12)


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


class Poller:
    def __init__(self, store: Store, pipeline: Pipeline, fetcher: Fetcher) -> None:
        self.store = store
        self.pipeline = pipeline
        self.fetcher = fetcher

    def poll_all(
        self, *, due_only: bool = False, on_feed: Callable[[Feed], None] | None = None
    ) -> PollReport:
        report = PollReport()
        current = now()
        for feed in self.store.feeds():
            if due_only and feed.next_poll and feed.next_poll > current:
                continue
            report.feeds += 1
            self.poll(feed, report)
            if on_feed:
                on_feed(feed)
        self.pipeline.refresh(sorted(report.articles.stories))
        return report

    def poll(self, feed: Feed, report: PollReport) -> None:
        headers = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        started = now()
        try:
            response = self.fetcher.get(feed.url, headers)
            if response.status == 304:
                self._succeeded(feed, started, new=0)
                return
            parsed = parse_feed(response.body, feed.url)
        except (FetchError, FeedError) as exc:
            self._failed(feed, started, exc, report)
            return
        guids = [e.guid for e in parsed.entries]
        seen = self.store.seen_entries(feed.id, guids)
        fresh = [e for e in parsed.entries if e.guid not in seen]
        documents: list[Document | IngestError] = []
        settled: list[Entry] = []
        for entry in fresh:
            item = self._document(entry, parsed.title or feed.title)
            documents.append(item)
            # An entry whose page could not be fetched is retried next poll.
            if not isinstance(item, IngestError):
                settled.append(entry)
        run = self.pipeline.run(documents, feed_id=feed.id, brief=False)
        _merge(report.articles, run)
        with self.store.writer() as writer:
            for entry in settled:
                writer.mark_entry(feed.id, entry.guid, None)
        report.new_entries += len(fresh)
        self.store.update_feed(
            feed.id,
            title=feed.title or parsed.title,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
        self._succeeded(feed, started, new=len(settled))

    def _document(self, entry: Entry, outlet: str | None) -> Document | IngestError:
        origin = entry.link or entry.guid
        body, is_html, url = entry.content, True, entry.link
        if entry.link:
            try:
                page = self.fetcher.get(entry.link)
                body, url = page.text, page.url
            except FetchError as exc:
                if not entry.content:
                    return IngestError(origin, f"cannot fetch the article page: {exc}")
        if not body:
            return IngestError(origin, "the entry has no link and no content")
        return Document(
            body=body,
            is_html=is_html,
            url=url,
            source=outlet,
            title=entry.title,
            author=entry.author,
            published=entry.published,
            origin=origin,
        )

    def _succeeded(self, feed: Feed, at: datetime, new: int) -> None:
        self.store.update_feed(
            feed.id,
            last_fetch=at,
            last_success=at,
            last_error=None,
            error_count=0,
            items_seen=feed.items_seen + new,
            next_poll=at + INTERVAL,
        )

    def _failed(self, feed: Feed, at: datetime, exc: Exception, report: PollReport) -> None:
        errors = feed.error_count + 1
        delay = min(INTERVAL * 2 ** min(errors, 10), MAX_BACKOFF)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            delay = max(delay, _retry_after(retry_after, at))
        message = str(exc)
        self.store.update_feed(
            feed.id, last_fetch=at, last_error=message, error_count=errors, next_poll=at + delay
        )
        self.store.record_error(feed.url, message, feed.id)
        report.failed_feeds.append(f"{feed.url}: {message}")
        log.info("feed %s failed: %s", feed.url, message)


def _retry_after(value: str, at: datetime) -> timedelta:
    if value.strip().isdigit():
        return timedelta(seconds=int(value.strip()))
    try:
        return max(timedelta(0), parsedate_to_datetime(value) - at)
    except (TypeError, ValueError):
        return timedelta(0)


def _merge(total: Report, part: Report) -> None:
    total.imported += part.imported
    total.duplicates += part.duplicates
    total.failed += part.failed
    total.syndicated += part.syndicated
    total.stories |= part.stories
    total.errors += part.errors
    total.new_ids += part.new_ids
