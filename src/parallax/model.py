"""Typed records that flow through the engine.

Each stage takes some of these and returns others; none of them knows about the
database, the network or the clock.  Field names follow
``parallax/schema/story.schema.json`` wherever a record ends up in an export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """An item before extraction: a fetched page, a text file, a JSON Lines record.

    ``body`` is HTML when ``is_html`` is true, otherwise plain text as pasted or
    scraped from a page (clutter included).  Everything else is metadata the
    source supplied; extraction fills in what is missing.
    """

    body: str
    is_html: bool
    id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    origin: str = ""
    """Where the item came from (file path, feed URL); used in error messages."""
    section: str | None = None
    """The section the source filed it under (a feed entry's category); the
    page's own section, when it states one, is preferred."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """What extraction recovers from a document: clean text plus metadata."""

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    source: str | None = None
    """Outlet name, when the page states it."""
    section: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    image: str | None = None
    removed: tuple[str, ...] = ()
    """Lines dropped as clutter, kept so that clean-up can be audited."""


@dataclass(slots=True)
class Article:
    """A stored article: clean text and metadata, with its place in a story."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: datetime | None = None
    published_estimated: bool = False
    """True when ``published`` was inferred (dateline, story siblings), not given."""
    language: str | None = None
    section: str | None = None
    image: str | None = None
    duplicate_of: str | None = None
    wire: str | None = None
    """The news agency whose copy the article says it carries (``wire.carried_wire``)."""
    story_id: str | None = None
    added: datetime | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention, as character offsets into ``Article.text``."""

    text: str
    label: str
    start: int
    end: int


@dataclass(slots=True)
class Story:
    id: str
    title: str
    article_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    created: datetime | None = None
    updated: datetime | None = None


# --- the briefing -------------------------------------------------------------


@dataclass(slots=True)
class SummarySentence:
    text: str
    article_ids: list[str]


@dataclass(slots=True)
class Entity:
    name: str
    type: str
    aliases: list[str]
    article_ids: list[str]
    mentions: int = 0


@dataclass(slots=True)
class QuoteVariant:
    """Another article's wording of a quote, flagged by how it differs."""

    text: str
    article_ids: list[str]
    trimmed: bool
    """True when the wording is a cut of the main one; False when words were changed."""


@dataclass(slots=True)
class Quote:
    speaker: str | None
    text: str
    article_ids: list[str]
    direct: bool = True
    variants: list[str] = field(default_factory=list)
    """Other wordings of the same quote (trimmed or altered) seen in other articles."""
    variant_details: list[QuoteVariant] = field(default_factory=list)
    """The same wordings as ``variants``, with the articles that carry each."""


@dataclass(slots=True)
class QuantityMention:
    article_id: str
    text: str
    low: float | None
    high: float | None
    """None means unbounded."""
    attribution: str | None = None
    source: str | None = None
    """Outlet of the article, copied here so that a reader needs no lookup."""
    update: bool = False
    """A later, higher report of a growing count (a toll) that supersedes an
    earlier figure of its group, rather than contradicting it."""


@dataclass(slots=True)
class QuantityGroup:
    label: str
    conflict: bool
    mentions: list[QuantityMention]
    update: bool = False
    """True when the figures differ only because a later report raised them."""
    kind: str = ""
    """What is counted, for grouping on a page: "killed", "injured", "missing",
    "displaced", "arrested", "crossed", "money", "homes", "votes", "people"
    (people taking part: rescuers deployed, workers on strike) or "other" (a
    count of what the headlines name, "vaccine doses": never a conflict)."""
    outlets: int = 0
    """Independent outlets behind the group (a syndicated copy counts with its
    original): a measure of how central the figure is to the story."""


# Inside TimelineEvent the field "date" shadows the type of that name.
Day = date


@dataclass(slots=True)
class TimelineEvent:
    date: date
    text: str
    article_ids: list[str]
    estimated: bool = False
    precision: str = "day"
    """How much of ``date`` the sources state: "year", "month" or "day"."""
    end: Day | None = None
    """The last day of a stated range ("Nov. 26 to Dec. 1", "last week")."""
    outlets: int = 0
    """Independent outlets that report the event (a syndicated copy counts
    with its original): a measure of how central it is to the story."""


@dataclass(slots=True)
class FramingTerm:
    term: str
    article_ids: list[str]
    variants: list[str] = field(default_factory=list)
    """Other wordings with the same head ("Syrian dictator" under "dictator"),
    whose outlets are counted in ``article_ids``."""


@dataclass(slots=True)
class Framing:
    referent: str
    terms: list[FramingTerm]


@dataclass(slots=True)
class OutletTerms:
    """Words that set one outlet's coverage of a story apart from the others'."""

    source: str
    terms: list[str]
    weights: list[float]
    """Each term's z-score (weighted log-odds with an informative prior)."""
    article_ids: list[str]


@dataclass(slots=True)
class UniqueFact:
    """A sentence only one independent outlet of the story carries."""

    text: str
    source: str
    article_ids: list[str]


@dataclass(slots=True)
class Briefing:
    summary: list[SummarySentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    quantities: list[QuantityGroup] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    distinctive_terms: list[OutletTerms] = field(default_factory=list)
    unique_facts: list[UniqueFact] = field(default_factory=list)
    abstract: list[SummarySentence] = field(default_factory=list)
    """The checked machine-written summary, when a language model is configured."""
    drawn_from: list[str] = field(default_factory=list)
    """Ids of the articles the briefing read: a long story's briefing reads some of them."""

    @classmethod
    def from_json(cls, data: object) -> Briefing:
        """A stored briefing (``export.briefing_json``'s output) as typed records.

        Briefings stored before versions were written read as version 1, whose
        shape they have; a later version's change adds its step here, so old
        rows keep reading.  Raises ValueError for a briefing written by a newer
        Parallax, or for something that is no briefing at all."""
        from parallax.typed_json import Unreadable, read

        if not isinstance(data, dict):
            raise ValueError(f"a briefing is a JSON object, not {type(data).__name__}")
        version = data.get("version", 1)
        if not isinstance(version, int) or not 1 <= version <= BRIEFING_VERSION:
            raise ValueError(
                f"briefing version {version!r} is not one this Parallax reads "
                f"(1 to {BRIEFING_VERSION}); it was written by a newer one"
            )
        try:
            return read(cls, _cut_dates_state_their_precision(data))
        except Unreadable as exc:  # no field of a briefing is required: cannot happen
            raise ValueError(str(exc)) from exc


def _cut_dates_state_their_precision(data: dict[str, Any]) -> dict[str, Any]:
    """A timeline date stored cut to the year ("1978") or the month ("2019-03") is
    at that precision whatever its "precision" says (early version-1 briefings
    wrote such dates without one); the date alone would read as the first day."""
    events = data.get("timeline")
    if not isinstance(events, list):
        return data
    cut = {4: "year", 7: "month"}
    fixed = [
        {**e, "precision": cut[len(e["date"])]}
        if isinstance(e, dict) and isinstance(e.get("date"), str) and len(e["date"]) in cut
        else e
        for e in events
    ]
    return {**data, "timeline": fixed}


BRIEFING_VERSION = 1
"""The shape of a stored briefing; ``export.briefing_json`` writes it as "version"."""
