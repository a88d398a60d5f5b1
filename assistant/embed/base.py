"""The one abstract method every embedding backend implements, behind LangChain's interface."""

from __future__ import annotations

from abc import ABC, abstractmethod

from langchain_core.embeddings import Embeddings


class EmbeddingModel(Embeddings, ABC):
    """A LangChain :class:`Embeddings` whose backends implement only :meth:`embed_batch`.

    Vectors are expected to be L2-normalised so that a dot product is a cosine.
    """

    #: stable identifier used in cache keys; change it when the vectors change
    name: str = "embedding-model"

    @abstractmethod
    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        """Embed a batch of texts, returning one normalised vector per text."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_batch(list(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_batch([text])[0]
