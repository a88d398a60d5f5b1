"""Embed stage: LangChain ``Embeddings`` backends and a text-hash cache."""

from assistant.embed.base import EmbeddingModel, embed_array
from assistant.embed.cache import CachedEmbeddings, text_key
from assistant.embed.factory import BACKENDS, make_embeddings
from assistant.embed.sentence import SentenceTransformerModel, packaged_model_path
from assistant.embed.warm import warm_up

__all__ = [
    "BACKENDS",
    "CachedEmbeddings",
    "EmbeddingModel",
    "SentenceTransformerModel",
    "embed_array",
    "make_embeddings",
    "packaged_model_path",
    "text_key",
    "warm_up",
]
