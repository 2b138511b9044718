"""Plain-text clean-up: line-level precision and recall of clutter removal.

Two data sets, both from ``../shared/data``:

* ``seeds/``: five real pastes, with hand labels in
  ``tests/extract/gold/seeds_clutter.json`` (which lines are clutter).
* ``bbc/``: BBC articles dressed up as pastes from web pages and news apps.
  The generators below add what such pages carry (menus, app and sign-up
  banners, bylines, datelines, section labels, photo captions and credits,
  share prompts, comment counters, adverts, inline teasers, lists of other
  stories' headlines drawn from *other* BBC articles, footers) and garble
  some articles' encoding (UTF-8 read as Windows-1252).  Their wording was
  written from how pages look, independently of ``parallax.extract.rules``,
  and some of it is meant to be hard.

A line counts as removed when the clean-up labels it anything but body; the
headline and metadata lines (byline, dateline, section, outlet) should be
removed from the text *and* end up as metadata, which is scored separately.
Article lines of up to six words without closing punctuation are
subheadings: they may go either way and are not scored.

Run: ``.venv/bin/python bench/cleanup.py [number of BBC pastes] [seed]``
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from parallax.extract.text import Cleaned, clean, repair

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data"
GOLD = ROOT / "tests" / "extract" / "gold" / "seeds_clutter.json"

ARTICLE = "article"
EITHER = "either"
META = ("headline", "byline", "dateline", "section", "outlet")
"""Kinds of line that leave the text but carry metadata."""


# --- the seeds --------------------------------------------------------------------


def removed_lines(cleaned: Cleaned, raw_lines: list[str]) -> set[int]:
    """0-based indices of raw lines the clean-up took out of the text.

    A hard-wrapped paragraph is one ``Line`` for several raw lines; each raw
    line shares the label of the ``Line`` it was joined into.
    """
    starts = sorted(cleaned.lines, key=lambda line: line.index)
    removed: set[int] = set()
    for here, after in zip(starts, [*starts[1:], None], strict=True):
        end = after.index if after is not None else len(raw_lines)
        if here.kind != "body":
            removed.update(i for i in range(here.index, end) if raw_lines[i].strip())
    return removed


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[int], truth: set[int]) -> None:
        self.tp += len(predicted & truth)
        self.fp += len(predicted - truth)
        self.fn += len(truth - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def seeds(folder: Path) -> Tally:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    total = Tally()
    for path in sorted(folder.glob("*.txt")):
        labels = gold[path.name[:3]]
        raw_lines = path.read_text(encoding="utf-8").splitlines()
        either = {n - 1 for n in labels["either"]}
        truth = {n - 1 for n in labels["drop"]}
        predicted = removed_lines(clean("\n".join(raw_lines)), raw_lines) - either
        one = Tally()
        one.add(predicted, truth)
        total.add(predicted, truth)
        print(
            f"  {path.name:<26} clutter {len(truth):>3}  removed {one.tp:>3}  "
            f"missed {one.fn:>2}  article lines removed {one.fp:>2}"
        )
    return total


# --- BBC articles dressed up as pastes ------------------------------------------------


@dataclass
class Source:
    key: str
    topic: str
    title: str
    paragraphs: list[str]


def load_bbc(folder: Path) -> list[Source]:
    sources = []
    for path in sorted(folder.glob("*/*.txt")):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # one file in the corpus is not UTF-8; skipping it loses nothing
        title, _, body = text.partition("\n")
        paragraphs = [" ".join(p.split()) for p in body.splitlines() if p.strip()]
        if title.strip() and len(paragraphs) >= 3:
            key = f"{path.parent.name}/{path.stem}"
            sources.append(Source(key, path.parent.name, title.strip(), paragraphs))
    return sources


@dataclass
class Paste:
    key: str
    lines: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    """One per line: "" for a blank line, ARTICLE, EITHER, or the kind of clutter."""
    title: str | None = None
    author: str | None = None
    published: date | None = None
    section: str | None = None
    source: str | None = None
    garbled: dict[int, str] = field(default_factory=dict)
    """Line index -> the text before its encoding was garbled."""

    def add(self, text: str, label: str) -> None:
        self.lines.append(text)
        self.labels.append(label)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Anna Maria Jonas Kwame Priya Siobhán José Li Fatima Olumide Marta Tomasz Chloe Ravi "
    "Grace Dmitri Aisha Pablo Ingrid Hiroshi Niamh Samuel Leila Oskar Bethany Yusuf"
)
LAST = _words(
    "Hartley Okonkwo Lindqvist Natarajan O'Neill García Wei Haddad Adeyemi Kowalski Brennan "
    "Fairweather Moreau Achterberg Castellano Nakamura Pryce Abernathy Sørensen Ferreira "
    "MacLeod Thornbury Quinlan"
)
PARTICLE = ("de", "van", "von", "da", "al-")
ROLES = (
    "Political correspondent",
    "Business reporter",
    "Technology editor",
    "Sports writer",
    "Senior reporter",
    "Arts correspondent",
    "Economics editor",
    "Staff writer",
)
PLACES = _words(
    "Manchester Cardiff Glasgow Belfast Leeds Bristol Brussels Geneva Washington Mumbai"
)
OUTLET_NOUNS = _words(
    "Herald Chronicle Gazette Courier Observer Voice Bugle Dispatch Examiner Sentinel Argus "
    "Mercury Clarion Telegraph Leader Journal Record"
)
SECTIONS = {
    "business": ("Business", "Money", "Economy", "Markets"),
    "politics": ("Politics", "UK Politics", "Westminster"),
    "sport": ("Sport", "Football", "Rugby"),
    "tech": ("Technology", "Tech", "Digital"),
    "entertainment": ("Entertainment", "Culture", "Arts", "Film"),
}
NAV = (
    "Home",
    "News",
    "Sport",
    "Weather",
    "Menu",
    "Search",
    "Skip to main content",
    "Accessibility help",
    "Live",
    "Video",
    "Sign in",
    "Notifications",
    "Local",
)
BANNERS = (
    "Get the {outlet} app",
    "Download our free app for breaking news alerts",
    "Sign up for our morning briefing",
    "Get our {section} newsletter straight to your inbox",
    "Subscribe from just £1 a week",
    "Already a subscriber? Log in",
    "Create a free account to keep reading",
    "Unlimited access to {outlet} journalism. Cancel anytime.",
    "Try 30 days free",
    "Turn on notifications for the latest news",
    "You have {n} free articles left this month",
    "Register now to continue",
    "Support independent journalism",
    "Become a member today",
    "Open in app",
    "Continue reading in the app",
    "Enjoy ad-free reading with Premium",
    "Join {n},000 readers who get the daily email",
    "Your news, your way. Personalise your feed",
    "This article is for subscribers only",
    "Want more stories like this? Get the weekend edition",
    "Don't miss out on the headlines",
    "Stay informed with our breaking news emails",
    "Log in or create an account",
    "Sign in to save articles for later",
    "Read the digital edition",
    "Get unlimited stories for 99p",
    "Want to read more? Join today",
)
TEASER_HEADINGS = (
    "Related stories",
    "More on this story",
    "Latest {section} news",
    "Top stories",
    "Most read",
    "You may also like",
    "Trending now",
    "More from {outlet}",
    "Recommended for you",
    "What to read next",
    "Don't miss",
    "Popular now",
    "Read next",
    "Most popular",
    "More stories",
    "Editor's picks",
    "Top Stories",
    "In other news",
    "Also in {section}",
    "Around the web",
    "Related coverage",
    "Catch up",
)
INLINE_TEASER = (
    "Read more: {title}",
    "READ MORE: {title}",
    "Related: {title}",
    "See also: {title}",
    "MORE: {title}",
    "Also read: {title}",
)
TIMES_AGO = ("{n} hours ago", "{n}h ago", "{n} mins ago", "Yesterday", "{n} days ago")
CAPTIONS = (
    "{who} arrives for talks in {place} on Tuesday",
    "{who} at a press conference earlier this year",
    "{who} has faced mounting pressure in recent weeks",
    "File picture of {who} taken in {place} last month",
    "Supporters gathered outside the offices in {place} ahead of the announcement",
    "{who} speaking at the annual conference in {place}",
    "A view of the headquarters in {place}, where the decision was taken",
    "{who} pictured with colleagues in {place} last year",
)
CREDITS = (
    " (Getty Images)",
    " (Photo: Reuters)",
    ". Picture: PA",
    " | AFP",
    ". Photograph: Alamy",
    " (AP Photo/{photographer})",
    " Credit: Shutterstock",
    " Image: EPA",
    " [Getty]",
    " - Photo: AP",
)
CREDIT_LINES = (
    "Image source, Getty Images",
    "Photo: {photographer}/AFP",
    "Image copyright Reuters",
    "Credit: PA Media",
    "Picture by {photographer}",
    "Getty Images",
    "{photographer}/Reuters",
    "Photo illustration: {photographer}",
)
SOCIAL = (
    "Share",
    "Share this article",
    "Share on Facebook",
    "Share on X",
    "Facebook",
    "Twitter",
    "WhatsApp",
    "Email",
    "Copy link",
    "Share this story",
    "Comments",
    "{n} comments",
    "Comments ({n})",
    "View {n} comments",
    "Join the conversation",
    "{n} shares",
    "Save",
    "Save article",
    "Listen to this article",
    "{n} min read",
    "Follow {outlet} on Twitter",
    "Print",
    "Share via Email",
    "Share this with Facebook",
    "Reply",
    "Bookmark",
    "Gift this article",
    "Most commented",
    "{n} reactions",
    "Add to saved stories",
)
ADS = (
    "Advertisement",
    "ADVERTISEMENT",
    "Sponsored",
    "Story continues below advertisement",
    "Article continues below",
    "Skip advert",
    "Promoted",
    "Advertisement - scroll to continue",
    "AD",
    "Paid content",
    "Content from our partners",
)
FOOTER = (
    "© {year} {outlet}",
    "Copyright {year} {outlet}. All rights reserved.",
    "Terms of Use",
    "Privacy Policy",
    "Cookie settings",
    "Contact us",
    "Back to top",
    "Terms and conditions",
    "About us",
    "Accessibility statement",
    "Manage cookies",
    "Work for us",
)


def _person(rng: random.Random) -> str:
    last = rng.choice(LAST)
    if rng.random() < 0.1:
        last = f"{rng.choice(PARTICLE)}{'' if last[0] == '-' else ' '}{last}".replace("- ", "-")
    return f"{rng.choice(FIRST)} {last}"


def _outlet(rng: random.Random) -> str:
    name = f"{rng.choice(PLACES)} {rng.choice(OUTLET_NOUNS)}"
    return rng.choice((f"The {name}", name, "BBC News"))


def _dateline(rng: random.Random, when: datetime) -> str:
    formats = (
        "Published {d} {B} {Y}",
        "{d} {B} {Y}, {H}:{M}",
        "Updated {I}:{M} {p} GMT, {a} {b} {d}, {Y}",
        "{a} {d} {b} {Y} {H}.{M} GMT",
        "{B} {d}, {Y}",
        "Last updated: {d} {B} {Y}",
        "Published: {H}:{M}, {d} {B} {Y}",
    )
    hour12 = when.hour % 12 or 12
    return rng.choice(formats).format(
        d=when.day,
        B=when.strftime("%B"),
        b=when.strftime("%b"),
        Y=when.year,
        H=f"{when.hour:02d}",
        M=f"{when.minute:02d}",
        I=hour12,
        p="AM" if when.hour < 12 else "PM",
        a=when.strftime("%a"),
    )


def _byline(rng: random.Random, names: list[str]) -> list[str]:
    """Byline lines; all of them are metadata."""
    joined = " and ".join(names)
    role = rng.choice(ROLES)
    forms: list[list[str]] = [
        [f"By {joined}"],
        [joined],
        [f"By {joined}, {role}"],
        [f"By {joined} in {rng.choice(PLACES)}"],
        [f"By {joined}", role],
        [joined.upper()],
    ]
    return rng.choice(forms if len(names) == 1 else forms[:4])


_PROPER = re.compile(r"\b(?:(?:Mr|Ms|Mrs|Dr) )?[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")


def _who(rng: random.Random, article: Source) -> str:
    found = _PROPER.findall(" ".join(article.paragraphs[:4]))
    return rng.choice(found).strip() if found else _person(rng)


def _caption(rng: random.Random, article: Source) -> list[str]:
    text = rng.choice(CAPTIONS).format(who=_who(rng, article), place=rng.choice(PLACES))
    photographer = _person(rng)
    form = rng.random()
    if form < 0.45:
        return [text + rng.choice(CREDITS).format(photographer=photographer)]
    if form < 0.8:
        credit = rng.choice(CREDIT_LINES).format(photographer=photographer)
        return [credit, text] if rng.random() < 0.5 else [text, credit]
    return [text]  # no credit at all: the shape of the line has to give it away


def _garble(text: str) -> str:
    """UTF-8 bytes read as Windows-1252, bytes it lacks read as Latin-1 (what browsers do)."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def _typographic(text: str) -> str:
    """Curly quotes and apostrophes, as web pages print them."""
    text = re.sub(r"(?<=\w)'", "’", text)
    text = re.sub(r"'(?=\w)", "‘", text)
    text = re.sub(r'"(?=\w)', "“", text)
    return text.replace('"', "”")


def _article_label(line: str) -> str:
    stripped = line.rstrip(" \"'”’)")
    if len(line.split()) <= 6 and not stripped.endswith((".", "!", "?", ":")):
        return EITHER
    return ARTICLE


def build(sources: list[Source], count: int, seed: int) -> list[Paste]:
    rng = random.Random(seed)
    pastes = []
    for article in rng.sample(sources, count):
        others = [s for s in rng.sample(sources, 12) if s.key != article.key]
        pastes.append(_paste(rng, article, others))
    return pastes


def _paste(rng: random.Random, article: Source, others: list[Source]) -> Paste:
    paste = Paste(article.key)
    app = rng.random() < 0.4  # app pastes have no blank lines and banners on top
    outlet = _outlet(rng)
    section = rng.choice(SECTIONS[article.topic])
    when = datetime(2005, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(500_000))
    fill = {"outlet": outlet, "section": section.lower(), "year": when.year}

    def put(text: str, label: str) -> None:
        text = text.format(**fill, n=rng.randint(2, 90))
        paste.add(text, label)
        if not app:
            paste.add("", "")

    def clutter(kind: str, choices: tuple[str, ...], k: int = 1) -> None:
        for text in rng.sample(choices, k):
            put(text, kind)

    # header
    if rng.random() < 0.5:
        clutter("nav", NAV, rng.randint(2, 6))
    if app or rng.random() < 0.2:
        clutter("banner", BANNERS, rng.randint(1, 3))
    if rng.random() < 0.6:
        put(outlet, "outlet")
        paste.source = outlet
    if rng.random() < 0.6:
        put(section, "section")
        paste.section = section
    put(article.title, "headline")
    paste.title = article.title
    if rng.random() < 0.7:
        names = [_person(rng) for _ in range(1 if rng.random() < 0.8 else 2)]
        for line in _byline(rng, names):
            put(line, "byline")
        paste.author = names[0]
    if rng.random() < 0.7:
        put(_dateline(rng, when), "dateline")
        paste.published = when.date()
    if rng.random() < 0.3:
        clutter("social", SOCIAL, rng.randint(1, 4))
    if rng.random() < 0.5:
        for line in _caption(rng, article):
            put(line, "caption")

    # body, with clutter between paragraphs
    garble = rng.random() < 0.25
    for i, paragraph in enumerate(article.paragraphs):
        text = _typographic(paragraph) if rng.random() < 0.7 else paragraph
        if garble and not text.isascii():
            paste.garbled[len(paste.lines)] = text
            text = _garble(text)
        put(text, _article_label(paragraph))
        if i == len(article.paragraphs) - 1:
            break
        roll = rng.random()
        if roll < 0.08:
            for line in _caption(rng, article):
                put(line, "caption")
        elif roll < 0.12:
            clutter("ad", ADS)
        elif roll < 0.15:
            put(rng.choice(INLINE_TEASER).format(title=rng.choice(others).title), "teaser")
        elif roll < 0.17:
            clutter("banner", BANNERS)
        elif roll < 0.19:
            clutter("social", SOCIAL)

    # tail
    if rng.random() < 0.5:
        clutter("social", SOCIAL, rng.randint(1, 3))
    if rng.random() < 0.3:
        clutter("banner", BANNERS, rng.randint(1, 2))
    if rng.random() < 0.75:
        put(rng.choice(TEASER_HEADINGS), "teaser")
        style = rng.random()
        for other in others[: rng.randint(3, 7)]:
            if style < 0.3 and rng.random() < 0.5:
                put(rng.choice(TIMES_AGO), "teaser")
            put(other.title, "teaser")
            if style > 0.6:
                put(other.paragraphs[0], "teaser")  # the other story's standfirst
    if rng.random() < 0.4:
        clutter("footer", FOOTER, rng.randint(1, 3))
    return paste


@dataclass
class Scores:
    removal: Tally = field(default_factory=Tally)
    by_kind: Counter[str] = field(default_factory=Counter)
    found_by_kind: Counter[str] = field(default_factory=Counter)
    article_lines: int = 0
    article_kept: int = 0
    whole_articles: int = 0
    meta_given: Counter[str] = field(default_factory=Counter)
    meta_right: Counter[str] = field(default_factory=Counter)
    garbled: int = 0
    repaired: int = 0


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()


def score(pastes: list[Paste]) -> Scores:
    out = Scores()
    for paste in pastes:
        cleaned = clean(paste.text)
        removed = removed_lines(cleaned, paste.lines)
        scored = {i for i, label in enumerate(paste.labels) if label not in ("", EITHER)}
        truth = {i for i in scored if paste.labels[i] != ARTICLE}
        out.removal.add(removed & scored, truth)
        for i in truth:
            out.by_kind[paste.labels[i]] += 1
            out.found_by_kind[paste.labels[i]] += i in removed
        article = scored - truth
        out.article_lines += len(article)
        out.article_kept += len(article - removed)
        out.whole_articles += not (article & removed)
        body = cleaned.text
        for original in paste.garbled.values():
            out.garbled += 1
            out.repaired += " ".join(repair(original).split()) in body
        checks = {
            "title": (paste.title, _same(cleaned.title, paste.title)),
            "author": (
                paste.author,
                bool(paste.author and cleaned.author and paste.author in cleaned.author),
            ),
            "published": (
                paste.published,
                cleaned.published is not None and cleaned.published.date() == paste.published,
            ),
            "section": (paste.section, _same(cleaned.section, paste.section)),
            "source": (paste.source, _same(cleaned.source, paste.source)),
        }
        for name, (given, right) in checks.items():
            if given is not None:
                out.meta_given[name] += 1
                out.meta_right[name] += right
    return out


def report(scores: Scores, pastes: int) -> None:
    r = scores.removal
    print(
        f"  clutter removal: P {r.precision:.3f}  R {r.recall:.3f}  ({r.tp + r.fn} clutter lines)"
    )
    kept = scores.article_kept / scores.article_lines
    print(
        f"  article lines kept: {kept:.4f} ({scores.article_lines - scores.article_kept} of "
        f"{scores.article_lines} removed); articles kept whole: {scores.whole_articles}/{pastes}"
    )
    recall = "  ".join(
        f"{kind} {scores.found_by_kind[kind] / n:.2f}" for kind, n in sorted(scores.by_kind.items())
    )
    print(f"  recall by kind: {recall}")
    meta = "  ".join(
        f"{name} {scores.meta_right[name]}/{n}" for name, n in sorted(scores.meta_given.items())
    )
    print(f"  metadata recovered: {meta}")
    print(f"  mojibake lines repaired: {scores.repaired}/{scores.garbled}")


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    if not (DATA / "seeds").is_dir() or not (DATA / "bbc").is_dir():
        print(f"benchmark data missing: {DATA.resolve()} (see shared/data/README.md)")
        return 1
    print(f"seeds: {(DATA / 'seeds').resolve()}, gold {GOLD.relative_to(ROOT)}")
    total = seeds(DATA / "seeds")
    print(f"  clutter removal: P {total.precision:.3f}  R {total.recall:.3f}")
    sources = load_bbc(DATA / "bbc" / "articles")
    pastes = build(sources, count, seed)
    print(f"bbc: {len(pastes)} generated pastes (seed {seed}) from {len(sources)} articles")
    report(score(pastes), len(pastes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
