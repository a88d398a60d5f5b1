"""Candidate retrieval and reciprocal ranking for one person or an ad-hoc request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.embed.base import embed_array
from assistant.errors import EmptyStore, UnknownParticipant
from assistant.match.abstention import abstain_reason, widen
from assistant.match.batch import Batch, Ceilings, Side, bonuses, links, score_batch
from assistant.match.constraints import CandidateFilter, ReportingLines, capacity_note
from assistant.match.preferences import PeopleTable, PreferenceWeights, soft_adjustment
from assistant.match.reasons import DropKind, DropReason, Flag, FlagKind
from assistant.match.scoring import Link, ScoringConfig, direction, rank_direction
from assistant.match.siblings import asks_for_a_language, only_siblings
from assistant.match.vocabulary_check import VocabularyCheck
from assistant.models import Participant, StatementKind
from assistant.store.base import ParticipantStore


@dataclass
class Request:
    """What to look for: skills to learn, skills offered in return, and who is asking."""

    wants: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    asker_id: str | None = None
    filters: CandidateFilter = field(default_factory=CandidateFilter)
    include_full: bool = False
    #: people never suggested for this request, with the reason shown in ``dropped``
    #: (the programme record: partners the asker has, people the asker turned down)
    excluded: Mapping[str, str] = field(default_factory=dict)
    #: partners a person has beyond their ``current_pairs`` (the programme record's pairs)
    load: Mapping[str, int] = field(default_factory=dict)
    #: list first who would also learn something the asker offers (one-way ones after)
    two_way: bool = False


@dataclass
class Candidate:
    """A suggested partner with the evidence for both directions of the exchange."""

    person: Participant
    score: float
    reciprocal: float
    teaches: float
    learns: float
    to_asker: list[Link]
    to_candidate: list[Link]
    notes: list[str]
    flags: list[Flag] = field(default_factory=list)
    #: the candidate wants nothing close to what the asker offers
    one_sided: bool = False
    #: the candidate teaches what was asked for less well than the abstention bar (a
    #: weaker match, listed only when someone else clears the bar), or offers only
    #: another item of the kind asked for (a near miss of ``MatchResult.other_items``)
    weak: bool = False

    @property
    def id(self) -> str:
        return self.person.id

    @property
    def misread(self) -> bool:
        """Every offer linked to the asker's wants is, by the vocabulary, something else."""
        return bool(self.to_asker) and all(link.caveat for link in self.to_asker)


@dataclass
class MatchResult:
    """Ranked candidates, or an abstention with the reason and what would widen the search."""

    request: Request
    wants: list[str]
    offers: list[str]
    candidates: list[Candidate]
    abstained: bool
    reason: str = ""
    near_misses: list[Candidate] = field(default_factory=list)
    dropped: dict[str, DropReason] = field(default_factory=dict)
    widen: list[str] = field(default_factory=list)
    one_directional: bool = False
    #: the ranking's ceiling of each wanted statement among the candidates considered
    #: (``ScoringConfig.relative_ceiling``); None when the ranking used the fixed one
    rank_ceilings: Ceilings | None = None
    #: abstained because everyone who cleared the bar offers another item of the kind
    #: asked for (:mod:`assistant.match.siblings`): the near misses are those people
    other_items: bool = False


class Snapshot:
    """Participants and their statement vectors, grouped by owner, for one store version.

    ``order`` lists the people by id; ``sides`` holds every statement of a kind as one
    matrix grouped by person in that order (what vectorised scoring reads), ``texts`` and
    ``vectors`` the same per person id (profile order), and ``table`` the attributes the
    soft preferences read, as arrays.
    """

    def __init__(self, store: ParticipantStore, line_levels: int | None = 2) -> None:
        self.version = store.version
        self.order = sorted(store.participants(), key=lambda p: p.id)
        self.people = {p.id: p for p in self.order}
        self.position = {p.id: i for i, p in enumerate(self.order)}
        self.lines = ReportingLines(self.order, line_levels)
        self.table = PeopleTable(self.order)
        kinds: tuple[StatementKind, ...] = ("offer", "want")
        self.matrix = {kind: store.statements(kind) for kind in kinds}
        # profile order (explain() pairs these vectors with the profile's own lists); the
        # stores keep it already, so the sides share the stores' vectors
        self.sides = {kind: Side.of(self.matrix[kind], self.position) for kind in kinds}
        self.texts: dict[StatementKind, dict[str, list[str]]] = {"offer": {}, "want": {}}
        self.vectors: dict[StatementKind, dict[str, np.ndarray]] = {"offer": {}, "want": {}}
        for kind, side in self.sides.items():
            for i in np.flatnonzero(side.count):
                start, end = int(side.start[i]), int(side.start[i] + side.count[i])
                pid = self.order[i].id
                self.texts[kind][pid] = side.texts[start:end]
                self.vectors[kind][pid] = side.vectors[start:end]


class Matcher:
    """Find and explain reciprocal partners.

    Retrieval is semantic in both directions through the store (offers near what is
    wanted, wants near what is offered); every retrieved candidate is then scored
    exactly on all their statements, constraints are applied, and the ranking fuses
    both directions.
    """

    def __init__(
        self, store: ParticipantStore, embeddings: Embeddings,
        config: ScoringConfig | None = None, weights: PreferenceWeights | None = None,
        pool: int = 60,
    ) -> None:
        self.store = store
        self.embeddings = embeddings
        self.config = config or ScoringConfig()
        self.weights = weights or PreferenceWeights()
        self.pool = pool
        self._snapshot: Snapshot | None = None
        self.check = VocabularyCheck.of(embeddings, self.config.vocabulary_check)

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None or self._snapshot.version != self.store.version:
            snap = Snapshot(self.store, self.config.reporting_levels)
            if self.check is not None:  # the vocabulary's view of every stored statement
                for side in snap.sides.values():
                    side.profile = self.check.profile(side.vectors, remember=False)
            self._snapshot = snap
        return self._snapshot

    def person(self, pid: str) -> Participant:
        try:
            return self.snapshot.people[pid]
        except KeyError:
            raise UnknownParticipant(pid) from None

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return embed_array(self.embeddings, texts)

    def _side(self, pid: str | None, texts: list[str], kind: StatementKind) -> np.ndarray:
        snap = self.snapshot
        if pid and texts == snap.texts[kind].get(pid):
            return snap.vectors[kind][pid]
        return self._embed(texts)

    def find(self, request: Request, k: int = 5) -> MatchResult:
        """Rank partners for ``request``; abstain when nobody is good enough."""
        snap = self.snapshot
        if not snap.people:
            raise EmptyStore("no participants have been ingested yet")
        asker = self.person(request.asker_id) if request.asker_id else None
        wants = request.wants or (asker.wants if asker else [])
        offers = request.offers or (asker.offers if asker else [])
        asker_id = asker.id if asker else None
        want_vecs = self._side(asker_id, wants, "want")
        offer_vecs = self._side(asker_id, offers, "offer")

        pool = self._retrieve(want_vecs, offer_vecs)
        eligible: list[int] = []
        dropped: dict[str, DropReason] = {}
        for pid in pool:
            person = snap.people.get(pid)
            if person is None:
                continue
            why = self._hard_reason(asker, person, request)
            if why is not None:
                dropped[pid] = why
                continue
            eligible.append(snap.position[pid])
        batch, score, reciprocal = self._score_all(asker, eligible, want_vecs, offer_vecs,
                                                   bool(offers))
        ids = [snap.order[i].id for i in eligible]
        teaches = batch.teaches.astype(np.float64)
        weak = teaches < self.config.abstain_below
        order = sorted(range(len(eligible)), key=lambda c: (-score[c], ids[c]))
        good: list[int] = []
        siblings = False
        if not weak.all():
            # weaker matches are listed too, but not offers that mean something else
            good = [c for c in order if not weak[c]
                    or (teaches[c] >= self.config.list_below and not batch.misread[c])]
            if request.two_way and offers:  # stable: the ranking's order within each
                good.sort(key=lambda c: bool(batch.learns[c] < self.config.abstain_below))
            if self.config.sibling_abstain and asks_for_a_language(wants) and only_siblings(
                    (links(batch, c, snap.sides["offer"], snap.sides["want"], wants, offers,
                           None)[0] for c in good if not weak[c]),
                    self.config.abstain_below, lambda want, offer: self.check is not None
                    and self.check.same_skill(self._embed([want, offer]))):
                good, siblings = [], True  # nobody teaches the item itself

        def candidate(c: int) -> Candidate:
            to_asker, to_cand = links(batch, c, snap.sides["offer"], snap.sides["want"],
                                      wants, offers, self.check)
            return self._candidate(asker, snap.order[eligible[c]], float(score[c]),
                                   float(reciprocal[c]), float(batch.teaches[c]),
                                   float(batch.learns[c]), to_asker, to_cand, bool(offers))

        result = MatchResult(
            request, wants, offers, [candidate(c) for c in good[:k]], abstained=not good,
            dropped=dropped, one_directional=not offers, rank_ceilings=batch.ceilings,
        )
        if not good:
            # the closest offers, if any comes near enough to be worth a look
            near = [c for c in order if teaches[c] >= self.config.list_below
                    and not (siblings and weak[c])]  # siblings: those who cleared the bar
            near.sort(key=lambda c: (-teaches[c], ids[c]))
            result.near_misses = [candidate(c) for c in near[:3]]
            for cand in result.near_misses if siblings else []:
                cand.weak = True  # "Closest to Japanese, Mei offers Mandarin"
            result.other_items = siblings
            result.reason = abstain_reason(bool(eligible), wants, dropped, siblings)
            result.widen = widen(request.filters, dropped, bool(eligible))
        return result

    def explain(self, a_id: str, b_id: str) -> Candidate:
        """Score one pair with the evidence both ways (hard constraints reported as flags)."""
        a, b = self.person(a_id), self.person(b_id)
        snap = self.snapshot
        batch, score, reciprocal = self._score_all(
            a, [snap.position[b.id]], snap.vectors["want"][a.id], snap.vectors["offer"][a.id],
            bool(a.offers), relative=False,
        )
        to_asker, to_cand = links(batch, 0, snap.sides["offer"], snap.sides["want"], a.wants,
                                  a.offers, self.check)
        cand = self._candidate(a, b, float(score[0]), float(reciprocal[0]),
                               float(batch.teaches[0]), float(batch.learns[0]), to_asker,
                               to_cand, bool(a.offers))
        if snap.lines.conflict(a.id, b.id):
            relation = snap.lines.relation(a.id, b.id)
            cand.flags.append(Flag(FlagKind.REPORTING_LINE,
                                   f"{b.name} {relation}: on one reporting line, "
                                   "never paired"))
        # _score already flags a person at capacity; do not repeat it
        return cand

    def assess(self, request: Request, pid: str) -> Candidate:
        """One person scored for ``request``, with the evidence both ways, whatever the hard
        rules say (to explain someone a person names, e.g. when asking anonymously)."""
        asker = self.person(request.asker_id) if request.asker_id else None
        wants = request.wants or (asker.wants if asker else [])
        offers = request.offers or (asker.offers if asker else [])
        asker_id = asker.id if asker else None
        person, snap = self.person(pid), self.snapshot
        batch, score, reciprocal = self._score_all(
            asker, [snap.position[pid]], self._side(asker_id, wants, "want"),
            self._side(asker_id, offers, "offer"), bool(offers), relative=False)
        to_asker, to_cand = links(batch, 0, snap.sides["offer"], snap.sides["want"], wants,
                                  offers, self.check)
        return self._candidate(asker, person, float(score[0]), float(reciprocal[0]),
                               float(batch.teaches[0]), float(batch.learns[0]), to_asker,
                               to_cand, bool(offers))

    # ---------------------------------------------------------------------------------
    def _retrieve(self, want_vecs: np.ndarray, offer_vecs: np.ndarray) -> list[str]:
        """Candidate ids whose offers are near my wants or whose wants are near my offers."""
        seen: dict[str, None] = {}
        for kind, vecs in (("offer", want_vecs), ("want", offer_vecs)):
            if len(vecs):
                for hits in self.store.query(kind, vecs, self.pool):  # type: ignore[arg-type]
                    for hit in hits:
                        seen.setdefault(hit.statement.participant_id)
        return list(seen)

    def _hard_reason(
        self, asker: Participant | None, person: Participant, request: Request
    ) -> DropReason | None:
        if asker and person.id == asker.id:
            return DropReason(DropKind.SELF, "that is you")
        if asker and self.snapshot.lines.conflict(asker.id, person.id):
            relation = self.snapshot.lines.relation(asker.id, person.id)
            return DropReason(DropKind.REPORTING_LINE, f"same reporting line ({relation})")
        if person.id in request.excluded:
            return DropReason(DropKind.PROGRAMME, request.excluded[person.id])
        if request.load.get(person.id):
            person = person.model_copy(
                update={"current_pairs": person.current_pairs + request.load[person.id]})
        if person.at_capacity and not request.include_full:
            return DropReason(DropKind.FULL, capacity_note(person))
        return request.filters.reason_to_drop(person)

    def _score_all(
        self, asker: Participant | None, people: list[int], want_vecs: np.ndarray,
        offer_vecs: np.ndarray, has_offers: bool, relative: bool = True,
    ) -> tuple[Batch, np.ndarray, np.ndarray]:
        """Both directions, ranking score (with the soft preferences) and reciprocity of
        every candidate in ``people`` (snapshot indices) at once; ``relative``: ranked
        against the closest offer among them (off for one person scored alone)."""
        snap = self.snapshot
        idx = np.asarray(people, dtype=np.int64)
        batch = score_batch(snap.sides["offer"], snap.sides["want"], idx, want_vecs,
                            offer_vecs, self.config, self.check, relative)
        teaches = batch.teaches_rank.astype(np.float64)
        exact = bonuses(batch, self.config, has_offers)
        if has_offers:
            ranking = self.config.rank_many(teaches, batch.learns_rank.astype(np.float64)) + exact
            reciprocal = self.config.fuse(batch.teaches, batch.learns).astype(np.float64)
        else:
            ranking, reciprocal = teaches + exact, batch.teaches.astype(np.float64)
        bonus = np.zeros(len(idx))
        if asker is not None and len(idx):
            row = np.asarray([snap.position[asker.id]])
            bonus = snap.table.bonus(row, idx, self.weights)[0]
        return batch, ranking + bonus, reciprocal

    def _candidate(
        self, asker: Participant | None, person: Participant, score: float, reciprocal: float,
        teaches: float, learns: float, to_asker: list[Link], to_cand: list[Link],
        has_offers: bool,
    ) -> Candidate:
        """A candidate with the notes and flags a person reads."""
        notes = soft_adjustment(asker, person, self.weights)[1] if asker else []
        flags = ([Flag(FlagKind.FULL, f"{person.name} is {capacity_note(person)}")]
                 if person.at_capacity else [])
        flags += [Flag(FlagKind.MISREAD,
                       f"{person.first_name}'s \"{link.offer}\" {link.caveat}, not \"{link.want}\"")
                  for link in to_asker if link.caveat]
        weak = teaches < self.config.abstain_below
        if weak:
            flags.append(Flag(FlagKind.WEAK, f"weaker match: {person.first_name} offers "
                              "something only loosely related to what you want to learn"))
        # the same bar as the asked-for direction: below it, the offer is not a real match
        one_sided = has_offers and learns < self.config.abstain_below
        if one_sided and teaches >= self.config.abstain_below:
            flags.append(Flag(FlagKind.ONE_SIDED, f"one-way: {person.first_name} wants nothing "
                              "close to what you offer"))
        return Candidate(
            person, score, reciprocal, teaches, learns, to_asker, to_cand, notes, flags,
            one_sided, weak,
        )

    def _score(
        self, asker: Participant | None, person: Participant, wants: list[str],
        want_vecs: np.ndarray, offers: list[str], offer_vecs: np.ndarray,
        ceilings: Ceilings | None = None,
    ) -> Candidate:
        """One candidate, statement matrix by statement matrix: the reference that
        :meth:`_score_all` (what :meth:`find` uses) is tested against; ``ceilings``: the
        ranking's ceilings (None: the fixed one, as for one person alone)."""
        snap = self.snapshot
        teaches, to_asker = direction(
            want_vecs, wants, snap.vectors["offer"][person.id], snap.texts["offer"][person.id],
            self.config, self.check,
        )
        learns, to_cand = direction(
            snap.vectors["want"][person.id], snap.texts["want"][person.id], offer_vecs, offers,
            self.config, self.check,
        )
        reciprocal = float(self.config.fuse(teaches, learns)) if offers else teaches
        exact = (self.config.exactness(to_asker, to_cand if offers else None)
                 + self.config.plain(to_asker))
        ranked_t, ranked_l = teaches, learns
        if ceilings is not None:
            ranked_t = rank_direction(want_vecs, snap.vectors["offer"][person.id],
                                      self.config, self.check, ceilings.wants)
            ranked_l = rank_direction(snap.vectors["want"][person.id], offer_vecs,
                                      self.config, self.check, ceilings.offers, by="offer")
        ranking = (self.config.rank(ranked_t, ranked_l) if offers else ranked_t) + exact
        bonus = soft_adjustment(asker, person, self.weights)[0] if asker else 0.0
        return self._candidate(asker, person, ranking + bonus, reciprocal, teaches, learns,
                               to_asker, to_cand, bool(offers))
