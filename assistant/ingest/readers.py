"""Read participant files record by record: CSV/TSV and JSONL, whatever bytes they hold.

A record that cannot be read becomes a row with an ``error`` and its ``raw`` text, never a
crash and never a silent loss: bytes that are not UTF-8 are kept (as lone surrogates,
rejected by validation with their line), a broken quote rejects its own line and reading
goes on with the next one, extra cells reject their row, JSON lines are split at line
feeds only (U+2028 and friends are legal inside JSON strings), a BOM is dropped, and
nesting deeper than :data:`~assistant.ingest.cells.MAX_JSON_DEPTH` is refused before the
parser could recurse.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import assistant.ingest.rejects as rj
from assistant.errors import InputFormatError
from assistant.ingest.cells import MAX_JSON_DEPTH, json_depth, shown
from assistant.ingest.rows import RawRow

#: a quoted cell may span lines, but a record longer than this is a broken quote
MAX_RECORD_LINES = 2_000
MAX_RECORD_CHARS = 16_000_000
csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS))

QUOTE_FIX = ('quote whole cells only, and double a quote inside a quoted cell ("")')
JSON_FIX = "write one JSON object per line"


def decode(path: Path) -> str:
    """The file's text: BOM dropped, UTF-16 if it says so, else UTF-8 with every byte
    that is not UTF-8 kept as a lone surrogate (validation rejects its row)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(f"{path}: cannot open ({exc.strerror or exc})") from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputFormatError(f"{path}: starts like UTF-16 text but is not ({exc.reason} "
                                   f"at byte {exc.start})") from exc
    return data.decode("utf-8", "surrogateescape")


class _TooLong(Exception):
    pass


def _record(lines: list[str], start: int, delimiter: str) -> tuple[list[str] | None, int, str]:
    """Cells of the record starting at ``lines[start]``, the index after it, or an error."""
    used = [0, 0]

    def feed() -> Iterator[str]:
        for index in range(start, len(lines)):
            used[0] += 1
            used[1] += len(lines[index])
            if used[0] > MAX_RECORD_LINES or used[1] > MAX_RECORD_CHARS:
                raise _TooLong
            yield lines[index]

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    try:
        cells = next(reader)
    except StopIteration:
        return None, len(lines), ""
    except _TooLong:
        return None, start + 1, ("a quoted cell starts here and does not end within "
                                 f"{MAX_RECORD_LINES:,} lines")
    except csv.Error as exc:
        return None, start + 1, f"a quote in this row is not closed properly ({exc})"
    return cells, start + used[0], ""


def read_csv(path: Path, delimiter: str) -> tuple[list[str], list[RawRow], dict[str, str]]:
    """(column titles, rows, repeated titles) of a CSV or TSV file: a title that appears
    again is numbered (``offers (2)``) and the third item maps it back to its title."""
    lines = io.StringIO(decode(path), newline="").readlines()
    index = 0
    header: list[str] | None = None
    while index < len(lines) and not header:
        header, index, problem = _record(lines, index, delimiter)
        if problem:
            raise InputFormatError(f"{path}:{index}: the header row is unreadable ({problem})")
        if header is not None and not any(h.strip() for h in header):
            header = None
    if not header:
        raise InputFormatError(f"{path}: empty file, expected a header row")
    columns, repeated = _columns(header)
    rejects_file = rj.is_rejects_header(columns)
    rows: list[RawRow] = []
    while index < len(lines):
        start = index
        cells, index, problem = _record(lines, start, delimiter)
        if cells is None and not problem:
            break
        if cells is not None and index - start > 1 and _swallowed(
                lines[start + 1:index], len(cells), len(columns), delimiter):
            # a quote opened here swallowed the following lines: read this line alone
            problem, index = (f"a quote in this row is not closed: it ran on for "
                              f"{index - start} lines, over what reads as other rows"), start + 1
        if problem or cells is None:
            raw = lines[start].rstrip("\r\n")
            rows.append(RawRow(str(path), start + 1, {}, {}, raw, problem, QUOTE_FIX))
            continue
        if not any(c.strip() for c in cells):
            continue
        rows.append(_csv_row(path, start + 1, columns, cells, rejects_file))
    return columns, rows, repeated


def _swallowed(inner: list[str], cells: int, columns: int, delimiter: str) -> bool:
    """Whether a record that spans lines is an unclosed quote rather than a quoted cell
    holding line breaks: a line inside it reads as a whole row on its own (a cell that
    spans lines may not hold such a line). Its last line also holds the rest of the
    record's own cells, so there it counts only when the record has no cells to spare."""
    for number, line in enumerate(inner, start=1):
        alone = len(next(csv.reader([line], delimiter=delimiter), []))
        if alone >= columns and (number < len(inner) or cells <= columns):
            return True
    return False


def _columns(header: list[str]) -> tuple[list[str], dict[str, str]]:
    """Column titles, stripped; repeated titles numbered so no cell is lost."""
    out: list[str] = []
    repeated: dict[str, str] = {}
    for number, title in enumerate(header, start=1):
        name = title.strip() or f"(column {number})"
        base, copy = name, 2
        while name in out:
            name, copy = f"{base} ({copy})", copy + 1
        if name != base:
            repeated[name] = base
        out.append(name)
    return out, repeated


def _csv_row(path: Path, line: int, columns: list[str], cells: list[str],
             rejects_file: bool) -> RawRow:
    original = dict(zip(columns, cells, strict=False))
    extra = cells[len(columns):]
    error = ""
    if any(c.strip() for c in extra):
        for number, cell in enumerate(extra, start=1):
            original[f"(extra {number})"] = cell
        error = (f"has {len(cells)} cells but the header has {len(columns)} (an unquoted "
                 "delimiter, or a stray quote?)")
    raw = None
    if rejects_file:  # a rejects file ingested again: decode its cells, drop its notes
        original, meta = rj.split_csv(columns, cells)
        raw = meta.get(rj.RAW) or None
        if raw is not None and not any(str(v).strip() for v in original.values()):
            return RawRow(str(path), line, {}, {}, raw,
                          "this row could not be read into cells before (see _raw)",
                          "write it again as cells under the column titles")
        raw = None
    return RawRow(str(path), line, dict(original), original, raw, error,
                  "remove the extra cells or quote the cell that holds the delimiter"
                  if error else "")


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"the key {shown(key)} appears twice in one object")
        out[key] = value
    return out


def json_lines(text: str) -> Iterator[tuple[int, str, dict[str, Any] | None, str]]:
    """(line number, line, object or None, problem) for every non-blank JSONL line.

    Lines end at line feeds only: U+2028, U+2029 and U+0085 may stand inside JSON
    strings. A BOM at the start is dropped. Callers choose the policy: ingest sends a bad
    line to the rejects file, an eval suite fails on it.
    """
    text = text.removeprefix("\ufeff")
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip(" \t\r\f\v"):
            continue
        depth = json_depth(line)
        if depth > MAX_JSON_DEPTH:
            yield number, line, None, (f"JSON nested {depth} levels deep; at most "
                                       f"{MAX_JSON_DEPTH} are read")
            continue
        try:
            record = json.loads(line, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            yield number, line, None, f"invalid JSON ({exc.msg}, column {exc.colno})"
            continue
        except (ValueError, RecursionError) as exc:
            yield number, line, None, f"invalid JSON ({exc})"
            continue
        if not isinstance(record, dict):
            yield number, line, None, "each line must be a JSON object"
            continue
        yield number, line, record, ""


def read_jsonl(path: Path) -> list[RawRow]:
    rows = []
    for number, line, record, problem in json_lines(decode(path)):
        if record is None:
            rows.append(RawRow(str(path), number, {}, {}, line, problem, JSON_FIX))
            continue
        if rj.SOURCE in record and rj.ERRORS in record:  # a rejects file ingested again
            own, meta = rj.split_json(record)
            raw = meta.get(rj.RAW)
            if isinstance(raw, str) and not own:
                rows.append(RawRow(str(path), number, {}, {}, raw,
                                   "this line could not be read before (see _raw)", JSON_FIX))
                continue
            record = own
        rows.append(RawRow(str(path), number, dict(record), record))
    return rows
