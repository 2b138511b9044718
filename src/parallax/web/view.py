"""Small, pure helpers that turn stored values into what a page shows.

Nothing here touches the store or the clock: ``now`` is always passed in, so
every helper can be tested on plain values.
"""

from __future__ import annotations

import functools
import html
import re
import zlib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from urllib.parse import quote, urlsplit

import nh3

from parallax import sentences as splitter
from parallax.engine import feed_address

BADGE_COLOURS = 12
"""Number of badge colour classes in style.css (``badge-0`` .. ``badge-11``)."""

PLAIN_BADGE = "badge-plain"
"""The colourless badge of an outlet met after a page's colours have run out."""

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_STOPWORDS = {"the", "a", "an", "of", "and", "&"}


def plain(value: str) -> str:
    """``value`` with any HTML markup removed, as the text a reader would see.

    Titles and texts come from feeds and pages and may carry markup, hostile or
    not ("<b>Breaking</b>", "<script>...", "<img onerror=...>").  nh3 parses it
    as a browser would and keeps only the text (script and style contents are
    dropped); the result is then escaped like any other value on output.
    """
    if "<" not in value and "&" not in value:
        return value
    return html.unescape(nh3.clean(value, tags=set()))


def article_href(article_id: str) -> str:
    # Ids come from imports and may hold any character; quote them whole.
    return "/articles/" + quote(article_id, safe="")


def outlet_href(name: str) -> str:
    return "/outlets/" + quote(name, safe="")


def entity_href(name: str) -> str:
    return "/entities/" + quote(name, safe="")


def story_href(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None.

    Stored URLs come from feeds and pages, which are untrusted: anything that is
    not plainly http(s) (``javascript:``, ``data:``, relative junk) never becomes
    a link.  The same check admits feed addresses (``engine.feed_address``).
    """
    return feed_address(url) if url else None


def host_of(url: str | None) -> str | None:
    safe = safe_url(url)
    if safe is None:
        return None
    host = urlsplit(safe).hostname or ""
    return host.removeprefix("www.") or None


def outlet_name(source: str | None, url: str | None = None) -> str:
    """The outlet to show: the stored source, else the URL's host."""
    shown = plain(source).strip() if source else ""
    return shown or host_of(url) or "Unknown outlet"


def initials(name: str) -> str:
    """One or two letters standing for an outlet: "The Guardian" -> "Gu", "Daily Mail" -> "DM"."""
    words: list[str] = [w for w in re.findall(r"[^\W_]+", name) if w.lower() not in _STOPWORDS]
    if not words:
        return "?"
    if len(words) == 1:
        word = words[0]
        return word[0].upper() + (word[1].lower() if len(word) > 1 and not word.isupper() else "")
    return (words[0][0] + words[1][0]).upper()


def badge_class(name: str) -> str:
    """An outlet's usual badge colour, where no page-wide ``Palette`` applies."""
    return f"badge-{_colour(name)}"


def _colour(name: str) -> int:
    # A stable hash (not Python's salted hash()) so an outlet keeps its colour
    # across restarts and pages.
    return zlib.crc32(name.casefold().encode("utf-8")) % BADGE_COLOURS


class Palette:
    """Badge colours for one page or card: each outlet its own colour.

    An outlet takes its usual colour (``badge_class``, so it looks the same
    from page to page) unless an outlet named before it on this page has it
    already; then it takes the next free one.  A hashed colour alone lets two
    outlets of one story share a colour, and then the colour no longer says
    which outlet a figure came from.  Past ``BADGE_COLOURS`` outlets the rest
    get a colourless badge, so a colour still stands for one outlet only.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._given: dict[str, str] = {}
        for name in names:
            self.badge(name)

    def badge(self, name: str) -> str:
        key = name.casefold()
        found = self._given.get(key)
        if found is None:
            taken = set(self._given.values())
            usual = _colour(name)
            free = (f"badge-{(usual + i) % BADGE_COLOURS}" for i in range(BADGE_COLOURS))
            found = next((b for b in free if b not in taken), PLAIN_BADGE)
            self._given[key] = found
        return found


def first_sentence(text: str, limit: int = 240) -> str:
    sentence = splitter.first(text)
    if len(sentence) > limit:
        cut = sentence[:limit].rsplit(" ", 1)[0]
        return cut.rstrip(",;:") + "…"
    return sentence


def sentences(paragraph: str) -> list[str]:
    """A paragraph cut into sentences, with the same rule as ``first_sentence``."""
    return splitter.split(paragraph)


def numbered_sentences(text: str) -> list[list[tuple[int, str]]]:
    """Paragraphs of ``text`` as (sentence number, sentence) lists, numbered
    across the whole text, so that a citation can point at one sentence."""
    numbered: list[list[tuple[int, str]]] = []
    n = 0
    for paragraph in paragraphs(text):
        row = []
        for sentence in sentences(paragraph):
            row.append((n, sentence))
            n += 1
        numbered.append(row)
    return numbered


_WORD = re.compile(r"[^\W_]{3,}")


def best_sentence(claim: str, text: str) -> tuple[int, str] | None:
    """The sentence of ``text`` sharing the most words with ``claim`` (ties: the
    earliest), as (sentence number, sentence); None when no word is shared."""
    wanted = {w.casefold() for w in _WORD.findall(claim)}
    best: tuple[float, int, str] | None = None
    for n, sentence, words in _indexed(text):
        shared = len(wanted & words)
        if not shared:
            continue
        overlap = shared / len(wanted | words)
        if best is None or overlap > best[0]:
            best = (overlap, n, sentence)
    return (best[1], best[2]) if best else None


@functools.lru_cache(maxsize=256)
def _indexed(text: str) -> tuple[tuple[int, str, frozenset[str]], ...]:
    # A story's summary cites each article several times: split it once.
    return tuple(
        (n, sentence, frozenset(w.casefold() for w in _WORD.findall(sentence)))
        for row in numbered_sentences(text)
        for n, sentence in row
    )


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a cleaned text: blank lines separate them.

    A text with no blank line but several lines is taken line by line, since some
    extractors emit one paragraph per line.
    """
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return []
    blocks = _PARAGRAPH_BREAK.split(text)
    if len(blocks) == 1:
        blocks = text.split("\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]


def relative_time(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "unknown time"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        # Clock skew between feeds and us; a future date reads as "just now".
        seconds = 0
    minutes = int(seconds // 60)
    hours = int(seconds // 3600)
    days = int(seconds // 86400)
    if minutes < 1:
        return "just now"
    if hours < 1:
        return _plural(minutes, "minute") + " ago"
    if days < 1:
        return _plural(hours, "hour") + " ago"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return long_date(moment.date())


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


_MONTH_DAY = "%b %Y"


def date_label(start: date, end: date | None = None, precision: str = "day") -> str:
    """A date or a range as a reader says it, at the precision the sources give:
    "1978", "Mar 2019", "14 Oct 2026", "5–11 Oct 2026", "28 Sep – 4 Oct 2026"."""
    if precision == "year":
        first, last = str(start.year), str(end.year) if end else ""
    elif precision == "month":
        first, last = start.strftime(_MONTH_DAY), end.strftime(_MONTH_DAY) if end else ""
    else:
        first, last = long_date(start), long_date(end) if end else ""
        if end and end > start:
            if (start.year, start.month) == (end.year, end.month):
                return f"{start.day}–{last}"
            if start.year == end.year:
                return f"{start.day} {start.strftime('%b')} – {last}"
    if not last or last == first or (end is not None and end <= start):
        return first
    return f"{first}–{last}" if precision == "year" else f"{first} – {last}"


def long_datetime(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{long_date(moment.date())}, {moment.strftime('%H:%M')} UTC"


def iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def highlight(text: str, query: str, width: int = 220) -> list[tuple[str, bool]]:
    """A window of ``text`` around the first query word, as (segment, is_match) pairs.

    Returned as segments, not HTML, so that the template escapes every piece.
    """
    flat = " ".join(text.split())
    words = [re.escape(w) for w in query.replace('"', " ").split() if w]
    if not words:
        return [(flat[:width], False)] if flat else []
    pattern = re.compile(r"\b(" + "|".join(words) + r")", re.IGNORECASE)
    found = pattern.search(flat)
    start = max(0, found.start() - width // 3) if found else 0
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    window = flat[start : start + width]
    segments: list[tuple[str, bool]] = []
    if start:
        segments.append(("…", False))
    pos = 0
    for match in pattern.finditer(window):
        if match.start() > pos:
            segments.append((window[pos : match.start()], False))
        segments.append((match.group(0), True))
        pos = match.end()
    segments.append((window[pos:], False))
    if start + width < len(flat):
        segments.append(("…", False))
    return [s for s in segments if s[0]]
