"""Learning the weights of the score's components from fit ratings, measured and gated.

The score of a candidate for a request is ``teach x (1 - r + r x learn) + bonus``
(``ScoringConfig.reverse_weight`` r, soft preferences at ``PreferenceWeights``).
Its component weights are ``teach = 1 - r``, ``learn = r`` and ``preferences``, the
scale of the preference bonuses relative to the defaults (1.0).

Every rating is one row: the rater's view of the pair when it was made (teach = the
partner teaches me, learn = I teach the partner, the preference bonus) and the fit
they gave. A ridge regression with non-negative coefficients on standardised
components (scikit-learn) says how much each predicts fit; its raw-unit
coefficients, normalised so teach + learn = 1, are the learned weights (a
component that never varied among the ratings keeps its weight), shrunk
towards the current ones by ``prior / (ratings + prior)`` so a few ratings move
them a little. The measure is the rank correlation (Spearman) between fit and the
score, before (current weights) and after (learned weights, cross-validated).

New weights are applied only when ``pairing eval`` on the shipped suites does not
get worse with them than with the current weights (no metric of ours drops, no
violation count rises); then the record keeps them and every later
:class:`~assistant.service.PairingService` on the folder scores with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.match import PreferenceWeights, ScoringConfig
from assistant.programme.models import PairRecord
from assistant.programme.weights import ComponentWeights

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.programme.api import Programme

#: fewest ratings before weights are fitted at all
MIN_RATINGS = 20
#: preference bonuses are small corrections; learned scales are capped at this
MAX_PREFERENCE_SCALE = 3.0


@dataclass
class LearnOutcome:
    ratings: int
    before: ComponentWeights
    after: ComponentWeights | None
    #: Spearman correlation of fit with the score: current weights / learned (cross-validated)
    spearman_before: float | None = None
    spearman_after: float | None = None
    #: regressions ``pairing eval`` found with the learned weights (empty: none)
    problems: list[str] = field(default_factory=list)
    evaluated: list[str] = field(default_factory=list)
    applied: bool = False
    #: why nothing was fitted or applied ("" when applied)
    reason: str = ""


def rating_rows(pairs: Sequence[PairRecord]) -> tuple[np.ndarray, np.ndarray]:
    """(components, fit): one row per rater and pair, their latest rating."""
    rows: list[tuple[float, float, float]] = []
    fits: list[float] = []
    for pair in pairs:
        for rater, item in pair.latest_fit().items():
            rows.append(pair.components.seen_by(rater == pair.a))
            fits.append(float(item.fit))
    return np.asarray(rows, dtype=np.float64).reshape(-1, 3), np.asarray(fits)


def fit_weights(
    x: np.ndarray, y: np.ndarray, current: ComponentWeights, alpha: float = 1.0,
    prior: float = 20.0,
) -> ComponentWeights | None:
    """Learned weights, or None when the ratings say nothing about teach and learn."""
    from sklearn.linear_model import Ridge

    spread = x.std(axis=0)
    usable = spread > 1e-9
    if not usable[:2].any() or np.ptp(y) == 0:
        return None
    scaled = np.zeros_like(x)
    scaled[:, usable] = (x[:, usable] - x[:, usable].mean(axis=0)) / spread[usable]
    model = Ridge(alpha=alpha, positive=True).fit(scaled, y)
    raw = np.where(usable, model.coef_ / np.where(usable, spread, 1.0), 0.0)
    total = raw[0] + raw[1]
    if total <= 1e-9:
        return None
    learned = np.array([raw[0] / total, raw[1] / total,
                        min(raw[2] / total, MAX_PREFERENCE_SCALE)])
    # a component that never varied says nothing about fit: it keeps its current weight
    if not usable[:2].all():
        learned[:2] = current.teach, current.learn
    if not usable[2]:
        learned[2] = current.preferences
    keep = len(y) / (len(y) + prior)
    mixed = keep * learned + (1 - keep) * np.asarray(current.as_tuple())
    return ComponentWeights(*(float(v) for v in mixed))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(spearmanr(a, b).statistic)


def cross_validated(
    x: np.ndarray, y: np.ndarray, current: ComponentWeights, alpha: float, prior: float,
    folds: int = 5,
) -> float:
    """Spearman of fit with the learned score on held-out folds (weights fitted on the rest)."""
    from sklearn.model_selection import KFold

    predicted = np.zeros_like(y)
    for train, test in KFold(min(folds, len(y)), shuffle=True, random_state=0).split(x):
        learned = fit_weights(x[train], y[train], current, alpha, prior) or current
        predicted[test] = learned.score(x[test])
    return spearman(predicted, y)


def learn(
    programme: Programme, suites: Sequence[Path], apply: bool = True,
    min_ratings: int = MIN_RATINGS, alpha: float = 1.0, prior: float = 20.0,
    embeddings: Embeddings | None = None,
) -> LearnOutcome:
    """Fit the weights to the record's ratings; apply them if ``suites`` do not get worse."""
    service = programme.service
    before = ComponentWeights.of(service.config, service.weights)
    x, y = rating_rows(programme.pairs())
    outcome = LearnOutcome(len(y), before, None)
    if len(y) < min_ratings:
        outcome.reason = f"{len(y)} rating(s); at least {min_ratings} are needed"
        return outcome
    outcome.after = fit_weights(x, y, before, alpha, prior)
    outcome.spearman_before = spearman(before.score(x), y)
    if outcome.after is None:
        outcome.reason = "the ratings do not vary with how well the pairs teach each other"
        return outcome
    outcome.spearman_after = cross_validated(x, y, before, alpha, prior)
    evidence: dict[str, Any] = {"spearman_before": outcome.spearman_before,
                                "spearman_after": outcome.spearman_after,
                                "before": before.as_tuple()}
    if apply:
        outcome.problems, outcome.evaluated = gate(service.config, service.weights,
                                                   outcome.after, suites, embeddings)
        outcome.applied = not outcome.problems and bool(outcome.evaluated)
        if not outcome.evaluated:
            outcome.reason = "no evaluation suite was found to check the weights on"
        elif outcome.problems:
            outcome.reason = "the evaluation suites got worse with the learned weights"
        evidence.update(problems=outcome.problems, suites=outcome.evaluated)
    else:
        outcome.reason = "not applied (asked only to fit)"
    with programme.record.write() as w:
        w.save_weights(programme.clock(), len(y), outcome.after.as_tuple(), outcome.applied,
                       evidence)
    return outcome


def gate(
    config: ScoringConfig, weights: PreferenceWeights, learned: ComponentWeights,
    suites: Sequence[Path], embeddings: Embeddings | None = None,
) -> tuple[list[str], list[str]]:
    """(regressions, suite names): ``pairing eval`` with the learned weights against the
    current ones, on the same suites and the same model, tolerance 0."""
    from assistant.evaluation.runner import (
        compare_to_baseline,
        run_suite,
        shared_embeddings,
        suite_paths,
    )

    paths = suite_paths(suites)
    if not paths:
        return [], []
    model = embeddings or shared_embeddings()
    new_config, new_weights = learned.apply(config, weights)
    current = [run_suite(p, model, "all", config, weights) for p in paths]
    candidate = [run_suite(p, model, "all", new_config, new_weights) for p in paths]
    reference = {r.name: {"methods": r.methods, "cohort": r.cohort, "counts": r.counts,
                          "notes": {"split": r.split}} for r in current}
    problems, _ = compare_to_baseline(candidate, reference, 0.0)
    return problems, [r.name for r in current]
