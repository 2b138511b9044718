"""The pipeline's settings from the environment: read, or refused with the variable named."""

from __future__ import annotations

import pytest

from parallax.pipeline import HOT_DAYS, QUIET_ENV, quiet_days_from_env


def test_quiet_period_defaults_and_reads_days() -> None:
    assert quiet_days_from_env({}) == HOT_DAYS
    assert quiet_days_from_env({QUIET_ENV: " "}) == HOT_DAYS
    assert quiet_days_from_env({QUIET_ENV: "7"}) == 7.0
    assert quiet_days_from_env({QUIET_ENV: "0.5"}) == 0.5


@pytest.mark.parametrize("raw", ["three", "0", "-2", "400", "nan", "inf"])
def test_a_bad_quiet_period_is_a_clear_error(raw: str) -> None:
    with pytest.raises(ValueError, match=QUIET_ENV):
        quiet_days_from_env({QUIET_ENV: raw})
