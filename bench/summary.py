"""Summary quality: ROUGE-1, ROUGE-2 and ROUGE-L of the extractive summary.

Data (``--data``, default ``../shared/data``):

- single documents: the BBC News Summary set, each article against its
  extractive reference summary (``bbc/summaries/<topic>/NNN.txt``, whose
  sentences are run together with no space: split back where a full stop,
  "?" or "!", perhaps with a closing quote mark, is followed directly by a
  capital letter or an opening quote).  Even-numbered files are the tuning
  half, odd-numbered files the held-out half.
- several outlets on one event: the five seed articles (read and cleaned by
  Parallax's own ingest and extraction, clutter and all), and the first 30
  BASIL triplets in sorted ``triplet-uuid`` order (Fox News, New York Times,
  HuffPost), against neutral roundups in ``bench/references/roundups.json``.
  Those references were written for this bench by the project, in its own
  words (80-150 words each, facts the outlets report, no loaded words); each
  was written before any system was run on its story.  Triplets at even
  positions (0, 2, ...) are the tuning half, odd positions are held out; the
  seeds are reported on their own (they served in tuning with the even half).

- AllSides (``allsides-dev/roundups.jsonl``): real stories of up to three
  outlets (left, centre, right), each against the first item of its
  human-written roundup.  Stories dated before ``ALLSIDES_REPORT_FROM`` are the
  tuning part, later ones the reporting part (later stories, as in the
  held-back months).

Method: every article is parsed with spaCy (``parallax.nlp.parse``) and
summarised by ``parallax.brief.summary.summarise`` exactly as a story's
briefing is (a BBC article is a one-article story).  Beside it, in the same
run and on the same spaCy sentences, two baselines:

- Lead: the first sentence of each article, then the second of each, and so on
  (for one article, simply its first sentences).
- LexRank (Erkan & Radev 2004, continuous form): TF-IDF cosine between the
  sentences of the story, a random walk with damping 0.85 solved by power
  iteration; sentences in order of their stationary probability.

Length is the same for every system: sentences are taken (in each system's
order of choice) until they reach the reference's word count, then the summary
is cut to exactly that many words.  Scores are ``rouge-score`` F1 and recall
with Porter stemming, averaged over the documents of a set.

Run: .venv/bin/python bench/summary.py [--data ../shared/data] [--limit N] [--tuning]
[--only-allsides]
(``--limit`` takes the first N BBC files of each topic and half, for a quick run;
``--tuning`` also scores BBC's tuning half, which doubles the run's time.)
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rouge_score import rouge_scorer
from sklearn.feature_extraction.text import TfidfVectorizer

from parallax.brief.summary import summarise
from parallax.extract import extract
from parallax.ingest.files import read_paths
from parallax.model import Article, Document
from parallax.nlp import parse

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "bench" / "references" / "roundups.json"
BASIL_TRIPLETS = 30
METRICS = ("rouge1", "rouge2", "rougeL")
# A sentence end run into the next sentence: ".For", '."The', "?It".
_RUN_ON = re.compile(r"""([.!?]["”’']?)(?=["“‘]?[A-Z])""")


@dataclass
class Case:
    name: str
    articles: list[Article]
    reference: str


def split_reference(text: str) -> list[str]:
    """The sentences of a BBC reference summary, whose sentences have no space between."""
    return [s.strip() for s in _RUN_ON.sub(r"\1\n", text.strip()).split("\n") if s.strip()]


def bbc_cases(data: Path, half: int, limit: int | None) -> list[Case]:
    """BBC articles whose file number has parity ``half`` (0 = tuning, 1 = held out)."""
    cases = []
    for topic in sorted(p for p in (data / "bbc" / "articles").iterdir() if p.is_dir()):
        files = [p for p in sorted(topic.glob("*.txt")) if int(p.stem) % 2 == half]
        for path in files[:limit]:
            raw = path.read_bytes().decode("utf-8", errors="replace")
            title, _, body = raw.strip().partition("\n")
            ref_path = data / "bbc" / "summaries" / topic.name / path.name
            reference = ref_path.read_bytes().decode("utf-8", errors="replace")
            name = f"{topic.name}/{path.stem}"
            cases.append(
                Case(
                    name,
                    [Article(id=name, text=body.strip(), title=title.strip())],
                    " ".join(split_reference(reference)),
                )
            )
    return cases


def basil_cases(data: Path, references: dict[str, str]) -> list[Case]:
    """The first BASIL triplets in sorted id order, each with its written roundup."""
    by_triplet: dict[str, list[Article]] = defaultdict(list)
    for path in sorted((data / "basil" / "data" / "articles").rglob("*.json")):
        record = json.loads(path.read_text())
        paragraphs = record["body-paragraphs"]
        if isinstance(paragraphs, str):
            paragraphs = ast.literal_eval(paragraphs)
        text = "\n\n".join(" ".join(p) if isinstance(p, list) else p for p in paragraphs)
        by_triplet[record["triplet-uuid"]].append(
            Article(
                id=path.stem,
                text=text,
                title=record["title"],
                source=record["source"].lower(),
                published=datetime.fromisoformat(record["date"]).replace(tzinfo=UTC),
            )
        )
    chosen = sorted(by_triplet)[:BASIL_TRIPLETS]
    missing = [t for t in chosen if t not in references]
    if missing:
        raise SystemExit(f"{REFERENCES} has no roundup for BASIL triplets {missing}")
    return [Case(t, by_triplet[t], references[t]) for t in chosen]


ALLSIDES_REPORT_FROM = "2021-06-01"
"""AllSides stories dated from this day on are the reporting part, the earlier
ones the tuning part: the project is measured on later stories than it was
tuned on, as on the held-back months."""


def allsides_cases(data: Path, reporting: bool) -> list[Case]:
    """AllSides stories (up to three outlets each) against the first item of their
    human-written roundup: the tuning part (before ``ALLSIDES_REPORT_FROM``) or
    the reporting part (from it on)."""
    cases = []
    for line in (data / "allsides-dev" / "roundups.jsonl").read_text().splitlines():
        story = json.loads(line)
        if (story["date"][:10] >= ALLSIDES_REPORT_FROM) != reporting:
            continue
        published = datetime.fromisoformat(story["date"])
        articles = [
            Article(
                id=f"{story['id']}-{side}",
                text="\n\n".join(news["newBody"]),
                title=news["newsTitle"],
                source=news["newsSource"],
                url=news.get("newsLink"),
                published=published,
            )
            for side, news in sorted(story["news"].items())
        ]
        cases.append(Case(str(story["id"]), articles, story["roundup"][0]))
    return cases


def seed_case(data: Path, references: dict[str, str]) -> Case:
    """The seed story, read and cleaned by Parallax's ingest and extraction."""
    articles = []
    for item in read_paths([str(data / "seeds")]):
        if not isinstance(item, Document):
            raise SystemExit(f"cannot read a seed article: {item}")
        extracted = extract(item)
        articles.append(
            Article(
                id=Path(item.origin).stem,
                text=extracted.text,
                title=item.title or extracted.title,
                source=item.source or extracted.source,
                published=item.published or extracted.published,
            )
        )
    return Case("seeds", articles, references["seeds"])


# --- systems: each returns the summary's sentences, in the order it presents them --


Units = list[tuple[int, int, str]]
"""The candidate sentences of a story: (article index, position, text)."""


def units(docs: Sequence[Any]) -> Units:
    out = []
    for a, doc in enumerate(docs):
        for pos, sent in enumerate(doc.sents):
            text = " ".join(sent.text.split())
            if text:
                out.append((a, pos, text))
    return out


def n_words(text: str) -> int:
    return len(text.split())


def take(ranked: Sequence[int], sents: Units, budget: int) -> list[str]:
    """Sentences in ``ranked`` order until ``budget`` words, shown in story order."""
    picked: list[int] = []
    total = 0
    for i in ranked:
        if total >= budget:
            break
        picked.append(i)
        total += n_words(sents[i][2])
    return [sents[i][2] for i in sorted(picked, key=lambda i: (sents[i][1], sents[i][0]))]


def lead(case: Case, docs: Sequence[Any], budget: int) -> list[str]:
    sents = units(docs)
    ranked = sorted(range(len(sents)), key=lambda i: (sents[i][1], sents[i][0]))
    return take(ranked, sents, budget)


def lexrank(case: Case, docs: Sequence[Any], budget: int) -> list[str]:
    sents = units(docs)
    if len(sents) < 2:
        return [s[2] for s in sents]
    tfidf = TfidfVectorizer(stop_words="english").fit_transform([s[2] for s in sents])
    sim = (tfidf @ tfidf.T).toarray()
    sim /= sim.sum(axis=1, keepdims=True).clip(min=1e-12)
    n = len(sents)
    walk = 0.15 / n + 0.85 * sim
    p = np.full(n, 1.0 / n)
    for _ in range(100):
        nxt = p @ walk
        nxt /= nxt.sum()
        if np.abs(nxt - p).sum() < 1e-8:
            break
        p = nxt
    return take(list(np.argsort(-p, kind="stable")), sents, budget)


def parallax(case: Case, docs: Sequence[Any], budget: int) -> list[str]:
    # No sentence limit (a sentence has at least one word): the budget decides.
    return [s.text for s in summarise(case.articles, docs, words=budget, sentences=budget)]


def parallax_shown(case: Case, docs: Sequence[Any], budget: int) -> list[str]:
    # As a story page shows it: at most SUMMARY_SENTENCES sentences.
    return [s.text for s in summarise(case.articles, docs, words=budget)]


System = Callable[[Case, Sequence[Any], int], list[str]]
SYSTEMS: dict[str, System] = {
    "Lead": lead,
    "LexRank": lexrank,
    "Parallax": parallax,
}
# AllSides stories are short excerpts (about 90 words an outlet), so the page's
# sentence limit binds there: both the summary as shown and an unlimited one.
ALLSIDES_SYSTEMS: dict[str, System] = {**SYSTEMS, "Parallax 5": parallax_shown}


# --- scoring -----------------------------------------------------------------------


def evaluate(
    cases: list[Case], systems: dict[str, System] = SYSTEMS
) -> dict[str, dict[str, tuple[float, float]]]:
    """Mean (F1, recall) per system and metric."""
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    docs_of = parse([a.text for c in cases for a in c.articles])
    totals: dict[str, dict[str, list[tuple[float, float]]]] = {
        s: {m: [] for m in METRICS} for s in systems
    }
    at = 0
    for case in cases:
        docs = docs_of[at : at + len(case.articles)]
        at += len(case.articles)
        budget = n_words(case.reference)
        for system, run in systems.items():
            summary = " ".join(" ".join(run(case, docs, budget)).split()[:budget])
            scores = scorer.score(case.reference, summary)
            for m in METRICS:
                totals[system][m].append((scores[m].fmeasure, scores[m].recall))
    return {
        s: {m: tuple(float(x) for x in np.mean(v, axis=0)) for m, v in by.items()}  # type: ignore[misc]
        for s, by in totals.items()
    }


def report(title: str, cases: list[Case], systems: dict[str, System] = SYSTEMS) -> None:
    start = time.perf_counter()
    result = evaluate(cases, systems)
    words = np.mean([n_words(c.reference) for c in cases])
    print(f"\n{title}: {len(cases)} stories, reference {words:.0f} words on average")
    print(f"  {'system':<10}" + "".join(f"{m.upper():>14}" for m in METRICS))
    print(f"  {'':<10}" + "".join(f"{'F1':>8}{'R':>6}" for _ in METRICS))
    for system, by in result.items():
        cells = "".join(f"{100 * by[m][0]:8.1f}{100 * by[m][1]:6.1f}" for m in METRICS)
        print(f"  {system:<10}{cells}")
    print(f"  ({time.perf_counter() - start:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=None, help="BBC files per topic and half")
    parser.add_argument("--tuning", action="store_true", help="also score BBC's tuning half")
    parser.add_argument("--only-allsides", action="store_true", help="score AllSides alone")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} is missing: put the shared data folder beside the repo")
    print("ROUGE (rouge-score, Porter stemming), every system cut to the reference's length")
    for reporting, part in ((False, "tuning part, before"), (True, "reporting part, from")):
        report(
            f"AllSides roundups, {part} {ALLSIDES_REPORT_FROM}",
            allsides_cases(args.data, reporting),
            ALLSIDES_SYSTEMS,
        )
    if args.only_allsides:
        return
    references = json.loads(REFERENCES.read_text())
    triplets = basil_cases(args.data, references)
    report("Seeds (five outlets, one event)", [seed_case(args.data, references)])
    report("BASIL triplets, tuning half (even positions)", triplets[0::2])
    report("BASIL triplets, held out (odd positions)", triplets[1::2])
    if args.tuning:
        tuning = bbc_cases(args.data, 0, args.limit)
        report("BBC single documents, tuning half (even files)", tuning)
    report("BBC single documents, held out (odd files)", bbc_cases(args.data, 1, args.limit))


if __name__ == "__main__":
    main()
