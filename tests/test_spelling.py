"""Misspelt skill words are put right before a message is read, and nothing else is.

The sentences here are written for this file (not taken from any evaluation suite).
"""

from __future__ import annotations

from assistant.converse.understand import ParseContext, parse
from assistant.converse.understand.spelling import build_lexicon, default_lexicon

COHORT = ["Xiaohongshu marketing", "Shopify storefronts", "Budget forecasting"]
LEXICON = build_lexicon(COHORT, ["Tabeau Okafor", "Leeds", "Finance"])


def test_a_word_one_edit_from_a_skill_word_becomes_it() -> None:
    fixed = default_lexicon().correct
    assert fixed("negotiaton tips??") == "negotiation tips??"      # a letter dropped
    assert fixed("netwrok with clients") == "network with clients"  # two letters swapped
    assert fixed("Presentaion skills") == "Presentation skills"    # the case kept
    assert fixed("dashbaords for execs") == "dashboards for execs"


def test_the_cohorts_own_words_are_skill_words() -> None:
    assert LEXICON.correct("xiaohongsu for our brand") == "xiaohongshu for our brand"
    assert LEXICON.correct("shopfiy help") == "shopify help"


def test_english_words_names_and_short_words_are_left_alone() -> None:
    for text in ("I sing in the staff choir", "ask Tabeau Okafor about it",
                 "the quarterly review", "help with Miro boards", "Jira tips",
                 "lean six sigma", "a bit of R"):
        assert LEXICON.correct(text) == text


def test_a_very_long_word_is_left_as_written_at_once() -> None:
    # its edits would grow with the square of its length: gigabytes for this one
    word = "x" * 20_000
    assert LEXICON.correct(f"who can teach me {word}") == f"who can teach me {word}"


def test_a_typo_of_a_request_word_becomes_it() -> None:
    fixed = LEXICON.correct
    assert fixed("wnat to lern powr bi") == "want to learn power bi"
    assert fixed("somone who can teech me excel") == "someone who can teach me excel"
    assert fixed("Hlep with negotation") == "Help with negotiation"
    assert fixed("shwo me") == "show me"
    # a word more than one edit from every request word stays as written
    assert fixed("wnta") == "wnta"


def test_a_singular_is_not_corrected_to_the_cohorts_plural() -> None:
    lexicon = build_lexicon(["Running hackathons", "Organising webinars"], [])
    assert lexicon.correct("how do I run a hackathon?") == "how do I run a hackathon?"
    assert lexicon.correct("a good webinar") == "a good webinar"
    assert lexicon.correct("hackatons") == "hackathons"


def test_the_parser_reads_the_corrected_skill() -> None:
    ctx = ParseContext(names=["Tabeau Okafor"], locations=["Leeds"], departments=["Finance"],
                       lexicon=LEXICON)
    parsed = parse("who can teach me Shopfiy? I know budget forcasting", ctx)
    assert [w.casefold() for w in parsed.wants] == ["shopify"]
    assert "forecasting" in " ".join(parsed.offers).casefold()
    assert parsed.raw == "who can teach me Shopfiy? I know budget forcasting"


def test_an_abbreviated_skill_word_is_written_out() -> None:
    lexicon = build_lexicon(["Project management", "Marketing plans", "Account management",
                             "Performance reviews", "Supplier meetings"], [])
    fixed = lexicon.correct
    assert fixed("proj mgmt help") == "project management help"  # a start, a skeleton
    assert fixed("can teach mktg") == "can teach marketing"
    assert fixed("acct mgmt tips") == "account management tips"
    assert fixed("Perf reviews") == "Performance reviews"            # the case kept
    assert fixed("prep for supplier mtgs") == "prep for supplier meetings"
    # English words, short starts, words with vowels that match no skeleton, and the
    # stage words the filter rules read stay as written
    for text in ("a pro at it", "prod the team", "an exec who knows it", "execs only",
                 "zxq", "abcde"):
        assert fixed(text) == text


def test_the_parser_reads_the_written_out_skill() -> None:
    ctx = ParseContext(names=[], locations=[], departments=[], lexicon=build_lexicon(
        ["Project management"], []))
    assert [w.casefold() for w in parse("proj mgmt mentor pls", ctx).wants] == [
        "project management"]
