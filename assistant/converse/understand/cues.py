"""The rule reading of a message, used as evidence by the learned models.

The earlier rule table (verb-phrase triggers and ordered intent rules) is precise on the
wordings it was written for and silent or wrong elsewhere. It decides nothing here: its
reading (intent, phrases it took as wanted or offered) becomes features of the span
tagger, the direction classifier and the intent classifier, which learned from the
examples how far to trust it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from assistant.converse.understand.context import compile_context
from assistant.converse.understand.cue_intents import decide
from assistant.converse.understand.cue_reading import extract_skills
from assistant.converse.understand.filters import scan_filters
from assistant.converse.understand.normalise import core, tokens


@dataclass(frozen=True)
class RuleReading:
    intent: str
    #: per token of the normalised message: "want", "offer" or ""
    token_labels: tuple[str, ...]


@lru_cache(maxsize=4096)
def read(normal: str) -> RuleReading:
    """The rules' reading of a normalised message (no cohort context, as in training)."""
    ctx = compile_context(None)
    scan = scan_filters(normal, ctx)
    wants, offers = extract_skills(scan.blanked())
    intent = decide(normal, normal, core(normal), ctx, False, scan.filters, wants, offers)
    low = [t.casefold() for t, _, _ in tokens(normal)]
    labels = [""] * len(low)
    for label, phrases in (("want", wants), ("offer", offers)):
        for phrase in phrases:
            words = [t.casefold() for t, _, _ in tokens(phrase)]
            n = len(words)
            for i in range(len(low) - n + 1):
                if n and low[i:i + n] == words:
                    for k in range(i, i + n):
                        labels[k] = labels[k] or label
    return RuleReading(intent, tuple(labels))
