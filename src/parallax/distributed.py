"""The pipeline's model work spread over Dask workers: ``--workers N`` or ``--cluster``.

What runs where:

- on the workers: extraction and enrichment of each batch (``extract_and_enrich``:
  the spaCy parse and the encoder), and the briefings of the stories an import
  touched (``Pipeline.refresh`` hands them over).  Each worker loads the models
  once, when ``ModelsPlugin`` is set up on it (``parallax.models_plugin``);
- in the calling process: reading the input, the duplicate checks against the
  database, and assignment to stories, which is one writer taking the batches in
  input order.  Workers read and write no database, so a cluster's workers need
  no access to it, and the stories come out as in one process.

Dask is imported only when a cluster is started or joined: the default, one
process, neither loads it nor pays for it.
"""

from __future__ import annotations

import logging
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from parallax import nlp
from parallax.enrich import KEY_LABELS, enrich, entity_key
from parallax.extract import extract
from parallax.model import Article, Document, Extracted

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

log = logging.getLogger(__name__)

Key = TypeVar("Key")
In = TypeVar("In")
Out = TypeVar("Out")

PER_WORKER = 2
"""Tasks kept in flight for each worker: one running, one waiting, so that no
worker idles while the writer takes the result before it."""


@dataclass(frozen=True, slots=True)
class Shipped:
    """An enrichment as it crosses between processes: the parse as stored
    (``nlp.doc_to_bytes``), not a spaCy ``Doc``, which the writer never needs."""

    parse: bytes
    embedding: NDArray[np.float32]
    entities: list[tuple[str, str]]

    def entity_keys(self) -> set[str]:
        return {entity_key(text) for text, label in self.entities if label in KEY_LABELS}


@dataclass(frozen=True, slots=True)
class Worked:
    """What a worker made of one document: its extraction and enrichment, or what
    extraction raised (raised again by the writer, where the record is judged)."""

    extracted: Extracted | None
    enrichment: Shipped | None
    problem: Exception | None = None


def extract_and_enrich(documents: Sequence[Document | None]) -> list[Worked | None]:
    """Runs on a worker: each document extracted, and those with an article parsed
    and embedded as one batch.  None (a document the writer already holds) stays None.

    Every extracted document is enriched, also one the writer will find to be a
    re-import by its text or URL: only the writer can tell, once the batches
    before it are stored."""
    extracted: list[Extracted | Exception | None] = []
    for doc in documents:
        if doc is None:
            extracted.append(None)
            continue
        try:
            extracted.append(extract(doc))
        except Exception as exc:
            extracted.append(_portable(exc))
    readable = [
        (doc, found)
        for doc, found in zip(documents, extracted, strict=True)
        if doc is not None and isinstance(found, Extracted)
    ]
    enriched = iter(
        enrich(
            [
                Article(id="", text=found.text, title=doc.title or found.title)
                for doc, found in readable
            ]
        )
    )
    worked: list[Worked | None] = []
    for found in extracted:
        if found is None:
            worked.append(None)
        elif isinstance(found, Exception):
            worked.append(Worked(None, None, found))
        else:
            e = next(enriched)
            worked.append(Worked(found, Shipped(nlp.doc_to_bytes(e.doc), e.embedding, e.entities)))
    return worked


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling on its way back, else a RuntimeError that says it."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


class Cluster:
    """A Dask client, with the local cluster it started (``--workers``) if any."""

    def __init__(self, client: Client, local: LocalCluster | None = None) -> None:
        self.client = client
        self._local = local

    @classmethod
    def start(cls, workers: int) -> Cluster:
        """A cluster of ``workers`` processes on 127.0.0.1, one thread each (the
        models in one worker already keep two cores busy: see ``enrich``)."""
        from distributed import Client, LocalCluster

        local = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # The scheduler serves its health and metrics pages even without the
            # dashboard: on a free port, not on 8787, which another cluster may hold.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )
        try:
            return cls._ready(Client(local), local)  # type: ignore[no-untyped-call]
        except BaseException:
            local.close()
            raise

    @classmethod
    def join(cls, address: str) -> Cluster:
        """The Dask cluster whose scheduler listens at ``address``; its workers need
        Parallax installed, at this version."""
        from distributed import Client

        return cls._ready(Client(address), None)  # type: ignore[no-untyped-call]

    @classmethod
    def _ready(cls, client: Client, local: LocalCluster | None) -> Cluster:
        from parallax.models_plugin import ModelsPlugin

        try:
            # Set up on every worker, those that join later included; waits until
            # the present ones have loaded the models.
            client.register_plugin(ModelsPlugin(), name=ModelsPlugin.name)
        except BaseException:
            client.close()  # type: ignore[no-untyped-call]
            raise
        return cls(client, local)

    @property
    def address(self) -> str:
        """The scheduler's address, for more clients to join (``--cluster``)."""
        info: dict[str, Any] = self.client.scheduler_info()
        return str(info["address"])

    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def ordered(
        self, task: Callable[[In], Out], inputs: Iterable[tuple[Key, In]]
    ) -> Iterator[tuple[Key, Out]]:
        """``task`` of each input, run on the workers, given back in input order with
        the key that came with it (which stays here).  A few tasks per worker are
        in flight: reading further ahead would only hold more results here."""
        window = max(PER_WORKER, PER_WORKER * self.workers())
        flying: deque[tuple[Key, Any]] = deque()
        try:
            for key, argument in inputs:
                flying.append((key, self.client.submit(task, argument, pure=False)))
                if len(flying) >= window:
                    first, future = flying.popleft()
                    yield first, future.result()
            while flying:
                first, future = flying.popleft()
                yield first, future.result()
        finally:
            for _, future in flying:  # the run stopped early: nothing left to wait for
                future.cancel()

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]
        if self._local is not None:
            self._local.close()


def connect(workers: int = 0, address: str | None = None) -> Cluster | None:
    """The cluster the settings ask for: ``workers`` local processes, or the one at
    ``address``; None for neither (everything in this process)."""
    if workers and address:
        raise ValueError("give a number of local workers or a cluster address, not both")
    if workers:
        return Cluster.start(workers)
    if address:
        return Cluster.join(address)
    return None
