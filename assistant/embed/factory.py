"""Choose an embedding backend from configuration: ``NAME`` or ``NAME:ARGUMENT``.

``sentence-transformers`` (default, packaged all-MiniLM-L6-v2),
``sentence-transformers:/path/to/model``, ``ollama:MODEL``, ``openai:MODEL``
(OpenAI-compatible server from ``OPENAI_BASE_URL``/``OPENAI_API_KEY``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.embed.sentence import SentenceTransformerModel
from assistant.errors import ConfigError


def _sentence(arg: str) -> Embeddings:
    return SentenceTransformerModel(arg or None)


def _ollama(arg: str) -> Embeddings:
    try:
        from langchain_ollama import OllamaEmbeddings
    except ImportError as exc:
        raise ConfigError("install the 'llm' extra for ollama embeddings") from exc
    return OllamaEmbeddings(model=arg or "nomic-embed-text")


def _openai(arg: str) -> Embeddings:
    try:
        from langchain_openai import OpenAIEmbeddings
    except ImportError as exc:
        raise ConfigError("install the 'llm' extra for OpenAI-compatible embeddings") from exc
    return OpenAIEmbeddings(model=arg or "text-embedding-3-small")


BACKENDS: dict[str, Callable[[str], Embeddings]] = {
    "sentence-transformers": _sentence,
    "ollama": _ollama,
    "openai": _openai,
}


def make_embeddings(spec: str, cache_dir: Path | None = None) -> tuple[Embeddings, str]:
    """Build the backend named by ``spec``; returns it with a stable name for cache keys.

    A ``+vocab`` suffix on the backend name (``sentence-transformers+vocab``) adds the
    skills vocabulary of :mod:`assistant.embed.vocabulary` (opt-in; see evals/README.md
    for what it changes). ``cache_dir`` keeps what is derived from the model (the
    vocabulary's alias vectors) on disk, computed once per (model, vocabulary).
    """
    name, _, arg = spec.partition(":")
    if name.endswith("+vocab"):
        from assistant.embed.vocabulary import ConceptEnrichedEmbeddings, load_vocabulary

        inner, label = make_embeddings(spec.replace("+vocab", "", 1))
        enriched = ConceptEnrichedEmbeddings(inner, load_vocabulary(), label,
                                             cache_dir=cache_dir)
        return enriched, enriched.name
    try:
        builder = BACKENDS[name]
    except KeyError:
        raise ConfigError(
            f"unknown embedding backend '{name}' (choose from {', '.join(BACKENDS)})"
        ) from None
    model = builder(arg)
    label = getattr(model, "name", None) or spec
    return model, str(label)
