"""Match stage: reciprocal scoring, hard constraints, evidence, abstention, cohort pairing."""

from assistant.match.cohort import (
    CohortResult,
    CohortScores,
    Pair,
    cohort_scores,
    pair_cohort,
    pair_people,
)
from assistant.match.constraints import (
    DEFAULT_LINE_LEVELS,
    CandidateFilter,
    ReportingLines,
    line_rule,
)
from assistant.match.engine import Candidate, Matcher, MatchResult, Request, Snapshot
from assistant.match.preferences import PreferenceWeights, soft_adjustment, working_overlap
from assistant.match.reasons import DropKind, DropReason, FilterKind, Flag, FlagKind
from assistant.match.scoring import FUSIONS, Link, ScoringConfig, direction, teach_matrix
from assistant.match.solver import SolverOptions
from assistant.match.vocabulary_check import CheckConfig, VocabularyCheck

__all__ = [
    "DEFAULT_LINE_LEVELS",
    "FUSIONS",
    "Candidate",
    "CandidateFilter",
    "CheckConfig",
    "CohortResult",
    "CohortScores",
    "DropKind",
    "DropReason",
    "FilterKind",
    "Flag",
    "FlagKind",
    "Link",
    "MatchResult",
    "Matcher",
    "Pair",
    "PreferenceWeights",
    "ReportingLines",
    "Request",
    "ScoringConfig",
    "Snapshot",
    "SolverOptions",
    "VocabularyCheck",
    "cohort_scores",
    "direction",
    "line_rule",
    "pair_cohort",
    "pair_people",
    "soft_adjustment",
    "teach_matrix",
    "working_overlap",
]
