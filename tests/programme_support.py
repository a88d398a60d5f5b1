"""A small reciprocal cohort for the programme tests, and a clock the tests move.

Seven seniors and seven juniors on a ring: junior i teaches digital skills i and i+1
and wants business skills i and i+1; senior i the other way round. So senior i and
junior i fit perfectly, and senior i fits juniors i-1 and i+1 well (one skill each
way), which leaves a full second round that repeats no pair. Two late joiners fit
the third pair's people exactly (the repair's way out).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from conftest import write_participants_csv

DIGITAL = ["Making TikTok videos", "Instagram Reels and Stories", "Building a LinkedIn profile",
           "Designing graphics in Canva", "Power BI dashboards",
           "Prompting ChatGPT for first drafts", "Editing short videos on a phone"]
BUSINESS = ["Strategy and goal setting", "Public speaking", "Negotiating contracts",
            "Writing professional emails to clients", "Budget planning",
            "Networking at industry events", "Running high-profile projects"]
SENIOR_NAMES = ["Helena Varga", "Osric Penhallow", "Beatrix Quenby", "Lucan Thorne",
                "Mireille Castel", "Dunstan Achebe", "Rosalind Okafor"]
JUNIOR_NAMES = ["Tiana Brooks", "Kofi Mensah-Lund", "Ximena Quillfeather", "Jae-won Park",
                "Priya Lakhani", "Nils Bergqvist", "Amara Cole"]


def sen(i: int) -> str:
    return f"sen{i}"


def jun(i: int) -> str:
    return f"jun{i}"


def ring_rows() -> list[dict[str, Any]]:
    rows = []
    for i in range(7):
        nxt = (i + 1) % 7
        rows.append(dict(id=sen(i + 1), name=SENIOR_NAMES[i], offers=[BUSINESS[i], BUSINESS[nxt]],
                         wants=[DIGITAL[i], DIGITAL[nxt]], career_stage="senior"))
        rows.append(dict(id=jun(i + 1), name=JUNIOR_NAMES[i], offers=[DIGITAL[i], DIGITAL[nxt]],
                         wants=[BUSINESS[i], BUSINESS[nxt]], career_stage="early"))
    return rows


def late_rows() -> list[dict[str, Any]]:
    """Two late joiners who fit senior 3 and junior 3 exactly."""
    return [
        dict(id="sen8", name="Cordelia Fenwick", offers=[BUSINESS[2], BUSINESS[3]],
             wants=[DIGITAL[2], DIGITAL[3]], career_stage="senior"),
        dict(id="jun8", name="Quillon Vantreece", offers=[DIGITAL[2], DIGITAL[3]],
             wants=[BUSINESS[2], BUSINESS[3]], career_stage="early"),
    ]


def write_ring(folder: Path, late: bool = False) -> Path:
    rows = ring_rows() + (late_rows() if late else [])
    return write_participants_csv(folder / ("late.csv" if late else "ring.csv"), rows)


class Clock:
    """Today, as the tests say."""

    def __init__(self, start: date = date(2026, 3, 2)) -> None:
        self.today = start

    def __call__(self) -> date:
        return self.today

    def advance(self, days: int) -> date:
        self.today += timedelta(days=days)
        return self.today


def ring_on_a_clock(service_factory: Any, folder: Path) -> tuple[Any, Clock]:
    """A service with the ring ingested, its programme on a clock the test moves."""
    clock = Clock()
    service = service_factory()
    service.programme.clock = clock
    service.ingest([write_ring(folder)])
    return service, clock
