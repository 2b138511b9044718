"""Parallax: a self-hostable news engine that shows every story from every side.

``parallax.open(url)`` gives an ``Engine``: the Python API the command line and
the reader are built on (see ``parallax.engine``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from parallax.engine import Engine, open
    from parallax.settings import Settings

__all__ = ["Engine", "Settings", "__version__", "open"]

# Loaded when first used: every module of the package imports this one, and the
# engine brings in the database and the fetcher, which most of them never need.
_LAZY = {"Engine": "parallax.engine", "open": "parallax.engine", "Settings": "parallax.settings"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'parallax' has no attribute {name!r}")
