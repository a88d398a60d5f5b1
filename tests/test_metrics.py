"""Evaluation metrics on hand-computed examples."""

from __future__ import annotations

import math

import pytest

from assistant.evaluation import metrics as m

LOG3 = math.log2(3)


def test_ndcg_uses_grades_as_gains_and_the_ideal_order_of_all_relevant_ids() -> None:
    relevant = {"b": 2, "c": 1, "d": 2}
    # DCG: a=0, b=2/log2(3), c=1/log2(4); ideal: 2, 2, 1 -> 2 + 2/log2(3) + 1/2
    dcg = 2 / LOG3 + 0.5
    ideal = 2 + 2 / LOG3 + 0.5
    assert m.ndcg_at_k(["a", "b", "c"], relevant, 5) == pytest.approx(dcg / ideal)
    assert m.ndcg_at_k(["d", "b", "c"], relevant, 5) == pytest.approx(1.0)
    assert m.ndcg_at_k([], relevant, 5) == 0.0
    assert m.ndcg_at_k(["a"], {}, 5) == 0.0


def test_ndcg_cuts_both_the_ranking_and_the_ideal_at_k() -> None:
    relevant = {"a": 1, "b": 2, "c": 2}
    # k=1: ranking gains [1] over ideal [2]
    assert m.ndcg_at_k(["a", "b", "c"], relevant, 1) == pytest.approx(0.5)
    assert m.ndcg_at_k(["x", "y", "b"], relevant, 2) == 0.0


def test_mrr_counts_the_first_id_with_grade_at_least_one_within_k() -> None:
    relevant = {"x": 0, "b": 1}
    assert m.mrr_at_k(["x", "y", "b"], relevant, 10) == pytest.approx(1 / 3)
    assert m.mrr_at_k(["x", "y", "b"], relevant, 2) == 0.0
    assert m.mrr_at_k(["b"], relevant, 10) == 1.0


def test_recall_is_over_ids_with_grade_at_least_one() -> None:
    relevant = {"a": 2, "b": 1, "c": 1, "z": 0}
    assert m.recall_at_k(["a", "q", "c", "r", "s", "b"], relevant, 5) == pytest.approx(2 / 3)
    assert m.recall_at_k(["z"], {"z": 0}, 5) == 0.0


def test_hit_at_1() -> None:
    assert m.hit_at_1(["a", "b"], {"a": 1}) == 1.0
    assert m.hit_at_1(["b", "a"], {"a": 2}) == 0.0
    assert m.hit_at_1(["a"], {"a": 0}) == 0.0
    assert m.hit_at_1([], {"a": 2}) == 0.0


def test_exclusion_violations_count_excluded_ids_in_the_top_10_only() -> None:
    ranking = [f"p{i}" for i in range(12)]
    assert m.exclusion_violations(ranking, ["p2", "p11", "zz"]) == 1
    assert m.exclusion_violations(ranking, ["p2", "p2"]) == 1
    assert m.exclusion_violations(ranking, ["p11"], k=12) == 1


def test_case_metrics_and_suite_aggregation() -> None:
    none_case = m.case_metrics([], {}, [], abstained=True, expect_none=True)
    good = m.case_metrics(["a", "b"], {"a": 2}, ["b"], abstained=False, expect_none=False)
    silent = m.case_metrics([], {"a": 1}, [], abstained=True, expect_none=False)
    assert good["hit@1"] == 1.0 and good["exclusion_violations"] == 1.0
    assert none_case["abstain_accuracy"] == 1.0 and silent["abstain_accuracy"] == 0.0
    ranked = [m.is_ranked_case({}, True), m.is_ranked_case({"a": 2}, False),
              m.is_ranked_case({"a": 1}, False)]
    assert ranked == [False, True, True]
    suite = m.aggregate_cases([none_case, good, silent], ranked)
    assert suite["hit@1"] == pytest.approx(0.5)  # over the two ranked cases only
    assert suite["mrr@10"] == pytest.approx(0.5)
    assert suite["abstain_accuracy"] == pytest.approx(2 / 3)  # over all three
    assert suite["exclusion_violations"] == 1.0
    assert list(suite) == list(m.QUERY_METRICS)


def test_a_case_without_graded_ids_is_not_ranking_scored() -> None:
    assert not m.is_ranked_case({"a": 0}, False)
    assert m.aggregate_cases([], []) == {name: 0.0 for name in m.QUERY_METRICS}


def test_choose_abstain_threshold_takes_the_lowest_best_value() -> None:
    tops = [0.9, 0.8, 0.3, 0.2, None]
    nones = [False, False, True, True, True]
    assert m.choose_abstain_threshold(tops, nones, [0.1, 0.25, 0.5, 0.85]) == (0.5, 1.0)
    # 0.25 gets one expect_none case wrong; 0.85 one ordinary case
    assert m.choose_abstain_threshold(tops, nones, [0.25, 0.85]) == (0.25, 0.8)


def test_pair_recall_ignores_order_within_a_pair() -> None:
    reference = [("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")]
    assert m.pair_recall([("b", "a"), ("c", "e"), ("d", "c")], reference) == pytest.approx(0.5)
    assert m.pair_recall([("a", "b")], []) == 0.0


def test_constraint_violations_count_reporting_lines_and_capacity_overruns() -> None:
    pairs = [("a", "b"), ("a", "c"), ("a", "d"), ("e", "f")]
    slots = {"a": 2, "b": 1, "c": 1, "d": 1, "e": 0, "f": 1}
    # a has 3 partners for 2 slots (1 overrun), e has 1 for 0 slots (1 overrun)
    assert m.capacity_overruns(pairs, slots) == 2

    def manager_line(x: str, y: str) -> bool:
        return {x, y} == {"a", "d"}

    assert m.constraint_violations(pairs, manager_line, slots) == 3
    assert m.constraint_violations([], manager_line, slots) == 0


def test_matched_fraction_is_over_people_who_can_take_a_partner() -> None:
    slots = {"a": 1, "b": 1, "c": 2, "d": 0, "e": 1}
    # d (capacity 0) is not in the denominator; a, b and c of a, b, c, e are matched
    assert m.matched_fraction([("a", "b"), ("d", "c")], slots) == pytest.approx(3 / 4)
    assert m.matched_fraction([], {"a": 0}) == 0.0


def test_pair_score_stats() -> None:
    assert m.pair_score_stats([0.5, 0.25, 0.75]) == (pytest.approx(0.5), 0.25)
    assert m.pair_score_stats([]) == (0.0, 0.0)
