"""What an evaluation run measured: per method, per case, per suite (no I/O here).

Kept apart from :mod:`assistant.evaluation.runner` (which produces these) and
:mod:`assistant.evaluation.report` (which prints them) so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluation import metrics as m
from assistant.evaluation.baselines import Ranking
from assistant.evaluation.suite import QueryCase

OURS = "reciprocal"
TOP_K = 10
COHORT_METHODS = (OURS, "greedy", "stable_roommates")


@dataclass
class MethodCase:
    """One method's answer to one case: what it presented (empty if it abstained)."""

    ranking: Ranking
    abstained: bool
    metrics: dict[str, float]
    #: the best score the method saw, even when it abstained (for calibrating thresholds)
    top_score: float | None = None


@dataclass
class CaseResult:
    """A query case with the parsed request and every method's answer."""

    case: QueryCase
    kind: str
    parsed: dict[str, Any]
    wants: list[str]
    offers: list[str]
    methods: dict[str, MethodCase]
    near_misses: Ranking = field(default_factory=list)

    @property
    def ranked(self) -> bool:
        return m.is_ranked_case(self.case.relevant, self.case.expect_none)

    def reasons(self, method: str = OURS) -> list[str]:
        """Why ``method`` failed this case (empty when it did not)."""
        out = self.case_reasons(method)
        if method == OURS and self.kind not in ("candidates", "abstain"):
            out.insert(0, f"parse: the chat answered '{self.kind}', not a search")
        return out

    def case_reasons(self, method: str) -> list[str]:
        res = self.methods[method]
        case = self.case
        out: list[str] = []
        if case.expect_none and not res.abstained:
            shown = "presented candidates" if res.ranking else "presented nobody"
            out.append(f"abstain: {shown} without saying nobody fits, and nobody should")
        if not case.expect_none and res.abstained:
            out.append("abstain: said nobody fits, but someone does")
        excluded = [pid for pid in case.must_exclude if pid in {i for i, _ in res.ranking}]
        if excluded:
            out.append(f"exclusion: {', '.join(excluded)} in the top {TOP_K}")
        if self.ranked and not res.abstained and res.metrics["hit@1"] < 1:
            ids = [pid for pid, _ in res.ranking]
            found = [r for r, pid in enumerate(ids, 1) if case.relevant.get(pid, 0) >= 1]
            where = f"first relevant at rank {found[0]}" if found else "no relevant id in top 10"
            out.append(f"ranking: hit@1 miss, {where}")
        return out


@dataclass
class SuiteReport:
    """Everything measured on one suite."""

    name: str
    description: str
    path: Path
    split: str
    methods: dict[str, dict[str, float]]
    cohort: dict[str, dict[str, float]]
    cohort_notes: dict[str, str]
    cases: list[CaseResult]
    counts: dict[str, int]
    people: dict[str, str]
    seconds: float = 0.0

    @property
    def failures(self) -> list[CaseResult]:
        """Cases our method failed (hit@1 miss, wrong abstention or exclusion violation)."""
        return [c for c in self.cases if c.reasons(OURS)]
