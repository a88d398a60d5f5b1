"""The signed-in participant's profile as evidence for the direction of a skill phrase.

A participant who has said what they teach and what they want to learn usually names
those same skills in the chat: "WeChat and Mandarin in return for help with client
emails" from someone whose profile offers Mandarin and wants client emails. The
direction classifier reads the wording only; where the wording is unusual it can read
such a message backwards. The profile's evidence is added to the classifier's log-odds:
``weight x (closest offer - closest want)`` (cosines of the phrase with the profile's
statements), when the phrase is clearly one of them (the closer cosine at least
``clear``), at most ``limit`` either way. A confident reading of the wording ("I'd love
to go deeper on public speaking" from someone who teaches public speaking) stays what
it was: the limit lets the profile turn readings the classifier gave less than about
98% to, not the ones it was sure of.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from assistant.converse.understand.direction import Encoder

#: log-odds added per unit of (closest offer - closest want) cosine
PROFILE_WEIGHT = 8.0
#: the phrase must be at least this close to one of the profile's statements
PROFILE_CLEAR = 0.6
#: the most the profile moves a reading's log-odds (4: a 98% reading stays)
PROFILE_LIMIT = 4.0


def model_encoder(texts: list[str]) -> np.ndarray:
    """The understanding's encoder: the shared sentence-transformers model, unit vectors."""
    from assistant.embed.sentence import encode

    return np.asarray(encode(texts), dtype=np.float32)


class Speaker:
    """What the signed-in participant offers and wants, as unit vectors of the parser's own
    encoder (so that cosines with the message's phrases compare like with like). The
    statements are encoded the first time a reading needs them (most messages never do:
    their readings are sure, or they name no skill), then kept."""

    def __init__(self, offers: Sequence[str], wants: Sequence[str],
                 encoder: Encoder | None = None,
                 vectors: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.offer_texts = list(offers)
        self.want_texts = list(wants)
        self._encoder = encoder or model_encoder
        self._vectors = vectors

    @classmethod
    def of(cls, offers: Sequence[str], wants: Sequence[str],
           encoder: Encoder | None = None) -> Speaker:
        return cls(offers, wants, encoder)

    @classmethod
    def from_vectors(cls, offers: np.ndarray, wants: np.ndarray) -> Speaker:
        return cls([], [], vectors=(offers, wants))

    @property
    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(offers, wants) vectors, encoded on first use."""
        if self._vectors is None:
            texts = [*self.offer_texts, *self.want_texts]
            encoded = (np.asarray(self._encoder(texts), dtype=np.float32) if texts
                       else np.zeros((0, 0), dtype=np.float32))
            n = len(self.offer_texts)
            self._vectors = (encoded[:n], encoded[n:])
        return self._vectors

    def could_turn(self, p_offer: float, unsure_margin: float,
                   limit: float = PROFILE_LIMIT) -> bool:
        """Whether a lean of at most ``limit`` could change the side of a reading of
        ``p_offer`` or bring it within the close-call band (``|2p - 1| < margin``)."""
        p = min(max(p_offer, 1e-6), 1 - 1e-6)
        band = math.log((1 + unsure_margin) / (1 - unsure_margin))
        return abs(math.log(p / (1 - p))) < limit + band

    def lean(self, phrases: np.ndarray, weight: float = PROFILE_WEIGHT,
             clear: float = PROFILE_CLEAR, limit: float = PROFILE_LIMIT) -> np.ndarray:
        """Log-odds towards "offered" for each phrase vector (0 where the profile says
        nothing clear)."""
        if len(phrases) == 0:
            return np.zeros(0, dtype=np.float32)
        offers, wants = self.vectors
        to_offers = _closest(phrases, offers)
        to_wants = _closest(phrases, wants)
        clear_enough = np.maximum(to_offers, to_wants) >= clear
        lean = np.clip(weight * (to_offers - to_wants), -limit, limit)
        return np.where(clear_enough, lean, 0.0).astype(np.float32)


def _closest(phrases: np.ndarray, statements: np.ndarray) -> np.ndarray:
    if statements.size == 0:
        return np.zeros(len(phrases), dtype=np.float32)
    return np.asarray(phrases @ statements.T, dtype=np.float32).max(axis=1)


def with_lean(p_offer: Sequence[float], lean: np.ndarray) -> list[float]:
    """``p_offer`` with ``lean`` added to each probability's log-odds."""
    p = np.clip(np.asarray(p_offer, dtype=np.float64), 1e-6, 1 - 1e-6)
    z = np.log(p / (1 - p)) + np.asarray(lean, dtype=np.float64)
    return [float(v) for v in 1 / (1 + np.exp(-z))]
