"""A skills vocabulary that pulls differently worded statements of one skill together.

Each concept (``skills.toml``: a label and aliases such as "TikTok", "short vertical
videos for young audiences") is embedded once. A statement close enough to one of a
concept's aliases is moved towards that concept's centroid (minus the mean of all
centroids, so only what sets the concept apart is added), so two statements that
name the same skill in different words meet, while look-alike words that match no
alias closely stay where the model put them. Concepts of kind ``sense`` hold other
meanings of ambiguous skill words ("pitch" the football field) and pull statements
that use them away from the skill.

:class:`ConceptEnrichedEmbeddings` does this behind LangChain's ``Embeddings``
interface, so it wraps any backend and is cached like one.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

DEFAULT_VOCABULARY = Path(__file__).with_name("skills.toml")
#: bump when :meth:`ConceptEnrichedEmbeddings.enrich` changes, so stored vectors count as stale
ENRICHMENT_VERSION = 2


@dataclass(frozen=True)
class Concept:
    key: str
    label: str
    aliases: tuple[str, ...]
    #: ``skill``, or ``sense``: another meaning of an ambiguous skill word, which pulls
    #: statements using that meaning away from the skill
    kind: str = "skill"


def load_vocabulary(path: Path = DEFAULT_VOCABULARY) -> list[Concept]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Concept(key, str(body.get("label", key)), tuple(str(a) for a in body["aliases"]),
                str(body.get("kind", "skill")))
        for key, body in data.get("concepts", {}).items()
    ]


class ConceptEnrichedEmbeddings(Embeddings):
    """``inner`` vectors plus ``weight`` x affinity x centroid of the nearest concepts."""

    def __init__(
        self, inner: Embeddings, concepts: list[Concept], model_name: str,
        threshold: float = 0.55, weight: float = 0.6, top: int = 2, center: bool = True,
    ) -> None:
        self.center = center
        self.inner = inner
        self.concepts = concepts
        self.threshold = threshold
        self.weight = weight
        self.top = top
        digest = hashlib.sha256(repr(
            [(c.key, c.aliases, c.kind) for c in concepts]
            + [threshold, weight, top, center, ENRICHMENT_VERSION]
        ).encode()).hexdigest()[:12]
        self.name = f"{model_name}+vocab:{digest}"
        self._aliases: np.ndarray | None = None
        self._owner = np.asarray([i for i, c in enumerate(concepts) for _ in c.aliases])
        self._centroids: np.ndarray | None = None
        self._sense = np.asarray([c.kind == "sense" for c in concepts], dtype=bool)

    def _prepare(self) -> tuple[np.ndarray, np.ndarray]:
        if self._aliases is None or self._centroids is None:
            texts = [a for c in self.concepts for a in c.aliases]
            aliases = np.asarray(self.inner.embed_documents(texts), dtype=np.float32)
            centroids = np.stack([aliases[self._owner == i].mean(axis=0)
                                  for i in range(len(self.concepts))])
            centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
            if self.center:
                # keep only what sets a concept apart: every centroid shares a generic
                # "skills" direction that would pull unrelated statements together
                centroids -= centroids.mean(axis=0, keepdims=True)
                centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
            self._aliases, self._centroids = aliases, centroids
        return self._aliases, self._centroids

    def concept_affinity(self, vectors: np.ndarray) -> np.ndarray:
        """``[statement, concept]``: best cosine between the statement and the concept's aliases."""
        aliases, _ = self._prepare()
        sims = vectors @ aliases.T
        out = np.full((len(vectors), len(self.concepts)), -1.0, dtype=np.float32)
        np.maximum.at(out.T, self._owner, sims.T)
        return out

    def enrich(self, vectors: np.ndarray) -> np.ndarray:
        if not self.concepts or len(vectors) == 0:
            return vectors
        _, centroids = self._prepare()
        affinity = self.concept_affinity(vectors)
        keep = np.argsort(-affinity, axis=1)[:, : self.top]
        out = vectors.copy()
        for row, concepts in enumerate(keep):
            for rank, k in enumerate(concepts):
                a = affinity[row, k]
                # another meaning of a skill word only counts when it is the nearest
                # concept: "Notion" stays the tool, "python and reptile care" the snake
                if a >= self.threshold and not (self._sense[k] and rank > 0):
                    out[row] += self.weight * a * centroids[k]
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = np.asarray(self.inner.embed_documents(texts), dtype=np.float32)
        return [row.tolist() for row in self.enrich(vectors)]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]
