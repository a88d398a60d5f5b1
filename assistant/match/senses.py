"""Other meanings of ambiguous skill words: "python" the snake, "threads" on a bolt.

A skills vocabulary (``assistant/embed/skills.toml``) may hold concepts of kind
``sense``: everyday meanings of words that also name a skill. An offer that is
clearly about such a meaning ("python and reptile care") still lies close to the
skill in embedding space, because the model sees the shared word. This check
weakens that link unless the want is about the same meaning, so the assistant
abstains instead of offering a snake keeper to someone who wants to learn to code,
and a card can say why the link was discounted.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

Affinity = Callable[[np.ndarray], np.ndarray]


class SenseCheck:
    """Scales want/offer links whose offer uses another meaning of a skill word.

    ``affinity`` maps statement vectors to ``[statement, concept]`` affinities,
    ``senses`` gives the column and label of each concept of kind ``sense``. An offer
    whose affinity to a sense reaches ``threshold`` keeps ``factor`` of its strength
    for every want whose own affinity to that sense stays below ``threshold``.
    """

    def __init__(
        self, affinity: Affinity, senses: list[tuple[int, str]],
        threshold: float = 0.5, factor: float = 0.5,
    ) -> None:
        self.affinity = affinity
        self.columns = np.asarray([col for col, _ in senses], dtype=np.int64)
        self.labels = [label for _, label in senses]
        self.threshold = threshold
        self.factor = factor

    @classmethod
    def of(cls, embeddings: Embeddings, threshold: float = 0.5,
           factor: float = 0.5) -> SenseCheck | None:
        """The check for ``embeddings``' vocabulary (through any wrappers), if it has senses."""
        layer: object | None = embeddings
        while layer is not None and not hasattr(layer, "concept_affinity"):
            layer = getattr(layer, "inner", None)
        if layer is None or factor >= 1.0:
            return None
        concepts = getattr(layer, "concepts", [])
        senses = [(i, str(c.label)) for i, c in enumerate(concepts)
                  if getattr(c, "kind", "skill") == "sense"]
        if not senses:
            return None
        return cls(layer.concept_affinity, senses, threshold, factor)

    def profile(self, vectors: np.ndarray) -> np.ndarray:
        """``[statement, sense]`` affinities."""
        if len(vectors) == 0:
            return np.zeros((0, len(self.columns)), dtype=np.float32)
        return np.asarray(self.affinity(vectors), dtype=np.float32)[:, self.columns]

    def offer_senses(self, offer_vecs: np.ndarray) -> np.ndarray:
        """For each offer: the index of the other meaning it is about, or -1.

        An offer is about another meaning when that sense is its nearest concept of all
        and close enough; naming the skill itself ("Notion") keeps a skill concept first.
        """
        if len(offer_vecs) == 0:
            return np.zeros(0, dtype=np.int64)
        affinity = np.asarray(self.affinity(offer_vecs), dtype=np.float32)
        top = affinity.argmax(axis=1)
        position = {int(col): i for i, col in enumerate(self.columns)}
        out = np.full(len(offer_vecs), -1, dtype=np.int64)
        for row, col in enumerate(top):
            if int(col) in position and affinity[row, col] >= self.threshold:
                out[row] = position[int(col)]
        return out

    def factors(self, want_profile: np.ndarray, offer_sense: np.ndarray) -> np.ndarray:
        """``[want, offer]``: 1, or ``factor`` where the offer means something the want does not."""
        out = np.ones((len(want_profile), len(offer_sense)), dtype=np.float32)
        flagged = np.flatnonzero(offer_sense >= 0)
        if len(flagged) and len(want_profile):
            shares = want_profile[:, offer_sense[flagged]] >= self.threshold
            out[:, flagged] = np.where(shares, 1.0, self.factor)
        return out

    def between(
        self, want_vecs: np.ndarray, offer_vecs: np.ndarray
    ) -> tuple[np.ndarray, list[str]]:
        """Factors for these statements, and each offer's other meaning ("" if none)."""
        senses = self.offer_senses(offer_vecs)
        labels = [self.labels[s] if s >= 0 else "" for s in senses]
        return self.factors(self.profile(want_vecs), senses), labels
