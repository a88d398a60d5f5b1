"""Maximum-weight b-matching with HiGHS (through SciPy), certified by its LP relaxation.

The edges come from a candidate graph: each person's best acceptable partners, and for
everyone else a bound (no acceptable pair outside the graph scores above
``min(bound[i], bound[j])``). The method:

1. solve the LP relaxation on an active edge set (each person's ``start_k`` best edges),
   add every graph edge whose reduced cost ``w_e - y_u - y_v`` is positive, repeat;
2. prove the LP optimal for the *whole* cohort: a pair outside the graph could only
   have a positive reduced cost when ``min(bound) > y_u + y_v``; people in such pairs get
   more partners from ``more`` (their scores streamed again with a larger ``k``) until no
   pair could. The LP value ``z_LP`` is then an upper bound on any pairing;
3. solve the 0/1 program on the active set (value ``z_IP``); every edge that could be in
   a better solution has reduced cost at least ``-(z_LP - z_IP)`` (reduced-cost fixing),
   so add those edges and solve again. When that set is small enough to add and HiGHS
   proves the integer optimum, the pairing is optimal for the whole cohort; otherwise
   the result states its proven gap ``(z_LP - z_IP) / z_LP``.

HiGHS's status is read, never assumed: a time limit or a gap tolerance that stops the
integer search early is reported as such, with the gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

#: more partners for some people: (people, k) -> (pairs [2, m], scores, new bounds)
More = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray, np.ndarray]]
TOL = 1e-9
#: graph edges added to the LP per round at most (the most violated first)
ROUND_EDGES = 20_000
#: people who may be streamed again in one round to complete a proof
MAX_DEEPEN = 2_000
#: edges reduced-cost fixing may add to the integer program
FIX_EDGES = 50_000


@dataclass(frozen=True)
class SolverOptions:
    """How long and how exactly to search for the integer optimum."""

    #: seconds HiGHS may spend on each integer solve (None: no limit)
    time_limit: float | None = None
    #: stop the integer search once within this relative gap (0: prove the optimum)
    mip_rel_gap: float = 0.0
    #: edges per person in the first LP
    start_k: int = 8


@dataclass
class Solution:
    chosen: list[tuple[int, int]]
    value: float
    #: proven upper bound on the value of any pairing of the whole cohort
    bound: float
    optimal: bool
    #: "optimal", or why not: "time limit", "gap tolerance", "not proven for all pairs"
    status: str
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative distance to the best possible pairing (0 when proven optimal)."""
        if self.optimal or self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.value) / self.bound)


class _Edges:
    """The candidate graph's edges, growing as people get more partners."""

    def __init__(self, n: int, ei: np.ndarray, ej: np.ndarray, w: np.ndarray) -> None:
        self.n = n
        self.ei, self.ej, self.w = ei.astype(np.int64), ej.astype(np.int64), w.astype(float)
        self.keys = self.ei * n + self.ej
        self.active = np.zeros(len(ei), dtype=bool)

    def add(self, pairs: np.ndarray, w: np.ndarray) -> int:
        lo, hi = np.minimum(pairs[0], pairs[1]), np.maximum(pairs[0], pairs[1])
        keys, first = np.unique(lo * self.n + hi, return_index=True)
        new = ~np.isin(keys, self.keys)
        self.ei = np.r_[self.ei, lo[first][new]]
        self.ej = np.r_[self.ej, hi[first][new]]
        self.w = np.r_[self.w, w[first][new].astype(float)]
        self.keys = np.r_[self.keys, keys[new]]
        self.active = np.r_[self.active, np.zeros(int(new.sum()), dtype=bool)]
        return int(new.sum())


def _incidence(n: int, ei: np.ndarray, ej: np.ndarray) -> sparse.csr_matrix:
    m = len(ei)
    cols = np.r_[np.arange(m), np.arange(m)]
    return sparse.csr_matrix((np.ones(2 * m), (np.r_[ei, ej], cols)), shape=(n, m))


def _lp(n: int, e: _Edges, slots: np.ndarray) -> tuple[float, np.ndarray]:
    idx = np.flatnonzero(e.active)
    res = linprog(-e.w[idx], A_ub=_incidence(n, e.ei[idx], e.ej[idx]),
                  b_ub=slots.astype(float), bounds=(0, 1), method="highs")
    if res.status != 0:
        raise RuntimeError(f"the LP relaxation failed: {res.message}")
    return -float(res.fun), -np.asarray(res.ineqlin.marginals)


def _outside(bound: np.ndarray, y: np.ndarray, e: _Edges, slack: float) -> np.ndarray:
    """People in some pair outside the graph whose reduced cost may exceed ``-slack``."""
    n = len(bound)
    cand = np.flatnonzero(bound - y > -slack + TOL)  # y >= 0, so the partner adds nothing
    if len(cand) < 2:
        return np.zeros(0, dtype=np.int64)
    hit = np.zeros(n, dtype=bool)
    cb, cy = bound[cand], y[cand]
    for s in range(0, len(cand), 512):
        a = cand[s : s + 512]
        rc = np.minimum(cb[s : s + 512, None], cb[None, :]) - cy[s : s + 512, None] - cy[None, :]
        rows, cols = np.nonzero(rc > -slack + TOL)
        u, v = a[rows], cand[cols]
        keep = u < v
        u, v = u[keep], v[keep]
        if len(u):
            new = ~np.isin(u * n + v, e.keys)
            hit[u[new]] = True
            hit[v[new]] = True
    return np.flatnonzero(hit)


def _greedy(n: int, e: _Edges, idx: np.ndarray, slots: np.ndarray) -> np.ndarray:
    left = slots.copy()
    take = np.zeros(len(idx), dtype=bool)
    for pos in np.argsort(-e.w[idx], kind="stable"):
        i, j = e.ei[idx[pos]], e.ej[idx[pos]]
        if left[i] > 0 and left[j] > 0:
            left[i] -= 1
            left[j] -= 1
            take[pos] = True
    return take


def _ip(n: int, e: _Edges, slots: np.ndarray, options: SolverOptions
        ) -> tuple[np.ndarray, float, str]:
    """0/1 solution on the active edges: (chosen edge indices, value, status)."""
    idx = np.flatnonzero(e.active)
    opts: dict[str, float] = {"mip_rel_gap": options.mip_rel_gap}
    if options.time_limit is not None:
        opts["time_limit"] = options.time_limit
    res = milp(-e.w[idx], integrality=np.ones(len(idx)), bounds=Bounds(0, 1),
               constraints=LinearConstraint(_incidence(n, e.ei[idx], e.ej[idx]), -np.inf,
                                            slots.astype(float)), options=opts)
    if res.x is None:  # stopped before any solution: fall back on the greedy one
        take = _greedy(n, e, idx, slots)
        status = "time limit" if res.status == 1 else f"solver: {res.message}"
    else:
        take = np.round(res.x).astype(bool)
        if res.status == 1:
            status = "time limit"
        elif res.status == 0 and float(getattr(res, "mip_gap", 0.0) or 0.0) > TOL:
            status = "gap tolerance"
        elif res.status == 0:
            status = "optimal"
        else:
            status = f"solver: {res.message}"
    return idx[take], float(e.w[idx[take]].sum()), status


def solve(
    n: int, slots: np.ndarray, ei: np.ndarray, ej: np.ndarray, w: np.ndarray,
    bound: np.ndarray, more: More | None = None, options: SolverOptions | None = None,
    k: int = 0,
) -> Solution:
    """Pair to maximise the total weight; ``bound``/``more`` as in the module docstring."""
    opts = options or SolverOptions()
    stats: dict[str, float] = {"candidate_edges": float(len(ei)), "lp_rounds": 0.0,
                               "deepened": 0.0}
    if len(ei) == 0 and not np.isfinite(bound).any():
        return Solution([], 0.0, 0.0, True, "optimal", stats)
    e = _Edges(n, ei, ej, w)
    bound = bound.astype(float).copy()
    depth = np.full(n, k, dtype=np.int64)
    order = np.argsort(-e.w, kind="stable")
    per = np.zeros(n, dtype=np.int64)
    for pos in order:  # each person's start_k best edges
        i, j = e.ei[pos], e.ej[pos]
        if per[i] < opts.start_k or per[j] < opts.start_k:
            e.active[pos] = True
            per[i] += 1
            per[j] += 1

    def deepen(people: np.ndarray) -> bool:
        """Stream ``people`` again with twice their ``k``; True if anything changed."""
        if more is None or len(people) == 0:
            return False
        people = people[:MAX_DEEPEN]
        size = np.maximum(depth[people] * 2, 8)
        for k_new in np.unique(size).tolist():
            group = people[size == k_new]
            pairs, scores, new_bound = more(group, int(k_new))
            depth[group] = k_new
            bound[group] = new_bound
            stats["deepened"] += len(group)
            e.add(pairs, scores)
        return True

    while True:  # column generation on the LP relaxation, then the proof for all pairs
        stats["lp_rounds"] += 1
        z_lp, y = _lp(n, e, slots) if e.active.any() else (0.0, np.zeros(n))
        rc = np.where(e.active, -np.inf, e.w - y[e.ei] - y[e.ej])
        violated = np.flatnonzero(rc > TOL)
        if len(violated):
            if len(violated) > ROUND_EDGES:
                violated = violated[np.argsort(-rc[violated])[:ROUND_EDGES]]
            e.active[violated] = True
            continue
        if not deepen(_outside(bound, y, e, 0.0)):
            break
    chosen, z_ip, status = _ip(n, e, slots, opts)
    complete = True
    slack = z_lp - z_ip
    if status == "optimal" and slack > TOL * max(1.0, abs(z_lp)):
        # reduced-cost fixing: only edges with reduced cost >= -slack can be in a pairing
        # better than this one; add them all (if few enough) and solve again
        people = _outside(bound, y, e, slack)
        if len(people) <= MAX_DEEPEN:
            deepen(people)
            complete = not len(_outside(bound, y, e, slack))
        else:
            complete = False
        extra = ~e.active & (e.w - y[e.ei] - y[e.ej] >= -slack - TOL)
        if extra.sum() > FIX_EDGES:
            complete = False
        elif extra.any():
            e.active |= extra
            stats["fixing_added"] = float(extra.sum())
            chosen, z_ip, status = _ip(n, e, slots, opts)
    optimal = status == "optimal" and complete
    if z_ip >= z_lp - TOL * max(1.0, abs(z_lp)):  # the proven bound is reached
        optimal, status = True, "optimal"
    if status == "optimal" and not optimal:
        status = "not proven for all pairs"
    stats.update(lp_bound=z_lp, ip_value=z_ip, active_edges=float(e.active.sum()),
                 graph_edges=float(len(e.w)))
    pairs = list(zip(e.ei[chosen].tolist(), e.ej[chosen].tolist(), strict=True))
    return Solution(pairs, z_ip, max(z_lp, z_ip), optimal, status, stats)
