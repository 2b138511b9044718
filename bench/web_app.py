"""The reader as an app factory, for ``uvicorn --factory --workers N`` in
bench/web_latency.py: each worker opens the database named by PARALLAX_DB."""

from __future__ import annotations

from fastapi import FastAPI

from parallax.store import Store
from parallax.web import create_app


def create() -> FastAPI:
    return create_app(Store.open())
