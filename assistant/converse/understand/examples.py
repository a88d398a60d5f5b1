"""The labelled examples file: messages with their intent and marked skill phrases.

One JSON object a line: ``{"text": "will trade [SQL](offer) for [negotiation](want)",
"intent": "search"}``. ``[phrase](label)`` marks a span; labels are ``want`` (the
writer wants to learn it), ``offer`` (the writer teaches it), ``name`` (a colleague) and
``filter`` (a place, department, career stage or zone). Removing the marks gives the
message. The file is ours, written apart from every evaluation suite.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.converse.understand.normalise import normalise, tokens
from assistant.converse.understand.types import Intent

EXAMPLES_FILE = Path(__file__).with_name("examples.jsonl")
LABELS = ("want", "offer", "name", "filter")
_MARK = re.compile(r"\[([^\[\]]+)\]\((want|offer|name|filter)\)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Example:
    """A message (normalised, as the parser sees it) with its labels."""

    text: str
    intent: Intent
    spans: tuple[Span, ...]
    line: int = 0
    source: str = ""

    def tagged(self) -> tuple[list[str], list[str]]:
        """Tokens and their BIO tags (``B-want``, ``I-offer``, ``O``...)."""
        toks = tokens(self.text)
        tags = []
        for _, start, end in toks:
            tag = "O"
            for span in self.spans:
                if start >= span.start and end <= span.end:
                    first = not any(s < start and e > span.start for _, s, e in toks
                                    if s >= span.start)
                    tag = ("B-" if first else "I-") + span.label
                    break
            tags.append(tag)
        return [t for t, _, _ in toks], tags


def read_markup(marked: str) -> tuple[str, tuple[Span, ...]]:
    """The normalised message and its spans, from a marked-up text.

    Each piece (between and inside marks) is normalised on its own, so the spans keep
    their place whatever the normalisation does to the words around them.
    """
    out = ""
    spans = []
    pos = 0
    for m in _MARK.finditer(marked):
        out = _join(out, marked[pos:m.start()])
        inner = normalise(m.group(1))
        if out and not out.endswith(" ") and marked[m.start() - 1:m.start()].isspace():
            out += " "
        start = len(out)
        out += inner
        spans.append(Span(start, len(out), m.group(2)))
        pos = m.end()
    out = _join(out, marked[pos:])
    if "[" in out and "](" in marked[pos:]:
        raise ValueError(f"unbalanced mark in {marked!r}")
    return out.rstrip(), tuple(spans)


def _join(out: str, piece: str) -> str:
    if not piece:
        return out
    lead = piece[:1].isspace()
    text = normalise(piece)
    trail = piece[-1:].isspace() and bool(text)
    if out and lead and not out.endswith(" "):
        out += " "
    return out + text + (" " if trail else "")


def load_examples(path: Path = EXAMPLES_FILE) -> list[Example]:
    """Every example of ``path``; a malformed line raises ValueError naming it."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text, spans = read_markup(record["text"])
            intent = Intent(record["intent"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path.name} line {number}: {exc}") from exc
        out.append(Example(text, intent, spans, number, str(record.get("source", ""))))
    return out
