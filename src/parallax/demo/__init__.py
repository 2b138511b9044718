"""The demo: a local "newswire" of fictional outlets that Parallax can poll like any site.

The content under ``newswire/`` (feeds, HTML pages, ``manifest.json``) is fictional and was
written for this project. ``manifest.json`` describes the content for tests and docs only;
the engine never reads it.
"""

from parallax.demo.server import Newswire

__all__ = ["Newswire"]
