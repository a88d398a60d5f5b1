"""The programme record: one SQLite file in the data folder, standard library only.

Versioned migrations (``PRAGMA user_version``) bring an older file up to date when it
is opened; a file from a newer version is refused rather than guessed at. Deleted
rows are overwritten on disk (``secure_delete``) and :meth:`Record.forget` ends with
``VACUUM``, so a forgotten person's id and words do not linger in free pages.

Several processes may share the file (``pairing chat`` and a CLI command on one
folder): SQLite locks it per transaction, and every write is one transaction.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError
from assistant.programme.models import (
    Components,
    Dismissal,
    EndReason,
    Feedback,
    Origin,
    PairRecord,
    Reason,
    Session,
    Status,
)

RECORD_FILE = "programme.sqlite"

#: migration N (1-based) brings a file from user_version N-1 to N; never edit a shipped one
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE rounds (number INTEGER PRIMARY KEY, started_on TEXT NOT NULL);
    CREATE TABLE pairs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        a_id TEXT NOT NULL, b_id TEXT NOT NULL, round INTEGER NOT NULL,
        origin TEXT NOT NULL, status TEXT NOT NULL,
        proposed_on TEXT NOT NULL, started_on TEXT, ended_on TEXT, end_reason TEXT,
        proposed_by TEXT NOT NULL DEFAULT '',
        confirmed_a TEXT, confirmed_b TEXT, confirmed_coordinator TEXT,
        teach_ab REAL NOT NULL, teach_ba REAL NOT NULL, bonus REAL NOT NULL,
        replaces TEXT NOT NULL DEFAULT '[]', reasons TEXT NOT NULL DEFAULT '[]',
        CHECK (a_id < b_id)
    );
    CREATE INDEX pairs_a ON pairs (a_id);
    CREATE INDEX pairs_b ON pairs (b_id);
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
        held_on TEXT NOT NULL, logged_by TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        pair_id INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
        rater_id TEXT NOT NULL, fit INTEGER NOT NULL CHECK (fit BETWEEN 1 AND 5),
        note TEXT NOT NULL DEFAULT '', given_on TEXT NOT NULL
    );
    CREATE TABLE dismissals (
        participant_id TEXT NOT NULL, dismissed_id TEXT NOT NULL, dismissed_on TEXT NOT NULL,
        PRIMARY KEY (participant_id, dismissed_id)
    );
    """,
    """
    CREATE TABLE learned_weights (
        id INTEGER PRIMARY KEY, fitted_on TEXT NOT NULL, ratings INTEGER NOT NULL,
        teach REAL NOT NULL, learn REAL NOT NULL, preferences REAL NOT NULL,
        applied INTEGER NOT NULL DEFAULT 0, evidence TEXT NOT NULL DEFAULT '{}'
    );
    """,
)
VERSION = len(MIGRATIONS)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class Record:
    """Reads and writes of the record; ``path`` None keeps it in memory (throw-away folders)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    def exists(self) -> bool:
        return self._db is not None or (self.path is not None and self.path.exists())

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path) if self.path else ":memory:", timeout=30,
                                 check_same_thread=False, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA secure_delete = ON")
            self._migrate(db)
            self._db = db
        return self._db

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > VERSION:
                raise ConfigError(
                    f"{self.path} was written by a newer version of the assistant (record "
                    f"version {version}, this one knows {VERSION}); upgrade to use it")
            for number in range(version, VERSION):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One transaction: everything inside is written, or nothing."""
        with self._lock:
            db = self._connect()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield Writer(db)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._connect().execute(sql, args).fetchall()

    # reads ---------------------------------------------------------------------------------
    def pairs(self) -> list[PairRecord]:
        """Every pair ever recorded, oldest first, with its sessions and feedback."""
        if not self.exists():
            return []
        sessions: dict[int, list[Session]] = {}
        for row in self._rows("SELECT * FROM sessions ORDER BY held_on, id"):
            sessions.setdefault(row["pair_id"], []).append(
                Session(row["pair_id"], date.fromisoformat(row["held_on"]), row["logged_by"]))
        feedback: dict[int, list[Feedback]] = {}
        for row in self._rows("SELECT * FROM feedback ORDER BY given_on, id"):
            feedback.setdefault(row["pair_id"], []).append(Feedback(
                row["pair_id"], row["rater_id"], int(row["fit"]), row["note"],
                date.fromisoformat(row["given_on"])))
        return [_pair(row, sessions.get(row["id"], []), feedback.get(row["id"], []))
                for row in self._rows("SELECT * FROM pairs ORDER BY id")]

    def rounds(self) -> dict[int, date]:
        if not self.exists():
            return {}
        return {int(r["number"]): date.fromisoformat(r["started_on"])
                for r in self._rows("SELECT * FROM rounds ORDER BY number")}

    def dismissals(self, participant: str | None = None) -> list[Dismissal]:
        if not self.exists():
            return []
        sql = "SELECT * FROM dismissals"
        rows = (self._rows(sql + " WHERE participant_id = ? ORDER BY dismissed_on", (participant,))
                if participant else self._rows(sql + " ORDER BY participant_id, dismissed_on"))
        return [Dismissal(r["participant_id"], r["dismissed_id"],
                          date.fromisoformat(r["dismissed_on"])) for r in rows]

    def learned(self, applied_only: bool = False) -> list[dict[str, Any]]:
        """Fitted weight sets, newest last (``evidence`` decoded)."""
        if not self.exists():
            return []
        where = " WHERE applied = 1" if applied_only else ""
        out = []
        for row in self._rows(f"SELECT * FROM learned_weights{where} ORDER BY id"):
            item = dict(row)
            item["evidence"] = json.loads(item["evidence"])
            out.append(item)
        return out

    # forget -----------------------------------------------------------------------------------
    def forget(self, person: str, name: str = "") -> int:
        """Erase a person: their pairs (with sessions and feedback), dismissals by or of them,
        and mentions of them in other pairs' reasons and notes. Returns rows removed."""
        if not self.exists():
            return 0
        with self.write() as w:
            removed = w.forget(person, name)
        with self._lock:
            self._connect().execute("VACUUM")
        return removed


class Writer:
    """Writes inside one transaction of :meth:`Record.write`."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def start_round(self, number: int, on: date) -> None:
        self.db.execute("INSERT INTO rounds (number, started_on) VALUES (?, ?)",
                        (number, on.isoformat()))

    def add_pair(
        self, a: str, b: str, round_no: int, origin: Origin, on: date, parts: Components,
        proposed_by: str = "", replaces: list[int] | None = None,
        reasons: list[Reason] | None = None,
    ) -> int:
        if a >= b:
            raise ValueError("pair ids must be stored in order")
        cursor = self.db.execute(
            "INSERT INTO pairs (a_id, b_id, round, origin, status, proposed_on, proposed_by,"
            " teach_ab, teach_ba, bonus, replaces, reasons) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (a, b, round_no, origin.value, Status.PROPOSED.value, on.isoformat(), proposed_by,
             parts.teach_ab, parts.teach_ba, parts.bonus, json.dumps(replaces or []),
             json.dumps([asdict(r) for r in reasons or []])))
        return int(cursor.lastrowid or 0)

    def confirm(self, pair_id: int, column: str, on: date) -> None:
        if column not in ("confirmed_a", "confirmed_b", "confirmed_coordinator"):
            raise ValueError(column)
        self.db.execute(f"UPDATE pairs SET {column} = COALESCE({column}, ?) WHERE id = ?",
                        (on.isoformat(), pair_id))

    def activate(self, pair_id: int, on: date) -> None:
        self.db.execute("UPDATE pairs SET status = ?, started_on = ? WHERE id = ?",
                        (Status.ACTIVE.value, on.isoformat(), pair_id))

    def end(self, pair_id: int, on: date, reason: EndReason) -> None:
        status = Status.REPAIRED if reason is EndReason.REPAIRED else Status.ENDED
        self.db.execute(
            "UPDATE pairs SET status = ?, ended_on = ?, end_reason = ? WHERE id = ?",
            (status.value, on.isoformat(), reason.value, pair_id))

    def add_session(self, pair_id: int, on: date, by: str) -> None:
        self.db.execute("INSERT INTO sessions (pair_id, held_on, logged_by) VALUES (?, ?, ?)",
                        (pair_id, on.isoformat(), by))

    def add_feedback(self, pair_id: int, rater: str, fit: int, note: str, on: date) -> None:
        self.db.execute(
            "INSERT INTO feedback (pair_id, rater_id, fit, note, given_on) VALUES (?,?,?,?,?)",
            (pair_id, rater, fit, note, on.isoformat()))

    def dismiss(self, participant: str, other: str, on: date) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO dismissals (participant_id, dismissed_id, dismissed_on) "
            "VALUES (?, ?, ?)", (participant, other, on.isoformat()))

    def reset_dismissals(self, participant: str) -> int:
        cursor = self.db.execute("DELETE FROM dismissals WHERE participant_id = ?",
                                 (participant,))
        return cursor.rowcount

    def save_weights(self, on: date, ratings: int, weights: tuple[float, float, float],
                     applied: bool, evidence: dict[str, Any]) -> int:
        if applied:
            self.db.execute("UPDATE learned_weights SET applied = 0")
        cursor = self.db.execute(
            "INSERT INTO learned_weights (fitted_on, ratings, teach, learn, preferences, "
            "applied, evidence) VALUES (?,?,?,?,?,?,?)",
            (on.isoformat(), ratings, *weights, int(applied), json.dumps(evidence)))
        return int(cursor.lastrowid or 0)

    def forget(self, person: str, name: str) -> int:
        removed = 0
        for table in ("sessions", "feedback"):
            removed += self.db.execute(
                f"DELETE FROM {table} WHERE pair_id IN "
                "(SELECT id FROM pairs WHERE a_id = ? OR b_id = ?)", (person, person)).rowcount
        removed += self.db.execute(
            "DELETE FROM feedback WHERE rater_id = ?", (person,)).rowcount
        removed += self.db.execute(
            "DELETE FROM pairs WHERE a_id = ? OR b_id = ?", (person, person)).rowcount
        removed += self.db.execute(
            "DELETE FROM dismissals WHERE participant_id = ? OR dismissed_id = ?",
            (person, person)).rowcount
        for row in self.db.execute("SELECT id, reasons FROM pairs").fetchall():
            reasons = json.loads(row["reasons"])
            if any(person in (r.get("person"), r.get("old_partner")) for r in reasons):
                kept = [dict(r, old_partner="" if r.get("old_partner") == person
                             else r.get("old_partner", "")) for r in reasons
                        if r.get("person") != person]
                self.db.execute("UPDATE pairs SET reasons = ? WHERE id = ?",
                                (json.dumps(kept), row["id"]))
        needles = [n for n in (person, name) if n]
        for row in self.db.execute("SELECT id, note FROM feedback").fetchall():
            note = row["note"]
            for needle in needles:
                note = _replace_folded(note, needle, "(someone forgotten)")
            if note != row["note"]:
                self.db.execute("UPDATE feedback SET note = ? WHERE id = ?", (note, row["id"]))
        return removed


def _replace_folded(text: str, needle: str, by: str) -> str:
    """``text`` with every case-insensitive occurrence of ``needle`` replaced."""
    low, key = text.casefold(), needle.casefold()
    if key not in low or len(low) != len(text):
        return text.replace(needle, by)
    out, start = [], 0
    while (hit := low.find(key, start)) >= 0:
        out.append(text[start:hit] + by)
        start = hit + len(needle)
    return "".join(out) + text[start:]


def _pair(row: sqlite3.Row, sessions: list[Session], feedback: list[Feedback]) -> PairRecord:
    return PairRecord(
        id=int(row["id"]), a=row["a_id"], b=row["b_id"], round=int(row["round"]),
        origin=Origin(row["origin"]), status=Status(row["status"]),
        proposed_on=date.fromisoformat(row["proposed_on"]),
        components=Components(row["teach_ab"], row["teach_ba"], row["bonus"]),
        started_on=_day(row["started_on"]), ended_on=_day(row["ended_on"]),
        end_reason=EndReason(row["end_reason"]) if row["end_reason"] else None,
        proposed_by=row["proposed_by"], confirmed_a=_day(row["confirmed_a"]),
        confirmed_b=_day(row["confirmed_b"]),
        confirmed_coordinator=_day(row["confirmed_coordinator"]),
        replaces=[int(x) for x in json.loads(row["replaces"])],
        reasons=[Reason(**r) for r in json.loads(row["reasons"])],
        sessions=sessions, feedback=feedback,
    )
