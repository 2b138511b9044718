"""The pipeline's settings come from its caller, never from the environment:
``Settings`` is the one reader of ``PARALLAX_*``, so a bad value is reported
once, before anything starts, and an embedding program decides alone."""

from __future__ import annotations

import pytest

from parallax.brief.abstractive import LLMSettings
from parallax.engine import Engine
from parallax.pipeline import HOT_DAYS, Pipeline
from parallax.settings import Settings
from parallax.store import Store


def test_a_pipeline_reads_no_environment(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_QUIET_DAYS", "0.5")
    monkeypatch.setenv("PARALLAX_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("PARALLAX_LLM_MODEL", "m")
    pipeline = Pipeline(store)
    assert pipeline.quiet_days == HOT_DAYS
    assert pipeline.llm is None


def test_the_engine_hands_its_settings_to_the_pipeline(store: Store) -> None:
    given = Settings(quiet_days=7.0, llm_url="http://127.0.0.1:9/v1", llm_model="m", llm_key="k")
    with Engine(store, given, owns_store=False) as engine:
        pipeline = engine.pipeline()
    assert pipeline.quiet_days == 7.0
    assert pipeline.llm == LLMSettings("http://127.0.0.1:9/v1", "m", "k")
