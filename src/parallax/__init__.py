"""Parallax: a self-hostable news engine that shows every story from every side."""

__version__ = "0.1.0"
