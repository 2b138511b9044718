from __future__ import annotations

import pytest

from parallax.brief.summary import _tidy


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "VARNHOLM, Ostria, March 12 (Wire) – The river burst its banks.",
            "The river burst its banks.",
        ),
        ("LONDON — Ministers met on Friday.", "Ministers met on Friday."),
        ("” The ministry said it would  rebuild.", "The ministry said it would rebuild."),
        (
            "UN officials said on Monday – quietly – that talks failed.",
            "UN officials said on Monday – quietly – that talks failed.",
        ),
        ("NATO allies met in Brussels.", "NATO allies met in Brussels."),
    ],
)
def test_summary_sentences_lose_datelines_and_stray_quotes(raw: str, clean: str) -> None:
    assert _tidy(raw) == clean
