"""Soft preferences: small score adjustments with a note a person can read.

Reverse mentoring works best across departments and career stages, and pairs
need shared working hours to meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from assistant.models import STAGE_RANK, Participant

_REFERENCE_DAY = datetime(2026, 3, 4, 12, 0)  # a Wednesday without DST edge effects


@dataclass(frozen=True)
class PreferenceWeights:
    other_department: float = 0.03
    stage_gap_one: float = 0.02
    stage_gap_two: float = 0.04
    good_overlap: float = 0.02
    no_overlap: float = -0.05
    work_start: int = 9
    work_end: int = 17


@lru_cache(maxsize=4096)
def _offset_hours(tz: str) -> float | None:
    try:
        offset = _REFERENCE_DAY.replace(tzinfo=ZoneInfo(tz)).utcoffset()
    except (KeyError, ValueError):
        return None
    return None if offset is None else offset.total_seconds() / 3600


def working_overlap(tz_a: str, tz_b: str, weights: PreferenceWeights | None = None) -> float | None:
    """Hours of shared 9-to-5 working time, or None if a timezone is unknown."""
    w = weights or PreferenceWeights()
    a, b = _offset_hours(tz_a) if tz_a else None, _offset_hours(tz_b) if tz_b else None
    if a is None or b is None:
        return None
    # working day in UTC hours for each, compare on a circle of 24 hours
    best = 0.0
    for shift in (-24, 0, 24):
        start = max(w.work_start - a, w.work_start - b + shift)
        end = min(w.work_end - a, w.work_end - b + shift)
        best = max(best, end - start)
    return best


def soft_adjustment(
    a: Participant, b: Participant, weights: PreferenceWeights | None = None
) -> tuple[float, list[str]]:
    """Bonus (or malus) for a pair and the notes explaining it."""
    w = weights or PreferenceWeights()
    bonus = 0.0
    notes: list[str] = []
    if a.department and b.department:
        if a.department.casefold() != b.department.casefold():
            bonus += w.other_department
            notes.append(f"different departments ({a.department} / {b.department})")
        else:
            notes.append(f"same department ({a.department})")
    if a.career_stage and b.career_stage:
        gap = abs(STAGE_RANK[a.career_stage] - STAGE_RANK[b.career_stage])
        if gap >= 2:
            bonus += w.stage_gap_two
            notes.append(f"career-stage contrast ({a.career_stage} / {b.career_stage})")
        elif gap == 1:
            bonus += w.stage_gap_one
            notes.append(f"some career-stage contrast ({a.career_stage} / {b.career_stage})")
        else:
            notes.append(f"same career stage ({a.career_stage})")
    overlap = working_overlap(a.timezone, b.timezone, w)
    if overlap is not None:
        if overlap >= 4:
            bonus += w.good_overlap
            notes.append(f"{overlap:.0f}h of shared working hours")
        elif overlap <= 0:
            bonus += w.no_overlap
            notes.append(f"no shared working hours ({a.timezone} / {b.timezone})")
        else:
            notes.append(f"only {overlap:.0f}h of shared working hours")
    return bonus, notes


class PeopleTable:
    """The attributes :func:`soft_adjustment` reads, as arrays (one row a person), so the
    bonus of many pairs is one array operation: :meth:`bonus` equals ``soft_adjustment``'s
    bonus pair by pair (a test holds them equal)."""

    def __init__(self, people: list[Participant]) -> None:
        depts: dict[str, int] = {}
        self.dept = np.asarray(
            [depts.setdefault(p.department.casefold(), len(depts)) if p.department else -1
             for p in people], dtype=np.int32)
        self.stage = np.asarray(
            [STAGE_RANK[p.career_stage] if p.career_stage else -1 for p in people],
            dtype=np.int8)
        offsets = [_offset_hours(p.timezone) if p.timezone else None for p in people]
        self.has_tz = np.asarray([o is not None for o in offsets], dtype=bool)
        self.offset = np.asarray([0.0 if o is None else o for o in offsets], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.dept)

    def bonus(
        self, rows: np.ndarray, cols: np.ndarray, weights: PreferenceWeights,
        other: PeopleTable | None = None,
    ) -> np.ndarray:
        """``[len(rows), len(cols)]`` bonus of each pair (rows of this table, columns of
        ``other``, default this one), summed in :func:`soft_adjustment`'s order."""
        o = other or self
        w = weights
        da, db = self.dept[rows][:, None], o.dept[cols][None, :]
        other_dept = (da >= 0) & (db >= 0) & (da != db)
        sa, sb = self.stage[rows][:, None], o.stage[cols][None, :]
        gap = np.abs(sa - sb).astype(np.int8)
        stage = np.where((sa >= 0) & (sb >= 0), np.minimum(gap, 2), 0).astype(np.int8)
        # offsets are whole quarter hours, exact in float32
        a = self.offset[rows].astype(np.float32)[:, None]
        b = o.offset[cols].astype(np.float32)[None, :]
        length = np.float32(w.work_end - w.work_start)
        overlap = np.zeros(np.broadcast_shapes(a.shape, b.shape), dtype=np.float32)
        for shift in (-24, 0, 24):
            np.maximum(overlap, length - np.abs(a - (b - np.float32(shift))), out=overlap)
        tz = np.where(self.has_tz[rows][:, None] & o.has_tz[cols][None, :],
                      np.where(overlap >= 4, 1, np.where(overlap <= 0, 2, 0)), 0)
        # every combination's bonus, added up in soft_adjustment's order
        table = np.zeros((2, 3, 3))
        for d, s, t in np.ndindex(2, 3, 3):
            total = 0.0
            total += (0.0, w.other_department)[d]
            total += (0.0, w.stage_gap_one, w.stage_gap_two)[s]
            total += (0.0, w.good_overlap, w.no_overlap)[t]
            table[d, s, t] = total
        return table[other_dept.astype(np.int8), stage, tz.astype(np.int8)]
