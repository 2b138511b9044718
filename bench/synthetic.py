"""The vocabulary of the synthetic archives that ``throughput.py`` and
``web_latency.py`` write straight through the store, without the models.

One list, so that both benches' archives read alike: same words, same names,
and sentences drawn the same way.
"""

from __future__ import annotations

import random

WORDS = [
    "council",
    "minister",
    "storm",
    "harbour",
    "election",
    "budget",
    "court",
    "river",
    "strike",
    "bridge",
    "vaccine",
    "league",
    "museum",
    "drought",
    "factory",
    "border",
    "protest",
    "senate",
    "flood",
    "mayor",
    "contract",
    "airport",
    "wildfire",
    "treaty",
    "hospital",
    "festival",
    "pipeline",
    "tariff",
    "coalition",
    "rescue",
    "verdict",
    "inquiry",
    "reservoir",
    "orchestra",
]
NAMES = ["Ada Okafor", "Lena Varga", "Tomas Reyes", "Ines Duarte", "Pavel Novak", "Mira Sato"]


def words(rng: random.Random, n: int) -> list[str]:
    """``n`` words drawn from ``WORDS``."""
    return [rng.choice(WORDS) for _ in range(n)]


def sentence(rng: random.Random, n: int = 14) -> str:
    """``n`` drawn words as a sentence: capitalised, with a full stop."""
    return " ".join(words(rng, n)).capitalize() + "."
