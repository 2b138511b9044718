"""People, organisations, places and groups, with spelling variants merged.

Mentions come from spaCy's NER.  The small English model is weak on Arabic and
Persian names (it tags "Aleppo" as NORP, "Hayat Tahrir al-Sham" as PERSON, and
spells nothing consistently), so the merging rules below lean on string
evidence rather than on the model's labels:

1. exact key: case, accents, possessives, leading "the", honorifics ("Mr",
   "President") and the Arabic article "al-" are ignored;
2. acronym defined in the text, "Hayat Tahrir al-Sham (HTS)", or a name in
   capitals that spells the initials of one other name ("UN", "United Nations");
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
from parallax.extract import rules
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

# Words the small model tags as names that never are: time zones.
NOT_NAMES = frozenset({("gmt",), ("utc",), ("bst",), ("cet",)})
# Natural features named "<name> River", "Lake <name>": the bare name is the
# same place ("Oru" / "the River Oru" / "Oru River"), unless the bare name is
# a country or city in its own right (Jordan / the Jordan River).
FEATURES = frozenset(
    {"river", "lake", "mount", "mountain", "mountains", "valley", "dam", "reservoir", "canal"}
)
# Lower-case words inside personal names.
_NAME_PARTICLES = frozenset(
    {"al", "el", "bin", "bint", "ibn", "de", "da", "di", "van", "von", "der"}
)
# Administrative areas: "Hama province" is Hama, the city's name or not.
AREAS = frozenset({"province", "governorate", "district", "region", "county", "city"})
# Nouns for a place: "the town of Sarykol", "the capital, Tovrin".
PLACE_NOUNS = AREAS | {"town", "village", "capital", "port", "island", "state", "country"}

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
        ("kh", "h"),  # Khaidarov/Haidarov: one letter, two romanisations
        ("q", "k"),
        ("g", "k"),  # Qorbani/Gorbani
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
    positions: dict[str, list[int]] = field(default_factory=dict)
    """Where each mention starts, per article."""
    bare: bool = False
    """A lone surname in one article ("Mansur"), resolved against full names later."""
    acronym: bool = False
    """Defined with an acronym in the text: an organisation, whatever the model says."""
    placed: bool = False
    """Named as a place by the words around it ("the town of Sarykol"), which outweighs
    the model's other readings of the same name ("Sarykol was cut off": a person) in
    the type shown (``shown_label``).  Merging goes by the model's labels, which a
    name and its transliteration share more often ("Bou Kamal", "the town of Bukamal")."""

    def absorb(self, other: _Cluster) -> None:
        self.keys |= other.keys
        self.decorated |= other.decorated
        self.acronym |= other.acronym
        self.placed |= other.placed
        for aid, pos in other.positions.items():
            self.positions.setdefault(aid, []).extend(pos)
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
        if self.acronym and counts["PERSON"]:
            # "Hayat Tahrir al-Sham (HTS)": people are not abbreviated
            counts["ORG"] += counts.pop("PERSON")
        order = ["PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"]
        if any(w in FEATURES for k in self.keys for w in k):
            # "the Oru River" is a place however often "Oru" was taken for a person
            counts = +Counter({lab: counts[lab] for lab in ("LOC", "FAC", "GPE")})
            counts = counts or Counter({"LOC": 1})
        return max(counts, key=lambda lab: (counts[lab], -order.index(lab)))

    @property
    def shown_label(self) -> str:
        return "GPE" if self.placed and self.label in _NOT_PLACES else self.label

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


def _titled_people(doc: Any) -> list[tuple[int, int]]:
    """Token spans of names right after a capitalised title ("Dr Leyla Mansur").

    The small model often misses these or tags part of them as a place; a
    title in front is better evidence of a person than its label."""
    out: list[tuple[int, int]] = []
    for tok in doc:
        if not (tok.text[:1].isupper() and tok.lower_.rstrip(".") in TITLES):
            continue
        if tok.ent_type_ in ("ORG", "FAC", "GPE") and tok.ent_iob_ == "B":
            continue  # "General Motors": the title word is part of a name
        if tok.i + 1 < len(doc) and doc[tok.i + 1].ent_type_ == "PERSON":
            continue  # the model found this one
        end = tok.i + 1
        while end < len(doc) and end - tok.i <= 5:
            word = doc[end]
            joined = word.text == "-" or word.lower_ in _NAME_PARTICLES  # "al-", "bin"
            if word.lower_.rstrip(".") in TITLES or not (word.pos_ == "PROPN" or joined):
                break
            end += 1
        while end > tok.i + 1 and (
            doc[end - 1].text == "-" or doc[end - 1].lower_ in _NAME_PARTICLES
        ):
            end -= 1
        if end - tok.i >= 2:
            out.append((tok.i + 1, end))
    return out


def _features(doc: Any) -> list[tuple[int, int]]:
    """Token spans of "River Oru", "Oru River", "Lake Oster", "Tashqar Dam"
    the model left untagged."""
    out: list[tuple[int, int]] = []
    for tok in doc:
        if tok.ent_type_ or tok.lower_ not in FEATURES or not tok.text[:1].isupper():
            continue
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        prev = doc[tok.i - 1] if tok.i > 0 else None
        if nxt is not None and nxt.pos_ == "PROPN" and not nxt.ent_type_:
            out.append((tok.i, tok.i + 2))
        elif prev is not None and prev.pos_ == "PROPN" and not prev.ent_type_:
            out.append((tok.i - 1, tok.i + 1))
    return out


_NOT_PLACES = frozenset({"ORG", "PERSON", "NORP"})
# Small words an acronym skips: "Federal Bureau of Investigation" is FBI.
_LINK_WORDS = frozenset({"of", "the", "and", "for", "on", "de"})


def _named_as_place(ent: Any) -> bool:
    """Whether the words around a name say it is a place, whatever the model
    tagged it: "the town of Sarykol", "Daresh province", "the capital, Tovrin"."""
    root = ent.root
    head = root.head
    if root.dep_ == "compound" and head.lower_ in AREAS and head.i == ent.end:
        return True
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in PLACE_NOUNS:
        return True
    return root.dep_ == "appos" and head.lower_ in PLACE_NOUNS


def _outlet_keys(articles: Sequence[Article]) -> set[tuple[str, ...]]:
    """Keys that only name an outlet of the story ("Herald", "Meridian Wire")."""
    out: set[tuple[str, ...]] = set()
    for a in articles:
        words = _key_tokens(a.source or "")
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                out.add(words[i:j])
    return out


def _outlets_own(key: tuple[str, ...], articles: Sequence[Article]) -> bool:
    """Whether a name opens with an outlet's full name of two words or more: the
    outlet's own page furniture ("Meridian Wire Trust Principles"), not the story."""
    for a in articles:
        name = _key_tokens(a.source or "")
        if len(name) >= 2 and key[: len(name)] == name:
            return True
    return False


def _credits(text: str) -> list[tuple[int, int]]:
    """Where ``text`` credits its own staff: byline lines ("By Jane Doe") and
    sign-offs ("(Reporting by ...; Editing by ...)").  The people they name
    wrote or edited the article; they are not in the story."""
    spans = [m.span() for m in rules.CREDIT_IN_BRACKETS.finditer(text)]
    pos = 0
    for line in text.splitlines(keepends=True):
        bare = line.strip()
        if rules.BYLINE.match(bare) or rules.REPORTING_CREDIT.match(bare):
            spans.append((pos, pos + len(line)))
        pos += len(line)
    return spans


def _author_keys(author: str | None) -> set[tuple[str, ...]]:
    """The article's own authors ("Jane Doe and John Roe"), as matching keys."""
    names = re.split(r",|;|&|\band\b", author or "")
    return {key for name in names if len(key := _key_tokens(name.strip())) >= 2}


def _collect(articles: Sequence[Article], docs: Sequence[Any]) -> list[_Cluster]:
    by_key: dict[tuple[tuple[str, ...], str], _Cluster] = {}
    outlets = _outlet_keys(articles)
    for art, doc in zip(articles, docs, strict=True):
        credits = _credits(doc.text)
        authors = _author_keys(art.author)
        titled = _titled_people(doc)
        inside_titled = {i for s, e in titled for i in range(s, e)}
        spans = [(doc[s:e], "PERSON", False) for s, e in titled]
        spans += [(doc[s:e], "LOC", True) for s, e in _features(doc)]
        spans += [
            (ent, ent.label_, _named_as_place(ent))
            for ent in doc.ents
            if ent.label_ in KEPT_LABELS and not inside_titled & set(range(ent.start, ent.end))
        ]
        for ent, label, placed in spans:
            clean = _strip_surface(ent.text)
            key = _key_tokens(clean)
            if (
                not key
                or len("".join(key)) < 2
                # A name has a capital: "what solidarity means" is no organisation.
                or clean == clean.lower()
                or all(w in TITLES for w in key)
                or key in outlets
                or _outlets_own(key, articles)
                or key in NOT_NAMES
                or key in authors
                or any(start <= ent.start_char < end for start, end in credits)
            ):
                continue
            # A lone surname is resolved per article: "Mansur" is whichever
            # Mansur the article last named.
            bare = len(key) == 1 and label == "PERSON"
            cl = by_key.setdefault((key, art.id if bare else ""), _Cluster(keys={key}, bare=bare))
            title = _title_before(doc, ent.start)
            cl.forms[clean] += 1
            if title:
                cl.forms[f"{title} {clean}"] += 1
            cl.clean_forms[clean] += 1
            cl.labels[label] += 1
            cl.placed |= placed
            cl.articles.add(art.id)
            cl.positions.setdefault(art.id, []).append(ent.start_char)
            cl.mentions += 1
        # Acronyms defined in the text join their long form even when the
        # model missed one of the two.
        for acr, long_form in _acronyms(art.text).items():
            lkey, akey = _key_tokens(long_form), (acr.lower(),)
            for key, form in ((lkey, long_form), (akey, acr)):
                cl = by_key.setdefault((key, ""), _Cluster(keys={key}))
                if not cl.mentions:
                    cl.forms[form] += 1
                    cl.clean_forms[form] += 1
                    cl.labels["ORG"] += 1
                    cl.articles.add(art.id)
                    cl.mentions += 1
            by_key[(lkey, "")].keys.add(akey)
            by_key[(lkey, "")].acronym = True
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
        if cl.bare:
            continue
        for k in cl.keys:
            # word order does not make another place: "River Oru" / "Oru River"
            k = k if cl.label == "PERSON" else tuple(sorted(k))
            if k in key_owner:
                uf.union(i, key_owner[k])
            else:
                key_owner[k] = i
    # Rule 2b: a name in capitals ("UN") that spells the initials of exactly one
    # other name of the story ("United Nations"): too well known to be defined.
    spelled: dict[str, list[int]] = {}
    for j, cl in enumerate(clusters):
        words = [w for w in cl.longest_key if w not in _LINK_WORDS]
        if not cl.bare and cl.label != "PERSON" and len(words) >= 2:
            spelled.setdefault("".join(w[0] for w in words), []).append(j)
    for i, cl in enumerate(clusters):
        key = cl.longest_key
        capitals = any(f.isupper() and f.isalpha() and 2 <= len(f) <= 5 for f in cl.clean_forms)
        owners = spelled.get(key[0], []) if len(key) == 1 and capitals else []
        if len(owners) == 1 and _FAMILY[clusters[owners[0]].label] == _FAMILY[cl.label]:
            uf.union(i, owners[0])
    for i, cl in enumerate(clusters):
        # Rule 3b: "<name> River" and the bare name, in any spelling (not a
        # country or city of that name).
        k = cl.longest_key
        core = "".join(w for w in k if w not in FEATURES | AREAS)
        if cl.bare or not core or len(core) == len("".join(k)):
            continue
        barred = ("NORP",) if set(k) - {core} <= AREAS else ("GPE", "NORP")
        for j, other in enumerate(clusters):
            ok = other.longest_key
            if (
                not other.bare
                and len(ok) == 1
                and other.label not in barred
                and _translit_match(core, ok[0])
            ):
                uf.union(i, j)
    # Rule 3: a form that only adds one descriptive word in front.
    for i, cl in enumerate(clusters):
        k = cl.longest_key
        if cl.bare:
            continue
        if len(k) >= 3 and (k[0] in norp_words or k[0] in TITLES):
            owner = key_owner.get(k[1:] if cl.label == "PERSON" else tuple(sorted(k[1:])))
            if owner is not None:
                cl.decorated.add(k)
                uf.union(i, owner)
    # Rule 4: transliterations, compared on the joined key (so that a space
    # inside "Bou Kamal" does not matter); for people the given names must be
    # identical and only the surname may vary.
    for i in range(n):
        for j in range(i + 1, n):
            a, b = clusters[i], clusters[j]
            fa, fb = _FAMILY[a.label], _FAMILY[b.label]
            if fa != fb or a.bare or b.bare:
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
            merged[r] = _Cluster(bare=cl.bare)
        merged[r].absorb(cl)
    return list(merged.values())


def _titles(cl: _Cluster) -> set[str]:
    """The titles a cluster's names were seen with ("dr" from "Dr Leyla Mansur")."""
    firsts = {f.split()[0].lower().rstrip(".") for f in cl.forms if len(f.split()) >= 2}
    return firsts & TITLES


def _surname_owner(cl: _Cluster, owners: list[_Cluster]) -> _Cluster | None:
    """Which full name a lone surname in one article stands for.

    In order: the one full name seen with the same title ("Dr Mansur" ->
    "Dr Leyla Mansur"); the nearest full name before it in its article (news
    names a person in full, then by surname); the only full name of the story.
    """
    titled = [o for o in owners if _titles(cl) & _titles(o)]
    if len(titled) == 1:
        return titled[0]
    (aid,) = cl.articles
    first = min(cl.positions[aid])
    before = [
        (max(p for p in o.positions.get(aid, []) if p < first), o)
        for o in owners
        if any(p < first for p in o.positions.get(aid, []))
    ]
    if before:
        return max(before, key=lambda t: t[0])[1]
    here = [o for o in owners if aid in o.articles]
    if len(here) == 1:
        return here[0]
    return owners[0] if len(owners) == 1 else None


def _attach_surnames(clusters: list[_Cluster]) -> list[_Cluster]:
    """Rule 5: lone surnames join the full name they stand for."""
    full = [c for c in clusters if c.label == "PERSON" and len(c.longest_key) >= 2]
    out: list[_Cluster] = []
    left: dict[tuple[str, ...], _Cluster] = {}
    for cl in clusters:
        key = cl.longest_key
        if len(key) != 1 or cl in full:
            out.append(cl)
            continue
        owners = [f for f in full if _translit_match(f.longest_key[-1], key[0])]
        if cl.bare:
            # no person of that name: a place or group the model took for one
            # ("Qaratash", "the Oru")
            named = [
                c
                for c in clusters
                if not c.bare
                and c.label != "PERSON"
                and key[0] in {"".join(w for w in k if w not in FEATURES) for k in c.keys}
            ]
            target = _surname_owner(cl, owners) if owners else (named[0] if named else None)
            if target is not None:
                target.absorb(cl)
            elif key in left:
                left[key].absorb(cl)  # unresolved: one entity per surname
            else:
                left[key] = cl
                out.append(cl)
            continue
        # Other labels are accepted only from a single mention: one mis-tag is
        # noise ("Araghchi" as GPE), a repeated non-person label is evidence
        # that the word names something else ("Hezbollah" next to "Kataib
        # Hezbollah").
        particle = any(re.match(r"(?:al|el)-", f, re.I) for f in cl.forms)  # "al-Assad"
        if (cl.mentions > 1 and not particle) or len(owners) != 1:
            out.append(cl)
        else:
            owners[0].absorb(cl)
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
    clusters = _attach_surnames(clusters)
    root = roots(articles)
    order = [a.id for a in articles]
    out: list[tuple[int, int, Entity]] = []
    for cl in clusters:
        name = _canonical(cl)
        aliases = [f for f, _ in cl.forms.most_common()]
        ent = Entity(
            name=name,
            type=cl.shown_label,
            aliases=aliases,
            article_ids=ordered_ids(cl.articles, order),
            mentions=cl.mentions,
        )
        out.append((len({root[a] for a in cl.articles}), cl.mentions, ent))
    out.sort(key=lambda t: (-t[0], -t[1], t[2].name))
    return [e for _, _, e in out]


def name_lookup(entities: Sequence[Entity]) -> dict[tuple[str, ...], Entity]:
    """Map every alias's matching key to its entity, for resolving names elsewhere."""
    # A bare surname two people of the story share ("Mansur") names neither.
    surnames = Counter(
        _key_tokens(e.name)[-1]
        for e in entities
        if e.type == "PERSON" and len(_key_tokens(e.name)) >= 2
    )
    table: dict[tuple[str, ...], Entity] = {}
    for ent in entities:
        for alias in [ent.name, *ent.aliases]:
            key = _key_tokens(alias)
            if key and not (len(key) == 1 and surnames[key[0]] > 1):
                table.setdefault(key, ent)
    return table


def resolve(name: str, lookup: dict[tuple[str, ...], Entity]) -> Entity | None:
    """The entity a written name refers to, if the story knows it."""
    key = _key_tokens(name)
    return lookup.get(key) if key else None
