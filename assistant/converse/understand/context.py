"""The parse context compiled once per vocabulary: names, locations, departments, zones.

Names are matched exactly (full, first or last name, any case) or misspelt within difflib
ratio 0.85; places and departments by their names and common aliases (``NYC``, ``HR``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.converse.understand.types import ParseContext, words

_I = re.IGNORECASE
# =====================================================================================
_ALIAS_GROUPS: tuple[tuple[str, ...], ...] = (
    ("People", "HR", "Human Resources", "People Team"),
    ("Technology", "Tech", "IT"),
    ("Operations", "Ops"),
    ("Communications", "Comms"),
    ("Customer Service", "Customer Support", "Customer Success"),
    ("New York", "NYC", "NY", "New York City"),
    ("London", "LDN"),
    ("San Francisco", "SF"),
    ("Los Angeles", "LA"),
    ("Singapore", "SG"),
    ("Hong Kong", "HK"),
    ("São Paulo", "Sao Paulo"),
    ("Bangalore", "Bengaluru"),
)
_CASE_SENSITIVE_ALIASES = frozenset({"IT", "NY", "SF", "LA", "SG", "HK"})
_TZ_ALIASES: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    # (pattern, case sensitive, IANA zones it may stand for)
    (r"\b(?:GMT|BST)\b(?:\s+time)?", True, ("Europe/London",)),
    (r"\buk\s+time\b", False, ("Europe/London",)),
    (r"\bCES?T\b(?:\s+time)?", True, (
        "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam", "Europe/Rome",
        "Europe/Stockholm", "Europe/Zurich", "Europe/Vienna", "Europe/Brussels",
        "Europe/Warsaw", "Europe/Copenhagen", "Europe/Oslo", "Europe/Prague")),
    (r"\b(?:E[SD]T|ET)\b(?:\s+time)?", True, ("America/New_York", "America/Toronto")),
    (r"\beastern\s+time\b", False, ("America/New_York", "America/Toronto")),
    (r"\b(?:P[SD]T|PT)\b(?:\s+time)?", True, ("America/Los_Angeles", "America/Vancouver")),
    (r"\bpacific\s+time\b", False, ("America/Los_Angeles", "America/Vancouver")),
    (r"\bcentral\s+time\b", False, ("America/Chicago",)),
    (r"\bSGT\b(?:\s+time)?", True, ("Asia/Singapore",)),
    (r"\bIST\b(?:\s+time)?", True, ("Asia/Kolkata", "Asia/Calcutta")),
    (r"\bJST\b(?:\s+time)?", True, ("Asia/Tokyo",)),
    (r"\bAE[SD]T\b(?:\s+time)?", True, ("Australia/Sydney", "Australia/Melbourne")),
    (r"\bHKT\b(?:\s+time)?", True, ("Asia/Hong_Kong",)),
)
# words that are also first names: only a capitalised mention counts as the name
_COMMON_WORDS = words(
    "will may mark bill grace hope joy rose april june august summer faith art sky chase "
    "dawn ray hunter page rich sunny max jack pat sue don bob rob jade amber angel iris "
    "ivy lily violet holly hazel heather robin drew miles guy frank rusty penny gene")
# words never taken for a name, however similar
_NOT_NAMES = words(
    "i me my we us our you your he him his she her they them their it its this that these "
    "those who whom what why how when where which about with without from into onto for "
    "the a an and or but not no yes is are was were be been am do does did can could would "
    "should will shall may might must one ones first second third last next other others "
    "else someone somebody anyone anybody person people partner partners match matches fit "
    "good great best better more less please thanks why pair take pick choose select go "
    "going like want need think tell show explain reason instead just only also really "
    "about option number candidate suggestion choice")


ZoneMatchers = tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]


@dataclass(frozen=True)
class Entities:
    """A matcher for one vocabulary (locations or departments)."""

    pattern: re.Pattern[str] | None
    exact: re.Pattern[str] | None  # case-sensitive aliases such as "IT"
    lookup: dict[str, str]


@dataclass(frozen=True)
class Ctx:
    """Everything the parser derives from a :class:`ParseContext`."""

    full: dict[str, str]
    first: dict[str, str]
    last: dict[str, str]
    by_initial: dict[str, tuple[str, ...]]
    locations: Entities
    departments: Entities
    timezones: ZoneMatchers
    memo: dict[str, str | None] = field(default_factory=dict, compare=False, hash=False)


def squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _entities(values: tuple[str, ...]) -> Entities:
    lookup = {squash(v): v for v in values}
    exact: dict[str, str] = {}
    for group in _ALIAS_GROUPS:
        present = [g for g in group if squash(g) in lookup]
        if len(present) != 1:
            continue
        canonical = lookup[squash(present[0])]
        for alias in group:
            if alias in _CASE_SENSITIVE_ALIASES:
                exact[alias] = canonical
            elif squash(alias) not in lookup:
                lookup[squash(alias)] = canonical

    def alternation(keys: list[str], flags: int) -> re.Pattern[str] | None:
        if not keys:
            return None
        alts = [re.escape(k).replace(r"\ ", r"\s+") for k in sorted(keys, key=len, reverse=True)]
        return re.compile(r"(?<![\w/])(?:" + "|".join(alts) + r")(?![\w/])", flags)

    lookup.update({k: v for k, v in exact.items()})
    return Entities(alternation(list({k for k in lookup if k not in exact}), _I),
                     alternation(list(exact), 0), lookup)


def _timezone_matchers(zones: tuple[str, ...]) -> ZoneMatchers:
    out: list[tuple[re.Pattern[str], tuple[str, ...]]] = []
    folded = {z.casefold(): z for z in zones}
    for zone in zones:
        city = re.escape(zone.rsplit("/", 1)[-1].replace("_", " ")).replace(r"\ ", r"\s+")
        out.append((re.compile(rf"(?<![\w/]){re.escape(zone)}(?![\w/])", _I), (zone,)))
        out.append((re.compile(rf"\b{city}\s+(?:time(?:\s*-?\s*zone)?|hours)\b", _I), (zone,)))
    for pattern, sensitive, candidates in _TZ_ALIASES:
        present = tuple(folded[c.casefold()] for c in candidates if c.casefold() in folded)
        if present:
            out.append((re.compile(pattern, 0 if sensitive else _I), present))
    return tuple(out)


@lru_cache(maxsize=32)
def _compile_context(
    names: tuple[str, ...], locations: tuple[str, ...], departments: tuple[str, ...],
    timezones: tuple[str, ...],
) -> Ctx:
    full: dict[str, str] = {}
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    for name in names:
        parts = squash(name).split()
        if not parts:
            continue
        full.setdefault(" ".join(parts), name)
        first.setdefault(parts[0], name)
        if len(parts) > 1:
            last.setdefault(parts[-1], name)
    initial: dict[str, list[str]] = {}
    for key in {*full, *first, *last}:
        initial.setdefault(key[0], []).append(key)
    return Ctx(full, first, last, {k: tuple(sorted(v)) for k, v in initial.items()},
                _entities(locations), _entities(departments), _timezone_matchers(timezones))


def compile_context(context: ParseContext | None) -> Ctx:
    if context is None:
        return _compile_context((), (), (), ())
    return _compile_context(tuple(context.names), tuple(context.locations),
                            tuple(context.departments), tuple(context.timezones))



_NAME_TOKEN = re.compile(r"[^\W\d_][\w'\-]*")

def _resolve_name(tokens: list[str], ctx: Ctx) -> str | None:
    """The canonical name ``tokens`` (original case) stand for, if any (memoised)."""
    key = " ".join(tokens)
    if key not in ctx.memo:
        if len(ctx.memo) > 20_000:
            ctx.memo.clear()
        ctx.memo[key] = _resolve_uncached(tokens, ctx)
    return ctx.memo[key]


def _resolve_uncached(tokens: list[str], ctx: Ctx) -> str | None:
    words = [t.casefold().removesuffix("'s") for t in tokens]
    phrase = " ".join(words)
    if len(words) > 1:
        if phrase in ctx.full:
            return ctx.full[phrase]
        if words[0] not in ctx.first and words[-1] not in ctx.last:
            return None  # a misspelt full name keeps one part intact
        close = _close(phrase, ctx)
        return ctx.full.get(close[0]) if close and " " in close[0] else None
    word = words[0]
    if word in _NOT_NAMES or (word in _COMMON_WORDS and not tokens[0][:1].isupper()):
        return None
    for table in (ctx.full, ctx.first, ctx.last):
        if word in table:
            return table[word]
    if len(word) < 5:  # "same" is not a misspelt "Sam": short words only match exactly
        return None
    for key in _close(word, ctx):
        hit = ctx.first.get(key) or ctx.last.get(key) or ctx.full.get(key)
        if hit:
            return hit
    return None


def _close(word: str, ctx: Ctx) -> list[str]:
    """Known name keys within difflib ratio 0.85 of ``word`` (same initial, similar length)."""
    pool = [k for k in ctx.by_initial.get(word[0], ()) if abs(len(k) - len(word)) <= 2]
    return difflib.get_close_matches(word, pool, 3, 0.85) if pool else []


def find_name(segment: str, ctx: Ctx, anchored: bool = False) -> tuple[str, int] | None:
    """Leftmost-longest name in ``segment``: (canonical, end offset) or None.

    ``anchored`` only accepts a name starting at the first word.
    """
    if not ctx.full:
        return None
    tokens = list(_NAME_TOKEN.finditer(segment))
    for i in range(1 if anchored else len(tokens)):
        for n in (3, 2, 1):
            if i + n > len(tokens):
                continue
            name = _resolve_name([m.group() for m in tokens[i:i + n]], ctx)
            if name:
                return name, tokens[i + n - 1].end()
    return None


def name_spans(text: str, ctx: Ctx) -> list[tuple[int, int, str]]:
    """Every participant name in ``text``: (start, end, canonical), left to right."""
    if not ctx.full:
        return []
    tokens = list(_NAME_TOKEN.finditer(text))
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for n in (3, 2, 1):
            if i + n > len(tokens):
                continue
            name = _resolve_name([m.group() for m in tokens[i:i + n]], ctx)
            if name:
                out.append((tokens[i].start(), tokens[i + n - 1].end(), name))
                i += n
                break
        else:
            i += 1
    return out
