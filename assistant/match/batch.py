"""Reciprocal scoring of many candidates at once, as array operations.

:func:`assistant.match.scoring.direction` scores one candidate: a matrix of statement
similarities, calibrated, weakened by the vocabulary check, the best offer for each
want, then the blend of best and mean coverage. Here the same steps run over every
candidate of a request in one matrix: the candidates' statements are laid side by side
(grouped by person, a *segment* each) and the per-candidate maxima, arg-maxima and means
are segment reductions (``np.maximum.reduceat`` and friends). ``tests/test_match.py``
holds the results equal to the scalar path, candidate by candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.match.scoring import Link, ScoringConfig
from assistant.match.vocabulary_check import Profile, VocabularyCheck
from assistant.models import StatementKind
from assistant.store.base import StatementMatrix


@dataclass
class Side:
    """Every stored statement of one kind, grouped by person (in the snapshot's order) and,
    within a person, in profile order."""

    texts: list[str]
    vectors: np.ndarray  #: [statement, dim]
    owner: np.ndarray    #: person index of each statement
    start: np.ndarray    #: first statement of each person
    count: np.ndarray    #: number of statements of each person
    profile: Profile | None = None  #: the vocabulary's view of every statement, when used

    @classmethod
    def of(cls, matrix: StatementMatrix, position: dict[str, int]) -> Side:
        n = len(position)
        keep = [i for i, st in enumerate(matrix.statements) if st.participant_id in position]
        keep.sort(key=lambda i: (position[matrix.statements[i].participant_id],
                                 matrix.statements[i].index))
        owner = np.asarray([position[matrix.statements[i].participant_id] for i in keep],
                           dtype=np.int64)
        count = np.bincount(owner, minlength=n).astype(np.int64)
        start = (np.cumsum(count) - count).astype(np.int64)
        dim = matrix.vectors.shape[1] if matrix.vectors.ndim == 2 else 0
        if keep == list(range(len(matrix.statements))):  # the store's order: no copy
            vectors = np.ascontiguousarray(matrix.vectors, dtype=np.float32)
        else:
            vectors = (np.ascontiguousarray(matrix.vectors[keep], dtype=np.float32) if keep
                       else np.zeros((0, dim), dtype=np.float32))
        return cls([matrix.statements[i].text for i in keep], vectors, owner, start, count)

    def rows(self, people: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Statement rows of ``people`` laid side by side, and where each person's begins."""
        counts = self.count[people]
        starts = np.cumsum(counts) - counts
        rows = np.repeat(self.start[people] - starts, counts) + np.arange(int(counts.sum()))
        return rows.astype(np.int64), starts.astype(np.int64)

    def texts_of(self, person: int) -> list[str]:
        s = int(self.start[person])
        return self.texts[s : s + int(self.count[person])]


@dataclass
class Batch:
    """Both directions for each candidate, and what is needed to show the evidence."""

    people: np.ndarray      #: snapshot index of each candidate
    teaches: np.ndarray     #: float32, candidate's offers against the request's wants
    learns: np.ndarray      #: float32, request's offers against the candidate's wants
    misread: np.ndarray     #: every offer linked to a wanted statement is something else
    # teach direction: [want, candidate] column of the chosen offer, its similarity,
    # strength and vocabulary reason (-1: none)
    t_col: np.ndarray
    t_sim: np.ndarray
    t_strength: np.ndarray
    t_why: np.ndarray
    t_cols: np.ndarray      #: offer row of each column
    # learn direction, one row per candidate want statement: chosen request offer, ...
    l_best: np.ndarray
    l_sim: np.ndarray
    l_strength: np.ndarray
    l_why: np.ndarray
    l_start: np.ndarray     #: first row of each candidate
    l_rows: np.ndarray      #: want row of each row
    #: both directions as the ranking reads them (``teaches``/``learns`` when not relative)
    teaches_rank: np.ndarray
    learns_rank: np.ndarray
    #: the ranking's ceilings (None: not relative)
    ceilings: Ceilings | None = None


@dataclass(frozen=True)
class Ceilings:
    """The ranking's ceiling of each wanted statement of a request, and of each offered
    one (``ScoringConfig.relative_ceiling``), from the closest candidates."""

    wants: np.ndarray
    offers: np.ndarray


def _strengths(
    want_vecs: np.ndarray, offer_vecs: np.ndarray, config: ScoringConfig,
    check: VocabularyCheck | None, wants: Profile | None, offers: Profile | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Similarities, calibrated strengths with the vocabulary's factors, its reasons and
    the factors themselves."""
    sims = want_vecs @ offer_vecs.T
    strengths = config.calibrate(sims)
    why = factors = None
    if check is not None and wants is not None and offers is not None:
        factors, why = check.factors(wants, offers)
        strengths = strengths * factors
    return sims, strengths, why, factors


def _ranked(config: ScoringConfig, sims: np.ndarray, why: np.ndarray | None,
            factors: np.ndarray | None, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Ceilings along ``axis`` of ``sims`` (1: one per row, from the closest column; 0:
    one per column) from the links the vocabulary left alone, and the strengths under
    them (with the vocabulary's factors)."""
    kept = sims if why is None else np.where(why < 0, sims, -np.inf)
    ceilings = config.rank_ceilings(kept.max(axis=axis))
    ranked = config.calibrate_rows(sims, ceilings, columns=axis == 0)
    return ceilings, ranked if factors is None else ranked * factors


def _blend(config: ScoringConfig, mean: np.ndarray, top: np.ndarray) -> np.ndarray:
    """:meth:`ScoringConfig.aggregate` for many candidates (float32, as there)."""
    return (config.breadth * mean + (1 - config.breadth) * top).astype(np.float32)


def _blend_rows(config: ScoringConfig, best: np.ndarray, seg: np.ndarray,
                counts: np.ndarray) -> np.ndarray:
    """:func:`_blend` of each candidate's rows (one per want of theirs, starting at
    ``seg``): the mean and the maximum of ``best`` over them."""
    mean = np.add.reduceat(best, seg) / counts
    return _blend(config, mean.astype(np.float32), np.maximum.reduceat(best, seg))


def score_batch(
    offers: Side, wants: Side, people: np.ndarray, want_vecs: np.ndarray,
    offer_vecs: np.ndarray, config: ScoringConfig, check: VocabularyCheck | None,
    relative: bool = True,
) -> Batch:
    """Score the candidates ``people`` (snapshot indices) for a request whose wants and
    offers are ``want_vecs`` and ``offer_vecs``. ``relative``: rank the asked-for
    direction against the closest offer among these candidates
    (``ScoringConfig.relative_ceiling``); off for one person scored alone."""
    relative = relative and config.relative_ceiling is not None
    people = np.asarray(people, dtype=np.int64)
    n = len(people)
    profile = check.profile if check is not None else None
    teaches = np.zeros(n, dtype=np.float32)
    teaches_rank = np.zeros(n, dtype=np.float32)
    misread = np.zeros(n, dtype=bool)
    q = len(want_vecs)
    ceilings = Ceilings(np.full(q, config.ceiling, dtype=np.float32),
                        np.full(len(offer_vecs), config.ceiling, dtype=np.float32))
    t_col = np.zeros((q, n), dtype=np.int64)
    t_sim = np.zeros((q, n), dtype=np.float32)
    t_strength = np.zeros((q, n), dtype=np.float32)
    t_why = np.full((q, n), -1, dtype=np.int64)
    cols, starts = offers.rows(people)
    has = offers.count[people] > 0
    if q and len(cols):
        sims, strengths, why, factors = _strengths(
            want_vecs, offers.vectors[cols], config, check,
            profile(want_vecs) if profile else None,
            _rows(offers.profile, cols),
        )
        # the closest offer among equally strong ones, the first among equal keys
        key = strengths + 1e-6 * sims
        seg = starts[has]
        top = np.maximum.reduceat(key, seg, axis=1)
        segment = np.repeat(np.arange(len(seg)), offers.count[people][has])
        first = np.where(key == top[:, segment], np.arange(len(cols)), len(cols))
        chosen = np.minimum.reduceat(first, seg, axis=1)
        rows = np.arange(q)[:, None]
        t_col[:, has] = chosen
        t_sim[:, has] = sims[rows, chosen]
        t_strength[:, has] = strengths[rows, chosen]
        best = t_strength[:, has]
        teaches[has] = _blend(config, best.mean(axis=0), best.max(axis=0))
        if relative:
            wanted, ranked = _ranked(config, sims, why, factors, axis=1)
            ceilings = Ceilings(wanted, ceilings.offers)
            top_rank = np.maximum.reduceat(ranked, seg, axis=1)
            teaches_rank[has] = _blend(config, top_rank.mean(axis=0), top_rank.max(axis=0))
        if why is not None:
            t_why[:, has] = why[rows, chosen]
            misread[has] = (t_why[:, has] >= 0).all(axis=0)

    learns = np.zeros(n, dtype=np.float32)
    learns_rank = np.zeros(n, dtype=np.float32)
    w_rows, w_starts = wants.rows(people)
    m = len(w_rows)
    l_best = np.zeros(m, dtype=np.int64)
    l_sim = np.zeros(m, dtype=np.float32)
    l_strength = np.zeros(m, dtype=np.float32)
    l_why = np.full(m, -1, dtype=np.int64)
    if len(offer_vecs) and m:
        sims, strengths, why, factors = _strengths(
            wants.vectors[w_rows], offer_vecs, config, check,
            _rows(wants.profile, w_rows), profile(offer_vecs) if profile else None,
        )
        l_best = (strengths + 1e-6 * sims).argmax(axis=1)
        r = np.arange(m)
        l_sim, l_strength = sims[r, l_best], strengths[r, l_best]
        if why is not None:
            l_why = why[r, l_best]
        has_w = wants.count[people] > 0
        seg, counts = w_starts[has_w], wants.count[people][has_w]
        learns[has_w] = _blend_rows(config, l_strength, seg, counts)
        if relative:
            offered, ranked = _ranked(config, sims, why, factors, axis=0)
            ceilings = Ceilings(ceilings.wants, offered)
            learns_rank[has_w] = _blend_rows(config, ranked.max(axis=1), seg, counts)
    if not relative:
        teaches_rank, learns_rank = teaches, learns
    return Batch(people, teaches, learns, misread, t_col, t_sim, t_strength, t_why, cols,
                 l_best, l_sim, l_strength, l_why, w_starts, w_rows, teaches_rank,
                 learns_rank, ceilings if relative else None)


def closest_kept(batch: Batch) -> np.ndarray:
    """Each candidate's closest link to the asker's wants that the vocabulary check left
    alone (float64; a weakened link counts 0.0, as no link): what :func:`exactness` and
    :func:`plain` both read."""
    if not len(batch.t_sim):
        return np.zeros(len(batch.people))
    return np.where(batch.t_why < 0, batch.t_sim.astype(np.float64), 0.0).max(axis=0)


def exactness(batch: Batch, config: ScoringConfig, has_offers: bool,
              teach_top: np.ndarray) -> np.ndarray:
    """:meth:`ScoringConfig.exactness` of every candidate (float64, as there): how far each
    direction's closest link the vocabulary left alone (``teach_top``:
    :func:`closest_kept`) rises above the ceiling."""
    n = len(batch.people)

    def headroom(top: np.ndarray) -> np.ndarray:
        room = (top - config.ceiling) / max(1 - config.ceiling, 1e-6)
        return np.minimum(np.maximum(room, 0.0), 1.0)

    teach_room = headroom(teach_top)
    if not has_offers:
        return config.exact_weight * teach_room
    learn_top = np.zeros(n)
    counts = np.diff(np.append(batch.l_start, len(batch.l_rows)))
    has = counts > 0
    if has.any():
        learn = np.where(batch.l_why < 0, batch.l_sim.astype(np.float64), 0.0)
        learn_top[has] = np.maximum.reduceat(learn, batch.l_start[has])
    w = config.reverse_weight
    return config.exact_weight * ((1 - w) * teach_room + w * headroom(learn_top))


def plain(teach_top: np.ndarray, config: ScoringConfig) -> np.ndarray:
    """:meth:`ScoringConfig.plain` of every candidate (float64, as there), from each one's
    closest kept link (:func:`closest_kept`)."""
    return config.plain_weight * np.maximum(teach_top, 0.0)


def bonuses(batch: Batch, config: ScoringConfig, has_offers: bool) -> np.ndarray:
    """:func:`exactness` plus :func:`plain` of every candidate, the closest kept link read
    once for both."""
    top = closest_kept(batch)
    return exactness(batch, config, has_offers, top) + plain(top, config)


def _rows(profile: Profile | None, rows: np.ndarray) -> Profile | None:
    if profile is None:
        return None
    return Profile(profile.affinity[rows], profile.top[rows], profile.top_affinity[rows])


def links(
    batch: Batch, c: int, offers: Side, wants: Side, request_wants: list[str],
    request_offers: list[str], check: VocabularyCheck | None,
) -> tuple[list[Link], list[Link]]:
    """The evidence of candidate ``c`` of the batch, both ways, as the scalar path gives it."""
    person = int(batch.people[c])
    reason = check.reason if check is not None else (lambda k: "")
    to_asker: list[Link] = []
    if request_wants and offers.count[person]:
        for i, want in enumerate(request_wants):
            row = int(batch.t_cols[batch.t_col[i, c]])
            to_asker.append(Link(want, offers.texts[row], float(batch.t_sim[i, c]),
                                 float(batch.t_strength[i, c]), reason(int(batch.t_why[i, c]))))
        to_asker.sort(key=lambda link: -link.similarity)
    to_cand: list[Link] = []
    if request_offers and wants.count[person]:
        s = int(batch.l_start[c])
        for r in range(s, s + int(wants.count[person])):
            to_cand.append(Link(wants.texts[int(batch.l_rows[r])],
                                request_offers[int(batch.l_best[r])], float(batch.l_sim[r]),
                                float(batch.l_strength[r]), reason(int(batch.l_why[r]))))
        to_cand.sort(key=lambda link: -link.similarity)
    return to_asker, to_cand


KINDS: tuple[StatementKind, StatementKind] = ("offer", "want")
