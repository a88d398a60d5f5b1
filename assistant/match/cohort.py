"""Cohort pairing: a maximum-weight (b-)matching of a whole cohort under hard constraints.

Everyone both teaches and learns, so the graph is not bipartite. The pairing is solved
as a 0/1 program with HiGHS (:mod:`assistant.match.solver`) on a *candidate graph*:
each person's ``k`` best acceptable partners, whose scores are streamed a block of people
at a time (:mod:`assistant.match.pairs`), never as an n x n matrix. Every person left out
of another's list scores at most that person's k-th best, which lets the solver prove its
LP bound for the whole cohort and either prove the pairing optimal or state the gap.

:class:`CohortScores` keeps the dense matrices for small cohorts (evaluation baselines,
tests): :func:`pair_cohort` pairs those with the same solver, and ``tests/test_cohort.py``
checks it against brute force.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from assistant.allocator import release_freed
from assistant.errors import ConstraintConflict
from assistant.match.batch import Side
from assistant.match.constraints import ReportingLines, capacity_note
from assistant.match.pairs import PairScorer, Rules, merge_edges, stream
from assistant.match.preferences import PeopleTable, PreferenceWeights
from assistant.match.scoring import ScoringConfig, teach_matrix
from assistant.match.solver import Solution, SolverOptions, solve
from assistant.match.vocabulary_check import VocabularyCheck
from assistant.models import Participant

#: partners kept per person in the candidate graph of a large cohort, chosen by
#: measurement (README, "Benchmark"); up to EXACT_UP_TO people, everyone's every
#: acceptable partner is kept, so the pairing is proven optimal as before
DEFAULT_K = 24
EXACT_UP_TO = 1000


@dataclass
class CohortScores:
    """Dense pair scores of a (small) cohort: ``teach[i, j]`` (i teaches j), fused and
    final scores. Large cohorts are paired from streamed scores instead."""

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
    #: proven optimal for the whole cohort (HiGHS's status read, the LP bound reached)
    optimal: bool
    stats: dict[str, float] = field(default_factory=dict)
    #: proven upper bound on the total of any pairing, and the relative gap to it
    bound: float = 0.0
    gap: float = 0.0
    #: "optimal", or why not: "time limit", "gap tolerance", "not proven for all pairs"
    status: str = "optimal"

    @property
    def matched_ids(self) -> set[str]:
        return {p.a.id for p in self.pairs} | {p.b.id for p in self.pairs}

    @property
    def optimality(self) -> str:
        """How good the total is, as proven: "optimal", or the gap to the best possible."""
        if self.optimal:
            return "optimal"
        why = {"time limit": "the solver stopped at its time limit",
               "gap tolerance": "the solver stopped within its gap tolerance",
               "not proven for all pairs": "proven only against each person's best partners",
               "rounded": "the LP relaxation rounded: the exact integer search is skipped "
                          "for a cohort this size",
               }.get(self.status, self.status)
        return (f"not proven optimal: within {self.gap:.2%} of the best possible total "
                f"{self.bound:.2f}; {why}")


def soft_matrix(people: list[Participant], weights: PreferenceWeights) -> np.ndarray:
    """Vectorised :func:`assistant.match.preferences.soft_adjustment` bonus for every pair."""
    everyone = np.arange(len(people))
    return PeopleTable(people).bonus(everyone, everyone, weights).astype(np.float32)


def cohort_scores(
    people: list[Participant], offer_vecs: dict[str, np.ndarray], want_vecs: dict[str, np.ndarray],
    config: ScoringConfig, weights: PreferenceWeights, check: VocabularyCheck | None = None,
) -> CohortScores:
    """All pair scores at once as dense matrices (small cohorts; memory bounded by chunking)."""
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


@dataclass
class _Plan:
    """Locks checked against the rules, and the open slots they leave."""

    fixed: list[tuple[int, int]]
    slots: np.ndarray
    blocked: set[tuple[int, int]]
    lines: ReportingLines
    floor: float


def _plan(people: list[Participant], config: ScoringConfig, locks: Iterable[tuple[str, str]],
          exclusions: Iterable[tuple[str, str]], min_score: float | None) -> _Plan:
    index = {p.id: i for i, p in enumerate(people)}
    lines = ReportingLines(people, config.reporting_levels)
    slots = np.array([p.open_slots for p in people], dtype=np.int64)
    excluded = {_pair_index(index, a, b) for a, b in exclusions}
    fixed: list[tuple[int, int]] = []
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
    if (slots < 0).any():
        who = ", ".join(people[i].id for i in np.flatnonzero(slots < 0))
        raise ConstraintConflict(f"locks exceed the capacity of: {who}")
    floor = config.pair_floor if min_score is None else min_score
    return _Plan(fixed, slots, excluded | set(fixed), lines, floor)


def _pair_index(index: dict[str, int], a: str, b: str) -> tuple[int, int]:
    missing = [x for x in (a, b) if x not in index]
    if missing:
        raise ConstraintConflict(f"unknown participant(s): {', '.join(missing)}")
    if a == b:
        raise ConstraintConflict(f"cannot pair {a} with themselves")
    i, j = index[a], index[b]
    return (min(i, j), max(i, j))


def pair_cohort(
    scores: CohortScores, config: ScoringConfig, locks: Iterable[tuple[str, str]] = (),
    exclusions: Iterable[tuple[str, str]] = (), min_score: float | None = None,
    options: SolverOptions | None = None,
) -> CohortResult:
    """Pair a cohort given as dense scores; every acceptable pair is in the graph."""
    people = scores.people
    n = len(people)
    plan = _plan(people, config, locks, exclusions, min_score)
    rules = Rules(people, plan.slots, plan.floor, plan.blocked, plan.lines)
    everyone = np.arange(n)
    ok = rules.mask(everyone, scores.reciprocal)
    ok &= ok.T
    ei, ej = np.nonzero(np.triu(ok, 1))
    anyone = scores.reciprocal.astype(np.float32, copy=True)
    anyone[everyone, everyone] = -1.0
    best = anyone.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    graph = _Graph(ei, ej, scores.score[ei, ej].astype(np.float64), scores.reciprocal[ei, ej],
                   ok.sum(axis=1), best, anyone[everyone, best] if n else anyone[:0, 0])
    solution = solve(n, plan.slots, ei, ej, graph.score, np.full(n, -np.inf), None, options)
    locked = {(i, j): (float(scores.score[i, j]), float(scores.reciprocal[i, j]))
              for i, j in plan.fixed}
    return _result(people, plan, graph, solution, locked)


def pair_people(
    people: list[Participant], offers: Side, wants: Side, config: ScoringConfig,
    weights: PreferenceWeights, check: VocabularyCheck | None = None,
    locks: Iterable[tuple[str, str]] = (), exclusions: Iterable[tuple[str, str]] = (),
    min_score: float | None = None, options: SolverOptions | None = None, k: int | None = None,
) -> CohortResult:
    """Pair a cohort of any size from its statements (``offers``/``wants`` grouped in the
    order of ``people``): scores streamed in blocks, each person's ``k`` best partners."""
    n = len(people)
    if k is None:
        k = n if n <= EXACT_UP_TO else DEFAULT_K
    plan = _plan(people, config, locks, exclusions, min_score)
    rules = Rules(people, plan.slots, plan.floor, plan.blocked, plan.lines)
    started = time.perf_counter()
    release_freed()  # what earlier work freed, before the blocks of scores
    scorer = PairScorer(people, offers, wants, config, weights, check)
    found = stream(scorer, rules, k, scorer.order(), ask=plan.fixed)
    # the scorer's distinct vectors and vocabulary profiles are not needed by the LP that
    # comes next; a deepening round builds it again
    del scorer
    streamed = time.perf_counter() - started
    ei, ej, score, reciprocal = merge_edges(n, found.pairs, found.score, found.reciprocal)
    release_freed()  # the blocks' temporaries, before the solver
    graph = _Graph(ei, ej, score, reciprocal, found.acceptable, found.best_partner,
                   found.best_reciprocal)

    def more(rows: np.ndarray, k_more: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = np.asarray(rows, dtype=np.int64)
        scorer = PairScorer(people, offers, wants, config, weights, check)
        again = stream(scorer, rules, k_more, rows)
        graph.extend(n, again.pairs, again.score, again.reciprocal)
        return again.pairs, again.score, again.bound[rows]

    solution = solve(n, plan.slots, ei, ej, score, found.bound, more, options, k)
    solution.stats["k"] = float(k)
    solution.stats["stream_seconds"] = streamed
    solution.stats["eligible_edges"] = float(int(found.acceptable.sum()) // 2)
    return _result(people, plan, graph, solution, found.asked)


@dataclass
class _Graph:
    """The candidate edges with their scores, and what the reasons for the unmatched need."""

    ei: np.ndarray
    ej: np.ndarray
    score: np.ndarray
    reciprocal: np.ndarray
    acceptable: np.ndarray
    best_partner: np.ndarray
    best_reciprocal: np.ndarray

    def extend(self, n: int, pairs: np.ndarray, score: np.ndarray, reciprocal: np.ndarray
               ) -> None:
        ei, ej, s, r = merge_edges(n, np.c_[np.stack([self.ei, self.ej]), pairs],
                                   np.r_[self.score, score], np.r_[self.reciprocal, reciprocal])
        self.ei, self.ej, self.score, self.reciprocal = ei, ej, s, r

    def lookup(self, n: int, chosen: list[tuple[int, int]]) -> list[tuple[float, float]]:
        """(score, reciprocal) of each ``chosen`` edge ``i < j`` (a search in the sorted
        edge keys: a dictionary of every edge held 200 MB at 50,000 people)."""
        keys = self.ei.astype(np.int64) * n + self.ej
        order = np.argsort(keys, kind="stable")
        want = np.asarray([i * n + j for i, j in chosen], dtype=np.int64)
        at = order[np.searchsorted(keys[order], want)] if len(want) else want
        return [(float(self.score[e]), float(self.reciprocal[e])) for e in at.tolist()]

    def options(self, people: Iterable[int]) -> dict[int, list[tuple[float, int]]]:
        """Each of ``people``'s candidate partners with their reciprocal score."""
        mask = np.zeros(len(self.acceptable), dtype=bool)
        mask[np.fromiter(people, dtype=np.int64)] = True
        out: dict[int, list[tuple[float, int]]] = {}
        for a, b in ((self.ei, self.ej), (self.ej, self.ei)):
            hit = np.flatnonzero(mask[a])
            for i, j, r in zip(a[hit].tolist(), b[hit].tolist(),
                               self.reciprocal[hit].tolist(), strict=True):
                out.setdefault(i, []).append((r, j))
        return out


def _result(people: list[Participant], plan: _Plan, graph: _Graph, solution: Solution,
            locked: dict[tuple[int, int], tuple[float, float]]) -> CohortResult:
    n = len(people)
    chosen = list(solution.chosen)
    pairs = [Pair(people[i], people[j], *locked[(i, j)], True) for i, j in plan.fixed]
    pairs += [Pair(people[i], people[j], *v)
              for (i, j), v in zip(chosen, graph.lookup(n, chosen), strict=True)]
    pairs.sort(key=lambda p: -p.score)
    unmatched = _unmatched_reasons(people, pairs, plan, graph)
    total = float(sum(p.score for p in pairs))
    fixed = sum(locked[(i, j)][0] for i, j in plan.fixed)
    stats = dict(solution.stats)
    stats.setdefault("eligible_edges", float(int(graph.acceptable.sum()) // 2))
    return CohortResult(pairs, unmatched, total, solution.optimal, stats,
                        bound=solution.bound + fixed, gap=solution.gap, status=solution.status)


def _unmatched_reasons(people: list[Participant], pairs: list[Pair], plan: _Plan,
                       graph: _Graph) -> dict[str, str]:
    matched = {p.a.id for p in pairs} | {p.b.id for p in pairs}
    partner_of: dict[str, list[str]] = {}
    for p in pairs:
        partner_of.setdefault(p.a.id, []).append(p.b.name)
        partner_of.setdefault(p.b.id, []).append(p.a.name)
    options = graph.options(i for i, p in enumerate(people) if p.id not in matched)
    floor = plan.floor
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
        best = int(graph.best_partner[i])
        if not graph.acceptable[i]:
            if graph.best_reciprocal[i] < floor:
                out[person.id] = (
                    f"no acceptable partner: best reciprocal score {graph.best_reciprocal[i]:.3f} "
                    f"(with {people[best].name}) is below the {floor:.2f} threshold"
                )
            elif plan.lines.conflict(person.id, people[best].id):
                out[person.id] = (
                    f"the only good fits are on their reporting line (e.g. {people[best].name})"
                )
            else:
                out[person.id] = "every acceptable partner is full, excluded or locked elsewhere"
            continue
        ranked = sorted(options.get(i, []), key=lambda o: (-o[0], o[1]))[:3]
        names = ", ".join(
            f"{people[j].name} (paired with {', '.join(partner_of.get(people[j].id, ['?']))})"
            for _, j in ranked
        )
        out[person.id] = (
            f"their acceptable partners gave the cohort a higher total elsewhere: {names}"
        )
    return out
