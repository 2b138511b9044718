"""The briefing stage: from a story's articles and their parses to a Briefing.

Each component is a plain function in its own module; ``build_briefing``
only composes them.  Entities come first because quotes, quantities and
framing resolve names ("Mr Assad") to the full names the story uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parallax.brief.entities import extract_entities
from parallax.brief.framing import distinctive_terms, extract_framing, unique_facts
from parallax.brief.quantities import extract_quantities
from parallax.brief.quotes import extract_quotes
from parallax.brief.summary import summarise
from parallax.brief.timeline import build_timeline
from parallax.model import Article, Briefing

__all__ = ["build_briefing"]


def build_briefing(articles: Sequence[Article], docs: Sequence[Any]) -> Briefing:
    """The cross-source briefing of one story.

    ``docs[i]`` is the spaCy parse of ``articles[i].text``.
    """
    if len(articles) != len(docs):
        raise ValueError(f"{len(articles)} articles but {len(docs)} parsed documents")
    if not articles:
        return Briefing()
    entities = extract_entities(articles, docs)
    return Briefing(
        summary=summarise(articles, docs),
        entities=entities,
        quotes=extract_quotes(articles, docs, entities),
        quantities=extract_quantities(articles, docs, entities),
        timeline=build_timeline(articles, docs),
        framing=extract_framing(articles, docs, entities),
        distinctive_terms=distinctive_terms(articles, docs),
        unique_facts=unique_facts(articles, docs),
    )
