"""Programme stage: what happens after the match (pairs, sessions, feedback, rounds).

``PairingService.programme`` is the public entry point
(:class:`assistant.programme.api.Programme`, imported from there: this package's
top level stays light for the command line's start-up); the
record is ``programme.sqlite`` in the data folder (:mod:`assistant.programme.record`).
"""

from assistant.programme.models import (
    Components,
    Dismissal,
    EndReason,
    Exclusion,
    ExclusionKind,
    Feedback,
    Origin,
    PairRecord,
    ProgrammeSettings,
    Reason,
    Risk,
    RiskKind,
    Session,
    Status,
)
from assistant.programme.record import RECORD_FILE

__all__ = [
    "RECORD_FILE",
    "Components",
    "Dismissal",
    "EndReason",
    "Exclusion",
    "ExclusionKind",
    "Feedback",
    "Origin",
    "PairRecord",
    "ProgrammeSettings",
    "Reason",
    "Risk",
    "RiskKind",
    "Session",
    "Status",
]
