"""Participant ingest (CSV, JSONL, survey exports), validation, rejects, and guidance chunking."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import write_participants_csv, write_participants_jsonl

from assistant.errors import InputFormatError, RowProblem, ValidationFailed
from assistant.ingest import (
    chunk_markdown,
    load_guidance,
    load_participants,
    read_rows,
    split_statements,
    write_rejects,
)
from assistant.ingest.guidance import MAX_CHUNK_CHARS
from assistant.models import MAX_STATEMENTS


def good(pid: str, **extra: Any) -> dict[str, Any]:
    row = {"id": pid, "name": f"Name {pid}", "offers": f"Teaching {pid}",
           "wants": f"Learning {pid}"}
    row.update(extra)
    return row


def problems_of(batch: Any, pid: str) -> list[RowProblem]:
    return [p for r in batch.rejects for p in r.problems if r.row.values.get("id") == pid]


# reading ---------------------------------------------------------------------------
def test_csv_rows_become_participants(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [
        good("a1", offers="Excel; Power BI", wants="TikTok", role="Analyst",
             department="Finance", location="London", timezone="Europe/London",
             career_stage="Junior", capacity="2", current_pairs="1", goals="Grow"),
        good("a2", manager_id="a1", capacity=""),
    ])
    batch = load_participants([path])
    assert batch.rejects == []
    a1, a2 = batch.participants
    assert a1.offers == ["Excel", "Power BI"]
    assert a1.wants == ["TikTok"]
    assert a1.career_stage == "early"  # alias
    assert (a1.capacity, a1.current_pairs, a1.open_slots) == (2, 1, 1)
    assert a2.capacity == 1 and a2.manager_id == "a1"
    assert batch.lines == {"a1": (str(path), 2), "a2": (str(path), 3)}


def test_excel_bom_and_tsv(tmp_path: Path) -> None:
    bom = tmp_path / "excel.csv"
    bom.write_bytes("id,name,offers,wants\nx1,Zoë,Excel,SQL\n".encode("utf-8-sig"))
    (person,) = load_participants([bom]).participants
    assert (person.id, person.name) == ("x1", "Zoë")
    tsv = tmp_path / "people.tsv"
    tsv.write_text("id\tname\toffers\twants\nt1\tTab Person\tExcel, Word\tSQL\n",
                   encoding="utf-8")
    (person,) = load_participants([tsv]).participants
    assert person.offers == ["Excel, Word"]


def test_jsonl_rows_with_lists(tmp_path: Path) -> None:
    path = write_participants_jsonl(tmp_path / "p.jsonl", [
        {"id": "j1", "name": "Jo", "offers": ["SQL", "- Python\n- pandas"], "wants": ["Canva"],
         "capacity": 2},
        "",
        {"id": 7, "name": "Numeric Id", "offers": ["x"], "wants": ["y"]},
    ])
    batch = load_participants([path])
    assert batch.rejects == []
    j1, seven = batch.participants
    assert j1.offers == ["SQL", "Python", "pandas"]
    assert j1.capacity == 2
    assert seven.id == "7"
    assert batch.lines["7"] == (str(path), 3)


def test_csv_line_numbers_count_multiline_cells(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [
        good("m1", offers="- Excel\n- SQL\n- Python"),
        {"id": "", "name": "", "offers": "", "wants": ""},  # blank row, skipped
        good("m2", timezone="Nowhere/Land"),
    ])
    batch = load_participants([path])
    assert batch.participants[0].offers == ["Excel", "SQL", "Python"]
    (reject,) = batch.rejects
    # header 1, m1 spans lines 2-4, blank row 5, m2 on 6
    assert reject.row.line == 6
    assert reject.problems[0].describe().startswith(f"{path}:6 (id m2): field 'timezone'")


def test_survey_export_with_column_mapping(tmp_path: Path) -> None:
    teach = "What could you teach a colleague?"
    learn = "What would you like to learn?"
    path = tmp_path / "form.csv"
    write_participants_csv(path, [
        {"Timestamp": "2026-01-05 10:00", "Employee ID": "s1", "Full name": "Sam Rivers",
         teach: "- Excel pivot tables\n- Power BI dashboards; SQL basics\n• Public speaking",
         learn: "1. TikTok\n2. Instagram stories", "Team": "Finance",
         "Also happy to teach": "Negotiation"},
        {"Timestamp": "2026-01-05 10:05", "Employee ID": "s2", "Full name": "Lee Park",
         teach: "Snapchat | Canva", learn: "Excel", "Team": "Marketing",
         "Also happy to teach": ""},
    ], fields=["Timestamp", "Employee ID", "Full name", teach, learn, "Team",
               "Also happy to teach"])
    mapping = {"employee id": "id", "Full name": "name", teach: "offers", learn: "wants",
               "Team": "department", "Also happy to teach": "offers"}
    batch = load_participants([path], mapping=mapping)
    assert batch.rejects == []
    s1, s2 = batch.participants
    assert s1.offers == ["Excel pivot tables", "Power BI dashboards", "SQL basics",
                         "Public speaking", "Negotiation"]
    assert s1.wants == ["TikTok", "Instagram stories"]
    assert s1.department == "Finance"
    assert s2.offers == ["Snapchat", "Canva"]


def test_email_addresses_serve_as_ids(tmp_path: Path) -> None:
    """Survey exports key people by e-mail (the README maps "Email=id")."""
    path = write_participants_csv(tmp_path / "form.csv", [
        {"Email": "ann.lee+mentoring@example.com", "Full name": "Ann Lee", "offers": "Excel",
         "wants": "TikTok", "Manager": ""},
        {"Email": "bo@example.com", "Full name": "Bo Ng", "offers": "TikTok", "wants": "Excel",
         "Manager": "ann.lee+mentoring@example.com"},
        {"Email": "not an id@example.com", "Full name": "Cy", "offers": "SQL", "wants": "Excel",
         "Manager": ""},
    ], fields=["Email", "Full name", "offers", "wants", "Manager"])
    mapping = {"Email": "id", "Full name": "name", "Manager": "manager_id"}
    batch = load_participants([path], mapping=mapping)
    assert [p.id for p in batch.participants] == ["ann.lee+mentoring@example.com",
                                                  "bo@example.com"]
    assert batch.participants[1].manager_id == "ann.lee+mentoring@example.com"
    assert len(batch.rejects) == 1  # a space is still not allowed in an id


def test_missing_required_column_points_to_map(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "form.csv", [
        {"id": "x", "name": "X", "What could you teach a colleague?": "Excel", "wants": "SQL"}
    ])
    with pytest.raises(InputFormatError) as info:
        read_rows(path)
    message = str(info.value)
    assert "offers" in message
    assert "--map" in message
    assert "What could you teach a colleague?" in message  # lists the columns found


@pytest.mark.parametrize("suffix", [".xlsx", ".json", ""])
def test_unknown_file_type(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"people{suffix}"
    path.write_text("id,name,offers,wants\nx,X,a,b\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="unknown participant file type"):
        load_participants([path])


def test_empty_csv_and_non_utf8(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputFormatError, match="header"):
        read_rows(empty)
    # a byte that is not UTF-8 rejects its own row, with its line; the rest is read
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name,offers,wants\nx,Jos\xe9,a,b\ny,Ann,a,b\n".encode("latin-1"))
    batch = load_participants([latin])
    assert [p.id for p in batch.participants] == ["y"]
    (problem,) = batch.problems
    assert (problem.line, problem.field) == (2, "name")
    assert "0xE9" in problem.message and "UTF-8" in problem.message


# bad input classes -----------------------------------------------------------------------
BAD_ROWS = [
    ("missing name", good("b1", name=""), "name", "required"),
    ("missing id", good("", name="No Id"), "id", "required"),
    ("bad id", good("b 3"), "id", "pattern"),
    ("empty offers", good("b4", offers=""), "offers", "required"),
    ("blank wants", good("b5", wants=" ; ;\n- "), "wants", "at least one statement"),
    ("too many", good("b6", offers="; ".join(f"s{i}" for i in range(MAX_STATEMENTS + 1))),
     "offers", "at most"),
    ("too long", good("b7", wants="x" * 401), "wants", "longer than"),
    ("bad timezone", good("b8", timezone="Mars/Olympus_Mons"), "timezone", "IANA"),
    ("capacity 99", good("b9", capacity="99"), "capacity", "less than or equal to 5"),
    ("capacity -1", good("b10", capacity="-1"), "capacity", "greater than or equal to 0"),
    ("capacity lots", good("b11", capacity="lots"), "capacity", "whole number"),
    ("capacity 1.5", good("b12", capacity="1.5"), "capacity", "whole number"),
    ("bad stage", good("b13", career_stage="guru"), "career_stage", "early"),
    ("self manager", good("b14", manager_id="b14"), "manager_id", "own manager"),
    ("unknown manager", good("b15", manager_id="ghost"), "manager_id", "not a participant"),
]


@pytest.mark.parametrize(("label", "row", "field", "words"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_every_bad_row_is_rejected_with_file_line_field_and_fix(
    tmp_path: Path, label: str, row: dict[str, Any], field: str, words: str
) -> None:
    path = write_participants_csv(tmp_path / "people.csv", [good("ok1"), row, good("ok2")])
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["ok1", "ok2"]
    (reject,) = batch.rejects
    assert reject.row.line == 3
    assert [p.field for p in reject.problems] == [field], reject.problems
    problem = reject.problems[0]
    assert words in problem.message
    assert problem.source == str(path)
    text = problem.describe()
    assert text.startswith(f"{path}:3")
    assert f"field '{field}'" in text
    assert "Fix: " in text and len(problem.fix) > 10
    # the fix says how, not just that something is wrong
    if field == "capacity":
        assert "0 (currently full) to 5" in problem.fix
    if field == "timezone":
        assert "Europe/London" in problem.fix


def test_several_problems_in_one_row_all_reported(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [
        good("x1", name="", timezone="Atlantis/Capital", capacity="lots"),
    ])
    (reject,) = load_participants([path]).rejects
    assert {p.field for p in reject.problems} == {"name", "timezone", "capacity"}


def test_manager_cycle_rejects_everyone_in_the_loop(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [
        good("c1", manager_id="c2"), good("c2", manager_id="c3"), good("c3", manager_id="c1"),
        good("c4", manager_id="c1"), good("top"), good("c5", manager_id="top"),
    ])
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["top", "c5"]
    for pid in ("c1", "c2", "c3"):
        (problem,) = problems_of(batch, pid)
        assert problem.field == "manager_id" and "loops back" in problem.message
    # c4's manager was rejected, so c4 cannot be placed on a reporting line either
    (problem,) = problems_of(batch, "c4")
    assert "not a participant" in problem.message


def test_rejected_manager_cascades_to_reports(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [
        good("boss", timezone="Bad/Zone"), good("mid", manager_id="boss"),
        good("low", manager_id="mid"),
    ])
    batch = load_participants([path])
    assert batch.participants == []
    assert len(batch.rejects) == 3


def test_manager_already_ingested_is_known(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [good("r1", manager_id="stored-boss")])
    assert load_participants([path]).participants == []
    batch = load_participants([path], known_ids=["stored-boss"])
    assert [p.id for p in batch.participants] == ["r1"]


def test_duplicate_ids_reject_every_copy(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [
        good("d1"), good("u1"), good("d1", name="Other D1"), good("u2"), good("d1", wants="Z"),
    ])
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["u1", "u2"]
    assert [r.row.line for r in batch.rejects] == [2, 4, 6]
    for reject in batch.rejects:
        (problem,) = reject.problems
        assert problem.field == "id"
        assert "2, 4, 6" in problem.message
        assert "merge or renumber" in problem.fix


def test_duplicate_id_with_one_invalid_copy_rejects_both(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [
        good("d1"), good("d1", timezone="Bad/Zone"),
    ])
    batch = load_participants([path])
    assert batch.participants == []
    assert [r.row.line for r in batch.rejects] == [2, 3]
    assert {p.field for p in batch.rejects[1].problems} == {"id", "timezone"}


def test_duplicate_ids_across_two_files(tmp_path: Path) -> None:
    one = write_participants_csv(tmp_path / "one.csv", [good("x"), good("y")])
    two = write_participants_jsonl(tmp_path / "two.jsonl", [
        {"id": "x", "name": "X again", "offers": ["a"], "wants": ["b"]},
    ])
    batch = load_participants([one, two])
    assert [p.id for p in batch.participants] == ["y"]
    assert len(batch.rejects) == 2
    assert "one.csv:2" in batch.rejects[0].problems[0].message
    assert "two.jsonl:1" in batch.rejects[0].problems[0].message


def test_invalid_json_lines_are_rejected_and_others_kept(tmp_path: Path) -> None:
    path = write_participants_jsonl(tmp_path / "p.jsonl", [
        {"id": "j1", "name": "J", "offers": ["a"], "wants": ["b"]},
        '{"id": "j2", "name": "broken", ',
        '["a", "list"]',
        {"id": "j3", "name": "K", "offers": ["a"], "wants": ["b"]},
    ])
    batch = load_participants([path])
    assert [p.id for p in batch.participants] == ["j1", "j3"]
    assert [r.row.line for r in batch.rejects] == [2, 3]
    first, second = (r.problems[0] for r in batch.rejects)
    assert "invalid JSON" in first.message
    assert "JSON object" in second.message
    assert first.fix == "write one JSON object per line"
    assert first.describe().startswith(f"{path}:2: field 'row'")


# rejects files: nothing lost -------------------------------------------------------------
def mixed_rows() -> list[dict[str, Any]]:
    return [
        good("k1", goals="Keep, with a comma; and \"quotes\""),
        good("k2", capacity="lots", goals="Rejected goal text"),
        good("k3", offers="- a\n- b"),
        good("k4", timezone="Moon/Base", location="Tycho"),
        good("k5", manager_id="k6"),
        good("k6", manager_id="k5"),
        good("k7", career_stage="wizard"),
        good("k1", name="Copy"),
        good("k8"),
    ]


@pytest.mark.parametrize("target", ["rejects.csv", "rejects.jsonl"])
def test_rejects_file_keeps_every_rejected_row_whole(tmp_path: Path, target: str) -> None:
    rows = mixed_rows()
    path = write_participants_csv(tmp_path / "in.csv", rows)
    batch = load_participants([path])
    assert len(batch.participants) + len(batch.rejects) == len(rows)
    out = write_rejects(batch.rejects, tmp_path / target)
    if target.endswith(".csv"):
        with out.open(encoding="utf-8", newline="") as handle:
            written = list(csv.DictReader(handle))
    else:
        written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    accepted = {p.id for p in batch.participants}
    assert accepted == {"k3", "k8"}
    expected = [r for r in rows if r["id"] not in accepted]
    assert len(written) == len(expected)
    for original, record in zip(expected, written, strict=True):
        for key, value in original.items():
            assert record[key] == value, (key, record)
        assert record["_source"] == str(path)
        assert record["_errors"]
    assert "Fix:" in written[0]["_errors"]
    # the rejects file can be fixed and read back: it keeps the participant columns
    assert read_rows(out)


def test_jsonl_rejects_keep_lists_and_unparsed_lines(tmp_path: Path) -> None:
    path = write_participants_jsonl(tmp_path / "p.jsonl", [
        {"id": "x1", "name": "X", "offers": ["a", "b"], "wants": [], "extra": {"k": 1}},
        "not json at all",
    ])
    batch = load_participants([path])
    out = write_rejects(batch.rejects, tmp_path / "r.jsonl")
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["offers"] == ["a", "b"] and lines[0]["extra"] == {"k": 1}
    assert lines[1]["_raw"] == "not json at all"
    csv_out = write_rejects(batch.rejects, tmp_path / "r.csv")
    text = csv_out.read_text(encoding="utf-8")
    # values that are not text are written as JSON, and the row says so
    assert '""a"", ""b""' in text and "not json at all" in text and "written as JSON" in text


def test_strict_raises_with_every_problem(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", mixed_rows())
    with pytest.raises(ValidationFailed) as info:
        load_participants([path], strict=True)
    failed = info.value
    assert len(failed.problems) == 7  # k2, k4, k5, k6, k7 and both copies of k1
    text = str(failed)
    assert text.startswith("7 problem(s) in the input")
    assert f"{path}:3 (id k2): field 'capacity'" in text


def test_strict_with_clean_input_returns_everyone(tmp_path: Path) -> None:
    path = write_participants_csv(tmp_path / "p.csv", [good("s1"), good("s2")])
    assert len(load_participants([path], strict=True).participants) == 2


# statement splitting ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Excel; SQL;Python", ["Excel", "SQL", "Python"]),
        ("- Snapchat stories\n- TikTok; Canva", ["Snapchat stories", "TikTok", "Canva"]),
        ("• Canva • Figma | Miro", ["Canva", "Figma", "Miro"]),
        ("1. Excel\n2) SQL\n(a) Word\r\n* Teams", ["Excel", "SQL", "Word", "Teams"]),
        ("Excel, pivot tables and charts", ["Excel, pivot tables and charts"]),
        ("Excel; excel;  EXCEL ", ["Excel"]),
        ("Node.js.; .NET development; C# and C++", ["Node.js", ".NET development",
                                                    "C# and C++"]),
        ("Public speaking - presenting", ["Public speaking - presenting"]),
        ("  ;\n ; ", []),
        ("", []),
    ],
)
def test_split_statements(text: str, expected: list[str]) -> None:
    assert split_statements(text) == expected


# guidance ----------------------------------------------------------------------------------
GUIDE = """\
Preamble before any heading.

# Mentoring Handbook

Welcome text.

## First meeting ##

Agree on goals.

```bash
# not a heading inside a fence
```

### Teaching C#

Use small examples.

## Empty section
## Confidentiality

What is said in a session stays there.
"""


def test_chunk_markdown_keeps_source_and_heading() -> None:
    chunks = chunk_markdown(GUIDE, "handbook.md")
    got = [(c.heading, c.text.splitlines()[0]) for c in chunks]
    assert got == [
        # text before the first heading belongs to the document title
        ("Mentoring Handbook", "Preamble before any heading."),
        ("Mentoring Handbook", "Welcome text."),
        ("Mentoring Handbook: First meeting", "Agree on goals."),
        ("Mentoring Handbook: Teaching C#", "Use small examples."),
        ("Mentoring Handbook: Confidentiality", "What is said in a session stays there."),
    ]
    assert all(c.source == "handbook.md" for c in chunks)
    assert [c.order for c in chunks] == list(range(5))
    assert "# not a heading inside a fence" in chunks[2].text
    assert chunks[4].citation == "handbook.md > Mentoring Handbook: Confidentiality"
    assert len({c.id for c in chunks}) == 5


def test_long_section_is_split_at_paragraphs_with_same_heading() -> None:
    paragraphs = [f"Paragraph {i}. " + "word " * 120 for i in range(8)]
    text = "# Guide\n\n## Long\n\n" + "\n\n".join(paragraphs)
    chunks = chunk_markdown(text, "long.md")
    assert len(chunks) > 1
    assert all(c.heading == "Guide: Long" for c in chunks)
    assert all(len(c.text) <= MAX_CHUNK_CHARS for c in chunks)
    joined = "\n\n".join(c.text for c in chunks)
    for i in range(8):
        assert joined.count(f"Paragraph {i}.") == 1


def test_load_guidance_reads_folders_and_files(tmp_path: Path) -> None:
    (tmp_path / "g" / "sub").mkdir(parents=True)
    (tmp_path / "g" / "a.md").write_text("# A\n\nalpha\n", encoding="utf-8")
    (tmp_path / "g" / "sub" / "b.md").write_text("# B\n\nbeta\n", encoding="utf-8")
    (tmp_path / "g" / "notes.txt").write_text("# ignored\n", encoding="utf-8")
    chunks = load_guidance([tmp_path / "g"])
    assert [(c.source, c.heading, c.text) for c in chunks] == [
        ("a.md", "A", "alpha"), ("b.md", "B", "beta"),
    ]
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"# T\n\n\xff\xfe broken")
    with pytest.raises(InputFormatError, match="UTF-8"):
        load_guidance([bad])
