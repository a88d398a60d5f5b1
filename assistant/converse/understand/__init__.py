"""Understanding chat messages: learned intents and skill directions, rules where exact.

Public API: :func:`parse` and the typed values it returns. See :mod:`.parse` for the
steps, :mod:`.examples` for the labelled examples the models learn from, and
:mod:`.train` to rebuild and measure the shipped model.
"""

from assistant.converse.understand.parse import Probe, parse
from assistant.converse.understand.speaker import Speaker
from assistant.converse.understand.types import (
    CAREER_STAGES,
    TARGETED,
    Filters,
    Intent,
    Named,
    Ordinal,
    ParseContext,
    ParsedRequest,
    Previous,
    Target,
    Unsure,
)

INTENTS = tuple(i.value for i in Intent)

__all__ = [
    "CAREER_STAGES",
    "INTENTS",
    "TARGETED",
    "Filters",
    "Intent",
    "Named",
    "Ordinal",
    "ParseContext",
    "ParsedRequest",
    "Previous",
    "Probe",
    "Speaker",
    "Target",
    "Unsure",
    "parse",
]
