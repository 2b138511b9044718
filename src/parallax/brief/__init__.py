"""The briefing stage: from a story's articles and their parses to a Briefing.

Each component is a plain function in its own module; ``build_briefing``
only composes them.  Entities come first because quotes, quantities and
framing resolve names ("Mr Assad") to the full names the story uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import chain, zip_longest
from typing import Any

from parallax.brief.entities import extract_entities
from parallax.brief.framing import distinctive_terms, extract_framing, unique_facts
from parallax.brief.quantities import extract_quantities
from parallax.brief.quotes import extract_quotes
from parallax.brief.summary import summarise
from parallax.brief.timeline import build_timeline
from parallax.model import Article, Briefing

__all__ = ["BRIEF_ARTICLES", "briefing_articles", "build_briefing"]

BRIEF_ARTICLES = 40
"""The most articles one briefing reads.  A briefing costs more than linearly in
its articles, and a running story is briefed again each time it grows, so an
unbounded briefing makes every poll dearer as a long story lengthens.  Measured
on a 422-article story of ``bench/throughput.py`` (sentence vectors already
remembered): 40 articles 1.6 s, 80 4.7 s, 160 15.0 s, all 422 62 s with a 4.6 GB
peak.  Forty keeps the dearest briefing near 1.6 s and reads every story of the
evaluation sets whole (BASIL stories have 3 articles, the seeds 5)."""


def briefing_articles(articles: Sequence[Article], limit: int = BRIEF_ARTICLES) -> list[Article]:
    """The articles a briefing reads, in the order given (story order, oldest first).

    All of them up to ``limit``.  Beyond it: the story's first report, then the
    originals outlet by outlet in turn, each outlet's newest first, and copies
    only after every original (a syndicated copy repeats its original).  So
    every outlet that reported is heard, and a running story's briefing
    follows it as it moves.
    """
    if len(articles) <= limit:
        return list(articles)
    originals = [a for a in articles if a.duplicate_of is None]
    copies = [a for a in articles if a.duplicate_of is not None]
    ranked = chain(originals[:1], _outlets_in_turn(originals[1:]), _outlets_in_turn(copies))
    chosen = {a.id for a in list(ranked)[:limit]}
    return [a for a in articles if a.id in chosen]


def _outlets_in_turn(articles: Sequence[Article]) -> list[Article]:
    newest_first: defaultdict[str, list[Article]] = defaultdict(list)
    for article in reversed(articles):
        newest_first[(article.source or "").casefold()].append(article)
    turns = zip_longest(*newest_first.values())
    return [article for turn in turns for article in turn if article is not None]


def build_briefing(articles: Sequence[Article], docs: Sequence[Any]) -> Briefing:
    """The cross-source briefing of one story.

    ``docs[i]`` is the spaCy parse of ``articles[i].text``; a long story's
    caller passes ``briefing_articles`` of it, not every article.
    """
    if len(articles) != len(docs):
        raise ValueError(f"{len(articles)} articles but {len(docs)} parsed documents")
    if not articles:
        return Briefing()
    entities = extract_entities(articles, docs)
    # The summary avoids or attributes the figures outlets dispute.
    quantities = extract_quantities(articles, docs, entities)
    return Briefing(
        summary=summarise(articles, docs, quantities=quantities),
        entities=entities,
        quotes=extract_quotes(articles, docs, entities),
        quantities=quantities,
        timeline=build_timeline(articles, docs),
        framing=extract_framing(articles, docs, entities),
        distinctive_terms=distinctive_terms(articles, docs),
        unique_facts=unique_facts(articles, docs),
        drawn_from=[a.id for a in articles],
    )
