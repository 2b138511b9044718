"""A dated timeline: relative dates resolved against each article's date.

Each article has a reference day: its publication date, or, when missing, a
date line near its top ("2 December 2024, 13:14"), or the median date of the
other articles of the story (then its events are marked ``estimated``).
Date expressions come from spaCy's DATE/TIME entities plus a few words the
small model misses ("overnight").  Coarse expressions resolve to the start of
their period ("in 2016" -> 2016-01-01, "last week" -> that week's Monday).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from parallax.brief._text import inside, ordered_ids, quote_spans
from parallax.model import Article, TimelineEvent
from parallax.nlp import embed

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    "june|july|august|september|october|november|december"
)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})\.?(?:\s+(\d{{4}}))?\b", re.I)
_MONTH_DAY = re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}})(?:,?\s+(\d{{4}}))?\b", re.I)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
# Same-day events from different articles are one event when their clauses
# are this close (MiniLM cosine).  Rewordings of one happening ("militias
# crossed into Syria overnight" / "militias entered Syria overnight") score
# above 0.6; different happenings on one day mostly below.
SAME_EVENT_SIM = 0.6
# Clauses longer than this are cut at a word boundary: a timeline line is a gist.
MAX_EVENT_CHARS = 220


_MONTH_NUM = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def _day_month(match: re.Match[str], default_year: int) -> date | None:
    """A date from a day-month or month-day match; the year defaults when absent."""
    a, b, y = match.group(1), match.group(2), match.group(3)
    day_s, month_s = (a, b) if a.isdigit() else (b, a)
    try:
        return date(int(y) if y else default_year, _MONTH_NUM[month_s[:3].lower()], int(day_s))
    except (ValueError, KeyError):
        return None


def reference_dates(articles: Sequence[Article]) -> dict[str, tuple[date | None, bool]]:
    """Each article's reference day and whether it was estimated."""
    out: dict[str, tuple[date | None, bool]] = {}
    known: list[date] = []
    for a in articles:
        if a.published is not None:
            out[a.id] = (a.published.date(), a.published_estimated)
            known.append(a.published.date())
    for a in articles:
        if a.id in out:
            continue
        head = a.text[:400]
        m = _DAY_MONTH.search(head)
        found: date | None = None
        if m and m.group(3):
            found = _day_month(m, 1900)
        if found is None and known:
            ordinals = sorted(d.toordinal() for d in known)
            found = date.fromordinal(int(statistics.median_low(ordinals)))
        out[a.id] = (found, True)
    return out


def _weekday_before(ref: date, name: str) -> date:
    """The most recent such weekday on or before the reference day."""
    target = WEEKDAYS.index(name)
    return ref - timedelta(days=(ref.weekday() - target) % 7)


def resolve(expr: str, ref: date | None) -> date | None:
    """The day a date expression points to, seen from ``ref``; None if unknown."""
    low = expr.lower()
    m = _DAY_MONTH.search(expr) or _MONTH_DAY.search(expr)
    if m:
        d = _day_month(m, ref.year if ref else 1900)
        if d is not None:
            # Without a year the date is in the past of the article (news
            # reports what happened); a date months ahead belongs to last year.
            has_year = bool(_YEAR.search(m.group(0)))
            if ref is not None and not has_year and d > ref + timedelta(days=31):
                d = d.replace(year=d.year - 1)
            if has_year or ref is not None:
                return d
    if ref is not None:
        for i, name in enumerate(WEEKDAYS):
            if re.search(rf"\b{name}\b", low):
                del i
                return _weekday_before(ref, name)
        if re.search(r"\b(?:yesterday|overnight|last night)\b", low):
            # Overnight in a morning report is the night that began the day before.
            return ref - timedelta(days=1)
        if re.search(r"\b(?:today|tonight|this morning|this afternoon|this evening)\b", low):
            return ref
        if re.search(r"\btomorrow\b", low):
            return ref + timedelta(days=1)
        if "last week" in low:
            return ref - timedelta(days=ref.weekday() + 7)
        if "this week" in low:
            return ref - timedelta(days=ref.weekday())
        if "last month" in low:
            first = ref.replace(day=1) - timedelta(days=1)
            return first.replace(day=1)
        if "last year" in low:
            return date(ref.year - 1, 1, 1)
    y = _YEAR.search(low)
    if y and re.search(r"\b(?:in|since|from|until|by|of)\s+(?:\w+\s+)?\d{4}\b|^\d{4}$", low):
        return date(int(y.group(1)), 1, 1)
    return None


def _date_spans(doc: Any) -> list[tuple[Any, str]]:
    """(anchor token, expression) for every date expression of a document."""
    out: list[tuple[Any, str]] = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME"):
            prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
            expr = (
                f"{prev} {ent.text}" if prev in ("in", "since", "from", "until", "by") else ent.text
            )
            out.append((ent.root, expr))
            covered |= set(range(ent.start, ent.end))
        elif ent.label_ == "CARDINAL" and _YEAR.fullmatch(ent.text):
            prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
            out.append((ent.root, f"{prev} {ent.text}"))
            covered |= set(range(ent.start, ent.end))
    for tok in doc:
        if tok.i not in covered and tok.lower_ in ("overnight", "yesterday", "today"):
            out.append((tok, tok.text))
    return out


def _event_text(anchor: Any) -> str:
    """The clause the date belongs to: the governing verb's phrase, or the sentence."""
    verb = anchor
    while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb:
        verb = verb.head
    sent = anchor.sent
    text_all = anchor.doc.text
    lo = text_all.rfind("\n", 0, anchor.idx) + 1
    hi = text_all.find("\n", anchor.idx)
    hi = len(text_all) if hi < 0 else hi

    def keep(t: Any) -> bool:  # one sentence, one paragraph
        return bool(sent.start <= t.i < sent.end and lo <= t.idx < hi)

    toks = [t for t in verb.subtree if keep(t)] if verb.pos_ in ("VERB", "AUX") else []
    if verb.dep_ == "relcl" and keep(verb.head):
        # "rebels who seized Aleppo last week": keep who did it
        toks = [verb.head, *toks]
    if len(toks) < 5:
        toks = [t for t in sent if keep(t)]
    text = str(anchor.doc[toks[0].i : toks[-1].i + 1].text).strip(" ,;:")
    text = re.sub(r"\s+", " ", text)
    if len(text) > MAX_EVENT_CHARS:
        text = text[:MAX_EVENT_CHARS].rsplit(" ", 1)[0] + " …"
    return text[:1].upper() + text[1:]


def build_timeline(articles: Sequence[Article], docs: Sequence[Any]) -> list[TimelineEvent]:
    """Dated events of a story in date order, merged across articles."""
    refs = reference_dates(articles)
    order = [a.id for a in articles]
    raw: list[tuple[date, str, str, bool]] = []
    for art, doc in zip(articles, docs, strict=True):
        ref, estimated = refs[art.id]
        quotes = quote_spans(art.text)
        seen: set[tuple[date, str]] = set()
        for anchor, expr in _date_spans(doc):
            if inside(quotes, anchor.idx):
                continue  # "we are ready to start negotiating tomorrow": not a dated event
            day = resolve(expr, ref)
            if day is None:
                continue
            text = _event_text(anchor)
            if (day, text) in seen or len(text.split()) < 4:
                continue
            seen.add((day, text))
            raw.append((day, text, art.id, estimated))
    if not raw:
        return []
    vecs = embed([t for _, t, _, _ in raw])
    events: list[tuple[list[int], TimelineEvent]] = []
    for i, (day, text, aid, est) in enumerate(raw):
        for members, ev in events:
            if ev.date == day and max(float(vecs[i] @ vecs[k]) for k in members) >= SAME_EVENT_SIM:
                members.append(i)
                ev.article_ids = ordered_ids([*ev.article_ids, aid], order)
                ev.estimated = ev.estimated and est
                break
        else:
            events.append(
                ([i], TimelineEvent(date=day, text=text, article_ids=[aid], estimated=est))
            )
    out = [ev for _, ev in events]
    out.sort(key=lambda e: (e.date, -len(e.article_ids)))
    return out
