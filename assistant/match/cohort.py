"""Cohort pairing: a maximum-weight (b-)matching of a whole cohort under hard constraints.

Everyone both teaches and learns, so the graph is not bipartite. The matching is
solved exactly as a 0/1 integer program with HiGHS (through SciPy), on a
restricted edge set grown by column generation:

1. start from each person's best edges and the coordinator's locks;
2. solve the LP relaxation; add every edge of the full graph whose reduced cost
   ``w_e - y_u - y_v`` is positive; repeat until none is (the LP is then optimal
   for the full graph, giving an upper bound ``z_LP``);
3. solve the integer program on the restricted set (value ``z_IP``); every edge
   that could appear in a better solution has reduced cost above
   ``-(z_LP - z_IP)`` (reduced-cost fixing), so add those edges and solve again.

The result is optimal for the full graph; ``tests/test_cohort.py`` checks it
against brute force on small cohorts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from assistant.errors import ConstraintConflict
from assistant.match.constraints import ReportingLines, capacity_note
from assistant.match.preferences import PreferenceWeights, _offset_hours
from assistant.match.scoring import ScoringConfig, teach_matrix
from assistant.match.vocabulary_check import VocabularyCheck
from assistant.models import STAGE_RANK, Participant


@dataclass
class CohortScores:
    """Pair scores of a cohort: ``teach[i, j]`` (i teaches j), fused and final scores."""

    people: list[Participant]
    teach: np.ndarray
    reciprocal: np.ndarray
    score: np.ndarray

    def index(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.people)}


@dataclass
class Pair:
    a: Participant
    b: Participant
    score: float
    reciprocal: float
    locked: bool = False


@dataclass
class CohortResult:
    pairs: list[Pair]
    unmatched: dict[str, str]
    total_score: float
    optimal: bool
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def matched_ids(self) -> set[str]:
        return {p.a.id for p in self.pairs} | {p.b.id for p in self.pairs}


def soft_matrix(people: list[Participant], weights: PreferenceWeights) -> np.ndarray:
    """Vectorised :func:`assistant.match.preferences.soft_adjustment` bonus for every pair."""
    n = len(people)
    dept = np.array([p.department.casefold() for p in people], dtype=object)
    has_dept = dept != ""
    other = (dept[:, None] != dept[None, :]) & has_dept[:, None] & has_dept[None, :]
    bonus = np.where(other, weights.other_department, 0.0)
    stage = np.array([STAGE_RANK.get(p.career_stage or "", -9) for p in people])
    known = stage >= 0
    gap = np.abs(stage[:, None] - stage[None, :])
    both = known[:, None] & known[None, :]
    bonus += np.where(both & (gap >= 2), weights.stage_gap_two, 0.0)
    bonus += np.where(both & (gap == 1), weights.stage_gap_one, 0.0)
    offs = np.array(
        [(_offset_hours(p.timezone) if p.timezone else None) for p in people], dtype=object
    )
    has_tz = np.array([o is not None for o in offs])
    off = np.array([o if o is not None else 0.0 for o in offs], dtype=np.float64)
    a, b = off[:, None], off[None, :]
    length = weights.work_end - weights.work_start
    overlap = np.zeros((n, n))
    for shift in (-24, 0, 24):
        diff = np.abs(a - (b - shift))
        overlap = np.maximum(overlap, length - diff)
    tz_both = has_tz[:, None] & has_tz[None, :]
    bonus += np.where(tz_both & (overlap >= 4), weights.good_overlap, 0.0)
    bonus += np.where(tz_both & (overlap <= 0), weights.no_overlap, 0.0)
    return bonus.astype(np.float32)


def cohort_scores(
    people: list[Participant], offer_vecs: dict[str, np.ndarray], want_vecs: dict[str, np.ndarray],
    config: ScoringConfig, weights: PreferenceWeights, check: VocabularyCheck | None = None,
) -> CohortScores:
    """All pair scores at once (vectorised; memory bounded by chunking)."""
    idx = {p.id: i for i, p in enumerate(people)}
    def stack(vecs: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        owners = [idx[p.id] for p in people for _ in range(len(vecs[p.id]))]
        return np.vstack([vecs[p.id] for p in people]), np.asarray(owners)
    wv, wo = stack(want_vecs)
    ov, oo = stack(offer_vecs)
    teach = teach_matrix(wv, wo, ov, oo, len(people), config, check=check)
    reciprocal = config.fuse(teach, teach.T).astype(np.float32)
    score = reciprocal + soft_matrix(people, weights)
    return CohortScores(people, teach, reciprocal, score)


def pair_cohort(
    scores: CohortScores, config: ScoringConfig, locks: Iterable[tuple[str, str]] = (),
    exclusions: Iterable[tuple[str, str]] = (), min_score: float | None = None,
) -> CohortResult:
    """Pair the cohort to maximise the total score; see the module docstring for the method."""
    people = scores.people
    len(people)
    index = scores.index()
    lines = ReportingLines(people, config.reporting_levels)
    floor = config.pair_floor if min_score is None else min_score
    slots = np.array([p.open_slots for p in people], dtype=np.int64)

    eligible = np.triu(scores.reciprocal >= floor, k=1)
    for i, p in enumerate(people):
        for anc in lines.ancestors(p.id):
            j = index.get(anc)
            if j is not None:
                eligible[min(i, j), max(i, j)] = False
    for a, b in exclusions:
        i, j = _pair_index(index, a, b)
        eligible[i, j] = False
    eligible &= (slots[:, None] > 0) & (slots[None, :] > 0)

    fixed: list[tuple[int, int]] = []
    excluded = {_pair_index(index, a, b) for a, b in exclusions}
    for a, b in locks:
        i, j = _pair_index(index, a, b)
        if lines.conflict(people[i].id, people[j].id):
            raise ConstraintConflict(f"cannot lock {a} with {b}: same reporting line")
        if (i, j) in excluded:
            raise ConstraintConflict(f"{a} and {b} are both locked and excluded")
        if (i, j) in fixed:  # the same lock given twice (or as b, a) pairs them once
            continue
        fixed.append((i, j))
        slots[i] -= 1
        slots[j] -= 1
        eligible[i, j] = False
    if (slots < 0).any():
        who = ", ".join(people[i].id for i in np.flatnonzero(slots < 0))
        raise ConstraintConflict(f"locks exceed the capacity of: {who}")
    eligible &= (slots[:, None] > 0) & (slots[None, :] > 0)

    weight = np.where(eligible, scores.score, 0.0).astype(np.float64)
    chosen, optimal, stats = _solve(weight, eligible, slots)
    pairs = [
        Pair(people[i], people[j], float(scores.score[i, j]), float(scores.reciprocal[i, j]), True)
        for i, j in fixed
    ] + [
        Pair(people[i], people[j], float(scores.score[i, j]), float(scores.reciprocal[i, j]))
        for i, j in chosen
    ]
    pairs.sort(key=lambda p: -p.score)
    unmatched = _unmatched_reasons(scores, pairs, lines, eligible | eligible.T, floor)
    total = float(sum(p.score for p in pairs))
    return CohortResult(pairs, unmatched, total, optimal, stats)


def _pair_index(index: dict[str, int], a: str, b: str) -> tuple[int, int]:
    missing = [x for x in (a, b) if x not in index]
    if missing:
        raise ConstraintConflict(f"unknown participant(s): {', '.join(missing)}")
    if a == b:
        raise ConstraintConflict(f"cannot pair {a} with themselves")
    i, j = index[a], index[b]
    return (min(i, j), max(i, j))


def _solve(
    weight: np.ndarray, eligible: np.ndarray, slots: np.ndarray, start_k: int = 8,
) -> tuple[list[tuple[int, int]], bool, dict[str, float]]:
    n = len(slots)
    ii, _jj = np.nonzero(eligible)
    stats: dict[str, float] = {"eligible_edges": float(len(ii)), "lp_rounds": 0.0}
    if len(ii) == 0:
        return [], True, stats
    full = np.where(eligible | eligible.T, weight + weight.T, -np.inf)
    active = np.zeros_like(eligible)
    top = np.argsort(-full, axis=1)[:, :start_k]
    for i in range(n):
        for j in top[i]:
            if np.isfinite(full[i, j]):
                active[min(i, j), max(i, j)] = True

    def edges() -> tuple[np.ndarray, np.ndarray]:
        rows, cols = np.nonzero(active)
        return rows, cols

    def incidence(ei: np.ndarray, ej: np.ndarray) -> sparse.csr_matrix:
        m = len(ei)
        rows = np.r_[ei, ej]
        cols = np.r_[np.arange(m), np.arange(m)]
        return sparse.csr_matrix((np.ones(2 * m), (rows, cols)), shape=(n, m))

    # column generation on the LP relaxation
    while True:
        stats["lp_rounds"] += 1
        ei, ej = edges()
        lp = linprog(
            -weight[ei, ej], A_ub=incidence(ei, ej), b_ub=slots.astype(float),
            bounds=(0, 1), method="highs",
        )
        y = -np.asarray(lp.ineqlin.marginals)
        reduced = np.where(eligible & ~active, weight - y[:, None] - y[None, :], -np.inf)
        violated = reduced > 1e-9
        if not violated.any():
            break
        count = int(violated.sum())
        if count > 20000:
            cutoff = np.partition(reduced[violated], count - 20000)[count - 20000]
            violated &= reduced >= cutoff
        active |= violated
    z_lp = -float(lp.fun)

    def solve_ip() -> tuple[list[tuple[int, int]], float]:
        ei, ej = edges()
        res = milp(
            -weight[ei, ej], integrality=np.ones(len(ei)), bounds=Bounds(0, 1),
            constraints=LinearConstraint(incidence(ei, ej), -np.inf, slots.astype(float)),
            options={"mip_rel_gap": 0.0},
        )
        x = np.round(res.x).astype(bool)
        return list(zip(ei[x].tolist(), ej[x].tolist(), strict=True)), -float(res.fun)

    chosen, z_ip = solve_ip()
    gap = z_lp - z_ip
    reduced = np.where(eligible & ~active, weight - y[:, None] - y[None, :], -np.inf)
    extra = reduced >= -gap - 1e-9
    if extra.any():
        active |= extra
        stats["fixing_added"] = float(extra.sum())
        chosen, z_ip = solve_ip()
    stats.update(lp_bound=z_lp, ip_value=z_ip, active_edges=float(active.sum()))
    return chosen, True, stats


def _unmatched_reasons(
    scores: CohortScores, pairs: list[Pair], lines: ReportingLines, eligible: np.ndarray,
    floor: float,
) -> dict[str, str]:
    people = scores.people
    index = scores.index()
    matched = {p.a.id for p in pairs} | {p.b.id for p in pairs}
    partner_of: dict[str, list[str]] = {}
    for p in pairs:
        partner_of.setdefault(p.a.id, []).append(p.b.name)
        partner_of.setdefault(p.b.id, []).append(p.a.name)
    out: dict[str, str] = {}
    for i, person in enumerate(people):
        if person.id in matched:
            continue
        note = capacity_note(person)
        if note:
            out[person.id] = note
            continue
        if len(people) == 1:  # otherwise the "best partner" below would be themselves
            out[person.id] = "nobody else is in the cohort"
            continue
        row = scores.reciprocal[i].copy()
        row[i] = -1
        best = int(np.argmax(row))
        if not eligible[i].any():
            if row[best] < floor:
                out[person.id] = (
                    f"no acceptable partner: best reciprocal score {row[best]:.3f} "
                    f"(with {people[best].name}) is below the {floor:.2f} threshold"
                )
            elif lines.conflict(person.id, people[best].id):
                out[person.id] = (
                    f"the only good fits are on their reporting line (e.g. {people[best].name})"
                )
            else:
                out[person.id] = "every acceptable partner is full, excluded or locked elsewhere"
            continue
        options = np.flatnonzero(eligible[i])
        ranked = sorted(options, key=lambda j: -row[j])[:3]
        names = ", ".join(
            f"{people[j].name} (paired with {', '.join(partner_of.get(people[j].id, ['?']))})"
            for j in ranked
        )
        out[person.id] = (
            f"their acceptable partners gave the cohort a higher total elsewhere: {names}"
        )
    del index
    return out
