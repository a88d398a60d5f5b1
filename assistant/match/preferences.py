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
    """The attributes :func:`soft_adjustment` reads, as arrays, so the bonus of many pairs
    is one array operation: :meth:`bonus` equals ``soft_adjustment``'s bonus pair by pair
    (a test holds them equal).

    People with the same department, career stage and timezone get the same bonus with
    anyone, so the bonus is computed once between these *kinds* of people (a few hundred
    at most) and looked up for each pair.
    """

    def __init__(self, people: list[Participant]) -> None:
        depts: dict[str, int] = {}
        keys = [(depts.setdefault(p.department.casefold(), len(depts)) if p.department else -1,
                 STAGE_RANK[p.career_stage] if p.career_stage else -1,
                 _offset_hours(p.timezone) if p.timezone else None) for p in people]
        kinds: dict[tuple[int, int, float | None], int] = {}
        self.kind = np.asarray([kinds.setdefault(k, len(kinds)) for k in keys], dtype=np.int64)
        self.dept = np.asarray([k[0] for k in kinds], dtype=np.int64)
        self.stage = np.asarray([k[1] for k in kinds], dtype=np.int64)
        self.has_tz = np.asarray([k[2] is not None for k in kinds], dtype=bool)
        self.offset = np.asarray([k[2] or 0.0 for k in kinds], dtype=np.float64)
        self._matrix: dict[PreferenceWeights, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.kind)

    def _kinds(self, w: PreferenceWeights) -> np.ndarray:
        """``[kind, kind]`` bonus, added up in :func:`soft_adjustment`'s order."""
        if w in self._matrix:
            return self._matrix[w]
        da, db = self.dept[:, None], self.dept[None, :]
        bonus = np.where((da >= 0) & (db >= 0) & (da != db), w.other_department, 0.0)
        sa, sb = self.stage[:, None], self.stage[None, :]
        gap = np.abs(sa - sb)
        both = (sa >= 0) & (sb >= 0)
        bonus = bonus + np.where(both & (gap >= 2), w.stage_gap_two,
                                 np.where(both & (gap == 1), w.stage_gap_one, 0.0))
        a, b = self.offset[:, None], self.offset[None, :]
        length = w.work_end - w.work_start
        overlap = np.zeros((len(a), len(a)))
        for shift in (-24, 0, 24):
            overlap = np.maximum(overlap, length - np.abs(a - (b - shift)))
        tz = self.has_tz[:, None] & self.has_tz[None, :]
        bonus = bonus + np.where(tz & (overlap >= 4), w.good_overlap,
                                 np.where(tz & (overlap <= 0), w.no_overlap, 0.0))
        self._matrix[w] = bonus
        return bonus

    def bonus(self, rows: np.ndarray, cols: np.ndarray, weights: PreferenceWeights,
              dtype: type = np.float64) -> np.ndarray:
        """``[len(rows), len(cols)]`` bonus of each pair of people."""
        table: np.ndarray = self._kinds(weights).astype(dtype, copy=False)
        return np.take(table[self.kind[rows]], self.kind[cols], axis=1)
