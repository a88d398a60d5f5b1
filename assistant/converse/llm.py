"""Optional LLM: phrase answers and help parse requests, never the source of facts.

The default path needs no LLM. When a user configures a LangChain chat model
(``ollama:MODEL`` or ``openai:MODEL`` for any OpenAI-compatible server, whose
address comes from ``OPENAI_BASE_URL``), it is used for two things only:

* parsing a message the rule-based parser could not understand; the skills it
  returns must be words of the message itself, or the result is discarded;
* rephrasing an answer; every participant name and every number in the new
  text must already be in the default answer, or the default answer is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.converse.understand import Filters, Intent, ParseContext, ParsedRequest
from assistant.errors import ConfigError

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORD = re.compile(r"[a-z0-9]+")

PARSE_PROMPT = (
    "You turn one chat message from a mentoring program participant into JSON with keys "
    '"wants" (skills the writer wants to learn), "offers" (skills the writer can teach), '
    '"locations" (only-in filters). Copy skill words from the message; never invent. '
    "Answer with the JSON object only."
)
PHRASE_PROMPT = (
    "Rewrite the assistant answer below so it reads warmly and clearly for the participant. "
    "Keep every name, score and fact exactly; add no people, numbers or claims. Markdown allowed."
)


def _ollama(model: str) -> BaseChatModel:
    try:
        from langchain_ollama import ChatOllama
    except ImportError as exc:
        raise ConfigError("install the 'llm' extra: pip install -e '.[llm]'") from exc
    return ChatOllama(model=model or "llama3.1", temperature=0)


def _openai(model: str) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ConfigError("install the 'llm' extra: pip install -e '.[llm]'") from exc
    return ChatOpenAI(model=model or "gpt-4o-mini", temperature=0)


CHAT_MODELS: dict[str, Callable[[str], BaseChatModel]] = {"ollama": _ollama, "openai": _openai}


def make_chat_model(spec: str) -> BaseChatModel:
    """``ollama:MODEL`` or ``openai:MODEL`` (OpenAI-compatible; ``OPENAI_BASE_URL``)."""
    name, _, model = spec.partition(":")
    try:
        return CHAT_MODELS[name](model)
    except KeyError:
        raise ConfigError(f"unknown LLM '{name}' (choose from {', '.join(CHAT_MODELS)})") from None


def _grounded(phrases: Iterable[str], text: str) -> bool:
    words = set(_WORD.findall(text.casefold()))
    return all(set(_WORD.findall(p.casefold())) <= words for p in phrases)


@dataclass
class LLMAssist:
    """Wraps a chat model with the checks that keep its output grounded."""

    model: BaseChatModel
    names: list[str] = field(default_factory=list)
    fallbacks: int = 0
    used: int = 0

    def parse(self, text: str, context: ParseContext) -> ParsedRequest | None:
        """A parse from the model, or None if it fails or is not grounded in ``text``."""
        try:
            answer = self.model.invoke([SystemMessage(PARSE_PROMPT), HumanMessage(text)])
            data: Any = json.loads(_json_block(str(answer.content)))
            wants = [str(w) for w in data.get("wants", []) if str(w).strip()]
            offers = [str(o) for o in data.get("offers", []) if str(o).strip()]
            locations = [str(x) for x in data.get("locations", []) if x in context.locations]
        except Exception:
            self.fallbacks += 1
            return None
        if not wants and not offers:
            return None
        if not _grounded([*wants, *offers], text):
            self.fallbacks += 1
            return None
        self.used += 1
        return ParsedRequest(Intent.SEARCH, wants, offers, Filters(locations=locations), raw=text)

    def phrase(self, default: str) -> str:
        """The model's rewording of ``default`` if it adds no names or numbers, else ``default``."""
        try:
            answer = self.model.invoke([SystemMessage(PHRASE_PROMPT), HumanMessage(default)])
            text = str(answer.content).strip()
        except Exception:
            self.fallbacks += 1
            return default
        if not text or not self.faithful(text, default):
            self.fallbacks += 1
            return default
        self.used += 1
        return text

    def faithful(self, text: str, default: str) -> bool:
        """Every name and number in ``text`` appears in ``default``; no name is dropped."""
        if not set(_NUMBER.findall(text)) <= set(_NUMBER.findall(default)):
            return False
        folded, base = text.casefold(), default.casefold()
        for name in self.names:
            parts = [name, name.split()[0]]
            mentioned = any(re.search(rf"\b{re.escape(p.casefold())}\b", folded) for p in parts)
            known = any(re.search(rf"\b{re.escape(p.casefold())}\b", base) for p in parts)
            if mentioned and not known:
                return False
            if re.search(rf"\b{re.escape(name.casefold())}\b", base) and not mentioned:
                return False
        return True


def _json_block(text: str) -> str:
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if start >= 0 and end > start else text
