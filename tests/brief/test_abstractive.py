"""The optional machine-written summary: request, check against evidence, failure modes.

No language model can run here, so a real HTTP server on 127.0.0.1 that speaks
the OpenAI chat-completions JSON shape stands in for one, answering with texts
the tests write (or, for the pipeline, echoing evidence it was sent).  Every
other part is real: the HTTP client, the check, SQLite, the pipeline.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from tests.web.conftest import _article, add_story

from parallax.brief.abstractive import AbstractError, LLMSettings, abstract, check
from parallax.engine import Engine
from parallax.export import story_document
from parallax.model import (
    Briefing,
    Document,
    QuantityGroup,
    QuantityMention,
    Quote,
    SummarySentence,
)
from parallax.pipeline import Pipeline
from parallax.render import render_briefing
from parallax.settings import Settings
from parallax.store import Store
from parallax.web import create_app

Answer = Callable[[dict[str, Any]], tuple[int, bytes]]


class FakeLLM:
    """A chat-completions endpoint on 127.0.0.1 that records what it is asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.answer: Answer = lambda body: reply("")
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                body = json.loads(raw)
                fake.requests.append((self.path, dict(self.headers.items()), body))
                status, data = fake.answer(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(content: str) -> tuple[int, bytes]:
    message = {"role": "assistant", "content": content}
    return 200, json.dumps({"choices": [{"index": 0, "message": message}]}).encode()


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    server = FakeLLM()
    yield server
    server.close()


ORDER = ["a1", "a2", "a3"]


def storm_briefing() -> Briefing:
    """Evidence numbered [1]..[5]: two summary sentences, two figures, one quote."""
    return Briefing(
        summary=[
            SummarySentence(
                "Storm Mira cut power to 30,000 homes in Leeward County on Tuesday.", ["a1", "a2"]
            ),
            SummarySentence(
                "Crews from three utilities worked through the night to restore the lines.", ["a2"]
            ),
        ],
        quantities=[
            QuantityGroup(
                "homes without power",
                conflict=True,
                mentions=[
                    QuantityMention("a1", "30,000 homes", 30000, 30000, source="Coast Herald"),
                    QuantityMention(
                        "a3", "45,000 homes", 45000, 45000, "the county", source="Valley Times"
                    ),
                ],
            )
        ],
        quotes=[Quote("Mayor Ines Alto", "We expect most homes back by Friday", ["a3"])],
    )


def settings(server: FakeLLM, **kw: Any) -> LLMSettings:
    return LLMSettings(url=server.url, model="test-model", **kw)


def test_grounded_sentences_are_kept_citing_the_articles_behind_their_evidence(
    llm: FakeLLM,
) -> None:
    llm.answer = lambda body: reply(
        "Storm Mira cut power to homes in Leeward County on Tuesday [1][3]. "
        "The Valley Times put the number at 45,000 homes, citing the county. [4] "
        "Mayor Ines Alto said she expected most homes back by Friday [5]."
    )
    kept = abstract(storm_briefing(), ORDER, settings(llm, key="sekret"))
    assert kept == [
        SummarySentence(
            "Storm Mira cut power to homes in Leeward County on Tuesday.", ["a1", "a2"]
        ),
        SummarySentence(
            "The Valley Times put the number at 45,000 homes, citing the county.", ["a3"]
        ),
        SummarySentence("Mayor Ines Alto said she expected most homes back by Friday.", ["a3"]),
    ]
    [(path, headers, body)] = llm.requests
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sekret"
    assert body["model"] == "test-model"
    prompt = body["messages"][-1]["content"]
    # The evidence goes out numbered: summary first, then figures, then quotes.
    assert "[1] Storm Mira cut power" in prompt
    assert re.search(r"\[4\] Valley Times reports 45,000 homes", prompt)
    assert "[5] Mayor Ines Alto said" in prompt


def test_a_number_its_cited_evidence_lacks_drops_the_sentence(llm: FakeLLM) -> None:
    llm.answer = lambda body: reply(
        "About 2,000 crews worked through the night to restore the lines [2]. "
        # 45,000 is in the evidence, but not in the sentence it cites.
        "Storm Mira cut power to 45,000 homes in Leeward County [1]. "
        "Crews worked through the night to restore the lines [2]."
    )
    kept = abstract(storm_briefing(), ORDER, settings(llm))
    assert [s.text for s in kept] == ["Crews worked through the night to restore the lines."]
    assert kept[0].article_ids == ["a2"]


def test_uncited_wrongly_cited_and_unsupported_sentences_are_dropped(llm: FakeLLM) -> None:
    llm.answer = lambda body: reply(
        "Residents were angry about the slow response. "
        "Crews worked through the night to restore the lines [9]. "
        "Officials blamed the outage on years of neglected maintenance [2]. "
        "Dr. Ines Alto, the mayor, expects most homes back by Friday [5]."
    )
    kept = abstract(storm_briefing(), ORDER, settings(llm))
    # "Dr." does not end the sentence, so its citation still counts for it.
    assert [s.text for s in kept] == [
        "Dr. Ines Alto, the mayor, expects most homes back by Friday."
    ]


def test_nothing_that_holds_is_an_error(llm: FakeLLM) -> None:
    llm.answer = lambda body: reply("Officials blamed the outage on neglected maintenance [2].")
    with pytest.raises(AbstractError, match="supported"):
        abstract(storm_briefing(), ORDER, settings(llm))


def test_check_reads_thousands_and_decimals_alike_in_sentence_and_evidence() -> None:
    from parallax.brief.abstractive import Evidence

    evidence = [Evidence("Rainfall reached 12.50 cm, flooding 1,200 homes.", ["x"])]
    assert check("Rainfall reached 12.5 cm and flooded 1200 homes [1].", evidence, ["x"])
    assert not check("Rainfall reached 125 cm and flooded 1200 homes [1].", evidence, ["x"])


# --- in the pipeline --------------------------------------------------------------

HARBOUR = (
    "A fire destroyed three warehouses at the Port of Selby on Sunday night, the harbour "
    "authority said. Firefighters from four towns fought the blaze for nine hours before "
    "bringing it under control. Nobody was hurt, according to the authority, but the port "
    "will stay closed to cargo ships until Wednesday."
)
QUAYSIDE = (
    "Fire crews from four towns spent nine hours fighting a blaze that destroyed three "
    "warehouses at the Port of Selby on Sunday night. The harbour authority said no one was "
    "injured. Cargo ships will be turned away until Wednesday while inspectors check the quays."
)


def harbour_documents() -> list[Document]:
    when = datetime(2031, 5, 4, 23, tzinfo=UTC)
    return [
        Document(HARBOUR, False, id="h1", source="Selby Gazette", title="Fire at Selby port",
                 published=when),
        Document(QUAYSIDE, False, id="q1", source="Quayside News",
                 title="Warehouses burn at Port of Selby", published=when),
    ]  # fmt: skip


def echo_first_evidence(body: dict[str, Any]) -> tuple[int, bytes]:
    """A stand-in model that repeats evidence [1], cited: grounded by construction."""
    first = re.search(r"^\[1\] (.+)$", body["messages"][-1]["content"], re.M)
    assert first is not None
    return reply(f"{first.group(1)} [1]")


def only_story(store: Store) -> dict[str, Any]:
    [row] = store.stories()
    document = story_document(store, row.id)
    assert document is not None
    return document


@pytest.mark.slow
def test_the_pipeline_stores_a_checked_abstract_beside_the_summary(
    llm: FakeLLM, store: Store
) -> None:
    llm.answer = echo_first_evidence
    Pipeline(store, llm=settings(llm)).run(harbour_documents())
    story = only_story(store)
    assert story["summary"], "the extractive summary is always written"
    first = story["summary"][0]
    assert story["abstract"] == [{"text": first["text"], "article_ids": first["article_ids"]}]
    assert store.recent_errors() == []
    jsonschema = pytest.importorskip("jsonschema")
    from tests.web.test_web_api import SCHEMA

    jsonschema.validate(story, json.loads(SCHEMA.read_text()))
    out = StringIO()
    render_briefing(story, Console(file=out, width=200))
    shown = out.getvalue()
    assert shown.index("Machine-written summary") < shown.index("Summary\n")


def garbage(body: dict[str, Any]) -> tuple[int, bytes]:
    return 200, b"<html>not json"


def server_error(body: dict[str, Any]) -> tuple[int, bytes]:
    return 500, b'{"error": "model not loaded"}'


def no_choices(body: dict[str, Any]) -> tuple[int, bytes]:
    return 200, b'{"choices": []}'


def unsupported(body: dict[str, Any]) -> tuple[int, bytes]:
    return reply("Arsonists were seen near the quays before midnight [1].")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (server_error, "HTTP 500"),
        (garbage, "did not answer JSON"),
        (no_choices, "without choices"),
        (unsupported, "supported by its cited evidence"),
        (None, "could not be reached"),
    ],
)
def test_a_failing_endpoint_leaves_the_extractive_summary_and_records_why(
    llm: FakeLLM, store: Store, answer: Answer | None, message: str
) -> None:
    if answer is None:  # endpoint down: a port nothing listens on
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        chosen = LLMSettings(url=f"http://127.0.0.1:{port}/v1", model="m", timeout=5)
    else:
        llm.answer = answer
        chosen = settings(llm)
    report = Pipeline(store, llm=chosen).run(harbour_documents())
    assert report.imported == 2
    story = only_story(store)
    assert story["summary"] and story["abstract"] == []
    [(_, origin, recorded)] = store.recent_errors()
    assert origin == chosen.url
    assert story["id"] in recorded and message in recorded


@pytest.mark.slow
def test_the_endpoint_comes_from_the_environment_and_without_it_nothing_is_sent(
    llm: FakeLLM, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment reaches the pipeline through Settings, as on every command.
    llm.answer = echo_first_evidence
    monkeypatch.setenv("PARALLAX_LLM_URL", llm.url)
    monkeypatch.setenv("PARALLAX_LLM_MODEL", "env-model")
    monkeypatch.setenv("PARALLAX_LLM_KEY", "env-key")
    with Engine(store, Settings.from_env(), owns_store=False) as engine:
        engine.import_documents(harbour_documents()[:1])
    assert [(b["model"], h["Authorization"]) for _, h, b in llm.requests] == [
        ("env-model", "Bearer env-key")
    ]

    llm.requests.clear()
    monkeypatch.delenv("PARALLAX_LLM_URL")
    with Engine(store, Settings.from_env(), owns_store=False) as engine:
        engine.import_documents(harbour_documents()[1:])
    assert llm.requests == []
    assert only_story(store)["abstract"] == []


# --- on the story page -----------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> at Tom & Jerry\'s <b>depot</b>'


def test_the_story_page_labels_the_abstract_and_escapes_it(store: Store) -> None:
    articles = [
        _article("p1", "Selby Gazette", "Fire at the port", "Three warehouses burned."),
        _article("p2", "Quayside News", "Port fire", "Warehouses burned on Sunday."),
    ]
    briefing = {
        "summary": [{"text": "Three warehouses burned.", "article_ids": ["p1"]}],
        "abstract": [{"text": f"Warehouses burned {HOSTILE} on Sunday.", "article_ids": ["p2"]}],
    }
    add_story(store, "fire", "Fire at the port", articles, briefing, datetime.now(UTC))
    with TestClient(create_app(store)) as client:
        html = client.get("/stories/fire").text
    # The abstract has a section of its own, after the first screen's extractive summary.
    start = html.index('id="h-abstract"')
    part = html[start : html.index("</section>", start)]
    assert html.index('id="h-summary"') < start
    assert "Machine-written summary" in part and "language model" in part
    # Markup is dropped and the rest escaped, as everywhere on the page.
    assert "<script" not in part and "<b>" not in part
    assert "Tom &amp; Jerry" in part
    assert 'href="/articles/p2' in part
    # Shown in its own section, not again among the extras.
    assert html.count("Tom &amp; Jerry") == 1
