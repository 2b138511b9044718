"""Streaming clustering quality: B³ precision, recall and F1, on two sets.

- BASIL + BBC: the 300 BASIL articles (gold story = ``triplet-uuid``) among the
  2,225 BBC articles as distractors (each its own story), whose dates are spread
  over the same years so that time alone cannot separate them.
- allsides-dev: 602 reports of 209 real multi-outlet stories (gold story = the
  line's id), many of them on one subject in one week: the hard set.

Both are streamed in date order.  Each set is split in halves by a hash of the
gold story id (BBC distractors by position): the score's slope in time and its
threshold are chosen on the tuning halves (BASIL + BBC must stay at 0.99, and
among those the best on allsides-dev wins), and reported on the other halves.
The same run reports the rule that shipped before, arrival order shuffled
within each day, reports spread over a day, and batch baselines: average-link
clustering of all articles at once, cut at the distance best on the tuning half.

Run: .venv/bin/python bench/clustering.py [--data ../shared/data] [--errors]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from parallax.cluster import Item, StoryIndex
from parallax.cluster.index import MAX_GAP, PER_DAY, THRESHOLD
from parallax.cluster.terms import terms
from parallax.enrich import enrich, lead_text
from parallax.model import Article

ROOT = Path(__file__).resolve().parents[1]


def basil(data: Path) -> list[tuple[Article, str]]:
    items = []
    for path in sorted((data / "basil" / "data" / "articles").rglob("*.json")):
        d = json.loads(path.read_text())
        paragraphs = d["body-paragraphs"]
        if isinstance(paragraphs, str):
            import ast

            paragraphs = ast.literal_eval(paragraphs)
        text = "\n\n".join(" ".join(p) if isinstance(p, list) else p for p in paragraphs)
        when = datetime.fromisoformat(d["date"]).replace(tzinfo=UTC)
        items.append(
            (
                Article(
                    id=path.stem, text=text, title=d["title"], published=when, source=d["source"]
                ),
                d["triplet-uuid"],
            )
        )
    return items


def bbc(data: Path, start: datetime, end: datetime) -> list[tuple[Article, str]]:
    rng = random.Random(7)
    items = []
    span = (end - start).total_seconds()
    for path in sorted((data / "bbc" / "articles").rglob("*.txt")):
        raw = path.read_bytes().decode("latin-1")
        title, _, body = raw.strip().partition("\n")
        when = start + timedelta(seconds=rng.random() * span)
        article_id = f"bbc-{path.parent.name}-{path.stem}"
        items.append(
            (
                Article(
                    id=article_id,
                    text=body.strip(),
                    title=title.strip(),
                    published=when,
                    source="BBC",
                ),
                article_id,
            )
        )
    return items


def allsides(data: Path) -> list[tuple[Article, str]]:
    """allsides-dev: up to three outlets' reports of each story, gold story = the line's id.

    The collection dates each story, not each report, so every report takes its
    story's date; arrival order within one timestamp follows the outlets' order.
    """
    items = []
    with (data / "allsides-dev" / "roundups.jsonl").open() as lines:
        for line in lines:
            story = json.loads(line)
            when = datetime.fromisoformat(story["date"]).astimezone(UTC)
            for side, report in story["news"].items():
                body = report.get("newBody") or []
                text = "\n\n".join(body) if isinstance(body, list) else str(body)
                article_id = f"allsides-{story['id']}-{side}"
                items.append(
                    (
                        Article(
                            id=article_id,
                            text=text,
                            title=report.get("newsTitle") or "",
                            published=when,
                            source=report.get("newsSource"),
                        ),
                        str(story["id"]),
                    )
                )
    return items


def b_cubed(pred: dict[str, str], gold: dict[str, str], keys: list[str]) -> tuple[float, ...]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for k in pred:
        by_pred[pred[k]].add(k)
        by_gold[gold[k]].add(k)
    p = r = 0.0
    for k in keys:
        same = by_pred[pred[k]] & by_gold[gold[k]]
        p += len(same) / len(by_pred[pred[k]])
        r += len(same) / len(by_gold[gold[k]])
    p, r = p / len(keys), r / len(keys)
    return p, r, 2 * p * r / (p + r)


def stream(
    items: list[tuple[Article, str]],
    vectors: dict[str, tuple],
    threshold: float = THRESHOLD,
    per_day: float = PER_DAY,
) -> dict[str, str]:
    """Each article's story after streaming them all, merges and splits applied."""
    index = StoryIndex(threshold=threshold, per_day=per_day)
    members: dict[str, set[str]] = defaultdict(set)
    for article, _ in items:
        embedding, keys = vectors[article.id]
        title = article.title or ""
        item = Item(
            article.id, title, embedding, frozenset(keys), terms(title, article.text),
            article.published,
        )
        done = index.assign(item)
        members[done.story.id].add(article.id)
        for absorbed in done.merged:
            members[done.story.id] |= members.pop(absorbed)
        if done.split is not None:
            moved = {m.id for m in done.split.members}
            members[done.story.id] -= moved
            members[done.split.id] |= moved
        index.evict_quiet(timedelta(days=3))
    return {article_id: story for story, ids in members.items() for article_id in ids}


def agglomerative(similarity: np.ndarray, ids: list[str], distance: float) -> dict[str, str]:
    """Average-linkage clusters of ``ids``, cut at cosine ``distance``."""
    condensed = squareform(np.clip(1.0 - similarity, 0.0, 2.0), checks=False)
    labels = fcluster(linkage(condensed, method="average"), t=distance, criterion="distance")
    return {article_id: f"c{label}" for article_id, label in zip(ids, labels, strict=True)}


def batch_baselines(
    items: list[tuple[Article, str]],
    vectors: dict[str, tuple],
    gold: dict[str, str],
    tune_keys: list[str],
    test_keys: list[str],
    window_days: float = MAX_GAP.days,
) -> None:
    """Average-link clusterers that see every article at once, each cut at the
    distance that scores best on the tuning keys, reported on the test keys."""
    ids = [a.id for a, _ in items]
    embeddings = np.stack([vectors[i][0] for i in ids])
    by_embedding = embeddings @ embeddings.T
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1)
    matrix = tfidf.fit_transform([lead_text(a) for a, _ in items])
    by_tfidf = (matrix @ matrix.T).toarray()
    np.fill_diagonal(by_embedding, 1.0)
    np.fill_diagonal(by_tfidf, 1.0)
    days = np.array([a.published.timestamp() / 86400 for a, _ in items])
    # Articles further apart in time than the window cannot link.
    apart = np.abs(days[:, None] - days[None, :]) > window_days
    both = (by_embedding + by_tfidf) / 2
    for name, similarity in (
        ("embedding", by_embedding),
        ("TF-IDF", by_tfidf),
        (f"TF-IDF, {window_days:g}-day", np.where(apart, -1.0, by_tfidf)),
        (f"embedding, {window_days:g}-day", np.where(apart, -1.0, by_embedding)),
        (f"emb+TF-IDF, {window_days:g}-day", np.where(apart, -1.0, both)),
    ):
        best = (0.0, 0.0)
        for distance in np.arange(0.0, 0.95, 0.025):
            f1 = b_cubed(agglomerative(similarity, ids, float(distance)), gold, tune_keys)[2]
            best = max(best, (f1, float(distance)))
        p, r, f1 = b_cubed(agglomerative(similarity, ids, best[1]), gold, test_keys)
        print(
            f"  batch {name:<22} distance {best[1]:.3f} (tune F1 {best[0]:.3f}): "
            f"held-out B3 P {p:.3f} R {r:.3f} F1 {f1:.3f}"
        )


def half(key: str) -> int:
    """The half (0 = tuning, 1 = reporting) a gold story falls in, by a hash of its id."""
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2


def vectorise(items: list[tuple[Article, str]]) -> dict[str, tuple]:
    vectors = {}
    for i in range(0, len(items), 64):
        chunk = [a for a, _ in items[i : i + 64]]
        for article, e in zip(chunk, enrich(chunk), strict=True):
            vectors[article.id] = (e.embedding, e.entity_keys())
    return vectors


def line(name: str, scores: tuple[float, ...]) -> str:
    p, r, f1 = scores
    return f"{name}: B3 P {p:.3f} R {r:.3f} F1 {f1:.3f}"


def shuffled_within_days(
    items: list[tuple[Article, str]], seed: int
) -> list[tuple[Article, str]]:
    """The same stream with the arrivals of each day in another order."""
    rng = random.Random(seed)
    keyed = [((a.published.date(), rng.random()), (a, g)) for a, g in items]
    return [x for _, x in sorted(keyed, key=lambda k: k[0])]


def spread_over_a_day(
    items: list[tuple[Article, str]], seed: int
) -> list[tuple[Article, str]]:
    """Each report moved up to 12 hours either way of its story's one timestamp.

    allsides-dev dates stories, not reports, so in the plain stream every report
    of a story arrives at the same instant and time alone separates stories of
    one subject.  Real outlets publish hours apart; this stream checks that the
    rule does not lean on that artefact.
    """
    rng = random.Random(seed)
    moved = [
        (replace(a, published=a.published + timedelta(hours=rng.uniform(-12, 12))), g)
        for a, g in items
    ]
    return sorted(moved, key=lambda x: (x[0].published, x[0].id))


def merged_stories(predicted: dict[str, str], items: list[tuple[Article, str]]) -> None:
    """Print each predicted story that mixes gold stories, with their titles."""
    gold = {a.id: g for a, g in items}
    titles = {a.id: a.title or "" for a, _ in items}
    by_story: dict[str, list[str]] = defaultdict(list)
    for article_id, story in predicted.items():
        by_story[story].append(article_id)
    for ids in by_story.values():
        if len({gold[i] for i in ids}) > 1:
            print("  merged:")
            for i in sorted(ids, key=lambda i: gold[i]):
                print(f"    gold {gold[i]:>6}  {titles[i][:90]}")


GRID = [(d, t) for d in (0.025, 0.1, 0.2, 0.3) for t in (0.33, 0.36, 0.4)]
"""Slopes and thresholds tried on the tuning halves (0.025 a day was the rule before)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--errors", action="store_true", help="list allsides-dev merges")
    parser.add_argument("--distractors", type=int, default=1, help="keep every Nth BBC article")
    args = parser.parse_args()

    events = basil(args.data)
    dates = [a.published for a, _ in events if a.published]
    distractors = bbc(args.data, min(dates), max(dates))[:: args.distractors]
    basil_items = sorted(events + distractors, key=lambda x: (x[0].published, x[0].id))
    basil_gold = {a.id: g for a, g in basil_items}
    bbc_ids = [a.id for a, _ in distractors]
    middle = len(bbc_ids) // 2
    basil_keys = [
        [a.id for a, g in events if half(g) == 0] + bbc_ids[:middle],
        [a.id for a, g in events if half(g) == 1] + bbc_ids[middle:],
    ]
    news = sorted(allsides(args.data), key=lambda x: (x[0].published, x[0].id))
    news_gold = {a.id: g for a, g in news}
    news_keys = [[a.id for a, g in news if half(g) == h] for h in (0, 1)]

    started = time.perf_counter()
    vectors = vectorise(basil_items) | vectorise(news)
    print(
        f"data: {args.data}\n"
        f"  BASIL+BBC: {len(events)} BASIL articles ({len({g for _, g in events})} events) "
        f"+ {len(distractors)} BBC distractors\n"
        f"  allsides-dev: {len(news)} reports of {len(set(news_gold.values()))} stories "
        f"from {len({a.source for a, _ in news})} outlets\n"
        f"  enrichment took {time.perf_counter() - started:.0f}s; halves by a hash of the "
        "gold story id: thresholds are chosen on half 0, reported on half 1"
    )

    print("Parallax streaming (one article at a time, in date order), tuning halves:")
    tuned = []
    for per_day, threshold in GRID:
        on_basil = b_cubed(stream(basil_items, vectors, threshold, per_day), basil_gold,
                           basil_keys[0])[2]
        on_news = b_cubed(stream(news, vectors, threshold, per_day), news_gold, news_keys[0])[2]
        print(
            f"  per day {per_day:.3f} threshold {threshold:.2f}: "
            f"allsides-dev F1 {on_news:.3f}  BASIL+BBC F1 {on_basil:.3f}"
        )
        # BASIL+BBC must stay at 0.99; among those, the best on allsides-dev.
        if on_basil >= 0.99:
            tuned.append((on_news, per_day, threshold))
    best = max(tuned)
    print(f"  chosen on the tuning halves: per day {best[1]:.3f}, threshold {best[2]:.2f}")
    print(f"Reporting halves, shipped rule (per day {PER_DAY}, threshold {THRESHOLD}):")
    predicted = stream(news, vectors)
    print("  " + line("allsides-dev", b_cubed(predicted, news_gold, news_keys[1])))
    basil_predicted = stream(basil_items, vectors)
    print("  " + line("BASIL+BBC   ", b_cubed(basil_predicted, basil_gold, basil_keys[1])))
    print("  " + line("allsides-dev, reports spread over a day",
                      b_cubed(stream(spread_over_a_day(news, 1), vectors), news_gold,
                              news_keys[1])))
    before = stream(news, vectors, 0.40, 0.025)
    print("  " + line("allsides-dev, the rule before (0.025 a day, threshold 0.40)",
                      b_cubed(before, news_gold, news_keys[1])))

    spread = [
        b_cubed(stream(shuffled_within_days(news, seed), vectors), news_gold, list(news_gold))[2]
        for seed in range(5)
    ]
    print(
        f"Arrival order: allsides-dev shuffled within each day, 5 times: F1 "
        f"{min(spread):.3f}-{max(spread):.3f} (spread {max(spread) - min(spread):.3f})"
    )
    print("Batch baselines on allsides-dev (all articles at once, threshold tuned on half 0):")
    batch_baselines(news, vectors, news_gold, news_keys[0], news_keys[1], window_days=1)
    print("Batch baselines on BASIL+BBC:")
    batch_baselines(basil_items, vectors, basil_gold, basil_keys[0], basil_keys[1])
    if args.errors:
        merged_stories(predicted, news)


if __name__ == "__main__":
    main()
