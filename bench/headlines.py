"""Story headlines on allsides-dev: how close the title Parallax shows is to the editors' own.

Each allsides-dev story (its reports grouped by the collection's own story ids,
so clustering errors do not enter) gets a headline the way the pipeline picks
one (``pipeline._headline``: the title of the original report nearest the
story's centre, in lead embeddings).  It is scored against the headline
AllSides' editors wrote for the story, by ROUGE-1 F1 (``rouge-score``, Porter
stemming), beside two other ways of picking a report's title: the first report
to arrive, and the shortest title.  Printed per half (by a hash of the story id,
as ``bench/clustering.py`` splits stories: 0 tuning, 1 reporting).

Run: .venv/bin/python bench/headlines.py [--data ../shared/data]
(``PARALLAX_MODEL_CACHE=<folder>`` keeps the vectors between runs.)
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from statistics import mean

from rouge_score import rouge_scorer

from clustering import allsides, half, vectorise
from parallax.model import Article
from parallax.pipeline import _headline
from parallax.store import StoredNLP

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    items = allsides(args.data)
    urls = {
        f"allsides-{story['id']}-{side}": report.get("newsLink")
        for story in map(json.loads, (args.data / "allsides-dev" / "roundups.jsonl").open())
        for side, report in story["news"].items()
    }
    reference = {
        str(story["id"]): story["issue"]
        for story in map(json.loads, (args.data / "allsides-dev" / "roundups.jsonl").open())
    }
    vectors = vectorise(items)
    stories: dict[str, list[Article]] = defaultdict(list)
    for article, gold in items:
        article.url = urls.get(article.id)
        stories[gold].append(article)
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    pickers = {
        "Parallax": lambda arts: _headline(
            arts,
            {a.id: StoredNLP(a.id, b"", vectors[a.id][0].tobytes(), None, []) for a in arts},
        ),
        "first report": lambda arts: next(a.title for a in arts if a.title),
        "shortest title": lambda arts: min((a.title for a in arts if a.title), key=len),
    }
    print(f"data: {args.data / 'allsides-dev'}; reference: the editors' headline of each story")
    for h, name in ((0, "tuning"), (1, "reporting")):
        chosen = {g: arts for g, arts in stories.items() if half(g) == h and len(arts) > 1}
        print(f"half {h} ({name}): {len(chosen)} stories of two reports or more, ROUGE-1 F1")
        for label, pick in pickers.items():
            scores = [
                scorer.score(reference[g], pick(arts))["rouge1"].fmeasure
                for g, arts in chosen.items()
            ]
            print(f"  {label:<15} {100 * mean(scores):5.1f}")


if __name__ == "__main__":
    main()
