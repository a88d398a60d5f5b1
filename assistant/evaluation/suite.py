"""Load and validate an evaluation suite folder (format: ``evals/FORMAT.md``).

A suite is ``suite.toml`` (name, description), ``participants.csv`` or
``participants.jsonl``, optional ``guidance/*.md``, optional ``queries.jsonl`` and
optional ``cohort.jsonl``. Every problem raises :class:`InputFormatError` naming the
file and line, so a suite author can fix it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import InputFormatError
from assistant.ingest import load_participants
from assistant.ingest.participants import json_lines
from assistant.models import Participant

SPLITS = ("dev", "heldout")
PARTICIPANT_FILES = ("participants.csv", "participants.jsonl")


@dataclass(frozen=True)
class QueryCase:
    """One conversational retrieval case (a line of ``queries.jsonl``)."""

    id: str
    asker: str | None
    text: str
    relevant: dict[str, int]
    must_exclude: tuple[str, ...] = ()
    expect_none: bool = False
    split: str = "dev"
    line: int = 0
    #: earlier messages of the same chat session, sent in order before ``text``
    #: (extension for multi-turn cases; the case is judged on the reply to ``text``)
    history: tuple[str, ...] = ()


@dataclass
class Suite:
    """A loaded suite: its files, participants and cases."""

    path: Path
    name: str
    description: str
    participants_file: Path
    participants: list[Participant]
    guidance_files: list[Path] = field(default_factory=list)
    queries: list[QueryCase] = field(default_factory=list)
    cohort: list[tuple[str, str]] | None = None

    def cases(self, split: str = "all") -> list[QueryCase]:
        """Query cases of ``split`` (``all``, ``dev`` or ``heldout``)."""
        return [q for q in self.queries if split == "all" or q.split == split]

    def cohort_in(self, split: str) -> bool:
        """Whether the cohort case is evaluated for ``split`` (it has no split key: dev)."""
        return self.cohort is not None and split in ("all", "dev")


def is_suite(path: Path) -> bool:
    """True when ``path`` is a folder holding a ``suite.toml``."""
    return (path / "suite.toml").is_file()


def discover(path: Path) -> list[Path]:
    """``path`` itself if it is a suite, else its sub-folders that are suites (sorted)."""
    if not path.exists():
        raise InputFormatError(f"{path}: no such folder")
    if is_suite(path):
        return [path]
    if not path.is_dir():
        raise InputFormatError(f"{path}: not a suite folder (expected a folder with suite.toml)")
    found = sorted(p for p in path.iterdir() if p.is_dir() and is_suite(p))
    if not found:
        raise InputFormatError(
            f"{path}: no suite.toml here nor in any sub-folder (see evals/FORMAT.md)"
        )
    return found


def load_suite(path: Path) -> Suite:
    """Read and validate a suite folder."""
    if not is_suite(path):
        raise InputFormatError(f"{path}: missing suite.toml")
    name, description = _read_toml(path / "suite.toml")
    people_file = _participants_file(path)
    people = _read_participants(people_file)
    known = {p.id for p in people}
    queries_file = path / "queries.jsonl"
    cohort_file = path / "cohort.jsonl"
    queries = _read_queries(queries_file, known) if queries_file.is_file() else []
    cohort = _read_cohort(cohort_file, known) if cohort_file.is_file() else None
    guidance = sorted((path / "guidance").glob("*.md")) if (path / "guidance").is_dir() else []
    return Suite(path, name, description, people_file, people, guidance, queries, cohort)


def _read_toml(file: Path) -> tuple[str, str]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputFormatError(f"{file}: not valid TOML ({exc})") from exc
    values = []
    for key in ("name", "description"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputFormatError(f"{file}: '{key}' is required and must be a non-empty string")
        values.append(value.strip())
    return values[0], values[1]


def _participants_file(path: Path) -> Path:
    found = [path / n for n in PARTICIPANT_FILES if (path / n).is_file()]
    if not found:
        raise InputFormatError(f"{path}: missing participants.csv (or participants.jsonl)")
    if len(found) > 1:
        raise InputFormatError(f"{path}: both participants.csv and participants.jsonl; keep one")
    return found[0]


def _read_participants(file: Path) -> list[Participant]:
    batch = load_participants([file])
    if batch.rejects:
        shown = "\n  ".join(p.describe() for p in batch.problems[:10])
        raise InputFormatError(f"{file}: {len(batch.rejects)} invalid row(s):\n  {shown}")
    if not batch.participants:
        raise InputFormatError(f"{file}: no participants")
    return batch.participants


def _json_lines(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-empty line of a JSONL file."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"{file}: not UTF-8 ({exc})") from exc
    for number, _, record, problem in json_lines(text):
        if record is None:
            raise InputFormatError(f"{file}:{number}: {problem}")
        yield number, record


def _read_queries(file: Path, known: set[str]) -> list[QueryCase]:
    cases: list[QueryCase] = []
    seen: dict[str, int] = {}
    for number, record in _json_lines(file):
        where = f"{file}:{number}"
        case = _query_case(record, where, known, number)
        if case.id in seen:
            raise InputFormatError(f"{where}: id '{case.id}' already used on line {seen[case.id]}")
        seen[case.id] = number
        cases.append(case)
    return cases


def _query_case(record: dict[str, Any], where: str, known: set[str], line: int) -> QueryCase:
    case_id = record.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise InputFormatError(f"{where}: 'id' is required and must be a non-empty string")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputFormatError(f"{where}: 'text' is required and must be a non-empty string")
    asker = record.get("asker")
    if asker is not None and (not isinstance(asker, str) or asker not in known):
        raise InputFormatError(f"{where}: 'asker' {asker!r} is not a participant id (or null)")
    relevant = _relevant(record.get("relevant", {}), where, known)
    must_exclude = _id_list(record.get("must_exclude", []), where, known)
    expect_none = record.get("expect_none", False)
    if not isinstance(expect_none, bool):
        raise InputFormatError(f"{where}: 'expect_none' must be true or false")
    split = record.get("split", "dev")
    if split not in SPLITS:
        raise InputFormatError(f"{where}: 'split' must be one of {', '.join(SPLITS)}")
    if asker is not None and (asker in relevant or asker in must_exclude):
        raise InputFormatError(f"{where}: the asker {asker} cannot be relevant or excluded")
    history = record.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(turn, str) and turn.strip() for turn in history
    ):
        raise InputFormatError(f"{where}: 'history' must be a list of non-empty messages")
    return QueryCase(case_id.strip(), asker, text, relevant, must_exclude, expect_none, split,
                     line, tuple(history))


def _relevant(value: Any, where: str, known: set[str]) -> dict[str, int]:
    if not isinstance(value, dict):
        raise InputFormatError(f"{where}: 'relevant' must be an object {{id: grade}}")
    out: dict[str, int] = {}
    for pid, grade in value.items():
        if pid not in known:
            raise InputFormatError(f"{where}: 'relevant' names unknown participant '{pid}'")
        if isinstance(grade, bool) or not isinstance(grade, int) or grade not in (0, 1, 2):
            raise InputFormatError(f"{where}: grade of '{pid}' must be 0, 1 or 2, not {grade!r}")
        out[pid] = grade
    return out


def _id_list(value: Any, where: str, known: set[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputFormatError(f"{where}: 'must_exclude' must be a list of participant ids")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise InputFormatError(f"{where}: 'must_exclude' names unknown participant(s) {unknown}")
    return tuple(value)


def _read_cohort(file: Path, known: set[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for number, record in _json_lines(file):
        where = f"{file}:{number}"
        a, b = record.get("a"), record.get("b")
        if not isinstance(a, str) or not isinstance(b, str):
            raise InputFormatError(f"{where}: expected {{\"a\": ID, \"b\": ID}}")
        missing = [x for x in (a, b) if x not in known]
        if missing:
            raise InputFormatError(f"{where}: unknown participant(s) {missing}")
        if a == b:
            raise InputFormatError(f"{where}: a pair needs two different people")
        pairs.append((a, b))
    return pairs
