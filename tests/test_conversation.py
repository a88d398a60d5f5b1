"""The conversation object on the real demo corpus (the session's ``demo`` fixture): every
request shape, follow-ups, guidance answers, abstention, agendas, escaping and the optional
LLM (fake model)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.config import Settings
from assistant.converse.conversation import Conversation
from assistant.converse.llm import LLMAssist
from assistant.embed import CachedEmbeddings
from assistant.match import FlagKind
from assistant.present import agenda_ics, agenda_markdown, markdown, phrased
from assistant.service import PairingService


def offers_text(service: PairingService, pid: str) -> str:
    return " ".join(service.get(pid).offers).lower()


def wants_text(service: PairingService, pid: str) -> str:
    return " ".join(service.get(pid).wants).lower()


def test_snapchat_question_ranks_a_reciprocal_partner_first(demo: PairingService) -> None:
    convo = Conversation(demo, "hf002")
    reply = convo.send("who can teach me Snapchat and wants strategy help")
    assert reply.kind == "candidates"
    top = reply.candidates[0]
    assert "snap" in offers_text(demo, top.id)
    assert "strateg" in wants_text(demo, top.id)
    lines = demo.matcher.snapshot.lines  # nobody within two levels of Rajesh's line
    assert not [c.id for c in reply.candidates if lines.conflict("hf002", c.id)]
    assert "hf002" not in reply.candidate_ids
    assert "can teach you" in markdown(reply) and "which you offer" in markdown(reply)
    assert top.to_asker and top.to_candidate


@pytest.mark.parametrize(
    ("asker", "text", "learn", "teach"),
    [
        ("hf004", "I'm keen to pick up TikTok and could offer help with budgeting in exchange",
         "tiktok", "budget"),
        (None, "anyone who knows Excel well and would like to get better at presenting?",
         "excel", "present"),
        (None, "looking for a partner: I teach negotiation, I want to learn Power BI",
         "power bi", "negotiat"),
    ],
)
def test_request_shapes_split_both_directions(
    demo: PairingService, asker: str | None, text: str, learn: str, teach: str
) -> None:
    reply = Conversation(demo, asker).send(text)
    assert reply.kind == "candidates", markdown(reply)
    assert reply.result is not None
    assert any(learn in w.lower() for w in reply.result.wants)
    assert any(teach in o.lower() for o in reply.result.offers)
    top = reply.candidates[0]
    assert learn.split()[0] in offers_text(demo, top.id)
    # either a two-way fit, or (nobody offering Excel wants presenting) shown one-way
    assert top.learns > 0.3 or top in reply.one_way


def test_profile_fills_in_both_sides(demo: PairingService) -> None:
    convo = Conversation(demo, "hf013")
    reply = convo.send("who would be a good partner for me?")
    assert reply.kind == "candidates"
    assert reply.result is not None
    me = demo.get("hf013")
    assert reply.result.wants == me.wants and reply.result.offers == me.offers
    assert all(c.reciprocal >= demo.config.abstain_below for c in reply.candidates)


def test_profile_fills_in_offers_only(demo: PairingService) -> None:
    reply = Conversation(demo, "hf004").send("someone who can show me how to use Notion")
    assert reply.result is not None
    assert [w.lower() for w in reply.result.wants] == ["notion"]
    assert reply.result.offers == demo.get("hf004").offers
    if reply.kind == "candidates":
        assert "notion" in offers_text(demo, reply.candidates[0].id)


def test_follow_ups_refine_and_navigate(demo: PairingService) -> None:
    convo = Conversation(demo, "hf022")
    first = convo.send("who can teach me Snapchat and wants strategy help")
    assert first.kind == "candidates"
    shown = set(first.candidate_ids)

    more = convo.send("more")
    assert more.kind in ("candidates", "no_more")
    assert not shown & set(more.candidate_ids)

    london = convo.send("only people in London")
    assert london.kind in ("candidates", "abstain")
    assert all(c.person.location == "London" for c in london.candidates)

    convo.send("who can teach me Snapchat and wants strategy help")
    other = convo.send("not in my department")
    assert all(c.person.department != demo.get("hf022").department for c in other.candidates)


def test_a_two_way_wish_keeps_the_search_and_lists_two_way_partners_first(
    demo: PairingService,
) -> None:
    convo = Conversation(demo, "hf030", page=5)
    first = convo.send("who can help me with public speaking?")
    assert first.kind == "candidates"
    # the demo cohort has one-way teachers of it among the first five
    assert any(c.one_sided for c in first.candidates)
    after = convo.send("ideally someone who'd learn from me too")
    assert after.kind == "candidates"
    assert not first.filters and after.filters == [
        "those who would also learn from you listed first"]
    assert after.result is not None and after.result.wants == first.result.wants
    sides = [c.one_sided for c in after.candidates]
    assert sides == sorted(sides) and not sides[0]
    # the two-way partners the first page had are still the first, in the same order
    before = [c.id for c in first.candidates if not c.one_sided]
    assert [c.id for c in after.candidates][:len(before)] == before


def test_why_about_reject_select_agenda(demo: PairingService) -> None:
    convo = Conversation(demo, "hf002")
    first = convo.send("who can teach me Snapchat and wants strategy help")
    top = first.candidates[0]

    why = convo.send("why?")
    assert why.kind == "explain" and why.focus is not None and why.focus.id == top.id
    assert "→ you" in markdown(why) and "You →" in markdown(why)

    tiana = convo.send("what about Tiana?")
    assert tiana.kind == "explain" and tiana.focus is not None
    assert tiana.focus.id == "hf053"

    priya = convo.send("what about Priya?")  # reports to Rajesh
    assert priya.focus is not None and priya.focus.id == "hf010"
    assert FlagKind.REPORTING_LINE in [f.kind for f in priya.focus.flags]
    refused = convo.send("pair me with Priya")
    assert refused.kind == "refused" and refused.refusal is not None
    assert "reporting line" in markdown(refused) and convo.state.selected is None

    convo.send("who can teach me Snapchat and wants strategy help")
    rejected = convo.send("not him, someone else")
    assert top.id not in rejected.candidate_ids

    relisted = convo.send("who can teach me Snapchat and wants strategy help")
    assert top.id not in relisted.candidate_ids  # "not him" is remembered for Rajesh
    chosen = convo.send("pair me with the second one")
    assert chosen.kind == "selected"
    second = relisted.candidates[1].id
    assert convo.state.selected == second

    agenda = convo.send("draft our first session agenda")
    assert agenda.kind == "agenda" and agenda.agenda is not None
    plan = agenda.agenda
    assert plan.b.id == second
    assert sum(b.minutes for b in plan.blocks) == 60
    assert plan.citations, "agenda must cite the guidance"
    assert all(".md >" in c for c in plan.citations)
    md = agenda_markdown(plan)
    assert "First exercise" in md
    ics = agenda_ics(plan).decode()
    assert ics.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in ics and "DTSTART" in ics


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("how often should we meet?", ("meeting-cadence.md", "faq.md")),
        ("what if my partner cancels twice?", ("feedback-and-re-pairing.md", "faq.md")),
        ("is what we discuss confidential?", ("ground-rules-and-confidentiality.md", "faq.md")),
    ],
)
def test_program_questions_are_answered_from_guidance(
    demo: PairingService, question: str, source: tuple[str, ...]
) -> None:
    reply = Conversation(demo).send(question)
    assert reply.kind == "guidance", markdown(reply)
    assert reply.guidance[0].source in source
    assert "_Source: " in markdown(reply)


def test_abstains_when_nobody_teaches_it(demo: PairingService) -> None:
    reply = Conversation(demo, "hf004").send(
        "who can teach me glassblowing and wants help with medieval Latin?"
    )
    assert reply.kind == "abstain"
    assert not reply.candidates
    assert "widen" in markdown(reply)


def test_sessions_do_not_share_state(demo: PairingService) -> None:
    a, b = Conversation(demo, "hf002"), Conversation(demo, "hf004")
    a.send("who can teach me Snapchat and wants strategy help")
    reply = b.send("more")  # b has no search yet: starts from its own profile
    assert a.state.shown and not set(a.state.excluded)
    assert reply.result is None or reply.result.request.asker_id == "hf004"


def test_hostile_profile_text_is_escaped(tmp_path: Path, embedder: CachedEmbeddings) -> None:
    rows = (
        "id,name,offers,wants,department\n"
        'x1,"<script>alert(1)</script> Eve","Snapchat <img src=x onerror=alert(1)>; '
        '[click](http://evil.example) ![i](http://evil.example/x.png)","business strategy",Ops\n'
        "x2,Sam Senior,business strategy,Snapchat stories,Sales\n"
    )
    path = tmp_path / "hostile.csv"
    path.write_text(rows, encoding="utf-8")
    with PairingService(
        Settings(data_dir=tmp_path / "d", store="chroma"), mode="exclusive",
        embeddings=CachedEmbeddings(embedder, None, embedder.model_name),
    ) as service:
        service.ingest([path])
        convo = Conversation(service, "x2")
        reply = convo.send("who would be a good partner for me?")
        assert reply.candidate_ids == ["x1"]
        why = convo.send("why?")
        assert why.kind == "explain"
        for text in (markdown(reply), markdown(why)):
            assert "<script" not in text and "<img" not in text
            assert "](http" not in text
            assert "&lt;script&gt;" in text


def fake(*answers: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=a) for a in answers]))


def test_llm_rephrasing_is_used_only_when_faithful(demo: PairingService) -> None:
    default = Conversation(demo, "hf002").send("who can teach me Snapchat and wants strategy help")
    text = markdown(default)
    names = [c.person.name for c in default.candidates]
    numbers = re.findall(r"\d+\.\d+", text)
    faithful = f"Good news! {' and '.join(names)} look right for you ({', '.join(numbers)})."
    llm = LLMAssist(fake(faithful))
    reply = Conversation(demo, "hf002", llm=llm).send(
        "who can teach me Snapchat and wants strategy help"
    )
    assert phrased(reply, markdown(reply), llm) == faithful
    assert reply.candidate_ids == default.candidate_ids

    invented = f"{names[0]} and Helen Fairbrother are perfect (score 0.99)."
    llm = LLMAssist(fake(invented))
    reply = Conversation(demo, "hf002", llm=llm).send(
        "who can teach me Snapchat and wants strategy help"
    )
    assert phrased(reply, markdown(reply), llm) == text
    assert llm.fallbacks == 1


def test_llm_parse_must_be_grounded_in_the_message(demo: PairingService) -> None:
    text = "ugh, pivot tables are killing me; my thing is contract negotiation"
    good = LLMAssist(fake('{"wants": ["pivot tables"], "offers": ["contract negotiation"]}',
                          "unused rephrase"))
    parsed = good.parse(text, Conversation(demo).context)
    assert parsed is not None and parsed.intent == "search"
    assert (parsed.wants, parsed.offers) == (["pivot tables"], ["contract negotiation"])
    assert good.used == 1

    bad = LLMAssist(fake('{"wants": ["quantum computing"], "offers": []}'))
    parsed = bad.parse("hello there friend", Conversation(demo).context)
    assert parsed is None and bad.fallbacks == 1


def test_weaker_matches_are_not_worded_as_teachers(demo: PairingService) -> None:
    """Below the bar, a card says what comes closest instead of "can teach you"."""
    reply = Conversation(demo, "hf002", page=10).send(
        "who can teach me Snapchat and wants strategy help")
    blocks = markdown(reply).split("\n\n")
    cards = {c.id: next(b for b in blocks if b.startswith(f"**{i}. {c.person.name}**"))
             for i, c in enumerate(reply.candidates, 1)}
    weak = [c for c in reply.candidates if c.weak]
    strong = [c for c in reply.candidates if not c.weak]
    assert weak and strong
    for c in reply.candidates:
        card = cards[c.id]
        assert c.person.name in card
        assert (f"Closest to *Snapchat*, {c.person.first_name} offers" in card) == c.weak
        assert (f"{c.person.first_name} can teach you *Snapchat*" in card) == (not c.weak)


@pytest.mark.parametrize("typed", [
    "C# and F* (functional)", "snake_case & <tags>", r"back\slash [links](x) **not bold**",
    "100% #1 ~approx~ `code` {braces} |pipes| >quote !bang +plus",
])
def test_plain_text_undoes_markdown_escapes_of_user_text(typed: str) -> None:
    from assistant.present.escape import esc, plain

    assert plain(esc(typed)) == typed
    assert plain(f"**{esc(typed)}** and *{esc(typed)}*", ("<", ">")) == f"<{typed}> and {typed}"
    assert plain(f"# {esc(typed)}\n\n_Source: {esc(typed)}_") == f"{typed}\n\nSource: {typed}"


def test_plain_text_cannot_drive_the_terminal() -> None:
    from assistant.present.escape import esc, plain

    hostile = "Eve\x1b]0;owned\x07 \x1b[2J\x9b31m"
    assert "\x1b" not in plain(esc(hostile)) and "\x9b" not in plain(esc(hostile))
    assert plain("**cut short", ("<", ">")) == "<cut short>"  # bold never left on
    assert plain("- a list item\n* another, 5 * 3") == "- a list item\n* another, 5 * 3"


def test_a_signed_in_asker_is_read_with_their_profile(demo: PairingService) -> None:
    # hf003 teaches negotiation and networking and wants Snapchat: a swap worded with
    # neither "teach" nor "learn" is read the way their profile says
    reply = Conversation(demo, "hf003").send("negotiation and networking in return for Snapchat")
    assert reply.parsed is not None
    assert (reply.parsed.wants, reply.parsed.offers) == (["Snapchat"],
                                                         ["negotiation", "networking"])
    assert reply.kind == "candidates"


SMALL_COHORT = "\n".join([
    "id,name,role,department,manager_id,location,timezone,career_stage,offers,wants,"
    "capacity,goals",
    "t1,Ada Brennan,Customs Officer,Operations,,Leeds,Europe/London,senior,"
    "Commodity classification and tariff paperwork for imports,TikTok,1,",
    "t2,Ben Carter,Analyst,Finance,,Leeds,Europe/London,early,TikTok; Instagram,Budgeting,1,",
    "t3,Cara Diaz,Designer,Marketing,,Leeds,Europe/London,mid,Canva; Figma,Public speaking,1,",
    "t4,Dev Evans,Engineer,Technology,,Leeds,Europe/London,mid,Python; SQL,Negotiation,1,",
]) + "\n"


def test_when_the_words_read_as_wanted_find_nobody_the_whole_ask_is_searched(
    tmp_path: Path, embedder: CachedEmbeddings,
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(SMALL_COHORT, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", store="chroma")
    cached = CachedEmbeddings(embedder, None, embedder.model_name)
    with PairingService(settings, mode="exclusive", embeddings=cached) as service:
        service.ingest([people])
        # "codes" alone finds nobody ...
        assert Conversation(service, "t2").send("who can teach me codes?").kind == "abstain"
        # ... the rest of the message says which codes
        reply = Conversation(service, "t2").send(
            "I want to learn about codes - commodity codes for tariffs")
        assert reply.kind == "candidates"
        assert reply.candidate_ids[0] == "t1"
        assert reply.result is not None and "commodity codes" in " ".join(reply.result.wants)
        # and a wider reading that finds nobody either leaves the abstention as it was
        knots = Conversation(service, "t2").send("teach me the knots - sailing knots for racing")
        assert knots.kind == "abstain"
