"""Repairs late evidence calls for: two stories that are one, one story that is two.

Streaming decides each article on arrival, with what it knows then.  Later
articles can show that an early decision was wrong: an article close to two
stories at once may reveal they cover the same event (merge), and a story's
members may settle into two groups that have little to do with each other
(split).  Both are decided on the members themselves, not on centroids alone.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from parallax.cluster.story import HotStory, Item

# Measured on the tuning half of bench/clustering.py (mean cosine between the
# lead embeddings of two sets of articles):
#   within one event        mean link 5th percentile 0.711, lowest pair 0.557
#   between two events      median 0.293, 90th percentile 0.418, highest 0.638
MERGE_LINK = 0.65
"""Above the most alike pair of different events (0.638), below 95% of events' own (0.711)."""
SPLIT_LINK = 0.4
"""Below any pair of articles of one event (0.557); about as alike as unrelated events get
(90th percentile 0.418)."""
MIN_PART = 2
"""A split-off group needs this many members: one odd article is noise, not a second story."""
SPLIT_FROM = 4
"""The fewest members a story must have before a split is considered (two groups of two)."""


def mean_link(a: HotStory, b: HotStory) -> float:
    """Mean cosine between the members of two stories (average linkage)."""
    return float((a.vectors() @ b.vectors().T).mean())


def belong_together(a: HotStory, b: HotStory) -> bool:
    """Two stories are one when their members, on average, are as alike as one story's."""
    return mean_link(a, b) >= MERGE_LINK


def split_groups(story: HotStory) -> tuple[list[Item], list[Item]] | None:
    """The story's members as (larger, smaller) groups, when they form two separate ones.

    Two-means on the member embeddings, started from the two least alike
    members; the cut counts when the two groups' members are, on average, no
    more alike than unrelated news.
    """
    if story.count < SPLIT_FROM:
        return None
    vectors = story.vectors()
    labels = _two_means(vectors)
    if min(int(labels.sum()), len(labels) - int(labels.sum())) < MIN_PART:
        return None
    first, second = vectors[~labels], vectors[labels]
    if float((first @ second.T).mean()) >= SPLIT_LINK:
        return None
    groups = [
        [m for m, side in zip(story.members, labels, strict=True) if side == wanted]
        for wanted in (False, True)
    ]
    # On a tie, the group with the story's first article keeps the story.
    larger, smaller = sorted(groups, key=lambda g: (len(g), g[0] is story.members[0]), reverse=True)
    return larger, smaller


def _two_means(vectors: NDArray[np.float32], rounds: int = 10) -> NDArray[np.bool_]:
    """True for the members nearer the second of two centres (spherical k-means, k = 2)."""
    similarity = vectors @ vectors.T
    a, b = np.unravel_index(int(np.argmin(similarity)), similarity.shape)
    centres = vectors[[a, b]]
    labels: NDArray[np.bool_] = vectors @ centres[1] > vectors @ centres[0]
    for _ in range(rounds):
        if labels.all() or not labels.any():
            break
        centres = np.stack([vectors[~labels].mean(axis=0), vectors[labels].mean(axis=0)])
        moved = vectors @ centres[1] > vectors @ centres[0]
        if (moved == labels).all():
            break
        labels = moved
    return labels
