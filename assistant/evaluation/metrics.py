"""Pure scoring functions of the evaluation suites.

Query metrics take a ranking (candidate ids, best first) and the case's graded
relevance (``{id: grade}``, 2 = ideal reciprocal partner, 1 = acceptable, absent = 0).
Cohort metrics take the pairs a method produced.

Semantics used by :mod:`assistant.evaluation.runner` when averaging over a suite:

- ranking metrics (``ndcg@5``, ``mrr@10``, ``recall@5``, ``hit@1``) are averaged over
  the cases that are not ``expect_none`` and have at least one id with grade >= 1
  (nothing can be ranked right otherwise); an abstention counts as an empty ranking;
- ``exclusion_violations`` is a count summed over every case: ``must_exclude`` ids
  found in a method's top 10;
- ``abstain_accuracy`` is averaged over every case: 1 when the method abstained
  exactly when the case expects nobody (``expect_none``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

#: the metrics of query cases, in table order
QUERY_METRICS: tuple[str, ...] = (
    "ndcg@5", "mrr@10", "recall@5", "hit@1", "exclusion_violations", "abstain_accuracy",
)
#: the metrics of the cohort case, in table order
COHORT_METRICS: tuple[str, ...] = (
    "pair_recall", "constraint_violations", "matched_fraction", "mean_pair_score",
    "min_pair_score",
)
#: metrics that count failures: lower is better, everything else is higher-is-better
VIOLATION_METRICS: frozenset[str] = frozenset({"exclusion_violations", "constraint_violations"})
#: ranking metrics averaged over cases that expect somebody
RANKING_METRICS: tuple[str, ...] = ("ndcg@5", "mrr@10", "recall@5", "hit@1")

Pair = tuple[str, str]


def dcg_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    """Discounted cumulative gain with the grade as gain: ``sum grade / log2(rank + 1)``."""
    return sum(
        relevant.get(pid, 0) / math.log2(rank + 1)
        for rank, pid in enumerate(ranking[:k], start=1)
    )


def ndcg_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int = 5) -> float:
    """DCG@k normalised by the DCG of the ideal ordering of ``relevant`` (0 if none relevant)."""
    ideal_order = sorted((g for g in relevant.values() if g > 0), reverse=True)
    ideal = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal_order[:k], start=1))
    if ideal <= 0:
        return 0.0
    return dcg_at_k(ranking, relevant, k) / ideal


def relevant_ids(relevant: Mapping[str, int]) -> set[str]:
    """Ids with grade >= 1."""
    return {pid for pid, grade in relevant.items() if grade >= 1}


def mrr_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    """Reciprocal rank of the first id with grade >= 1 within the top k (0 if none)."""
    wanted = relevant_ids(relevant)
    for rank, pid in enumerate(ranking[:k], start=1):
        if pid in wanted:
            return 1.0 / rank
    return 0.0


def recall_at_k(ranking: Sequence[str], relevant: Mapping[str, int], k: int = 5) -> float:
    """Share of the ids with grade >= 1 found in the top k (0 if there are none)."""
    wanted = relevant_ids(relevant)
    if not wanted:
        return 0.0
    return len(wanted & set(ranking[:k])) / len(wanted)


def hit_at_1(ranking: Sequence[str], relevant: Mapping[str, int]) -> float:
    """1.0 when the top result has grade >= 1, else 0.0."""
    return 1.0 if ranking and relevant.get(ranking[0], 0) >= 1 else 0.0


def exclusion_violations(ranking: Sequence[str], must_exclude: Iterable[str], k: int = 10) -> int:
    """How many ``must_exclude`` ids appear in the top k."""
    top = set(ranking[:k])
    return sum(1 for pid in set(must_exclude) if pid in top)


def abstain_correct(abstained: bool, expect_none: bool) -> float:
    """1.0 when the method abstained exactly when the case expects nobody."""
    return 1.0 if abstained == expect_none else 0.0


def case_metrics(
    ranking: Sequence[str], relevant: Mapping[str, int], must_exclude: Iterable[str],
    abstained: bool, expect_none: bool,
) -> dict[str, float]:
    """Every query metric of one case (the ranking should be empty when it abstained)."""
    return {
        "ndcg@5": ndcg_at_k(ranking, relevant, 5),
        "mrr@10": mrr_at_k(ranking, relevant, 10),
        "recall@5": recall_at_k(ranking, relevant, 5),
        "hit@1": hit_at_1(ranking, relevant),
        "exclusion_violations": float(exclusion_violations(ranking, must_exclude, 10)),
        "abstain_accuracy": abstain_correct(abstained, expect_none),
    }


def is_ranked_case(relevant: Mapping[str, int], expect_none: bool) -> bool:
    """Whether a case counts towards the ranking metrics (see the module docstring)."""
    return not expect_none and bool(relevant_ids(relevant))


def aggregate_cases(
    per_case: Sequence[Mapping[str, float]], ranked: Sequence[bool]
) -> dict[str, float]:
    """Suite-level query metrics from per-case ones; ``ranked[i]`` marks ranking-scored cases."""
    scored = [m for m, keep in zip(per_case, ranked, strict=True) if keep]
    out: dict[str, float] = {}
    for name in RANKING_METRICS:
        out[name] = _mean([m[name] for m in scored])
    out["exclusion_violations"] = float(sum(m["exclusion_violations"] for m in per_case))
    out["abstain_accuracy"] = _mean([m["abstain_accuracy"] for m in per_case])
    return out


def _mean(values: Sequence[float]) -> float:
    return float(sum(values) / len(values)) if values else 0.0


def choose_abstain_threshold(
    top_scores: Sequence[float | None], expect_none: Sequence[bool], grid: Sequence[float]
) -> tuple[float, float]:
    """(threshold, abstain accuracy): the lowest grid value with the best accuracy when a
    method abstains below the threshold (a case without any score always abstains)."""
    best = (grid[0], -1.0)
    for threshold in grid:
        right = [
            abstain_correct(top is None or top < threshold, none)
            for top, none in zip(top_scores, expect_none, strict=True)
        ]
        accuracy = _mean(right)
        if accuracy > best[1] + 1e-12:
            best = (threshold, accuracy)
    return best


# cohort --------------------------------------------------------------------------------
def normalise_pair(a: str, b: str) -> Pair:
    """An unordered pair as a sorted tuple."""
    return (a, b) if a <= b else (b, a)


def pair_recall(produced: Iterable[Pair], reference: Iterable[Pair]) -> float:
    """Share of reference pairs (unordered) that the produced pairing reproduces."""
    ref = {normalise_pair(a, b) for a, b in reference}
    if not ref:
        return 0.0
    got = {normalise_pair(a, b) for a, b in produced}
    return len(ref & got) / len(ref)


def capacity_overruns(produced: Iterable[Pair], open_slots: Mapping[str, int]) -> int:
    """Partners given beyond each person's open slots, summed over people."""
    load = Counter(pid for pair in produced for pid in pair)
    return sum(max(0, count - open_slots.get(pid, 0)) for pid, count in load.items())


def constraint_violations(
    produced: Sequence[Pair], conflict: Callable[[str, str], bool], open_slots: Mapping[str, int]
) -> int:
    """Pairs on one reporting line (``conflict(a, b)`` is true) plus capacity overruns."""
    on_one_line = sum(1 for a, b in produced if conflict(a, b))
    return on_one_line + capacity_overruns(produced, open_slots)


def matched_fraction(produced: Iterable[Pair], open_slots: Mapping[str, int]) -> float:
    """People in at least one pair, over the people who could take a partner (open slots > 0)."""
    able = {pid for pid, slots in open_slots.items() if slots > 0}
    if not able:
        return 0.0
    matched = {pid for pair in produced for pid in pair}
    return len(matched & able) / len(able)


def pair_score_stats(scores: Sequence[float]) -> tuple[float, float]:
    """(mean, min) of the produced pairs' scores; (0, 0) for an empty pairing."""
    if not scores:
        return 0.0, 0.0
    return float(sum(scores) / len(scores)), float(min(scores))
