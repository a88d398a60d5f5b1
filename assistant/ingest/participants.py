"""Read participants from CSV, JSONL or a column-mapped survey export, and validate every row.

The result keeps good rows and rejected rows apart; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import InputFormatError, RowProblem, ValidationFailed
from assistant.files import atomic_open
from assistant.ingest.splitting import split_all, split_statements
from assistant.models import MAX_CAPACITY, Participant

FIELDS = (
    "id", "name", "offers", "wants", "role", "department", "manager_id", "location",
    "timezone", "career_stage", "capacity", "current_pairs", "goals",
)
REQUIRED = ("id", "name", "offers", "wants")
#: column of a rejects file holding the row's participant id, whatever the source column was
REJECT_ID = "_id"

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
class RawRow:
    """A row as read from the file, before validation."""

    source: str
    line: int
    values: dict[str, Any]
    original: dict[str, Any]


@dataclass
class Reject:
    """A row that was not ingested, kept whole with every problem found."""

    row: RawRow
    problems: list[RowProblem]


@dataclass
class ParticipantBatch:
    """Outcome of reading one or more participant files."""

    participants: list[Participant] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    lines: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def problems(self) -> list[RowProblem]:
        return [p for r in self.rejects for p in r.problems]


def read_rows(path: Path, mapping: Mapping[str, str] | None = None) -> list[RawRow]:
    """Read raw rows; ``mapping`` renames source columns to participant fields."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        rows = list(_read_jsonl(path))
    elif suffix in (".csv", ".tsv", ".txt"):
        rows = list(_read_csv(path, "\t" if suffix == ".tsv" else ","))
    else:
        raise InputFormatError(
            f"{path}: unknown participant file type '{suffix}' (use .csv, .tsv or .jsonl)"
        )
    mapped = [_apply_mapping(r, mapping or {}) for r in rows]
    if mapped:
        present = set().union(*(r.values.keys() for r in mapped))
        missing = [f for f in REQUIRED if f not in present]
        if missing:
            columns = sorted(set().union(*(r.original.keys() for r in rows)))
            raise InputFormatError(
                f"{path}: no column for {', '.join(missing)}. Columns found: {columns}. "
                "Map survey columns with --map 'Column title=field' (e.g. "
                "'What could you teach a colleague?=offers')."
            )
    return mapped


def _read_csv(path: Path, delimiter: str) -> Iterable[RawRow]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputFormatError(f"{path}: cannot open ({exc.strerror})") from exc
    with handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        try:  # reading the header decodes the first block of the file, which may not be UTF-8
            header = reader.fieldnames
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputFormatError(f"{path}: unreadable CSV, expected UTF-8 ({exc})") from exc
        if not header:
            raise InputFormatError(f"{path}: empty file, expected a header row")
        line = reader.line_num
        try:
            for record in reader:
                start = line + 1
                line = reader.line_num
                original = {k: v for k, v in record.items() if k is not None}
                if None in record:
                    original["__extra__"] = ";".join(record[None])
                if not any((v or "").strip() for v in original.values() if isinstance(v, str)):
                    continue
                yield RawRow(str(path), start, dict(original), original)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputFormatError(f"{path}:{line + 1}: unreadable CSV ({exc})") from exc


def json_lines(text: str) -> Iterator[tuple[int, str, dict[str, Any] | None, str]]:
    """(line number, line, object or None, problem) for every non-empty JSONL line.

    Callers choose the policy: ingest sends a bad line to the rejects file, an eval
    suite fails on it.
    """
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, line, None, f"invalid JSON ({exc.msg})"
            continue
        if not isinstance(record, dict):
            yield number, line, None, "each line must be a JSON object"
            continue
        yield number, line, record, ""


def _read_jsonl(path: Path) -> Iterable[RawRow]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFormatError(f"{path}: cannot read as UTF-8 ({exc})") from exc
    for number, line, record, problem in json_lines(text):
        if record is None:
            record = {"__unparsed__": line, "__error__": problem}
        yield RawRow(str(path), number, dict(record), dict(record))


def _apply_mapping(row: RawRow, mapping: Mapping[str, str]) -> RawRow:
    if not mapping:
        return row
    lowered = {k.strip().casefold(): v for k, v in mapping.items()}
    values: dict[str, Any] = {}
    for column, value in row.values.items():
        target = lowered.get(column.strip().casefold(), column)
        if target in values and isinstance(value, str) and target in ("offers", "wants"):
            values[target] = f"{values[target]};{value}"  # several columns feed one field
        else:
            values[target] = value
    return RawRow(row.source, row.line, values, row.original)


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in FIELDS:
        value = values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key in ("offers", "wants"):
            if isinstance(value, str):
                out[key] = split_statements(value)
            elif isinstance(value, list):
                out[key] = split_all([str(v) for v in value])
            else:
                out[key] = value
        elif key == "career_stage" and isinstance(value, str):
            out[key] = _STAGE_ALIASES.get(value.strip().casefold(), value.strip())
        elif key in ("capacity", "current_pairs") and isinstance(value, str):
            text = value.strip()
            out[key] = int(text) if text.lstrip("-").isdigit() else text
        elif key == "id" and not isinstance(value, str):
            out[key] = str(value)
        else:
            out[key] = value.strip() if isinstance(value, str) else value
    return out


def _problems_from(exc: ValidationError, row: RawRow, record_id: str) -> list[RowProblem]:
    problems = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        name = loc[0] if loc else "row"
        if name not in FIELDS:
            name = "row" if not loc else name
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


def validate_rows(rows: list[RawRow], known_ids: Iterable[str] = ()) -> ParticipantBatch:
    """Validate rows one by one, then across rows (duplicate ids, managers, cycles)."""
    batch = ParticipantBatch()
    good: dict[str, tuple[Participant, RawRow]] = {}
    bad: dict[int, Reject] = {}
    occurrences: dict[str, list[int]] = {}

    for index, row in enumerate(rows):
        if "__unparsed__" in row.values:
            unparsed = RowProblem(
                row.source, row.line, "row", row.values["__error__"],
                "write one JSON object per line",
            )
            bad[index] = Reject(row, [unparsed])
            continue
        values = _normalise(row.values)
        record_id = str(values.get("id", "")).strip()
        if record_id:
            occurrences.setdefault(record_id, []).append(index)
        try:
            person = Participant(**values)
        except ValidationError as exc:
            bad[index] = Reject(row, _problems_from(exc, row, record_id))
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
    for path in paths:
        rows.extend(read_rows(path, mapping))
    batch = validate_rows(rows, known_ids)
    if strict and batch.rejects:
        raise ValidationFailed(batch.problems)
    return batch


def write_rejects(rejects: list[Reject], target: Path) -> Path:
    """Write rejected rows whole, with their line and reasons, to CSV or JSONL by suffix."""
    target.parent.mkdir(parents=True, exist_ok=True)
    reasons = [" | ".join(p.describe() for p in r.problems) for r in rejects]
    if target.suffix == ".jsonl":
        with atomic_open(target) as out:
            for reject, why in zip(rejects, reasons, strict=True):
                record = dict(reject.row.original)
                record.update(_source=reject.row.source, _line=reject.row.line, _errors=why,
                              _id=_row_id(reject.row))
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return target
    columns: list[str] = []
    for reject in rejects:
        for key in reject.row.original:
            if key not in columns:
                columns.append(key)
    with atomic_open(target, newline="") as out:
        writer = csv.DictWriter(
            out, fieldnames=[*columns, "_source", "_line", "_errors", REJECT_ID]
        )
        writer.writeheader()
        for reject, why in zip(rejects, reasons, strict=True):
            record = {k: _cell(v) for k, v in reject.row.original.items()}
            record.update(_source=reject.row.source, _line=str(reject.row.line), _errors=why,
                          _id=_row_id(reject.row))
            writer.writerow(record)
    return target


def _row_id(row: RawRow) -> str:
    value = row.values.get("id")
    return "" if value is None else str(value).strip()


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)
