"""The score's component weights, and the ones the programme record has applied.

Kept apart from :mod:`assistant.programme.learning` (which fits and gates them with
``pairing eval``) so the service can read the applied weights without importing the
evaluation stage.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from assistant.match import PreferenceWeights, ScoringConfig

if TYPE_CHECKING:
    from assistant.programme.record import Record

_SCALED = ("other_department", "stage_gap_one", "stage_gap_two", "good_overlap", "no_overlap")


@dataclass(frozen=True)
class ComponentWeights:
    teach: float
    learn: float
    preferences: float

    @classmethod
    def of(cls, config: ScoringConfig, weights: PreferenceWeights) -> ComponentWeights:
        base = PreferenceWeights().other_department
        return cls(1 - config.reverse_weight, config.reverse_weight,
                   weights.other_department / base if base else 1.0)

    def apply(
        self, config: ScoringConfig, weights: PreferenceWeights,
    ) -> tuple[ScoringConfig, PreferenceWeights]:
        """``config`` and ``weights`` scoring with these component weights."""
        share = self.learn / max(self.teach + self.learn, 1e-9)
        default = PreferenceWeights()
        scaled = {name: getattr(default, name) * self.preferences for name in _SCALED}
        return replace(config, reverse_weight=share), replace(weights, **scaled)

    def as_tuple(self) -> tuple[float, float, float]:
        return self.teach, self.learn, self.preferences

    def score(self, x: np.ndarray) -> np.ndarray:
        """The request score of rows (teach, learn, preferences) under these weights."""
        share = self.learn / max(self.teach + self.learn, 1e-9)
        return x[:, 0] * ((1 - share) + share * x[:, 1]) + self.preferences * x[:, 2]


def applied_scoring(
    record: Record, config: ScoringConfig, weights: PreferenceWeights,
) -> tuple[ScoringConfig, PreferenceWeights]:
    """``config`` and ``weights`` with the record's applied learned weights, if any."""
    applied = record.learned(applied_only=True)
    if not applied:
        return config, weights
    last = applied[-1]
    return ComponentWeights(last["teach"], last["learn"], last["preferences"]).apply(
        config, weights)
