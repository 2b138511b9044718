"""The web reader and JSON API (FastAPI, server-rendered, no JavaScript).

from parallax.web import create_app
app = create_app(store, token=None)
"""

from parallax.web.app import create_app

__all__ = ["create_app"]
