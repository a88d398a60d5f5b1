"""Our cohort solver against its peers on the same graph (cohorts of up to a few thousand).

The graph is every acceptable pair of the cohort (dense scores, as the evaluation
uses them). On it:

* **ours**: :func:`assistant.match.pair_cohort` (column generation, LP bound, proof);
* **plain MILP**: the same 0/1 program handed to HiGHS whole, every edge at once;
* **greedy**: highest score first while both still have open slots;
* **networkx** ``max_weight_matching``: the classic blossom algorithm, which only knows
  one partner each, so it runs on the one-partner version of the graph (everyone with
  an open slot gets exactly one), against ours and greedy on that same version.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from assistant.match import CohortScores, ScoringConfig, SolverOptions, pair_cohort
from assistant.match.pairs import Rules
from assistant.match.solver import solve


def _graph(scores: CohortScores, floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                         np.ndarray]:
    people = scores.people
    slots = np.array([p.open_slots for p in people], dtype=np.int64)
    rules = Rules(people, slots, floor)
    ok = rules.mask(np.arange(len(people)), scores.reciprocal)
    ei, ej = np.nonzero(np.triu(ok & ok.T, 1))
    return ei, ej, scores.score[ei, ej].astype(np.float64), slots


def _greedy(ei: np.ndarray, ej: np.ndarray, w: np.ndarray, slots: np.ndarray) -> float:
    left = slots.copy()
    total = 0.0
    for e in np.argsort(-w, kind="stable").tolist():
        i, j = ei[e], ej[e]
        if left[i] > 0 and left[j] > 0:
            left[i] -= 1
            left[j] -= 1
            total += float(w[e])
    return total


def _plain_milp(ei: np.ndarray, ej: np.ndarray, w: np.ndarray, slots: np.ndarray,
                time_limit: float) -> tuple[float, str]:
    m = len(ei)
    a = sparse.csr_matrix((np.ones(2 * m), (np.r_[ei, ej], np.r_[np.arange(m), np.arange(m)])),
                          shape=(len(slots), m))
    res = milp(-w, integrality=np.ones(m), bounds=Bounds(0, 1),
               constraints=LinearConstraint(a, -np.inf, slots.astype(float)),
               options={"mip_rel_gap": 0.0, "time_limit": time_limit})
    value = -float(res.fun) if res.x is not None else 0.0
    return value, {0: "optimal", 1: "time limit"}.get(int(res.status), str(res.message))


def _timed(fn: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def compare(scores: CohortScores, config: ScoringConfig, time_limit: float = 600.0,
            networkx_up_to: int = 2000) -> dict[str, Any]:
    """Time and total weight of each method on the same graph (see the module docstring)."""
    ei, ej, w, slots = _graph(scores, config.pair_floor)
    n = len(slots)
    ours, t_ours = _timed(lambda: pair_cohort(scores, config))
    (plain, plain_status), t_plain = _timed(lambda: _plain_milp(ei, ej, w, slots, time_limit))
    greedy, t_greedy = _timed(lambda: _greedy(ei, ej, w, slots))
    out: dict[str, Any] = {
        "people": n, "edges": len(ei),
        "ours": {"seconds": t_ours, "weight": ours.total_score, "status": ours.status},
        "plain_milp": {"seconds": t_plain, "weight": plain, "status": plain_status},
        "greedy": {"seconds": t_greedy, "weight": greedy},
    }
    out["ratios"] = {
        "greedy_weight_vs_ours": greedy / ours.total_score if ours.total_score else 0.0,
        "plain_milp_seconds_vs_ours": t_plain / t_ours if t_ours else 0.0,
    }
    if n <= networkx_up_to:
        out["one_partner"] = _one_partner(ei, ej, w, slots)
    return out


def _one_partner(ei: np.ndarray, ej: np.ndarray, w: np.ndarray, slots: np.ndarray
                 ) -> dict[str, Any]:
    import networkx as nx

    one = np.minimum(slots, 1)
    n = len(slots)
    ours, t_ours = _timed(lambda: solve(n, one, ei, ej, w, np.full(n, -np.inf), None,
                                        SolverOptions()))
    graph = nx.Graph()
    graph.add_weighted_edges_from(zip(ei.tolist(), ej.tolist(), w.tolist(), strict=True))
    matching, t_nx = _timed(lambda: nx.max_weight_matching(graph))
    nx_weight = float(sum(graph[a][b]["weight"] for a, b in matching))
    greedy, t_greedy = _timed(lambda: _greedy(ei, ej, w, one))
    return {
        "ours": {"seconds": t_ours, "weight": ours.value, "status": ours.status},
        "networkx": {"seconds": t_nx, "weight": nx_weight},
        "greedy": {"seconds": t_greedy, "weight": greedy},
        "ratios": {"networkx_seconds_vs_ours": t_nx / t_ours if t_ours else 0.0,
                   "networkx_weight_vs_ours": nx_weight / ours.value if ours.value else 0.0},
    }
