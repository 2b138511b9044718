"""Extraction: a fetched page or pasted text -> clean article text plus metadata.

``extract`` is the only entry point the rest of the engine needs; it picks the
HTML reader or the plain-text clean-up from ``Document.is_html``.
"""

from __future__ import annotations

from parallax.extract.errors import ExtractionError
from parallax.extract.html import extract_html
from parallax.extract.text import extract_text
from parallax.model import Document, Extracted

__all__ = ["ExtractionError", "extract"]


def extract(doc: Document) -> Extracted:
    """Clean text and metadata of ``doc``; raises ExtractionError when it holds no article."""
    if doc.is_html:
        return extract_html(doc)
    return extract_text(doc)
