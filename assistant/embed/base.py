"""The one abstract method every embedding backend implements, behind LangChain's interface,
and :func:`embed_array`, how this package's callers get vectors as one float32 matrix."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings


def embed_array(embeddings: Embeddings, texts: Sequence[str]) -> np.ndarray:
    """The vectors of ``texts`` as one float32 matrix, a row a text.

    This package's layers (model, vocabulary, cache) hand theirs over as arrays
    (``embed_array``); any other LangChain ``Embeddings`` gives lists, converted here.
    LangChain's lists hold a Python float an element (about 32 bytes against 4): the
    ingest of 2,048 people at a time held two parts of such lists, about 200 MB.
    """
    own = getattr(embeddings, "embed_array", None)
    if own is not None:
        return np.asarray(own(list(texts)), dtype=np.float32)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.asarray(embeddings.embed_documents(list(texts)), dtype=np.float32)


class EmbeddingModel(Embeddings, ABC):
    """A LangChain :class:`Embeddings` whose backends implement only :meth:`embed_batch`.

    Vectors are expected to be L2-normalised so that a dot product is a cosine.
    """

    #: stable identifier used in cache keys; change it when the vectors change
    name: str = "embedding-model"

    @abstractmethod
    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        """Embed a batch of texts, returning one normalised vector per text."""

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """:meth:`embed_batch` as a float32 matrix (backends with arrays override this)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.asarray(self.embed_batch(list(texts)), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_batch(list(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_batch([text])[0]
