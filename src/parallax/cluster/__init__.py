"""Story assignment: an index of hot stories, the rule that picks one, and repairs."""

from parallax.cluster.index import Assignment, StoryIndex
from parallax.cluster.story import HotStory, Item, from_members, story_id_for
from parallax.cluster.terms import terms

__all__ = [
    "Assignment",
    "HotStory",
    "Item",
    "StoryIndex",
    "from_members",
    "story_id_for",
    "terms",
]
