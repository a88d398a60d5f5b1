"""Targets of follow-ups: a participant's name, a position in the list, or a pronoun."""

from __future__ import annotations

import re

from assistant.converse.understand.context import Ctx, find_name
from assistant.converse.understand.types import Named, Ordinal, Previous, Target

_I = re.IGNORECASE
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "last": -1, "final": -1, "top": 1, "bottom": -1,
}
_ORDINAL_RE = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|top|"
    r"bottom|(\d{1,2})(?:st|nd|rd|th))\b(?!\s+(?:session|meeting|call|time|round|week|month))"
    r"|(?:\b(?:number|no\.?|option|candidate|match|choice|result|pick)\s*#?|#)\s*(\d{1,2})\b",
    _I,
)
PRONOUN = re.compile(
    r"\b(?:her|him|them|she|he|they|(?:that|this)\s+(?:one|person|guy|woman|man|match|"
    r"candidate|suggestion|pairing|pick)|(?:that|this|it)(?=[\s?.!,]*$))\b", _I)
BARE_ORDINAL = re.compile(
    r"(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|"
    r"final|top|\d{1,2}(?:st|nd|rd|th))(?:\s+(?:one|option|person|candidate|match|choice|"
    r"suggestion))?|(?:number|no\.?|option|candidate|choice)?\s*#?\s*\d{1,2}", _I)


def find_ordinal(segment: str) -> Ordinal | None:
    m = _ORDINAL_RE.search(segment)
    if not m:
        return None
    number = m.group(2) or m.group(3)
    value = int(number) if number else _ORDINALS[m.group(1).casefold()]
    return Ordinal(value) if value else None


def find_target(segment: str, ctx: Ctx) -> Target | None:
    """A name, else an ordinal, else ``previous`` for a pronoun, else None."""
    hit = find_name(segment, ctx)
    if hit:
        return Named(hit[0])
    ordinal = find_ordinal(segment)
    if ordinal:
        return ordinal
    if PRONOUN.search(segment):
        return Previous()
    return None


# =====================================================================================
