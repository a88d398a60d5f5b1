"""Domain errors raised by the library.

The library raises these with facts; the CLI and UI word them for people and
choose exit codes (see :data:`EXIT_CODES` in :mod:`assistant.cli`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


class PairingError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True)
class RowProblem:
    """One problem with one input row: where it is and how to fix it."""

    source: str
    line: int
    field: str
    message: str
    fix: str
    record_id: str = ""

    def describe(self) -> str:
        where = f"{self.source}:{self.line}"
        who = f" (id {self.record_id})" if self.record_id else ""
        return f"{where}{who}: field '{self.field}': {self.message}. Fix: {self.fix}"


@dataclass
class ValidationFailed(PairingError):
    """Raised in strict mode when any row is bad; carries every problem found."""

    problems: list[RowProblem] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"{len(self.problems)} problem(s) in the input"
        return head + ":\n" + "\n".join(p.describe() for p in self.problems[:50])


class InputFormatError(PairingError):
    """A file cannot be read at all (unknown extension, missing required column, bad JSON)."""


class DataDirBusy(PairingError):
    """Another process holds the data folder in a mode that conflicts with this one."""

    def __init__(self, data_dir: str, holder: str, wanted: str) -> None:
        super().__init__(data_dir, holder, wanted)
        self.data_dir = data_dir
        self.holder = holder
        self.wanted = wanted

    def __str__(self) -> str:
        return (
            f"data folder {self.data_dir} is in use by another process ({self.holder}); "
            f"this command needs {self.wanted} access"
        )


class UnknownParticipant(PairingError):
    """An id or name that is not in the store."""

    def __init__(self, ref: str, suggestions: list[str] | None = None) -> None:
        super().__init__(ref)
        self.ref = ref
        self.suggestions = suggestions or []

    def __str__(self) -> str:
        hint = f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else ""
        return f"no participant '{self.ref}'{hint}"


class EmptyStore(PairingError):
    """A question was asked before any participant was ingested."""


class WriteInterrupted(PairingError):
    """The last ingest or forget on the data folder was killed before it finished."""

    def __init__(self, data_dir: str, what: str) -> None:
        super().__init__(data_dir, what)
        self.data_dir = data_dir
        self.what = what

    def __str__(self) -> str:
        return f"in {self.data_dir}, {self.what}"


class MissingDataDir(EmptyStore):
    """A command that reads a data folder was pointed at one that does not exist (often a
    mistyped ``--data-dir``); it is refused rather than created empty."""

    def __init__(self, data_dir: str) -> None:
        super().__init__(data_dir)
        self.data_dir = data_dir

    def __str__(self) -> str:
        return f"data folder {self.data_dir} does not exist"


class UsageError(PairingError):
    """A command line the parser accepted but whose values make no sense (exit code 2)."""


class ConfigError(PairingError):
    """A configuration value (model name, backend, LLM settings) is not usable."""


class StaleIndex(ConfigError):
    """The data folder's vectors were made by another embedding model (or vocabulary)."""

    def __init__(self, data_dir: str, built_with: str, current: str) -> None:
        super().__init__(data_dir, built_with, current)
        self.data_dir = data_dir
        self.built_with = built_with
        self.current = current

    def __str__(self) -> str:
        return (f"the vectors in {self.data_dir} were made with '{self.built_with}', "
                f"but the assistant now embeds with '{self.current}'")


class StoreUnreachable(ConfigError):
    """The Chroma server named by ``--chroma-url`` does not answer."""

    def __init__(self, url: str, why: str = "") -> None:
        super().__init__(url, why)
        self.url = url
        self.why = why

    def __str__(self) -> str:
        why = f": {self.why}" if self.why else ""
        return f"cannot reach the Chroma server at {self.url}{why}"


class ConstraintConflict(PairingError):
    """Coordinator locks that cannot all hold (reporting line, capacity, lock vs exclusion)."""


class ProgrammeStateError(PairingError):
    """The programme record does not allow this now: no such pair, a round that has
    already started, feedback on a pair that never began."""
