"""Wording of library errors for people: used only at the edges (CLI and UI)."""

from __future__ import annotations

from assistant.errors import (
    ConfigError,
    ConstraintConflict,
    DataDirBusy,
    EmptyStore,
    InputFormatError,
    MissingDataDir,
    PairingError,
    ProgrammeStateError,
    StaleIndex,
    StoreUnreachable,
    UnknownParticipant,
    UsageError,
    ValidationFailed,
    WriteInterrupted,
)

EXIT_CODES: dict[type[PairingError], int] = {
    UsageError: 2,
    ValidationFailed: 3,
    InputFormatError: 3,
    DataDirBusy: 4,
    UnknownParticipant: 5,
    EmptyStore: 6,
    WriteInterrupted: 6,
    ConfigError: 7,
    ConstraintConflict: 8,
    ProgrammeStateError: 9,
}


def exit_code(exc: PairingError) -> int:
    for kind, code in EXIT_CODES.items():
        if isinstance(exc, kind):
            return code
    return 1


def describe_error(exc: PairingError) -> str:
    """A sentence a participant or coordinator can act on."""
    if isinstance(exc, DataDirBusy):
        return (f"The data folder {exc.data_dir} is in use by {exc.holder}. Stop that process "
                "first (Ctrl+C in its terminal), or use another --data-dir.")
    if isinstance(exc, MissingDataDir):
        return (f"The data folder {exc.data_dir} does not exist. Check --data-dir (or "
                "PAIRING_DATA_DIR), or run `pairing ingest` into it first.")
    if isinstance(exc, EmptyStore):
        return ("Nobody has been ingested yet. Run `pairing ingest corpus/` (or your own "
                "participants file) first.")
    if isinstance(exc, UnknownParticipant):
        hint = f" Did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        return (f"I don't know anyone with the id or name '{exc.ref}'.{hint} Use an id or "
                "full name from the participants file.")
    if isinstance(exc, StaleIndex):
        return (f"The data folder {exc.data_dir} was built with another embedding model "
                f"('{exc.built_with}'; now '{exc.current}'). Run `pairing ingest` on your "
                "participants file once: it re-embeds everyone already stored.")
    if isinstance(exc, StoreUnreachable):
        return (f"Cannot reach the Chroma server at {exc.url}. Start it with `chroma run "
                "--path DIR --host 127.0.0.1 --port PORT`, or check --chroma-url and "
                "PAIRING_CHROMA_URL.")
    if isinstance(exc, WriteInterrupted):
        return (f"The data folder {exc.data_dir} is incomplete: {exc.what}. Nothing is "
                "answered from it until then.")
    if isinstance(exc, ValidationFailed):
        return f"Nothing was imported (--strict): {exc}"
    return str(exc)
