"""Reciprocal scoring: how well one side's offers cover the other side's wants, both ways.

A statement pair's cosine similarity is mapped onto [0, 1] between ``floor`` (no
match) and ``ceiling`` (full match). One direction's score blends the best
single match with the mean coverage over every wanted statement (``breadth``).
The two directions are fused so that one-sided candidates sink; the harmonic
mean is the default (see the eval reports for the alternatives measured).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from assistant.match.vocabulary_check import CheckConfig, VocabularyCheck

FUSIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "harmonic": lambda a, b: np.where(a + b > 0, 2 * a * b / np.maximum(a + b, 1e-9), 0.0),
    "geometric": lambda a, b: np.sqrt(np.clip(a, 0, None) * np.clip(b, 0, None)),
    "min": np.minimum,
    "mean": lambda a, b: (a + b) / 2,
}


@dataclass(frozen=True)
class ScoringConfig:
    """Knobs of the reciprocal score; defaults were set on the dev split of the eval suites."""

    floor: float = 0.20
    ceiling: float = 0.60
    breadth: float = 0.35
    #: symmetric fusion of a pair's two directions (pair reciprocity, cohort pairing)
    fusion: str = "harmonic"
    #: ranking of candidates for a request: ``gated`` = teach x (1 - w + w x learn), so the
    #: skill asked for comes first and one-sided candidates sink below reciprocal ones;
    #: any name of :data:`FUSIONS` works too (the eval reports compare them)
    request_fusion: str = "gated"
    reverse_weight: float = 0.45
    #: a candidate who teaches the asked-for skill less well than this is not a match;
    #: when nobody reaches it the assistant abstains
    abstain_below: float = 0.40
    #: once someone clears ``abstain_below``, others are listed down to this strength
    list_below: float = 0.20
    #: lowest pair reciprocity the cohort pairing accepts
    pair_floor: float = 0.30
    #: ranking bonus for exactness: strengths saturate at ``ceiling``, so a want worded
    #: exactly as what you offer ("Budgeting" for "budgeting") and one that merely relates
    #: ("Planning my career in finance", cosine 0.65) would tie at 1.0; up to this much
    #: is added for how far each direction's closest statement pair rises above the
    #: ceiling (the size of a soft preference: it orders near ties, never a weak match
    #: above a good one)
    exact_weight: float = 0.05
    #: ranking only: per wanted statement, the ceiling of the asked-for direction rises
    #: to the closest offer among the candidates minus this (offers the vocabulary check
    #: weakened do not count), so that when someone names the skill outright, a
    #: neighbouring skill (Japanese for Mandarin, Excel formulas for Power BI) no longer
    #: ranks as fully taught and reciprocity cannot lift it above them; the same for the
    #: other direction, per offer of the asker, from the closest want among the
    #: candidates. Shown strengths, abstention and the flags keep the fixed ceiling;
    #: None: fixed for ranking too. Measured on dev (evals/README.md): blind hit@1
    #: 0.709 -> 0.747, conversation 0.833 -> 0.875, at a cost of about 0.01 ndcg@5 on
    #: demo and traps
    relative_ceiling: float | None = 0.10
    #: ranking only: the plain retriever's score of a candidate (the closest cosine
    #: between a wanted statement and one of their offers, as a vector-store search
    #: ranks them; a link the vocabulary check weakened counts 0) is added with this
    #: weight. Strengths saturate at the ceiling, and what a candidate wants can lift a
    #: looser teacher above one who offers the very skill asked for; the plain cosine
    #: puts the nearest offer first among close reciprocal scores. Chosen on the dev
    #: splits (evals/README.md, "Fused with the plain retriever"): hit@1 summed over six
    #: suites +0.055 for -0.008 of ndcg@5; 0: off
    plain_weight: float = 1.0
    #: abstain when a language is asked for and everyone who clears ``abstain_below``
    #: teaches only other languages ("Mandarin" for "Japanese"; see
    #: :mod:`assistant.match.siblings`); they are shown as near misses instead
    sibling_abstain: bool = True
    #: reporting-line rule: never pair people within this many levels of one management
    #: chain (2: manager and skip-level, reports and their reports); None: the whole chain
    reporting_levels: int | None = 2
    #: links the skills vocabulary says are misreadings (see
    #: :mod:`assistant.match.vocabulary_check`); factors of 1.0 turn a rule off
    vocabulary_check: CheckConfig = field(default_factory=CheckConfig)

    def calibrate(self, cosine: np.ndarray) -> np.ndarray:
        span = max(self.ceiling - self.floor, 1e-6)
        return np.clip((np.asarray(cosine, dtype=np.float32) - self.floor) / span, 0.0, 1.0)

    def calibrate_in_place(self, cosine: np.ndarray) -> np.ndarray:
        """:meth:`calibrate` of a float32 array, overwriting it (same arithmetic)."""
        span = max(self.ceiling - self.floor, 1e-6)
        np.subtract(cosine, self.floor, out=cosine)
        np.divide(cosine, span, out=cosine)
        return np.clip(cosine, 0.0, 1.0, out=cosine)

    def calibrate_rows(self, cosine: np.ndarray, ceilings: np.ndarray,
                       columns: bool = False) -> np.ndarray:
        """:meth:`calibrate` with a ceiling per row (float32), or per column."""
        top = np.asarray(ceilings, dtype=np.float32)
        top = top[None, :] if columns else top[:, None]
        span = np.maximum(top - np.float32(self.floor), np.float32(1e-6))
        return np.clip((np.asarray(cosine, dtype=np.float32) - np.float32(self.floor)) / span,
                       0.0, 1.0)

    def rank_ceilings(self, closest: np.ndarray) -> np.ndarray:
        """The ranking's ceiling of each wanted statement, from the closest offer among the
        candidates (see ``relative_ceiling``)."""
        fixed = np.full(len(closest), self.ceiling, dtype=np.float32)
        if self.relative_ceiling is None:
            return fixed
        return np.maximum(fixed, np.asarray(closest, dtype=np.float32)
                          - np.float32(self.relative_ceiling))

    def fuse(self, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
        try:
            fuse = FUSIONS[self.fusion]
        except KeyError:
            raise ValueError(f"unknown fusion '{self.fusion}' ({', '.join(FUSIONS)})") from None
        return np.asarray(fuse(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)))

    def rank(self, teaches: float, learns: float) -> float:
        """Ranking score of a candidate for a request (see ``request_fusion``)."""
        if self.request_fusion == "gated":
            w = self.reverse_weight
            return float(teaches * ((1 - w) + w * learns))
        fused = FUSIONS[self.request_fusion](np.asarray(teaches), np.asarray(learns))
        return float(fused)

    def exactness(self, teach: list[Link], learn: list[Link] | None) -> float:
        """Ranking bonus for how exactly the closest statements match, beyond the ceiling
        (``learn`` None: only one direction is known)."""
        def headroom(links: list[Link]) -> float:
            top = closest_kept_similarity(links)
            return min(max((top - self.ceiling) / max(1 - self.ceiling, 1e-6), 0.0), 1.0)

        if learn is None:
            return self.exact_weight * headroom(teach)
        w = self.reverse_weight
        return self.exact_weight * ((1 - w) * headroom(teach) + w * headroom(learn))

    def plain(self, teach: list[Link]) -> float:
        """The plain retriever's score fused into the ranking (see ``plain_weight``)."""
        return self.plain_weight * max(closest_kept_similarity(teach), 0.0)

    def rank_many(self, teaches: np.ndarray, learns: np.ndarray) -> np.ndarray:
        """:meth:`rank` of many candidates at once (float64, as :meth:`rank` computes)."""
        t, lr = np.asarray(teaches, dtype=np.float64), np.asarray(learns, dtype=np.float64)
        if self.request_fusion == "gated":
            w = self.reverse_weight
            return t * ((1 - w) + w * lr)
        return np.asarray(FUSIONS[self.request_fusion](t, lr), dtype=np.float64)

    def aggregate(self, best_per_want: np.ndarray) -> float:
        """One direction's score from the best match of each wanted statement."""
        if best_per_want.size == 0:
            return 0.0
        return float(self.breadth * best_per_want.mean() + (1 - self.breadth) * best_per_want.max())


@dataclass(frozen=True)
class Link:
    """Evidence: a wanted statement and the offered statement that covers it best."""

    want: str
    offer: str
    similarity: float
    strength: float
    #: why the vocabulary check weakened this link ("reads as snakes and reptiles"), or ""
    caveat: str = ""


def closest_kept_similarity(links: list[Link]) -> float:
    """The closest of ``links`` that the vocabulary check left alone (a weakened link is no
    exact match, however close); 0.0 when there is none. The scalar twin of
    :func:`assistant.match.batch.closest_kept`."""
    return max((link.similarity for link in links if not link.caveat), default=0.0)


def direction(
    want_vecs: np.ndarray, want_texts: list[str], offer_vecs: np.ndarray, offer_texts: list[str],
    config: ScoringConfig, check: VocabularyCheck | None = None,
) -> tuple[float, list[Link]]:
    """Score how well ``offer`` statements cover ``want`` statements, with the evidence."""
    if len(want_texts) == 0 or len(offer_texts) == 0:
        return 0.0, []
    sims = want_vecs @ offer_vecs.T
    strengths = config.calibrate(sims)
    reasons: list[list[str]] | None = None
    if check is not None:
        factors, reasons = check.between(want_vecs, offer_vecs)
        strengths = strengths * factors
    # among equally strong offers (several at the ceiling, or none above the floor)
    # the evidence is the closest one
    best = (strengths + 1e-6 * sims).argmax(axis=1)
    rows = np.arange(len(want_texts))
    raw, strength = sims[rows, best], strengths[rows, best]
    links = []
    for i in rows:
        j = int(best[i])
        links.append(Link(want_texts[i], offer_texts[j], float(raw[i]), float(strength[i]),
                          reasons[i][j] if reasons else ""))
    links.sort(key=lambda link: -link.similarity)
    return config.aggregate(strength), links


def rank_direction(
    want_vecs: np.ndarray, offer_vecs: np.ndarray, config: ScoringConfig,
    check: VocabularyCheck | None, ceilings: np.ndarray, by: str = "want",
) -> float:
    """A direction as the ranking reads it: :func:`direction`'s score with a ceiling per
    wanted statement (``by="want"``, the asked-for direction) or per offered statement
    (``by="offer"``, the asker's offers against a candidate's wants); see
    :meth:`ScoringConfig.rank_ceilings`."""
    if len(want_vecs) == 0 or len(offer_vecs) == 0:
        return 0.0
    sims = want_vecs @ offer_vecs.T
    strengths = config.calibrate_rows(sims, ceilings, columns=by == "offer")
    if check is not None:
        strengths = strengths * check.between(want_vecs, offer_vecs)[0]
    return config.aggregate(strengths.max(axis=1))


def teach_matrix(
    want_vecs: np.ndarray, want_owner: np.ndarray, offer_vecs: np.ndarray,
    offer_owner: np.ndarray, n_people: int, config: ScoringConfig, chunk: int = 4096,
    check: VocabularyCheck | None = None,
) -> np.ndarray:
    """``T[i, j]``: how well person i's offers cover person j's wants, for everyone at once.

    Statements must be sorted by owner index and every person must own at least one
    offer and one want (ingest guarantees both). Memory stays bounded by ``chunk`` rows.
    """
    offer_starts = np.flatnonzero(np.r_[True, offer_owner[1:] != offer_owner[:-1]])
    want_starts = np.flatnonzero(np.r_[True, want_owner[1:] != want_owner[:-1]])
    want_ends = np.r_[want_starts[1:], len(want_owner)]
    out = np.zeros((n_people, n_people), dtype=np.float32)
    if check is not None:
        want_profile = check.profile(want_vecs, remember=False)
        offer_profile = check.profile(offer_vecs, remember=False)
    g = 0
    while g < len(want_starts):
        h = g
        while h < len(want_starts) and want_ends[h] - want_starts[g] <= chunk:
            h += 1
        h = max(h, g + 1)
        rows = slice(int(want_starts[g]), int(want_ends[h - 1]))
        strength = config.calibrate(want_vecs[rows] @ offer_vecs.T)
        if check is not None:
            check.apply(strength, want_profile.rows(rows), offer_profile)
        best = np.maximum.reduceat(strength, offer_starts, axis=1)  # wants x teachers
        local = want_starts[g:h] - want_starts[g]
        counts = (want_ends[g:h] - want_starts[g:h])[:, None]
        top = np.maximum.reduceat(best, local, axis=0)
        mean = np.add.reduceat(best, local, axis=0) / counts
        learners = want_owner[want_starts[g:h]]
        teachers = offer_owner[offer_starts]
        block = config.breadth * mean + (1 - config.breadth) * top  # learners x teachers
        out[np.ix_(teachers, learners)] = block.T
        g = h
    return out
