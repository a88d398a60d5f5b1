"""The chat's programme steps in words (Markdown; user text through ``esc``): proposals,
confirmations, dismissals, the feedback dialogue, and who the record kept out."""

from __future__ import annotations

from assistant.converse.programme_news import (
    Action,
    Dismissed,
    FeedbackDropped,
    LeftOut,
    NotRecorded,
    PairNews,
    ProgrammeNotice,
    Step,
    Withdrawn,
)
from assistant.present.escape import esc
from assistant.programme.models import ExclusionKind, RiskKind, Status

SIGN_IN = {
    Action.PAIR: "make the pairing real (a proposal your partner confirms)",
    Action.CONFIRM: "confirm a pairing",
    Action.DISMISS: "have the assistant remember whom you turned down",
    Action.RESET_DISMISSALS: "reset the people you turned down",
    Action.FEEDBACK: "rate how your pairing is going",
}
COORDINATOR = ("Your programme coordinator sees the pair as **at risk** and will check in "
               "with you both; if it still isn't working, they re-pair you with someone new "
               "(never a partner you've had before).")


def names(items: tuple[str, ...]) -> str:
    """"A", "A and B", "A, B and C" (escaped)."""
    words = [f"**{esc(n)}**" for n in items]
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


def _next_step(n: PairNews) -> str:
    """What happens to a proposed or active pair next."""
    partner = esc(n.partner)
    if n.status is Status.ACTIVE:
        return (f"You and **{partner}** are paired: the pairing is active. After your first "
                "session, tell me how it went (*our first session went well*).")
    if n.waiting_for:
        return (f"I've recorded the pairing as **proposed**. It becomes active once "
                f"{names(n.waiting_for)} confirms (they can say *yes, confirm* when they sign "
                "in), or your programme coordinator confirms it.")
    return "I've recorded the pairing as **proposed**."


def news_markdown(n: PairNews) -> str:
    """A ``PROGRAMME`` reply's text."""
    partner = esc(n.partner)
    step = n.step
    if step is Step.SIGN_IN and n.action is not None:
        return (f"You're asking anonymously: sign in as yourself (\"Who am I\") to "
                f"{SIGN_IN[n.action]}.")
    if step in (Step.PROPOSED, Step.CONFIRMED):
        if step is Step.CONFIRMED and n.status is Status.PROPOSED:
            return (f"Thanks, your side is confirmed. The pairing with **{partner}** becomes "
                    f"active once {names(n.waiting_for)} confirms, or your programme "
                    "coordinator does.")
        return ("Confirmed. " if step is Step.CONFIRMED else "") + _next_step(n)
    if step is Step.WAITING:
        return (f"Nothing is waiting for you to confirm: your proposal to {names(n.names)} "
                "is waiting for them (or your programme coordinator).")
    if step is Step.NOTHING_TO_CONFIRM:
        return ("There is no pairing to confirm. Choose a partner first (e.g. *pair me with "
                "the first one*).")
    if step is Step.FULL:
        return (f"**{partner}** has no free place (capacity {n.count}), so I can't propose "
                "the pairing. Ask me for someone else, or ask your programme coordinator.")
    if step is Step.YOU_ARE_FULL:
        return (f"You already have as many partners as you take ({n.count}: "
                f"{names(n.names)}), so I can't propose another. Your programme coordinator "
                "can end a pairing or raise your capacity.")
    if step is Step.UNAVAILABLE:
        return (f"**{partner}** isn't available for a pairing with you. Ask me for someone "
                "else.")
    if step is Step.DISMISSALS_RESET:
        if not n.count:
            return "You hadn't turned anybody down, so there was nothing to reset."
        who = "person" if n.count == 1 else "people"
        return f"Done: the {n.count} {who} you turned down can be suggested to you again."
    if step is Step.ASK_FIT:
        return (f"How is the pairing with **{partner}** going? Rate the fit from **1** "
                "(not working) to **5** (great), e.g. *4*. (*cancel* to stop.)")
    if step is Step.ASK_NOTE:
        return (f"Thanks: {n.fit}/5. In one line, what went well or what didn't? (*skip* "
                "to leave it at the rating.)")
    if step is Step.FEEDBACK_SAVED:
        return _saved(n)
    if step is Step.FEEDBACK_CANCELLED:
        return f"Fine, I've recorded nothing about your pairing with **{partner}**."
    if step is Step.WHICH_PAIR:
        return f"Which pairing do you mean: {names(n.names)}? Name your partner."
    if step is Step.NO_PAIR:
        whom = f" with **{partner}**" if n.partner else ""
        return (f"You have no pairing{whom} that has started yet, so there is nothing to rate. "
                "A pairing starts once both of you (or your coordinator) confirm it.")
    raise ValueError(f"no wording for {n!r}")


def _saved(n: PairNews) -> str:
    note = f" with your note \"{esc(n.note)}\"" if n.note else ""
    text = f"Thanks: I've recorded a fit of **{n.fit}/5** for your pairing with " \
           f"**{esc(n.partner)}**{note}."
    if n.risk is not None and n.risk.kind is RiskKind.LOW_FIT:
        return (f"{text}\n\nA fit of {n.low_fit} or less marks the pairing **at risk**. "
                + COORDINATOR)
    if n.risk is not None and n.risk.kind is RiskKind.NO_SESSION:
        return (f"{text}\n\nNo session has been logged for {n.risk.value} days, so the "
                "pairing shows as **at risk** to your coordinator until one is.")
    return text


def notice_markdown(n: ProgrammeNotice) -> str:
    if isinstance(n, Dismissed):
        if n.remembered:
            return (f"Noted: I won't suggest **{esc(n.name)}** to you again (say *reset my "
                    "dismissals* to undo).")
        return f"I've left **{esc(n.name)}** out of this chat."
    if isinstance(n, LeftOut):
        if n.kind is ExclusionKind.DISMISSED:
            return (f"_Not shown: {names(n.names)}, whom you turned down earlier (say *reset "
                    "my dismissals* to see them again)._")
        return f"_Not shown: {names(n.names)}, already your partner (proposed or active)._"
    if isinstance(n, Withdrawn):
        return f"Your earlier proposal to **{esc(n.name)}** is withdrawn."
    if isinstance(n, NotRecorded):
        return (f"You're asking anonymously, so this holds for this chat only: sign in as "
                f"yourself to {SIGN_IN[n.action]}.")
    if isinstance(n, FeedbackDropped):
        return (f"_I've recorded no rating for your pairing with {esc(n.name)} (no 1-5 fit "
                "given); ask again whenever you like._")
    raise TypeError(f"unknown notice {n!r}")


def notice_json(n: ProgrammeNotice) -> dict[str, object]:
    if isinstance(n, Dismissed):
        return {"kind": "dismissed", "name": n.name, "remembered": n.remembered}
    if isinstance(n, LeftOut):
        return {"kind": "left_out", "reason": str(n.kind), "names": list(n.names)}
    if isinstance(n, Withdrawn):
        return {"kind": "withdrawn", "name": n.name}
    if isinstance(n, NotRecorded):
        return {"kind": "not_recorded", "action": str(n.action)}
    return {"kind": "feedback_dropped", "name": n.name}


def news_json(n: PairNews) -> dict[str, object]:
    return {"step": str(n.step), "partner": n.partner,
            "status": str(n.status) if n.status else None, "waiting_for": list(n.waiting_for),
            "fit": n.fit, "note": n.note, "at_risk": n.risk is not None,
            "risk": str(n.risk.kind) if n.risk else None, "count": n.count,
            "names": list(n.names), "action": str(n.action) if n.action else None}
