"""An agenda as a Markdown file, as plain text, and as an iCalendar invite.

The Markdown is for a file a person opens anywhere (and for the agenda panel): user
text is backslash-escaped, never HTML-escaped. The invite's DESCRIPTION is plain
text, and its start time carries a VTIMEZONE (RFC 5545) so every calendar reads it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assistant.converse.agenda import Agenda, Block
from assistant.errors import InputFormatError
from assistant.present.escape import md


def _summary(agenda: Agenda) -> tuple[str, str]:
    a = agenda.a.first_name if agenda.a else "you"
    b = agenda.b.first_name
    first = f"{b} teaches {a}: "
    second = f"{a[:1].upper() + a[1:]} {'teach' if agenda.a is None else 'teaches'} {b}: "
    return first, second


def agenda_markdown(agenda: Agenda) -> str:
    """The agenda as a Markdown document (title, one section per time box, sources)."""
    first, second = _summary(agenda)
    lines = [f"# {md(agenda.title)}", "",
             f"**{agenda.minutes} minutes.** {md(first)}*{md(agenda.a_learns)}*. "
             f"{md(second)}*{md(agenda.b_learns)}*.", ""]
    for start, block in _clock(agenda):
        lines.append(f"## {start:02d}-{start + block.minutes:02d} min · {md(block.title)}")
        lines += [f"- {md(point)}" for point in block.points]
        if block.citations:
            lines += ["", f"_Source: {md('; '.join(block.citations))}_"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def agenda_text(agenda: Agenda) -> str:
    """The agenda as plain text (terminal, calendar description): no markup at all."""
    first, second = _summary(agenda)
    lines = [agenda.title, "",
             f"{agenda.minutes} minutes. {first}{agenda.a_learns}. {second}{agenda.b_learns}.",
             ""]
    for start, block in _clock(agenda):
        lines.append(f"{start:02d}-{start + block.minutes:02d} min: {block.title}")
        lines += [f"  - {point}" for point in block.points]
        if block.citations:
            lines.append(f"  Source: {'; '.join(block.citations)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _clock(agenda: Agenda) -> list[tuple[int, Block]]:
    """Each block with the minute it starts at."""
    out = []
    clock = 0
    for block in agenda.blocks:
        out.append((clock, block))
        clock += block.minutes
    return out


def zone(name: str) -> ZoneInfo:
    """A timezone by IANA name, or a bad-input error naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputFormatError(f"'{name}' is not an IANA timezone name (e.g. Europe/London)"
                               ) from exc


def default_start(tz: ZoneInfo, today: date | None = None) -> datetime:
    """10:00 on the first Tuesday at least a week away."""
    day = (today or datetime.now(tz).date()) + timedelta(days=7)
    while day.weekday() != 1:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)


def parse_start(text: str, tz: ZoneInfo) -> datetime:
    """``YYYY-MM-DD HH:MM`` in ``tz``."""
    try:
        naive = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError as exc:
        raise InputFormatError(f"start '{text}': expected 'YYYY-MM-DD HH:MM'") from exc
    return naive.replace(tzinfo=tz)


def agenda_ics(agenda: Agenda, start: datetime | None = None) -> bytes:
    """A calendar invite (RFC 5545) for the session: the agenda as plain-text description,
    the start in the session's timezone with its VTIMEZONE (or UTC)."""
    from icalendar import Calendar, Event

    tz = zone(agenda.timezone)
    start = start or default_start(tz)
    cal = Calendar()
    cal.add("prodid", "-//reciprocal-pairing-assistant//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{agenda.stem}@pairing-assistant")
    event.add("summary", agenda.title)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=agenda.minutes))
    event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    event.add("description", agenda_text(agenda))
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
