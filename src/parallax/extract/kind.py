"""Whether an article is opinion rather than news, from what its page says of itself.

Outlets mark their opinion pages in three places, and any one is enough: the
address (``/opinion/``, ``/commentisfree/``, ``/columnists/``, a slug that
opens or closes on "opinion"), the section the page declares ("Opinion",
"Comment", "Editorials"), and a title kicker ("Opinion: …", "OPINION | …").
A column that no marker names stays news: the briefing then treats it as a
report, as before.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

OPINION = "opinion"

_OPINION_WORDS = frozenset(
    {
        "opinion",
        "opinions",
        "commentisfree",
        "comment",
        "commentary",
        "columnists",
        "columns",
        "editorial",
        "editorials",
        "op-ed",
        "op-eds",
        "oped",
        "letters",
    }
)
# A slug that carries the label itself: "opinion-the-second-amendment-…",
# "…-cycle-of-absurdity-opinion-667999".
_SLUG = re.compile(r"^opinion-|-opinion(?:-\d+)?(?:\.\w+)?$")
_KICKER = re.compile(r"^\s*(?:opinion|op-ed|editorial|commentary)\s*[:|–—-]\s*\S", re.IGNORECASE)


def article_kind(url: str | None, section: str | None, title: str | None) -> str | None:
    """``OPINION`` when the page marks itself as opinion, else None (news)."""
    if section and section.strip().lower() in _OPINION_WORDS:
        return OPINION
    if title and _KICKER.match(title):
        return OPINION
    if url:
        try:
            path = urlsplit(url).path.lower()
        except ValueError:
            return None
        segments = [s for s in path.split("/") if s]
        if any(s in _OPINION_WORDS or _SLUG.search(s) for s in segments):
            return OPINION
    return None
