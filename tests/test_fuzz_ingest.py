"""Property-based fuzzing of ingest: generated files of valid and invalid rows mixed.

For every file: ingest raises nothing (only our domain errors for what cannot be read at
all), every valid row is stored, every invalid row is in its rejects file and gives back
exactly what it held (cells, or the text of a record that could not be read), no rejects
cell can start a spreadsheet formula, and ``--strict`` stores nothing when any row is
bad. The same for column mappings from ``--map`` and ``--map-file``.

Bounded for CI; ``PAIRING_FUZZ=long`` runs many more (see tests/fuzz_support.py).
"""

from __future__ import annotations

import csv
import itertools
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzz_support import (
    COLUMNS,
    GeneratedFile,
    csv_file,
    fuzz_settings,
    invalid_row,
    participant_file,
    valid_row,
)
from hypothesis import assume, given
from hypothesis import strategies as st

from assistant.config import Settings
from assistant.embed import CachedEmbeddings
from assistant.errors import InputFormatError, PairingError, ValidationFailed
from assistant.ingest import read_rejects, write_rejects
from assistant.ingest.mapping import FIELDS, parse_map_args, read_map_file
from assistant.service import PairingService

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]
COUNTER = itertools.count()
#: files tried and rows checked, printed when the module ends (pytest -s shows them)
FIGURES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    yield
    print(f"\nfuzz figures: {dict(FIGURES)}")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory,
         embedder: CachedEmbeddings) -> Iterator[tuple[PairingService, Path]]:
    """One data folder for the whole module: every generated file has its own ids."""
    folder = tmp_path_factory.mktemp("fuzz")
    service = PairingService(Settings(data_dir=folder / "data", store="chroma"),
                             mode="exclusive",
                             embeddings=CachedEmbeddings(embedder, None, embedder.model_name))
    yield service, folder
    service.close()


def _write(folder: Path, generated: GeneratedFile) -> Path:
    FIGURES["participant files"] += 1
    FIGURES["rows"] += len(generated.rows)
    FIGURES["invalid rows"] += sum(1 for row in generated.rows if not row.valid)
    path = folder / f"in-{next(COUNTER)}{generated.suffix}"
    path.write_bytes(generated.data)
    return path


def _non_empty(cells: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cells.items() if v != ""}


def check_rejects(generated: GeneratedFile, files: list[Path]) -> int:
    """Every invalid row is in the rejects file, exactly; returns rows checked."""
    invalid = [i for i, row in enumerate(generated.rows) if not row.valid]
    if not invalid:
        assert files == []
        return 0
    (target,) = files
    records = list(read_rejects(target))
    assert len(records) == len(invalid)
    by_line = {int(meta["_line"]): (cells, meta) for cells, meta in records}
    for index in invalid:
        cells, meta = by_line[generated.lines[index]]
        expected = generated.expected[index]
        assert meta["_errors"], meta
        if isinstance(expected, str):  # a record that could not be read into cells
            assert meta["_raw"] == expected
            assert not _non_empty(cells)
        elif generated.kind == "csv":
            assert _non_empty(cells) == _non_empty(expected), generated.rows[index].defect
        else:
            assert cells == expected, generated.rows[index].defect
    if target.suffix == ".csv":  # nothing a spreadsheet would run
        with target.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                assert not [c for c in row if c.startswith(FORMULA_START)], row
    return len(invalid)


@fuzz_settings(ci=45, long=1000)
@given(data=st.data())
def test_every_row_is_stored_or_rejected_whole(fuzz: tuple[PairingService, Path],
                                              data: st.DataObject) -> None:
    service, folder = fuzz
    generated = data.draw(participant_file(f"r{next(COUNTER)}", data.draw(st.booleans())))
    path = _write(folder, generated)
    before = set(service.store.fingerprints())
    report = service.ingest([path])
    stored = set(service.store.fingerprints())
    valid = {row.ident for row in generated.rows if row.valid}
    assert valid <= stored
    assert stored - before == valid
    assert report.rejected == sum(1 for row in generated.rows if not row.valid)
    check_rejects(generated, report.rejects_files)


@fuzz_settings(ci=25, long=600)
@given(data=st.data())
def test_strict_stores_nothing_when_any_row_is_bad(fuzz: tuple[PairingService, Path],
                                                  data: st.DataObject) -> None:
    service, folder = fuzz
    generated = data.draw(participant_file(f"s{next(COUNTER)}", data.draw(st.booleans())))
    assume(any(not row.valid for row in generated.rows))
    path = _write(folder, generated)
    before = service.store.fingerprints()
    rejects_before = service.rejects.files()
    with pytest.raises(ValidationFailed) as failed:
        service.ingest([path], strict=True)
    assert len({(p.line) for p in failed.value.problems}) == sum(
        1 for row in generated.rows if not row.valid)
    assert service.store.fingerprints() == before
    assert service.rejects.files() == rejects_before


# column mappings ------------------------------------------------------------------------
_TITLE = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda t: t.strip() != "" and t.strip().casefold() not in {*FIELDS, "notes"}
    and not t.strip().startswith('"'))


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@fuzz_settings(ci=20, long=400)
@given(data=st.data())
def test_mapped_survey_exports(fuzz: tuple[PairingService, Path], data: st.DataObject) -> None:
    service, folder = fuzz
    optional = data.draw(st.lists(st.sampled_from(["timezone", "capacity", "location", "goals"]),
                                  unique=True))
    mapped = ["id", "name", "offers", "wants", *optional]
    titles = data.draw(st.lists(_TITLE, min_size=len(mapped), max_size=len(mapped),
                                unique_by=lambda t: t.strip().casefold()))
    rename = dict(zip(mapped, titles, strict=True))
    prefix = f"m{next(COUNTER)}"
    rows = [data.draw(invalid_row(f"{prefix}-{i}", False) if data.draw(st.integers(0, 3)) == 0
                      else valid_row(f"{prefix}-{i}", False)) for i in range(data.draw(
                          st.integers(1, 5)))]
    rows = [r for r in rows if r.defect not in ("unclosed_quote", "bad_id")]
    generated = csv_file(rows, data.draw(st.booleans()), "\r\n", ",", rename)
    path = _write(folder, generated)
    how = data.draw(st.sampled_from(["args", "toml", "json"]))
    mapping: dict[str, str]
    if how == "args":
        mapping = parse_map_args([f"{title}={field}" for field, title in rename.items()])
    else:
        map_file = folder / f"map-{next(COUNTER)}.{how}"
        if how == "json":
            map_file.write_text(json.dumps({"columns": {t: f for f, t in rename.items()}}),
                                encoding="utf-8")
        else:
            map_file.write_text("[columns]\n" + "".join(
                f"{toml_string(t)} = \"{f}\"\n" for f, t in rename.items()), encoding="utf-8")
        mapping = read_map_file(map_file)
    assert mapping == {t.strip(): f for f, t in rename.items()}
    before = set(service.store.fingerprints())
    report = service.ingest([path], mapping)
    stored = set(service.store.fingerprints())
    assert stored - before == {row.ident for row in rows if row.valid}
    assert report.rejected == sum(1 for row in rows if not row.valid)


@fuzz_settings(ci=150, long=3000)
@given(blob=st.binary(max_size=300), suffix=st.sampled_from([".toml", ".json", ".txt", ""]),
       values=st.lists(st.text(max_size=40), max_size=4))
def test_any_map_input_gives_a_mapping_or_says_why(tmp_path_factory: pytest.TempPathFactory,
                                                   blob: bytes, suffix: str,
                                                   values: list[str]) -> None:
    FIGURES["map inputs"] += 1
    path = tmp_path_factory.getbasetemp() / f"any-map{suffix}"
    path.write_bytes(blob)
    for read in (lambda: read_map_file(path), lambda: parse_map_args(values),
                 lambda: read_map_file(path.parent)):
        try:
            mapping = read()
        except InputFormatError as exc:
            assert str(exc)
            continue
        assert all(k.strip() == k and k for k in mapping)
        assert set(mapping.values()) <= set(FIELDS)


@fuzz_settings(ci=60, long=2000)
@given(blob=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".tsv", ".jsonl"]))
def test_any_bytes_are_read_or_refused_with_a_reason(
        tmp_path_factory: pytest.TempPathFactory, blob: bytes, suffix: str) -> None:
    """Arbitrary bytes as a participant file: rows or a domain error, never a crash."""
    from assistant.ingest import load_participants

    FIGURES["arbitrary byte files"] += 1
    path = tmp_path_factory.getbasetemp() / f"any{suffix}"
    header = b"id,name,offers,wants\n" if suffix == ".csv" else b""
    path.write_bytes(header + blob)
    try:
        batch = load_participants([path])
    except PairingError as exc:
        assert str(exc)
        return
    for reject in batch.rejects:
        assert reject.problems and all(p.line >= 1 for p in reject.problems)
    for target in ("r.csv", "r.jsonl"):  # the writer writes whatever was rejected
        written = write_rejects(batch.rejects, path.parent / target)
        assert len(list(read_rejects(written))) == len(batch.rejects)


def test_generated_columns_are_the_participant_fields() -> None:
    assert set(COLUMNS) - {"Notes"} <= set(FIELDS)
