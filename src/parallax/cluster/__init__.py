"""Story assignment: an index of hot stories and the rule that picks one."""

from parallax.cluster.index import HotStory, StoryIndex, story_id_for

__all__ = ["HotStory", "StoryIndex", "story_id_for"]
