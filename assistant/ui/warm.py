"""Warm-up before the chat is served (no Gradio here: it runs before the UI is imported)."""

from __future__ import annotations

from assistant.converse.conversation import Conversation
from assistant.service import PairingService

#: sent once through a throw-away conversation before the chat is served
WARM_UP_REQUEST = "who can teach me public speaking and wants help with Excel?"


def warm_up_chat(service: PairingService) -> None:
    """Load the model, the vocabulary, the statements and the indexes, and answer one
    request end to end, so the first person to ask waits no longer than the next."""
    service.warm()
    if service.participants():
        Conversation(service, page=1).send(WARM_UP_REQUEST)


__all__ = ["WARM_UP_REQUEST", "warm_up_chat"]
