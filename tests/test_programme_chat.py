"""Programme memory in the chat, through the public API on the real model and Chroma:
a selection proposes a pair, the partner confirms it, "not him" is remembered across a
restart and named as the reason, "reset my dismissals" undoes it, the feedback
dialogue records a rating (a bad fit marks the pair at risk), and anonymous users are
told what needs signing in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from programme_support import jun, sen, write_ring

from assistant.converse.conversation import Conversation
from assistant.converse.programme_news import (
    Action,
    Dismissed,
    FeedbackDropped,
    LeftOut,
    NotRecorded,
    Step,
    Withdrawn,
)
from assistant.converse.reply import ReplyKind
from assistant.present import markdown, reply_json
from assistant.programme import ExclusionKind, Origin, RiskKind, Status

PARTNER = "who would be a good partner for me?"


def ring_service(service_factory: Any, tmp_path: Path) -> Any:
    service = service_factory()
    service.ingest([write_ring(tmp_path)])
    return service


def test_a_selection_proposes_the_pair_and_the_partner_confirms_it(
    service_factory: Any, tmp_path: Path
) -> None:
    service = ring_service(service_factory, tmp_path)
    helena = Conversation(service, sen(1))
    listed = helena.send(PARTNER)
    assert listed.kind is ReplyKind.CANDIDATES and listed.candidate_ids[0] == jun(1)

    chosen = helena.send("pair me with Tiana")
    assert chosen.kind is ReplyKind.SELECTED and chosen.programme is not None
    news = chosen.programme
    assert (news.step, news.status, news.waiting_for) == (Step.PROPOSED, Status.PROPOSED,
                                                         ("Tiana Brooks",))
    said = markdown(chosen)
    assert "**proposed**" in said and "**Tiana Brooks** confirms" in said
    assert "coordinator" in said
    [pair] = service.programme.pairs()
    assert (pair.ids, pair.origin, pair.proposed_by) == ((jun(1), sen(1)), Origin.CHAT, sen(1))
    assert pair.confirmed_by(sen(1)) and not pair.confirmed_by(jun(1))

    # Helena cannot confirm for Tiana
    again = helena.send("yes, confirm")
    assert again.programme is not None and again.programme.step is Step.WAITING
    assert again.programme.names == ("Tiana Brooks",)
    assert service.programme.pairs()[0].status is Status.PROPOSED

    tiana = Conversation(service, jun(1))
    confirmed = tiana.send("yes, confirm")
    assert confirmed.kind is ReplyKind.PROGRAMME and confirmed.programme is not None
    assert (confirmed.programme.step, confirmed.programme.status) == (Step.CONFIRMED,
                                                                     Status.ACTIVE)
    assert "the pairing is active" in markdown(confirmed)
    assert service.programme.pairs()[0].status is Status.ACTIVE
    assert reply_json(confirmed)["programme"]["status"] == "active"

    # Helena is full now: choosing her is refused with the reason, nothing is recorded
    kofi = Conversation(service, jun(2))
    full = kofi.send("pair me with Helena")
    assert full.programme is not None and full.programme.step is Step.FULL
    assert "no free place" in markdown(full) and kofi.state.selected is None
    assert len(service.programme.pairs()) == 1


def test_a_new_choice_withdraws_an_unanswered_one(service_factory: Any, tmp_path: Path) -> None:
    service = ring_service(service_factory, tmp_path)
    helena = Conversation(service, sen(1))
    helena.send(PARTNER)
    helena.send("pair me with Tiana")
    other = helena.send("pair me with Amara")  # jun7: Helena takes one partner at a time
    assert other.programme is not None and other.programme.step is Step.PROPOSED
    assert Withdrawn("Tiana Brooks") in other.notices
    assert "earlier proposal to **Tiana Brooks** is withdrawn" in markdown(other)
    status = {p.partner(sen(1)): p.status for p in service.programme.pairs()}
    assert status == {jun(1): Status.ENDED, jun(7): Status.PROPOSED}


def test_a_dismissal_is_remembered_across_a_restart_with_the_reason(
    service_factory: Any, tmp_path: Path
) -> None:
    service = ring_service(service_factory, tmp_path)
    priya = Conversation(service, jun(5))
    first = priya.send(PARTNER)
    top = first.candidates[0].person
    dismissed = priya.send("not him")
    assert Dismissed(top.name, remembered=True) in dismissed.notices
    assert top.id not in dismissed.candidate_ids
    assert "won't suggest" in markdown(dismissed) and "reset my dismissals" in markdown(dismissed)
    # the reason is not repeated as "left out" in the answer that records it
    assert not [n for n in dismissed.notices if isinstance(n, LeftOut)]
    service.close()

    reopened = service_factory()
    later = Conversation(reopened, jun(5)).send(PARTNER)
    assert later.kind is ReplyKind.CANDIDATES and top.id not in later.candidate_ids
    left = [n for n in later.notices if isinstance(n, LeftOut)]
    assert left == [LeftOut(ExclusionKind.DISMISSED, (top.name,))]
    said = markdown(later)
    assert f"Not shown: **{top.name}**, whom you turned down" in said
    assert {"kind": "left_out", "reason": "dismissed", "names": [top.name]} in \
        reply_json(later)["notices"]

    chat = Conversation(reopened, jun(5))
    reset = chat.send("reset my dismissals")
    assert reset.programme is not None
    assert (reset.programme.step, reset.programme.count) == (Step.DISMISSALS_RESET, 1)
    assert "1 person you turned down" in markdown(reset)
    back = chat.send(PARTNER)
    assert back.candidate_ids[0] == top.id
    assert not [n for n in back.notices if isinstance(n, LeftOut)]
    assert reopened.programme.dismissals(jun(5)) == []


def test_feedback_dialogue_records_the_fit_and_a_bad_fit_puts_the_pair_at_risk(
    service_factory: Any, tmp_path: Path
) -> None:
    service = ring_service(service_factory, tmp_path)
    programme = service.programme
    for i in (3, 4):
        programme.propose(sen(i), jun(i), Origin.COHORT)
        programme.confirm(sen(i), jun(i))  # the coordinator
    beatrix = Conversation(service, sen(3))
    asked = beatrix.send("our first session went well")
    assert asked.kind is ReplyKind.PROGRAMME and asked.programme is not None
    assert (asked.programme.step, asked.programme.partner) == (Step.ASK_FIT,
                                                               "Ximena Quillfeather")
    assert "from **1**" in markdown(asked) and "**5**" in markdown(asked)
    note = beatrix.send("2")
    assert note.programme is not None and note.programme.step is Step.ASK_NOTE
    saved = beatrix.send("we keep talking past each other")
    news = saved.programme
    assert news is not None and news.step is Step.FEEDBACK_SAVED
    assert (news.fit, news.note) == (2, "we keep talking past each other")
    assert news.risk is not None and news.risk.kind is RiskKind.LOW_FIT
    said = markdown(saved)
    assert "**at risk**" in said and "coordinator" in said and "re-pair" in said
    [(pair, risk)] = programme.at_risk()
    assert pair.ids == (jun(3), sen(3)) and risk.value == 2
    assert beatrix.state.feedback is None

    # a good fit in one message, naming the partner; not at risk
    lucan = Conversation(service, sen(4))
    assert lucan.send("our session with Jae-won went really well").programme.step is Step.ASK_FIT
    good = lucan.send("5 - he made Power BI finally click for me")
    assert good.programme is not None and good.programme.fit == 5
    assert good.programme.risk is None and "at risk" not in markdown(good)
    assert programme.pair_between(sen(4), jun(4)).latest_fit()[sen(4)].note.startswith("he made")

    # an answer that is no rating ends the dialogue, says nothing was recorded, and is
    # answered as a message of its own
    jae = Conversation(service, jun(4))
    jae.send("our first session went well")
    moved_on = jae.send("who can teach me public speaking?")
    assert moved_on.kind is ReplyKind.CANDIDATES
    assert FeedbackDropped("Lucan Thorne") in moved_on.notices
    assert "recorded no rating" in markdown(moved_on)
    assert jun(4) not in programme.pair_between(sen(4), jun(4)).latest_fit()

    # nobody to rate yet
    none = Conversation(service, sen(5)).send("our first session went well")
    assert none.programme is not None and none.programme.step is Step.NO_PAIR


def test_anonymous_users_are_told_to_sign_in(service_factory: Any, tmp_path: Path) -> None:
    service = ring_service(service_factory, tmp_path)
    chat = Conversation(service)
    for message, action in (("yes, confirm", Action.CONFIRM),
                            ("reset my dismissals", Action.RESET_DISMISSALS),
                            ("our first session went well", Action.FEEDBACK)):
        reply = chat.send(message)
        assert reply.programme is not None, message
        assert (reply.programme.step, reply.programme.action) == (Step.SIGN_IN, action)
        assert "sign in as yourself" in markdown(reply)
    chat.send("who can teach me Making TikTok videos and wants help with public speaking?")
    chosen = chat.send("pair me with the first one")
    assert chosen.kind is ReplyKind.SELECTED and NotRecorded(Action.PAIR) in chosen.notices
    assert "this chat only" in markdown(chosen)
    rejected = chat.send("not her")
    assert NotRecorded(Action.DISMISS) in rejected.notices
    assert service.programme.pairs() == [] and service.programme.dismissals() == []
