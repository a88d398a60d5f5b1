"""Cohort pairing: optimal against brute force, hard constraints never broken."""

from __future__ import annotations

import functools
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.errors import ConstraintConflict
from assistant.match import CohortResult, CohortScores, ReportingLines, ScoringConfig, pair_cohort
from assistant.match.cohort import cohort_scores
from assistant.match.solver import SolverOptions
from assistant.models import Participant

CONFIG = ScoringConfig()
FLOOR = CONFIG.pair_floor


def make_people(n: int, capacities: list[int], managers: list[str],
                current: list[int] | None = None) -> list[Participant]:
    current = current or [0] * n
    return [
        Participant(id=f"p{i}", name=f"Person {i}", offers=[f"skill {i}"], wants=[f"topic {i}"],
                    capacity=capacities[i], current_pairs=current[i], manager_id=managers[i])
        for i in range(n)
    ]


def make_scores(people: list[Participant], reciprocal: np.ndarray,
                bonus: np.ndarray | None = None) -> CohortScores:
    n = len(people)
    reciprocal = reciprocal.astype(np.float32)
    score = reciprocal + (bonus if bonus is not None else np.zeros((n, n), dtype=np.float32))
    teach = reciprocal.copy()
    return CohortScores(people, teach, reciprocal, score.astype(np.float32))


def random_case(seed: int) -> tuple[CohortScores, list[tuple[str, str]], list[tuple[str, str]]]:
    rng = random.Random(seed)
    n = rng.randint(4, 9)
    capacities = [rng.choice([0, 1, 1, 2, 2]) for _ in range(n)]
    current = [rng.randint(0, c) if rng.random() < 0.2 else 0 for c in capacities]
    # random manager forest: everyone's manager is someone earlier (or nobody)
    managers = ["" if i == 0 or rng.random() < 0.4 else f"p{rng.randrange(i)}" for i in range(n)]
    people = make_people(n, capacities, managers, current)
    nprng = np.random.default_rng(seed)
    upper = np.triu(nprng.uniform(0.0, 1.0, (n, n)), 1)
    reciprocal = upper + upper.T
    b = np.triu(nprng.choice([-0.05, 0.0, 0.02, 0.03, 0.05, 0.09], (n, n)), 1)
    bonus = (b + b.T).astype(np.float32)
    scores = make_scores(people, reciprocal, bonus)

    lines = ReportingLines(people)
    slots = [p.open_slots for p in people]
    possible = [(i, j) for i in range(n) for j in range(i + 1, n)
                if not lines.conflict(f"p{i}", f"p{j}")]
    locks: list[tuple[str, str]] = []
    exclusions: list[tuple[str, str]] = []
    rng.shuffle(possible)
    if possible and rng.random() < 0.5:
        for i, j in possible:
            if slots[i] > 0 and slots[j] > 0:
                locks.append((f"p{i}", f"p{j}") if rng.random() < 0.5 else (f"p{j}", f"p{i}"))
                possible.remove((i, j))
                break
    for i, j in possible[: rng.randint(0, 2)]:
        exclusions.append((f"p{i}", f"p{j}"))
    return scores, locks, exclusions


def brute_force(scores: CohortScores, locks: list[tuple[str, str]],
                exclusions: list[tuple[str, str]], floor: float = FLOOR,
                levels: int | None = 2) -> float:
    """Best total over every feasible b-matching (exhaustive search over the edge set)."""
    people = scores.people
    n = len(people)
    index = scores.index()
    lines = ReportingLines(people, levels)
    slots = [p.open_slots for p in people]
    total = 0.0
    locked = set()
    for a, b in locks:
        i, j = sorted((index[a], index[b]))
        slots[i] -= 1
        slots[j] -= 1
        total += float(scores.score[i, j])
        locked.add((i, j))
    excluded = {tuple(sorted((index[a], index[b]))) for a, b in exclusions}
    edges = [
        (i, j) for i in range(n) for j in range(i + 1, n)
        if scores.reciprocal[i, j] >= floor and (i, j) not in excluded and (i, j) not in locked
        and not lines.conflict(people[i].id, people[j].id)
    ]

    @functools.cache
    def best(k: int, left: tuple[int, ...]) -> float:
        if k == len(edges):
            return 0.0
        skip = best(k + 1, left)
        i, j = edges[k]
        if left[i] > 0 and left[j] > 0:
            after = list(left)
            after[i] -= 1
            after[j] -= 1
            return max(skip, float(scores.score[i, j]) + best(k + 1, tuple(after)))
        return skip

    return total + best(0, tuple(max(0, s) for s in slots))


def assert_feasible(result: CohortResult, scores: CohortScores,
                    locks: list[tuple[str, str]] = (), exclusions: list[tuple[str, str]] = (),
                    floor: float = FLOOR, levels: int | None = 2) -> None:
    people = {p.id: p for p in scores.people}
    lines = ReportingLines(scores.people, levels)
    degree: Counter[str] = Counter()
    seen = set()
    lock_set = {frozenset(x) for x in locks}
    for pair in result.pairs:
        key = frozenset((pair.a.id, pair.b.id))
        assert len(key) == 2, "nobody is paired with themselves"
        assert key not in seen, f"pair {set(key)} appears twice"
        seen.add(key)
        assert not lines.conflict(pair.a.id, pair.b.id), f"reporting line: {set(key)}"
        assert key not in {frozenset(x) for x in exclusions}
        if key in lock_set:
            assert pair.locked
        else:
            assert not pair.locked
            assert pair.reciprocal >= floor - 1e-6
        degree[pair.a.id] += 1
        degree[pair.b.id] += 1
    for pid, d in degree.items():
        assert d <= people[pid].open_slots, f"{pid} over capacity"
    assert lock_set <= seen, "every lock is kept"
    # everyone left out gets a reason, nobody matched does
    left_out = set(people) - result.matched_ids
    assert set(result.unmatched) == left_out
    assert all(reason.strip() for reason in result.unmatched.values())
    assert result.total_score == pytest.approx(sum(p.score for p in result.pairs), abs=1e-6)


@pytest.mark.parametrize("seed", range(60))
def test_pair_cohort_is_optimal_against_brute_force(seed: int) -> None:
    scores, locks, exclusions = random_case(seed)
    result = pair_cohort(scores, CONFIG, locks=locks, exclusions=exclusions)
    assert result.optimal
    assert_feasible(result, scores, locks, exclusions)
    assert result.total_score == pytest.approx(brute_force(scores, locks, exclusions), abs=1e-5)


@pytest.mark.parametrize("seed", range(8))
def test_pair_cohort_optimal_on_dense_graphs(seed: int) -> None:
    """Every pair acceptable: reduced-cost fixing must still leave the optimum in."""
    scores, locks, exclusions = random_case(1000 + seed)
    result = pair_cohort(scores, CONFIG, locks=locks, exclusions=exclusions, min_score=0.0)
    assert result.optimal
    assert_feasible(result, scores, locks, exclusions, floor=0.0)
    assert result.total_score == pytest.approx(
        brute_force(scores, locks, exclusions, floor=0.0), abs=1e-5
    )


def small() -> CohortScores:
    # p0 manages p1; p2..p5 independent; all capacities 1
    people = make_people(6, [1, 1, 1, 1, 1, 1], ["", "p0", "", "", "", ""])
    r = np.full((6, 6), 0.5)
    r[0, 1] = r[1, 0] = 0.99  # best pair on paper, but a reporting line
    r[2, 3] = r[3, 2] = 0.9
    np.fill_diagonal(r, 0)
    return make_scores(people, r)


def test_reporting_line_pair_is_never_chosen_even_if_best() -> None:
    result = pair_cohort(small(), CONFIG)
    assert_feasible(result, small())
    assert {frozenset((p.a.id, p.b.id)) for p in result.pairs} >= {frozenset(("p2", "p3"))}
    assert frozenset(("p0", "p1")) not in {frozenset((p.a.id, p.b.id)) for p in result.pairs}


def test_locks_are_kept_and_marked() -> None:
    scores = small()
    result = pair_cohort(scores, CONFIG, locks=[("p5", "p2")])
    pairs = {frozenset((p.a.id, p.b.id)): p for p in result.pairs}
    assert pairs[frozenset(("p2", "p5"))].locked
    assert frozenset(("p2", "p3")) not in pairs  # p2 has capacity 1, now used by the lock
    assert_feasible(result, scores, locks=[("p5", "p2")])
    assert result.total_score == pytest.approx(brute_force(scores, [("p5", "p2")], []))


def test_exclusions_are_respected() -> None:
    scores = small()
    result = pair_cohort(scores, CONFIG, exclusions=[("p3", "p2")])
    assert frozenset(("p2", "p3")) not in {frozenset((p.a.id, p.b.id)) for p in result.pairs}
    assert_feasible(result, scores, exclusions=[("p3", "p2")])


def test_lock_below_the_threshold_is_still_kept() -> None:
    people = make_people(4, [1, 1, 1, 1], [""] * 4)
    r = np.full((4, 4), 0.8)
    r[0, 1] = r[1, 0] = 0.05
    scores = make_scores(people, r)
    result = pair_cohort(scores, CONFIG, locks=[("p0", "p1")])
    assert any(p.locked and {p.a.id, p.b.id} == {"p0", "p1"} for p in result.pairs)


@pytest.mark.parametrize(
    ("locks", "exclusions", "words"),
    [
        ([("p0", "p1")], [], "reporting line"),
        ([("p1", "p0")], [], "reporting line"),
        ([("p2", "p3"), ("p2", "p4")], [], "capacity"),
        ([("p2", "p3")], [("p3", "p2")], "locked and excluded"),
        ([("p2", "zz")], [], "unknown"),
        ([("p2", "p2")], [], "themselves"),
    ],
)
def test_impossible_locks_raise_constraint_conflict(
    locks: list[tuple[str, str]], exclusions: list[tuple[str, str]], words: str
) -> None:
    with pytest.raises(ConstraintConflict, match=words):
        pair_cohort(small(), CONFIG, locks=locks, exclusions=exclusions)


def test_lock_with_person_at_capacity_raises() -> None:
    people = make_people(4, [0, 1, 1, 1], [""] * 4)
    r = np.full((4, 4), 0.8)
    with pytest.raises(ConstraintConflict, match="capacity of: p0"):
        pair_cohort(make_scores(people, r), CONFIG, locks=[("p0", "p1")])


def test_same_lock_given_twice_pairs_once() -> None:
    people = make_people(4, [2, 2, 1, 1], [""] * 4)
    r = np.full((4, 4), 0.8)
    scores = make_scores(people, r)
    result = pair_cohort(scores, CONFIG, locks=[("p0", "p1"), ("p1", "p0")])
    assert_feasible(result, scores, locks=[("p0", "p1")])


def test_unmatched_reasons() -> None:
    # p0 full; p1 and p2 on one line (p1 manages p2) and only fit each other;
    # p3 fits nobody; p4 and p5 pair up.
    people = make_people(6, [0, 1, 1, 1, 1, 1], ["", "", "p1", "", "", ""])
    r = np.full((6, 6), 0.1)
    r[1, 2] = r[2, 1] = 0.9
    r[4, 5] = r[5, 4] = 0.8
    np.fill_diagonal(r, 0)
    scores = make_scores(people, r)
    result = pair_cohort(scores, CONFIG)
    assert_feasible(result, scores)
    assert result.matched_ids == {"p4", "p5"}
    assert "capacity 0" in result.unmatched["p0"]
    assert "reporting line" in result.unmatched["p1"]
    assert "reporting line" in result.unmatched["p2"]
    assert "below the 0.30 threshold" in result.unmatched["p3"]


def test_unmatched_because_partner_taken_elsewhere() -> None:
    # p1 is everyone's favourite but can take one partner
    people = make_people(3, [1, 1, 1], ["", "", ""])
    r = np.array([[0, 0.9, 0.1], [0.9, 0, 0.8], [0.1, 0.8, 0]])
    scores = make_scores(people, r)
    result = pair_cohort(scores, CONFIG)
    assert result.matched_ids == {"p0", "p1"}
    assert "higher total elsewhere" in result.unmatched["p2"]
    assert "Person 1" in result.unmatched["p2"]


def test_capacity_two_person_gets_two_partners() -> None:
    people = make_people(3, [2, 1, 1], ["", "", ""])
    r = np.array([[0, 0.9, 0.8], [0.9, 0, 0.1], [0.8, 0.1, 0]])
    result = pair_cohort(make_scores(people, r), CONFIG)
    assert result.matched_ids == {"p0", "p1", "p2"}
    assert len(result.pairs) == 2
    assert result.unmatched == {}


# real embeddings through the service ---------------------------------------------------
def test_service_pairs_a_real_cohort(service_factory: Any, write_csv: Any, tmp_path: Path
                                     ) -> None:
    from test_match import COHORT

    service = service_factory()
    service.ingest([write_csv(tmp_path / "cohort.csv", COHORT)])
    result = service.pair_cohort()
    snap = service.matcher.snapshot
    cohort = sorted(snap.people.values(), key=lambda p: p.id)
    scores = cohort_scores(cohort, snap.vectors["offer"], snap.vectors["want"],
                           service.config, service.weights)
    assert_feasible(result, scores)
    assert result.pairs, "a cohort with clear reciprocal fits pairs someone"
    assert result.total_score == pytest.approx(brute_force(scores, [], []), abs=1e-5)
    # gus (capacity 0) and hal (already full) are never paired, and say why
    assert "capacity 0" in result.unmatched["gus"]
    assert "already has 1 partner(s)" in result.unmatched["hal"]
    # ava must not get her manager dan although he is a perfect skill fit
    partners = {p.b.id if p.a.id == "ava" else p.a.id
                for p in result.pairs if "ava" in (p.a.id, p.b.id)}
    assert not partners & {"dan", "eve", "fay"}

    locked = service.pair_cohort(locks=[("ava", "cal")])
    assert any(p.locked and {p.a.id, p.b.id} == {"ava", "cal"} for p in locked.pairs)
    with pytest.raises(ConstraintConflict):
        service.pair_cohort(locks=[("ava", "dan")])


def test_cohort_of_one_says_nobody_else() -> None:
    people = make_people(1, [1], [""])
    result = pair_cohort(make_scores(people, np.zeros((1, 1))), CONFIG)
    assert result.pairs == []
    assert result.unmatched == {"p0": "nobody else is in the cohort"}


def test_unmatched_reason_when_partner_is_excluded() -> None:
    people = make_people(3, [1, 1, 1], ["", "", ""])
    r = np.array([[0, 0.9, 0.95], [0.9, 0, 0.1], [0.95, 0.1, 0]])
    result = pair_cohort(make_scores(people, r), CONFIG, exclusions=[("p1", "p0")])
    assert result.matched_ids == {"p0", "p2"}
    assert "excluded" in result.unmatched["p1"]


# solver honesty --------------------------------------------------------------------------
def triangle() -> CohortScores:
    """Three people who all fit each other, one partner each: the LP relaxation pairs
    everyone half (1.5 pairs), any real pairing has one pair."""
    people = make_people(3, [1, 1, 1], ["", "", ""])
    r = np.full((3, 3), 0.8)
    np.fill_diagonal(r, 0)
    return make_scores(people, r)


def test_optimal_only_when_proven_and_the_gap_otherwise() -> None:
    proven = pair_cohort(triangle(), CONFIG)
    assert proven.optimal and proven.status == "optimal" and proven.gap == 0.0
    assert proven.optimality == "optimal"
    assert proven.total_score == pytest.approx(0.8)

    stopped = pair_cohort(triangle(), CONFIG, options=SolverOptions(time_limit=0.0))
    assert_feasible(stopped, triangle())
    assert not stopped.optimal and stopped.status == "time limit"
    assert stopped.bound == pytest.approx(1.2) and stopped.gap == pytest.approx(1 / 3)
    assert stopped.optimality == ("not proven optimal: within 33.33% of the best possible "
                                  "total 1.20; the solver stopped at its time limit")


def test_match_command_says_optimal_only_when_proven(
    service_factory: Any, write_csv: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import assistant.cli as cli

    same = "Financial modelling in Excel"
    rows = [dict(id=f"t{i}", name=f"Tam {i}", offers=same, wants=same) for i in range(3)]
    ingesting = service_factory()
    ingesting.ingest([write_csv(tmp_path / "three.csv", rows)])
    ingesting.close()
    # the command's own service, on the test's model (no second model load)
    monkeypatch.setattr(cli, "_service", lambda args, mode: service_factory(mode=mode))
    assert cli.main(["match"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("1 pair, 2 of 3 people matched") and "(optimal)." in first
    assert cli.main(["match", "--time-limit", "0"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "(not proven optimal: within 33.33% of the best possible total" in first
    assert "time limit" in first and "(optimal)" not in first
