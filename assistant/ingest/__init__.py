"""Ingest stage: read, validate and normalise participants; chunk guidance documents."""

from assistant.ingest.guidance import chunk_markdown, load_guidance
from assistant.ingest.ledger import RejectsLedger
from assistant.ingest.mapping import combine as read_mapping
from assistant.ingest.participants import (
    ParticipantBatch,
    RawRow,
    Reject,
    load_participants,
    read_rows,
    validate_rows,
    write_rejects,
)
from assistant.ingest.rejects import read_rejects
from assistant.ingest.splitting import split_statements

__all__ = [
    "ParticipantBatch",
    "RawRow",
    "Reject",
    "RejectsLedger",
    "chunk_markdown",
    "load_guidance",
    "load_participants",
    "read_mapping",
    "read_rejects",
    "read_rows",
    "split_statements",
    "validate_rows",
    "write_rejects",
]
