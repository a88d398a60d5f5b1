"""Baselines the reciprocal method is compared against, on identical inputs.

Every query baseline gets the request our chat parsed (wants and offers after the
asker's profile filled in what the text left out) and the same eligible candidates
(:func:`eligible_people`: not the asker, not on the asker's reporting line, not full,
and the filters the request asked for), so the comparison isolates the *ranking*.

- :class:`KeywordOverlap`: what most skill-swap apps do. Distinct content words shared
  by the wanted skills and the candidate's offers, plus those shared by the offered
  skills and the candidate's wants. Abstains when the best score is 0.
- :class:`BM25Offers`: BM25 (``rank_bm25.BM25Okapi``) over each candidate's offers,
  queried with the wanted skills (one direction; the index is built once over the
  whole cohort). Abstains when the best score is 0.
- :class:`DenseOffers`: a plain vector-store retriever: the highest cosine between any
  wanted statement and any of the candidate's offer statements, same embedding model
  as ours, one direction only. Abstains when the best cosine is below
  :data:`DENSE_ABSTAIN_BELOW`.

Cohort baselines (:func:`greedy_pairs`, :func:`stable_roommates_pairs`) work on the
same :class:`~assistant.match.CohortScores` our pairing uses.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings
from rank_bm25 import BM25Okapi

from assistant.embed.base import embed_array
from assistant.match import DEFAULT_LINE_LEVELS, CandidateFilter, CohortScores, ReportingLines
from assistant.models import Participant

#: cosine below which the dense baseline abstains. Chosen on the dev split of the shipped
#: suites (all-MiniLM-L6-v2): the threshold with the best abstain accuracy over the dev
#: cases, see evals/README.md.
DENSE_ABSTAIN_BELOW = 0.25

Ranking = list[tuple[str, float]]

_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
#: function words and request filler that carry no skill
_STOP_TEXT = """
a an the and or but if of to in on at by for with without from into onto about over under
as is are was were be been being am do does did doing have has had having i me my mine we
us our you your he she it its they them their this that these those there here what which
who whom whose how why when where can could would should will shall may might must not no
nor so than too very just also more most some any all each both few other such own same
up down out off again then once get got getting make making use using used want wants
wanted like learn learning teach teaching help helping someone somebody anyone anybody
people person thing things stuff way ways better good great really actually bit lot lots
new happy keen willing able need needs day days
"""
STOPWORDS = frozenset(_STOP_TEXT.split())


def tokens(texts: Iterable[str]) -> list[str]:
    """Lower-case content words of ``texts`` (stopwords and 1-letter words dropped)."""
    out: list[str] = []
    for text in texts:
        out += [w for w in _WORD.findall(text.casefold()) if len(w) > 1 and w not in STOPWORDS]
    return out


def eligible_people(
    people: Iterable[Participant], asker: Participant | None, lines: ReportingLines,
    filters: CandidateFilter | None = None, include_full: bool = False,
) -> list[Participant]:
    """The candidates our matcher may suggest: the same hard constraints and filters."""
    out = []
    for person in people:
        if asker is not None and (person.id == asker.id or lines.conflict(asker.id, person.id)):
            continue
        if person.at_capacity and not include_full:
            continue
        if filters is not None and filters.reason_to_drop(person) is not None:
            continue
        out.append(person)
    return out


def _sorted(scores: Iterable[tuple[str, float]]) -> Ranking:
    return sorted(scores, key=lambda item: (-item[1], item[0]))


class Baseline(Protocol):
    """A query baseline: rank eligible people for a request, and decide when to abstain."""

    name: str

    def rank(
        self, request_wants: Sequence[str], request_offers: Sequence[str],
        asker: Participant | None, eligible_people: Sequence[Participant],
    ) -> Ranking:
        """Eligible people with a score, best first (ties by id)."""
        ...

    def abstains(self, ranking: Ranking) -> bool:
        """Whether the method would say "nobody fits" for this ranking."""
        ...


@dataclass
class KeywordOverlap:
    """Shared content words, both directions: wants vs offers plus offers vs wants."""

    name: str = "keyword"

    def rank(
        self, request_wants: Sequence[str], request_offers: Sequence[str],
        asker: Participant | None, eligible_people: Sequence[Participant],
    ) -> Ranking:
        wants, offers = set(tokens(request_wants)), set(tokens(request_offers))
        scored = [
            (p.id, float(len(wants & set(tokens(p.offers))) + len(offers & set(tokens(p.wants)))))
            for p in eligible_people
        ]
        return _sorted((pid, s) for pid, s in scored if s > 0)

    def abstains(self, ranking: Ranking) -> bool:
        return not ranking or ranking[0][1] <= 0


class BM25Offers:
    """BM25 over each participant's offers, queried with the wanted skills."""

    name = "bm25"

    def __init__(self, people: Sequence[Participant]) -> None:
        self.index = {p.id: i for i, p in enumerate(people)}
        corpus = [tokens(p.offers) for p in people]
        self.bm25 = BM25Okapi(corpus) if any(corpus) else None

    def rank(
        self, request_wants: Sequence[str], request_offers: Sequence[str],
        asker: Participant | None, eligible_people: Sequence[Participant],
    ) -> Ranking:
        query = tokens(request_wants)
        docs = [p for p in eligible_people if p.id in self.index]
        if self.bm25 is None or not query or not docs:
            return []
        scores = self.bm25.get_batch_scores(query, [self.index[p.id] for p in docs])
        return _sorted((p.id, float(s)) for p, s in zip(docs, scores, strict=True) if s > 0)

    def abstains(self, ranking: Ranking) -> bool:
        return not ranking or ranking[0][1] <= 0


class DenseOffers:
    """Best cosine between a wanted statement and a candidate's offer statements."""

    name = "dense"

    def __init__(self, embeddings: Embeddings, threshold: float = DENSE_ABSTAIN_BELOW) -> None:
        self.embeddings = embeddings
        self.threshold = threshold
        self._offers: dict[str, np.ndarray] = {}

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed_array(self.embeddings, list(texts))

    def _offer_vectors(self, person: Participant) -> np.ndarray:
        if person.id not in self._offers:
            self._offers[person.id] = self._embed(person.offers)
        return self._offers[person.id]

    def rank(
        self, request_wants: Sequence[str], request_offers: Sequence[str],
        asker: Participant | None, eligible_people: Sequence[Participant],
    ) -> Ranking:
        if not request_wants or not eligible_people:
            return []
        wants = self._embed(request_wants)
        return _sorted(
            (p.id, float((wants @ self._offer_vectors(p).T).max())) for p in eligible_people
        )

    def abstains(self, ranking: Ranking) -> bool:
        return not ranking or ranking[0][1] < self.threshold


def query_baselines(people: Sequence[Participant], embeddings: Embeddings) -> list[Baseline]:
    """The query baselines of one suite, in table order."""
    return [KeywordOverlap(), BM25Offers(people), DenseOffers(embeddings)]


# cohort ------------------------------------------------------------------------------------
@dataclass
class CohortOutcome:
    """Pairs (ids) a cohort method produced, with a note on anything unusual."""

    pairs: list[tuple[str, str]]
    note: str = ""


def acceptable(
    scores: CohortScores, floor: float, reporting_levels: int | None = DEFAULT_LINE_LEVELS
) -> np.ndarray:
    """``ok[i, j]``: i and j may be paired (different people, not on one reporting line,
    both with open slots, reciprocal score at least ``floor``); the rule pair_cohort uses."""
    people = scores.people
    lines = ReportingLines(people, reporting_levels)
    slots = np.array([p.open_slots for p in people])
    ok = (scores.reciprocal >= floor) & (slots[:, None] > 0) & (slots[None, :] > 0)
    np.fill_diagonal(ok, False)
    for i, a in enumerate(people):
        for j in range(i + 1, len(people)):
            if lines.conflict(a.id, people[j].id):
                ok[i, j] = ok[j, i] = False
    return ok


def greedy_pairs(
    scores: CohortScores, floor: float, reporting_levels: int | None = DEFAULT_LINE_LEVELS
) -> CohortOutcome:
    """Highest reciprocal score first, keeping a pair while both still have open slots."""
    people = scores.people
    ok = acceptable(scores, floor, reporting_levels)
    slots = [p.open_slots for p in people]
    ii, jj = np.nonzero(np.triu(ok, k=1))
    order = sorted(zip(ii.tolist(), jj.tolist(), strict=True),
                   key=lambda e: (-float(scores.reciprocal[e]), people[e[0]].id, people[e[1]].id))
    pairs = []
    for i, j in order:
        if slots[i] > 0 and slots[j] > 0:
            slots[i] -= 1
            slots[j] -= 1
            pairs.append((people[i].id, people[j].id))
    return CohortOutcome(pairs)


def roommate_preferences(scores: CohortScores, ok: np.ndarray, players: list[int]) -> dict[
        str, list[str]]:
    """Complete preference lists (the solver needs them): acceptable partners by reciprocal
    score first, then the unacceptable ones, also by score."""
    people = scores.people
    prefs: dict[str, list[str]] = {}
    for i in players:
        others = [j for j in players if j != i]
        others.sort(key=lambda j: (not ok[i, j], -float(scores.reciprocal[i, j]), people[j].id))
        prefs[people[i].id] = [people[j].id for j in others]
    return prefs


def stable_roommates_pairs(
    scores: CohortScores, floor: float,
    solve: Callable[[dict[str, list[str]]], dict[str, str | None]] | None = None,
    reporting_levels: int | None = DEFAULT_LINE_LEVELS,
) -> CohortOutcome:
    """Irving's stable roommates (``matching`` package), one partner each.

    Players are the people with open slots. When no stable matching exists the solver's
    partial matching is kept and the note says so; pairs that break a hard constraint or
    fall below ``floor`` (possible because the solver needs complete preference lists)
    are dropped and counted in the note.
    """
    people = scores.people
    ok = acceptable(scores, floor, reporting_levels)
    players = [i for i, p in enumerate(people) if p.open_slots > 0]
    if len(players) < 2:
        return CohortOutcome([], "fewer than two people with open slots")
    prefs = roommate_preferences(scores, ok, players)
    notes: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            matched = (solve or _solve_roommates)(prefs)
    except Exception as exc:  # the package can fail on instances without a stable matching
        return CohortOutcome([], f"solver failed ({type(exc).__name__}: {exc}); no pairs")
    if any("NoStableMatching" in type(w.message).__name__ for w in caught):
        notes.append("no stable matching exists; the solver's partial matching is reported")
    index = scores.index()
    pairs: list[tuple[str, str]] = []
    dropped = 0
    for a, b in matched.items():
        if b is None or a >= b:
            continue
        if ok[index[a], index[b]]:
            pairs.append((a, b))
        else:
            dropped += 1
    if dropped:
        notes.append(f"{dropped} pair(s) below the score floor or on one reporting line dropped")
    return CohortOutcome(sorted(pairs), "; ".join(notes))


def _solve_roommates(prefs: dict[str, list[str]]) -> dict[str, str | None]:
    from matching.games import StableRoommates

    game = StableRoommates.create_from_dictionary(prefs)
    result = game.solve()
    out: dict[str, str | None] = {}
    for player, partner in result.items():
        out[str(player.name)] = None if partner is None else str(partner.name)
    return out
