"""Exact pair scores of a whole cohort, streamed a block of people at a time.

A cohort of n people has n^2 pairs; at 10k or 50k people their score matrix does not
fit in memory, and the pairing needs only each person's best partners plus a proof that
nobody else could do better. :class:`PairScorer` computes the exact scores of a block of
people against everyone (both directions, the reciprocity, the soft preferences), and
:func:`build_graph` keeps each person's ``k`` best acceptable partners, the score below
which every partner left out lies (``bound``), and what the reasons for the unmatched
need (best partner overall, how many acceptable partners).

The same steps as :func:`assistant.match.scoring.teach_matrix`, arranged for blocks:
identical statement texts share one vector, so similarities are computed between
*distinct* texts; a teacher's best offer for every wanted text is a running maximum over
the teacher's offers (one array operation per offer position, not per person), and a
learner's score a running sum and maximum over their wants.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from assistant.match.batch import Side
from assistant.match.constraints import ReportingLines
from assistant.match.preferences import PeopleTable, PreferenceWeights
from assistant.match.scoring import ScoringConfig
from assistant.match.vocabulary_check import Profile, VocabularyCheck
from assistant.models import Participant

#: float32 cells a block's arrays may hold (2 MB each); sets the block size. At 10,000
#: people, 500,000 (50 rows a block) paired as fast as 2,000,000 (11.5 vs 12.0 s) and
#: peaked 110 MB lower (765 vs 876 MB for `pairing match`)
BLOCK_CELLS = 500_000


def _distinct(side: Side) -> tuple[np.ndarray, np.ndarray]:
    """Index of each statement's text among the distinct texts, and their vectors."""
    index: dict[str, int] = {}
    ids = np.asarray([index.setdefault(t, len(index)) for t in side.texts], dtype=np.int64)
    first = np.zeros(len(index), dtype=np.int64)
    first[ids[::-1]] = np.arange(len(ids))[::-1]
    return ids, side.vectors[first]


class _Slots:
    """The statements of some people by position: people sorted by how many statements
    they have (most first), so that the k-th statements of those who have one are a
    prefix, and a maximum or sum over each person's statements is a few contiguous
    array operations (much faster than ``np.maximum.reduceat`` on short groups)."""

    def __init__(self, side: Side, ids: np.ndarray, people: np.ndarray) -> None:
        counts = side.count[people]
        self.perm = np.argsort(-counts, kind="stable")
        self.order = people[self.perm]
        ordered = side.count[self.order]
        self.ends = [int((ordered > k).sum()) for k in range(int(ordered.max(initial=0)))]
        self.counts = ordered
        self.index = [ids[side.start[self.order[:m]] + k] for k, m in enumerate(self.ends)]

    def distinct(self) -> np.ndarray:
        """The distinct indexes used, and each position's indexes remapped onto them."""
        flat = np.concatenate(self.index or [np.zeros(0, np.int64)])
        distinct, inverse = np.unique(flat, return_inverse=True)
        start = 0
        for k, m in enumerate(self.ends):
            self.index[k] = inverse[start : start + m]
            start += m
        return distinct

    def reduce(self, source: np.ndarray, lo: int = 0, hi: int | None = None,
               total: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """For people ``order[lo:hi]``: the maximum (and sum) of ``source`` rows over
        their statements; zeros for people without any."""
        hi = len(self.order) if hi is None else hi
        top = np.zeros((hi - lo, source.shape[1]), dtype=np.float32)
        sums = np.zeros_like(top) if total else None
        for k, m in enumerate(self.ends):
            end = min(m, hi)
            if end <= lo:
                break
            part = source[self.index[k][lo:end]]
            if k == 0:
                top[: end - lo] = part
                if sums is not None:
                    sums[: end - lo] = part
                continue
            np.maximum(top[: end - lo], part, out=top[: end - lo])
            if sums is not None:
                sums[: end - lo] += part
        return top, sums


@dataclass
class BlockScores:
    """Scores of the people ``rows`` against everyone (``[len(rows), n]``)."""

    rows: np.ndarray
    teaches: np.ndarray   #: ``[a, j]``: rows[a] teaches j
    learns: np.ndarray    #: ``[a, j]``: j teaches rows[a]
    reciprocal: np.ndarray
    score: np.ndarray


class PairScorer:
    """Exact scores of any block of people against the whole cohort."""

    def __init__(
        self, people: list[Participant], offers: Side, wants: Side, config: ScoringConfig,
        weights: PreferenceWeights, check: VocabularyCheck | None = None,
    ) -> None:
        self.people = people
        self.n = len(people)
        self.config = config
        self.weights = weights
        self.check = check
        self.table = PeopleTable(people)
        self.offer_ids, self.offer_texts = _distinct(offers)
        self.want_ids, self.want_texts = _distinct(wants)
        self.offers, self.wants = offers, wants
        everyone = np.arange(self.n)
        self.teachers = _Slots(offers, self.offer_ids, everyone)
        self.learners = _Slots(wants, self.want_ids, everyone)
        self.offer_profile: Profile | None = None
        self.want_profile: Profile | None = None
        if check is not None:
            self.offer_profile = check.profile(self.offer_texts, remember=False)
            self.want_profile = check.profile(self.want_texts, remember=False)

    def block_size(self) -> int:
        return int(max(32, min(2048, BLOCK_CELLS // max(self.n, 1))))

    def order(self) -> np.ndarray:
        """Everyone, people with the same wants next to each other: a block then holds
        fewer distinct wanted texts, and each is compared with every offer once a block."""
        first = np.full(self.n, -1, dtype=np.int64)
        has = self.wants.count > 0
        first[has] = self.want_ids[self.wants.start[has]]
        return np.lexsort((np.arange(self.n), self.wants.count, first)).astype(np.int64)

    def _strength(self, want_ids: np.ndarray | None, offer_ids: np.ndarray | None) -> np.ndarray:
        """Calibrated, vocabulary-checked strengths between distinct want and offer texts."""
        wv = self.want_texts if want_ids is None else self.want_texts[want_ids]
        ov = self.offer_texts if offer_ids is None else self.offer_texts[offer_ids]
        strength = self.config.calibrate_in_place(wv @ ov.T)
        if self.check is not None:
            assert self.want_profile is not None and self.offer_profile is not None
            wp = self.want_profile if want_ids is None else _pick(self.want_profile, want_ids)
            op = self.offer_profile if offer_ids is None else _pick(self.offer_profile, offer_ids)
            self.check.apply(strength, wp, op)
        return strength

    def _blend(self, top: np.ndarray, total: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Mean and best coverage blended (float32), in place in ``total``."""
        total /= np.maximum(counts, 1).astype(np.float32)[:, None]
        total *= np.float32(self.config.breadth)
        top *= np.float32(1 - self.config.breadth)
        total += top
        return total

    def _chunks(self, width: int) -> list[tuple[int, int]]:
        """Slices of everyone such that a slice times ``width`` stays small."""
        step = max(1, BLOCK_CELLS // max(width, 1) // 4)
        return [(lo, min(self.n, lo + step)) for lo in range(0, self.n, step)]

    def teaches(self, rows: np.ndarray) -> np.ndarray:
        """``[a, j]``: how well rows[a]'s offers cover j's wants (``teach_matrix[rows]``)."""
        mine = _Slots(self.offers, self.offer_ids, rows)
        distinct = mine.distinct()
        strength_t = np.ascontiguousarray(self._strength(None, distinct).T)  # offer x want
        best, _ = mine.reduce(strength_t)  # each teacher's best offer for every want text
        best_t = np.ascontiguousarray(best.T)  # distinct want x teacher (mine.order)
        out = np.empty((self.n, len(rows)), dtype=np.float32)
        learners = self.learners
        for lo, hi in self._chunks(len(rows)):
            top, total = learners.reduce(best_t, lo, hi, total=True)
            assert total is not None
            out[learners.order[lo:hi]] = self._blend(top, total, learners.counts[lo:hi])
        result = np.empty((len(rows), self.n), dtype=np.float32)
        result[mine.perm] = out.T
        return result

    def learns(self, rows: np.ndarray) -> np.ndarray:
        """``[a, j]``: how well j's offers cover rows[a]'s wants (``teach_matrix[:, rows].T``)."""
        mine = _Slots(self.wants, self.want_ids, rows)
        distinct = mine.distinct()
        strength_t = np.ascontiguousarray(self._strength(distinct, None).T)  # offer x want
        best = np.empty((self.n, len(distinct)), dtype=np.float32)
        teachers = self.teachers
        for lo, hi in self._chunks(len(distinct)):  # each teacher's best offer for each want
            best[teachers.order[lo:hi]], _ = teachers.reduce(strength_t, lo, hi)
        best_t = np.ascontiguousarray(best.T)  # distinct want x teacher
        top, total = mine.reduce(best_t, total=True)
        assert total is not None
        result = np.empty((len(rows), self.n), dtype=np.float32)
        result[mine.perm] = self._blend(top, total, mine.counts)
        return result

    def block(self, rows: np.ndarray) -> BlockScores:
        rows = np.asarray(rows, dtype=np.int64)
        with ThreadPoolExecutor(max_workers=1) as pool:  # numpy releases the GIL
            teaching = pool.submit(self.teaches, rows)
            learns = self.learns(rows)
            teaches = teaching.result()
        reciprocal = self.config.fuse(teaches, learns).astype(np.float32, copy=False)
        score = self.table.bonus(rows, np.arange(self.n), self.weights, np.float32)
        score += reciprocal
        return BlockScores(rows, teaches, learns, reciprocal, score)


def _pick(profile: Profile, ids: np.ndarray) -> Profile:
    return Profile(profile.affinity[ids], profile.top[ids], profile.top_affinity[ids])


class Rules:
    """Who may be paired: open slots (after locks), not kept apart by the reporting-line
    rule (``lines``, default reach when not given), not excluded nor already locked
    together, and a reciprocal score of at least ``floor``."""

    def __init__(self, people: list[Participant], slots: np.ndarray, floor: float,
                 blocked: Iterable[tuple[int, int]] = (),
                 lines: ReportingLines | None = None) -> None:
        self.slots = slots
        self.floor = floor
        index = {p.id: i for i, p in enumerate(people)}
        lines = lines if lines is not None else ReportingLines(people)
        pairs = [(i, index[a]) for i, p in enumerate(people) for a in lines.ancestors(p.id)
                 if a in index]
        pairs += [(i, j) for i, j in blocked]
        both = np.asarray(pairs + [(j, i) for i, j in pairs], dtype=np.int64).reshape(-1, 2)
        both = both[np.lexsort((both[:, 1], both[:, 0]))]
        #: for each person, the people they may never be paired with (CSR rows)
        self.indptr = np.searchsorted(both[:, 0], np.arange(len(people) + 1))
        self.never = both[:, 1]

    def mask(self, rows: np.ndarray, reciprocal: np.ndarray) -> np.ndarray:
        ok = (reciprocal >= self.floor) & (self.slots[rows] > 0)[:, None]
        ok &= (self.slots > 0)[None, :]
        ok[np.arange(len(rows)), rows] = False
        counts = self.indptr[rows + 1] - self.indptr[rows]
        at = np.repeat(self.indptr[rows], counts) + np.arange(int(counts.sum())) - np.repeat(
            np.cumsum(counts) - counts, counts)
        ok[np.repeat(np.arange(len(rows)), counts), self.never[at]] = False
        return ok


@dataclass
class Streamed:
    """What one streaming pass found; per-person arrays are filled for ``rows`` only."""

    rows: np.ndarray
    pairs: np.ndarray           #: [2, m] person, partner
    score: np.ndarray
    reciprocal: np.ndarray
    bound: np.ndarray           #: -inf: every acceptable partner is among the pairs
    acceptable: np.ndarray
    best_partner: np.ndarray
    best_reciprocal: np.ndarray
    asked: dict[tuple[int, int], tuple[float, float]]


def stream(scorer: PairScorer, rules: Rules, k: int, rows: np.ndarray,
           ask: Iterable[tuple[int, int]] = ()) -> Streamed:
    """Score ``rows`` against everyone, a block at a time, keeping each row's ``k`` best
    acceptable partners; ``ask`` lists pairs whose (score, reciprocal) to report too."""
    n = scorer.n
    wanted: dict[int, list[int]] = {}
    for i, j in ask:
        wanted.setdefault(i, []).append(j)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    out = Streamed(rows, np.zeros((2, 0), np.int64), np.zeros(0), np.zeros(0, np.float32),
                   np.full(n, -np.inf), np.zeros(n, np.int64), np.full(n, -1, np.int64),
                   np.zeros(n, np.float32), {})
    size = scorer.block_size()
    take = min(k, n)
    for start in range(0, len(rows), size):
        rows_b = rows[start : start + size]
        here = rows_b
        block = scorer.block(rows_b)
        local = np.arange(len(rows_b))
        for a, i in enumerate(rows_b.tolist()):
            for j in wanted.get(i, []):
                out.asked[(i, j)] = (float(block.score[a, j]), float(block.reciprocal[a, j]))
        anyone = block.reciprocal.copy()
        anyone[local, rows_b] = -1.0
        best = anyone.argmax(axis=1)
        out.best_partner[here] = best
        out.best_reciprocal[here] = anyone[local, best]
        ok = rules.mask(rows_b, block.reciprocal)
        counts = ok.sum(axis=1)
        out.acceptable[here] = counts
        masked = np.where(ok, block.score, -np.inf)
        if take < n:
            top = np.argpartition(-masked, take - 1, axis=1)[:, :take]
        else:
            top = np.broadcast_to(np.arange(n), masked.shape)
        vals = masked[local[:, None], top]
        a_idx, col = np.nonzero(np.isfinite(vals))
        partner = top[a_idx, col]
        parts.append((np.stack([rows_b[a_idx], partner]), block.score[a_idx, partner],
                      block.reciprocal[a_idx, partner], a_idx))
        full = counts > take  # the k-th best acceptable score bounds everyone left out
        if full.any():
            kth = np.where(np.isfinite(vals[full]), vals[full], np.inf).min(axis=1)
            out.bound[rows_b[full]] = kth
    if parts:
        out.pairs = np.concatenate([p[0] for p in parts], axis=1)
        out.score = np.concatenate([p[1] for p in parts]).astype(np.float64)
        out.reciprocal = np.concatenate([p[2] for p in parts])
    return out


def merge_edges(
    n: int, pairs: np.ndarray, score: np.ndarray, reciprocal: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Undirected edges ``i < j`` without repeats (the first occurrence's scores)."""
    lo, hi = np.minimum(pairs[0], pairs[1]), np.maximum(pairs[0], pairs[1])
    _, first = np.unique(lo * n + hi, return_index=True)
    return lo[first], hi[first], score[first], reciprocal[first]
