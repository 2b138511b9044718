"""The web reader and JSON API (FastAPI, server-rendered, no JavaScript).

Usage: ``create_app(store, token=None)`` returns the ASGI application; serve it
with uvicorn.  Everything else in this package is private.
"""

from parallax.web.app import create_app

__all__ = ["create_app"]
