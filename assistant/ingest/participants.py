"""Read participants from CSV, JSONL or a column-mapped survey export, and validate every row.

The result keeps good rows and rejected rows apart; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import assistant.ingest.mapping as mp
from assistant.errors import InputFormatError, RowProblem, ValidationFailed
from assistant.ingest.cells import (
    MAX_CELL_CHARS,
    NotWhole,
    parse_whole_number,
    shown,
    text_problem,
)
from assistant.ingest.mapping import FIELDS
from assistant.ingest.readers import json_lines, read_csv, read_jsonl
from assistant.ingest.rejects import ID as REJECT_ID
from assistant.ingest.rejects import write_rejects
from assistant.ingest.rows import RawRow, Reject
from assistant.ingest.splitting import split_all, split_statements
from assistant.models import MAX_CAPACITY, Participant

INTEGER_FIELDS = ("capacity", "current_pairs")
REQUIRED = ("id", "name", "offers", "wants")

FIXES: dict[str, str] = {
    "id": "give every row a unique id of letters, digits, '.', '_', '-', '@' or '+' "
          "(an e-mail address works)",
    "name": "fill in the person's display name",
    "offers": "list at least one thing the person can teach; separate statements with ';'",
    "wants": "list at least one thing the person wants to learn; separate statements with ';'",
    "capacity": f"use a whole number from 0 (currently full) to {MAX_CAPACITY}",
    "current_pairs": f"use a whole number from 0 to {MAX_CAPACITY}",
    "timezone": "use an IANA timezone name such as Europe/London or America/New_York",
    "career_stage": "use one of early, mid, senior, executive (or leave it empty)",
    "manager_id": "use the id of a participant in this file or already ingested, or leave it empty",
}
_STAGE_ALIASES = {
    "early": "early", "early-career": "early", "early career": "early", "junior": "early",
    "graduate": "early", "entry": "early", "entry-level": "early", "intern": "early",
    "mid": "mid", "mid-career": "mid", "mid career": "mid", "mid-level": "mid",
    "intermediate": "mid", "senior": "senior", "lead": "senior", "principal": "senior",
    "executive": "executive", "exec": "executive", "c-suite": "executive", "director": "executive",
}


@dataclass
class ParticipantBatch:
    """Outcome of reading one or more participant files."""

    participants: list[Participant] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: every file read, in order, with its format ("csv" or "jsonl")
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def problems(self) -> list[RowProblem]:
        return [p for r in self.rejects for p in r.problems]


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    raise InputFormatError(
        f"{path}: unknown participant file type '{suffix}' (use .csv, .tsv or .jsonl)"
    )


def read_rows(path: Path, mapping: Mapping[str, str] | None = None) -> list[RawRow]:
    """Read raw rows; ``mapping`` renames source columns to participant fields."""
    mapping = mapping or {}
    if file_kind(path) == "jsonl":
        rows = read_jsonl(path)
        columns = list(dict.fromkeys(k for r in rows for k in r.original))
    else:
        columns, rows, repeated = read_csv(path, "\t" if path.suffix.lower() == ".tsv" else ",")
        # a repeated title feeds the same field as its first copy (offers twice: both read)
        mapping = {**mapping, **{c: mp.field_of(t, mapping) for c, t in repeated.items()}}
        clash = mp.clashes(columns, mapping)
        if clash:
            raise InputFormatError(f"{path}: {clash}; map only one of them, or none")
    for row in rows:
        if row.error:
            continue
        clash = mp.clashes(row.original, mapping)
        if clash:
            row.error, row.fix = clash, "keep one of them"
        row.values = mp.apply(row.original, mapping)
    present = {mp.field_of(c, mapping) for c in columns}
    missing = [f for f in REQUIRED if f not in present]
    if rows and missing and any(not r.error for r in rows):
        shown_columns = ", ".join(shown(c) for c in columns[:30])
        raise InputFormatError(
            f"{path}: no column for {', '.join(missing)}. Columns found: {shown_columns}. "
            "Map survey columns with --map 'Column title=field' (e.g. "
            "'What could you teach a colleague?=offers')."
        )
    return rows


def _normalise(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Field values ready for :class:`Participant`, and problems found on the way
    (field -> message); a field with a problem is left out so the model reports the rest."""
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key in FIELDS:
        value = values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        bad = _text_problem(value)
        if bad:
            problems[key] = bad
        elif key in ("offers", "wants"):
            if isinstance(value, str):
                out[key] = split_statements(value)
            elif isinstance(value, list) and all(_scalar(v) for v in value):
                out[key] = split_all([str(v) for v in value if v is not None])
            else:
                problems[key] = "must be text, or a list of texts"
        elif key in INTEGER_FIELDS:
            try:
                out[key] = parse_whole_number(value)
            except NotWhole as exc:
                problems[key] = str(exc)
        elif key == "id" and isinstance(value, int) and not isinstance(value, bool):
            out[key] = str(value)
        elif not isinstance(value, str):
            problems[key] = f"must be text, not {_json_type(value)}"
        elif key == "career_stage":
            out[key] = _STAGE_ALIASES.get(value.strip().casefold(), value.strip())
        else:
            out[key] = value.strip()
    return out, problems


def _scalar(value: Any) -> bool:
    return value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool))


def _json_type(value: Any) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", list: "a list",
             dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _text_problem(value: Any) -> str:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and text_problem(item):
                return text_problem(item)
        joined = sum(len(str(v)) for v in value)
        if joined > MAX_CELL_CHARS:
            return f"holds {joined:,} characters, at most {MAX_CELL_CHARS:,} are accepted"
    return ""


def _problems_from(exc: ValidationError, row: RawRow, record_id: str) -> list[RowProblem]:
    problems = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        name = loc[0] if loc and loc[0] in FIELDS else "row"
        message = err.get("msg", "invalid").removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            continue
        if err.get("type") == "missing":
            message = "is required but missing or empty"
        fix = FIXES.get(name, "correct the value")
        if "manager_id" in message:
            name, fix = "manager_id", FIXES["manager_id"]
        problems.append(RowProblem(row.source, row.line, name, message, fix, record_id))
    return problems


def _record_id(values: dict[str, Any]) -> str:
    value = values.get("id")
    if isinstance(value, str):
        return value.strip() if not text_problem(value) else ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def validate_rows(rows: list[RawRow], known_ids: Iterable[str] = ()) -> ParticipantBatch:
    """Validate rows one by one, then across rows (duplicate ids, managers, cycles)."""
    batch = ParticipantBatch()
    good: dict[str, tuple[Participant, RawRow]] = {}
    bad: dict[int, Reject] = {}
    occurrences: dict[str, list[int]] = {}

    for index, row in enumerate(rows):
        record_id = _record_id(row.values)
        first: list[RowProblem] = []
        if row.error:
            first.append(RowProblem(row.source, row.line, "row", row.error,
                                    row.fix or "correct the row", record_id))
            if row.raw is not None:
                bad[index] = Reject(row, first)
                continue
        values, found = _normalise(row.values)
        first += [RowProblem(row.source, row.line, name, message, FIXES.get(name, "correct "
                             "the value"), record_id) for name, message in found.items()]
        if record_id:
            occurrences.setdefault(record_id, []).append(index)
        try:
            person = Participant(**values)
        except ValidationError as exc:
            missing_as_bad = {p.field for p in first}
            later = [p for p in _problems_from(exc, row, record_id)
                     if not (p.field in missing_as_bad and "required" in p.message)]
            bad[index] = Reject(row, first + later)
            continue
        if first:
            bad[index] = Reject(row, first)
            continue
        good[f"{index}"] = (person, row)

    # duplicate ids inside the batch: reject every copy, the coordinator decides which is
    # right. Copies that are invalid for another reason count too: otherwise the valid copy
    # would be ingested and the corrected copy would later overwrite it silently.
    by_index = dict(good)
    for pid, where in occurrences.items():
        if len(where) < 2:
            continue
        several_files = len({rows[i].source for i in where}) > 1
        lines = ", ".join(
            f"{Path(rows[i].source).name}:{rows[i].line}" if several_files else str(rows[i].line)
            for i in where
        )
        for i in where:
            row = rows[i]
            duplicate = RowProblem(
                row.source, row.line, "id", f"id '{pid}' appears on lines {lines}",
                "give each person exactly one row; merge or renumber the copies", pid,
            )
            if str(i) in by_index:
                del by_index[str(i)]
                bad[i] = Reject(row, [duplicate])
            else:
                bad[i].problems.insert(0, duplicate)

    # unknown managers and cycles, repeated until nothing changes (a rejected manager
    # makes their reports' manager_id unknown too)
    known = set(known_ids)
    changed = True
    while changed:
        changed = False
        ids = {p.id for p, _ in by_index.values()} | known
        managers = {p.id: p.manager_id for p, _ in by_index.values()}
        for key, (person, row) in list(by_index.items()):
            problem: RowProblem | None = None
            if person.manager_id and person.manager_id not in ids:
                problem = RowProblem(
                    row.source, row.line, "manager_id",
                    f"manager '{person.manager_id}' is not a participant (or their row was "
                    "rejected)", FIXES["manager_id"], person.id,
                )
            elif _in_cycle(person.id, managers):
                problem = RowProblem(
                    row.source, row.line, "manager_id",
                    "the manager chain loops back to this person",
                    "correct manager_id so the chain ends at someone with no manager", person.id,
                )
            if problem:
                bad[int(key)] = Reject(row, [problem])
                del by_index[key]
                changed = True

    for key in sorted(by_index, key=int):
        person, row = by_index[key]
        batch.participants.append(person)
        batch.lines[person.id] = (row.source, row.line)
    batch.rejects = [bad[i] for i in sorted(bad)]
    return batch


def _in_cycle(pid: str, managers: Mapping[str, str]) -> bool:
    seen = {pid}
    current = managers.get(pid, "")
    while current:
        if current in seen:
            return current == pid
        seen.add(current)
        current = managers.get(current, "")
    return False


def load_participants(
    paths: Iterable[Path],
    mapping: Mapping[str, str] | None = None,
    known_ids: Iterable[str] = (),
    strict: bool = False,
) -> ParticipantBatch:
    """Read and validate participant files together (ids must be unique across them).

    With ``strict`` any problem raises :class:`ValidationFailed` and nothing is returned.
    """
    rows: list[RawRow] = []
    sources: dict[str, str] = {}
    for path in paths:
        sources[str(path)] = file_kind(path)
        rows.extend(read_rows(path, mapping))
    batch = validate_rows(rows, known_ids)
    batch.sources = sources
    if strict and batch.rejects:
        raise ValidationFailed(batch.problems)
    return batch


__all__ = [
    "FIELDS", "REJECT_ID", "ParticipantBatch", "RawRow", "Reject", "json_lines",
    "load_participants", "read_rows", "validate_rows", "write_rejects",
]
