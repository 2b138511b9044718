"""Date readers on hostile text: None for what is not a date, never an exception."""

from __future__ import annotations

from parallax.extract.dates import parse_date, parse_iso


def test_a_long_run_of_digits_after_an_hour_is_not_a_date() -> None:
    # Found by bench/fuzz.py: dateutil raised decimal.InvalidOperation on it.
    assert parse_date("2021\ufffdH17777777777777777777777777777") is None
    assert parse_iso("2021\ufffdH17777777777777777777777777777") is None
