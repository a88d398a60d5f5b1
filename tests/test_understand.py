"""The rule-based message parser: every request shape, filter, follow-up and trap.

Pure functions on small fixed vocabularies: no model, no data folder, no service.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.converse.understand import (
    CAREER_STAGES,
    INTENTS,
    Filters,
    Named,
    Ordinal,
    ParseContext,
    ParsedRequest,
    Previous,
    Target,
    parse,
)

CTX = ParseContext(
    names=["Jonas Weber", "Priya Shah", "Sam Okafor", "Tiana Brooks", "Grace Lee",
           "Sam Lindqvist"],
    locations=["London", "New York", "Singapore"],
    departments=["Marketing", "Finance", "People", "Strategy", "Technology"],
    timezones=["Europe/London", "America/New_York", "Asia/Singapore"],
)


def p(text: str, has_candidates: bool = True) -> ParsedRequest:
    return parse(text, CTX, has_candidates=has_candidates)


def label(target: Target | None) -> str | None:
    """A typed target as one string, to keep the tables short: a canonical name,
    ``ordinal:N`` or ``previous``."""
    if isinstance(target, Named):
        return target.name
    if isinstance(target, Ordinal):
        return f"ordinal:{target.position}"
    if isinstance(target, Previous):
        return "previous"
    return None


def set_fields(filters: Filters) -> dict[str, Any]:
    return {k: v for k, v in vars(filters).items() if v}


# ---------------------------------------------------------------------------------------
# find: both directions
# ---------------------------------------------------------------------------------------
BOTH_WAYS = [
    ("anyone on Threads who could show me how it works? happy to help with public speaking",
     ["Threads"], ["public speaking"]),
    ("who can teach me Snapchat and wants strategy help", ["Snapchat"], ["strategy"]),
    ("Who can teach me Snapchat, and wants strategy help?", ["Snapchat"], ["strategy"]),
    ("WHO CAN TEACH ME SNAPCHAT AND WANTS STRATEGY HELP", ["SNAPCHAT"], ["STRATEGY"]),
    ("who can teach me snapchat & wants strategy help!!", ["snapchat"], ["strategy"]),
    ("Hi! who can teach me Snapchat and wants strategy help", ["Snapchat"], ["strategy"]),
    ("I'm keen to pick up TikTok and could offer help with budgeting in exchange",
     ["TikTok"], ["budgeting"]),
    ("I\u2019m keen to pick up TikTok and could offer help with budgeting in exchange.",
     ["TikTok"], ["budgeting"]),
    ("anyone who knows Excel well and would like to get better at presenting?",
     ["Excel"], ["presenting"]),
    ("Anyone who knows Excel really well & would like to get better at presenting",
     ["Excel"], ["presenting"]),
    ("looking for a partner: I teach negotiation, I want to learn Power BI",
     ["Power BI"], ["negotiation"]),
    ("Looking for a partner - I teach negotiation; I want to learn Power BI.",
     ["Power BI"], ["negotiation"]),
    ("I'd like to learn Instagram Reels and TikTok; I can teach public speaking and client "
     "emails", ["Instagram Reels", "TikTok"], ["public speaking", "client emails"]),
    ("find me someone to help with Power BI dashboards who is interested in negotiation",
     ["Power BI dashboards"], ["negotiation"]),
    ("who in London can teach me TikTok? I can help with Excel in return",
     ["TikTok"], ["Excel"]),
    ("I want to learn Python and I'm happy to help with networking", ["Python"],
     ["networking"]),
    ("someone to teach me SQL who'd like help with public speaking", ["SQL"],
     ["public speaking"]),
    ("anyone who teaches LinkedIn and wants help with career progression?", ["LinkedIn"],
     ["career progression"]),
    ("I'm an expert in SQL and want to learn Canva", ["Canva"], ["SQL"]),
    ("who knows Figma and wants to learn budgeting?", ["Figma"], ["budgeting"]),
    ("I need help with Excel. In exchange I can teach negotiation", ["Excel"],
     ["negotiation"]),
    ("Who can teach me Excel? I can give career advice in return.", ["Excel"], ["career"]),
    ("I'm keen to get better at editing video, and could offer presenting coaching in "
     "exchange", ["editing video"], ["presenting"]),
]


@pytest.mark.parametrize(("text", "wants", "offers"), BOTH_WAYS)
def test_find_reads_both_directions(text: str, wants: list[str], offers: list[str]) -> None:
    r = p(text)
    assert r.intent == "search"
    assert (r.wants, r.offers) == (wants, offers)
    assert r.raw == text


WANTS_ONLY = [
    ("someone who can show me how to use Notion", ["Notion"]),
    ("I want to get better at LinkedIn", ["LinkedIn"]),
    ("teach me ChatGPT prompting", ["ChatGPT prompting"]),
    ("I need help with budgeting", ["budgeting"]),
    ("can anyone help me learn Canva?", ["Canva"]),
    ("Can anyone help me learn Canva", ["Canva"]),
    ("I'd like to get into data visualisation", ["data visualisation"]),
    ("mentor me on stakeholder management please", ["stakeholder management"]),
    ("who is an expert in Figma?", ["Figma"]),
    ("someone good at Excel", ["Excel"]),
    ("who knows Excel well", ["Excel"]),
    ("learn Python", ["Python"]),
    ("I don't know Excel at all", ["Excel"]),
    ("I've never written Python, who could teach me?", ["Python"]),
    ("who can give me feedback on my presentations?", ["feedback on my presentations"]),
    ("can someone show me the basics of Power BI", ["Power BI"]),
    ("who could teach me a bit of strategy?", ["strategy"]),
    ("who could teach me how budgets work?", ["budgets"]),
    ("who can help me excel at job interviews?", ["job interviews"]),
    ("who could teach me people management", ["people management"]),
    # the skill is where the partner is ("anyone on X"), the verb's object a pronoun
    ("is anyone here on Discord who could show me the ropes?", ["Discord"]),
    ("anyone into photography who could teach me?", ["photography"]),
    ("anyone on LinkedIn a lot who could help me with my profile", ["LinkedIn"]),
    # ... but a team or a circumstance is not a skill
    ("someone on the sales team who can teach me negotiation", ["negotiation"]),
    ("is there anyone on my team who knows SQL", ["SQL"]),
]


@pytest.mark.parametrize(("text", "wants"), WANTS_ONLY)
def test_find_wants_only(text: str, wants: list[str]) -> None:
    r = p(text)
    assert (r.intent, r.wants, r.offers) == ("search", wants, [])


OFFERS_ONLY = [
    ("I can teach Excel, who wants it?", ["Excel"]),
    ("I could mentor someone on strategy", ["strategy"]),
    ("I'm good at Excel", ["Excel"]),
    ("I know Excel well", ["Excel"]),
    ("I excel at negotiation", ["negotiation"]),
    ("happy to help with budgeting", ["budgeting"]),
    ("I can offer Power BI", ["Power BI"]),
    ("who wants to learn TikTok from me?", ["TikTok"]),
]


@pytest.mark.parametrize(("text", "offers"), OFFERS_ONLY)
def test_find_offers_only(text: str, offers: list[str]) -> None:
    r = p(text)
    assert (r.intent, r.wants, r.offers) == ("search", [], offers)


def test_profile_request_has_no_skills() -> None:
    for text in ("who would be a good partner for me?", "Who'd be a good match for me",
                 "who should I be paired with?", "find me a partner",
                 "what pairing would suit me?", "I want someone like Priya"):
        r = p(text)
        assert (r.intent, r.wants, r.offers) == ("search", [], []), text


@pytest.mark.parametrize(
    ("text", "wants", "offers"),
    [
        ("I'm good at Excel", [], ["Excel"]),
        ("someone good at Excel", ["Excel"], []),
        ("I know SQL well", [], ["SQL"]),
        ("anyone who knows SQL well", ["SQL"], []),
        ("I'm interested in AI", ["AI"], []),
        ("someone interested in AI", [], ["AI"]),
        ("I want to learn Canva", ["Canva"], []),
        ("someone who wants to learn Canva", [], ["Canva"]),
        ("I'm looking to improve my Excel", ["Excel"], []),
        ("someone looking to improve their Excel", [], ["Excel"]),
    ],
)
def test_the_subject_decides_the_direction(
    text: str, wants: list[str], offers: list[str]
) -> None:
    r = p(text)
    assert (r.wants, r.offers) == (wants, offers)


def test_excel_at_is_not_the_skill_excel() -> None:
    assert p("I excel at negotiation").wants == []
    assert p("I excel at negotiation").offers == ["negotiation"]
    assert p("someone who excels at Excel").wants == ["Excel"]
    assert p("people who excel at presenting").wants == ["presenting"]


def test_negated_triggers_yield_nothing() -> None:
    r = p("I'm not interested in marketing")
    assert r.wants == [] and r.offers == []


# ---------------------------------------------------------------------------------------
# skill phrase cleaning and splitting
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "wants"),
    [
        ("teach me how to use Power BI properly", ["Power BI"]),
        ("I want to learn some R&D budgeting", ["R&D budgeting"]),
        ("teach me P&L and Q&A facilitation", ["P&L", "Q&A facilitation"]),
        ("teach me the pros and cons of Notion", ["Notion"]),
        ("teach me UI/UX", ["UI/UX"]),
        ("teach me Excel/Google Sheets", ["Excel/Google Sheets"]),
        ("teach me Excel, SQL or Tableau", ["Excel", "SQL", "Tableau"]),
        ("teach me Python as well as SQL", ["Python", "SQL"]),
        ("I need help with my presentation skills", ["presentation"]),
        ("I'd love to learn more about \"Gen Z trends\" please", ["Gen Z trends"]),
        ("teach me C++ and C#", ["C++", "C#"]),
        ("I want to learn TikTok, TikTok and tiktok", ["TikTok"]),
    ],
)
def test_skill_phrases_are_cleaned_and_split(text: str, wants: list[str]) -> None:
    assert p(text).wants == wants


def test_bare_skill_fragment_is_a_find() -> None:
    assert (p("Power BI").intent, p("Power BI").wants) == ("search", ["Power BI"])
    assert p("Excel?").wants == ["Excel"]


# ---------------------------------------------------------------------------------------
# filters
# ---------------------------------------------------------------------------------------
REFINEMENTS = [
    ("only people in London", {"locations": ["London"]}),
    ("Only people in london.", {"locations": ["London"]}),
    ("London only", {"locations": ["London"]}),
    ("not in my department", {"not_my_department": True}),
    ("someone from a different department", {"not_my_department": True}),
    ("outside my team please", {"not_my_department": True}),
    ("someone outside Finance", {"exclude_departments": ["Finance"]}),
    ("not in Finance or Marketing", {"exclude_departments": ["Finance", "Marketing"]}),
    ("someone from the People team", {"departments": ["People"]}),
    ("only early-career people", {"career_stages": ["early"]}),
    ("juniors only", {"career_stages": ["early"]}),
    ("senior people", {"career_stages": ["senior", "executive"]}),
    ("someone more senior", {"career_stages": ["senior", "executive"]}),
    ("execs only", {"career_stages": ["executive"]}),
    ("mid-career folks", {"career_stages": ["mid"]}),
    ("no juniors", {"career_stages": ["mid", "senior", "executive"]}),
    ("not senior people", {"career_stages": ["early", "mid"]}),
    ("in my timezone", {"same_timezone": True}),
    ("same time zone as me", {"same_timezone": True}),
    ("people in Singapore time", {"timezones": ["Asia/Singapore"]}),
    ("someone on GMT", {"timezones": ["Europe/London"]}),
    ("not in New York", {"exclude_locations": ["New York"]}),
    ("anyone outside London and New York", {"exclude_locations": ["London", "New York"]}),
    ("only London or Singapore", {"locations": ["London", "Singapore"]}),
    ("no one from NYC", {"exclude_locations": ["New York"]}),
    ("but not anyone in Finance", {"exclude_departments": ["Finance"]}),
    ("not somebody based in London", {"exclude_locations": ["London"]}),
    ("anyone but Jonas", {"exclude_names": ["Jonas Weber"]}),
]


#: asking for partners who would learn from the asker too, in words written for this
#: test (no suite holds them): a preference about the exchange, never a skill
TWO_WAY = [
    "and ideally they'd want something I can teach back",
    "preferably someone who'd learn from me too",
    "it'd be nice if they wanted something I know",
    "only people I can help in return",
    "someone who'd get something out of it as well",
    "make it two-way please",
    "prefer somebody who wants to learn what I teach",
    "and who'd benefit from my skills too",
    "a mutual exchange would be better",
    "they should be keen on what I can offer",
    "somebody I could teach back",
    "ideally we'd help each other",
]


@pytest.mark.parametrize("text", TWO_WAY)
def test_a_two_way_preference_is_a_refinement_not_a_skill(text: str) -> None:
    r = p(text)
    assert r.intent == "refine"
    assert set_fields(r.filters) == {"two_way": True}
    assert r.wants == [] and r.offers == []


@pytest.mark.parametrize(("text", "wants", "offers"), [
    ("who can teach me Excel and would want to learn something from me?", ["Excel"], []),
    ("Python mentor wanted, ideally someone I can teach back", ["Python"], []),
    ("I'd like to learn SQL; happy to teach TikTok in return", ["SQL"], ["TikTok"]),
])
def test_a_two_way_preference_beside_skills(text: str, wants: list[str],
                                            offers: list[str]) -> None:
    r = p(text)
    assert (r.intent, r.wants, r.offers) == ("search", wants, offers)
    # a swap says what is given back: a skill, not the preference
    assert r.filters.two_way is (not offers)


def test_the_whole_ask_is_kept_beside_a_narrow_reading() -> None:
    r = p("I want to learn about codes - commodity codes for tariffs")
    assert r.intent == "search" and r.wants
    assert len(r.wider) == 1 and "commodity codes for tariffs" in r.wider[0]
    # nothing wider than what was read: nothing kept
    assert p("who can teach me Excel?").wider == []
    assert p("I'd like to learn SQL; happy to teach TikTok in return").wider == []


@pytest.mark.parametrize(("text", "wants", "offers"), [
    ("I can't offer much beyond Excel, but I'd like to learn public speaking",
     ["public speaking"], ["Excel"]),
    ("nothing to offer but Instagram; after some coaching on managing people",
     ["managing people"], ["Instagram"]),
    ("Not much to offer except TikTok - want to learn budgeting", ["budgeting"], ["TikTok"]),
    # the same shape about an interest: the exception is wanted
    ("I'm not interested in anything but SQL", ["SQL"], []),
])
def test_the_exception_to_having_little_to_offer_is_offered(
        text: str, wants: list[str], offers: list[str]) -> None:
    r = p(text, has_candidates=False)
    assert (r.wants, r.offers) == (wants, offers)


@pytest.mark.parametrize(("text", "wants"), [
    ("actually I meant Power BI not Excel", ["Power BI"]),
    ("Tableau rather than Power BI please", ["Tableau"]),
    ("Python instead of R", ["Python"]),
    ("who can teach me SQL, not Excel", ["SQL"]),
    ("Notion not Trello", ["Notion"]),
    # a "not" that negates a verb sets nothing against anything
    ("I'm not good at Excel", ["Excel"]),
])
def test_a_skill_set_against_another_is_not_wanted(text: str, wants: list[str]) -> None:
    assert p(text).wants == wants


@pytest.mark.parametrize(("text", "expected"), REFINEMENTS)
def test_refinements(text: str, expected: dict[str, Any]) -> None:
    r = p(text)
    assert r.intent in ("refine", "reject")
    assert set_fields(r.filters) == expected
    assert r.wants == [] and r.offers == []


def test_find_combined_with_filters() -> None:
    r = p("who in London can teach me TikTok?")
    assert (r.intent, r.wants, r.filters.locations) == ("search", ["TikTok"], ["London"])
    r = p("someone senior in Marketing who can teach me Excel, not in my timezone")
    assert r.wants == ["Excel"]
    assert r.filters.departments == ["Marketing"]
    assert r.filters.career_stages == ["senior", "executive"]
    r = p("anyone from finance who knows SQL, juniors only")
    assert (r.wants, r.filters.departments, r.filters.career_stages) == (
        ["SQL"], ["Finance"], ["early"])
    r = p("someone who knows Excel but not Jonas")
    assert (r.intent, r.wants, r.filters.exclude_names) == ("search", ["Excel"], ["Jonas Weber"])


@pytest.mark.parametrize(("text", "wants"), [
    ("who could coach me on presenting to executives?", ["presenting to executives"]),
    ("I want to get better at writing emails to directors", ["writing emails to directors"]),
    ("help with managing senior stakeholders and pitching to the C-suite",
     ["managing senior stakeholders", "pitching"]),
    ("Power BI for a busy executive", ["Power BI"]),
    ("dashboards for a non tech exec", ["dashboards"]),
])
def test_who_a_skill_is_for_is_not_a_partner_filter(text: str, wants: list[str]) -> None:
    r = p(text)
    assert (r.intent, r.wants, r.filters.career_stages) == ("search", wants, [])


def test_moving_into_a_field_is_a_skill_and_a_time_is_no_part_of_one() -> None:
    r = p("I want to get into marketing")
    assert (r.wants, r.filters.departments) == (["marketing"], [])
    assert p("I'd like to move into data analytics within 2 years").wants == ["data analytics"]


def test_department_names_that_are_skills_stay_skills() -> None:
    assert set_fields(p("who can teach me Snapchat and wants strategy help").filters) == {}
    r = p("I want to learn marketing")
    assert (r.wants, r.filters.departments) == (["marketing"], [])
    r = p("someone with experience in Finance")
    assert (r.wants, r.filters.is_empty()) == (["Finance"], True)
    assert p("I'm interested in Strategy").filters.is_empty()


@pytest.mark.parametrize("text", [
    "Marketing team lead here, after some help with SQL",
    "As someone in Finance, I can teach budgeting to anyone",
    "I've just moved from Marketing into Finance - who could I learn TikTok from?",
    "I work in Finance and want to learn TikTok",
    "I'm in marketing - who should I be paired with?",
    "I look after the month-end numbers for the finance team; keen on Canva",
    "we're the Technology team's only designer and need budgeting help",
    "I run our marketing team's newsletter, any tips on SQL?",
])
def test_a_department_the_writer_describes_themselves_by_is_not_a_filter(text: str) -> None:
    r = p(text, has_candidates=False)
    assert (r.filters.departments, r.filters.exclude_departments) == ([], [])
    # nor is it read as a skill of theirs: the department is where they work
    assert not any(d in " ".join(r.wants + r.offers).casefold()
                   for d in ("finance", "marketing", "technology"))


@pytest.mark.parametrize(("text", "stages"), [
    ("I'm a graduate and keen to learn negotiation", []),
    ("as a new starter, who can show me our CRM?", []),
    ("I'm the junior who builds all our dashboards - want presentation coaching", []),
    ("I'm an exec and need TikTok help from a junior", ["early"]),
    ("I'm junior - any senior people who can help with negotiation?", ["senior", "executive"]),
    ("I'm looking for a senior mentor", ["senior", "executive"]),
    ("I'd like to learn leadership from an executive", ["executive"]),
    ("how do I onboard a new starter remotely?", []),
    ("tips on hiring graduates", []),
])
def test_a_career_stage_the_writer_describes_themselves_by_is_not_a_filter(
        text: str, stages: list[str]) -> None:
    assert p(text, has_candidates=False).filters.career_stages == stages


@pytest.mark.parametrize(("text", "stages"), [
    # people in the writer's situation: what they want help with, not who should help
    ("I freeze in meetings with the VP", []),
    ("when execs ask hard questions I freeze up", []),
    ("directors keep asking me for updates and I waffle", []),
    ("the leadership team thinks my slides are too long", []),
    ("I get tongue-tied around senior people", []),
    ("I always go red when senior leaders look at my work", []),
    ("got grilled by execs in my last review, need to get better at it", []),
    ("I get really nervous on sales calls with C-level people", []),
    # the partner's stage, also with "the", "our" or a verb after it
    ("I'd like to learn negotiation from the senior leaders", ["senior", "executive"]),
    ("can I be matched with one of the directors for budgeting", ["executive"]),
    ("pair me with the senior people, I need networking", ["senior", "executive"]),
    ("mentor from the leadership team for career planning", ["executive"]),
    ("execs who could help with board presentations", ["executive"]),
    ("a VP who knows budgeting", ["executive"]),
    ("I'd like to be mentored by senior people on strategy", ["senior", "executive"]),
])
def test_a_career_stage_in_the_writers_situation_is_not_a_filter(
        text: str, stages: list[str]) -> None:
    assert p(text, has_candidates=False).filters.career_stages == stages


@pytest.mark.parametrize(("text", "stages", "want"), [
    # a singular stage word with no article, then a word naming no person: a skill's name
    ("need exec presence", [], "exec presence"),
    ("I want to get better at exec comms", [], "exec comms"),
    ("graduate recruitment tips", [], "graduate recruitment"),
    # an article before it, or a person after it: the partner's stage
    ("a junior developer who can teach me React", ["early"], "React"),
    ("junior devs only for TikTok", ["early"], "TikTok"),
    ("any grad who can help with Snapchat", ["early"], "Snapchat"),
    ("intern help with social media", ["early"], "social media"),
])
def test_a_stage_word_in_a_skills_name_is_not_a_filter(
        text: str, stages: list[str], want: str) -> None:
    r = p(text, has_candidates=False)
    assert (r.filters.career_stages, r.wants) == (stages, [want])


@pytest.mark.parametrize(("text", "field", "value"), [
    ("I'm looking for someone in Finance who knows SQL", "departments", ["Finance"]),
    ("I work in Marketing and want someone from Finance for budgeting", "departments",
     ["Finance"]),
    ("I'm after a mentor from Technology", "departments", ["Technology"]),
    ("I'm in Finance and only want Finance people", "departments", ["Finance"]),
    ("I work in Marketing, but not anyone from Finance please", "exclude_departments",
     ["Finance"]),
])
def test_a_department_that_describes_the_partner_stays_a_filter(
        text: str, field: str, value: list[str]) -> None:
    assert getattr(p(text, has_candidates=False).filters, field) == value


@pytest.mark.parametrize("text", [
    "I'm a data analyst in Singapore and build reports all day; I'd like to learn negotiation",
    "I sit in the London office and want to get better at public speaking",
    "New York-based designer here, keen to learn budgeting",
    "I work out of our Singapore hub - who could teach me SQL?",
    "We're a small team in New York and I need help with Excel",
    "I've just moved to London and want to learn TikTok",
])
def test_a_place_the_writer_describes_themselves_by_is_not_a_filter(text: str) -> None:
    r = p(text, has_candidates=False)
    assert (r.filters.locations, r.filters.exclude_locations) == ([], [])
    assert r.wants
    assert not any(c in " ".join(r.wants + r.offers).casefold()
                   for c in ("london", "singapore", "new york"))


@pytest.mark.parametrize(("text", "value"), [
    ("I'm looking for someone in London who knows SQL", ["London"]),
    ("I work in Singapore but want a mentor in London for budgeting", ["London"]),
    ("I'm in London - anyone near me who can teach Excel?", ["London"]),
    ("I'm based in Singapore and would prefer someone local for Canva", ["Singapore"]),
    ("who in New York can teach me SQL?", ["New York"]),
])
def test_a_place_that_describes_the_partner_stays_a_filter(text: str, value: list[str]) -> None:
    assert p(text, has_candidates=False).filters.locations == value


def test_the_word_people_is_not_the_people_department() -> None:
    assert p("only people in London").filters.departments == []
    assert p("senior people").filters.departments == []
    assert p("People only").filters.departments == ["People"]


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("who in NYC can teach me Python", "locations", ["New York"]),
        ("not in NY", "exclude_locations", ["New York"]),
        ("HR only", "departments", ["People"]),
        ("someone in tech", "departments", ["Technology"]),
        ("anyone in IT", "departments", ["Technology"]),
    ],
)
def test_aliases(text: str, field: str, value: list[str]) -> None:
    assert getattr(p(text).filters, field) == value


def test_aliases_need_their_target_and_defer_to_real_names() -> None:
    ctx = ParseContext(names=[], locations=["Paris"], departments=["HR", "People"])
    r = parse("anyone in HR or People", ctx)
    assert r.filters.departments == ["HR", "People"]
    assert parse("who in NYC?", ctx).filters.is_empty()
    assert p("can it teach me Excel").filters.departments == []  # lowercase "it"


def test_filters_merge_and_is_empty() -> None:
    assert Filters().is_empty()
    assert not Filters(same_timezone=True).is_empty()
    base = Filters(locations=["London"], exclude_names=["Jonas Weber"],
                   exclude_departments=["Finance"], not_my_department=True)
    merged = base.merge(Filters(locations=["Singapore"], exclude_names=["Priya Shah"],
                                departments=["Finance"]))
    assert merged.locations == ["Singapore"]
    assert merged.exclude_names == ["Jonas Weber", "Priya Shah"]
    assert merged.departments == ["Finance"] and merged.exclude_departments == []
    assert merged.not_my_department
    assert base.locations == ["London"]  # merge returns a new object
    assert base.merge(Filters()).locations == ["London"]
    assert Filters(locations=["London"]).merge(
        Filters(exclude_locations=["London"])).locations == []


# ---------------------------------------------------------------------------------------
# follow-ups about candidates
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["more", "More!", "show me more", "any others?",
                                  "anyone else?", "who else", "next", "more please",
                                  "other options", "show me 5 more", "more like her"])
def test_more(text: str) -> None:
    assert p(text).intent == "more"


@pytest.mark.parametrize(
    ("text", "intent", "target"),
    [
        ("why her?", "why", "previous"),
        ("why?", "why", "previous"),
        ("Why", "why", "previous"),
        ("why Jonas?", "why", "Jonas Weber"),
        ("why is Priya a good fit", "why", "Priya Shah"),
        ("what makes Tiana a good match?", "why", "Tiana Brooks"),
        ("would Grace be a good fit?", "why", "Grace Lee"),
        ("why the second one?", "why", "ordinal:2"),
        ("what about Sam?", "about", "Sam Okafor"),
        ("how about Priya Shah", "about", "Priya Shah"),
        ("tell me more about her", "about", "previous"),
        ("tell me about the third one", "about", "ordinal:3"),
        ("who is Tiana?", "about", "Tiana Brooks"),
        ("Priya?", "about", "Priya Shah"),
        ("does Jonas want strategy help?", "about", "Jonas Weber"),
        ("not him, someone else", "reject", "previous"),
        ("someone else", "reject", "previous"),
        ("not Jonas", "reject", "Jonas Weber"),
        ("I don't want the first one", "reject", "ordinal:1"),
        ("skip her", "reject", "previous"),
        ("not a good fit", "reject", "previous"),
        ("pair me with the second one", "select", "ordinal:2"),
        ("I'll take the first one", "select", "ordinal:1"),
        ("go with Jonas", "select", "Jonas Weber"),
        ("let's go with her", "select", "previous"),
        ("Priya it is", "select", "Priya Shah"),
        ("the last one", "select", "ordinal:-1"),
        ("the second one please", "select", "ordinal:2"),
        ("option 3", "select", "ordinal:3"),
        ("#2", "select", "ordinal:2"),
        ("introduce me to Grace", "select", "Grace Lee"),
    ],
)
def test_candidate_follow_ups(text: str, intent: str, target: str) -> None:
    r = p(text)
    assert (r.intent, label(r.target)) == (intent, target)


def test_reject_by_name_excludes_the_name() -> None:
    assert p("not Jonas").filters.exclude_names == ["Jonas Weber"]
    assert p("not Priya or Jonas").filters.exclude_names == ["Priya Shah", "Jonas Weber"]
    assert p("not him, someone else").filters.exclude_names == []
    r = p("not him, someone in London who knows Python")
    assert (r.intent, r.wants, r.filters.locations) == ("reject", ["Python"], ["London"])


def test_pronoun_targets_parse_without_candidates() -> None:
    assert (p("why her?", False).intent,
            label(p("why her?", False).target)) == ("why", "previous")
    assert p("no", has_candidates=True).intent == "reject"
    assert p("no", has_candidates=False).intent == "smalltalk"


def test_this_and_that_only_refer_at_the_end() -> None:
    assert p("Who should I pair up with this round?").intent == "search"
    assert label(p("I'll take it").target) == "previous"


# ---------------------------------------------------------------------------------------
# name resolution
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("why Jonas?", "Jonas Weber"),
        ("why jonas", "Jonas Weber"),
        ("why JONAS WEBER?", "Jonas Weber"),
        ("why Weber?", "Jonas Weber"),
        ("why Jonnas?", "Jonas Weber"),
        ("what about priya sha?", "Priya Shah"),
        ("how about Pirya Shah", "Priya Shah"),
        ("what about Sam?", "Sam Okafor"),  # shared first name: earliest in context.names
        ("what about Sam Lindqvist?", "Sam Lindqvist"),
        ("what about Grace?", "Grace Lee"),
    ],
)
def test_names_resolve_to_canonical_spellings(text: str, target: str) -> None:
    assert label(p(text).target) == target


def test_common_word_names_need_a_capital() -> None:
    assert label(p("what about grace?").target) is None
    assert p("who will teach me Excel").wants == ["Excel"]


def test_parse_without_context() -> None:
    r = parse("who can teach me Snapchat and wants strategy help")
    assert (r.intent, r.wants, r.offers) == ("search", ["Snapchat"], ["strategy"])
    assert label(parse("why?").target) == "previous"
    assert parse("what about Sam?").intent == "about"


# ---------------------------------------------------------------------------------------
# agenda, reset, help, smalltalk, guidance
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("draft our first session agenda", "agenda"),
        ("agenda please", "agenda"),
        ("Agenda?", "agenda"),
        ("what should we do in our first meeting?", "agenda"),
        ("help me plan our first session", "agenda"),
        ("what topics should we cover?", "agenda"),
        ("start over", "reset"),
        ("Reset.", "reset"),
        ("let's start again", "reset"),
        ("clear the filters", "reset"),
        ("hi", "smalltalk"),
        ("Hello there!", "smalltalk"),
        ("thanks", "smalltalk"),
        ("thank you so much", "smalltalk"),
        ("ok cool", "smalltalk"),
        ("", "smalltalk"),
        ("help", "help"),
        ("Help!", "help"),
        ("what can you do?", "help"),
        ("how does this work?", "help"),
        ("?", "help"),
    ],
)
def test_simple_intents(text: str, intent: str) -> None:
    assert p(text).intent == intent


GUIDANCE = [
    "how often should we meet?",
    "How often should we meet",
    "what if my partner cancels twice?",
    "is what we discuss confidential?",
    "how long does the program last?",
    "what do I do if I don't get on with my partner?",
    "can I switch partners?",
    "who is the coordinator?",
    "what happens if my partner doesn't show up?",
    "where should we meet?",
    "can we meet online?",
    "tell me about the program",
    "my partner keeps cancelling",
    "how can I give feedback?",
    "how can I learn more about the programme?",
    "what is reverse mentoring?",
    "why do we have to meet monthly?",
]


@pytest.mark.parametrize("text", GUIDANCE)
def test_program_questions_are_guidance(text: str) -> None:
    r = p(text)
    assert r.intent == "program"
    assert r.question == text
    assert r.wants == [] and r.offers == []


@pytest.mark.parametrize(
    "text",
    [
        "who would be a good partner for me?",
        "can anyone help me learn Canva?",
        "who can give me feedback on my presentations?",
        "how can I get better at Excel?",
        "could someone mentor me on running meetings?",
        "is anyone good at LLM prompting?",
        "who should I meet with?",
    ],
)
def test_partner_requests_are_not_guidance(text: str) -> None:
    assert p(text).intent == "search"


# ---------------------------------------------------------------------------------------
# contract
# ---------------------------------------------------------------------------------------
ALL_TEXTS = (
    [t for t, _, _ in BOTH_WAYS] + [t for t, _ in WANTS_ONLY] + [t for t, _ in OFFERS_ONLY]
    + [t for t, _ in REFINEMENTS] + GUIDANCE
)


def test_every_result_keeps_the_contract() -> None:
    for text in ALL_TEXTS:
        r = p(text)
        assert r.intent in INTENTS
        assert set(r.filters.career_stages) <= set(CAREER_STAGES)
        assert all(s and s == s.strip() for s in r.wants + r.offers)
        assert r.raw == text
        assert (r.question is not None) == (r.intent == "program")


@pytest.mark.parametrize(("text", "wants"), [
    # a problem of the writer's own, with no request word: the whole of it is searched for
    # besides the phrase the tagger found in it
    ("I keep losing track of my projects and deadlines",
     ["deadlines", "losing track of my projects and deadlines"]),
    ("my excel skills are rubbish", ["excel", "excel skills are rubbish"]),
    # a request, a question, or nobody's problem in particular: the phrase alone
    ("I want to learn python", ["python"]),
    ("how do I build a pivot table?", ["pivot table"]),
    ("actually I meant Power BI not Excel", ["Power BI"]),
])
def test_a_problem_told_is_searched_as_a_whole_too(text: str, wants: list[str]) -> None:
    assert p(text, has_candidates=False).wants == wants


def test_a_clause_that_says_what_a_phrase_is_not_is_cut_from_it() -> None:
    from assistant.converse.understand.negation import without_set_against

    assert without_set_against(
        "need to learn the language - not after help posting on social media") == (
        "need to learn the language")
    assert without_set_against("public speaking, no slides though") == "public speaking"
    assert without_set_against("Power BI not Excel") == "Power BI"
    # a "not" inside the phrase, with no break before it, stays
    assert without_set_against("how to not freeze on stage") == "how to not freeze on stage"
    assert without_set_against("not sure where to start") == "not sure where to start"


def test_what_is_left_of_a_message_is_a_phrase_a_sentence() -> None:
    # nothing tagged: each sentence with words left gives its own phrase, so that a fact
    # about the writer and their wish are not blended into one
    from assistant.converse.understand.normalise import tokens
    from assistant.converse.understand.phrases import leftover_want

    text = "I keep the bees on the roof. Terrified of speaking in public"
    toks = tokens(text)
    assert leftover_want(text, toks, set(), [""] * len(toks), frozenset({"i", "the", "of"})
                         ) == ["keep the bees on the roof", "Terrified of speaking in public"]


@pytest.mark.parametrize(("text", "wants"), [
    # a group of people as the subject of a verb is who the trouble is with: the rest of
    # the message is the want
    ("leadership zones out when I walk them through my data",
     ["leadership zones out when I walk them through my data"]),
    ("sales is my background, want to learn Python", ["Python"]),
    # the same words as what is asked for stay skills
    ("I'd like to learn leadership", ["leadership"]),
    ("team leadership tips", ["team leadership"]),
])
def test_a_group_of_people_as_a_subject_is_not_a_skill(text: str, wants: list[str]) -> None:
    assert p(text, has_candidates=False).wants == wants
