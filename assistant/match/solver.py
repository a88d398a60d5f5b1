"""Maximum-weight b-matching with HiGHS (through SciPy), certified by LP bounds.

The edges come from a candidate graph: each person's best acceptable partners, and for
everyone else a bound ``tau`` (no acceptable pair outside the graph scores above
``min(tau[u], tau[v])``; ``-inf`` when all of a person's acceptable pairs are in it).

1. **LP relaxation** on the graph (value ``z_LP``, duals ``y``), and an integer pairing
   from it: the edges the LP takes whole, then the best remaining edges greedily.
2. **Reduced-cost fixing**: an edge whose reduced cost ``w_e - y_u - y_v`` is below
   ``-(z_LP - greedy)`` cannot be in a better pairing, so the 0/1 program goes to HiGHS
   on the few edges left (usually a small fraction of the graph), which proves the
   optimum on the graph.
3. **Bound for the whole cohort**: with ``l_v = tau_v / 2`` every pair outside the graph
   has ``w <= l_u + l_v``, so ``sum(b_v l_v) + LP(graph, w_e - l_u - l_v)`` bounds any
   pairing of the cohort (a second LP). The result states its gap to this bound; it is
   optimal when HiGHS proved the optimum on a graph that holds every acceptable pair,
   or when its total reaches the bound.
4. While the gap is above ``gap_goal``, the people whose bound is loosest get more
   partners (``more``: their scores streamed again with a larger ``k``) and 1-3 repeat.

HiGHS's status is read, never assumed: a time limit that stops the integer search early
is reported as such, with the gap.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from assistant.allocator import release_freed

#: more partners for some people: (people, k) -> (pairs [2, m], scores, new tau)
More = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray, np.ndarray]]
TOL = 1e-9
#: people who may be streamed again in one round to tighten the bound
MAX_DEEPEN = 2_000
#: on a graph of each person's best partners (not every acceptable pair), the integer
#: search runs only when this few edges are left to decide; the LP rounded is already
#: within a hair of the LP, and the bound for pairs outside the graph dominates the gap
MIP_EDGES = 2_000
#: how HiGHS solves the LP relaxations: interior point (with HiGHS's crossover to a
#: vertex, so edges the LP takes whole are read as before), no presolve. The matching LP
#: has nothing for presolve to remove, and HiGHS's copies of the model cost memory: at
#: 10,000 people (168,978 edges) the LP peaked 184 MB above where it started with dual
#: simplex and presolve (5.9 s), 134 MB without presolve (5.6 s), 109 MB by interior
#: point without presolve (3.6 s); the pairing step of a 10k probe 975 -> 910 MiB,
#: same pairs and bound
LP_METHOD = "highs-ipm"
LP_PRESOLVE = False


@dataclass(frozen=True)
class SolverOptions:
    """How long and how exactly to search."""

    #: seconds HiGHS may spend on each integer solve (None: no limit)
    time_limit: float | None = None
    #: stop the integer search once within this relative gap (0: prove the optimum)
    mip_rel_gap: float = 0.0
    #: give people more partners while the proven gap is above this (and rounds remain);
    #: the promise is a gap of at most 1%, and a further round costs about as much as the
    #: first (50,000 people: one round, 256 s and a proven gap of 0.50%; going on to
    #: 0.25% took 318 s in an otherwise identical run)
    gap_goal: float = 0.01
    rounds: int = 3


@dataclass
class Solution:
    chosen: list[tuple[int, int]]
    value: float
    #: proven upper bound on the value of any pairing of the whole cohort
    bound: float
    optimal: bool
    #: "optimal", or why not: "time limit", "not proven for all pairs", ...
    status: str
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative distance to the best possible pairing (0 when proven optimal)."""
        if self.optimal or self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.value) / self.bound)


def _incidence(n: int, ei: np.ndarray, ej: np.ndarray) -> sparse.csr_matrix:
    m = len(ei)
    cols = np.r_[np.arange(m), np.arange(m)]
    return sparse.csr_matrix((np.ones(2 * m), (np.r_[ei, ej], cols)), shape=(n, m))


def _lp(n: int, ei: np.ndarray, ej: np.ndarray, w: np.ndarray, slots: np.ndarray
        ) -> tuple[float, np.ndarray, np.ndarray]:
    """LP relaxation: value, solution and vertex duals."""
    if len(ei) == 0:
        return 0.0, np.zeros(0), np.zeros(n)
    res = linprog(-w, A_ub=_incidence(n, ei, ej), b_ub=slots.astype(float), bounds=(0, 1),
                  method=LP_METHOD, options={"presolve": LP_PRESOLVE})
    release_freed()  # HiGHS frees about 150 MB of small blocks at 10,000 people
    if res.status != 0:
        raise RuntimeError(f"the LP relaxation failed: {res.message}")
    return -float(res.fun), np.asarray(res.x), -np.asarray(res.ineqlin.marginals)


def _greedy(ei: np.ndarray, ej: np.ndarray, w: np.ndarray, slots: np.ndarray,
            first: np.ndarray) -> np.ndarray:
    """A pairing: the edges in ``first`` order, then by weight, while slots remain."""
    left = slots.copy()
    take = np.zeros(len(ei), dtype=bool)
    order = np.r_[first, np.argsort(-w, kind="stable")]
    for e in order.tolist():
        i, j = ei[e], ej[e]
        if not take[e] and left[i] > 0 and left[j] > 0:
            left[i] -= 1
            left[j] -= 1
            take[e] = True
    return take


def _ip(n: int, ei: np.ndarray, ej: np.ndarray, w: np.ndarray, slots: np.ndarray,
        options: SolverOptions) -> tuple[np.ndarray | None, str]:
    """0/1 program on these edges: the chosen mask (None if HiGHS found none), status."""
    if len(ei) == 0:
        return np.zeros(0, dtype=bool), "optimal"
    opts: dict[str, float] = {"mip_rel_gap": options.mip_rel_gap}
    if options.time_limit is not None:
        opts["time_limit"] = options.time_limit
    res = milp(-w, integrality=np.ones(len(ei)), bounds=Bounds(0, 1),
               constraints=LinearConstraint(_incidence(n, ei, ej), -np.inf,
                                            slots.astype(float)), options=opts)
    if res.status == 0:
        gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
        status = "optimal" if gap <= TOL else "gap tolerance"
    elif res.status == 1:
        status = "time limit"
    else:
        status = f"solver: {res.message}"
    return (None if res.x is None else np.round(res.x).astype(bool)), status


def _integer(n: int, ei: np.ndarray, ej: np.ndarray, w: np.ndarray, slots: np.ndarray,
             rc: np.ndarray, take: np.ndarray, slack: float, options: SolverOptions,
             limit: int | None) -> tuple[np.ndarray, str]:
    """The best pairing on these edges, starting from ``take`` (``slack`` below the LP).

    Reduced-cost fixing: a pairing better than ``take`` has every edge whose reduced cost
    exceeds ``slack`` and none below ``-slack``, so HiGHS only decides the edges in
    between, with the slots the others leave. ``limit``: skip the search (status
    "rounded") when more edges than this are left to decide.
    """
    one = rc > slack + 1e-7
    free = np.flatnonzero(np.abs(rc) <= slack + 1e-7)
    if limit is not None and len(free) > limit:
        return take, "rounded"
    left = slots - np.bincount(np.r_[ei[one], ej[one]], minlength=n)
    mask, status = _ip(n, ei[free], ej[free], w[free], np.maximum(left, 0), options)
    if mask is not None:
        better = one.copy()
        better[free[mask]] = True
        if float(w[better].sum()) > float(w[take].sum()):
            take = better
    return take, status


def solve(
    n: int, slots: np.ndarray, ei: np.ndarray, ej: np.ndarray, w: np.ndarray,
    tau: np.ndarray, more: More | None = None, options: SolverOptions | None = None,
    k: int = 0,
) -> Solution:
    """Pair to maximise the total weight; see the module docstring for the method."""
    opts = options or SolverOptions()
    stats: dict[str, float] = {"lp_seconds": 0.0, "ip_seconds": 0.0, "deepen_seconds": 0.0,
                               "deepened": 0.0, "rounds": 0.0}
    ei, ej, w = ei.astype(np.int64), ej.astype(np.int64), w.astype(np.float64)
    tau = tau.astype(np.float64).copy()
    depth = np.full(n, max(k, 1), dtype=np.int64)
    slots = slots.astype(np.int64)
    while True:
        stats["rounds"] += 1
        started = time.perf_counter()
        z_lp, x, y = _lp(n, ei, ej, w, slots)
        whole = np.flatnonzero(x > 1 - 1e-6)
        take = _greedy(ei, ej, w, slots, whole[np.argsort(-w[whole], kind="stable")])
        value = float(w[take].sum())
        rc = w - y[ei] - y[ej]
        stats["lp_seconds"] += time.perf_counter() - started
        started = time.perf_counter()
        status = "optimal"
        complete = not np.isfinite(tau).any()
        if value < z_lp - TOL * max(1.0, z_lp):
            # every acceptable pair in the graph: prove the optimum; otherwise the
            # bound for pairs outside dominates the gap, search only when cheap
            take, status = _integer(n, ei, ej, w, slots, rc, take, z_lp - value, opts,
                                    None if complete else MIP_EDGES)
            value = float(w[take].sum())
        stats["ip_seconds"] += time.perf_counter() - started
        started = time.perf_counter()
        bound = z_lp
        if not complete:  # no pair outside the graph scores above ell_u + ell_v
            ell = np.where(np.isfinite(tau), np.maximum(tau, 0.0) / 2, 0.0)
            cut = w - ell[ei] - ell[ej]
            pos = cut > 0
            bound = float(slots @ ell) + _lp(n, ei[pos], ej[pos], cut[pos], slots)[0]
            bound = max(bound, z_lp)
        stats["lp_seconds"] += time.perf_counter() - started
        reached = value >= bound - 1e-7 * max(1.0, bound)
        # outside pairs cannot do better when (tau_v + slack) / 2 <= y_v for everyone
        slack = max(0.0, z_lp - value)
        short = np.isfinite(tau) & ((np.maximum(tau, 0) + slack) / 2 > y + 1e-9)
        optimal = reached or (status == "optimal" and not short.any())
        gap = 0.0 if optimal else (bound - value) / bound if bound > 0 else 0.0
        if (optimal or gap <= opts.gap_goal or more is None or not short.any()
                or stats["rounds"] >= opts.rounds or status == "time limit"):
            break
        # the people whose partners outside the graph are not ruled out get more of them
        loose = np.flatnonzero(short)
        excess = np.maximum(tau[loose], 0) - 2 * y[loose]
        loose = loose[np.argsort(-excess, kind="stable")][:MAX_DEEPEN]
        started = time.perf_counter()
        for size in np.unique(depth[loose] * 4).tolist():
            group = loose[depth[loose] * 4 == size]
            pairs, scores, new_tau = more(group, int(size))
            depth[group] = size
            tau[group] = new_tau
            lo, hi = np.minimum(pairs[0], pairs[1]), np.maximum(pairs[0], pairs[1])
            first = np.unique(np.r_[ei * n + ej, lo * n + hi], return_index=True)[1]
            every = np.r_[w, scores]
            ei, ej, w = np.r_[ei, lo][first], np.r_[ej, hi][first], every[first]
            stats["deepened"] += len(group)
        stats["deepen_seconds"] += time.perf_counter() - started
    if not optimal and status == "optimal":
        status = "not proven for all pairs"
    stats.update(lp_bound=z_lp, bound=bound, ip_value=value, graph_edges=float(len(ei)))
    chosen = list(zip(ei[take].tolist(), ej[take].tolist(), strict=True))
    return Solution(chosen, value, max(bound, value), optimal,
                    "optimal" if optimal else status, stats)
