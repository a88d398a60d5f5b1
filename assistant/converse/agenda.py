"""First-session agenda for a pair, grounded in the guidance documents.

Each teaching block picks concrete first exercises for the pair's actual skills
from the guidance (the bullet lines most similar to the skill), with citations.
Exports as Markdown and as an iCalendar (.ics) invite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from assistant.converse.text import esc
from assistant.models import Participant
from assistant.service import GuidanceHit, PairingService

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)")


@dataclass
class Block:
    minutes: int
    title: str
    points: list[str]
    citations: list[str] = field(default_factory=list)


@dataclass
class Agenda:
    a: Participant
    b: Participant
    a_learns: str
    b_learns: str
    minutes: int
    blocks: list[Block]

    @property
    def title(self) -> str:
        return f"First reciprocal mentoring session: {self.a.name} & {self.b.name}"

    @property
    def citations(self) -> list[str]:
        return list(dict.fromkeys(c for b in self.blocks for c in b.citations))

    def markdown(self) -> str:
        a, b = esc(self.a.first_name), esc(self.b.first_name)
        lines = [f"# {esc(self.title)}", "",
                 f"**{self.minutes} minutes.** {b} teaches {a}: *{esc(self.a_learns)}*. "
                 f"{a} teaches {b}: *{esc(self.b_learns)}*.", ""]
        clock = 0
        for block in self.blocks:
            lines.append(f"## {clock:02d}-{clock + block.minutes:02d} min · {block.title}")
            lines += [f"- {p}" for p in block.points]
            if block.citations:
                lines.append(f"  \n  _Source: {'; '.join(block.citations)}_")
            lines.append("")
            clock += block.minutes
        return "\n".join(lines).rstrip() + "\n"

    def ics(self, start: datetime | None = None) -> bytes:
        """A calendar invite (RFC 5545) for the session, agenda in the description."""
        from icalendar import Calendar, Event

        tz = ZoneInfo(self.a.timezone) if self.a.timezone else ZoneInfo("UTC")
        if start is None:
            day = datetime.now(tz).date() + timedelta(days=7)
            while day.weekday() != 1:  # next Tuesday a week or more away
                day += timedelta(days=1)
            start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)
        cal = Calendar()
        cal.add("prodid", "-//reciprocal-pairing-assistant//EN")
        cal.add("version", "2.0")
        event = Event()
        event.add("uid", f"first-session-{self.a.id}-{self.b.id}@pairing-assistant")
        event.add("summary", self.title)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=self.minutes))
        event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
        event.add("description", self.markdown())
        cal.add_component(event)
        return bytes(cal.to_ical())


def _bullets(hits: list[GuidanceHit]) -> list[tuple[str, str]]:
    out = []
    for hit in hits:
        for line in hit.text.splitlines():
            m = _BULLET.match(line)
            if m and len(m.group(1)) > 25:
                out.append((re.sub(r"\*\*|__", "", m.group(1)), hit.citation))
    return out


def _exercises(service: PairingService, skill: str, n: int = 2) -> tuple[list[str], list[str]]:
    """Concrete first exercises for ``skill`` from the guidance, most similar first."""
    hits = service.search_guidance(f"first exercises for teaching {skill}", k=4)
    candidates = _bullets(hits)
    if not candidates:
        return [f"Show one real, small task in {esc(skill)} end to end, then let the learner "
                "repeat it."], []
    vectors = service.embed([c[0] for c in candidates])
    query = service.embed([f"exercise to practise {skill}"])[0]
    order = np.argsort(-(vectors @ query))[:n]
    chosen = [candidates[i] for i in order]
    return [c[0] for c in chosen], list(dict.fromkeys(c[1] for c in chosen))


def _guidance_points(
    service: PairingService, question: str, n: int = 2
) -> tuple[list[str], list[str]]:
    hits = service.search_guidance(question, k=2)
    bullets = _bullets(hits)[:n]
    if bullets:
        return [b[0] for b in bullets], list(dict.fromkeys(b[1] for b in bullets))
    if hits:
        first = hits[0].text.strip().split("\n\n")[0]
        return [first[:300]], [hits[0].citation]
    return [], []


def build_agenda(
    service: PairingService, a: Participant, b: Participant, a_learns: str, b_learns: str,
    minutes: int = 60,
) -> Agenda:
    """A time-boxed agenda: intros and ground rules, both teaching blocks, goals, next steps."""
    minutes = max(30, min(minutes, 120))
    teach = round(minutes * 0.3)
    intro = round(minutes * 0.15)
    goals = round(minutes * 0.15)
    wrap = minutes - 2 * teach - intro - goals
    rules, rules_src = _guidance_points(service, "ground rules confidentiality first session")
    ex_a, ex_a_src = _exercises(service, a_learns)
    ex_b, ex_b_src = _exercises(service, b_learns)
    cadence, cadence_src = _guidance_points(service, "how often should we meet cadence")
    a_name, b_name = esc(a.first_name), esc(b.first_name)
    a_skill, b_skill = esc(a_learns), esc(b_learns)
    blocks = [
        Block(intro, "Introductions and ground rules", [
            f"{a_name} and {b_name}: role, team, and what each hopes to get "
            "out of the program.", *rules], rules_src),
        Block(teach, f"{b_name} teaches {a_name}: {a_skill}",
              [f"First exercise: {e}" for e in ex_a], ex_a_src),
        Block(teach, f"{a_name} teaches {b_name}: {b_skill}",
              [f"First exercise: {e}" for e in ex_b], ex_b_src),
        Block(goals, "Goals for the next sessions", [
            f"Each writes one goal for the next three months ({a_name}: {a_skill}; "
            f"{b_name}: {b_skill}).", *cadence], cadence_src),
        Block(wrap, "Next meeting and wrap-up", [
            "Book the next two sessions now and agree who sends the invite.",
            "Each names one thing to try before the next session."]),
    ]
    return Agenda(a, b, a_learns, b_learns, minutes, blocks)
