"""What the programme stage needs from the service that owns it.

:class:`~assistant.service.PairingService` satisfies :class:`PairingBackend`; the
programme depends on this protocol, not on the service module, so the service can own a
programme without the two importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.match import (
    Candidate,
    CohortResult,
    Matcher,
    PreferenceWeights,
    ScoringConfig,
    SolverOptions,
)
from assistant.models import Participant


class PairingBackend(Protocol):
    data_dir: Path
    persistent: bool
    matcher: Matcher
    config: ScoringConfig
    weights: PreferenceWeights

    def participants(self) -> list[Participant]: ...

    def get(self, participant_id: str) -> Participant: ...

    def resolve(self, ref: str) -> Participant: ...

    def explain(self, a_id: str, b_id: str) -> Candidate: ...

    def pair_cohort(
        self, locks: Iterable[tuple[str, str]] = (), exclusions: Iterable[tuple[str, str]] = (),
        min_score: float | None = None, options: SolverOptions | None = None,
    ) -> CohortResult: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...
