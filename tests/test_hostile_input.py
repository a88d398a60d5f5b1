"""Each class of hostile input that once crashed ingest or lost a row, pinned by one test.

The property-based suite (test_fuzz_ingest.py) explores around them; these name them.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.errors import InputFormatError
from assistant.ingest import load_participants, read_rejects, write_rejects
from assistant.ingest.mapping import parse_map_args, read_map_file
from assistant.store.lock import DataDirLock

HEADER = "id,name,offers,wants"
ROOT = Path(__file__).resolve().parents[1]


def csv_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def ingest_rows(tmp_path: Path, body: str, extra: str = "") -> tuple[list[str], list[int]]:
    path = csv_text(tmp_path / "p.csv", f"{HEADER}{extra}\n{body}")
    batch = load_participants([path])
    return [p.id for p in batch.participants], [r.row.line for r in batch.rejects]


@pytest.mark.parametrize("zone", ["Europe", "America", "Etc", "posixrules", "Europe/"])
def test_a_folder_of_the_timezone_database_is_a_bad_timezone(tmp_path: Path, zone: str) -> None:
    stored, rejected = ingest_rows(tmp_path, f"a,A,x,y,{zone}\nb,B,x,y,europe/london\n",
                                   ",timezone")
    assert (stored, rejected) == (["b"], [2])


@pytest.mark.parametrize("value", ["²", "⁵", "①", "٣", "５", "--5", "+-1", "1.5"])
def test_integer_fields_take_ascii_digits_only(tmp_path: Path, value: str) -> None:
    path = csv_text(tmp_path / "p.csv",
                    f"{HEADER},capacity,current_pairs\na,A,x,y,{value},0\nb,B,x,y,2,{value}\n"
                    "c,C,x,y,+3, 1 \n")
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["c"]
    assert [(p.field, "whole number" in p.message) for p in batch.problems] == [
        ("capacity", True), ("current_pairs", True)]


def test_columns_named_like_internal_keys_are_plain_columns(tmp_path: Path) -> None:
    stored, rejected = ingest_rows(tmp_path, "a,A,x,y,oops,why\n", ",__unparsed__,__error__")
    assert (stored, rejected) == (["a"], [])


def test_bytes_that_are_not_utf8_reject_their_row_on_its_own_line(tmp_path: Path) -> None:
    lines = [HEADER.encode()] + [f"p{i},P{i},x,y".encode() for i in range(1, 250)]
    lines[200] = b"p200,Jos\xe9 \xff,x,y"  # line 201 of the file
    path = tmp_path / "p.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    batch = load_participants([path])
    assert len(batch.participants) == 248
    (problem,) = batch.problems
    assert (problem.line, problem.field) == (201, "name")
    # the rejects writer writes it, says so, and gives back the very bytes
    out = write_rejects(batch.rejects, tmp_path / "rejects.csv")
    assert "written as JSON" in out.read_text(encoding="utf-8")
    ((cells, _),) = read_rejects(out)
    assert cells["name"].encode("utf-8", "surrogateescape") == "Jos\xe9 \xff".encode("latin-1")
    jsonl = write_rejects(batch.rejects, tmp_path / "rejects.jsonl")
    ((cells, _),) = read_rejects(jsonl)
    assert cells["name"].encode("utf-8", "surrogateescape") == b"Jos\xe9 \xff"


def test_lone_surrogates_from_json_are_rejected_and_written(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "a", "name": "A\\ud800", "offers": "x", "wants": "y"}\n'
                    '{"id": "b", "name": "B", "offers": "x", "wants": "y"}\n', encoding="utf-8")
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["b"]
    assert "surrogate" in batch.problems[0].message
    for name in ("r.csv", "r.jsonl"):
        ((cells, _),) = read_rejects(write_rejects(batch.rejects, tmp_path / name))
        assert cells["name"] == "A\ud800"


def test_deep_json_nesting_is_refused_with_a_message(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "p.jsonl"
    path.write_text(f'{{"id": "a", "name": "A", "offers": {deep}, "wants": "y"}}\n'
                    '{"id": "b", "name": "B", "offers": "x", "wants": "y"}\n', encoding="utf-8")
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["b"]
    assert "nested 100001 levels deep" in batch.problems[0].message


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_json_strings_may_hold_unicode_line_separators(tmp_path: Path, separator: str) -> None:
    record = {"id": "a", "name": f"A{separator}B", "offers": "x", "wants": "y"}
    path = tmp_path / "p.jsonl"
    path.write_text("\ufeff" + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    batch = load_participants([path])
    if separator == "\u0085":  # a C1 control character: a problem of the value, not the line
        assert batch.problems[0].field == "name" and batch.problems[0].line == 1
    else:
        assert [p.name for p in batch.participants] == [f"A{separator}B"]


def test_a_bom_before_the_first_json_object_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "name": "A", "offers": "x", "wants": "y"}\n')
    assert [p.id for p in load_participants([path]).participants] == ["a"]


def test_an_unclosed_quote_rejects_its_line_and_spares_the_next_rows(tmp_path: Path) -> None:
    path = csv_text(tmp_path / "p.csv", f'{HEADER}\na,A,x,y\nb,"Bob,x,y\nc,C,x,y\n'
                                        'd,D,"Snap, chat",y\ne,E,x,y\n')
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["a", "c", "d", "e"]
    (reject,) = batch.rejects
    assert reject.row.line == 3 and reject.row.raw == 'b,"Bob,x,y'
    assert "quote" in reject.problems[0].message


def test_an_unclosed_quote_closed_by_a_later_row_does_not_swallow_it(tmp_path: Path) -> None:
    path = csv_text(tmp_path / "p.csv", f'{HEADER}\nb,"Bob,x,y\nc,C,",x",y\nd,D,x,y\n')
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["c", "d"]
    assert [r.row.line for r in batch.rejects] == [2]


def test_a_quoted_cell_may_span_lines(tmp_path: Path) -> None:
    path = csv_text(tmp_path / "p.csv", f'{HEADER}\na,A,"- x\n- z, w",y\nb,B,x,y\n')
    batch = load_participants([path])
    assert [p.offers for p in batch.participants] == [["x", "z, w"], ["x"]]


def test_extra_cells_reject_their_row_and_are_kept(tmp_path: Path) -> None:
    path = csv_text(tmp_path / "p.csv", f"{HEADER}\na,A,x,y,surprise,more\nb,B,x,y,\n")
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["b"]  # an empty trailing cell loses nothing
    (reject,) = batch.rejects
    assert "has 6 cells but the header has 4" in reject.problems[0].message
    assert reject.row.original["(extra 1)"] == "surprise"


def test_repeated_column_titles(tmp_path: Path) -> None:
    twice = csv_text(tmp_path / "p.csv", "id,name,offers,wants,offers\na,A,x,y,z\n")
    (person,) = load_participants([twice]).participants
    assert person.offers == ["x", "z"]  # like two survey columns mapped to offers
    named = csv_text(tmp_path / "q.csv", "id,name,offers,wants,name\na,A,x,y,B\n")
    with pytest.raises(InputFormatError, match="'name' and 'name \\(2\\)' both give"):
        load_participants([named])


@pytest.mark.parametrize("size", [100_000, 200_000])
def test_a_huge_cell_rejects_only_its_row_whatever_its_size(tmp_path: Path, size: int) -> None:
    stored, rejected = ingest_rows(tmp_path, f"a,A,{'x' * size},y\nb,B,x,y\n")
    assert (stored, rejected) == (["b"], [2])


def test_formula_cells_are_inert_in_the_rejects_file_and_read_back(tmp_path: Path) -> None:
    path = csv_text(tmp_path / "p.csv", "id,name,offers,wants,capacity,location\n"
                    "a,=cmd|' /C calc'!A0,x,y,lots,@SUM(A1)\n"
                    'b,"-2+3",x,y,many,"""quoted"""\n'
                    "-c,C,x,y,1,\n")  # the id is a bad id, and the _id column starts with -
    batch = load_participants([path])
    out = write_rejects(batch.rejects, tmp_path / "rejects.csv")
    with out.open(encoding="utf-8", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert [c["name"] for c, _ in read_rejects(out)] == ["=cmd|' /C calc'!A0", "-2+3", "C"]
    assert [m["_id"] for _, m in read_rejects(out)] == ["a", "b", "-c"]
    again = load_participants([out])  # ingesting the rejects file reads the cells back
    assert [r.row.original["location"] for r in again.rejects] == ["@SUM(A1)", '"quoted"', ""]


@pytest.mark.parametrize(("name", "content", "words"), [
    ("bad.toml", b"[columns\n", "not valid TOML"),
    ("list.json", b'["a", "b"]', "found a list"),
    ("latin.toml", b'"Jos\xe9" = "name"', "not UTF-8"),
    ("typo.toml", b'"Email" = "e-mail"', "not a field"),
    ("number.json", b'{"Email": 3}', "maps to 3"),
    ("missing.toml", None, "cannot read"),
    ("folder", "dir", "cannot read"),
])
def test_map_files_that_cannot_be_used_say_which_and_why(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
        content: bytes | str | None, words: str) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InputFormatError, match=words) as info:
        read_map_file(path)
    assert str(path) in str(info.value)
    people = csv_text(tmp_path / "p.csv", f"{HEADER}\na,A,x,y\n")
    code = main(["--data-dir", str(tmp_path / "data"), "ingest", str(people), "--map-file",
                 str(path)])
    assert code == 3
    assert str(path) in capsys.readouterr().err


def test_map_arguments_are_checked() -> None:
    assert parse_map_args(["Q: 1 = 2?=offers", "E-mail=ID"]) == {"Q: 1 = 2?": "offers",
                                                                 "E-mail": "id"}
    for bad in ("no equals sign", "=offers", "Email=e-mail"):
        with pytest.raises(InputFormatError):
            parse_map_args([bad])


def test_notes_of_killed_holders_are_removed(tmp_path: Path) -> None:
    holders = tmp_path / ".holders"
    holders.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (holders / f"{dead}.json").write_text(json.dumps(
        {"pid": int(dead), "mode": "exclusive", "command": "pairing ingest"}))
    reused = holders / f"{os.getppid()}.json"  # a live pid that is not the holder
    reused.write_text(json.dumps({"pid": os.getppid(), "mode": "shared", "started": "1"}))
    with DataDirLock(tmp_path, "shared", "test"):
        assert sorted(p.name for p in holders.glob("*.json")) == [f"{os.getpid()}.json"]


def test_chat_refuses_a_busy_folder_before_loading_gradio(tmp_path: Path) -> None:
    script = ("import sys\nfrom assistant.cli import main\n"
              f"code = main(['--data-dir', {str(tmp_path)!r}, 'chat'])\n"
              "print(code, 'gradio' in sys.modules)\n")
    with DataDirLock(tmp_path, "exclusive", "pairing ingest"):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.stdout.split() == ["4", "False"], done.stderr
    assert "pairing ingest" in done.stderr
