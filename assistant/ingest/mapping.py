"""Column mappings of survey exports: ``--map 'Column=field'`` and ``--map-file F``.

Every problem is an :class:`~assistant.errors.InputFormatError` naming the file (or the
option) and the reason, never a traceback.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from assistant.errors import InputFormatError
from assistant.ingest.cells import shown

#: the participant fields a column can be mapped to
FIELDS = (
    "id", "name", "offers", "wants", "role", "department", "manager_id", "location",
    "timezone", "career_stage", "capacity", "current_pairs", "goals",
)
#: fields that several columns may feed (their statements are joined)
LIST_FIELDS = ("offers", "wants")
_SHAPE = ("a TOML table [columns] of \"Column title\" = \"field\" pairs, or a JSON object "
          "{\"Column title\": \"field\"}")


def read_map_file(path: Path) -> dict[str, str]:
    """Column mappings from a TOML (``[columns]`` table or top-level pairs) or ``.json`` file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(f"map file {path}: cannot read it ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"map file {path}: not UTF-8 text (byte {exc.start})") from exc
    try:
        parsed: Any = (json.loads(text) if path.suffix.lower() == ".json"
                       else tomllib.loads(text))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and TOMLDecodeError
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise InputFormatError(f"map file {path}: not valid {kind} ({exc})") from exc
    if isinstance(parsed, dict) and isinstance(parsed.get("columns"), dict):
        parsed = parsed["columns"]
    if not isinstance(parsed, dict):
        raise InputFormatError(f"map file {path}: expected {_SHAPE}, found a "
                               f"{type(parsed).__name__}")
    out: dict[str, str] = {}
    for column, target in parsed.items():
        if not isinstance(target, str):
            raise InputFormatError(f"map file {path}: the column {shown(column)} maps to "
                                   f"{shown(target)}; expected {_SHAPE}")
        out[_column(column, f"map file {path}")] = _target(target, column, f"map file {path}")
    return out


def parse_map_args(values: Iterable[str]) -> dict[str, str]:
    """Mappings from ``--map 'Column title=field'`` values (the last ``=`` splits)."""
    out: dict[str, str] = {}
    for item in values:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip():
            raise InputFormatError(f"--map wants 'Column title=field', got {shown(item)}")
        out[_column(column, "--map")] = _target(target, column, "--map")
    return out


def combine(file: Path | None, values: Iterable[str] | None) -> dict[str, str]:
    """A map file's mappings, then ``--map`` values on top of them."""
    mapping = read_map_file(file) if file is not None else {}
    mapping.update(parse_map_args(values or []))
    return mapping


def _column(column: str, where: str) -> str:
    text = column.strip()
    if not text:
        raise InputFormatError(f"{where}: a column title is empty")
    return text


def _target(target: str, column: str, where: str) -> str:
    field = target.strip().lower()
    if field not in FIELDS:
        raise InputFormatError(
            f"{where}: the column {shown(column.strip())} maps to {shown(target.strip())}, "
            f"which is not a field; use one of {', '.join(FIELDS)}")
    return field


def field_of(column: str, mapping: Mapping[str, str]) -> str:
    """The field a column feeds: its mapping (titles compared case-insensitively), else
    itself."""
    if not mapping:
        return column
    key = column.strip().casefold()
    for title, field in mapping.items():
        if title.casefold() == key:
            return field
    return column


def clashes(columns: Iterable[str], mapping: Mapping[str, str]) -> str:
    """Why these columns cannot be read together (two give one single-valued field), or
    empty."""
    seen: dict[str, str] = {}
    for column in columns:
        field = field_of(column, mapping)
        if field in FIELDS and field not in LIST_FIELDS:
            if field in seen:
                return (f"the columns {shown(seen[field])} and {shown(column)} both give the "
                        f"field '{field}'")
            seen[field] = column
    return ""


def apply(original: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """A record's cells renamed to fields; several columns feeding offers or wants are
    joined one statement block per line (lists are extended)."""
    values: dict[str, Any] = {}
    for column, value in original.items():
        field = field_of(column, mapping)
        if field in values and field in LIST_FIELDS:
            values[field] = _join(values[field], value)
        else:
            values[field] = value
    return values


def _join(first: Any, second: Any) -> Any:
    if isinstance(first, list) or isinstance(second, list):
        as_list = [*(first if isinstance(first, list) else [first]),
                   *(second if isinstance(second, list) else [second])]
        return [v for v in as_list if v not in (None, "")]
    if not first:
        return second
    if not second:
        return first
    return f"{first}\n{second}"


