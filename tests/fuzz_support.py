"""Generators of participant files for the property-based tests (hypothesis).

A generated file mixes valid rows and rows with one definite defect each, in CSV (or TSV)
or JSONL, and knows what must happen to every row: which ids must be stored, and for each
invalid row the line it starts on and what it held, so a test can check that the rejects
file gives it back exactly.

Profiles: ``PAIRING_FUZZ=ci`` (default: bounded for CI, same examples every run) or
``PAIRING_FUZZ=long`` (many more, new ones each run), e.g.
``PAIRING_FUZZ=long python -m pytest -m fuzz -q``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROFILE = os.environ.get("PAIRING_FUZZ", "ci")
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large,
           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much]


def fuzz_settings(ci: int, long: int) -> settings:
    """``ci`` examples (derandomized, so CI sees the same files every run) or ``long``."""
    if PROFILE == "long":
        return settings(max_examples=long, deadline=None, database=None,
                        suppress_health_check=_HEALTH, derandomize=False)
    return settings(max_examples=ci, deadline=None, database=None,
                    suppress_health_check=_HEALTH, derandomize=True)


COLUMNS = ["id", "name", "offers", "wants", "timezone", "capacity", "career_stage",
           "location", "goals", "Notes"]
SKILLS = [
    "Snapchat stories", "TikTok editing", "LinkedIn posts", "Excel pivot tables", "SQL basics",
    "Python scripting", "Canva design", "public speaking", "business strategy",
    "negotiation", "budgeting", "client communication", "presenting to executives",
    "Power BI dashboards", "prompt writing for AI tools", "stakeholder management",
    "hiring interviews", "podcast production", "Figma prototyping", "career planning",
]
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC", "europe/paris",
         "Australia/Sydney"]
STAGES = ["early", "Junior", "mid-career", "senior", "exec", "Director"]
BAD_ZONES = ["Europe", "America", "Etc", "Mars/Base", "../../etc/passwd", "Europe/",
             "posixrules", "Europe/London/x", "GMT+99"]
BAD_WHOLE = ["²", "⁵", "①", "٣", "５", "--5", "+-1", "1.5", "99", "-1", "1e3", "0x3", "½",
             "3 4", "∞", "NaN"]
BAD_BYTES = [b"\xff", b"\xe9", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x80", b"\xf0\x9f"]
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "=HYPERLINK(\"x\")"]

# letters, digits, punctuation and symbols of any script, quotes, commas, tabs and line
# separators that JSON may hold inside strings; no controls, no surrogates
_TEXT = st.characters(blacklist_categories=("Cs", "Cc"),
                      blacklist_characters=";|•▪●\ufeff")
_WORDY = st.text(_TEXT, min_size=0, max_size=24)


@st.composite
def statement(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) < 4:
        return draw(st.sampled_from(SKILLS))
    return "Sk" + draw(_WORDY)


@st.composite
def statements(draw: st.DrawFn, most: int = 4) -> list[str]:
    return draw(st.lists(statement(), min_size=1, max_size=most))


@dataclass
class Row:
    """One generated row: its cells (CSV) or record (JSONL), and what must happen."""

    ident: str
    cells: dict[str, Any]
    valid: bool
    defect: str = ""
    #: bytes to splice into the CSV text of the row (bad UTF-8), with the cell holding them
    raw_bytes: bytes = b""
    raw_cell: str = ""
    #: a JSONL line written as is (invalid JSON, nesting, duplicate keys)
    raw_line: str | None = None
    #: a CSV line written as is (an unclosed quote)
    raw_text: str | None = None


@dataclass
class GeneratedFile:
    kind: str  # "csv" or "jsonl"
    data: bytes
    rows: list[Row]
    suffix: str = ".csv"
    #: line each row starts on, for rows that are not blank
    lines: dict[int, int] = field(default_factory=dict)
    #: the text of each row as read back (CSV cells or JSONL record), by row index
    expected: dict[int, Any] = field(default_factory=dict)


@st.composite
def valid_row(draw: st.DrawFn, ident: str, jsonl: bool) -> Row:
    cells: dict[str, Any] = {
        "id": ident,
        "name": draw(st.sampled_from(["A", "Zoë", "李", "O'", "=", "-", "\"Q", "@"]))
        + draw(_WORDY),
    }
    offers, wants = draw(statements()), draw(statements())
    as_list = jsonl and draw(st.booleans())
    bullets = draw(st.booleans())
    for key, items in (("offers", offers), ("wants", wants)):
        if as_list:
            cells[key] = items
        elif bullets:
            cells[key] = "\n".join(f"- {s}" for s in items)
        else:
            cells[key] = "; ".join(items)
    if draw(st.booleans()):
        cells["timezone"] = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        value = draw(st.integers(0, 5))
        cells["capacity"] = value if jsonl and draw(st.booleans()) else draw(
            st.sampled_from([str(value), f" {value} ", f"+{value}"]))
    if draw(st.booleans()):
        cells["career_stage"] = draw(st.sampled_from(STAGES))
    if draw(st.booleans()):
        cells["location"] = draw(_WORDY)
    if draw(st.booleans()):
        cells["goals"] = draw(st.sampled_from([*FORMULAS, "", "grow\u2028more", "x,y;z"]))
    if draw(st.booleans()):
        cells["Notes"] = draw(_WORDY)
    return Row(ident, cells, True)


MARKER = "\u2603MARK\u2603"
#: JSONL defects that make a line unreadable as a record (kept as raw text)
RAW_JSON = {"invalid_json", "not_object", "nested", "duplicate_key", "big_number"}
CSV_DEFECTS = ["empty_name", "bad_id", "tz", "whole", "stage", "bad_bytes", "control", "huge",
               "too_many", "long_statement", "extra_cells", "unclosed_quote", "formula_bad",
               "unknown_manager"]
JSON_DEFECTS = ["empty_name", "bad_id", "tz", "whole", "stage", "bad_bytes", "control", "huge",
                "too_many", "long_statement", "formula_bad", "unknown_manager", "invalid_json",
                "not_object", "nested", "duplicate_key", "surrogate_escape", "whole_json",
                "big_number", "list_of_objects"]


@st.composite
def invalid_row(draw: st.DrawFn, ident: str, jsonl: bool) -> Row:
    base = draw(valid_row(ident, jsonl))
    cells = dict(base.cells)
    defect = draw(st.sampled_from(JSON_DEFECTS if jsonl else CSV_DEFECTS))
    row = Row(ident, cells, False, defect)
    if defect == "empty_name":
        cells["name"] = draw(st.sampled_from(["", "   "]))
    elif defect == "bad_id":
        bad = draw(st.sampled_from([f"{ident} x", f"-{ident}", ident + "x" * 70, f"{ident}/..",
                                    f"{ident}\u200b"]))
        cells["id"] = row.ident = bad
    elif defect == "tz":
        cells["timezone"] = draw(st.sampled_from(BAD_ZONES))
    elif defect == "whole":
        cells["capacity"] = draw(st.sampled_from(BAD_WHOLE))
    elif defect == "stage":
        cells["career_stage"] = draw(st.sampled_from(["wizard", "5", "early; late"]))
    elif defect == "bad_bytes":
        row.raw_bytes = draw(st.sampled_from(BAD_BYTES))
        row.raw_cell = draw(st.sampled_from(["name", "location"]))
        cells[row.raw_cell] = f"x{cells.get(row.raw_cell, '')}"
    elif defect == "control":
        cells["name"] = f"{cells['name']}{draw(st.sampled_from(CONTROLS))}z"
    elif defect == "huge":
        size = draw(st.sampled_from([10_001, 30_000, 200_000]))
        cells["offers"] = "Q" * size
    elif defect == "too_many":
        cells["wants"] = "; ".join(f"skill {i}" for i in range(13))
    elif defect == "long_statement":
        cells["offers"] = "L" * 401
    elif defect == "extra_cells":
        cells["(extra)"] = draw(st.lists(st.sampled_from(["x", "more", "=1"]), min_size=1,
                                         max_size=3))
    elif defect == "unclosed_quote":
        row.raw_text = f'{ident},"Unclosed {cells["name"][:3]},Snapchat,strategy'
    elif defect == "formula_bad":
        cells["name"] = draw(st.sampled_from(FORMULAS))
        cells["location"] = draw(st.sampled_from(FORMULAS))
        cells["capacity"] = "lots"
    elif defect == "unknown_manager":
        cells["manager_id"] = f"ghost-{ident}"
    elif defect == "invalid_json":
        text = json.dumps(cells)
        row.raw_line = text[: draw(st.integers(1, max(1, len(text) - 1)))]
    elif defect == "not_object":
        row.raw_line = draw(st.sampled_from(["[1, 2]", '"text"', "3", "null", "true"]))
    elif defect == "nested":
        depth = draw(st.integers(17, 3000))
        row.raw_line = json.dumps({"id": ident, "name": "N"})[:-1] + ', "x": ' + \
            "[" * depth + "]" * depth + "}"
    elif defect == "duplicate_key":
        row.raw_line = json.dumps(cells)[:-1] + f', "id": "{ident}-2"}}'
    elif defect == "surrogate_escape":  # a JSON escape of a lone surrogate, one key once
        cells.pop("location", None)
        row.raw_line = json.dumps(cells)[:-1] + ', "location": "a\\ud800b"}'
    elif defect == "whole_json":
        cells["capacity"] = draw(st.sampled_from([True, 1.5, [1], {"n": 1}, float("inf"), -0.5]))
    elif defect == "big_number":
        row.raw_line = json.dumps(cells)[:-1] + ', "capacity": ' + "9" * 5000 + "}"
    elif defect == "list_of_objects":
        cells["offers"] = [{"skill": "x"}]
    return row


@st.composite
def participant_file(draw: st.DrawFn, prefix: str, jsonl: bool) -> GeneratedFile:
    count = draw(st.integers(1, 8))
    rows: list[Row] = []
    for index in range(count):
        ident = f"{prefix}-{index}"
        bad = draw(st.integers(0, 2)) == 0
        rows.append(draw(invalid_row(ident, jsonl)) if bad else draw(valid_row(ident, jsonl)))
    if count > 1 and draw(st.integers(0, 4)) == 0:  # a duplicated id: every copy rejected
        first, second = draw(st.sampled_from([(a, b) for a in range(count)
                                              for b in range(count) if a < b]))
        if all(rows[i].raw_line is None and rows[i].raw_text is None
               and rows[i].defect != "bad_id" for i in (first, second)):
            for index in (first, second):
                rows[index].cells["id"] = rows[index].ident = rows[first].ident
                rows[index].valid, rows[index].defect = False, rows[index].defect or "dup"
    bom = draw(st.booleans())
    if jsonl:
        return _jsonl_file(rows, bom, draw(st.sampled_from(["\n", "\r\n"])),
                           draw(st.booleans()))
    return csv_file(rows, bom, draw(st.sampled_from(["\r\n", "\n"])),
                    draw(st.sampled_from([",", "\t"])))


def csv_file(rows: list[Row], bom: bool, newline: str, delimiter: str,
             titles: dict[str, str] | None = None) -> GeneratedFile:
    """The rows as CSV (TSV with a tab); ``titles`` renames columns (a survey export)."""
    out = GeneratedFile("csv", b"", rows, ".tsv" if delimiter == "\t" else ".csv")
    columns = [*COLUMNS, "manager_id"]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerow(
        [(titles or {}).get(c, c) for c in columns])
    data = bytearray(("\ufeff" if bom else "").encode() + buffer.getvalue().encode())
    for index, row in enumerate(rows):
        line = 1 + len(io.StringIO(data.decode("utf-8", "surrogateescape").removeprefix(
            "\ufeff"), newline="").readlines())
        out.lines[index] = line
        if row.raw_text is not None:
            text = row.raw_text.replace(",", delimiter)
            data += (text + newline).encode()
            out.expected[index] = text
            continue
        extra = row.cells.get("(extra)", [])
        values = [_cell(row.cells.get(c)) for c in columns] + list(extra)
        marker = MARKER
        if row.raw_bytes:
            at = columns.index(row.raw_cell)
            values[at] = values[at].replace("x", marker, 1)
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerow(values)
        encoded = buffer.getvalue().encode().replace(marker.encode(), row.raw_bytes)
        data += encoded
        expected = dict(zip(columns, values, strict=False))
        for number, cell in enumerate(extra, start=1):
            expected[f"(extra {number})"] = cell
        if row.raw_bytes:
            at = row.raw_cell
            expected[at] = expected[at].replace(marker, row.raw_bytes.decode(
                "utf-8", "surrogateescape"))
        out.expected[index] = expected
    out.data = bytes(data)
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def _jsonl_file(rows: list[Row], bom: bool, newline: str, blank_lines: bool) -> GeneratedFile:
    out = GeneratedFile("jsonl", b"", rows, ".jsonl")
    lines: list[bytes] = []
    for index, row in enumerate(rows):
        if blank_lines and index % 2:
            lines.append(b"   ")
        out.lines[index] = len(lines) + 1
        if row.raw_line is not None:
            lines.append(row.raw_line.encode())
            out.expected[index] = (row.raw_line if row.defect in RAW_JSON
                                   else json.loads(row.raw_line))
            continue
        record = {k: v for k, v in row.cells.items() if v is not None}
        text = json.dumps(record, ensure_ascii=bool(index % 2))
        if row.raw_bytes:
            key = row.raw_cell
            rest = str(record[key])[1:]
            record[key] = MARKER + rest
            text = json.dumps(record, ensure_ascii=False)
            lines.append(text.encode().replace(MARKER.encode(), row.raw_bytes))
            record[key] = row.raw_bytes.decode("utf-8", "surrogateescape") + rest
        else:
            lines.append(text.encode())
        out.expected[index] = record
    body = newline.encode().join(lines) + newline.encode()
    out.data = (b"\xef\xbb\xbf" if bom else b"") + body
    return out
