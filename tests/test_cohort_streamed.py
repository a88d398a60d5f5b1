"""Cohort pairing from streamed scores: the same scores as the dense matrices, the same
optimum as brute force, whatever the number of partners kept per person (``k``)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from test_cohort import assert_feasible, brute_force

from assistant.match import PreferenceWeights, ScoringConfig, VocabularyCheck
from assistant.match.batch import Side
from assistant.match.cohort import cohort_scores, pair_cohort, pair_people
from assistant.match.pairs import PairScorer
from assistant.match.solver import SolverOptions
from assistant.match.vocabulary_check import CheckConfig
from assistant.models import Participant
from assistant.store.base import StatementMatrix

CONFIG = ScoringConfig()
WEIGHTS = PreferenceWeights()
# concept affinity = the first three coordinates: 0 a skill, 1 another meaning, 2 a skill
CHECK = VocabularyCheck(lambda v: v[:, :3], ["skill a", "other meaning", "skill b"],
                        [False, True, False], CheckConfig(want_clear=0.3, offer_clear=0.3,
                                                          sense_threshold=0.3))
TZ = ["Europe/London", "America/New_York", "Asia/Tokyo", ""]


def cohort(seed: int, n: int) -> tuple[list[Participant], dict[str, np.ndarray]]:
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    base = nprng.normal(size=(5, 8))
    texts = {}
    for t in range(14):  # shared texts: near one of a few topics
        v = base[t % 5] + 0.6 * nprng.normal(size=8)
        texts[f"text {t}"] = (v / np.linalg.norm(v)).astype(np.float32)
    names = list(texts)
    people = []
    for i in range(n):
        people.append(Participant(
            id=f"p{i:02d}", name=f"Person {i}", offers=rng.sample(names, rng.randint(1, 3)),
            wants=rng.sample(names, rng.randint(1, 3)), capacity=rng.choice([0, 1, 1, 2]),
            manager_id="" if i == 0 or rng.random() < 0.5 else f"p{rng.randrange(i):02d}",
            department=rng.choice(["A", "B", ""]), timezone=rng.choice(TZ),
            career_stage=rng.choice(["early", "mid", "senior", None]),
        ))
    return people, texts


def sides(people: list[Participant], texts: dict[str, np.ndarray]) -> tuple[Side, Side]:
    position = {p.id: i for i, p in enumerate(people)}
    out = []
    for kind in ("offer", "want"):
        statements = [st for p in people for st in p.statements() if st.kind == kind]
        statements.sort(key=lambda st: st.id)  # as a store returns them
        vectors = np.stack([texts[st.text] for st in statements])
        out.append(Side.of(StatementMatrix(statements, vectors), position))
    return out[0], out[1]


def dense(people: list[Participant], offers: Side, wants: Side):  # type: ignore[no-untyped-def]
    def by_person(side: Side) -> dict[str, np.ndarray]:
        return {p.id: side.vectors[side.start[i] : side.start[i] + side.count[i]]
                for i, p in enumerate(people)}
    return cohort_scores(people, by_person(offers), by_person(wants), CONFIG, WEIGHTS, CHECK)


@pytest.mark.parametrize("seed", range(6))
def test_streamed_blocks_equal_the_dense_matrices(seed: int) -> None:
    people, texts = cohort(seed, 12)
    offers, wants = sides(people, texts)
    scores = dense(people, offers, wants)
    scorer = PairScorer(people, offers, wants, CONFIG, WEIGHTS, CHECK)
    rows = np.asarray([5, 0, 11, 3])
    block = scorer.block(rows)
    np.testing.assert_allclose(block.teaches, scores.teach[rows], atol=1e-6)
    np.testing.assert_allclose(block.learns, scores.teach[:, rows].T, atol=1e-6)
    np.testing.assert_allclose(block.reciprocal, scores.reciprocal[rows], atol=1e-6)
    np.testing.assert_allclose(block.score, scores.score[rows], atol=1e-6)
    assert any(st.text == "text 0" for p in people for st in p.statements())


@pytest.mark.parametrize("k", [1, 2, 4, 50])
@pytest.mark.parametrize("seed", range(12))
def test_streamed_pairing_is_optimal_whatever_k(seed: int, k: int) -> None:
    people, texts = cohort(100 + seed, random.Random(seed).randint(5, 9))
    offers, wants = sides(people, texts)
    scores = dense(people, offers, wants)
    floor = 0.1
    result = pair_people(people, offers, wants, CONFIG, WEIGHTS, CHECK, min_score=floor, k=k,
                         options=SolverOptions(gap_goal=0.0, rounds=6))
    assert result.optimal and result.status == "optimal" and result.gap == 0.0, result.stats
    assert_feasible(result, scores, floor=floor)
    assert result.total_score == pytest.approx(brute_force(scores, [], [], floor=floor),
                                               abs=1e-5)
    assert result.bound >= result.total_score - 1e-6
    # the same unmatched reasons as the dense pairing
    same = pair_cohort(scores, CONFIG, min_score=floor)
    assert result.total_score == pytest.approx(same.total_score, abs=1e-5)
    if k >= len(people):
        assert result.unmatched == same.unmatched


def test_streamed_pairing_keeps_locks_and_exclusions() -> None:
    people, texts = cohort(7, 9)
    offers, wants = sides(people, texts)
    scores = dense(people, offers, wants)
    open_ = [p.id for p in people if p.open_slots > 0]
    lines = {(p.id, p.manager_id) for p in people}
    lock = next((a, b) for a in open_ for b in open_
                if a < b and (a, b) not in lines and (b, a) not in lines)
    result = pair_people(people, offers, wants, CONFIG, WEIGHTS, CHECK, locks=[lock],
                         exclusions=[], min_score=0.1, k=1,
                         options=SolverOptions(gap_goal=0.0, rounds=6))
    assert_feasible(result, scores, locks=[lock], floor=0.1)
    assert result.total_score == pytest.approx(brute_force(scores, [lock], [], floor=0.1),
                                               abs=1e-5)


def test_few_partners_each_still_reach_the_dense_optimum() -> None:
    """Thirty people, two partners kept each: the bound leaves pairs outside the graph
    open, so people get more partners until the optimum is proven; the total is the one
    of the dense pairing over every acceptable pair."""
    people, texts = cohort(3, 30)
    offers, wants = sides(people, texts)
    dense_result = pair_cohort(dense(people, offers, wants), CONFIG, min_score=0.1)
    result = pair_people(people, offers, wants, CONFIG, WEIGHTS, CHECK, min_score=0.1, k=2,
                         options=SolverOptions(gap_goal=0.0, rounds=6))
    assert result.stats["deepened"] > 0
    assert result.optimal and result.total_score == pytest.approx(dense_result.total_score,
                                                                  abs=1e-5)
    limited = pair_people(people, offers, wants, CONFIG, WEIGHTS, CHECK, min_score=0.1, k=2,
                          options=SolverOptions(gap_goal=0.0, rounds=1))
    assert limited.bound >= dense_result.total_score - 1e-6  # the bound holds regardless
    assert limited.total_score <= dense_result.total_score + 1e-6
    assert limited.optimal == (limited.gap == 0.0)


@pytest.mark.parametrize("levels", [1, 2, None])
def test_streamed_pairing_follows_the_reporting_line_reach(levels: int | None) -> None:
    """One management chain five deep: the streamed pairing keeps apart exactly the people
    the configured reach keeps apart, and reaches the brute-force optimum under it."""
    people, texts = cohort(11, 8)
    people = [p.model_copy(update={"manager_id": f"p{i - 1:02d}" if 0 < i < 6 else "",
                                   "capacity": 1})
              for i, p in enumerate(people)]
    offers, wants = sides(people, texts)
    scores = dense(people, offers, wants)
    config = ScoringConfig(reporting_levels=levels)
    result = pair_people(people, offers, wants, config, WEIGHTS, CHECK, min_score=0.0, k=2,
                         options=SolverOptions(gap_goal=0.0, rounds=6))
    assert result.optimal
    assert_feasible(result, scores, floor=0.0, levels=levels)
    best = brute_force(scores, [], [], floor=0.0, levels=levels)
    assert result.total_score == pytest.approx(best, abs=1e-5)
    assert pair_cohort(scores, config, min_score=0.0).total_score == pytest.approx(best,
                                                                                abs=1e-5)


def test_the_reach_of_the_rule_matters_on_that_chain() -> None:
    """The chain above is deep enough that each reach gives another optimum."""
    people, texts = cohort(11, 8)
    people = [p.model_copy(update={"manager_id": f"p{i - 1:02d}" if 0 < i < 6 else "",
                                   "capacity": 1})
              for i, p in enumerate(people)]
    scores = dense(people, *sides(people, texts))
    totals = [brute_force(scores, [], [], floor=0.0, levels=x) for x in (1, 2, None)]
    assert totals[0] > totals[2] + 1e-6 and totals[0] >= totals[1] >= totals[2]
