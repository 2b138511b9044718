"""Which figures a briefing shows: the quantities a news story counts.

A story counts people (killed, injured, missing, displaced, arrested, or
taking part: fighters crossing, workers striking, rescuers deployed), homes
destroyed, money and votes.  A measurement ("a 62-metre dam", "9km
downstream"), a rate ("7.8 per cent") or a count of things that merely
appear in the story ("two sides", "40 boats") is background, not a figure
outlets report against each other, so it is left out.  The lists below are
general news vocabulary, not tied to any story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from parallax.model import Article

# Armed people: one class of figures ("fighters crossed into Syria").
FIGHTER_NOUNS = frozenset(
    {
        "fighter",
        "militiaman",
        "militia",
        "militant",
        "gunman",
        "combatant",
        "troop",
        "soldier",
        "reinforcement",
        "paramilitary",
    }
)
# Nouns that name people, as a counted noun's lemma.  Compounds ending in a
# listed word ("dockworker", "firefighter") count too (``is_person``).
PERSON_NOUNS = FIGHTER_NOUNS | frozenset(
    {
        "people",
        "person",
        "individual",
        "citizen",
        "resident",
        "victim",
        "villager",
        "civilian",
        "child",
        "woman",
        "man",
        "adult",
        "baby",
        "infant",
        "teenager",
        "student",
        "pupil",
        "worker",
        "employee",
        "staff",
        "striker",
        "protester",
        "protestor",
        "demonstrator",
        "rescuer",
        "volunteer",
        "firefighter",
        "officer",
        "policeman",
        "police",
        "doctor",
        "nurse",
        "patient",
        "passenger",
        "migrant",
        "refugee",
        "evacuee",
        "survivor",
        "prisoner",
        "detainee",
        "inmate",
        "hostage",
        "journalist",
        "tourist",
        "pilgrim",
        "voter",
        "supporter",
        "farmer",
        "miner",
        "teacher",
        "family",
        "household",
        "insurgent",
        "rebel",
        "jihadist",
        "guerrilla",
        "guard",
        "casualty",
    }
)
_PERSON_SUFFIXES = ("worker", "fighter", "soldier", "officer", "man", "woman")
# Dwellings: "some 1,400 houses were destroyed" is a count of the damage.
HOME_NOUNS = frozenset({"home", "house", "dwelling", "building", "homes", "houses"})
VOTE_NOUNS = frozenset({"vote", "ballot", "seat"})
CURRENCY_SYMBOLS = frozenset({"$", "£", "€", "¥", "₹", "₽", "US$"})
# Currency words that are also units of weight.
WEIGHT_OR_MONEY = frozenset({"pound"})
CURRENCY_WORDS = frozenset(
    {
        "dollar",
        "euro",
        "pound",
        "sterling",
        "yen",
        "yuan",
        "renminbi",
        "rouble",
        "ruble",
        "rupee",
        "franc",
        "peso",
        "lira",
        "dinar",
        "dirham",
        "riyal",
        "rial",
        "shekel",
        "won",
        "krona",
        "krone",
        "zloty",
        "rand",
        "naira",
        "hryvnia",
        "real",
    }
)
# Nouns whose size is an amount of money: "a fund of 5 billion kavars", "a
# 2.1 billion kavar contract".  They make a figure money even when its
# currency is one the parser does not know.
MONEY_NOUNS = frozenset(
    {
        "fund",
        "contract",
        "appeal",
        "budget",
        "loan",
        "grant",
        "fine",
        "aid",
        "package",
        "deal",
        "bailout",
        "donation",
        "compensation",
        "ransom",
        "bribe",
        "investment",
        "spending",
        "payment",
        "pledge",
        "bond",
        "debt",
        "subsidy",
        "salary",
        "bonus",
        "price",
        "cost",
        "revenue",
        "profit",
    }
)
_RATE_WORDS = frozenset({"cent", "percent", "%", "pc", "percentage"})


def is_person(tok: Any) -> bool:
    """True when the noun ``tok`` names people ("residents", "dockworkers", "Syrians")."""
    lemma = str(tok.lemma_).lower()
    if lemma in PERSON_NOUNS or tok.lower_ in PERSON_NOUNS:
        return True
    if tok.ent_type_ == "NORP":  # "millions of Syrians", "two Americans"
        return True
    return lemma.endswith(_PERSON_SUFFIXES) and len(lemma) > 5


def is_home(tok: Any) -> bool:
    return str(tok.lemma_).lower() in HOME_NOUNS


def _is_rate(tokens: Any) -> bool:
    return any(t.lower_ in _RATE_WORDS for t in tokens)


def money_noun(head_tok: Any, noun: Any | None) -> Any | None:
    """The noun that makes a figure an amount of money, if any: the counted
    noun itself ("a 2.1 billion kavar contract") or the noun an "of" phrase
    hangs from ("a relief fund of 5 billion kavars")."""
    for cand in (noun, head_tok):
        if cand is None:
            continue
        if str(cand.lemma_).lower() in MONEY_NOUNS:
            return cand
        if cand.dep_ == "pobj" and cand.head.lower_ == "of":
            owner = cand.head.head
            if str(owner.lemma_).lower() in MONEY_NOUNS:
                return owner
    return None


def currency_span(doc: Any, i: int, j: int, noun: Any | None) -> tuple[int, int] | None:
    """The tokens of an amount of money around the number ``doc[i:j+1]``
    (its currency symbol or word included), or None when it is not money.

    The parser's MONEY and QUANTITY entities carry the currency ("$30
    million", "5 billion kavars"); a rate ("9.5 per cent", which the small
    English model tags as MONEY) is not money.
    """
    start = i - 1 if i > 0 and doc[i - 1].text in CURRENCY_SYMBOLS else i
    ent = next((e for e in doc.ents if e.start <= i < e.end), None)
    if ent is not None and _is_rate(ent):
        return None
    if start < i:
        end = j if ent is None or ent.label_ not in ("MONEY", "QUANTITY") else ent.end - 1
        return start, max(j, end)
    if noun is not None and str(noun.lemma_).lower() in CURRENCY_WORDS:
        # "he was 5-foot-11 and 215 pounds": a pound is a weight too, and
        # money only when the parse reads the amount as money
        weight = str(noun.lemma_).lower() in WEIGHT_OR_MONEY
        if not weight or (ent is not None and ent.label_ == "MONEY"):
            return start, noun.i
        return None
    if ent is not None and ent.label_ == "MONEY":
        return start, max(j, ent.end - 1)
    if ent is not None and ent.label_ == "QUANTITY" and money_noun(doc[j], noun) is not None:
        return start, max(j, ent.end - 1)
    return None


def money_label(owner: Any | None) -> str:
    """A readable name for what an amount pays for ("relief fund", "flash appeal")."""
    if owner is None:
        return "money"
    mods = [c for c in owner.lefts if c.dep_ in ("compound", "amod") and not c.like_num]
    mods = [c for c in mods if c.ent_type_ not in ("MONEY", "QUANTITY", "CARDINAL")]
    words = [c.lower_ for c in mods[-1:]] + [owner.lower_]
    return "money: " + " ".join(words)


# Measures: "a 62-metre dam", "9km downstream", "280 millimetres of rain".
UNIT_NOUNS = frozenset(
    {
        "metre",
        "meter",
        "kilometre",
        "kilometer",
        "km",
        "mile",
        "foot",
        "feet",
        "inch",
        "cm",
        "mm",
        "millimetre",
        "millimeter",
        "centimetre",
        "centimeter",
        "kg",
        "kilogram",
        "gram",
        "tonne",
        "ton",
        "litre",
        "liter",
        "gallon",
        "barrel",
        "hectare",
        "acre",
        "degree",
        "percent",
        "cent",
        "%",
        "year",
        "month",
        "week",
        "day",
        "hour",
        "minute",
        "second",
        "time",
        "mph",
        "kph",
    }
)


def is_unit(tok: Any) -> bool:
    return str(tok.lemma_).lower() in UNIT_NOUNS or tok.lower_ in UNIT_NOUNS


def headline_words(articles: Sequence[Article]) -> frozenset[str]:
    """The lower-cased words of the story's headlines, singular and plural."""
    words: set[str] = set()
    for art in articles:
        for w in re.findall(r"[a-z]+", (art.title or "").lower()):
            words.add(w)
            if w.endswith("s") and len(w) > 3:
                words.add(w[:-1])
    return frozenset(words)
