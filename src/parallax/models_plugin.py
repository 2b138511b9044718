"""The Dask worker plugin that loads the language models on each worker.

A module of its own because it subclasses Dask's ``WorkerPlugin``, so importing
it imports Dask: ``parallax.distributed`` imports it only when a cluster starts.
"""

from __future__ import annotations

import asyncio

from distributed import Worker, WorkerPlugin

from parallax import nlp


def load_models() -> None:
    """Load spaCy and the encoder into this process (each is kept: ``nlp``'s caches)."""
    nlp.spacy_model()
    nlp._embedder()  # not through embed(): a model cache could answer without the model


class ModelsPlugin(WorkerPlugin):
    """Loads the models once per worker, before its first task: tasks then run at
    full speed from the start, and a worker that cannot load them fails at once."""

    name = "parallax-models"

    async def setup(self, worker: Worker) -> None:
        # Loading takes seconds; off the event loop, the worker keeps answering
        # the scheduler's heartbeats meanwhile.
        await asyncio.get_running_loop().run_in_executor(None, load_models)
