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
from dataclasses import dataclass

import numpy as np

from assistant.match.batch import Side
from assistant.match.constraints import ReportingLines
from assistant.match.preferences import PeopleTable, PreferenceWeights
from assistant.match.scoring import ScoringConfig
from assistant.match.vocabulary_check import Profile, VocabularyCheck
from assistant.models import Participant

#: float32 cells a block may hold at once (about 64 MB each); sets the block size
BLOCK_CELLS = 16_000_000


def _distinct(side: Side) -> tuple[np.ndarray, np.ndarray]:
    """Index of each statement's text among the distinct texts, and their vectors."""
    index: dict[str, int] = {}
    ids = np.asarray([index.setdefault(t, len(index)) for t in side.texts], dtype=np.int64)
    first = np.zeros(len(index), dtype=np.int64)
    first[ids[::-1]] = np.arange(len(ids))[::-1]
    return ids, side.vectors[first]


def _slots(side: Side, ids: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per position k: the people with more than k statements and their k-th text id."""
    out = []
    for k in range(int(side.count.max()) if len(side.count) else 0):
        who = np.flatnonzero(side.count > k)
        out.append((who, ids[side.start[who] + k]))
    return out


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
        self.offer_slots = _slots(offers, self.offer_ids)
        self.want_slots = _slots(wants, self.want_ids)
        self.offers, self.wants = offers, wants
        self.offer_profile: Profile | None = None
        self.want_profile: Profile | None = None
        if check is not None:
            self.offer_profile = check.profile(self.offer_texts, remember=False)
            self.want_profile = check.profile(self.want_texts, remember=False)

    def block_size(self) -> int:
        widest = max(len(self.want_texts), len(self.offer_texts), self.n, 1)
        return int(max(64, min(4096, BLOCK_CELLS // widest)))

    def _strength(self, want_ids: np.ndarray | None, offer_ids: np.ndarray | None) -> np.ndarray:
        """Calibrated, vocabulary-checked strengths between distinct want and offer texts."""
        wv = self.want_texts if want_ids is None else self.want_texts[want_ids]
        ov = self.offer_texts if offer_ids is None else self.offer_texts[offer_ids]
        strength = self.config.calibrate(wv @ ov.T)
        if self.check is not None:
            assert self.want_profile is not None and self.offer_profile is not None
            wp = self.want_profile if want_ids is None else _pick(self.want_profile, want_ids)
            op = self.offer_profile if offer_ids is None else _pick(self.offer_profile, offer_ids)
            self.check.apply(strength, wp, op)
        return strength

    def _blend(self, total: np.ndarray, top: np.ndarray, counts: np.ndarray) -> np.ndarray:
        mean = total / counts
        return (self.config.breadth * mean + (1 - self.config.breadth) * top).astype(np.float32)

    def teaches(self, rows: np.ndarray) -> np.ndarray:
        """``[a, j]``: how well rows[a]'s offers cover j's wants (rows of ``teach_matrix``)."""
        counts = self.offers.count[rows]
        positions = [np.flatnonzero(counts > k) for k in range(int(counts.max(initial=0)))]
        ids = [self.offer_ids[self.offers.start[rows[has]] + k]
               for k, has in enumerate(positions)]
        distinct, inverse = np.unique(np.concatenate(ids or [np.zeros(0, np.int64)]),
                                      return_inverse=True)
        strength_t = np.ascontiguousarray(self._strength(None, distinct).T)  # offer x want
        best = np.zeros((len(rows), len(self.want_texts)), dtype=np.float32)
        start = 0
        for has in positions:  # best offer of each teacher for every distinct want text
            part = strength_t[inverse[start : start + len(has)]]
            best[has] = np.maximum(best[has], part)
            start += len(has)
        return self._aggregate_wants(best, self.want_slots, self.wants.count)

    def learns(self, rows: np.ndarray) -> np.ndarray:
        """``[a, j]``: how well j's offers cover rows[a]'s wants (columns of ``teach_matrix``)."""
        counts = self.wants.count[rows]
        positions = [np.flatnonzero(counts > k) for k in range(int(counts.max(initial=0)))]
        ids = [self.want_ids[self.wants.start[rows[has]] + k] for k, has in enumerate(positions)]
        distinct, inverse = np.unique(np.concatenate(ids or [np.zeros(0, np.int64)]),
                                      return_inverse=True)
        strength = self._strength(distinct, None)  # distinct want x distinct offer
        best = np.zeros((self.n, len(distinct)), dtype=np.float32)
        for who, oids in self.offer_slots:  # best offer of each teacher for these wants
            best[who] = np.maximum(best[who], strength[:, oids].T)
        slots = []
        start = 0
        for has in positions:
            slots.append((has, inverse[start : start + len(has)]))
            start += len(has)
        return self._aggregate_wants(best, slots, counts).T.copy()

    def _aggregate_wants(
        self, best: np.ndarray, slots: list[tuple[np.ndarray, np.ndarray]], counts: np.ndarray,
    ) -> np.ndarray:
        """Blend of mean and best coverage over each learner's wants (columns)."""
        total = np.zeros((best.shape[0], len(counts)), dtype=np.float32)
        top = np.zeros_like(total)
        for who, ids in slots:
            part = best[:, ids]
            total[:, who] += part
            np.maximum(top[:, who], part, out=part)
            top[:, who] = part
        return self._blend(total, top, np.maximum(counts, 1)[None, :])

    def block(self, rows: np.ndarray) -> BlockScores:
        rows = np.asarray(rows, dtype=np.int64)
        teaches, learns = self.teaches(rows), self.learns(rows)
        reciprocal = self.config.fuse(teaches, learns).astype(np.float32)
        bonus = self.table.bonus(rows, np.arange(self.n), self.weights).astype(np.float32)
        return BlockScores(rows, teaches, learns, reciprocal, reciprocal + bonus)


def _pick(profile: Profile, ids: np.ndarray) -> Profile:
    return Profile(profile.affinity[ids], profile.top[ids], profile.top_affinity[ids])


class Rules:
    """Who may be paired: open slots (after locks), not on one reporting line, not
    excluded nor already locked together, and a reciprocal score of at least ``floor``."""

    def __init__(self, people: list[Participant], slots: np.ndarray, floor: float,
                 blocked: Iterable[tuple[int, int]] = ()) -> None:
        self.slots = slots
        self.floor = floor
        index = {p.id: i for i, p in enumerate(people)}
        lines = ReportingLines(people)
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
class CandidateGraph:
    """Each person's best acceptable partners (edges ``i < j``), and what is known of the
    rest: no acceptable pair outside the graph scores above ``min(bound[i], bound[j])``."""

    ei: np.ndarray
    ej: np.ndarray
    score: np.ndarray           #: float64, what the pairing maximises
    reciprocal: np.ndarray
    bound: np.ndarray           #: -inf: every acceptable partner of the person is in the graph
    acceptable: np.ndarray      #: how many acceptable partners each person has
    best_partner: np.ndarray    #: who has the highest reciprocity with each (acceptable or not)
    best_reciprocal: np.ndarray
    k: int

    @property
    def n(self) -> int:
        return len(self.bound)

    @property
    def eligible_edges(self) -> int:
        return int(self.acceptable.sum()) // 2


@dataclass
class Streamed:
    """What one streaming pass found for some people (rows)."""

    rows: np.ndarray
    pairs: np.ndarray           #: [2, m] person, partner
    score: np.ndarray
    reciprocal: np.ndarray
    bound: np.ndarray           #: per row
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
                   np.full(len(rows), -np.inf), np.zeros(len(rows), np.int64),
                   np.full(len(rows), -1, np.int64), np.zeros(len(rows), np.float32), {})
    size = scorer.block_size()
    take = min(k, n)
    for start in range(0, len(rows), size):
        rows_b = rows[start : start + size]
        here = slice(start, start + len(rows_b))
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
            out.bound[start + np.flatnonzero(full)] = kth
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
