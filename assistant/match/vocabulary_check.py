"""Two checks from the skills vocabulary that the embedding model cannot make alone.

The model sees shared words and nearby topics, so an offer can lie close to a want
that it does not meet:

* **another meaning** of a skill word: "python and reptile care" for someone who
  wants Python. Vocabulary concepts of kind ``sense`` hold such meanings; an offer
  whose nearest concept is one of them is weakened for wants that do not share it.
* **a different skill named outright**: "Instagram" for someone who wants Snapchat.
  When the want is clearly one skill concept and the offer clearly another, and the
  offer is not close to the wanted one, the link is weakened.

A weakened link keeps ``factor`` of its strength (other weakened links multiply) and
carries a reason a card can show, so the assistant abstains or ranks such offers
lower instead of presenting a snake keeper as a Python teacher.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

Affinity = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class CheckConfig:
    #: an offer whose nearest concept is a sense at least this close means something else
    sense_threshold: float = 0.5
    sense_factor: float = 0.5
    #: a statement at least this close to a skill concept clearly names that skill
    want_clear: float = 0.85
    offer_clear: float = 0.9
    #: ... unless the offer is still this close to the wanted skill
    still_close: float = 0.6
    distinct_factor: float = 0.5


@dataclass
class Profile:
    """What the vocabulary says about some statements."""

    affinity: np.ndarray  #: [statement, concept]
    top: np.ndarray       #: nearest concept
    top_affinity: np.ndarray

    def rows(self, sl: slice) -> Profile:
        return Profile(self.affinity[sl], self.top[sl], self.top_affinity[sl])


class VocabularyCheck:
    """Factors and reasons for want/offer links, from a vocabulary's concept affinities."""

    def __init__(self, affinity: Affinity, labels: list[str], is_sense: list[bool],
                 config: CheckConfig | None = None) -> None:
        self.affinity = affinity
        self.labels = labels
        self.is_sense = np.asarray(is_sense, dtype=bool)
        self.config = config or CheckConfig()
        #: profiles by vector bytes: a candidate's statements are scored on every request
        self._cache: dict[bytes, Profile] = {}

    @classmethod
    def of(
        cls, embeddings: Embeddings, config: CheckConfig | None = None
    ) -> VocabularyCheck | None:
        """The check for ``embeddings``' vocabulary (found through any wrappers), or None."""
        layer: object | None = embeddings
        while layer is not None and not hasattr(layer, "concept_affinity"):
            layer = getattr(layer, "inner", None)
        concepts = getattr(layer, "concepts", None) if layer is not None else None
        cfg = config or CheckConfig()
        if not concepts or (cfg.sense_factor >= 1.0 and cfg.distinct_factor >= 1.0):
            return None
        return cls(layer.concept_affinity, [str(c.label) for c in concepts],
                   [getattr(c, "kind", "skill") == "sense" for c in concepts], cfg)

    def profile(self, vectors: np.ndarray, remember: bool = True) -> Profile:
        """Concept affinities of ``vectors`` and each one's nearest concept.

        ``remember=False`` for one-off matrices (a whole cohort), which would only
        bloat the cache of per-person profiles.
        """
        if not remember:
            return self._profile(vectors)
        key = np.ascontiguousarray(vectors, dtype=np.float32).tobytes()
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if len(self._cache) >= 50_000:
            self._cache.clear()
        self._cache[key] = out = self._profile(vectors)
        return out

    def _profile(self, vectors: np.ndarray) -> Profile:
        n = len(self.labels)
        if len(vectors) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return Profile(np.zeros((0, n), dtype=np.float32), empty, empty.astype(np.float32))
        aff = np.asarray(self.affinity(vectors), dtype=np.float32)
        top = aff.argmax(axis=1)
        return Profile(aff, top, aff[np.arange(len(aff)), top])

    def rules(
        self, wants: Profile, offers: Profile
    ) -> list[tuple[np.ndarray, np.ndarray, float, np.ndarray]]:
        """Each rule that fires: (offer columns, ``[want, column]`` hits, factor, concepts)."""
        cfg = self.config
        out = []
        # another meaning: the offer's nearest concept is a sense the want does not share
        sense = np.flatnonzero(self.is_sense[offers.top]
                               & (offers.top_affinity >= cfg.sense_threshold))
        if len(sense) and len(wants.top):
            k = offers.top[sense]
            out.append((sense, wants.affinity[:, k] < cfg.sense_threshold, cfg.sense_factor, k))
        # a different skill: both clearly name a skill, not the same one, and the offer
        # is not close to the wanted skill either
        clear_w = ~self.is_sense[wants.top] & (wants.top_affinity >= cfg.want_clear)
        clear = np.flatnonzero(~self.is_sense[offers.top]
                               & (offers.top_affinity >= cfg.offer_clear))
        if len(clear) and clear_w.any():
            k = offers.top[clear]
            hit = (clear_w[:, None] & (wants.top[:, None] != k[None, :])
                   & (cfg.still_close > offers.affinity[clear][:, wants.top].T))
            out.append((clear, hit, cfg.distinct_factor, k))
        return out

    def apply(self, strength: np.ndarray, wants: Profile, offers: Profile) -> None:
        """Multiply ``strength[want, offer]`` by the factors, in place."""
        for cols, hit, factor, _ in self.rules(wants, offers):
            strength[:, cols] *= np.where(hit, factor, 1.0).astype(strength.dtype)

    def factors(self, wants: Profile, offers: Profile) -> tuple[np.ndarray, np.ndarray]:
        """``[want, offer]`` factors, and the concept behind each weakening (-1 if none)."""
        shape = (len(wants.top), len(offers.top))
        out = np.ones(shape, dtype=np.float32)
        why = np.full(shape, -1, dtype=np.int64)
        for cols, hit, factor, k in self.rules(wants, offers):
            out[:, cols] *= np.where(hit, factor, 1.0)
            why[:, cols] = np.where(hit & (why[:, cols] < 0), k[None, :], why[:, cols])
        return out, why

    def between(
        self, want_vecs: np.ndarray, offer_vecs: np.ndarray
    ) -> tuple[np.ndarray, list[list[str]]]:
        """Factors for these statements and, for each weakened link, why (else "")."""
        factors, why = self.factors(self.profile(want_vecs), self.profile(offer_vecs))
        reasons = [[self.reason(int(k)) for k in row] for row in why]
        return factors, reasons

    def same_skill(self, pair: np.ndarray) -> bool:
        """Whether the vocabulary reads a want and an offer (the two rows of ``pair``) as
        one skill: the want clearly names a skill concept (``want_clear``) and the offer
        is nearest to that concept too ("Excel" and "Spreadsheets" to Microsoft Excel;
        "Japanese" and "Mandarin" each to a language of its own; "Italian", which is no
        concept, is only near French, so a French speaker stays another language)."""
        prof = self.profile(np.asarray(pair, dtype=np.float32), remember=False)
        k = int(prof.top[0])
        return bool(prof.top[1] == k and not self.is_sense[k]
                    and prof.top_affinity[0] >= self.config.want_clear)

    def reason(self, k: int) -> str:
        """Why concept ``k`` weakened a link (the card's wording); "" for -1 (no reason)."""
        if k < 0:
            return ""
        if self.is_sense[k]:
            return f"reads as {self.labels[k]}"
        return f"is about {self.labels[k]}, a different skill"
