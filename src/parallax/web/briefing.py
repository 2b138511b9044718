"""The story page's view of a briefing: citations resolved to outlets, quotes
grouped by speaker, syndicated copies folded under their originals, and the
few items the page leads with (key quotes, key events).

The page reads a briefing as typed records (``Briefing.from_json``, which
reads every stored version and leaves out an item it cannot read), so a bad
item costs that item and an unknown article id shows as "not in this story",
never an error page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from parallax.export import independent_sources, iso_at
from parallax.extract.kind import OPINION, article_kind
from parallax.model import (
    Article,
    Briefing,
    Entity,
    SummarySentence,
    TimelineEvent,
)
from parallax.web.view import (
    Palette,
    article_href,
    badge_class,
    best_sentence,
    date_label,
    first_sentence,
    initials,
    outlet_name,
)

SUMMARY_LEAD = 5
"""Summary sentences shown on the first screen; any more wait behind a toggle."""
KEY_QUOTES = 8
KEY_EVENTS = 8
NEWS_WINDOW = timedelta(days=7)
"""How long before a story's first report an event still counts as part of the
news rather than its background ("last week" reaches back seven days)."""

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


def has_conflict(data: Briefing | None) -> bool:
    """Whether a briefing reports conflicting figures."""
    return data is not None and any(group.conflict for group in data.quantities)


def summary_line(data: Briefing | None) -> str | None:
    """The first sentence of a briefing's summary, for story listings."""
    if data is None or not data.summary or not data.summary[0].text.strip():
        return None
    return first_sentence(data.summary[0].text)


def outlets(names: Iterable[str]) -> list[Outlet]:
    """Badges for a list of outlets shown together (a story card): no two alike."""
    palette = Palette()
    return [outlet(n, palette) for n in names]


def outlet(name: str, palette: Palette | None = None) -> Outlet:
    """An outlet's badge: coloured by ``palette`` on a page that has one (a
    story page), else by a stable hash of its name (pages listing many stories)."""
    badge = palette.badge(name) if palette is not None else badge_class(name)
    return Outlet(name=name, initials=initials(name), badge=badge)


class Citations:
    """Numbers articles once per story, so [3] means the same article everywhere."""

    def __init__(self, articles: Iterable[Article], palette: Palette | None = None) -> None:
        self._cites: dict[str, Cite] = {}
        self.palette = palette or Palette()
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
        """The outlets of the articles ``ids`` names, once each, in citation order."""
        names: dict[str, None] = {}
        for cite in self.many(ids):
            if cite.known:
                names.setdefault(cite.outlet, None)
        return [self.outlet(n) for n in names]

    def outlet(self, name: str) -> Outlet:
        return outlet(name, self.palette)


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
    outlet: Outlet | None
    attribution: str | None
    low: float | None
    high: float | None
    update: bool
    """A later report's figure that raised an earlier one."""


@dataclass(slots=True)
class Chip:
    """One value of a figure group as the first screen shows it: the words,
    and every outlet that gave exactly those words."""

    text: str
    outlets: list[Outlet]
    update: bool
    low: float | None


@dataclass(slots=True)
class FigureGroup:
    label: str
    conflict: bool
    update: bool
    figures: list[Figure]

    @property
    def chips(self) -> list[Chip]:
        """The group's values, smallest first, so a disagreement reads as a
        spread ("dozens", "some 60", "more than 100"); unknown sizes last.

        Wordings of one value ("some 12,000" and "some 12,000 people": the same
        bounds) are one chip, in the shortest wording, with every outlet's badge."""
        chips: dict[object, Chip] = {}
        for f in self.figures:
            key = (f.low, f.high) if f.low is not None else f.text.casefold()
            chip = chips.setdefault(key, Chip(f.text, [], False, f.low))
            if len(f.text) < len(chip.text):
                chip.text = f.text
            if f.outlet is not None and f.outlet not in chip.outlets:
                chip.outlets.append(f.outlet)
            chip.update = chip.update or f.update
        return sorted(chips.values(), key=lambda c: (c.low is None, c.low or 0.0))


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
class KeyQuote:
    speaker: str
    quote: QuoteView


@dataclass(slots=True)
class EntityView:
    name: str
    kind: str
    aliases: list[str]
    cites: list[Cite]


@dataclass(slots=True)
class Event:
    day: date | None
    end: date | None
    """The last day of a stated range ("last week"), else None."""
    label: str
    """The date as the page shows it, at its sources' precision ("1978", "5–11 Oct 2026")."""
    raw_date: str
    precision: str
    stamp: str
    """The first day as a machine-readable date, at its precision ("1978", "2019-03")."""
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
    variants: dict[str, list[str]] = field(default_factory=dict)
    """Other wordings grouped under a term by their head ("Syrian dictator"
    under "dictator"); which outlet wrote which is not recorded."""


@dataclass(slots=True)
class Fact:
    text: str
    cites: list[Cite]


@dataclass(slots=True)
class OutletFacts:
    """Sentences only this outlet reports."""

    outlet: Outlet
    facts: list[Fact]


@dataclass(slots=True)
class ArticleEntry:
    article: Article
    outlet: Outlet
    cite: Cite
    copies: list[ArticleEntry] = field(default_factory=list)

    @property
    def opinion(self) -> bool:
        """Whether the page marks itself as opinion: readers weigh a column
        differently from a report, and the summary does not state its claims."""
        a = self.article
        return article_kind(a.url, a.section, a.title) == OPINION


@dataclass(slots=True)
class BriefingView:
    built: bool
    summary: list[SummaryLine]
    """The summary's first SUMMARY_LEAD sentences, for the first screen."""
    summary_more: list[SummaryLine]
    abstract: list[SummaryLine]
    """The machine-written summary (checked against the evidence), when there is one."""
    conflicts: list[FigureGroup]
    updates: list[FigureGroup]
    """Groups whose figures differ only because later reports raised them."""
    figures: list[FigureGroup]
    speakers: list[Speaker]
    key_quotes: list[KeyQuote]
    entities: list[EntityView]
    timeline: list[Event]
    key_events: list[Event]
    framing: list[FramingView]
    words: list[OutletTerms]
    """Per outlet, the words it uses more than the others do."""
    facts: list[OutletFacts]
    articles: list[ArticleEntry]
    outlets: list[Outlet]
    independent: int
    citations: Citations
    read: tuple[int, int] | None
    """(articles the briefing read, articles in the story), when it read only some."""

    @property
    def n_quotes(self) -> int:
        return sum(len(s.quotes) for s in self.speakers)

    @property
    def n_figures(self) -> int:
        return len(self.conflicts) + len(self.updates) + len(self.figures)

    @property
    def n_facts(self) -> int:
        return sum(len(o.facts) for o in self.facts)


def _text(value: str | None) -> str:
    return value.strip() if value else ""


def build(briefing: Briefing | None, articles: list[Article]) -> BriefingView:
    """The page's view of ``briefing`` (None: not written yet) over the story's articles."""
    names: dict[str, None] = {}
    for article in articles:
        names.setdefault(outlet_name(article.source, article.url), None)
    # Colours go to the story's own outlets first, in story order, so the
    # header's list of outlets is the key to every badge below it.
    cites = Citations(articles, Palette(names))
    data = briefing if briefing is not None else Briefing()
    groups = _figure_groups(data, cites)
    entries = fold_copies(articles, cites)
    by_id = {a.id: a for a in articles}
    summary = _summary(data.summary, cites, by_id)
    speakers = _speakers(data, cites)
    entities = _entities(data, cites)
    timeline = _timeline(data, cites)
    return BriefingView(
        built=briefing is not None,
        summary=summary[:SUMMARY_LEAD],
        summary_more=summary[SUMMARY_LEAD:],
        abstract=_summary(data.abstract, cites, by_id),
        conflicts=[g for g in groups if g.conflict],
        updates=[g for g in groups if g.update and not g.conflict],
        figures=[g for g in groups if not g.conflict and not g.update],
        speakers=speakers,
        key_quotes=key_quotes(speakers, data.entities, cites),
        entities=entities,
        timeline=timeline,
        key_events=key_events(timeline, articles),
        framing=_framing(data, cites),
        words=_words(data, cites),
        facts=_facts(data, cites),
        articles=entries,
        outlets=[cites.outlet(n) for n in names],
        independent=independent_sources(articles),
        citations=cites,
        read=_read(data, articles),
    )


def _read(data: Briefing, articles: list[Article]) -> tuple[int, int] | None:
    if not data.drawn_from:  # briefings written before the field read everything
        return None
    read = len({a.id for a in articles} & set(data.drawn_from))
    return (read, len(articles)) if read < len(articles) else None


def _summary(
    sentences: list[SummarySentence], cites: Citations, by_id: Mapping[str, Article]
) -> list[SummaryLine]:
    lines = []
    for item in sentences:
        text = _text(item.text)
        if not text:
            continue
        found = cites.many(item.article_ids)
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


def _figure_groups(data: Briefing, cites: Citations) -> list[FigureGroup]:
    groups = []
    for group in data.quantities:
        figures = []
        for m in group.mentions:
            if not _text(m.text):
                continue
            cite = cites.get(m.article_id)
            figures.append(
                Figure(
                    text=_text(m.text),
                    cite=cite,
                    outlet=cites.outlet(cite.outlet) if cite and cite.known else None,
                    attribution=_text(m.attribution) or None,
                    low=m.low,
                    high=m.high,
                    update=m.update,
                )
            )
        if figures:
            groups.append(
                FigureGroup(
                    label=_text(group.label) or "Figures",
                    conflict=group.conflict,
                    update=group.update,
                    figures=figures,
                )
            )
    return groups


def _speakers(data: Briefing, cites: Citations) -> list[Speaker]:
    speakers: dict[str | None, Speaker] = {}
    for quote in data.quotes:
        text = _text(quote.text)
        if not text:
            continue
        name = _text(quote.speaker) or None
        view = QuoteView(
            text=text,
            direct=quote.direct,
            cites=cites.many(quote.article_ids),
            outlets=cites.outlets(quote.article_ids),
            variants=[v for v in map(_text, quote.variants) if v and v != text],
        )
        speakers.setdefault(name, Speaker(name)).quotes.append(view)
    # Named speakers first, in briefing order; unattributed quotes last.
    return sorted(speakers.values(), key=lambda s: s.name is None)


# Reported speech told with "it", "him" or "their" ("It will continue to
# support him") leans on the sentences around it, which a highlight shows
# without: such an item stays in the full list of quotes.  A quotation's
# pronouns are the speaker's own words, and stay.
_POINTS_AWAY = re.compile(r"\b(?:it|its|he|him|his|she|her|they|them|their)\b", re.IGNORECASE)


def key_quotes(speakers: list[Speaker], entities: list[Entity], cites: Citations) -> list[KeyQuote]:
    """At most KEY_QUOTES quotes, one per speaker, for the page's highlights.

    Only speakers the story names as one of its people, groups or places take
    part: a quote credited to "locals" or to a bare title is left to the full
    list, and so is reported speech that needs its context to be read.
    Each speaker's quote is the one most outlets carried; speakers rank
    by that count plus the number of outlets whose reports name the speaker,
    so a quote many outlets ran, from someone the whole story is about, leads.
    """
    named: dict[str, int] = {}
    for entity in entities:
        reach = len(cites.outlets(entity.article_ids))
        for alias in [entity.name, *entity.aliases]:
            if _text(alias):
                key = _text(alias).casefold()
                named[key] = max(named.get(key, 0), reach)
    ranked: list[tuple[int, int, int, KeyQuote]] = []
    seen: set[str] = set()
    for order, speaker in enumerate(speakers):
        if speaker.name is None:
            continue
        key = speaker.name.casefold()
        if key not in named or key in seen:
            continue
        alone = [q for q in speaker.quotes if q.direct or not _POINTS_AWAY.search(q.text)]
        if not alone:
            continue
        seen.add(key)
        # Most outlets first; a direct quotation before reported speech.
        best = min(alone, key=lambda q: (-len(q.outlets), not q.direct))
        score = len(best.outlets) + named[key]
        ranked.append((-score, not best.direct, order, KeyQuote(speaker.name, best)))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:KEY_QUOTES]]


def _entities(data: Briefing, cites: Citations) -> list[EntityView]:
    views = []
    for entity in data.entities:
        name = _text(entity.name)
        if not name:
            continue
        aliases = [a for a in dict.fromkeys(map(_text, entity.aliases)) if a and a != name]
        kind = _text(entity.type).upper()
        views.append(
            EntityView(
                name=name,
                kind=ENTITY_TYPES.get(kind, kind.capitalize() or "Other"),
                aliases=aliases,
                cites=cites.many(entity.article_ids),
            )
        )
    return views


@dataclass(frozen=True, slots=True)
class When:
    """A stored event's date as a page shows it."""

    day: date | None
    end: date | None
    precision: str
    label: str
    """At its sources' precision: "1978", "Mar 2019", "5–11 Oct 2026"."""
    stamp: str
    """The first day as a machine-readable date at that precision ("1978", "2019-03")."""


def when(event: TimelineEvent) -> When:
    """The date of a timeline event: its first day, the last day of a stated
    range ("last week"), and the precision its sources give."""
    day, precision = event.date, event.precision
    last = event.end if event.end is not None and event.end > day else None
    stamp = iso_at(day, precision)
    return When(day, last, precision, date_label(day, last, precision), stamp)


def _timeline(data: Briefing, cites: Citations) -> list[Event]:
    events = []
    for e in data.timeline:
        text = _text(e.text)
        if not text:
            continue
        dated = when(e)
        events.append(
            Event(
                day=dated.day,
                end=dated.end,
                label=dated.label,
                raw_date=dated.stamp,
                precision=dated.precision,
                stamp=dated.stamp,
                text=text,
                estimated=e.estimated,
                cites=cites.many(e.article_ids),
            )
        )
    # Stamps are ISO 8601 at the precision the sources give ("2011", "2024-11",
    # "2024-11-26"), which sorts as text.
    return sorted(events, key=lambda e: e.stamp)


def key_events(timeline: list[Event], articles: list[Article]) -> list[Event]:
    """At most KEY_EVENTS events, in date order, for the page's highlights.

    The story's own days come before its background (a dam built in 1978),
    then events more outlets report, then events dated to the day, then the
    latest, so a running story's newest turn is not crowded out by its past.
    """
    dates = [a.published.date() for a in articles if a.published is not None]
    since = min(dates) - NEWS_WINDOW if dates else None

    def rank(pair: tuple[int, Event]) -> tuple[bool, int, bool, int, int]:
        order, event = pair
        last = event.end or event.day
        news = since is not None and last is not None and last >= since
        outlets = len({c.outlet for c in event.cites if c.known})
        newest = -last.toordinal() if last else 0
        return (not news, -outlets, event.precision != "day", newest, order)

    chosen = sorted(enumerate(timeline), key=rank)[:KEY_EVENTS]
    return [event for _, event in sorted(chosen)]


def _framing(data: Briefing, cites: Citations) -> list[FramingView]:
    views = []
    for frame in data.framing:
        referent = _text(frame.referent)
        by_outlet: dict[str, OutletTerms] = {}
        variants: dict[str, list[str]] = {}
        for term in frame.terms:
            word = _text(term.term)
            if not word:
                continue
            others = [v for v in dict.fromkeys(map(_text, term.variants)) if v]
            if others := [v for v in others if v != word]:
                variants[word] = others
            for cite in cites.many(term.article_ids):
                row = by_outlet.setdefault(
                    cite.outlet, OutletTerms(cites.outlet(cite.outlet), [], [])
                )
                if word not in row.terms:
                    row.terms.append(word)
                if cite not in row.cites:
                    row.cites.append(cite)
        if referent and by_outlet:
            views.append(FramingView(referent, list(by_outlet.values()), variants))
    return views


def _words(data: Briefing, cites: Citations) -> list[OutletTerms]:
    """Each outlet's distinctive words, named by the outlet of the articles they
    come from (never by a stored label, which may be an article id), and only
    real words: the scores stored beside them are for ranking, not reading."""
    rows: dict[str, OutletTerms] = {}
    for item in data.distinctive_terms:
        found = [c for c in cites.many(item.article_ids) if c.known]
        name = found[0].outlet if found else _text(item.source)
        if not name or (item.article_ids and not found):
            continue
        terms = [t for t in map(_text, item.terms) if _is_word(t)]
        if terms:
            row = rows.setdefault(name, OutletTerms(cites.outlet(name), [], []))
            row.terms.extend(t for t in terms if t not in row.terms)
            row.cites.extend(c for c in found if c not in row.cites)
    return list(rows.values())


def _is_word(term: str) -> bool:
    return any(ch.isalpha() for ch in term)


def _facts(data: Briefing, cites: Citations) -> list[OutletFacts]:
    """Sentences only one outlet reports, grouped under that outlet."""
    rows: dict[str, OutletFacts] = {}
    for item in data.unique_facts:
        text = _text(item.text)
        found = [c for c in cites.many(item.article_ids) if c.known]
        if not text or not found:
            continue  # a fact must say where it comes from
        name = found[0].outlet
        rows.setdefault(name, OutletFacts(cites.outlet(name), [])).facts.append(Fact(text, found))
    return list(rows.values())


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
            entries[top.id] = ArticleEntry(
                top, cites.outlet(outlet_name(top.source, top.url)), cite
            )
    for article in articles:
        top = root(article)
        if top.id != article.id:
            cite = cites.get(article.id)
            assert cite is not None
            entries[top.id].copies.append(
                ArticleEntry(article, cites.outlet(outlet_name(article.source, article.url)), cite)
            )
    return list(entries.values())
