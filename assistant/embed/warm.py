"""Load what a first request would otherwise load: the model's weights, the vocabulary."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from assistant.embed.cache import CachedEmbeddings
from assistant.embed.sentence import SentenceTransformerModel
from assistant.embed.vocabulary import ConceptEnrichedEmbeddings


def warm_up(embeddings: Embeddings) -> None:
    """Load every layer of ``embeddings`` now, writing nothing to any cache of texts.

    A local sentence-transformers model loads its weights, traces its forward pass and
    encodes one sentence (the first encode also sets up torch); the vocabulary loads its
    alias vectors (or computes and keeps them). Remote backends have nothing to load.
    """
    layer: Embeddings | None = embeddings
    while layer is not None:
        if isinstance(layer, SentenceTransformerModel):
            layer.warm()
        if isinstance(layer, ConceptEnrichedEmbeddings):
            layer.prepare()
        layer = layer.inner if isinstance(
            layer, (CachedEmbeddings, ConceptEnrichedEmbeddings)) else None
