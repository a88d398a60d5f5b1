"""The programme's public API: pairs that become real, sessions, feedback, dismissals.

``PairingService.programme`` is one :class:`Programme` over the data folder's record.
The matcher reads it through :meth:`Programme.constrain`: pairs held in the record
count against capacity, and a person's partners and the people they turned down are
never suggested to them (with the reason in ``MatchResult.dropped``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from assistant.errors import ConstraintConflict, InputFormatError, ProgrammeStateError
from assistant.match import PreferenceWeights, Request, soft_adjustment
from assistant.models import Participant
from assistant.programme.models import (
    Components,
    Dismissal,
    EndReason,
    Exclusion,
    ExclusionKind,
    Origin,
    PairRecord,
    ProgrammeSettings,
    Risk,
    RiskKind,
    Status,
    ordered,
)
from assistant.programme.record import RECORD_FILE, Record

if TYPE_CHECKING:
    from assistant.programme.ports import PairingBackend

NOTE_CHARS = 300


class Programme:
    """Pairs, sessions, feedback and dismissals of one data folder, with their rules."""

    def __init__(
        self, service: PairingBackend, settings: ProgrammeSettings | None = None,
        clock: Callable[[], date] = date.today,
    ) -> None:
        self.service = service
        self.settings = settings or ProgrammeSettings()
        self.clock = clock
        self.record = Record(service.data_dir / RECORD_FILE if service.persistent else None)

    def close(self) -> None:
        self.record.close()

    # reading -----------------------------------------------------------------------------
    def pairs(
        self, status: Iterable[Status] | None = None, round_no: int | None = None,
        person: str | None = None,
    ) -> list[PairRecord]:
        wanted = set(status) if status is not None else None
        return [p for p in self.record.pairs()
                if (wanted is None or p.status in wanted)
                and (round_no is None or p.round == round_no)
                and (person is None or p.has(person))]

    def open_pairs(self, person: str | None = None) -> list[PairRecord]:
        return self.pairs((Status.PROPOSED, Status.ACTIVE), person=person)

    def current_round(self) -> int:
        """The latest round started (0 before the first)."""
        return max(self.record.rounds(), default=0)

    def open_round(self) -> int:
        """The round new pairs belong to: the current one, or 1 before any started."""
        return max(self.current_round(), 1)

    def pair_between(self, a: str, b: str, status: Iterable[Status] | None = None) -> PairRecord:
        """The latest pair of ``a`` and ``b`` (in one of ``status``)."""
        ids = ordered(self.service.resolve(a).id, self.service.resolve(b).id)
        found = [p for p in self.pairs(status) if p.ids == ids]
        if not found:
            states = "/".join(s.value for s in status) + " " if status else ""
            raise ProgrammeStateError(f"there is no {states}pair of {ids[0]} and {ids[1]}")
        return found[-1]

    def risk(self, pair: PairRecord, today: date | None = None) -> Risk | None:
        """Why an active pair is at risk: a low fit from either side, or no session lately."""
        if pair.status is not Status.ACTIVE:
            return None
        low = [f for f in pair.latest_fit().values() if f.fit <= self.settings.low_fit]
        if low:
            worst = min(low, key=lambda f: f.fit)
            return Risk(RiskKind.LOW_FIT, worst.fit, worst.rater)
        since = pair.last_met() or pair.started_on or pair.proposed_on
        days = ((today or self.clock()) - since).days
        if days > self.settings.at_risk_days:
            return Risk(RiskKind.NO_SESSION, days)
        return None

    def at_risk(self, today: date | None = None) -> list[tuple[PairRecord, Risk]]:
        out = []
        for pair in self.pairs((Status.ACTIVE,)):
            found = self.risk(pair, today)
            if found is not None:
                out.append((pair, found))
        return out

    def load(self) -> dict[str, int]:
        """Partners each person holds in the record (proposed or active pairs)."""
        counts: dict[str, int] = {}
        for pair in self.open_pairs():
            for pid in pair.ids:
                counts[pid] = counts.get(pid, 0) + 1
        return counts

    def current_pairs(self, person: Participant) -> int:
        """The person's partners: ``current_pairs`` from ingest plus the record's."""
        return person.current_pairs + self.load().get(person.id, 0)

    def exclusions_for(self, asker: str) -> dict[str, Exclusion]:
        """People never suggested to ``asker``, by id, with the typed reason."""
        out: dict[str, Exclusion] = {}
        for pair in self.open_pairs(asker):
            since = pair.started_on or pair.proposed_on
            other = pair.partner(asker)
            out[other] = Exclusion(asker, other, ExclusionKind.PARTNER, since)
        for item in self.record.dismissals(asker):
            out.setdefault(item.dismissed, Exclusion(asker, item.dismissed,
                                                     ExclusionKind.DISMISSED, item.on))
        return out

    def constrain(self, request: Request) -> Request:
        """``request`` with the record's exclusions for the asker and everyone's load."""
        if not self.record.exists():
            return request
        excluded = dict(request.excluded)
        if request.asker_id:
            for pid, item in self.exclusions_for(request.asker_id).items():
                excluded.setdefault(pid, item.text())
        # the record's counts replace any earlier ones: a constrained request sent again
        # (a follow-up reusing it) must not count the same pairs twice
        return replace(request, excluded=excluded, load={**request.load, **self.load()})

    def dismissals(self, participant: str | None = None) -> list[Dismissal]:
        return self.record.dismissals(participant)

    # pairs -------------------------------------------------------------------------------
    def propose(
        self, a: str, b: str, origin: Origin = Origin.CHAT, by: str | None = None,
    ) -> PairRecord:
        """Record a proposed pair; ``by`` (one of the two, e.g. the person who chose in the
        chat) counts as that side's confirmation. Hard rules are checked here too."""
        pa, pb = self.service.resolve(a), self.service.resolve(b)
        if pa.id == pb.id:
            raise ConstraintConflict(f"cannot pair {pa.id} with themselves")
        if by is not None and by not in (pa.id, pb.id):
            raise ConstraintConflict(f"{by} is not one of {pa.id} and {pb.id}")
        ids = ordered(pa.id, pb.id)
        existing = [p for p in self.open_pairs(pa.id) if p.ids == ids]
        if existing:
            return self.confirm(pa.id, pb.id, by) if by else existing[0]
        self._check_pairable(pa, pb)
        today = self.clock()
        with self.record.write() as w:
            pair_id = w.add_pair(*ids, self.open_round(), origin, today,
                                 self.components(*ids), proposed_by=by or "")
            if by:
                w.confirm(pair_id, "confirmed_a" if by == ids[0] else "confirmed_b", today)
        return self._by_id(pair_id)

    def _check_pairable(self, pa: Participant, pb: Participant) -> None:
        lines = self.service.matcher.snapshot.lines
        if lines.conflict(pa.id, pb.id):
            raise ConstraintConflict(f"{pa.id} and {pb.id} are on one reporting line")
        for who, other in ((pa, pb), (pb, pa)):
            if any(d.dismissed == other.id for d in self.record.dismissals(who.id)):
                raise ConstraintConflict(f"{who.id} turned {other.id} down")
        for person in (pa, pb):
            if self.current_pairs(person) >= person.capacity:
                raise ConstraintConflict(
                    f"{person.id} is full ({self.current_pairs(person)} partner(s), capacity "
                    f"{person.capacity})")

    def components(self, a: str, b: str) -> Components:
        """Score components of the pair now (teach both ways, default-weight preferences)."""
        cand = self.service.explain(a, b)  # a's side: teaches = b teaches a
        bonus, _ = soft_adjustment(self.service.get(a), self.service.get(b), PreferenceWeights())
        return Components(teach_ab=cand.learns, teach_ba=cand.teaches, bonus=bonus)

    def confirm(self, a: str, b: str, by: str | None = None) -> PairRecord:
        """One side (``by``) or the coordinator (``by`` None) confirms; active once both
        sides or the coordinator have."""
        pair = self.pair_between(a, b, (Status.PROPOSED, Status.ACTIVE))
        if pair.status is Status.ACTIVE:
            return pair
        if by is not None and not pair.has(by):
            raise ConstraintConflict(f"{by} is not one of {pair.a} and {pair.b}")
        today = self.clock()
        with self.record.write() as w:
            column = ("confirmed_coordinator" if by is None
                      else "confirmed_a" if by == pair.a else "confirmed_b")
            w.confirm(pair.id, column, today)
            both = by is None or pair.confirmed_by(pair.partner(by))
            if both:
                w.activate(pair.id, today)
        return self._by_id(pair.id)

    def confirm_all(self) -> list[PairRecord]:
        """The coordinator confirms every proposed pair."""
        return [self.confirm(p.a, p.b) for p in self.pairs((Status.PROPOSED,))]

    def decline(self, a: str, b: str, by: str | None = None) -> PairRecord:
        """A proposed pair turned down by one side (or withdrawn by the coordinator)."""
        pair = self.pair_between(a, b, (Status.PROPOSED,))
        if by is not None and not pair.has(by):
            raise ConstraintConflict(f"{by} is not one of {pair.a} and {pair.b}")
        with self.record.write() as w:
            w.end(pair.id, self.clock(), EndReason.DECLINED)
        return self._by_id(pair.id)

    def end(self, a: str, b: str, reason: EndReason = EndReason.COORDINATOR) -> PairRecord:
        pair = self.pair_between(a, b, (Status.PROPOSED, Status.ACTIVE))
        with self.record.write() as w:
            w.end(pair.id, self.clock(), reason)
        return self._by_id(pair.id)

    def _by_id(self, pair_id: int) -> PairRecord:
        return next(p for p in self.record.pairs() if p.id == pair_id)

    # sessions and feedback ---------------------------------------------------------------
    def log_session(self, a: str, b: str, on: date | None = None, by: str = "") -> PairRecord:
        """A session the pair held (on ``on``, default today)."""
        pair = self.pair_between(a, b, (Status.ACTIVE,))
        with self.record.write() as w:
            w.add_session(pair.id, on or self.clock(), by)
        return self._by_id(pair.id)

    def feedback(
        self, rater: str, partner: str, fit: int, note: str = "", on: date | None = None,
    ) -> PairRecord:
        """A 1-5 fit rating with one line, on the latest pair of the two that began."""
        if isinstance(fit, bool) or not isinstance(fit, int) or not 1 <= fit <= 5:
            raise InputFormatError(f"a fit rating is a whole number from 1 to 5, not {fit!r}")
        who = self.service.resolve(rater).id
        pair = self.pair_between(who, partner)
        began = [p for p in self.pairs(person=who)
                 if p.ids == pair.ids and p.started_on is not None]
        if not began:
            raise ProgrammeStateError(
                f"the pair of {pair.a} and {pair.b} has not started (confirm it first)")
        line = re.sub(r"\s+", " ", note).strip()[:NOTE_CHARS]
        with self.record.write() as w:
            w.add_feedback(began[-1].id, who, fit, line, on or self.clock())
        return self._by_id(began[-1].id)

    # dismissals --------------------------------------------------------------------------
    def dismiss(self, participant: str, other: str) -> Dismissal:
        """``participant`` turned ``other`` down: never suggested to them again."""
        who, whom = self.service.resolve(participant).id, self.service.resolve(other).id
        if who == whom:
            raise ConstraintConflict("a person cannot turn themselves down")
        with self.record.write() as w:
            w.dismiss(who, whom, self.clock())
        return next(d for d in self.record.dismissals(who) if d.dismissed == whom)

    def reset_dismissals(self, participant: str) -> int:
        """Forget whom ``participant`` turned down; returns how many."""
        who = self.service.resolve(participant).id
        if not self.record.exists():
            return 0
        with self.record.write() as w:
            return w.reset_dismissals(who)

    # rounds: assistant.programme.rounds.start_round(programme, ...) and repair(programme)

    def forget(self, person: str, name: str = "") -> int:
        return self.record.forget(person, name)
