"""What a reader types in the search box, parsed into terms and rendered for
SQLite's FTS5 or PostgreSQL's ``tsquery``.

The reader's syntax is small: words (all must match), ``"a phrase"``,
``word*`` for a prefix, ``OR`` between two terms, and ``-word`` (or ``NOT
word``) to leave a word out.  Everything else is text: the parser builds the
FTS5 expression (or the tsquery) itself, quoting every term, so no input
(quotes, brackets, ``NEAR``, a lone ``*``, ``&``, ``!``, control characters)
can reach either engine as syntax.

Both render the same meaning: every group must match, a group matches when one
of its terms does, a phrase's words stand next to each other, a prefix matches
the start of a stemmed word, and an excluded term leaves out the articles that
have it.  Where the engines still differ (ranking, and PostgreSQL's parser
reading a word that FTS5 would split) is said in ``parallax.store.search``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# The characters FTS5's unicode61 tokenizer keeps in a token (letters, digits,
# private use); everything else separates tokens.  A term is stored as the
# tokens the index will see, so "covid-19" is the phrase "covid 19".
_TOKEN = re.compile(r"[^\W_]+")
# A quoted phrase (to the closing quote or the end), or a bare chunk.
_CHUNK = re.compile(r'(-?)"([^"]*)"?(\*?)|(\S+?)(?=\s|"|$)')
MAX_TERMS = 32
"""Terms beyond this are dropped: a pasted page must not become a huge query."""


@dataclass(frozen=True, slots=True)
class Term:
    tokens: tuple[str, ...]
    """One word, or a phrase's words, as the index tokenizes them."""
    prefix: bool = False

    @property
    def key(self) -> tuple[str, ...]:
        """The tokens compared without case or accents, as the index compares them."""
        return tuple(fold(t) for t in self.tokens)

    def fts5(self) -> str:
        return '"' + " ".join(self.tokens) + '"' + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        """The term for ``to_tsquery``: its words side by side (``<->``), the last one
        a prefix (``:*``) when the term is.  Tokens are letters and digits only, so
        quoting them is enough to keep them from being read as operators."""
        words = [f"'{token}'" for token in self.tokens]
        if self.prefix:
            words[-1] += ":*"
        return "(" + " <-> ".join(words) + ")"


@dataclass(slots=True)
class Query:
    groups: list[list[Term]] = field(default_factory=list)
    """Every group must match; a group matches when any of its terms does."""
    excluded: list[Term] = field(default_factory=list)

    @property
    def terms(self) -> list[Term]:
        return [t for g in self.groups for t in g] + self.excluded

    def words(self) -> list[str]:
        """The words to highlight in a matching text."""
        return list(dict.fromkeys(w for g in self.groups for t in g for w in t.tokens))

    def expand(self, spellings: Callable[[Term], Iterable[str]]) -> None:
        """Add each term's other spellings (an entity's merged aliases) to its group."""
        for terms in (*self.groups, self.excluded):
            for term in list(terms):
                if term.prefix:
                    continue
                for other in map(spelled, spellings(term)):
                    if other.tokens and all(other.key != t.key for t in terms):
                        terms.append(other)

    def fts5(self) -> str:
        """The FTS5 MATCH expression; empty when nothing can be searched for."""
        if not self.groups:  # FTS5 has no "everything except": exclusion alone finds nothing
            return ""
        wanted = " AND ".join("(" + " OR ".join(t.fts5() for t in g) + ")" for g in self.groups)
        if not self.excluded:
            return wanted
        return f"({wanted}) NOT (" + " OR ".join(t.fts5() for t in self.excluded) + ")"

    def tsquery(self) -> str:
        """The same query for PostgreSQL's ``to_tsquery``; empty when ``fts5`` is."""
        if not self.groups:  # as in FTS5: exclusion alone finds nothing
            return ""
        wanted = " & ".join("(" + " | ".join(t.tsquery() for t in g) + ")" for g in self.groups)
        if not self.excluded:
            return wanted
        return f"({wanted}) & !(" + " | ".join(t.tsquery() for t in self.excluded) + ")"


def fold(token: str) -> str:
    """Lower case without accents, as the index's ``remove_diacritics`` sees it."""
    decomposed = unicodedata.normalize("NFKD", token.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def spelled(name: str) -> Term:
    """A name as the index sees it: the term for "Al-Bukamal" is the phrase "Al Bukamal"."""
    return Term(tuple(_TOKEN.findall(name)))


def parse(text: str) -> Query:
    """The reader's query; an input with no searchable word gives an empty one."""
    query = Query()
    join_next = negate_next = False
    count = 0
    for match in _CHUNK.finditer(text):
        minus, phrase, star, bare = match.groups()
        if bare is not None:
            if bare == "OR":
                join_next = bool(query.groups)
                continue
            if bare == "AND":  # the default between terms
                continue
            if bare == "NOT":
                negate_next = True
                continue
            minus = "-" if bare.startswith("-") and len(bare) > 1 else ""
            star = "*" if bare.endswith("*") else ""
            phrase = bare
        tokens = tuple(_TOKEN.findall(phrase))
        if not tokens or count >= MAX_TERMS:
            join_next = negate_next = False
            continue
        count += 1
        term = Term(tokens, prefix=bool(star))
        if minus or negate_next:
            query.excluded.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = negate_next = False
    return query
