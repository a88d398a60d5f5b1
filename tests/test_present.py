"""One reply, every renderer: the same figures with the same words in the chat Markdown,
the HTML cards, the terminal text, JSON and the coordinator's CSV; agendas that are worth
downloading (plain Markdown, an .ics that parses back with a timezone)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from assistant.converse.agenda import build_agenda
from assistant.converse.conversation import Conversation
from assistant.converse.reply import Reply
from assistant.present import (
    agenda_ics,
    agenda_markdown,
    agenda_text,
    cohort_view,
    markdown,
    panel,
    reply_json,
    text,
    write_pairs_csv,
)
from assistant.present.cohort import table_rows
from assistant.present.figures import LEARNS, PAIR, TEACHES, fmt
from assistant.present.view import view
from assistant.service import PairingService

PEOPLE = [
    dict(id="ann", name="Ann O'Hara & Co", offers="Business strategy; Annual planning",
         wants="Snapchat", department="Executive", career_stage="executive",
         location="London", timezone="Europe/London"),
    dict(id="bea", name="Bea Kaur", offers="Snapchat stories, streaks and filters",
         wants="Strategy for my career; Writing emails", department="Sales",
         career_stage="early", location="Leeds", timezone="Europe/London"),
    dict(id="cy", name="Cy Ito", offers="Snapchat - I post every day", wants="Knitting socks",
         department="Sales", career_stage="early", location="Leeds", timezone="Asia/Tokyo"),
    dict(id="dee", name="Dee Rao", offers="Twitter threads", wants="Growing tomatoes",
         department="Product", career_stage="mid", location="Leeds"),
    dict(id="eli", name="Eli Vos", offers="Strategic planning; Negotiation",
         wants="Snapchat for brands", department="Marketing", career_stage="senior",
         location="Berlin", timezone="Europe/Berlin"),
]
GUIDE = """# Guide

## Ground rules

1. **Both of you teach.** Each direction gets at least forty percent of the time.
2. **No judgement.** Everyone starts somewhere, whatever their grade.

## Snapchat: first exercises

1. **Send a snap (10 minutes).** Add the teacher by username and send one snap with a sticker.
2. **Post a Story (10 minutes).** Post a Story to friends only and explain who sees it.

## Strategy: first exercises

1. **Trace a priority (20 minutes).** Follow one company priority down to a task in your team.
2. **Stop, start, continue (15 minutes).** Name one thing your team should stop, start, continue.

## How often to meet

- Meet every two weeks for an hour, and weekly for the first month if you both like.
"""
FAQ = """# FAQ

## Should we set ground rules in the first session?

No. Both of you will agree the ground rules as you go, see the guide.
"""


@pytest.fixture
def service(service_factory: Callable[..., PairingService], write_csv: Any,
            tmp_path: Path) -> PairingService:
    svc = service_factory()
    (tmp_path / "guide.md").write_text(GUIDE, encoding="utf-8")
    (tmp_path / "faq.md").write_text(FAQ, encoding="utf-8")
    svc.ingest([write_csv(tmp_path / "people.csv", PEOPLE), tmp_path / "guide.md",
                tmp_path / "faq.md"])
    return svc


def figure_words(reply: Reply) -> list[str]:
    """Every figure of every candidate shown, in words, as the renderers must show it."""
    out = []
    for i, c in enumerate(reply.candidates, reply.start):
        v = view(c, i, reply.two_way)
        out += [f"{words} {fmt(value)}" for words, value in v.figures.items()]
        out += [f"fit {fmt(d.best.fit)}" for d in (v.to_you, v.from_you) if d.best]
    return out


def test_one_reply_shows_the_same_figures_in_every_renderer(service: PairingService) -> None:
    reply = Conversation(service, "ann").send("who can teach me Snapchat and wants strategy help")
    assert reply.kind == "candidates" and reply.two_way
    assert {c.id for c in reply.candidates} >= {"bea"}
    chat, cards, terminal = markdown(reply), panel(reply, {}) or "", text(reply)
    data = reply_json(reply)
    words = figure_words(reply)
    assert words
    for shown in words:
        assert shown in chat, shown
        assert shown in cards, shown
        assert shown in terminal, shown
    shown_json = data["candidates"]
    assert [c["id"] for c in shown_json] == [c.id for c in reply.candidates]
    for c, js in zip(reply.candidates, shown_json, strict=True):
        v = view(c, None, True)
        assert fmt(js["pair_score"]) == fmt(v.figures.pair_score)
        assert fmt(js["teaches_you"]) == fmt(v.figures.teaches_you)
        assert fmt(js["learns_from_you"]) == fmt(v.figures.learns_from_you)
    # the old names of figures are gone from every renderer
    for rendered in (chat, cards, terminal, str(data)):
        assert not re.search(r"\b(?:match|similarity|reciprocity) \d", rendered), rendered


def test_why_and_the_focused_card_agree(service: PairingService) -> None:
    convo = Conversation(service, "ann")
    convo.send("who can teach me Snapchat and wants strategy help")
    why = convo.send("why?")
    assert why.kind == "explain" and why.focus is not None
    v = view(why.focus, None, why.two_way)
    line = (f"{PAIR} {fmt(v.figures.pair_score)} ({TEACHES} {fmt(v.figures.teaches_you)}, "
            f"{LEARNS} {fmt(v.figures.learns_from_you)})")
    assert line in markdown(why)
    card = panel(why, {why.focus.id: 1}) or ""
    for words, value in v.figures.items():
        assert f"{words} {fmt(value)}" in card
    # a want nothing offered fits says so, with the same figure name
    assert "nothing you offer is close (fit 0.00)" in markdown(why)


def test_one_way_teachers_are_marked_never_offered_as_reciprocal(
    service: PairingService,
) -> None:
    reply = Conversation(service, "ann", page=10).send(
        "who can teach me Snapchat and wants strategy help")
    assert [c.id for c in reply.one_way] == ["cy"]  # teaches Snapchat, wants knitting
    chat, cards = markdown(reply), panel(reply, {}) or ""
    assert "Those marked *one-way*: they want nothing you offer" in chat
    rank = [c.id for c in reply.candidates].index("cy") + 1
    assert f"**{rank}. Cy Ito** (*one-way*)," in chat
    assert "Bea Kaur** (*one-way*)" not in chat
    cy = cards.split('data-id="cy"')[1].split('data-id="')[0]
    assert "one-way: they want nothing you offer" in cy
    assert 'class="pa-card pa-oneway"' in cards.split('data-id="cy"')[0][-40:]
    assert "one-way" not in cards.split('data-id="bea"')[1].split('data-id="')[0]
    # everyone unmarked wants what Ann offers
    assert all(c.learns >= service.config.abstain_below for c in reply.candidates
               if c not in reply.one_way)


def test_a_request_without_offers_checks_one_direction_and_says_so(
    service: PairingService,
) -> None:
    reply = Conversation(service).send("who can teach me Snapchat?")
    assert reply.kind == "candidates" and not reply.two_way
    chat = markdown(reply)
    assert "You named nothing to offer" in chat
    assert f"{PAIR} – · {TEACHES} " in chat and f"{LEARNS} –" in chat
    assert reply_json(reply)["candidates"][0]["pair_score"] is None
    assert reply.one_way == []  # nothing offered: nobody is marked one-way


def test_cohort_rows_csv_and_chat_use_the_same_pair_figures(
    service: PairingService, tmp_path: Path
) -> None:
    result = service.pair_cohort()
    cohort = cohort_view(service, result)
    assert cohort.pairs
    rows, unmatched = table_rows(cohort)
    target = write_pairs_csv(cohort, tmp_path / "pairs.csv")
    with target.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    for row, r, shown in zip(cohort.pairs, written, rows, strict=False):
        c = service.explain(row.a_id, row.b_id)
        assert r["pair_score"] == shown[2] == fmt(c.reciprocal)
        assert r["b_teaches_a"] == shown[3] == fmt(c.teaches)
        assert r["a_teaches_b"] == shown[4] == fmt(c.learns)
        assert r["why"] == shown[5] and f"{row.b_name.split()[0]} teaches" in r["why"]
        assert float(r["pair_score"]) <= 1
    names = {p["id"]: p["name"] for p in PEOPLE}
    assert [r["a_name"] for r in written if r["status"] == "unmatched"] == [
        names[u.id] for u in cohort.unmatched]
    assert [u[0] for u in unmatched] == [f"{u.name} ({u.id})" for u in cohort.unmatched]


def test_agenda_markdown_is_plain_and_exercises_fit_each_skill(service: PairingService) -> None:
    agenda = build_agenda(service, service.get("ann"), service.get("bea"), "Snapchat",
                          "Strategy for my career")
    md = agenda_markdown(agenda)
    assert md.startswith("# First reciprocal mentoring session: Ann O'Hara & Co & Bea Kaur\n")
    assert "&amp;" not in md and "&#" not in md
    assert "Send a snap" in md and "Trace a priority" in md  # each skill its own exercises
    assert "Snapchat: first exercises" in md and "Strategy: first exercises" in md
    assert "Both of you teach" in md  # ground rules as bullet points of the guidance
    assert "faq.md" not in md and "No. Both of you" not in md  # never an FAQ answer pasted
    assert md.count("First exercise:") == 4


def test_an_unknown_skill_gets_no_borrowed_exercise(service: PairingService) -> None:
    agenda = build_agenda(service, service.get("ann"), service.get("dee"), "Snapchat",
                          "Growing tomatoes")
    md = agenda_markdown(agenda)
    assert "no first exercise for \u201cGrowing tomatoes\u201d" in md
    assert md.count("First exercise:") == 2


def invite(agenda: Any) -> tuple[Any, Any]:
    calendar = Calendar.from_ical(agenda_ics(agenda))
    event = next(iter(calendar.walk("VEVENT")))
    description = str(event.get("description"))
    assert description.strip() == agenda_text(agenda).strip()
    assert "**" not in description and "&amp" not in description and "\\" not in description
    assert str(event.get("summary")) == agenda.title
    return calendar, event


def test_the_invite_parses_back_with_a_plain_description_and_its_timezone(
    service: PairingService,
) -> None:
    agenda = build_agenda(service, service.get("ann"), service.get("bea"), "Snapchat",
                          "Strategy")
    calendar, event = invite(agenda)
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/London"
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert [str(z.get("tzid")) for z in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_without_any_timezone_the_invite_is_in_utc(service: PairingService) -> None:
    bea = service.get("bea").model_copy(update={"timezone": ""})
    agenda = build_agenda(service, service.get("dee"), bea, "Twitter", "Strategy")
    calendar, event = invite(agenda)
    assert event.decoded("dtstart").utcoffset().total_seconds() == 0
    assert calendar.walk("VTIMEZONE") == []
