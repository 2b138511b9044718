"""People, organisations, places and groups, with spelling variants merged.

Mentions come from spaCy's NER.  The small English model is weak on Arabic and
Persian names (it tags "Aleppo" as NORP, "Hayat Tahrir al-Sham" as PERSON, and
spells nothing consistently), so the merging rules below lean on string
evidence rather than on the model's labels:

1. exact key: case, accents, possessives, leading "the", honorifics ("Mr",
   "President") and the Arabic article "al-" are ignored;
2. acronym defined in the text, "Hayat Tahrir al-Sham (HTS)";
3. a longer form that only adds one descriptive word ("the Islamist Hayat
   Tahrir al-Sham");
4. transliteration variants (Araghchi/Araqchi, Bou Kamal/Bukamal) by a
   consonant skeleton plus an edit-ratio guard;
5. a bare surname ("Assad", "Mr Assad") joins a full name only when one
   full name with that surname exists, in the same article first, then in
   the whole story; two different full names sharing a surname stay apart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from parallax.brief._text import fold, ordered_ids, roots
from parallax.model import Article, Entity

KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})

# Words that precede a name without being part of it.  They are dropped from
# the matching key but kept in the surface forms shown as aliases.
TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "dame",
        "lord",
        "lady",
        "president",
        "vice",
        "prime",
        "minister",
        "premier",
        "chancellor",
        "secretary",
        "general",
        "gen",
        "brig",
        "brigadier",
        "col",
        "colonel",
        "lt",
        "lieutenant",
        "maj",
        "major",
        "capt",
        "captain",
        "sgt",
        "sheikh",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "senator",
        "sen",
        "rep",
        "gov",
        "governor",
        "judge",
        "justice",
        "ayatollah",
        "imam",
        "rev",
        "reverend",
        "professor",
        "prof",
        "mayor",
        "commander",
        "chief",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "advisor",
        "adviser",
        "national",
        "security",
        "foreign",
        "defence",
        "defense",
        "interior",
    }
)
# Arabic/Persian particles and the English article: not distinctive.
PARTICLES = frozenset({"al", "el", "the"})

# Transliteration guard: skeletons must agree AND the plain spellings must be
# this similar.  0.75 admits Araghchi/Araqchi (0.80) and Bou Kamal/Bukamal
# (0.93) but keeps Hassan/Hussein (0.62) apart even though their skeletons match.
TRANSLIT_MIN_RATIO = 0.75
# Skeletons shorter than this carry too little evidence (Iran/Iraq, Hama/Homs).
TRANSLIT_MIN_SKELETON = 3

_FAMILY = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "NORP": "NORP",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


def _strip_surface(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" .,;:")
    text = _POSSESSIVE.sub("", text)
    return re.sub(r"^the\s+", "", text, flags=re.I)


def _key_tokens(surface: str) -> tuple[str, ...]:
    """The matching key of a surface form: folded words minus titles and particles."""
    words = re.split(r"[\s]+", fold(_strip_surface(surface)))
    out: list[str] = []
    for w in words:
        w = re.sub(r"^(?:al|el)-", "", w)  # "al-Assad" -> "assad"
        w = re.sub(r"[^\w-]", "", w)
        if not w or w in PARTICLES:
            continue
        out.append(w)
    # Titles only count as such at the front ("President Assad"); an all-title
    # form ("National Security Advisor") is no name at all.
    while len(out) > 1 and out[0] in TITLES:
        out.pop(0)
    return tuple(out)


def skeleton(word: str) -> str:
    """A consonant skeleton that is stable across romanisations of one name."""
    s = re.sub(r"[^a-z]", "", fold(word))
    for a, b in (
        ("ch", "x"),
        ("sh", "x"),
        ("gh", "k"),
        ("kh", "k"),
        ("q", "k"),
        ("c", "k"),
        ("ph", "f"),
        ("th", "t"),
        ("dh", "d"),
        ("ou", "u"),
        ("w", "u"),
        ("y", "i"),
    ):
        s = s.replace(a, b)
    if not s:
        return s
    body = re.sub(r"[aeiou]", "", s[1:])
    return re.sub(r"(.)\1+", r"\1", s[0] + body)


def _translit_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if skeleton(a)[:1] != skeleton(b)[:1] or re.search(r"\d", a + b):
        return False
    sa, sb = skeleton(a), skeleton(b)
    if len(sa) < TRANSLIT_MIN_SKELETON or sa != sb:
        return False
    return SequenceMatcher(None, a, b).ratio() >= TRANSLIT_MIN_RATIO


@dataclass
class _Cluster:
    keys: set[tuple[str, ...]] = field(default_factory=set)
    forms: Counter[str] = field(default_factory=Counter)
    clean_forms: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    mentions: int = 0
    decorated: set[tuple[str, ...]] = field(default_factory=set)
    """Keys that only add a descriptor ("Islamist ...") to another key."""

    def absorb(self, other: _Cluster) -> None:
        self.keys |= other.keys
        self.decorated |= other.decorated
        self.forms += other.forms
        self.clean_forms += other.clean_forms
        self.labels += other.labels
        self.articles |= other.articles
        self.mentions += other.mentions

    @property
    def label(self) -> str:
        counts = Counter(self.labels)
        # The small model tags places as NORP ("Aleppo") but never a demonym
        # as a place: when both occur, the place reading wins.
        if counts["NORP"] and (counts["GPE"] or counts["LOC"]):
            del counts["NORP"]
        order = ["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"]
        return max(counts, key=lambda lab: (counts[lab], -order.index(lab)))

    @property
    def longest_key(self) -> tuple[str, ...]:
        return max(self.keys, key=lambda k: (len(k), len("".join(k))))


def _title_before(doc: Any, start: int) -> str | None:
    """A title token right before a name ("Mr", "President"), kept for the alias."""
    words: list[str] = []
    i = start - 1
    while i >= 0 and len(words) < 2:
        tok = doc[i]
        if tok.text[:1].isupper() and tok.lower_.rstrip(".") in TITLES:
            words.insert(0, tok.text)
            i -= 1
        else:
            break
    return " ".join(words) if words else None


def _acronyms(text: str) -> dict[str, str]:
    """Acronyms defined in the text: "Hayat Tahrir al-Sham (HTS)" -> {HTS: long form}."""
    out: dict[str, str] = {}
    for m in re.finditer(r"((?:[\w’'-]+\s+){1,8})\(([A-Z]{2,6})\)", text):
        words = m.group(1).split()
        acr = m.group(2)
        for k in range(len(words)):
            cand = words[k:]
            if not cand[0][:1].isupper():
                continue
            initials = "".join(part[0] for w in cand for part in w.split("-") if part[:1].isupper())
            if initials == acr:
                out[acr] = " ".join(cand)
                break
    return out


def _collect(articles: Sequence[Article], docs: Sequence[Any]) -> list[_Cluster]:
    by_key: dict[tuple[str, ...], _Cluster] = {}
    for art, doc in zip(articles, docs, strict=True):
        for ent in doc.ents:
            if ent.label_ not in KEPT_LABELS:
                continue
            clean = _strip_surface(ent.text)
            key = _key_tokens(clean)
            if not key or len("".join(key)) < 2 or all(w in TITLES for w in key):
                continue
            cl = by_key.setdefault(key, _Cluster(keys={key}))
            title = _title_before(doc, ent.start)
            cl.forms[clean] += 1
            if title:
                cl.forms[f"{title} {clean}"] += 1
            cl.clean_forms[clean] += 1
            cl.labels[ent.label_] += 1
            cl.articles.add(art.id)
            cl.mentions += 1
        # Acronyms defined in the text join their long form even when the
        # model missed one of the two.
        for acr, long_form in _acronyms(art.text).items():
            lkey, akey = _key_tokens(long_form), (acr.lower(),)
            for key, form in ((lkey, long_form), (akey, acr)):
                cl = by_key.setdefault(key, _Cluster(keys={key}))
                if not cl.mentions:
                    cl.forms[form] += 1
                    cl.clean_forms[form] += 1
                    cl.labels["ORG"] += 1
                    cl.articles.add(art.id)
                    cl.mentions += 1
            by_key[lkey].keys.add(akey)
    return list(by_key.values())


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _merge(clusters: list[_Cluster], norp_words: set[str]) -> list[_Cluster]:
    n = len(clusters)
    uf = _UnionFind(n)
    key_owner: dict[tuple[str, ...], int] = {}
    for i, cl in enumerate(clusters):
        for k in cl.keys:
            if k in key_owner:
                uf.union(i, key_owner[k])
            else:
                key_owner[k] = i
    # Rule 3: a form that only adds one descriptive word in front.
    for i, cl in enumerate(clusters):
        k = cl.longest_key
        if len(k) >= 3 and (k[0] in norp_words or k[0] in TITLES):
            j = key_owner.get(k[1:])
            if j is not None:
                cl.decorated.add(k)
                uf.union(i, j)
    # Rule 4: transliterations, compared on the joined key (so that a space
    # inside "Bou Kamal" does not matter); for people the given names must be
    # identical and only the surname may vary.
    for i in range(n):
        for j in range(i + 1, n):
            a, b = clusters[i], clusters[j]
            fa, fb = _FAMILY[a.label], _FAMILY[b.label]
            if fa != fb:
                continue
            ka, kb = a.longest_key, b.longest_key
            if fa == "PERSON":
                if len(ka) != len(kb) or ka[:-1] != kb[:-1]:
                    continue
                if _translit_match(ka[-1], kb[-1]):
                    uf.union(i, j)
            elif _translit_match("".join(ka), "".join(kb)):
                uf.union(i, j)
    merged: dict[int, _Cluster] = {}
    for i, cl in enumerate(clusters):
        r = uf.find(i)
        if r not in merged:
            merged[r] = _Cluster()
        merged[r].absorb(cl)
    return list(merged.values())


def _attach_surnames(
    clusters: list[_Cluster], mention_articles: dict[int, set[str]]
) -> list[_Cluster]:
    """Rule 5: bare surnames join the one full name that carries them."""
    full = [c for c in clusters if c.label == "PERSON" and len(c.longest_key) >= 2]
    out: list[_Cluster] = []
    for cl in clusters:
        key = cl.longest_key
        if len(key) != 1 or cl in full:
            out.append(cl)
            continue
        # A word the model tags as a person is a surname candidate.  Other
        # labels are accepted only from a single mention: one mis-tag is noise
        # ("Araghchi" as GPE), a repeated non-person label is evidence that the
        # word names something else ("Hezbollah" next to "Kataib Hezbollah").
        if cl.label != "PERSON" and cl.mentions > 1:
            out.append(cl)
            continue
        owners = [f for f in full if _translit_match(f.longest_key[-1], key[0])]
        same_article = [f for f in owners if f.articles & cl.articles]
        target = None
        if len(owners) == 1:
            target = owners[0]
        elif (
            len(same_article) == 1
            and len({o.longest_key for o in owners if o.articles & cl.articles}) == 1
        ):
            target = same_article[0]
        if target is None:
            out.append(cl)
        else:
            target.absorb(cl)
    del mention_articles
    return out


def _canonical(cl: _Cluster) -> str:
    """The most complete form, then the most frequent; titled forms last."""
    plain = [f for f in cl.clean_forms if _key_tokens(f) not in cl.decorated] or list(
        cl.clean_forms
    )

    def score(form: str) -> tuple[int, int, int]:
        key = _key_tokens(form)
        titled = int(bool(re.match(r"^\w+\.?\s", form)) and form.split()[0].lower() in TITLES)
        return (len(key), -titled, cl.clean_forms[form])

    return max(plain, key=score)


def extract_entities(articles: Sequence[Article], docs: Sequence[Any]) -> list[Entity]:
    """Entities of a story, merged across articles, most salient first.

    Salience is the number of independent articles (syndicated copies count
    once) that name the entity, then the number of mentions.
    """
    clusters = _collect(articles, docs)
    norp_words = {k[0] for c in clusters if c.labels["NORP"] for k in c.keys if len(k) == 1}
    clusters = _merge(clusters, norp_words)
    clusters = _attach_surnames(clusters, {})
    root = roots(articles)
    order = [a.id for a in articles]
    out: list[tuple[int, int, Entity]] = []
    for cl in clusters:
        name = _canonical(cl)
        aliases = [f for f, _ in cl.forms.most_common()]
        ent = Entity(
            name=name,
            type=cl.label,
            aliases=aliases,
            article_ids=ordered_ids(cl.articles, order),
            mentions=cl.mentions,
        )
        out.append((len({root[a] for a in cl.articles}), cl.mentions, ent))
    out.sort(key=lambda t: (-t[0], -t[1], t[2].name))
    return [e for _, _, e in out]


def name_lookup(entities: Sequence[Entity]) -> dict[tuple[str, ...], Entity]:
    """Map every alias's matching key to its entity, for resolving names elsewhere."""
    table: dict[tuple[str, ...], Entity] = {}
    for ent in entities:
        for alias in [ent.name, *ent.aliases]:
            key = _key_tokens(alias)
            if key:
                table.setdefault(key, ent)
    return table


def resolve(name: str, lookup: dict[tuple[str, ...], Entity]) -> Entity | None:
    """The entity a written name refers to, if the story knows it."""
    key = _key_tokens(name)
    return lookup.get(key) if key else None
