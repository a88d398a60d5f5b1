"""Rounds and re-pairing over the programme record, through ``PairingService.pair_cohort``.

A new round ends every open pair of earlier rounds and never makes a pair of any
earlier round again unless the coordinator locks it; pairs already made for the
new round (chat selections before it started) are kept as locks. A repair keeps
the open pairs that are not at risk (as locks) and re-pairs only the people whose
pair ended or is at risk: every earlier pair of theirs is excluded, and so is every
pair of two people who need nobody, so each new pair holds someone who needed one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from assistant.errors import ConstraintConflict, ProgrammeStateError
from assistant.match import CohortResult, SolverOptions
from assistant.programme.models import (
    EndReason,
    Origin,
    PairRecord,
    Reason,
    Risk,
    Status,
    ordered,
)

if TYPE_CHECKING:
    from assistant.programme.api import Programme

Ids = tuple[str, str]


@dataclass
class RoundOutcome:
    round: int
    #: every pair proposed for the round, with the kept ones
    pairs: list[PairRecord]
    #: pairs made for this round before it started (chat selections), kept as locks
    kept: list[PairRecord]
    #: open pairs of earlier rounds, ended now
    ended: list[PairRecord]
    #: earlier pairs that could not be made again
    avoided: int
    unmatched: dict[str, str]
    result: CohortResult


@dataclass
class RepairOutcome:
    round: int
    kept: list[PairRecord] = field(default_factory=list)
    #: the new pairs; each carries ``reasons`` (why its people needed a partner)
    new: list[PairRecord] = field(default_factory=list)
    #: at-risk pairs ended because their people were re-paired
    replaced: list[PairRecord] = field(default_factory=list)
    #: at-risk pairs left as they are: nobody acceptable was free for either person
    still_at_risk: list[tuple[PairRecord, Risk]] = field(default_factory=list)
    #: people who needed a partner and got none, with the reason
    unmatched: dict[str, str] = field(default_factory=dict)


def start_round(
    programme: Programme, number: int, locks: Collection[Ids] = (),
    excludes: Collection[Ids] = (), min_score: float | None = None,
    options: SolverOptions | None = None,
) -> RoundOutcome:
    current = programme.current_round()
    if number <= current:
        raise ProgrammeStateError(
            f"round {number} cannot start: round {current} has already started (start round "
            f"{current + 1}, or mend round {current} with a repair)")
    service = programme.service
    known = set(service.matcher.snapshot.people)
    locks = [ordered(*_ids(programme, pair)) for pair in locks]
    everything = programme.pairs()
    kept = [p for p in everything if p.open and p.round == number and _known(p.ids, known)]
    ending = [p for p in everything if p.open and p.round < number]
    # earlier rounds' pairs, and this round's that were declined or ended before it started
    earlier = {p.ids for p in everything
               if p.round < number or not p.open} - set(locks)
    refused = _dismissed(programme, known)
    clash = [pair for pair in locks if pair in refused]
    if clash:
        raise ConstraintConflict(f"{clash[0][0]} and {clash[0][1]} are locked, but one turned "
                                 "the other down")
    exclude = {ordered(*_ids(programme, pair)) for pair in excludes}
    exclude |= {ids for ids in earlier | refused if _known(ids, known)}
    exclude -= {p.ids for p in kept}
    result = service.pair_cohort([*locks, *(p.ids for p in kept)], sorted(exclude), min_score,
                                 options)
    today = programme.clock()
    kept_ids = {p.ids for p in kept}
    with programme.record.write() as w:
        w.start_round(number, today)
        for pair in ending:
            w.end(pair.id, today, EndReason.NEW_ROUND)
        for made in result.pairs:
            ids = ordered(made.a.id, made.b.id)
            if ids in kept_ids:
                continue
            origin = Origin.LOCK if ids in locks else Origin.COHORT
            w.add_pair(*ids, number, origin, today, programme.components(*ids))
    pairs = programme.pairs(round_no=number)
    return RoundOutcome(number, [p for p in pairs if p.open], kept,
                        [p for p in programme.pairs() if p.id in {e.id for e in ending}],
                        len(earlier), result.unmatched, result)


def repair(programme: Programme, min_score: float | None = None,
           options: SolverOptions | None = None) -> RepairOutcome:
    service = programme.service
    people = service.matcher.snapshot.people
    number = programme.open_round()
    outcome = RepairOutcome(number)
    everything = programme.pairs()
    risky = {p.id: r for p, r in programme.at_risk() if _known(p.ids, people)}
    open_now = [p for p in everything if p.open and _known(p.ids, people)]
    outcome.kept = [p for p in open_now if p.id not in risky]
    held: dict[str, int] = {}
    for pair in outcome.kept:
        for pid in pair.ids:
            held[pid] = held.get(pid, 0) + 1
    free = {pid for pid, p in people.items() if p.open_slots - held.get(pid, 0) > 0}
    why: dict[str, list[tuple[PairRecord, Reason]]] = {}
    for pair in everything:
        risk = risky.get(pair.id)
        ended = pair.round == number and pair.status in (Status.ENDED, Status.REPAIRED)
        if risk is None and not ended:
            continue
        for pid in pair.ids:
            if pid in free:
                kind = risk.kind.value if risk else "ended"
                reason = Reason(pid, kind, pair.partner(pid), risk.value if risk else 0)
                why.setdefault(pid, []).append((pair, reason))
    if not why:
        outcome.still_at_risk = [(p, r) for p in open_now if (r := risky.get(p.id))]
        return outcome
    needy = set(why)
    exclude = {p.ids for p in everything if p.round <= number and _known(p.ids, people)}
    exclude -= {p.ids for p in outcome.kept}
    exclude |= _dismissed(programme, set(people))
    exclude |= {ordered(a, b) for a, b in combinations(sorted(free - needy), 2)}
    result = service.pair_cohort([p.ids for p in outcome.kept], sorted(exclude), min_score,
                                 options)
    today = programme.clock()
    fresh = [m for m in result.pairs if not m.locked]
    matched = {pid for m in fresh for pid in (m.a.id, m.b.id)}
    # each ended or at-risk pair is the reason of one new pair of each of its people; a
    # person's further new pair fills a place that was free anyway
    pending = {pid: list(items) for pid, items in why.items()}
    with programme.record.write() as w:
        for made in fresh:
            ids = ordered(made.a.id, made.b.id)
            reasons: list[Reason] = []
            replaces: set[int] = set()
            for pid in ids:
                if pending.get(pid):
                    old, reason = pending[pid].pop(0)
                    reasons.append(reason)
                    replaces.add(old.id)
                else:
                    reasons.append(Reason(pid, "free"))
            w.add_pair(*ids, number, Origin.REPAIR, today, programme.components(*ids),
                       replaces=sorted(replaces), reasons=reasons)
        for pair in open_now:
            if pair.id in risky and matched & set(pair.ids):
                w.end(pair.id, today, EndReason.REPAIRED)
    after = {p.id: p for p in programme.pairs()}
    made_ids = {ordered(m.a.id, m.b.id) for m in fresh}
    outcome.new = [p for p in after.values() if p.ids in made_ids and p.open
                   and p.origin is Origin.REPAIR and p.proposed_on == today]
    outcome.replaced = [after[i] for i in risky if after[i].status is Status.REPAIRED]
    outcome.still_at_risk = [(after[i], r) for i, r in risky.items()
                             if after[i].status is Status.ACTIVE]
    outcome.unmatched = {
        pid: result.unmatched.get(pid, "kept their other pair; no acceptable partner was free "
                                  "for their other place")
        for pid in sorted(needy - matched)}
    return outcome


def _ids(programme: Programme, pair: Ids) -> Ids:
    return programme.service.resolve(pair[0]).id, programme.service.resolve(pair[1]).id


def _known(ids: Ids, known: Collection[str]) -> bool:
    return ids[0] in known and ids[1] in known


def _dismissed(programme: Programme, known: set[str]) -> set[Ids]:
    return {ordered(d.participant, d.dismissed) for d in programme.dismissals()
            if d.participant in known and d.dismissed in known}
