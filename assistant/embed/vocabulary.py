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
interface, so it wraps any backend and is cached like one. The alias vectors depend
only on (model, vocabulary): with a ``cache_dir`` they are computed once and kept there
(``vocabulary-<key>.npy``), so a new process does not embed the whole vocabulary again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.embed.base import embed_array

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
    """``inner`` vectors plus ``weight`` x affinity x centroid of the nearest concepts.

    A statement is pulled towards each of its ``top`` nearest concepts whose best alias
    it matches at ``threshold`` or more; a statement of ``long_words`` words or more at
    ``long_threshold``: a description or a need stated as a problem ("my slides put
    people to sleep", "presenting numbers to a board so they stay awake") spreads its
    affinity over more words than a skill's name, and a short name near another skill
    ("Portuguese" beside Spanish) must not be pulled to it. Chosen on the dev splits
    (2026-11-27, `evals/README.md`).
    """

    def __init__(
        self, inner: Embeddings, concepts: list[Concept], model_name: str,
        threshold: float = 0.55, weight: float = 0.6, top: int = 2, center: bool = True,
        cache_dir: Path | None = None, long_threshold: float | None = 0.45, long_words: int = 4,
    ) -> None:
        self.center = center
        self.inner = inner
        self.concepts = concepts
        self.threshold = threshold
        self.long_threshold = threshold if long_threshold is None else long_threshold
        self.long_words = long_words
        self.weight = weight
        self.top = top
        #: where the alias vectors of this (model, vocabulary) are kept; None: memory only
        self.cache_dir = cache_dir
        self.model_name = model_name
        digest = hashlib.sha256(repr(
            [(c.key, c.aliases, c.kind) for c in concepts]
            + [threshold, weight, top, center, ENRICHMENT_VERSION]
            + ([self.long_threshold, long_words] if self.long_threshold != threshold else [])
        ).encode()).hexdigest()[:12]
        self.name = f"{model_name}+vocab:{digest}"
        self._aliases: np.ndarray | None = None
        self._owner = np.asarray([i for i, c in enumerate(concepts) for _ in c.aliases],
                                 dtype=np.int64)
        # aliases are listed concept by concept: each concept's block starts here
        counts = np.asarray([len(c.aliases) for c in concepts], dtype=np.int64)
        self._has_alias = counts > 0
        self._starts = (np.cumsum(counts) - counts)[self._has_alias]
        self._centroids: np.ndarray | None = None
        self._sense = np.asarray([c.kind == "sense" for c in concepts], dtype=bool)

    @property
    def alias_file(self) -> Path | None:
        """The file holding the alias vectors (keyed by model and alias texts), if any."""
        if self.cache_dir is None:
            return None
        texts = [a for c in self.concepts for a in c.aliases]
        key = hashlib.sha256(repr([self.model_name, texts]).encode()).hexdigest()[:20]
        return self.cache_dir / f"vocabulary-{key}.npy"

    def _alias_vectors(self) -> np.ndarray:
        texts = [a for c in self.concepts for a in c.aliases]
        path = self.alias_file
        if path is not None and path.exists():
            with contextlib.suppress(OSError, ValueError):
                kept = np.load(path, allow_pickle=False)
                if kept.dtype == np.float32 and kept.ndim == 2 and len(kept) == len(texts):
                    return np.asarray(kept)
        aliases = embed_array(self.inner, texts)
        if path is not None:
            with contextlib.suppress(OSError):  # a read-only folder only costs the next start
                path.parent.mkdir(parents=True, exist_ok=True)
                part = path.with_name(f".{path.stem}-{uuid.uuid4().hex[:8]}.npy")
                np.save(part, aliases, allow_pickle=False)
                os.replace(part, path)  # readers never see half a file
        return aliases

    def _prepare(self) -> tuple[np.ndarray, np.ndarray]:
        if self._aliases is None or self._centroids is None:
            aliases = self._alias_vectors()
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

    def prepare(self) -> None:
        """Load (or compute and keep) the vocabulary's vectors now rather than on first use."""
        if self.concepts:
            self._prepare()

    def concept_affinity(self, vectors: np.ndarray) -> np.ndarray:
        """``[statement, concept]``: best cosine between the statement and the concept's aliases."""
        aliases, _ = self._prepare()
        vectors = np.asarray(vectors, dtype=np.float32)
        out = np.full((len(vectors), len(self.concepts)), -1.0, dtype=np.float32)
        if len(self._starts):
            for lo in range(0, len(vectors), 1024):  # bounded memory for many statements
                sims = vectors[lo : lo + 1024] @ aliases.T
                out[lo : lo + 1024, self._has_alias] = np.maximum.reduceat(
                    sims, self._starts, axis=1)
        return out

    def enrich(self, vectors: np.ndarray, words: np.ndarray | None = None) -> np.ndarray:
        """``vectors`` pulled towards their nearest concepts; ``words``: each statement's
        word count (statements of ``long_words`` or more use ``long_threshold``)."""
        if not self.concepts or len(vectors) == 0:
            return vectors
        bar = np.full(len(vectors), self.threshold, dtype=np.float32)
        if words is not None:
            bar[np.asarray(words) >= self.long_words] = self.long_threshold
        _, centroids = self._prepare()
        affinity = self.concept_affinity(vectors)
        keep = np.argsort(-affinity, axis=1)[:, : self.top]
        out = vectors.copy()
        for rank in range(keep.shape[1]):
            k = keep[:, rank]
            a = affinity[np.arange(len(k)), k]
            # another meaning of a skill word only counts when it is the nearest
            # concept: "Notion" stays the tool, "python and reptile care" the snake
            use = (a >= bar) & ~(self._sense[k] & (rank > 0))
            rows = np.flatnonzero(use)
            out[rows] += (self.weight * a[rows])[:, None] * centroids[k[rows]]
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def embed_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        words = np.asarray([len(t.split()) for t in texts])
        return self.enrich(embed_array(self.inner, texts), words)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]
