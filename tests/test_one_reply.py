"""The examples of "one reply, shown the same everywhere", on the demo corpus: each one
as a new user met it, and what the assistant does now."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from icalendar import Calendar

from assistant.converse.conversation import Conversation
from assistant.converse.reply import FilterEmptied, LineRule, OutsideFilters
from assistant.match import FilterKind, Matcher, Request, ScoringConfig
from assistant.present import (
    agenda_ics,
    agenda_markdown,
    cohort_view,
    markdown,
    panel,
    text,
)
from assistant.present.cohort import PAIR_HEADERS
from assistant.present.figures import fmt
from assistant.present.view import view
from assistant.service import PairingService

ROOT = Path(__file__).resolve().parents[1]
SNAPCHAT = "who can teach me Snapchat and wants strategy help"
TIKTOK = "I'm keen to pick up TikTok and could offer help with budgeting"


def test_a_card_and_its_statements_use_one_figure_each(demo: PairingService) -> None:
    """Was: "teaches you 1.00" above "match 0.77"; "similarity 0.03" in *why?*."""
    convo = Conversation(demo, "hf002")
    reply = convo.send(SNAPCHAT)
    chat, cards = markdown(reply), panel(reply, {}) or ""
    for i, c in enumerate(reply.candidates, 1):
        v = view(c, i, True)
        best = v.to_you.best
        assert best is not None
        # one thing asked for: what they teach you is the fit of their best statement
        assert fmt(v.figures.teaches_you) == fmt(best.fit)
        assert f"teaches you {fmt(best.fit)}" in chat and f"fit {fmt(best.fit)}" in chat
        assert f"teaches you {fmt(best.fit)}" in cards and f"fit {fmt(best.fit)}" in cards
    why = markdown(convo.send("why her?"))
    for rendered in (chat, cards, why):
        assert not re.search(r"\b(?:match|similarity|reciprocity) \d", rendered)


def test_the_coordinator_table_shows_pair_scores_from_0_to_1(demo: PairingService) -> None:
    """Was: "Score" 1.008 beside "Reciprocity" 0.938, unexplained."""
    cohort = cohort_view(demo, demo.pair_cohort())
    assert "Score" not in PAIR_HEADERS and "Reciprocity" not in PAIR_HEADERS
    assert all(0 <= r.pair_score <= 1 for r in cohort.pairs)
    assert all(" teaches " in r.why for r in cohort.pairs)


def test_an_exact_want_ranks_above_one_that_merely_relates(demo: PairingService) -> None:
    """Was: Olivia ("Planning my career in finance", 0.65 to budgeting) above Maya
    ("Budgeting", exactly what is offered), when both count as teaching TikTok fully.
    The reverse direction's exactness decides between them; the plain retriever's cosine
    (``plain_weight``) then puts Olivia, who offers "TikTok" itself, above Maya ("TikTok
    for recruiting")."""
    request = Request(wants=["TikTok"], offers=["budgeting"])
    alone = Matcher(demo.store, demo.embeddings, replace(demo.config, plain_weight=0.0))
    ids = [c.id for c in alone.find(request, k=10).candidates]
    assert ids.index("hf062") < ids.index("hf039")
    reply = Conversation(demo, page=5).send(TIKTOK)
    ids = [c.id for c in reply.candidates]
    assert ids.index("hf039") < ids.index("hf062")


def test_candidates_without_a_reverse_direction_are_marked_one_way(
    demo: PairingService,
) -> None:
    """Was: people with reciprocity 0.00 listed as reciprocal suggestions."""
    reply = Conversation(demo, page=10).send(TIKTOK)
    assert reply.two_way and reply.one_way
    zero = [c for c in reply.candidates if c.reciprocal == 0]
    assert zero and all(c in reply.one_way for c in zero)  # e.g. Jasmine Wu, Chiara Romano
    chat = markdown(reply)
    for i, c in enumerate(reply.candidates, 1):
        marked = f"**{i}. {c.person.name}** (*one-way*)" in chat
        assert marked == (c in reply.one_way)
        assert marked or c.learns >= demo.config.abstain_below


def test_a_filter_that_empties_the_list_says_so_and_more_says_there_is_no_more(
    demo: PairingService,
) -> None:
    """Was: "nobody in the program teaches anything close to: Snapchat" after *only people
    in London* although people outside London do; *more* repeated it; *the first one*
    then picked someone in Manchester and dropped the filter silently."""
    convo = Conversation(demo, "hf010")
    first = convo.send(SNAPCHAT)
    assert first.kind == "candidates"
    london = convo.send("only people in London")
    assert london.kind == "abstain" and london.filters == ["in London"]
    emptied = [n for n in london.notices if isinstance(n, FilterEmptied)]
    assert len(emptied) == 1 and emptied[0].filter is FilterKind.LOCATION
    assert emptied[0].count >= 2 and "Tiana Roberts" in emptied[0].names
    said = markdown(london)
    assert "nobody in the program" not in said and "who fits your filters" in said
    assert "in London" in said and "Tiana Roberts" in said
    more = convo.send("more")
    assert more.kind == "no_more" and markdown(more).startswith("There are no more")
    chosen = convo.send("pair me with the first one")
    assert chosen.kind == "selected" and chosen.focus is not None
    outside = [n for n in chosen.notices if isinstance(n, OutsideFilters)]
    assert outside and outside[0].name == chosen.focus.person.name
    assert "outside the filters in force (not in London)" in markdown(chosen)


def test_the_agenda_downloads_are_plain_and_specific(demo: PairingService) -> None:
    """Was: "&amp;" in the Markdown title, raw Markdown with "&amp\\;" in the .ics, a TZID
    with no VTIMEZONE, an FAQ answer pasted with its leading "No.", one exercise
    template for every skill."""
    convo = Conversation(demo, "hf002")
    convo.send(SNAPCHAT)
    convo.send("pair me with the second one")
    reply = convo.send("draft our first session agenda")
    assert reply.agenda is not None
    agenda = reply.agenda
    md = agenda_markdown(agenda)
    assert md.startswith(f"# First reciprocal mentoring session: Rajesh Menon & "
                         f"{agenda.b.name}\n")
    assert "&amp;" not in md and "faq.md" not in md and "\n- No. " not in md
    assert "Show one real, small task" not in md
    assert "Snapchat: first exercises" in md  # the exercises of the skill itself
    teaching = [b for b in agenda.blocks if "First exercise" in " ".join(b.points)]
    assert len(teaching) == 2 and teaching[0].points != teaching[1].points
    calendar = Calendar.from_ical(agenda_ics(agenda))
    event = next(iter(calendar.walk("VEVENT")))
    description = str(event.get("description"))
    assert "&amp" not in description and "**" not in description and "\\;" not in description
    assert [str(z.get("tzid")) for z in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_an_anonymous_agenda_comes_from_what_the_request_says(demo: PairingService) -> None:
    """Was: "draft our first session agenda with Tiana" answered "sign in first"."""
    convo = Conversation(demo)
    convo.send(SNAPCHAT)
    reply = convo.send("draft our first session agenda with Tiana")
    assert reply.kind == "agenda" and reply.agenda is not None
    assert reply.agenda.a is None and reply.agenda.b.id == "hf053"
    assert reply.agenda.a_learns == "Snapchat"
    assert "strateg" in reply.agenda.b_learns.lower()
    assert agenda_markdown(reply.agenda).startswith(
        "# First reciprocal mentoring session with Tiana Roberts")


def test_the_chief_executive_gets_partners_in_the_chat(demo: PairingService) -> None:
    """Was: "everyone who came close is ruled out: 58 on your reporting line"."""
    reply = Conversation(demo, "hf001").send(SNAPCHAT)
    assert reply.kind == "candidates" and reply.candidates
    lines = demo.matcher.snapshot.lines
    assert all(lines.distance("hf001", c.id) is None or lines.distance("hf001", c.id) > 2
               for c in reply.candidates)
    rule = [n for n in reply.notices if isinstance(n, LineRule)]
    assert rule and "manager's manager" in rule[0].rule  # the rule, in the answer
    assert "close to you on your reporting line" in markdown(reply)


def test_the_chief_executive_gets_a_partner_in_the_cohort_run(demo: PairingService) -> None:
    result = demo.pair_cohort()
    assert "hf001" in result.matched_ids


def test_the_strict_rule_keeps_the_whole_chain_apart_and_says_so(
    demo: PairingService,
) -> None:
    strict = PairingService(demo.settings, mode="shared", embeddings=demo.embeddings,
                            config=ScoringConfig(reporting_levels=None))
    try:
        reply = Conversation(strict, "hf001").send(SNAPCHAT)
        assert reply.kind == "abstain"
        rule = [n for n in reply.notices if isinstance(n, LineRule)]
        assert rule and "at any depth" in rule[0].rule
        assert "hf001" not in strict.pair_cohort().matched_ids
    finally:
        strict.close()


def test_the_chief_executive_gets_partners_from_the_command_line(demo: PairingService) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(demo.data_dir), "ask",
         "--as", "hf001", SNAPCHAT], capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Partners who can teach you Snapchat" in done.stdout
    assert "pair score" in done.stdout and "ruled out" not in done.stdout


def test_terminal_text_has_the_chat_words_without_markup(demo: PairingService) -> None:
    reply = Conversation(demo, "hf002").send(SNAPCHAT)
    shown = text(reply)
    assert "\\" not in shown and "**" not in shown
    for c in reply.candidates:
        assert f"{c.person.first_name} can teach you" in shown


@pytest.mark.parametrize("name", ["README.md", "corpus/README.md", "evals/README.md",
                                  "evals/FORMAT.md"])
def test_documents_point_at_nothing_outside_the_repository(name: str) -> None:
    body = (ROOT / name).read_text(encoding="utf-8")
    assert "../shared" not in body and "shared/eval-suite-format" not in body
    for target in re.findall(r"\]\(([^)#]+)\)", body):  # every relative link resolves
        if not re.match(r"[a-z]+:", target):
            assert (ROOT / name).parent.joinpath(target).exists(), target


#: the workplace's own documents, which a reader of the repository does not have
_BRIEFS = re.compile(r"shared/(?:domain-brief|eval-suite-format|architecture-notes)\b")


def test_no_tracked_file_points_outside_the_repository() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    outside: list[str] = []
    for name in files:
        path = ROOT / name
        if name == "tests/test_one_reply.py" or not path.is_file():
            continue  # this file names the patterns it looks for
        if path.suffix in {".md", ".py", ".toml", ".sh", ".txt", ".cfg", ".jsonl", ".csv"}:
            body = path.read_text(encoding="utf-8", errors="replace")
            if "../shared/" in body or "/work/" in body or _BRIEFS.search(body):
                outside.append(name)
    assert outside == []
