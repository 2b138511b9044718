"""``Settings.from_env``: every PARALLAX_* variable, and one shape for every bad value."""

from __future__ import annotations

import pytest

from parallax.ingest.fetch import FetchSettings
from parallax.settings import Settings, SettingsError


def test_nothing_set_gives_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings().llm() is None


def test_every_kind_of_setting_is_read() -> None:
    got = Settings.from_env(
        {
            "PARALLAX_DB": "/tmp/news.db",
            "PARALLAX_ALLOW": "127.0.0.1, 10.0.0.0/8,",
            "PARALLAX_TOKEN": " secret ",
            "PARALLAX_TRUSTED_PROXIES": "10.0.0.1,fd00::/8",
            "PARALLAX_QUIET_DAYS": "0.5",
            "PARALLAX_DEBUG": "1",
            "PARALLAX_LLM_URL": "http://127.0.0.1:8080/v1",
            "PARALLAX_LLM_MODEL": "small",
            "PARALLAX_LLM_TIMEOUT": "90",
            "PARALLAX_FETCH_MAX_BYTES": "2048",
            "PARALLAX_FETCH_HOST_DELAY": "0",
            "PARALLAX_FETCH_USER_AGENT": "Test/1",
        }
    )
    assert got.db == "/tmp/news.db" and got.token == "secret" and got.debug
    assert got.fetch == FetchSettings(
        max_bytes=2048, host_delay=0.0, user_agent="Test/1", allow=("127.0.0.1", "10.0.0.0/8")
    )
    assert got.trusted_proxies == ("10.0.0.1", "fd00::/8") and got.quiet_days == 0.5
    assert (got.llm_url, got.llm_model, got.llm_timeout) == (
        "http://127.0.0.1:8080/v1",
        "small",
        90,
    )
    # The command line's --allow adds to the variable's hosts.
    assert got.fetching(("192.168.1.5",)).fetch.allow[-1] == "192.168.1.5"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PARALLAX_FETCH_MAX_BYTES", "lots", "a whole number, 0 or more"),
        ("PARALLAX_FETCH_MAX_REDIRECTS", "-1", "a whole number, 0 or more"),
        ("PARALLAX_FETCH_TOTAL_TIMEOUT", "soon", "a number, 0 or more"),
        ("PARALLAX_FETCH_HOST_DELAY", "-1", "a number, 0 or more"),
        ("PARALLAX_QUIET_DAYS", "400", "a number of days above 0, at most 365"),
        ("PARALLAX_QUIET_DAYS", "nan", "a number of days above 0, at most 365"),
        ("PARALLAX_LLM_URL", "localhost:8080", "an http(s) URL"),
        ("PARALLAX_LLM_TIMEOUT", "0", "a number of seconds above 0"),
        ("PARALLAX_TRUSTED_PROXIES", "my-proxy", "proxy addresses or networks"),
    ],
)
def test_a_bad_value_names_the_variable_the_value_and_what_would_do(
    name: str, value: str, expected: str
) -> None:
    env = {name: value}
    if name == "PARALLAX_LLM_TIMEOUT":
        env |= {"PARALLAX_LLM_URL": "http://127.0.0.1/v1", "PARALLAX_LLM_MODEL": "m"}
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert str(caught.value).startswith(f"${name} is {value!r}; expected {expected}")


def test_a_summary_endpoint_without_a_model_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"^\$PARALLAX_LLM_MODEL is ''; expected the name"):
        Settings.from_env({"PARALLAX_LLM_URL": "http://127.0.0.1:8080/v1"})


@pytest.mark.slow
def test_the_defaults_are_the_pipelines_and_the_summarys() -> None:
    from parallax.brief.abstractive import DEFAULT_TIMEOUT
    from parallax.pipeline import HOT_DAYS

    assert Settings().quiet_days == HOT_DAYS and Settings().llm_timeout == DEFAULT_TIMEOUT
    llm = Settings.from_env(
        {"PARALLAX_LLM_URL": "http://127.0.0.1/v1", "PARALLAX_LLM_MODEL": "m"}
    ).llm()
    assert llm is not None and (llm.model, llm.timeout) == ("m", DEFAULT_TIMEOUT)
