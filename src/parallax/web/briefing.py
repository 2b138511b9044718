"""The story page's view of a briefing: citations resolved to outlets, quotes
grouped by speaker, syndicated copies folded under their originals.

Briefings are stored JSON written by another stage (and possibly by an older
version of it), so every reader here is defensive: a missing key, a wrong type
or an unknown article id degrades to "nothing to show", never to an error page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parallax.export import independent_sources
from parallax.model import Article
from parallax.web.view import (
    article_href,
    badge_class,
    best_sentence,
    first_sentence,
    initials,
    outlet_name,
    parse_day,
)

KNOWN_KEYS = frozenset(
    {"summary", "entities", "quotes", "quantities", "timeline", "framing", "title", "id"}
    | {"abstract", "drawn_from"}
)
"""Briefing keys with their own section; any other key is shown as an extra."""

ENTITY_TYPES = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "NORP": "Group",
    "EVENT": "Event",
    "LAW": "Law",
    "PRODUCT": "Product",
    "WORK_OF_ART": "Work",
}


@dataclass(frozen=True, slots=True)
class Cite:
    """One citation mark: [n] linking to an article, labelled with its outlet."""

    n: int
    article_id: str
    outlet: str
    href: str
    known: bool
    """False when the briefing cites an article that is not in this story."""


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    initials: str
    badge: str


def has_conflict(data: Mapping[str, Any] | None) -> bool:
    """Whether a stored briefing reports conflicting figures."""
    groups = (data or {}).get("quantities")
    return isinstance(groups, list) and any(
        isinstance(g, Mapping) and g.get("conflict") is True for g in groups
    )


def summary_line(data: Mapping[str, Any] | None) -> str | None:
    """The first sentence of a stored briefing's summary, for story listings."""
    sentences = (data or {}).get("summary")
    if isinstance(sentences, list) and sentences and isinstance(sentences[0], Mapping):
        text = sentences[0].get("text")
        if isinstance(text, str) and text.strip():
            return first_sentence(text)
    return None


def outlet(name: str) -> Outlet:
    return Outlet(name=name, initials=initials(name), badge=badge_class(name))


class Citations:
    """Numbers articles once per story, so [3] means the same article everywhere."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._cites: dict[str, Cite] = {}
        for article in articles:
            self._add(article.id, outlet_name(article.source, article.url), known=True)

    def _add(self, article_id: str, name: str, *, known: bool) -> Cite:
        cite = Cite(len(self._cites) + 1, article_id, name, article_href(article_id), known)
        self._cites[article_id] = cite
        return cite

    def get(self, article_id: object) -> Cite | None:
        if not isinstance(article_id, str) or not article_id:
            return None
        found = self._cites.get(article_id)
        return found or self._add(article_id, "article not in this story", known=False)

    def many(self, ids: object) -> list[Cite]:
        """Citations for a list of ids, in number order, skipping junk."""
        if not isinstance(ids, list):
            return []
        found = {c.article_id: c for c in (self.get(i) for i in ids) if c is not None}
        return sorted(found.values(), key=lambda c: c.n)

    def outlets(self, ids: object) -> list[Outlet]:
        names: dict[str, None] = {}
        for cite in self.many(ids):
            if cite.known:
                names.setdefault(cite.outlet, None)
        return [outlet(n) for n in names]


@dataclass(frozen=True, slots=True)
class Support:
    """A citation of one summary sentence: the article's sentence that backs it
    (the one sharing the most words), and a link straight to that sentence."""

    cite: Cite
    sentence: str | None
    href: str


@dataclass(slots=True)
class SummaryLine:
    text: str
    cites: list[Cite]
    supports: list[Support] = field(default_factory=list)


@dataclass(slots=True)
class Figure:
    text: str
    cite: Cite | None
    attribution: str | None
    low: float | None
    high: float | None
    update: bool
    """A later report's figure that raised an earlier one."""


@dataclass(slots=True)
class FigureGroup:
    label: str
    conflict: bool
    update: bool
    figures: list[Figure]


@dataclass(slots=True)
class QuoteView:
    text: str
    direct: bool
    cites: list[Cite]
    outlets: list[Outlet]
    variants: list[str]


@dataclass(slots=True)
class Speaker:
    name: str | None
    quotes: list[QuoteView] = field(default_factory=list)


@dataclass(slots=True)
class EntityView:
    name: str
    kind: str
    aliases: list[str]
    cites: list[Cite]


@dataclass(slots=True)
class Event:
    day: date | None
    raw_date: str
    text: str
    estimated: bool
    cites: list[Cite]


@dataclass(slots=True)
class OutletTerms:
    outlet: Outlet
    terms: list[str]
    cites: list[Cite]


@dataclass(slots=True)
class FramingView:
    referent: str
    by_outlet: list[OutletTerms]


@dataclass(slots=True)
class ArticleEntry:
    article: Article
    outlet: Outlet
    cite: Cite
    copies: list[ArticleEntry] = field(default_factory=list)


@dataclass(slots=True)
class Extra:
    key: str
    label: str
    value: Any


@dataclass(slots=True)
class BriefingView:
    built: bool
    summary: list[SummaryLine]
    abstract: list[SummaryLine]
    """The machine-written summary (checked against the evidence), when there is one."""
    conflicts: list[FigureGroup]
    updates: list[FigureGroup]
    """Groups whose figures differ only because later reports raised them."""
    figures: list[FigureGroup]
    speakers: list[Speaker]
    entities: list[EntityView]
    timeline: list[Event]
    framing: list[FramingView]
    extras: list[Extra]
    articles: list[ArticleEntry]
    outlets: list[Outlet]
    independent: int
    citations: Citations
    read: tuple[int, int] | None
    """(articles the briefing read, articles in the story), when it read only some."""


def _items(briefing: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = briefing.get(key)
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def build(briefing: Mapping[str, Any] | None, articles: list[Article]) -> BriefingView:
    cites = Citations(articles)
    data: Mapping[str, Any] = briefing if isinstance(briefing, Mapping) else {}
    groups = _figure_groups(data, cites)
    entries = fold_copies(articles, cites)
    names: dict[str, None] = {}
    for article in articles:
        names.setdefault(outlet_name(article.source, article.url), None)
    return BriefingView(
        built=briefing is not None,
        summary=_summary(data, cites, {a.id: a for a in articles}),
        abstract=_summary(data, cites, {a.id: a for a in articles}, key="abstract"),
        conflicts=[g for g in groups if g.conflict],
        updates=[g for g in groups if g.update and not g.conflict],
        figures=[g for g in groups if not g.conflict and not g.update],
        speakers=_speakers(data, cites),
        entities=_entities(data, cites),
        timeline=_timeline(data, cites),
        framing=_framing(data, cites),
        extras=[
            Extra(key, key.replace("_", " ").capitalize(), value)
            for key, value in data.items()
            if key not in KNOWN_KEYS and value not in (None, "", [], {})
        ],
        articles=entries,
        outlets=[outlet(n) for n in names],
        independent=independent_sources(articles),
        citations=cites,
        read=_read(data, articles),
    )


def _read(data: Mapping[str, Any], articles: list[Article]) -> tuple[int, int] | None:
    drawn = data.get("drawn_from")
    if not isinstance(drawn, list):  # briefings written before the field read everything
        return None
    read = len({a.id for a in articles} & {i for i in drawn if isinstance(i, str)})
    return (read, len(articles)) if read < len(articles) else None


def _summary(
    data: Mapping[str, Any], cites: Citations, by_id: Mapping[str, Article], key: str = "summary"
) -> list[SummaryLine]:
    lines = []
    for item in _items(data, key):
        text = _text(item.get("text"))
        if not text:
            continue
        found = cites.many(item.get("article_ids"))
        supports = []
        for cite in found:
            article = by_id.get(cite.article_id)
            best = best_sentence(text, article.text) if article else None
            if best is None:
                supports.append(Support(cite, None, cite.href))
            else:
                supports.append(Support(cite, best[1], f"{cite.href}?s={best[0]}#cited"))
        lines.append(SummaryLine(text, found, supports))
    return lines


def _figure_groups(data: Mapping[str, Any], cites: Citations) -> list[FigureGroup]:
    groups = []
    for group in _items(data, "quantities"):
        mentions = group.get("mentions")
        figures = [
            Figure(
                text=_text(m.get("text")),
                cite=cites.get(m.get("article_id")),
                attribution=_text(m.get("attribution")) or None,
                low=_number(m.get("low")),
                high=_number(m.get("high")),
                update=m.get("update") is True,
            )
            for m in (mentions if isinstance(mentions, list) else [])
            if isinstance(m, Mapping) and _text(m.get("text"))
        ]
        if figures:
            groups.append(
                FigureGroup(
                    label=_text(group.get("label")) or "Figures",
                    conflict=group.get("conflict") is True,
                    update=group.get("update") is True,
                    figures=figures,
                )
            )
    return groups


def _speakers(data: Mapping[str, Any], cites: Citations) -> list[Speaker]:
    speakers: dict[str | None, Speaker] = {}
    for quote in _items(data, "quotes"):
        text = _text(quote.get("text"))
        if not text:
            continue
        name = _text(quote.get("speaker")) or None
        variants = quote.get("variants")
        view = QuoteView(
            text=text,
            direct=quote.get("direct") is not False,
            cites=cites.many(quote.get("article_ids")),
            outlets=cites.outlets(quote.get("article_ids")),
            variants=[
                v
                for v in (
                    _text(x.get("text")) if isinstance(x, Mapping) else _text(x)
                    for x in (variants if isinstance(variants, list) else [])
                )
                if v and v != text
            ],
        )
        speakers.setdefault(name, Speaker(name)).quotes.append(view)
    # Named speakers first, in briefing order; unattributed quotes last.
    return sorted(speakers.values(), key=lambda s: s.name is None)


def _entities(data: Mapping[str, Any], cites: Citations) -> list[EntityView]:
    views = []
    for entity in _items(data, "entities"):
        name = _text(entity.get("name"))
        if not name:
            continue
        raw_aliases = entity.get("aliases")
        aliases = [
            a
            for a in dict.fromkeys(
                _text(x) for x in (raw_aliases if isinstance(raw_aliases, list) else [])
            )
            if a and a != name
        ]
        kind = _text(entity.get("type")).upper()
        views.append(
            EntityView(
                name=name,
                kind=ENTITY_TYPES.get(kind, kind.capitalize() or "Other"),
                aliases=aliases,
                cites=cites.many(entity.get("article_ids")),
            )
        )
    return views


def _timeline(data: Mapping[str, Any], cites: Citations) -> list[Event]:
    events = [
        Event(
            day=parse_day(e.get("date")),
            raw_date=_text(e.get("date")),
            text=_text(e.get("text")),
            estimated=e.get("estimated") is True,
            cites=cites.many(e.get("article_ids")),
        )
        for e in _items(data, "timeline")
        if _text(e.get("text"))
    ]
    # Dates are ISO 8601 at the precision the sources give ("2011", "2024-11",
    # "2024-11-26"), which sorts as text; undated events stay after the dated ones.
    return sorted(events, key=lambda e: (not e.raw_date[:4].isdigit(), e.raw_date))


def _framing(data: Mapping[str, Any], cites: Citations) -> list[FramingView]:
    views = []
    for frame in _items(data, "framing"):
        referent = _text(frame.get("referent"))
        raw_terms = frame.get("terms")
        by_outlet: dict[str, OutletTerms] = {}
        for term in raw_terms if isinstance(raw_terms, list) else []:
            if not isinstance(term, Mapping) or not _text(term.get("term")):
                continue
            for cite in cites.many(term.get("article_ids")):
                row = by_outlet.setdefault(cite.outlet, OutletTerms(outlet(cite.outlet), [], []))
                if term["term"].strip() not in row.terms:
                    row.terms.append(term["term"].strip())
                if cite not in row.cites:
                    row.cites.append(cite)
        if referent and by_outlet:
            views.append(FramingView(referent, list(by_outlet.values())))
    return views


def fold_copies(articles: list[Article], cites: Citations) -> list[ArticleEntry]:
    """Originals in story order, each with its syndicated copies folded under it.

    A copy of a copy is folded under the first original up the chain; a copy whose
    original is not in this story stands on its own.
    """
    by_id = {a.id: a for a in articles}

    def root(article: Article) -> Article:
        seen = {article.id}
        while article.duplicate_of in by_id and article.duplicate_of not in seen:
            article = by_id[article.duplicate_of]
            seen.add(article.id)
        return article

    entries: dict[str, ArticleEntry] = {}
    for article in articles:
        top = root(article)
        if top.id not in entries:
            cite = cites.get(top.id)
            assert cite is not None
            entries[top.id] = ArticleEntry(top, outlet(outlet_name(top.source, top.url)), cite)
    for article in articles:
        top = root(article)
        if top.id != article.id:
            cite = cites.get(article.id)
            assert cite is not None
            entries[top.id].copies.append(
                ArticleEntry(article, outlet(outlet_name(article.source, article.url)), cite)
            )
    return list(entries.values())
