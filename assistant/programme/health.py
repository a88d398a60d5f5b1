"""Programme health in numbers: pairs by status, sessions, fit, and where to recruit.

"Where to recruit" compares demand and supply per skill: every want and offer
statement is labelled with the nearest skill concept of the vocabulary
(``assistant/embed/skills.toml``; the label's vector, cosine at least
:data:`SKILL_MATCH`), and a skill wanted by more people than offer it is a gap.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from assistant.embed.vocabulary import load_vocabulary
from assistant.programme.models import PairRecord, Risk

if TYPE_CHECKING:
    from assistant.programme.api import Programme

#: a statement counts as a skill when its cosine with the skill's label reaches this
#: (checked on the demo corpus: "Running a high-profile project ..." reaches 0.51,
#: "Health and safety culture" gets 0.46 with the nearest, unrelated label)
SKILL_MATCH = 0.50
AT_RISK = "at risk"
STATUS_ORDER = ("proposed", "active", AT_RISK, "ended", "re-paired")


@dataclass(frozen=True)
class SkillDemand:
    label: str
    #: people who want it / offer it
    wanted: int
    offered: int

    @property
    def gap(self) -> int:
        return self.wanted - self.offered


@dataclass
class Health:
    today: date
    round: int
    people: int
    counts: dict[str, int]
    #: sessions logged per pair that began
    sessions: list[int]
    #: latest rating of each rater on each pair, counted per fit 1..5
    fits: dict[int, int]
    at_risk: list[tuple[PairRecord, Risk]]
    #: people with no open pair and a free place
    unpaired: int
    skills: list[SkillDemand] = field(default_factory=list)
    #: statements that match no skill of the vocabulary (wants, offers)
    unlabelled: tuple[int, int] = (0, 0)

    @property
    def ratings(self) -> int:
        return sum(self.fits.values())

    @property
    def mean_fit(self) -> float | None:
        total = self.ratings
        return sum(k * v for k, v in self.fits.items()) / total if total else None

    def recruit(self, top: int = 10) -> list[SkillDemand]:
        """Skills most wanted and least offered: the largest gaps first."""
        gaps = [s for s in self.skills if s.gap > 0]
        return sorted(gaps, key=lambda s: (-s.gap, -s.wanted, s.label))[:top]


def health(programme: Programme, today: date | None = None) -> Health:
    service = programme.service
    today = today or programme.clock()
    pairs = programme.pairs()
    risky = programme.at_risk(today)
    risky_ids = {p.id for p, _ in risky}
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for pair in pairs:
        key = AT_RISK if pair.id in risky_ids else pair.status.value
        counts[key] += 1
    began = [p for p in pairs if p.started_on is not None]
    fits = Counter(f.fit for p in pairs for f in p.latest_fit().values())
    people = service.matcher.snapshot.people
    load = programme.load()
    unpaired = sum(1 for pid, p in people.items()
                   if not load.get(pid) and p.open_slots > 0)
    result = Health(today, programme.current_round(), len(people), counts,
                    [len(p.sessions) for p in began], {k: fits.get(k, 0) for k in range(1, 6)},
                    risky, unpaired)
    if people:
        result.skills, result.unlabelled = skill_demand(programme)
    return result


def skill_demand(programme: Programme) -> tuple[list[SkillDemand], tuple[int, int]]:
    """Per skill concept: how many people want it and how many offer it."""
    service = programme.service
    concepts = [c for c in load_vocabulary() if c.kind == "skill"]
    labels = service.embed([c.label for c in concepts])
    snap = service.matcher.snapshot
    people: dict[str, dict[int, set[str]]] = {"want": {}, "offer": {}}
    unlabelled = {"want": 0, "offer": 0}
    for kind in ("want", "offer"):
        for pid, vectors in snap.vectors[kind].items():
            sims = np.asarray(vectors) @ labels.T
            best = sims.argmax(axis=1)
            for row, k in enumerate(best):
                if sims[row, k] >= SKILL_MATCH:
                    people[kind].setdefault(int(k), set()).add(pid)
                else:
                    unlabelled[kind] += 1
    used = set(people["want"]) | set(people["offer"])
    skills = [SkillDemand(concepts[k].label, len(people["want"].get(k, ())),
                          len(people["offer"].get(k, ()))) for k in sorted(used)]
    return skills, (unlabelled["want"], unlabelled["offer"])
