"""A signed-in participant who asks, in words of their own, who would suit them gets partners.

Every wording below names no skill: the profile says what the person wants and offers.
They are ours (written for this test, not taken from any evaluation suite), and each one
must come back with candidates, in the chat (the dialogue object behind the UI) and in
the CLI (``pairing ask --as``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.config import DEFAULT_EMBEDDING, Settings
from assistant.converse.conversation import Conversation
from assistant.converse.reply import HelpOffered
from assistant.converse.understand import Intent, Speaker, parse
from assistant.converse.understand.parse import HELP_OR_SEARCH
from assistant.present import markdown
from assistant.service import PairingService

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ASKERS = ("hf010", "hf049")

PROFILE_ONLY = [
    "who would suit me?",
    "recommend a partner for me",
    "match me with someone good",
    "anyone for me?",
    "what pairing do you suggest?",
    "who should I be paired with",
    "find me a match",
    "so who's my person?",
    "pair me up pls",
    "any good matches for me",
    "who do you think I'd work well with?",
    "suggest someone for me to swap skills with",
    "based on my profile, who fits?",
    "give me my best partner",
    "who's a good fit for me",
    "can u find me a partner",
    "i'm looking for a mentoring buddy",
    "who could I team up with?",
    "any suggestions for me?",
    "show me who I'd click with",
    "do the matching thing for me",
    "my match please",
    "who's out there for me",
    "what would you suggest for someone like me?",
]


def test_the_wordings_are_many_and_distinct() -> None:
    assert len({w.casefold() for w in PROFILE_ONLY}) == len(PROFILE_ONLY) >= 20


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("profile-asks")
    settings = Settings(data_dir=folder, store="chroma", embedding=DEFAULT_EMBEDDING)
    with PairingService(settings, mode="exclusive") as service:
        service.ingest([CORPUS])
    return folder


@pytest.fixture(scope="module")
def service(demo_folder: Path) -> Iterator[PairingService]:
    settings = Settings(data_dir=demo_folder, store="chroma", embedding=DEFAULT_EMBEDDING)
    with PairingService(settings, mode="shared") as opened:
        yield opened


@pytest.mark.parametrize("asker", ASKERS)
def test_every_profile_only_wording_returns_partners_in_the_chat(
    service: PairingService, asker: str
) -> None:
    profile = service.get(asker)
    misread = []
    for text in PROFILE_ONLY:
        reply = Conversation(service, asker).send(text)
        if reply.kind != "candidates" or not reply.candidates:
            misread.append((text, reply.kind))
            continue
        assert reply.result is not None
        assert reply.result.wants == profile.wants, text
        assert reply.result.offers == profile.offers, text
    assert misread == [], (len(misread), misread)


def test_every_profile_only_wording_returns_partners_in_the_cli(
    demo_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    misread = []
    for text in PROFILE_ONLY:
        code = main(["--data-dir", str(demo_folder), "ask", text, "--as", ASKERS[0], "--json"])
        answer = json.loads(capsys.readouterr().out)
        if code != 0 or answer["kind"] != "candidates" or not answer["candidates"]:
            misread.append((text, answer["kind"]))
    assert misread == [], (len(misread), misread)


SITUATED = [
    "I work in {dept} - who should I talk to?",
    "just joined the {dept} team, who's my match?",
    "I'm new in {dept}; any suggestions for me?",
    "I'm in {dept} at the moment. Who would suit me?",
]


@pytest.mark.parametrize("asker", ASKERS)
def test_a_profile_ask_that_names_the_askers_own_department_searches_everyone(
    service: PairingService, asker: str
) -> None:
    """The department is where the asker works: neither a filter nor something to learn."""
    profile = service.get(asker)
    for template in SITUATED:
        text = template.format(dept=profile.department)
        reply = Conversation(service, asker).send(text)
        assert reply.kind == "candidates" and reply.candidates, text
        assert reply.result is not None
        assert (reply.result.wants, reply.result.offers) == (profile.wants, profile.offers), text
        assert reply.filters == [], (text, reply.filters)
        assert {c.person.department for c in reply.candidates} != {profile.department}, text


#: read as help by the intent model, with "search" a close second (see the assertions)
CLOSE_TO_HELP = "what's available?"


def test_a_close_call_between_help_and_partners_is_a_profile_search_when_signed_in() -> None:
    """A signed-in participant's message with no skill that the model reads as help, with
    "search" at least ``HELP_OR_SEARCH`` likely, is searched on the profile and marks the
    help as the reading not taken; anonymously, or for a clear help question, it is help."""
    speaker = Speaker.of(["Excel"], ["public speaking"])
    anonymous = parse(CLOSE_TO_HELP)
    assert anonymous.intent is Intent.HELP and anonymous.also is None
    assert anonymous.scores["search"] >= HELP_OR_SEARCH  # the close call this is about
    signed_in = parse(CLOSE_TO_HELP, speaker=speaker)
    assert (signed_in.intent, signed_in.also) == (Intent.SEARCH, Intent.HELP)
    assert (signed_in.wants, signed_in.offers) == ([], [])
    clear = parse("what can you do?", speaker=speaker)
    assert clear.scores["search"] < HELP_OR_SEARCH
    assert (clear.intent, clear.also) == (Intent.HELP, None)


def test_the_chat_answers_such_a_close_call_with_partners_and_the_help(
    service: PairingService, demo_folder: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    profile = service.get(ASKERS[0])
    reply = Conversation(service, ASKERS[0]).send(CLOSE_TO_HELP)
    assert reply.kind == "candidates" and reply.candidates
    assert reply.result is not None and reply.result.wants == profile.wants
    assert [n for n in reply.notices if isinstance(n, HelpOffered)] == [HelpOffered()]
    assert "say *help* for more" in markdown(reply)
    anonymous = Conversation(service, None).send(CLOSE_TO_HELP)
    assert anonymous.kind == "info" and not anonymous.notices
    code = main(["--data-dir", str(demo_folder), "ask", CLOSE_TO_HELP, "--as", ASKERS[0],
                 "--json"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0 and answer["kind"] == "candidates"
    assert {"kind": "help_offered"} in answer["notices"]
