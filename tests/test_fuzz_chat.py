"""Property-based fuzzing of the chat: ``Conversation.send`` answers any string.

Messages are any text (lone surrogates, control characters, right-to-left marks, huge
inputs) mixed with the follow-ups a dialogue knows, from an anonymous or a signed-in
person, over the demo corpus. Every message gets a reply; none raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_support import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from assistant.config import Settings
from assistant.converse.conversation import Conversation, Reply
from assistant.embed import CachedEmbeddings
from assistant.present import markdown
from assistant.service import PairingService

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FOLLOW_UPS = [
    "who can teach me Snapchat and wants strategy help", "who would be a good partner for me?",
    "only people in London", "not in my department", "more", "why her?", "why?",
    "what about Tiana?", "not him, someone else", "pair me with the second one",
    "draft our first session agenda", "how often should we meet?", "start over",
    "only senior people", "in Europe/London time", "pair me with the 99th one", "",
]
ANY_CHAR = st.characters(blacklist_categories=())  # surrogates and controls included
MESSAGE = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.sampled_from(FOLLOW_UPS),
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(FOLLOW_UPS), st.text(ANY_CHAR,
                                                                            max_size=40)),
    st.sampled_from(["x" * 20_000, "Snapchat " * 3000, "\u202e" + "gnirts", "\x00" * 50,
                     "who can teach me \ud800 and wants \udcff", "[](javascript:alert(1))"]),
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory,
         embedder: CachedEmbeddings) -> Iterator[PairingService]:
    data = tmp_path_factory.mktemp("chat-fuzz") / "data"
    settings = Settings(data_dir=data, store="chroma")

    def emb() -> CachedEmbeddings:
        return CachedEmbeddings(embedder, None, embedder.model_name)

    with PairingService(settings, mode="exclusive", embeddings=emb()) as service:
        service.ingest([CORPUS])
    with PairingService(settings, mode="shared", embeddings=emb()) as service:
        yield service


@fuzz_settings(ci=60, long=1500)
@given(who=st.sampled_from([None, "hf001", "hf002", "hf024"]),
       messages=st.lists(MESSAGE, min_size=1, max_size=5))
def test_send_answers_any_string(demo: PairingService, who: str | None,
                                 messages: list[str]) -> None:
    convo = Conversation(demo, who)
    for message in messages:
        reply = convo.send(message)
        assert isinstance(reply, Reply)
        shown = markdown(reply)
        assert isinstance(shown, str) and shown.strip()
        shown.encode("utf-8")  # shown in a browser or a terminal: valid text
