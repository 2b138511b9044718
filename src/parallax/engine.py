"""The engine as a Python API: ``parallax.open(url)`` and what it returns.

The command line and the web app are callers of this module for everything
that changes what the engine holds (importing, subscribing, polling) and for
the reads they share, so that one operation behaves the same on every surface:
adding a retired feed re-activates it, whichever way it is added, and an OPML
list is read with one address check.

    with parallax.open("news.db") as engine:
        engine.add_feed("https://example.org/rss.xml")
        engine.poll()
        for story in engine.stories(limit=10):
            print(story.title)

The language models load on the first import or poll, not on opening, so an
engine that only reads opens in a moment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import urlsplit

from parallax.ingest import IngestError
from parallax.ingest.fetch import Fetcher
from parallax.ingest.files import Reading
from parallax.ingest.opml import Outline, read_opml, write_opml
from parallax.model import Article, Document
from parallax.report import Report
from parallax.settings import Settings
from parallax.store import Assignment, Feed, Parked, StoryRow, now
from parallax.store.protocols import Storage
from parallax.store.stories import Part

if TYPE_CHECKING:
    from parallax.distributed import Cluster
    from parallax.pipeline import Pipeline
    from parallax.poller import PollingLoop, PollReport


class Stage(Protocol):
    """Reports a long step: called with the step's label, how many things it counts
    (None when it counts nothing or cannot know) and what they are ("" for the
    things the label names, "bytes" for the input read), it gives a context that is
    held while the step runs and yields the function to call as things are done."""

    def __call__(
        self, label: str, total: int | None, unit: str = ""
    ) -> AbstractContextManager[Callable[[int], None]]: ...


FeedOutcome = Literal["added", "exists", "reactivated"]


@dataclass(frozen=True, slots=True)
class FeedAdded:
    """What ``Engine.add_feed`` did."""

    feed: Feed
    outcome: FeedOutcome
    """"added" (new), "exists" (already polled) or "reactivated" (it was retired,
    and is polled again from the next round)."""

    @property
    def created(self) -> bool:
        return self.outcome == "added"


@dataclass(frozen=True, slots=True)
class OpmlImported:
    """What ``Engine.import_opml`` did with each feed of the list."""

    listed: int
    added: int = 0
    reactivated: int = 0
    known: int = 0
    skipped: list[str] = field(default_factory=list)
    """The addresses that are not http(s), and were left out."""


@dataclass(frozen=True, slots=True)
class StoryDetail:
    """One story with its articles and the events of its thread."""

    story: StoryRow
    articles: list[Article]
    thread: list[StoryRow]

    def document(self) -> dict[str, Any]:
        """The story as a ``story.schema.json`` document (what the API and export give)."""
        from parallax.export import full_document

        return full_document(self.story, self.articles, self.thread)


class BadFeedAddress(ValueError):
    """A feed address that is not an absolute http(s) URL."""


def feed_address(url: str) -> str | None:
    """``url`` trimmed, if it is an absolute http(s) URL with a host, else None.

    The one check for every feed address, typed or from an OPML list: feeds come
    from people and from other readers' files, and a ``javascript:`` or relative
    address must never be stored, polled or shown as a link."""
    url = url.strip()
    if not url or any(ord(c) < 0x21 or c == "\x7f" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


class Engine:
    """One Parallax database with the pipeline and the poller over it.

    Open one with ``parallax.open``.  An engine is meant for one process; its
    methods may be called from several threads (the web app does), but imports
    and polls should come from one thread at a time, as they share the models."""

    def __init__(
        self, store: Storage, settings: Settings | None = None, *, owns_store: bool = True
    ):
        self.store = store
        """The storage underneath, for what the engine does not offer yet: every domain
        of ``store.protocols``, whatever implements them."""
        self._settings = settings
        self._owns_store = owns_store
        self._pipeline: Pipeline | None = None
        self._cluster: Cluster | None = None
        self._fetcher: Fetcher | None = None
        self._polling: PollingLoop | None = None

    @property
    def settings(self) -> Settings:
        """The settings given, else the environment's (read when first needed)."""
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    # --- lifetime --------------------------------------------------------------

    def close(self) -> None:
        """Stop polling, close the fetcher and the Dask cluster (stopping the workers it
        started), and close the database if this engine opened it."""
        if self._polling is not None:
            self._polling.stop()
            self._polling = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def pipeline(self) -> Pipeline:
        """The pipeline, loading the models the first time (several seconds): in this
        process, or on the Dask workers that ``settings.workers`` starts or that
        ``settings.cluster`` joins."""
        if self._pipeline is None:
            from parallax.distributed import connect
            from parallax.pipeline import Pipeline

            s = self.settings
            if self._cluster is None:  # kept when the pipeline failed to start, and closed
                self._cluster = connect(s.workers, s.cluster)
            self._pipeline = Pipeline(
                self.store, llm=s.llm(), quiet_days=s.quiet_days, cluster=self._cluster
            )
        return self._pipeline

    def fetcher(self) -> Fetcher:
        """The safe, polite fetcher, shared by polls and page imports so that each
        host's pacing holds across them."""
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings.fetch)
        return self._fetcher

    # --- importing -------------------------------------------------------------

    def import_documents(
        self, items: Iterable[Document | IngestError], *, stage: Stage | None = None
    ) -> Report:
        """Import documents (and record the inputs that could not be read) and
        brief the stories they touch.

        ``items`` are read as they are imported, a batch at a time, so a stream
        of any length (``read_paths``'s) takes the memory of one batch.  Input in
        which no document holds an article fails in a moment, before the models
        load; its problems are recorded in the error log and come back in the
        report's ``errors``.  ``stage`` reports the long steps: the import's in
        bytes of input when the items are a ``Reading`` of files, so that its bar
        can tell how long is left."""
        step = stage or _quiet
        stream = iter(items)
        head = _up_to_first_article(stream)
        if not head or not isinstance(head[-1], Document):
            report = Report()
            for problem in head:
                assert isinstance(problem, IngestError)
                self.store.record_error(problem.origin, problem.message)
                report.failed += 1
                report.errors.append(problem)
            return report
        with step("loading the models", None):
            pipeline = self.pipeline()
        documents = chain(head, stream)
        if isinstance(items, Reading) and items.size:
            with step("importing articles", items.size, "bytes") as advance:
                counted = _BytesDone(items, advance)
                report = pipeline.run(counted.handed(documents), progress=counted.done, brief=False)
        else:
            total = len(items) if isinstance(items, Sized) else None
            with step("importing articles", total) as advance:
                report = pipeline.run(documents, progress=advance, brief=False)
        stories = sorted(report.stories)
        with step("writing briefings", len(stories)) as advance:
            pipeline.refresh(stories, progress=advance)
        return report

    def read_pages(
        self, urls: Iterable[str], on_page: Callable[[int], None] | None = None
    ) -> list[Document | IngestError]:
        """Article pages by URL, through the fetcher (robots.txt asked), ready to import."""
        from parallax.ingest.pages import PageReader

        reader = PageReader(self.fetcher())
        found = []
        for url in urls:
            found.append(reader.document(url))
            if on_page:
                on_page(1)
        return found

    # --- feeds -----------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        """Every feed, retired ones included, in the order they were added."""
        return self.store.feeds()

    def feed(self, url: str) -> Feed | None:
        return next((f for f in self.store.feeds() if f.url == url.strip()), None)

    def add_feed(
        self, url: str, title: str | None = None, *, added_by: int | None = None
    ) -> FeedAdded:
        """Subscribe to a feed (RSS, Atom, JSON Feed or a sitemap); it is fetched on the
        next poll.  A retired feed (one that answered 410 Gone) is re-activated:
        whoever adds it again says it is worth trying.  ``added_by`` is the account
        adding it through the reader; it is kept only for a new feed.

        Raises BadFeedAddress when ``url`` is not an absolute http(s) URL."""
        clean = feed_address(url)
        if clean is None:
            raise BadFeedAddress(
                f"{url.strip()!r} is not an http(s) URL (a full http:// or https:// address)"
            )
        feed, created = self.store.add_feed(clean, (title or "").strip() or None, added_by)
        if created:
            return FeedAdded(feed, "added")
        if feed.retired is None:
            return FeedAdded(feed, "exists")
        self.store.update_feed(
            feed.id, retired=None, error_count=0, last_error=None, next_poll=None
        )
        return FeedAdded(self.feed(clean) or feed, "reactivated")

    def remove_feed(self, url: str) -> bool:
        """Unsubscribe; the feed's articles stay.  False when there was no such feed."""
        return self.store.remove_feed(url.strip())

    def import_opml(self, data: bytes, *, added_by: int | None = None) -> OpmlImported:
        """Subscribe to every feed of an OPML list, as ``add_feed`` would one by one.

        Raises ``parallax.ingest.opml.OpmlError`` when ``data`` is not OPML."""
        outlines = read_opml(data)
        counts = {"added": 0, "reactivated": 0, "exists": 0}
        skipped = []
        for outline in outlines:
            try:
                done = self.add_feed(outline.url, outline.title, added_by=added_by)
            except BadFeedAddress:
                skipped.append(outline.url)
                continue
            counts[done.outcome] += 1
        return OpmlImported(
            listed=len(outlines),
            added=counts["added"],
            reactivated=counts["reactivated"],
            known=counts["exists"],
            skipped=skipped,
        )

    def export_opml(self, created: datetime | None = None) -> str:
        """Every feed as an OPML subscription list, for another reader or a backup."""
        return write_opml([Outline(f.url, f.title) for f in self.store.feeds()], created or now())

    def parked_briefings(self) -> list[Parked]:
        """Stories whose briefing failed again and again, with the last error: they
        are not retried until a new report joins them."""
        return self.store.parked_stories()

    # --- polling ---------------------------------------------------------------

    def poll(
        self, *, due_only: bool = False, on_feed: Callable[[Feed], None] | None = None
    ) -> PollReport:
        """Poll the feeds (only those due, with ``due_only``), import what is new and
        brief the stories it touched.  A feed's failure is recorded on the feed and
        in the report; it never stops the others."""
        from parallax.poller import Poller, PollReport

        fetcher = self.fetcher()  # a bad setting fails here, before the models load
        if all(f.retired for f in self.store.feeds()):
            return PollReport()  # nothing to poll: no need to load the models
        return Poller(self.store, self.pipeline(), fetcher).poll_all(
            due_only=due_only, on_feed=on_feed
        )

    def start_polling(
        self, every: float, on_round: Callable[[PollReport | Exception], None]
    ) -> PollingLoop:
        """Poll the due feeds every ``every`` seconds on a background thread until the
        engine closes; each round's report, or what stopped it, goes to ``on_round``."""
        from parallax.poller import PollingLoop

        if self._polling is not None:
            raise RuntimeError("this engine is already polling")
        self.fetcher()  # a bad setting is the caller's error, not the thread's
        self._polling = PollingLoop(lambda: self.poll(due_only=True), every, on_round).start()
        return self._polling

    # --- reading ---------------------------------------------------------------

    def stories(
        self, limit: int = 50, offset: int = 0, parts: Sequence[Part] | None = None
    ) -> list[StoryRow]:
        """Stories, the most recently updated first, with their whole briefings, or
        only the ``parts`` of them named (``store.stories.CARD``: what a card shows)."""
        return self.store.stories(limit=limit, offset=offset, parts=parts)

    def story(self, story_id: str) -> StoryDetail | None:
        """A story by id, by the id of a story merged into it, or by a unique prefix."""
        row = self.store.story(story_id)
        if row is None:
            return None
        thread = self.store.thread(row.thread_id) if row.thread_id else []
        return StoryDetail(row, self.store.story_articles(row.id), thread)

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        offset: int = 0,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Article]:
        """Articles matching ``query``, best first: every word, "a phrase", prefix*,
        OR, -word; a name's other spellings are found too.  Optionally one outlet's,
        or those published in [since, until)."""
        if not query.strip():
            return []
        return self.store.search(
            query, limit, offset=offset, source=outlet, since=since, until=until
        )

    def explain(self, article_id: str) -> Assignment | None:
        """Why an article is in its story: each candidate scored on arrival, and its
        signals.  None for an unknown article, or one stored before decisions were kept."""
        return self.store.assignment(article_id)


def open(url: str | None = None, settings: Settings | None = None) -> Engine:
    """Open (creating and migrating when needed) the database at ``url``: a path or
    a SQLAlchemy URL; None for ``settings.db``, else the user data folder.

    ``settings`` default to the environment's ``PARALLAX_*`` variables, read now,
    so that a bad one fails here and not in the middle of a poll."""
    # The one place the engine names the SQL implementation: it opens the database.
    from parallax.store import Store

    settings = settings if settings is not None else Settings.from_env()
    return Engine(Store.open(url or settings.db), settings)


def _up_to_first_article(items: Iterator[Document | IngestError]) -> list[Document | IngestError]:
    """The items read from ``items`` up to the first document that holds an article,
    which ends the list (absent when there is none), with the documents before it
    turned into errors: a bad file fails in a second, before the models load
    (they take several), and a good import extracts only one document twice."""
    from parallax.extract import ExtractionError, extract

    head: list[Document | IngestError] = []
    for item in items:
        if isinstance(item, Document):
            try:
                extract(item)
            except ExtractionError as exc:
                item = IngestError(item.origin or item.url or "document", str(exc))
            else:
                head.append(item)
                break
        head.append(item)
    return head


class _BytesDone:
    """A pipeline's progress (documents done) as the bytes of input up to the last
    of them, for a bar that can tell how long is left.

    The pipeline reads ahead of what it has done: with a Dask cluster, a few
    batches per worker are in flight.  The bytes read so far would then run ahead
    of the import, and reach the end while the last batches were still on the
    workers.  So each document's place in the input is noted as the pipeline takes
    it, and counted when the pipeline reports it done.  That is a batch at a time:
    the models work on whole batches, and a batch's records are committed together,
    so no record of a batch is done before the others."""

    def __init__(self, reading: Reading, advance: Callable[[int], None]) -> None:
        self._reading = reading
        self._advance = advance
        self._read_to: deque[int] = deque()
        """Bytes read up to each document taken and not yet done, in input order."""
        self._shown = 0

    def handed(self, items: Iterable[Document | IngestError]) -> Iterator[Document | IngestError]:
        for item in items:
            self._read_to.append(self._reading.done)
            yield item

    def done(self, n: int) -> None:
        at = self._shown
        for _ in range(min(n, len(self._read_to))):
            at = self._read_to.popleft()
        self._advance(at - self._shown)
        self._shown = at


@contextmanager
def _quiet(label: str, total: int | None, unit: str = "") -> Iterator[Callable[[int], None]]:
    yield _ignore


def _ignore(done: int) -> None:
    pass
