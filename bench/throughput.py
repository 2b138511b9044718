"""Import throughput, marginal cost and memory of the whole pipeline, beside its bare models.

    .venv/bin/python bench/throughput.py [--stream 1200] [--new 400] [--archives 10000 100000]

One sitting; every figure below comes from this one run, so that the
machine's drift between hours cancels in the ratios.  At the 2.4 articles a
second the issue measured on 2 idle cores the defaults need about 17 minutes
(stream 8, new articles 6, archives 3); with ``--stream 100 --poll 50 --new
50 --probe 32`` it took 12 minutes under a load average of 12-15.

1. **The models alone**: spaCy ``en_core_web_sm`` over the full texts, then
   MiniLM over title and lead, one after the other, on the first ``--probe``
   articles of the stream, after a warm-up pass.  Their summed time per
   article is the reference the pipeline is read against.
2. **The stream**: ``--stream`` BBC articles (``../shared/data/bbc``) arrive
   as polls of ``--poll``, each poll what ``parallax import`` does (open the
   store, open a ``Pipeline``, run it, briefings included) into one fresh
   SQLite database.  Beyond the 2,225 originals the stream goes on with
   perturbed copies (a paragraph dropped, one borrowed from the same topic,
   figures shifted), dated 400 a day.  At 2-3 articles a second a 10,000-article
   stream needs about an hour, which this bench cannot fit in its budget:
   ``--stream 10000`` runs it when there is the time.
3. **The marginal cost at archive sizes** ``--archives``: each archive is
   written straight through the store, WITHOUT the models, as
   ``bench/web_latency.py`` builds its database: synthetic articles (drawn
   from a pool of synthetic texts, each with a tokenised parse and MinHash
   signature of its own text), random lead vectors, stories of 1 to 8
   articles with centroids and briefings, and assignments, 400 articles a
   day up to the stream's first day, so that the hot part (the last three
   days) is the same size in every archive and only the archive grows.  Then
   ``--new`` BBC articles that the stream did not use are imported on top, as
   polls, and timed.  The issue asks for 1,000; 400 is what fits this budget
   twice beside the stream at today's speed.  The sentence-vector memory is
   emptied before each, so both start alike.
4. **Peak RSS** of each phase (Linux: the high-water mark is reset between
   phases), the models loaded included.

Printed: every phase's articles/s and ms an article, the pipeline / models
ratio, the 100,000 / 10,000 marginal-cost ratio, peak RSS and the whole run's
wall time.  The load of a shared machine moves within minutes (one run saw
the models alone at 690 ms an article and the next phase at a third of
that), so each archive's import is also read against the models timed just
before it, on a quarter of the sample, and the marginal-cost ratio is given
in those units too.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

import numpy as np
from spacy.tokens import Doc
from spacy.vocab import Vocab
from sqlalchemy import insert

from parallax import nlp
from parallax.dedup import fingerprint, signature_bytes
from parallax.enrich import lead_text
from parallax.model import Article, Document
from parallax.pipeline import Pipeline
from parallax.store import Store, schema
from synthetic import NAMES, WORDS, sentence, words

ROOT = Path(__file__).resolve().parents[1]
PER_DAY = 400
START = datetime(2024, 1, 1, tzinfo=UTC)
POOL = 400
"""Distinct synthetic texts an archive's articles are drawn from: each is
tokenised and fingerprinted once (2 and 3 ms), which for every one of 100,000
articles would cost the bench ten minutes."""


# --- the articles ---------------------------------------------------------------


def bbc(data: Path) -> list[tuple[str, str, list[str]]]:
    """(topic, title, paragraphs) of every BBC article."""
    found = []
    for path in sorted((data / "bbc" / "articles").rglob("*.txt")):
        title, _, body = path.read_bytes().decode("latin-1").strip().partition("\n")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        found.append((path.parent.name, title.strip(), paragraphs))
    return found


def documents(data: Path, size: int, first: int = 0) -> Iterator[Document]:
    """Articles ``first`` to ``size`` of the stream: the originals, then perturbed
    copies, dated 400 a day from ``START``."""
    source = bbc(data)
    by_topic: dict[str, list[list[str]]] = {}
    for topic, _, paragraphs in source:
        by_topic.setdefault(topic, []).append(paragraphs)
    rng = random.Random(11)
    for n in range(size):
        round_, i = divmod(n, len(source))
        topic, title, paragraphs = source[i]
        if round_:  # drawn for every copy, used or not, so a slice is the same articles
            paragraphs = list(paragraphs)
            if len(paragraphs) > 2:
                del paragraphs[rng.randrange(1, len(paragraphs))]
            donor = rng.choice(by_topic[topic])
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), rng.choice(donor))
            paragraphs = [_shift_figures(p, rng) for p in paragraphs]
            title = f"{title} ({round_})"
        if n < first:
            continue
        yield Document(
            body="\n\n".join(paragraphs),
            is_html=False,
            id=f"bbc-{n}",
            title=title,
            source=f"Outlet {n % 17}",
            published=START + timedelta(days=n / PER_DAY),
            origin=f"bbc/{topic}/{i}",
        )


def _shift_figures(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randrange(1, 9)), text)


# --- memory ---------------------------------------------------------------------


def reset_peak_rss() -> None:
    """Start a new high-water mark of resident memory (Linux ``clear_refs``)."""
    # Elsewhere the peak stays the process's since it started.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    """Peak resident memory since the last ``reset_peak_rss``, in MB."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024  # type: ignore[index]
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def load_average() -> str:
    """The machine's load over the last 1, 5 and 15 minutes: on a shared machine it
    moves the figures more than most changes do, so each is printed beside it."""
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


# --- the models alone -----------------------------------------------------------


@dataclass(slots=True)
class Models:
    spacy: float
    """Seconds an article."""
    encoder: float

    @property
    def both(self) -> float:
        return self.spacy + self.encoder


def time_models(docs: Sequence[Document]) -> Models:
    """spaCy over the full texts, then MiniLM over title and lead, one after
    the other, in the batches the pipeline uses; seconds an article each."""
    texts = [d.body for d in docs]
    leads = [lead_text(Article(id="", text=d.body, title=d.title)) for d in docs]
    started = time.perf_counter()
    nlp.parse(texts)
    parsed = time.perf_counter()
    nlp.embed(leads)
    done = time.perf_counter()
    return Models((parsed - started) / len(docs), (done - parsed) / len(docs))


# --- the pipeline ---------------------------------------------------------------


@dataclass(slots=True)
class Run:
    articles: int
    wall: float
    cpu: float
    peak_mb: float
    opening: float
    """Of ``wall``, the seconds spent opening the store and the pipeline."""
    failed: int

    @property
    def per_article(self) -> float:
        return self.wall / max(1, self.articles)


def import_polls(db: Path, docs: Sequence[Document], poll: int, say: bool = True) -> Run:
    """Import ``docs`` as polls of ``poll``, each as ``parallax import`` does it."""
    nlp.forget_remembered()
    reset_peak_rss()
    wall, cpu, opening, failed, done = time.perf_counter(), time.process_time(), 0.0, 0, 0
    stream = iter(docs)
    while batch := list(islice(stream, poll)):
        started = time.perf_counter()
        store = Store.open(str(db))
        pipeline = Pipeline(store)
        opening += time.perf_counter() - started
        report = pipeline.run(batch)
        store.close()
        failed += report.failed
        done += len(batch)
        if say:
            took = time.perf_counter() - started
            print(
                f"    {done:>6} articles  this poll {1000 * took / len(batch):6.1f} ms an article, "
                f"{len(report.stories)} stories briefed",
                flush=True,
            )
    return Run(
        done,
        time.perf_counter() - wall,
        time.process_time() - cpu,
        peak_rss_mb(),
        opening,
        failed,
    )


# --- an archive without the models ----------------------------------------------


def _synthetic_text(rng: random.Random, vocab: Vocab) -> tuple[str, bytes, bytes]:
    """A text of eight sentences in paragraphs, its parse as the tokeniser would
    cut it (no tagger or parser: nothing reads more of an archive's parses than
    its tokens) and its MinHash signature."""
    tokens: list[str] = []
    spaces: list[bool] = []
    for n in range(8):
        if n:
            tokens.append("\n\n")
            spaces.append(False)
        drawn = words(rng, 14)
        tokens += [drawn[0].capitalize(), *drawn[1:], "."]
        spaces += [True] * 14 + [False]
    doc = Doc(vocab, words=tokens, spaces=spaces)
    return doc.text, nlp.doc_to_bytes(doc), signature_bytes(fingerprint(doc.text))


def _unit(rng: np.random.Generator) -> bytes:
    v = rng.standard_normal(nlp.EMBEDDING_DIM).astype(np.float32)
    return (v / np.linalg.norm(v)).tobytes()


def build_archive(db: Path, size: int, seed: int = 7) -> int:
    """``size`` synthetic articles in stories, dated 400 a day up to ``START``,
    written through the store's tables without the models, with the stories'
    briefings, so that nothing is left for a pipeline to brief.  Rows go in
    bulk, a few thousand a statement: one by one through ``Writer`` (its
    per-row story counts and transactions) 100,000 took a quarter of an hour.
    Returns the number of stories."""
    rng = random.Random(seed)
    vectors = np.random.default_rng(seed)
    vocab = Vocab()
    pool = [_synthetic_text(rng, vocab) for _ in range(POOL)]
    store = Store.open(str(db))
    made, stories = 0, 0
    first_day = START - timedelta(days=size / PER_DAY)
    while made < size:
        rows: dict[str, list[dict[str, object]]] = {"stories": [], "articles": [], "nlp": []}
        while made < size and len(rows["articles"]) < 2000:
            count = min(size - made, rng.choice([1, 1, 2, 3, 4, 5, 6, 8]))
            story_id = f"arch{stories:07d}"
            start = first_day + timedelta(days=made / PER_DAY)
            dates = sorted(start + timedelta(hours=rng.uniform(0, 12)) for _ in range(count))
            outlets = {f"Archive {rng.randrange(40)}" for _ in range(count)}
            rows["stories"].append(
                {
                    "id": story_id,
                    "title": f"Story {stories}",
                    "created": dates[0],
                    "updated": dates[-1],
                    "first_published": dates[0],
                    "last_published": dates[-1],
                    "n_articles": count,
                    "n_sources": len(outlets),
                    "centroid": _unit(vectors),
                    "keywords": rng.sample(WORDS, 3),
                    "briefing": {"summary": []},
                    "dirty": False,
                    "brief_failures": 0,
                    "thread_id": story_id,
                }
            )
            for published, outlet in zip(dates, sorted(outlets) * count, strict=False):
                article_id = f"arch-{made:07d}"
                text, doc, signature = pool[rng.randrange(POOL)]
                rows["articles"].append(
                    {
                        "id": article_id,
                        "url": f"https://archive.example/{made}",
                        "source": outlet,
                        "title": sentence(rng, 8)[:-1],
                        "published": published,
                        "published_estimated": False,
                        "text": text,
                        "content_hash": f"{article_id}-hash",
                        "story_id": story_id,
                        "added": published,
                    }
                )
                rows["nlp"].append(
                    {
                        "article_id": article_id,
                        "doc": doc,
                        "embedding": _unit(vectors),
                        "minhash": signature,
                        "entities": [[rng.choice(NAMES), "PERSON"]],
                    }
                )
                made += 1
            stories += 1
        decided = [
            {"article_id": r["article_id"], "story_id": a["story_id"], "decision": {}}
            for r, a in zip(rows["nlp"], rows["articles"], strict=True)
        ]
        with store.writer() as writer:
            writer.conn.execute(insert(schema.stories), rows["stories"])
            writer.conn.execute(insert(schema.articles), rows["articles"])
            writer.conn.execute(insert(schema.article_nlp), rows["nlp"])
            writer.conn.execute(
                insert(schema.assignments), [{**d, "decided": START} for d in decided]
            )
    store.close()
    return stories


# --- the run --------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--stream", type=int, default=1200, help="articles of the stream")
    parser.add_argument("--poll", type=int, default=200, help="articles a poll")
    parser.add_argument("--new", type=int, default=400, help="articles imported on an archive")
    parser.add_argument("--archives", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--probe", type=int, default=200, help="articles the models are timed on")
    args = parser.parse_args()
    if not (args.data / "bbc").is_dir():
        sys.exit(f"{args.data / 'bbc'} is missing: put the shared data folder beside the repo")
    began = time.perf_counter()
    stream = list(documents(args.data, args.stream))
    fresh = list(documents(args.data, args.stream + args.new, first=args.stream))
    probe = stream[: args.probe]
    with tempfile.TemporaryDirectory() as scratch:
        time_models(probe[:32])  # loads both models: not a cost per article
        models = time_models(probe)
        print(
            f"models alone on {len(probe)} articles: spaCy {1000 * models.spacy:.1f} ms "
            f"+ MiniLM (title and lead) {1000 * models.encoder:.1f} ms = "
            f"{1000 * models.both:.1f} ms an article ({1 / models.both:.1f} articles/s); "
            f"{load_average()}",
            flush=True,
        )
        print(f"stream: {args.stream} BBC articles, {args.poll} a poll, into a new database")
        run = import_polls(Path(scratch) / "stream.db", stream, args.poll)
        print(
            f"  {args.stream / run.wall:.2f} articles/s ({1000 * run.per_article:.1f} ms, "
            f"{1000 * run.cpu / run.articles:.1f} CPU ms an article, of which opening "
            f"{1000 * run.opening / run.articles:.1f} ms); failed {run.failed}; "
            f"peak RSS {run.peak_mb:.0f} MB\n"
            f"  pipeline / models alone: {run.per_article / models.both:.2f}; {load_average()}",
            flush=True,
        )
        marginal: dict[int, tuple[Run, Models]] = {}
        for size in sorted(args.archives):
            db = Path(scratch) / f"archive-{size}.db"
            started = time.perf_counter()
            stories = build_archive(db, size)
            print(
                f"archive of {size} articles ({stories} stories) built without the models "
                f"in {time.perf_counter() - started:.0f} s; {len(fresh)} new articles on top:",
                flush=True,
            )
            # The machine's load moves within minutes: each import is read
            # against the models timed just before it, on a quarter of the sample.
            beside = time_models(probe[: max(8, len(probe) // 4)])
            run = import_polls(db, fresh, args.poll)
            marginal[size] = run, beside
            print(
                f"  marginal cost at {size}: {1000 * run.per_article:.1f} ms an article "
                f"({run.articles / run.wall:.2f} articles/s, of which opening "
                f"{1000 * run.opening / run.articles:.1f} ms); failed {run.failed}; "
                f"peak RSS {run.peak_mb:.0f} MB\n"
                f"  pipeline / models alone timed just before: "
                f"{run.per_article / beside.both:.2f} ({1000 * beside.both:.1f} ms an article); "
                f"{load_average()}",
                flush=True,
            )
            db.unlink()
        if len(marginal) > 1:
            (small, at_small), (big, at_big) = (marginal[n] for n in (min(marginal), max(marginal)))
            print(
                f"marginal cost at {max(marginal)} / at {min(marginal)}: "
                f"{big.per_article / small.per_article:.2f} in ms, "
                f"{(big.per_article / at_big.both) / (small.per_article / at_small.both):.2f} "
                "in models-alone units"
            )
    print(f"whole bench: {(time.perf_counter() - began) / 60:.1f} min")


if __name__ == "__main__":
    main()
