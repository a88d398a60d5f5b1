"""The programme played through the public API, on the real model and a real Chroma store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import files_containing
from programme_support import jun, ring_on_a_clock, sen, write_ring

from assistant.errors import ConstraintConflict, ProgrammeStateError
from assistant.match import DropKind, DropReason, Request
from assistant.programme import (
    RECORD_FILE,
    EndReason,
    ExclusionKind,
    Origin,
    RiskKind,
    Status,
)
from assistant.programme.models import ordered
from assistant.programme.rounds import repair, start_round


def outside_chroma(folder: Path, needle: str) -> list[Path]:
    return [f for f in files_containing(folder, needle) if "chroma" not in f.parts]


def pair_set(pairs: Any) -> set[tuple[str, str]]:
    return {ordered(p.a, p.b) for p in pairs}


def suggested(service: Any, asker: str, k: int = 20) -> list[str]:
    result = service.find(Request(asker_id=asker), k=k)
    return [c.id for c in result.candidates + result.near_misses]


def test_a_whole_programme_survives_a_restart(
    service_factory: Any, data_dir: Path, tmp_path: Path
) -> None:
    service, clock = ring_on_a_clock(service_factory, tmp_path)
    programme = service.programme

    # a chat selection: Helena picks Tiana, who accepts
    assert suggested(service, sen(1))[0] == jun(1)
    chosen = programme.propose(sen(1), jun(1), Origin.CHAT, by=sen(1))
    assert (chosen.status, chosen.origin, chosen.round) == (Status.PROPOSED, Origin.CHAT, 1)
    assert programme.confirm(sen(1), jun(1), by=jun(1)).status is Status.ACTIVE
    # Priya (jun5) turns Dunstan (sen6) down before the round; he fitted her well
    assert sen(6) in suggested(service, jun(5))
    programme.dismiss(jun(5), sen(6))

    # cohort round 1 keeps the chat pair and pairs everyone else on the ring
    first = start_round(programme, 1)
    ring = {ordered(sen(i), jun(i)) for i in range(1, 8)}
    assert pair_set(first.pairs) == ring
    assert [p.ids for p in first.kept] == [ordered(sen(1), jun(1))]
    # confirmations: one pair by both sides, the rest by the coordinator
    assert programme.confirm(sen(2), jun(2), by=sen(2)).status is Status.PROPOSED
    assert programme.confirm(sen(2), jun(2), by=jun(2)).status is Status.ACTIVE
    assert len(programme.confirm_all()) == 5
    assert {p.status for p in programme.pairs(round_no=1)} == {Status.ACTIVE}

    # capacity counts active pairs: nobody is suggested, each for the reason
    result = service.find(Request(asker_id=jun(4)), k=10)
    assert result.candidates == []
    assert result.dropped[sen(3)].kind is DropKind.FULL
    assert result.dropped[sen(3)].text.startswith("already has 1 partner(s)")
    assert result.dropped[sen(4)] == DropReason(DropKind.PROGRAMME,
                                                programme.exclusions_for(jun(4))[sen(4)].text())
    assert programme.exclusions_for(jun(4))[sen(4)].kind is ExclusionKind.PARTNER

    # a week on: sessions everywhere, good fits, and one bad fit
    clock.advance(7)
    for i in range(1, 8):
        programme.log_session(sen(i), jun(i))
    programme.feedback(sen(1), jun(1), 5, "Tiana showed me how a TikTok trend starts")
    programme.feedback(jun(2), sen(2), 4)
    programme.feedback(sen(3), jun(3), 2, "we keep talking past each other")
    risky = programme.at_risk()
    assert [(p.ids, r.kind, r.value) for p, r in risky] == [
        (ordered(sen(3), jun(3)), RiskKind.LOW_FIT, 2)]

    # two people join; a mid-round repair keeps the good pairs, re-pairs the bad one
    service.ingest([write_ring(tmp_path, late=True)])
    clock.advance(7)
    mended = repair(programme)
    kept = ring - {ordered(sen(3), jun(3))}
    assert pair_set(mended.kept) == kept
    assert pair_set(mended.new) == {ordered(sen(3), "jun8"), ordered(jun(3), "sen8")}
    for pair in mended.new:
        kinds = {(r.person, r.kind, r.old_partner) for r in pair.reasons}
        needy = sen(3) if pair.has(sen(3)) else jun(3)
        assert (needy, "low fit", sen(3) if needy == jun(3) else jun(3)) in kinds
        assert pair.origin is Origin.REPAIR and pair.status is Status.PROPOSED
    assert [p.status for p in mended.replaced] == [Status.REPAIRED]
    assert mended.still_at_risk == [] and mended.unmatched == {}
    assert {p.ids for p in programme.pairs((Status.ACTIVE,))} == kept
    programme.confirm_all()

    # round 2: every round-1 pair ends, none comes back, Dunstan never meets Priya
    clock.advance(60)
    second = start_round(programme, 2)
    round_one = pair_set(programme.pairs(round_no=1))
    assert len(round_one) == 9  # the ring (with the bad pair) and its two replacements
    assert pair_set(second.pairs)
    assert not pair_set(second.pairs) & round_one
    assert ordered(jun(5), sen(6)) not in pair_set(second.pairs)
    assert {p.status for p in programme.pairs(round_no=1)} == {Status.ENDED, Status.REPAIRED}
    assert {p.end_reason for p in second.ended} == {EndReason.NEW_ROUND}
    programme.confirm_all()
    with pytest.raises(ProgrammeStateError):
        start_round(programme, 2)
    before = {p.id: (p.ids, p.status, p.round, len(p.sessions), [f.fit for f in p.feedback])
              for p in programme.pairs()}
    service.close()

    # a new process on the same folder sees the same programme
    again = service_factory()
    again.programme.clock = clock
    after = {p.id: (p.ids, p.status, p.round, len(p.sessions), [f.fit for f in p.feedback])
             for p in again.programme.pairs()}
    assert after == before
    assert again.programme.current_round() == 2
    assert [d.dismissed for d in again.programme.dismissals(jun(5))] == [sen(6)]
    result = again.find(Request(asker_id=jun(5), include_full=True), k=20)
    assert sen(6) not in {c.id for c in result.candidates + result.near_misses}
    assert result.dropped[sen(6)].kind is DropKind.PROGRAMME
    assert result.dropped[sen(6)].text.startswith("you turned them down")
    assert again.programme.reset_dismissals(jun(5)) == 1
    assert again.programme.exclusions_for(jun(5)).get(sen(6)) is None
    assert (data_dir / RECORD_FILE).exists()


def test_hard_rules_hold_for_proposals(service_factory: Any, tmp_path: Path) -> None:
    from conftest import write_participants_csv
    from programme_support import ring_rows

    rows = ring_rows()
    rows[1] = dict(rows[1], manager_id=sen(1))  # Tiana reports to Helena
    service = service_factory()
    service.ingest([write_participants_csv(tmp_path / "p.csv", rows)])
    programme = service.programme
    with pytest.raises(ConstraintConflict, match="reporting line"):
        programme.propose(sen(1), jun(1), by=sen(1))
    programme.dismiss(jun(2), sen(2))
    with pytest.raises(ConstraintConflict, match="turned"):
        programme.propose(sen(2), jun(2))
    programme.propose(sen(3), jun(3))
    with pytest.raises(ConstraintConflict, match="full"):
        programme.propose(sen(3), jun(4))  # capacity 1, held by the proposal
    once = programme.constrain(Request(asker_id=jun(3)))
    assert once.load == {sen(3): 1, jun(3): 1}
    assert once.excluded == {sen(3): programme.exclusions_for(jun(3))[sen(3)].text()}
    twice = programme.constrain(once)  # a follow-up sending the same request again
    assert (twice.load, twice.excluded) == (once.load, once.excluded)
    with pytest.raises(ConstraintConflict):
        programme.confirm(sen(3), jun(3), by=jun(4))
    with pytest.raises(ProgrammeStateError, match="has not started"):
        programme.feedback(sen(3), jun(3), 4)
    with pytest.raises(ProgrammeStateError):
        programme.log_session(sen(3), jun(3))
    declined = programme.decline(sen(3), jun(3), by=jun(3))
    assert (declined.status, declined.end_reason) == (Status.ENDED, EndReason.DECLINED)
    assert programme.load() == {}


def test_no_session_for_too_long_puts_a_pair_at_risk(service_factory: Any, tmp_path: Path
                                                    ) -> None:
    service, clock = ring_on_a_clock(service_factory, tmp_path)
    programme = service.programme
    start_round(programme, 1)
    programme.confirm_all()
    clock.advance(programme.settings.at_risk_days)
    assert programme.at_risk() == []
    clock.advance(1)
    risks = programme.at_risk()
    assert {(r.kind, r.value) for _, r in risks} == {(RiskKind.NO_SESSION, 22)}
    assert len(risks) == 7
    for i in range(1, 8):
        programme.log_session(sen(i), jun(i))
    assert programme.at_risk() == []
    clock.advance(10)
    for i in range(2, 8):
        programme.log_session(sen(i), jun(i))
    clock.advance(21)
    [(pair, risk)] = programme.at_risk()  # counted from each pair's last session
    assert (pair.ids, risk.value) == (ordered(sen(1), jun(1)), 31)
    # everyone else is taken: the repair leaves the pair at risk and says so
    mended = repair(programme)
    assert mended.new == [] and [p.ids for p, _ in mended.still_at_risk] == [pair.ids]
    assert set(mended.unmatched) == {sen(1), jun(1)}
    assert programme.pairs((Status.ACTIVE,), person=sen(1))[0].id == pair.id


def test_forget_erases_a_person_from_the_record(
    service_factory: Any, data_dir: Path, tmp_path: Path
) -> None:
    service, _ = ring_on_a_clock(service_factory, tmp_path)
    programme = service.programme
    start_round(programme, 1)
    programme.confirm_all()
    service.ingest([write_ring(tmp_path, late=True)])
    x3, other = jun(3), sen(3)
    programme.log_session(other, x3)
    programme.feedback(other, x3, 1, "Ximena Quillfeather and I never found a slot")
    programme.dismiss(x3, sen(4))
    repair(programme)
    mentions = [p for p in programme.pairs() if any(r.old_partner == x3 for r in p.reasons)]
    assert mentions  # her old partner's new pair names her as the reason
    record = data_dir / RECORD_FILE
    assert outside_chroma(data_dir, "Ximena Quillfeather") == [record]

    report = service.forget(x3)
    assert report.programme_rows >= 4
    assert programme.pairs(person=x3) == [] and programme.dismissals(x3) == []
    # (Chroma's own files: test_service.py checks them across processes)
    assert outside_chroma(data_dir, "Ximena Quillfeather") == []
    assert x3.encode() not in record.read_bytes()
    assert all(r.old_partner != x3 for p in programme.pairs() for r in p.reasons)
    assert programme.pairs(person=other)  # the partner's history stays
