"""Plain text pasted from a web page or a news app -> the article, minus the page.

A paste carries everything the page showed: app banners, the outlet's logo text,
section and byline, photo captions, share buttons, comment counters and a list
of other stories.  The clean-up labels every line and keeps the article's lines:

1. *Header*: lines before the first body paragraph.  The headline is the first
   headline-like line there that the opening paragraphs follow up (they share
   its words) or that a byline or dateline signs; what comes before it is page
   furniture, some of which is metadata worth keeping (outlet, section, author,
   dateline; the section label and the author nearest the headline win).
2. *Body*: from the first body paragraph on.  A line goes when it is a banner,
   button or counter (``rules.PROMO_*``, or one word alone), a photo caption (a
   credit at its end, or no closing punctuation in a line too long to be a
   subheading and too short to be a paragraph), a repeated line, or a
   byline/dateline (kept as metadata).
3. *Tail*: from a teaser heading ("Latest ...", "Related stories") or banner,
   to the end, when nothing after it continues the article (no two related
   sentences in a row); and whatever follows the last sentence.

A line that ends like a sentence is never dropped from the body for its shape
alone; only banner phrases, credits, repetition or the tail rule remove one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import ftfy

from parallax import sentences
from parallax.extract import rules
from parallax.extract.dates import parse_date
from parallax.extract.errors import ExtractionError
from parallax.extract.metadata import section_name
from parallax.extract.names import authors, name_like
from parallax.model import Document, Extracted

MAX_TEXT_CHARS = 5_000_000
"""Same bound as for HTML: nothing this size is one article."""

BODY_MIN_WORDS = 10
"""The first sentence with this many words opens the body.  Banner copy ("One
app.", "Get all your news in one place.") is shorter; article ledes are longer."""

CAPTION_MIN_WORDS = 7
"""A line without closing punctuation and at least this many words is a caption or
a repeated standfirst; shorter ones are subheadings, which are kept.  Subheadings
in news copy run 2-6 words; captions describe a scene and run longer."""

CAPTION_MAX_WORDS = 35
"""Captions describe one scene in a clause or two; a longer line without closing
punctuation is a paragraph whose end was lost, not a caption."""

LABEL_WORDS = 2
"""Lines this short are labels and buttons; from three words on, a line without
closing punctuation reads as a headline."""

KICKER_WORDS = 3
"""A section label ("Business", "Middle East", "Science & Health") is this short."""

HEADLINE_MIN_WORDS = 3
HEADLINE_MAX_WORDS = 25
HEADLINE_CONTEXT = 5
"""The headline is looked for among the lines above the body, by its overlap with
the body's first HEADLINE_CONTEXT paragraphs."""

HEADLINE_SHARE = 0.34
"""Share of a headline's content words found in the opening paragraphs.  News
headlines name the story's actors and act (two of three words or more); a menu
or banner line shares a word with the article by chance at most."""

ABOVE_HEADLINE_WORDS = 6
"""Sentences shorter than this above the headline are app slogans ("One app."),
never the article, which starts below its headline."""

SHORT_LINE_WORDS = 16
"""Banner phrases only condemn lines up to this length: a long sentence that
mentions an app or a subscription is article text."""

RELATED_SHARE = 0.2
"""A sentence continues the article when this share of its content words
(prefix-matched) occurs in the body above it.  Teaser standfirsts of other
stories score 0-0.3, continuing paragraphs 0.25-1; the overlap is why a run of
two such sentences is also required (see ``_continues``)."""

RELATED_WORDS = 5
"""...or when it shares this many content words with it: a long paragraph brings
many new words, so its share can be low while it plainly goes on with the story."""

_TERMINAL = ".!?…:;,"
_CLOSERS = "\"'”’»)]*"
_OPENERS = "\"'“‘«"
_INLINE_TEASER = re.compile(r"^[^:|–—]{2,30}\s*[:|–—]\s*\S")
"""'Read more: <headline>' is one teaser, not the heading of a list."""
_LIST_ITEM = re.compile(r"^(?:[•·▪‣◦*–—-]|\d{1,2}[.)])\s+\w")
_STRAY_A = re.compile(r"(?<=[^\w\s])Â|Â(?=[\s\u00a0]|$)")
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]|[\u0080-\u009f]"
)
"""What UTF-8 read as Windows-1252 or Latin-1 always leaves: a lead byte's
character (Â-ô) followed by a continuation byte's, or a stray C1 control.  Text
without one cannot hold that mojibake, and ftfy, which costs about as much as
the rest of the clean-up, is skipped."""
_NAMES_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b)\s*")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\ufffd]")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def repair(text: str) -> str:
    """Undo mojibake and invisible characters; keep typographic quotes as they are."""
    if _MOJIBAKE.search(text):
        text = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC")
    else:
        text = unicodedata.normalize("NFC", text)
    text = _STRAY_A.sub("", text)
    return _INVISIBLE.sub("", text).replace("\u00a0", " ")


@dataclass(slots=True)
class Line:
    index: int
    text: str
    block: int
    kind: str = "body"
    """body | title | meta | clutter"""
    reason: str = ""

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def sentence(self) -> bool:
        """Ends like a sentence; list items count too, since lists often drop the full stop."""
        stripped = self.text.rstrip(_CLOSERS)
        return bool(stripped) and (stripped[-1] in _TERMINAL or bool(_LIST_ITEM.match(stripped)))

    def drop(self, reason: str, kind: str = "clutter") -> None:
        self.kind, self.reason = kind, reason


@dataclass(slots=True)
class Cleaned:
    """The outcome of the clean-up: every non-blank line with its label, and metadata."""

    lines: list[Line]
    title: str | None = None
    author: str | None = None
    source: str | None = None
    section: str | None = None
    published: datetime | None = None
    agency: str | None = None
    """A news agency named in a byline: the source when the page names no outlet."""

    @property
    def text(self) -> str:
        return "\n\n".join(line.text for line in self.lines if line.kind == "body")

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(line.text for line in self.lines if line.kind in ("meta", "clutter"))


# --- line features --------------------------------------------------------------


def _content(text: str) -> set[str]:
    # Five-letter prefixes make "rebel"/"rebels" and "Syria"/"Syrian" meet.
    words = (w.lower() for w in _WORD.findall(text))
    return {w[:5] for w in words if len(w) > 2 and w not in rules.STOPWORDS}


def _related(text: str, vocabulary: set[str]) -> bool:
    words = _content(text)
    shared = len(words & vocabulary)
    return shared >= RELATED_WORDS or (bool(words) and shared / len(words) >= RELATED_SHARE)


def _is_promo(line: Line) -> bool:
    if line.words > SHORT_LINE_WORDS:
        return False
    if rules.PROMO_STRONG.search(line.text):
        return True
    return not line.sentence and bool(rules.PROMO_WEAK.search(line.text))


def _is_credit(line: Line) -> bool:
    return bool(rules.PHOTO_CREDIT.search(line.text.rstrip(" .")))


def _date_of(line: Line) -> datetime | None:
    if line.words > 12:
        return None
    leftover = _WORD.findall(rules.DATE_WORDS.sub(" ", line.text))
    return parse_date(line.text) if len(leftover) <= 1 else None


def _outlet_like(text: str) -> bool:
    tokens = text.split()
    if not 1 <= len(tokens) <= 5 or any(ch.isdigit() for ch in text):
        return False
    if len(tokens) == 1 and text.lower() in rules.SECTIONS:
        return False  # "News" in a menu is a section, not an outlet
    capitalised = all(t[0].isupper() or t.lower() in ("the", "of", "and") for t in tokens)
    return capitalised and any(t.lower().strip(".") in rules.OUTLET_WORDS for t in tokens)


def _section_of(text: str) -> str | None:
    """The last step of a section label or breadcrumb ("News > UK Politics" -> "UK Politics")."""
    parts = [p for p in rules.BREADCRUMB.split(text) if p]
    if parts and len(text.split()) <= 6 and all(_section_word(p) for p in parts):
        return parts[-1]
    return None


def _section_word(part: str) -> bool:
    part = part.lower()
    return part in rules.SECTIONS or all(w in rules.SECTIONS for w in part.split())


def _byline_of(text: str) -> str | None:
    match = rules.BYLINE.match(text)
    if not match:
        return None
    # "By Jane Doe, Defence Editor" / "By Jane Doe in Beirut": the name comes first.
    name = re.split(r"\s*(?:,|\||–|—|\s-\s|\sin\s)\s*", match.group("name"))[0].strip()
    if rules.WIRE_AGENCIES.match(name) or name_like(name) or _outlet_like(name):
        return name
    parts = re.split(r"\s+and\s+|\s*&\s*", name)
    return name if all(name_like(p) for p in parts) else None


# --- the passes -------------------------------------------------------------------


def _wrap_width(raw_lines: list[str]) -> int | None:
    """The column a hard-wrapped text (e-mail, .txt export) was wrapped at, if it was.

    Pasted web text has one paragraph per line, so its lines run to hundreds of
    characters; wrapped text never passes ~100 and many lines end near the margin.
    """
    lengths = [len(line.rstrip()) for line in raw_lines if line.strip()]
    if len(lengths) < 3 or max(lengths) > 100:
        return None
    width = max(lengths)
    near_margin = sum(1 for n in lengths if n >= 0.8 * width)
    return width if near_margin >= max(3, len(lengths) // 3) else None


def _split(text: str) -> list[Line]:
    raw_lines = text.splitlines()
    width = _wrap_width(raw_lines)
    lines: list[Line] = []
    block = 0
    for index, raw in enumerate(raw_lines):
        # A counter run on after the text would make its paragraph no sentence.
        clean = rules.COUNTER_TAIL.sub("", " ".join(raw.split()))
        if not clean:
            block += 1
            continue
        previous = lines[-1] if lines else None
        # A hard-wrapped paragraph goes on in the next line: either the text was
        # wrapped at a margin the previous line reached, or it continues in lower case.
        wrapped = previous is not None and (
            (width is not None and len(raw_lines[index - 1].rstrip()) >= 0.6 * width)
            or (not previous.sentence and previous.words >= 5 and clean[0].islower())
        )
        if previous is not None and wrapped and previous.block == block:
            previous.text = f"{previous.text} {clean}"
            continue
        lines.append(Line(index=index, text=clean, block=block))
    return lines


def _take_dateline_or_byline(line: Line, out: Cleaned) -> bool:
    """Label a dateline or byline as metadata; False when the line is neither."""
    date = _date_of(line)
    if date is not None:
        out.published = out.published or date
        line.drop("dateline", "meta")
        return True
    byline = _byline_of(line.text)
    if byline is None:
        return False
    if rules.WIRE_AGENCIES.match(byline):
        out.agency = out.agency or byline
    out.author = out.author or byline
    line.drop("byline", "meta")
    return True


def _take_meta(line: Line, out: Cleaned, repeated: set[str]) -> bool:
    """Label a header line as metadata when it states some; False when it is not."""
    text = line.text
    if _take_dateline_or_byline(line, out):
        return True
    if line.sentence:
        return False
    if (text in repeated and line.words <= 5) or _outlet_like(text):
        out.source = out.source or text
        line.drop("outlet", "meta")
        return True
    if _section_of(text) is not None:
        line.drop("section", "meta")
        return True
    if _bare_name(text):
        line.drop("author", "meta")
        return True
    return False


def _bare_name(text: str) -> bool:
    """A name, or names, on a line of their own, as pages print authors without "By"."""
    words = {w.lower() for w in text.split()}
    if words & (rules.SECTIONS | rules.OUTLET_WORDS):
        return False
    return all(name_like(part) for part in _NAMES_SEPARATOR.split(text))


def _nearest(lines: list[Line], reason: str, title_at: int) -> str | None:
    """The text of the ``reason`` line nearest the headline.

    Menus list sections and a page can print several names; the section label
    and the author sit next to the headline.
    """
    # On a tie the line below the headline wins: that is where bylines go.
    found = [
        (abs(i - title_at), i < title_at, i, line.text)
        for i, line in enumerate(lines)
        if line.reason == reason
    ]
    return min(found)[3] if found else None


def _headline_like(line: Line, repeated: set[str]) -> bool:
    return (
        HEADLINE_MIN_WORDS <= line.words <= HEADLINE_MAX_WORDS
        and not line.text.rstrip(_CLOSERS).endswith(".")
        and line.text not in repeated
        and not _is_promo(line)
        and not _is_credit(line)
        and _date_of(line) is None
        and _byline_of(line.text) is None
        and not _outlet_like(line.text)
        and _section_of(line.text) is None
    )


def _headline_at(header: list[Line], opening: list[Line], repeated: set[str]) -> int:
    """Index of the headline in ``header``, -1 when there is none.

    A headline says what the article is about, so its words recur in the
    opening paragraphs; menus, slogans and banners above it share none.  A line
    signed by a byline or dateline right below it is one too.  The first such
    line wins: photo captions, which also name the article's people, come
    after the headline.
    """
    vocabulary = set().union(*(_content(line.text) for line in opening))
    for i, line in enumerate(header):
        if not _headline_like(line, repeated):
            continue
        words = _content(line.text)
        after = header[i + 1] if i + 1 < len(header) else None
        signed = after is not None and (
            _date_of(after) is not None or rules.BYLINE.match(after.text) is not None
        )
        if signed or (words and len(words & vocabulary) / len(words) >= HEADLINE_SHARE):
            return i
    return -1


def _kicker(line: Line) -> bool:
    return (
        line.words <= KICKER_WORDS
        and not line.sentence
        and line.text[:1].isupper()
        and not any(ch.isdigit() for ch in line.text)
    )


def _header(lines: list[Line], out: Cleaned) -> int:
    """Label the lines above the body; returns the index where the body starts."""
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if line.sentence and line.words >= BODY_MIN_WORDS and not _is_promo(line)
        ),
        len(lines),
    )
    header = lines[:start]
    repeated = {t for t, n in Counter(line.text for line in header).items() if n > 1}
    title_at = _headline_at(header, lines[start : start + HEADLINE_CONTEXT], repeated)
    for i, line in enumerate(header):
        if i == title_at:
            out.title = line.text
            line.drop("headline", "title")
        elif _is_promo(line) or _is_credit(line):
            line.drop("banner" if _is_promo(line) else "caption")
        elif _take_meta(line, out, repeated):
            pass
        elif i == title_at - 1 and _kicker(line):
            # The short label right above a headline names its section.
            line.drop("section", "meta")
        elif i < title_at and (not line.sentence or line.words < ABOVE_HEADLINE_WORDS):
            # Above the headline short lines are menus, logos, buttons and slogans.
            line.drop("above headline")
        elif not line.sentence:
            line.drop("caption" if line.words >= CAPTION_MIN_WORDS else "header")
    section = _nearest(header, "section", title_at)
    out.section = (_section_of(section) or section) if section else None
    out.author = out.author or _nearest(header, "author", title_at)
    return start


def _captions(lines: list[Line]) -> None:
    credited = {line.block for line in lines if _is_credit(line)}
    for line in lines:
        if line.kind != "body":
            continue
        if _is_credit(line):
            line.drop("caption")
        elif line.block in credited and not line.sentence:
            # A caption's first lines sit in the same block as its credit.
            line.drop("caption")
        elif (
            not line.sentence
            and CAPTION_MIN_WORDS <= line.words <= CAPTION_MAX_WORDS
            and not line.text.startswith(tuple(_OPENERS))
            # Uncredited captions are one sentence; more than one is a
            # paragraph that lost its last full stop.
            and len(sentences.split(line.text)) < 2
        ):
            line.drop("caption")


def _body(lines: list[Line], start: int, out: Cleaned) -> None:
    seen: set[str] = {line.text for line in lines[:start] if line.kind == "body"}
    for line in lines[start:]:
        if _is_promo(line):
            line.drop("banner")
        elif rules.REPORTING_CREDIT.match(line.text):
            line.drop("credits")
        elif line.words <= 12 and not line.sentence and _take_dateline_or_byline(line, out):
            # In the body only bylines and datelines count as metadata: a short
            # capitalised line there is a subheading, not an outlet or an author.
            pass
        elif line.text in seen and line.words >= 3:
            line.drop("repeated")
        elif line.words == 1 and not line.sentence:
            # One word on its own line in the body is a button or a label
            # ("Save", "Print", "Advertisement"), never a sentence of the article.
            line.drop("button")
        seen.add(line.text)
    _captions(lines[start:])


def _continues(after: list[Line], vocabulary: set[str]) -> bool:
    """True when two related sentences follow each other: the article goes on.

    A teaser list alternates headlines (no closing punctuation) with one-sentence
    standfirsts, so its sentences never come two in a row; an article paragraph
    often holds two by itself.  A label of a word or two ("Analysis", "Share")
    between two paragraphs does not break the run; a headline does.
    """
    run = 0
    seen = set(vocabulary)
    for line in after:
        if line.sentence and line.words >= 8 and _related(line.text, seen):
            seen |= _content(line.text)
            run += len(sentences.split(line.text))
            if run >= 2:
                return True
        elif line.sentence or line.words > LABEL_WORDS:
            run = 0
    return False


def _tail(lines: list[Line], start: int, title: str | None) -> None:
    # The headline names the story's topic: a paragraph that follows it up is
    # related to the article even when the paragraphs above did not use its words.
    vocabulary: set[str] = _content(title or "")
    for i in range(start, len(lines)):
        line = lines[i]
        # Paywall copy and teaser headings end the article; an ad slot or a
        # share button does not.
        marker = (line.reason == "banner" and rules.PAYWALL.search(line.text)) or (
            line.words <= 8
            and not line.sentence
            and rules.TEASER_HEADING.search(line.text)
            and not _INLINE_TEASER.match(line.text)
        )
        if marker and not _continues(lines[i + 1 :], vocabulary):
            for rest in lines[i:]:
                if rest.kind == "body" or rest.reason != "byline":
                    rest.drop("teaser list" if rest.kind == "body" else rest.reason, "clutter")
            return
        if line.kind == "body":
            vocabulary |= _content(line.text)


def _after_last_sentence(lines: list[Line], start: int) -> None:
    """Drop what follows the article's last sentence but is no sentence itself.

    An article ends on a sentence; after it a page only has buttons, footer
    links and headlines of other stories.
    """
    body = [line for line in lines[start:] if line.kind == "body"]
    last = max((i for i, line in enumerate(body) if line.sentence), default=len(body))
    for line in body[last + 1 :]:
        line.drop("after the article")


def clean(body: str) -> Cleaned:
    """Label every line of a paste and gather the metadata the page furniture states."""
    lines = _split(repair(body))
    out = Cleaned(lines=lines)
    start = _header(lines, out)
    _body(lines, start, out)
    _tail(lines, start, out.title)
    _after_last_sentence(lines, start)
    # Bylines print names as the page styles them ("JANE DOE and JOHN ROE");
    # the HTML reader's rules make them alike.
    out.author = authors(out.author, out.source)
    return out


def extract_text(doc: Document) -> Extracted:
    """Clean text and metadata of a plain-text document; ExtractionError when no article."""
    where = doc.origin or doc.url or "document"
    body = doc.body
    if len(body) > MAX_TEXT_CHARS:
        raise ExtractionError(
            f"text too large in {where}: {len(body) / 1e6:.1f} MB, "
            f"the limit is {MAX_TEXT_CHARS / 1e6:.0f} MB"
        )
    sample = body[:100_000]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise ExtractionError(f"not text (binary content) in {where}")
    out = clean(body)
    text = out.text
    if not text:
        raise ExtractionError(f"no article text found in {where}")
    return Extracted(
        text=text,
        title=doc.title or out.title,
        author=doc.author or out.author,
        published=doc.published or out.published,
        source=doc.source or out.source or out.agency,
        section=out.section or section_name(doc.section),
        removed=out.removed,
    )
