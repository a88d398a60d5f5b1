"""First-session agenda for a pair, grounded in the guidance documents.

Each teaching block takes concrete first exercises for the skill from the guidance
section of first exercises that fits the skill best (its heading or its text closest to
the skill), in the order the guidance gives them, with the citation. Ground rules and
cadence come from bullet points of the guidance, never from a whole answer pasted in.
The agenda is data; :mod:`assistant.present.agenda` writes it as Markdown, plain text
and an iCalendar invite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.errors import ConstraintConflict
from assistant.match import FlagKind
from assistant.models import Participant
from assistant.service import PairingService

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)")
_EXERCISES = re.compile(r"\bexercises?\b", re.IGNORECASE)
#: words of an exercise heading that say nothing about the skill
_HEADING_NOISE = re.compile(r"\b(?:first|exercises?|by skill|teaching)\b|:", re.IGNORECASE)
#: a guidance section is about a topic (a skill, "ground rules") when its heading or its
#: text is at least this close to it (cosine); below, the agenda says the guidance has none
EXERCISE_FIT = 0.40
#: guidance sections that are answers to questions, not lists to draw points from
_NOT_POINTS = ("faq",)


@dataclass
class Block:
    minutes: int
    title: str
    points: list[str]
    citations: list[str] = field(default_factory=list)


@dataclass
class Agenda:
    """A first session: ``b`` teaches ``a`` ``a_learns``, ``a`` teaches ``b`` ``b_learns``.

    ``a`` is the person asking, None when they asked anonymously ("you"). Texts are
    plain (not escaped); the presentation escapes them for each format.
    """

    a: Participant | None
    b: Participant
    a_learns: str
    b_learns: str
    minutes: int
    blocks: list[Block]

    @property
    def a_name(self) -> str:
        return self.a.name if self.a else "You"

    @property
    def title(self) -> str:
        if self.a is None:
            return f"First reciprocal mentoring session with {self.b.name}"
        return f"First reciprocal mentoring session: {self.a.name} & {self.b.name}"

    @property
    def timezone(self) -> str:
        """Where the session's clock runs: the asker's timezone, else the partner's."""
        return (self.a.timezone if self.a else "") or self.b.timezone or "UTC"

    @property
    def stem(self) -> str:
        """File name stem of downloads."""
        return f"first-session-{self.a.id if self.a else 'you'}-{self.b.id}"

    @property
    def citations(self) -> list[str]:
        return list(dict.fromkeys(c for b in self.blocks for c in b.citations))


def exercises(service: PairingService, skill: str, n: int = 2) -> tuple[list[str], list[str]]:
    """The first ``n`` exercises of the guidance section of exercises that fits ``skill``
    best, with its citation; nothing when no section is about the skill."""
    return _section_points(service, skill, n, exercises_only=True)


def _section_points(
    service: PairingService, topic: str, n: int, exercises_only: bool = False
) -> tuple[list[str], list[str]]:
    """The first ``n`` bullet points of the guidance section closest to ``topic`` (by its
    heading or its text), with its citation; FAQ answers never count."""
    sections = [c for c in service.store.guidance_chunks()
                if _lines(c.text) and not c.source.casefold().startswith(_NOT_POINTS)
                and (not exercises_only or _EXERCISES.search(c.heading))]
    if not sections:
        return [], []
    vectors = service.embed([topic, *(_topic(c.heading) for c in sections),
                             *(c.text for c in sections)])
    query, rest = vectors[0], vectors[1:]
    fit = np.maximum(rest[: len(sections)] @ query, rest[len(sections):] @ query)
    best = int(np.argmax(fit))
    if float(fit[best]) < EXERCISE_FIT:
        return [], []
    return _lines(sections[best].text)[:n], [sections[best].citation]


def _topic(heading: str) -> str:
    """What an exercise heading is about: "Guide: Snapchat: first exercises" -> "Snapchat";
    the document title when the section heading names no skill ("Guide: First exercises")."""
    parts = heading.split(": ")
    for chosen in (parts[1:], parts[:1]):
        words = _HEADING_NOISE.sub(" ", " ".join(chosen)).split()
        if words:
            return " ".join(words)
    return heading


def _lines(text: str) -> list[str]:
    """The bullet points of a guidance section, emphasis marks dropped."""
    out = []
    for line in text.splitlines():
        m = _BULLET.match(line)
        if m and len(m.group(1)) > 25:
            out.append(re.sub(r"\*\*|__", "", m.group(1)))
    return out


def build_agenda(
    service: PairingService, a: Participant | None, b: Participant, a_learns: str,
    b_learns: str, minutes: int = 60,
) -> Agenda:
    """A time-boxed agenda: intros and ground rules, both teaching blocks, goals, next steps."""
    minutes = max(30, min(minutes, 120))
    teach = round(minutes * 0.3)
    intro = round(minutes * 0.15)
    goals = round(minutes * 0.15)
    wrap = minutes - 2 * teach - intro - goals
    rules, rules_src = _section_points(service, "ground rules", 2)
    cadence, cadence_src = _section_points(service, "how often to meet", 2)
    a_first = a.first_name if a else "you"
    b_first = b.first_name
    blocks = [
        Block(intro, "Introductions and ground rules", [
            f"{_cap(a_first)} and {b_first}: role, team, and what each hopes to get out of "
            "the programme.", *rules], rules_src),
        _teaching(service, teach, b_first, a_first, a_learns),
        _teaching(service, teach, _cap(a_first), b_first, b_learns),
        Block(goals, "Goals for the next sessions", [
            f"Each writes one goal for the next three months ({a_first}: {a_learns}; "
            f"{b_first}: {b_learns}).", *cadence], cadence_src),
        Block(wrap, "Next meeting and wrap-up", [
            "Book the next two sessions now and agree who sends the invite.",
            "Each names one thing to try before the next session."]),
    ]
    return Agenda(a, b, a_learns, b_learns, minutes, blocks)


def pair_agenda(service: PairingService, a: Participant, b: Participant) -> Agenda:
    """The agenda a coordinator drafts for two participants: each learns the want the other
    covers best. A pair the reporting-line rule forbids gets none."""
    cand = service.explain(a.id, b.id)
    line = next((f for f in cand.flags if f.kind is FlagKind.REPORTING_LINE), None)
    if line is not None:
        raise ConstraintConflict(f"no agenda: {line.text}")
    a_learns = max(cand.to_asker, key=lambda x: x.strength).want if cand.to_asker \
        else a.wants[0]
    b_learns = max(cand.to_candidate, key=lambda x: x.strength).want if cand.to_candidate \
        else b.wants[0]
    return build_agenda(service, a, b, a_learns, b_learns)


def _teaching(service: PairingService, minutes: int, teacher: str, learner: str,
              skill: str) -> Block:
    verb = "teach" if teacher == "You" else "teaches"
    found, cited = exercises(service, skill)
    if found:
        points = [f"First exercise: {text}" for text in found]
    else:
        points = [f"The guidance has no first exercise for \u201c{skill}\u201d yet: {teacher} "
                  f"brings one small, real task to do together, with {learner} doing it."]
    return Block(minutes, f"{teacher} {verb} {learner}: {skill}", points, cited)


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]
