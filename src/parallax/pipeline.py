"""Runs the stages in order: extract -> enrich -> dedup -> cluster -> store -> brief.

Articles are processed in batches (the models are much faster on a batch) but
assigned to stories one by one, in arrival order.  Each batch is written in
one transaction; stories it touched are marked dirty in that same
transaction and re-briefed afterwards, so a run killed at any point leaves
stored data intact and the next run finishes the briefings.

With a Dask cluster (``parallax.distributed``), extraction, the models and the
briefings run on its workers, a few batches ahead; this process stays the one
writer, and takes their results in input order, so the stories are the same.
"""

from __future__ import annotations

import hashlib
import logging
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

import numpy as np
from sqlalchemy.exc import OperationalError

from parallax import nlp
from parallax.brief import briefing_articles, build_briefing
from parallax.brief.abstractive import AbstractError, LLMSettings, abstract
from parallax.brief.summary import sentence_texts
from parallax.cluster import Assignment, Item, StoryIndex, from_members, terms
from parallax.cluster.terms import LEAD_CHARS
from parallax.dedup import DuplicateIndex, fingerprint, signature_bytes
from parallax.distributed import Cluster, Shipped, Worked, extract_and_enrich
from parallax.enrich import KEY_LABELS, Enrichment, embed_later, enrich, entity_key, settle
from parallax.extract import ExtractionError, extract
from parallax.extract.dates import EARLIEST_YEAR, LATEST_YEAR, aware, plausible
from parallax.extract.kind import OPINION, article_kind
from parallax.ingest import IngestError, unicode_text
from parallax.memory import release_free_memory
from parallax.model import Article, Briefing, Document, Extracted, Story
from parallax.report import Report
from parallax.store import StoredNLP, Writer, now
from parallax.store.database import BRIEFING_ATTEMPTS
from parallax.store.protocols import Importing
from parallax.wire import carried_wire

log = logging.getLogger(__name__)

BATCH = 32
HOT_DAYS = 3.0
"""Stories updated within this many days stay in the clustering index (the default
of ``Settings.quiet_days``); quieter ones leave it but stay in the database and
search.  Clustering never joins reports more than 4 days apart (``MAX_GAP``), so
a shorter window only costs stories that pause and resume."""
WORD_SAMPLE = 2000
"""Newest articles whose words seed clustering's document frequencies when a pipeline starts."""
DEDUP_DAYS = 14.0
"""Syndicated copies appear within days of the original; older ones are not checked."""
AHEAD = timedelta(days=1)
"""A publication date further than this after the article's arrival is wrong (a mistyped year,
a feed's bad clock) and is estimated like a missing one.  Kept, it would be the newest news:
the clustering index measures quiet from it, and every other story would go quiet at once.
A day covers every time zone's idea of today."""


WRITE_ATTEMPTS = 3
"""Times a batch is written when another writer is in the way (``Pipeline._write_waiting``)."""


class StoredMeanwhile(RuntimeError):
    """Another process stored this article after the write transaction checked for it
    (not expected: the writer's lock is held from the check to the commit on both
    backends, but a lost race must cost a retry, not the batch).  The batch is rolled
    back and written again; the check then sees it."""


@dataclass(slots=True)
class _Pending:
    article: Article
    content_hash: str
    feed_id: int | None
    origin: str
    shipped: Shipped | None = None
    """Its enrichment, when a worker made it."""


@dataclass(frozen=True, slots=True)
class BriefingJob:
    """What a story's briefing is built from: its articles and their stored parses."""

    story_id: str
    articles: list[Article]
    parses: list[bytes]


def build(job: BriefingJob) -> Briefing | str:
    """The briefing of ``job``'s story, or what building it raised (its repr).  It
    runs where the models are: in this process, or on a worker."""
    docs = [nlp.doc_from_bytes(parse) for parse in job.parses]
    try:
        return build_briefing(job.articles, docs)
    except Exception as exc:
        log.exception("briefing of story %s failed", job.story_id)
        return repr(exc)


def content_hash(text: str) -> str:
    normalised = re.sub(r"\W+", " ", text.lower()).strip()
    return hashlib.sha256(normalised.encode()).hexdigest()


def article_id_for(doc: Document) -> str:
    """The id given at import; else one derived from the URL or the body, so re-imports match."""
    if doc.id:
        return doc.id
    basis = doc.url or doc.body
    return hashlib.sha1(basis.encode()).hexdigest()[:16]


class Pipeline:
    """The stages over one store.  Its settings come from its caller (the engine
    passes ``Settings``'s); it reads no environment variable itself."""

    def __init__(
        self,
        store: Importing,
        batch_size: int = BATCH,
        llm: LLMSettings | None = None,
        quiet_days: float = HOT_DAYS,
        cluster: Cluster | None = None,
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.quiet_days = quiet_days
        self.cluster = cluster
        """Where the models run; None: in this process."""
        # A language model writes an extra, checked summary only when one is configured.
        self.llm = llm
        self.index = StoryIndex()
        self.duplicates = DuplicateIndex(load_text=store.text_of)
        self._load_indexes()
        self.refresh(self.store.dirty_stories())  # finish the briefings a killed run left

    def _load_indexes(self) -> None:
        self.index = self._load_stories()
        self.duplicates = DuplicateIndex(load_text=self.store.text_of)
        for article_id, sig, original, when in self.store.recent_minhashes(
            timedelta(days=DEDUP_DAYS)
        ):
            self.duplicates.add_stored(article_id, sig, duplicate_of=original, when=when)

    def _load_stories(self) -> StoryIndex:
        """The clustering index as the database left it: hot stories with their members."""
        index = StoryIndex()
        for title, lead in self.store.recent_leads(WORD_SAMPLE, LEAD_CHARS):
            index.count_words(terms(title, lead))
        hot = self.store.hot_stories(timedelta(days=self.quiet_days))
        titles = {row.id: row.title for row in hot}
        threads = {row.id: row.thread_id for row in hot}
        members: dict[str, list[Item]] = {}
        for row in self.store.hot_members(list(titles), LEAD_CHARS):
            keys = {entity_key(text) for text, label in row.entities if label in KEY_LABELS}
            members.setdefault(row.story_id, []).append(
                Item(
                    row.id,
                    row.title or "",
                    np.frombuffer(row.embedding, dtype=np.float32),
                    frozenset(keys),
                    terms(row.title or "", row.lead),
                    row.published if row.published and plausible(row.published) else None,
                )
            )
        index.load(
            from_members(sid, titles[sid], items, thread=threads[sid])
            for sid, items in members.items()
        )
        return index

    # --- the run -------------------------------------------------------------

    def run(
        self,
        items: Iterable[Document | IngestError],
        *,
        feed_id: int | None = None,
        progress: Callable[[int], None] | None = None,
        brief: bool = True,
    ) -> Report:
        report = Report()
        for batch, worked in self._worked(self._batches(items)):
            self._run_batch(batch, feed_id, report, worked)
            if progress:
                progress(len(batch))
        if brief:
            self.refresh(sorted(report.stories))
        release_free_memory()
        return report

    def _batches(
        self, items: Iterable[Document | IngestError]
    ) -> Iterator[list[Document | IngestError]]:
        stream = iter(items)
        while batch := list(islice(stream, self.batch_size)):
            yield [_readable(item) if isinstance(item, Document) else item for item in batch]

    def _worked(
        self, batches: Iterator[list[Document | IngestError]]
    ) -> Iterator[tuple[list[Document | IngestError], list[Worked | None] | None]]:
        """Each batch with what the workers made of its documents (None without a cluster)."""
        if self.cluster is None:
            return ((batch, None) for batch in batches)
        return self.cluster.ordered(
            extract_and_enrich, ((batch, self._to_ship(batch)) for batch in batches)
        )

    def _to_ship(self, batch: list[Document | IngestError]) -> list[Document | None]:
        """The documents a worker should read: not those already stored (an import
        run again costs no model time), which the writer will count as duplicates."""
        return [
            item
            if isinstance(item, Document)
            and self.store.known_article(article_id_for(item), None, "") is None
            else None
            for item in batch
        ]

    def _run_batch(
        self,
        batch: list[Document | IngestError],
        feed_id: int | None,
        report: Report,
        worked: list[Worked | None] | None = None,
    ) -> None:
        pending = list(self._extract(batch, feed_id, report, worked))
        if not pending:
            return
        enriched: list[Enrichment | Shipped]
        shipped = [p.shipped for p in pending if p.shipped is not None]
        if len(shipped) == len(pending):  # a cluster's workers enriched them all
            enriched = list(shipped)  # the briefings, on the workers, embed their sentences
        else:
            local = enrich([p.article for p in pending])
            enriched = list(local)
            # The briefings will embed these articles' sentences.  The encoder
            # thread does it now, while this thread places the batch and parses the
            # next one: otherwise it idles through each parse (a poll's CPU time
            # was only 1.4-1.7 times its wall time on 2 cores).
            embed_later(
                [
                    text
                    for item, enrichment in zip(pending, local, strict=True)
                    for text in sentence_texts(item.article.text, enrichment.doc)
                ]
            )
        work = list(zip(pending, enriched, strict=True))
        try:
            self._write_waiting(work, report)
        except MemoryError:
            raise
        except Exception:
            if len(work) == 1:
                self._unwritable(work[0][0], report)
            else:
                # One record the database refuses must not cost the batch: each
                # is written alone, and only the one refused is recorded and lost.
                for one in work:
                    try:
                        self._write([one], report)
                    except MemoryError:
                        raise
                    except Exception:
                        self._unwritable(one[0], report)
        self.index.evict_quiet(timedelta(days=self.quiet_days))
        self.duplicates.forget_older(timedelta(days=DEDUP_DAYS))

    def _write_waiting(
        self, work: list[tuple[_Pending, Enrichment | Shipped]], report: Report
    ) -> None:
        """``_write``, tried again when another writer was in the way: when it stored one
        of these articles first, or kept the database locked past its busy timeout.
        Neither is a fault of these records, which would otherwise be written one by one
        and recorded as lost."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return self._write(work, report)
            except (OperationalError, StoredMeanwhile) as exc:
                if attempt == WRITE_ATTEMPTS:
                    raise
                log.warning("writing the batch again (%d): %s", attempt, exc)
                if isinstance(exc, OperationalError):
                    time.sleep(attempt)

    def _write(self, work: list[tuple[_Pending, Enrichment | Shipped]], report: Report) -> None:
        """Place and store articles in one transaction; the report counts them once it commits."""
        before = (
            set(report.stories),
            len(report.new_ids),
            report.imported,
            report.syndicated,
            report.duplicates,
        )
        try:
            with self.store.writer() as writer:
                for item, enrichment in work:
                    if self._stored_meanwhile(item):
                        report.duplicates += 1
                        continue
                    placed, sig = self._place(item.article, enrichment)
                    earlier_than = self._published_first(writer, item.article)
                    if not writer.add_article(item.article, item.content_hash, item.feed_id):
                        raise StoredMeanwhile(item.article.id)
                    if earlier_than is not None:
                        writer.reroot_copies(earlier_than, item.article.id)
                    writer.add_nlp(self._nlp_record(item.article.id, enrichment, sig))
                    writer.add_assignment(
                        item.article.id,
                        item.article.story_id or placed.story.id,
                        placed.explanation(self.index.threshold, self.index.per_day),
                    )
                    self._save_placement(writer, placed, report)
                    report.new_ids.append(item.article.id)
                    report.imported += 1
                    report.syndicated += item.article.duplicate_of is not None
        except BaseException:
            # The in-memory indexes now hold articles the database does not:
            # rebuild them from what was actually committed, and count only that.
            report.stories, report.imported, report.syndicated = before[0], before[2], before[3]
            report.duplicates = before[4]
            del report.new_ids[before[1] :]
            self._load_indexes()
            raise

    def _stored_meanwhile(self, item: _Pending) -> bool:
        """Stored by another importer since this one read it: checked inside the
        write transaction, which on SQLite holds the database's write lock."""
        article = item.article
        return self._taken(article.id, article.url, item.content_hash, article.source, [])

    def _unwritable(self, item: _Pending, report: Report) -> None:
        log.exception("storing %s failed", item.origin)
        exc = sys.exc_info()[1]
        message = f"could not be stored ({type(exc).__name__}: {exc})"
        self._fail(report, IngestError(item.origin, message), item.feed_id)

    def _extract(
        self,
        batch: list[Document | IngestError],
        feed_id: int | None,
        report: Report,
        worked: list[Worked | None] | None,
    ) -> Iterator[_Pending]:
        seen: set[str] = set()
        outlets: dict[str, list[str | None]] = {}  # this batch's texts (content hash) -> outlets
        for i, doc in enumerate(batch):
            if isinstance(doc, IngestError):
                self._fail(report, doc, feed_id)
                continue
            try:
                pending = self._prepare(
                    doc,
                    feed_id,
                    report,
                    seen,
                    outlets,
                    worked is not None,
                    worked[i] if worked is not None else None,
                )
            except MemoryError:
                raise
            except Exception as exc:
                # A fault met on one record (a bug not found yet) costs that record,
                # not the batch: it is recorded with where it came from.
                log.exception("reading %s failed", doc.origin)
                problem = f"could not be read ({type(exc).__name__}: {exc})"
                self._fail(report, IngestError(doc.origin or "(unnamed)", problem), feed_id)
                continue
            if pending is not None:
                yield pending

    def _prepare(
        self,
        item: Document,
        feed_id: int | None,
        report: Report,
        seen: set[str],
        outlets: dict[str, list[str | None]],
        on_cluster: bool = False,
        worked: Worked | None = None,
    ) -> _Pending | None:
        """The article a document makes; None when it fails or is already stored.
        ``worked``: what a worker made of it (``on_cluster``)."""
        article_id = article_id_for(item)
        origin = item.origin or article_id
        if article_id in seen or self.store.known_article(article_id, None, "") is not None:
            report.duplicates += 1
            return None
        if on_cluster and worked is None:
            # Not sent, as stored when its batch left; only an article deleted since
            # gets here, and it is read in this process.
            worked = extract_and_enrich([item])[0]
        try:
            extracted = _extracted(item, worked)
        except ExtractionError as exc:
            self._fail(report, IngestError(origin, str(exc)), feed_id)
            return None
        digest = content_hash(extracted.text)
        url = extracted.canonical_url or item.url
        source = item.source or extracted.source
        if self._taken(article_id, url, digest, source, outlets.get(digest, [])):
            report.duplicates += 1
            return None
        seen.add(article_id)
        outlets.setdefault(digest, []).append(source)
        arrived = now()
        published = self._dated(item.published, origin, feed_id)
        if published is None and extracted.published not in (None, item.published):
            published = self._dated(extracted.published, origin, feed_id)
        return _Pending(
            Article(
                id=article_id,
                text=extracted.text,
                title=item.title or extracted.title,
                url=item.url or extracted.canonical_url,
                source=item.source or extracted.source,
                author=item.author or extracted.author,
                published=_credible(published, arrived),
                language=extracted.language,
                section=extracted.section,
                image=extracted.image,
                wire=carried_wire(
                    extracted.text, item.author or extracted.author, extracted.removed
                ),
                added=arrived,
            ),
            digest,
            feed_id,
            origin,
            worked.enrichment if worked else None,
        )

    def _dated(
        self, published: datetime | None, origin: str, feed_id: int | None
    ) -> datetime | None:
        """A publication date, or None with a recorded warning when it is out of range."""
        if published is None or plausible(published):
            return published
        self.store.record_error(
            origin,
            f"warning: the publication date {published.isoformat()} is outside "
            f"{EARLIEST_YEAR}-{LATEST_YEAR}; the article is kept as undated",
            feed_id,
        )
        return None

    def _taken(
        self,
        article_id: str,
        url: str | None,
        digest: str,
        source: str | None,
        batch: list[str | None],
    ) -> bool:
        """Already imported: the same id or URL, or the same text from the same outlet
        (``batch``: the outlets of this text earlier in the batch).

        The same text from another outlet is a syndicated copy, not a re-import: it is
        kept, and dedup marks it as a copy of the first.
        """
        if self.store.known_article(article_id, url, "") is not None:
            return True
        if any(_same_outlet(earlier, source) for earlier in batch):
            return True
        first = self.store.known_article("", None, digest)
        stored = self.store.article(first) if first else None
        return stored is not None and _same_outlet(stored.source, source)

    def _place(
        self, article: Article, enrichment: Enrichment | Shipped
    ) -> tuple[Assignment, bytes]:
        """Dedup, then cluster: a syndicated copy follows its original into its story."""
        fp = fingerprint(article.text)
        match = self.duplicates.find(fp)
        article.duplicate_of = match.original if match else None
        when = article.published or article.added
        self.duplicates.add(article.id, fp, article.duplicate_of, when)
        original = self.store.article(match.original) if match else None
        title = article.title or ""
        placed = self.index.assign(
            Item(
                article.id,
                title,
                enrichment.embedding,
                frozenset(enrichment.entity_keys()),
                terms(title, article.text),
                article.published,
            ),
            join=original.story_id if original else None,
        )
        split_off = placed.split and article.id in {m.id for m in placed.split.members}
        article.story_id = placed.split.id if placed.split and split_off else placed.story.id
        return placed, signature_bytes(fp)

    def _published_first(self, writer: Writer, article: Article) -> str | None:
        """The original this copy turns out to predate, if it does; it then takes its place.

        Feeds are polled in no particular order, so a copy can arrive before
        the report it copies; the earlier publication is the original.
        """
        original = article.duplicate_of
        if original is None or article.published is None:
            return None
        published = writer.published(original)
        if published is None or article.published >= published:
            return None
        article.duplicate_of = None
        self.duplicates.reroot(original, article.id)
        return original

    def _save_placement(self, writer: Writer, placed: Assignment, report: Report) -> None:
        """Write an assignment and the repairs it set off: merges, a split, the stories' state."""
        for absorbed in placed.merged:
            writer.merge_story(absorbed, placed.story.id)
            report.stories.discard(absorbed)
        if placed.split is not None:
            writer.split_story([m.id for m in placed.split.members], placed.split.id)
        for story in (placed.story, placed.split):
            if story is not None:
                writer.save_story(
                    Story(id=story.id, title=story.title, updated=now()),
                    centroid=story.centroid().astype(np.float32).tobytes(),
                    keywords=story.top_keys(),
                    first_published=story.first,
                    last_published=story.last,
                    thread_id=story.thread,
                )
                report.stories.add(story.id)

    def _nlp_record(
        self, article_id: str, enrichment: Enrichment | Shipped, sig: bytes
    ) -> StoredNLP:
        parse = (
            enrichment.parse
            if isinstance(enrichment, Shipped)
            else nlp.doc_to_bytes(enrichment.doc)
        )
        return StoredNLP(
            article_id=article_id,
            doc=parse,
            embedding=enrichment.embedding.astype(np.float32).tobytes(),
            minhash=sig,
            entities=[[text, label] for text, label in enrichment.entities],
        )

    def _fail(self, report: Report, error: IngestError, feed_id: int | None) -> None:
        report.failed += 1
        report.errors.append(error)
        self.store.record_error(error.origin, error.message, feed_id)

    # --- briefings -----------------------------------------------------------

    def refresh(
        self, story_ids: Iterable[str], progress: Callable[[int], None] | None = None
    ) -> None:
        """Rebuild the briefing of each story from its stored articles and parses:
        built on the cluster's workers when there is one, a few stories at once,
        and saved here in the order given.  ``progress`` is called as each is done."""
        settle()  # the sentence vectors the import asked for
        jobs = self._briefing_jobs(story_ids, progress)
        built: Iterator[tuple[tuple[BriefingJob, dict[str, StoredNLP], list[str]], Briefing | str]]
        if self.cluster is None:
            built = ((job, build(job[0])) for job in jobs)
        else:
            built = self.cluster.ordered(build, ((job, job[0]) for job in jobs))
        for (job, stored, built_from), outcome in built:
            self._save_briefing(job, stored, built_from, outcome)
            if progress:
                progress(1)

    def _briefing_jobs(
        self, story_ids: Iterable[str], progress: Callable[[int], None] | None
    ) -> Iterator[tuple[BriefingJob, dict[str, StoredNLP], list[str]]]:
        """Each story's job, with its articles' stored parses and vectors (the headline
        is chosen with them) and the ids of all its articles as read (``save_briefing``
        checks them); a story without articles is passed over."""
        for story_id in story_ids:
            articles = self.store.story_articles(story_id)
            if not articles:
                if progress:
                    progress(1)
                continue
            built_from = [a.id for a in articles]
            for article in articles:
                # Stored before dates were checked on import: year 1 broke every briefing.
                if article.published is not None and not plausible(article.published):
                    article.published, article.published_estimated = None, False
            self._estimate_dates(articles)
            articles = briefing_articles(articles)
            stored = self.store.nlp([a.id for a in articles])
            job = BriefingJob(story_id, articles, [stored[a.id].doc for a in articles])
            yield job, stored, built_from

    def _save_briefing(
        self,
        job: BriefingJob,
        stored: dict[str, StoredNLP],
        built_from: list[str],
        outcome: Briefing | str,
    ) -> None:
        story_id = job.story_id
        if isinstance(outcome, str):
            # One story's odd text must not cost the others their briefings:
            # the error is recorded, the story stays marked for a rebuild
            # (retried on the next run, until it is parked), and the loop goes on.
            failures = self.store.briefing_failed(story_id)
            parked = (
                f"; parked after {failures} failures, tried again when a new report joins it"
                if failures >= BRIEFING_ATTEMPTS
                else ""
            )
            self.store.record_error(f"story {story_id}", f"briefing failed: {outcome}{parked}")
            return
        if self.llm is not None:
            try:
                outcome.abstract = abstract(outcome, [a.id for a in job.articles], self.llm)
            except AbstractError as exc:  # the extractive summary stands
                self.store.record_error(self.llm.url, f"story {story_id}: {exc}")
        title = _headline(job.articles, stored)
        if not self.store.save_briefing(story_id, title, outcome, built_from):
            # Another importer changed the story meanwhile; it briefs it next.
            log.info("story %s changed while its briefing was built; not saved", story_id)

    def _estimate_dates(self, articles: list[Article]) -> None:
        """Undated articles take the median date of their dated siblings, flagged as estimated."""
        dated = [a.published for a in articles if a.published and not a.published_estimated]
        if not dated:
            return
        middle = datetime.fromtimestamp(
            statistics.median(d.timestamp() for d in dated), tz=dated[0].tzinfo
        )
        estimates = {a.id: middle for a in articles if a.published is None or a.published_estimated}
        for article in articles:
            if article.id in estimates:
                article.published, article.published_estimated = middle, True
        if estimates:
            self.store.set_estimated_dates(estimates)


def _extracted(item: Document, worked: Worked | None) -> Extracted:
    """What a worker extracted from ``item`` (raising what extraction raised there),
    else ``item`` extracted here."""
    if worked is None:
        return extract(item)
    if worked.problem is not None:
        raise worked.problem
    assert worked.extracted is not None
    return worked.extracted


def _readable(doc: Document) -> Document:
    """The document with lone surrogates made U+FFFD in every text field (see
    ``unicode_text``), whichever reader made it: JSON feeds can carry them too."""
    fields = ("body", "id", "url", "source", "title", "author", "origin", "section")
    changed: dict[str, Any] = {
        name: unicode_text(value)
        for name in fields
        if isinstance(value := getattr(doc, name), str) and unicode_text(value) != value
    }
    return replace(doc, **changed) if changed else doc


def _credible(published: datetime | None, arrived: datetime) -> datetime | None:
    if published is None:
        return None
    return published if aware(published) <= arrived + AHEAD else None


def _same_outlet(a: str | None, b: str | None) -> bool:
    """Unknown outlets may be one and the same: only two different names are two outlets."""
    return a is None or b is None or a.casefold() == b.casefold()


def _headline(articles: list[Article], stored: dict[str, StoredNLP]) -> str:
    """The title of the original news report nearest the story's centre: a column's
    title argues ("Trump stays banned on Facebook. Keep it that way."), so it
    names the story only when no report does."""
    titled = [a for a in articles if a.title]
    originals = [a for a in titled if a.duplicate_of is None] or titled
    candidates = [
        a for a in originals if article_kind(a.url, a.section, a.title) != OPINION
    ] or originals
    if not candidates:
        return articles[0].text[:90].rsplit(" ", 1)[0] + "…"
    vectors = np.stack(
        [np.frombuffer(stored[a.id].embedding, dtype=np.float32) for a in candidates]
    )
    centre = vectors.mean(axis=0)
    best = int(np.argmax(vectors @ centre))
    return candidates[best].title or ""
