"""Rule-based understanding of chat messages: free text in, :class:`ParsedRequest` out.

No model is involved: a message is normalised, filters are pulled out, skill phrases are
extracted with an ordered table of verb-phrase *triggers*, and an ordered table of intent
*rules* decides what the message is asking for.  Everything is stdlib (``re``,
``dataclasses``, ``difflib``) and takes well under a millisecond a message.

Grammar
=======

Normalisation
    Curly quotes become straight ones, contractions are expanded (``I'd`` -> ``I would``,
    ``don't`` -> ``do not``, ``who's`` -> ``who is``, ``wanna`` -> ``want to``) and spaces
    are collapsed.  Leading pleasantries (``hi,``, ``thanks!``, ``ok so``) and trailing ones
    (``please``, ``thanks``) are ignored when the intent is decided.

Filters (:func:`_scan_filters`; every match is blanked out before skills are read)
    * ``same_timezone``: ``in my timezone``, ``same time zone``, ``similar hours``.
    * ``not_my_department``: ``not in my department``, ``outside my team``,
      ``a different department``, ``cross-functional``.
    * ``timezones``: an IANA name from the context (``Europe/London``), ``<city> time``
      (``Singapore time``) or an abbreviation (``GMT``, ``EST``, ``SGT``, ...) whose zone is
      in the context.
    * ``exclude_names``: ``not|except|other than|anyone but|skip|drop ... NAME``.
    * ``locations``: any mention of a context location or alias (``NYC``/``NY`` ->
      ``New York``); it is excluded after ``not (in|from)``, ``outside``, ``except``,
      ``excluding``, ``no one in``... and included otherwise.  ``London or Paris`` after a
      cue shares the cue.
    * ``departments``: like locations, but since department names are also skills
      (*Strategy*, *Marketing*) a cue is required: ``in|from|within|only X``,
      ``outside|not in|except X``, ``X team|department|people|only`` or a message that is
      just the department.  ``interested in X``/``experience in X`` never counts.  The
      department *People* needs a capital or a ``team``/``department`` suffix (``people``
      is an ordinary word); aliases ``HR`` -> *People*, ``tech``/``IT`` -> *Technology*
      apply when the alias itself is not a department.
    * ``career_stages``: ``early-career``, ``junior(s)``, ``graduates``, ``entry-level``
      -> early; ``mid-career``, ``mid-level`` -> mid; ``seniors``, ``senior people``,
      ``someone senior``, ``more senior`` -> senior and executive; ``executives``,
      ``execs``, ``C-suite``, ``directors`` -> executive.  Negated (``no juniors``,
      ``not senior``) means every other stage.

Skills (:func:`_extract_skills`)
    A trigger is a verb phrase from :data:`_TRIGGERS`; its *object* runs from the trigger
    to the next trigger or a clause boundary (``. ; ? ! :``, `` - ``, ``who``, ``but``,
    ``, I``, ``and would``, ``in exchange``, ``for me``, ...).  Each trigger has a *role*:

    * ``teach``: its subject teaches the object (``teaches``, ``knows``, ``good at``,
      ``expert in``, ``can help with``, ``offer``, ``mentor someone on``, ``excel at``);
    * ``learn``: its subject wants to learn it (``learn``, ``get better at``,
      ``keen to pick up``, ``need help with``, ``wants X help``, ``interested in``,
      ``hopeless with``).

    The subject is *self* (the speaker: ``I``, ``we``, ``me``) or *other* (the wished-for
    partner: ``someone``, ``anyone``, ``who``, ``a partner``...).  It is fixed for some
    triggers (``teach me``/``show me``/``help me``/``mentor me`` -> other, ``in exchange I
    can`` -> self); otherwise it is the nearest subject word before the trigger in the
    same clause, else the subject of the previous trigger when joined by ``and``/``,``
    (*who can teach me X and wants Y*), else the nearest subject earlier in the sentence,
    else the trigger's default (3rd-person verbs such as ``wants``/``knows`` default to
    other).  Then ``teach`` by other or ``learn`` by self gives **wants**; ``teach`` by
    self or ``learn`` by other gives **offers**.  A trigger right after ``not``/``never``
    yields nothing.  ``excel at`` only counts right after a subject (``I excel at``), and a
    Title-case trigger word in mid-sentence (``Excel at``) is taken as a name, not a verb.

    Objects are split on ``,``  ``;``  `` and ``  `` or ``  `` & ``  `` plus ``
    ``as well as`` and ``/`` between two long words (``R&D``, ``P&L``, ``UI/UX`` and
    idioms such as ``pros and cons`` stay whole), then cleaned of leading filler
    (``how to use``, ``help with``, ``some``, ``my``, ``a bit of``, ``the basics of``,
    ``better at``, ``more about``...) and trailing filler (``help``, ``well``, ``skills``,
    ``in exchange``, ``please``, ``properly``, punctuation).  Original casing is kept.

Intents (:data:`_RULES`, first match wins)
    1. ``smalltalk`` for an empty message (``help`` if it is just ``?``);
    2. ``reset``: ``start over``, ``reset``, ``clear the filters``;
    3. ``help``: the whole message is ``help``, ``what can you do?``, ``how does this work?``;
    4. ``reject``: a bare ``no``/``nope`` once candidates were shown;
    5. ``smalltalk``: only greeting/thanks words (``hi``, ``thanks so much``, ``ok cool``);
    6. ``agenda``: ``agenda``, ``draft/plan ... session``, ``what should we do in our first
       meeting?``, ``what topics should we cover?``;
    7. ``why``: ``why ...``, ``what makes X a good fit``, ``explain the match``, or
       ``would/is X a good fit?`` with an explicit target; ``why`` about the program with
       no target is left to guidance;
    8. ``reject``: ``not|skip|drop|anyone but|I don't want`` + target, ``someone else``,
       ``not a good fit``, ``not for me`` (a mid-sentence ``but not X`` inside a skill
       request stays a ``find`` with ``exclude_names``);
    9. ``about``: ``what/how about``, ``tell me (more) about``, ``who is``, ``what is X
       like`` + target, a message that is only a name, or ``does/is/can NAME ...?``;
    10. ``select``: ``pair me with``, ``go with``, ``take``, ``pick``, ``I'd like``,
        ``X it is``, ``introduce me to`` + target, or a bare ordinal (``the second one``,
        ``#2``); ``someone like X`` is never a selection;
    11. ``more``: the whole message is ``more``, ``show me (5) more``, ``any others?``,
        ``who else``, ``next``, ``more like her``;
    12. ``guidance``: no skill was read, the message is a question (or opens with
        ``tell me``/``my partner``/``I'm worried``...), and it mentions the program, its
        rules, cancelling, confidentiality, feedback, cadence, re-pairing, the
        coordinator... (strong words) or meetings/sessions/partners (weak words, only
        when it is not a partner request and has no filters);
    13. ``find``: any skill, or a partner request (*who would be a good partner for me?*,
        *who should I pair with?*, *find me a mentor*, *someone like Priya*);
    14. ``refine``: filters only (``only people in London``);
    15. ``about`` with no target for an unknown ``what about X?``;
    16. ``find`` for a short fragment with a capital, digit or symbol (``Power BI``,
        ``C++?``): it names a skill;
    17. ``help`` for anything else.

    Skills are reported only for ``find`` and ``reject`` (*someone else who knows X*).

Targets
    A context name (full, first or last name, any case, or misspelt within difflib ratio
    0.85; when a first name is shared the earliest in ``context.names`` wins, so callers
    may list the candidates on screen first), else an ordinal (``the second one`` ->
    ``ordinal:2``, ``#3``, ``option 2``, ``the last one`` -> ``ordinal:-1``), else a
    pronoun (``her``, ``him``, ``them``, ``that one``; a bare ``this``/``that``/``it``
    only at the end, so *this round* is no reference) -> ``previous``.  ``why?`` and
    ``someone else`` without a target mean ``previous``.  Name lookups are memoised per
    context.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import lru_cache

INTENTS = (
    "find", "more", "why", "about", "reject", "select", "agenda", "guidance", "refine",
    "reset", "help", "smalltalk",
)
CAREER_STAGES = ("early", "mid", "senior", "executive")

_I = re.IGNORECASE


# =====================================================================================
# public data classes
# =====================================================================================
@dataclass
class Filters:
    """Constraints on candidates; names are canonical spellings from the context."""

    locations: list[str] = field(default_factory=list)
    exclude_locations: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    exclude_departments: list[str] = field(default_factory=list)
    not_my_department: bool = False
    career_stages: list[str] = field(default_factory=list)
    timezones: list[str] = field(default_factory=list)
    same_timezone: bool = False
    exclude_names: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        """True when no field constrains anything."""
        return not any(getattr(self, f.name) for f in fields(self))

    def merge(self, other: Filters) -> Filters:
        """A new Filters: ``self`` refined by the follow-up ``other``.

        "Only these" lists (locations, departments, career stages, timezones) are replaced
        by ``other``'s when it has any; exclusion lists accumulate; flags stay on once set.
        A value newly included by ``other`` leaves the matching exclusion list and vice
        versa, so the result never includes and excludes the same thing.
        """
        out = Filters(
            locations=list(other.locations or self.locations),
            departments=list(other.departments or self.departments),
            career_stages=list(other.career_stages or self.career_stages),
            timezones=list(other.timezones or self.timezones),
            exclude_locations=_union(self.exclude_locations, other.exclude_locations),
            exclude_departments=_union(self.exclude_departments, other.exclude_departments),
            exclude_names=_union(self.exclude_names, other.exclude_names),
            not_my_department=self.not_my_department or other.not_my_department,
            same_timezone=self.same_timezone or other.same_timezone,
        )
        out.exclude_locations = _minus(out.exclude_locations, other.locations)
        out.exclude_departments = _minus(out.exclude_departments, other.departments)
        out.locations = _minus(out.locations, other.exclude_locations)
        out.departments = _minus(out.departments, other.exclude_departments)
        return out


@dataclass
class ParsedRequest:
    """What one message asks for.

    ``target`` is a canonical name, ``"ordinal:N"`` (1-based; ``-1`` is the last one) or
    ``"previous"`` (a pronoun).  ``question`` is set for ``guidance``.
    """

    intent: str
    wants: list[str]
    offers: list[str]
    filters: Filters
    target: str | None = None
    question: str | None = None
    raw: str = ""


@dataclass
class ParseContext:
    """Vocabulary the parser resolves against: participant names, places, departments."""

    names: list[str]
    locations: list[str]
    departments: list[str]
    timezones: list[str] = field(default_factory=list)


def _words(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words of ``text`` (keeps word lists readable)."""
    return frozenset(text.split())


def _union(a: list[str], b: list[str]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


def _minus(a: list[str], b: list[str]) -> list[str]:
    drop = {x.casefold() for x in b}
    return [x for x in a if x.casefold() not in drop]


# =====================================================================================
# normalisation
# =====================================================================================
_TRANSLATE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": " - ", "\u00a0": " "})
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, _I), r) for p, r in (
        (r"\bcan't\b", "can not"), (r"\bcannot\b", "can not"), (r"\bwon't\b", "will not"),
        (r"\bshan't\b", "shall not"), (r"n't\b", " not"), (r"\b(i)'m\b", r"\1 am"),
        (r"\bim\b", "I am"), (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"),
        (r"'d\b", " would"), (r"\blet's\b", "let us"),
        (r"\b(what|that|who|it|he|she|there|how|where|here)'s\b", r"\1 is"),
        (r"\bwanna\b", "want to"), (r"\bgonna\b", "going to"), (r"\bgotta\b", "have to"),
        (r"\bpl[sz]\b", "please"), (r"\bppl\b", "people"), (r"\bu\b", "you"),
        (r"\s+", " "),
    )
)


def _normalise(text: str) -> str:
    out = text.translate(_TRANSLATE)
    for pattern, repl in _REWRITES:
        out = pattern.sub(repl, out)
    return out.strip()


_LEAD_PLEASANTRY = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|yo|thanks|thank\s+you|thx|ta|cheers|ok|okay|great|cool|"
    r"perfect|nice|awesome|lovely|brilliant|good\s+(?:morning|afternoon|evening)|hm+|um+|"
    r"uh+|so|well|right|alright|yes|yeah|yep|sure|please|oh|and)"
    r"(?:\s+(?:there|so\s+much|a\s+lot|again|very\s+much|all|everyone))?(?:[\s,.!]+|$))+",
    _I,
)
_TRAIL_PLEASANTRY = re.compile(
    r"(?:[\s,.!?;:]|\b(?:please|thanks|thank\s+you|thx|cheers)\b)+$", _I)


def _core(text: str) -> str:
    """``text`` without leading/trailing pleasantries and punctuation (never empty if text)."""
    core = _LEAD_PLEASANTRY.sub("", text)
    core = _TRAIL_PLEASANTRY.sub("", core).strip()
    return core or text.strip(" .!?,")


# =====================================================================================
# context: names, locations, departments, timezones (compiled once per vocabulary)
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
_COMMON_WORDS = _words(
    "will may mark bill grace hope joy rose april june august summer faith art sky chase "
    "dawn ray hunter page rich sunny max jack pat sue don bob rob jade amber angel iris "
    "ivy lily violet holly hazel heather robin drew miles guy frank rusty penny gene")
# words never taken for a name, however similar
_NOT_NAMES = _words(
    "i me my we us our you your he him his she her they them their it its this that these "
    "those who whom what why how when where which about with without from into onto for "
    "the a an and or but not no yes is are was were be been am do does did can could would "
    "should will shall may might must one ones first second third last next other others "
    "else someone somebody anyone anybody person people partner partners match matches fit "
    "good great best better more less please thanks why pair take pick choose select go "
    "going like want need think tell show explain reason instead just only also really "
    "about option number candidate suggestion choice")


_ZoneMatchers = tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]


@dataclass(frozen=True)
class _Entities:
    """A matcher for one vocabulary (locations or departments)."""

    pattern: re.Pattern[str] | None
    exact: re.Pattern[str] | None  # case-sensitive aliases such as "IT"
    lookup: dict[str, str]


@dataclass(frozen=True)
class _Ctx:
    """Everything the parser derives from a :class:`ParseContext`."""

    full: dict[str, str]
    first: dict[str, str]
    last: dict[str, str]
    by_initial: dict[str, tuple[str, ...]]
    locations: _Entities
    departments: _Entities
    timezones: _ZoneMatchers
    memo: dict[str, str | None] = field(default_factory=dict, compare=False, hash=False)


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _entities(values: tuple[str, ...]) -> _Entities:
    lookup = {_squash(v): v for v in values}
    exact: dict[str, str] = {}
    for group in _ALIAS_GROUPS:
        present = [g for g in group if _squash(g) in lookup]
        if len(present) != 1:
            continue
        canonical = lookup[_squash(present[0])]
        for alias in group:
            if alias in _CASE_SENSITIVE_ALIASES:
                exact[alias] = canonical
            elif _squash(alias) not in lookup:
                lookup[_squash(alias)] = canonical

    def alternation(keys: list[str], flags: int) -> re.Pattern[str] | None:
        if not keys:
            return None
        alts = [re.escape(k).replace(r"\ ", r"\s+") for k in sorted(keys, key=len, reverse=True)]
        return re.compile(r"(?<![\w/])(?:" + "|".join(alts) + r")(?![\w/])", flags)

    lookup.update({k: v for k, v in exact.items()})
    return _Entities(alternation(list({k for k in lookup if k not in exact}), _I),
                     alternation(list(exact), 0), lookup)


def _timezone_matchers(zones: tuple[str, ...]) -> _ZoneMatchers:
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
) -> _Ctx:
    full: dict[str, str] = {}
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    for name in names:
        parts = _squash(name).split()
        if not parts:
            continue
        full.setdefault(" ".join(parts), name)
        first.setdefault(parts[0], name)
        if len(parts) > 1:
            last.setdefault(parts[-1], name)
    initial: dict[str, list[str]] = {}
    for key in {*full, *first, *last}:
        initial.setdefault(key[0], []).append(key)
    return _Ctx(full, first, last, {k: tuple(sorted(v)) for k, v in initial.items()},
                _entities(locations), _entities(departments), _timezone_matchers(timezones))


def _context(context: ParseContext | None) -> _Ctx:
    if context is None:
        return _compile_context((), (), (), ())
    return _compile_context(tuple(context.names), tuple(context.locations),
                            tuple(context.departments), tuple(context.timezones))


# =====================================================================================
# targets: names, ordinals, pronouns
# =====================================================================================
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'\-]*")
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "last": -1, "final": -1, "top": 1, "bottom": -1,
}
_ORDINAL_RE = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final|top|"
    r"bottom|(\d{1,2})(?:st|nd|rd|th))\b(?!\s+(?:session|meeting|call|time|round|week|month))"
    r"|(?:\b(?:number|no\.?|option|candidate|match|choice|result|pick)\s*#?|#)\s*(\d{1,2})\b",
    _I,
)
_PRONOUN_RE = re.compile(
    r"\b(?:her|him|them|she|he|they|(?:that|this)\s+(?:one|person|guy|woman|man|match|"
    r"candidate|suggestion|pairing|pick)|(?:that|this|it)(?=[\s?.!,]*$))\b", _I)
_BARE_ORDINAL = re.compile(
    r"(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|"
    r"final|top|\d{1,2}(?:st|nd|rd|th))(?:\s+(?:one|option|person|candidate|match|choice|"
    r"suggestion))?|(?:number|no\.?|option|candidate|choice)?\s*#?\s*\d{1,2}", _I)


def _resolve_name(tokens: list[str], ctx: _Ctx) -> str | None:
    """The canonical name ``tokens`` (original case) stand for, if any (memoised)."""
    key = " ".join(tokens)
    if key not in ctx.memo:
        if len(ctx.memo) > 20_000:
            ctx.memo.clear()
        ctx.memo[key] = _resolve_uncached(tokens, ctx)
    return ctx.memo[key]


def _resolve_uncached(tokens: list[str], ctx: _Ctx) -> str | None:
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
    if len(word) < 4:
        return None
    for key in _close(word, ctx):
        hit = ctx.first.get(key) or ctx.last.get(key) or ctx.full.get(key)
        if hit:
            return hit
    return None


def _close(word: str, ctx: _Ctx) -> list[str]:
    """Known name keys within difflib ratio 0.85 of ``word`` (same initial, similar length)."""
    pool = [k for k in ctx.by_initial.get(word[0], ()) if abs(len(k) - len(word)) <= 2]
    return difflib.get_close_matches(word, pool, 3, 0.85) if pool else []


def _find_name(segment: str, ctx: _Ctx, anchored: bool = False) -> tuple[str, int] | None:
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


def _find_ordinal(segment: str) -> str | None:
    m = _ORDINAL_RE.search(segment)
    if not m:
        return None
    number = m.group(2) or m.group(3)
    value = int(number) if number else _ORDINALS[m.group(1).casefold()]
    return f"ordinal:{value}" if value else None


def _find_target(segment: str, ctx: _Ctx) -> str | None:
    """A name, else an ordinal, else ``previous`` for a pronoun, else None."""
    hit = _find_name(segment, ctx)
    if hit:
        return hit[0]
    ordinal = _find_ordinal(segment)
    if ordinal:
        return ordinal
    if _PRONOUN_RE.search(segment):
        return "previous"
    return None


# =====================================================================================
# filters
# =====================================================================================
_SAME_TZ = re.compile(
    r"\b(?:(?:in|within|on|from|share|sharing|shares|with)\s+)?(?:my|our|the\s+same|same|"
    r"a\s+similar|similar|a\s+compatible|compatible|overlapping|a\s+close|close|nearby|"
    r"matching)\s+(?:time\s*-?\s*zones?|tz|working\s+hours|hours)\b", _I)
_NOT_MY_DEPT = re.compile(
    r"\b(?:not|outside|except|excluding|never|nobody|no\s+one|anyone\s+but|away)\s+"
    r"(?:(?:in|from|of|within)\s+)?(?:my|our)\s+(?:own\s+)?(?:department|dept|team|function|"
    r"division|business\s+unit|org|area)\b|\b(?:a\s+)?(?:different|other|another|separate)\s+"
    r"(?:departments?|depts?|teams?|functions?|divisions?|business\s+units?)\b|"
    r"\bcross[-\s]?(?:departmental|department|functional|team)\b", _I)
_EXCLUDE_CUE = re.compile(
    r"(?:(?:\bbut\s+)?\bnot\s+(?:any(?:one|body)\s+|some(?:one|body)\s+|people\s+|folks\s+)?"
    r"(?:based\s+|located\s+)?(?:in|from|at|within)?|\boutside(?:\s+of)?|"
    r"\bexcept(?:\s+for)?|\bexcluding|\bexclude|\bother\s+than|\banywhere\s+but|"
    r"\banyone\s+but|\bapart\s+from|\bbesides|\bbut\s+not|\bno(?:\s+one|body|one)\s+"
    r"(?:in|from|at|based\s+in)|\bwithout|\bavoid(?:ing)?|\bnon-?|\bno)\s*(?:the\s+)?$", _I)
_INCLUDE_CUE = re.compile(
    r"\b(?:in|from|within|at|near|around|inside|only|just|based\s+in|located\s+in|"
    r"based\s+out\s+of)\s+(?:the\s+)?$", _I)
_SKILL_CONTEXT = re.compile(
    r"\b(?:interested|interest|experts?|skilled|experience|experienced|background|skills?|"
    r"good|better|great|knowledge|qualified|specialist|speciali[sz]\w*|career|degree|courses?|"
    r"training|certified|help|support|advice|guidance|tips|fluent|proficient|strong|confident|"
    r"learn|learning|study|studying|studied|get|getting|improve|improving|knows?|teach\w*|"
    r"me|work\s+on|role|job)\s+(?:in|at|from|within|around)\s+(?:the\s+)?$", _I)
_ENTITY_SUFFIX = re.compile(
    r"(?:\s*-?\s*based|\s+(?:office|team|department|dept|function|org|division|unit|people|"
    r"folks|colleagues|staff|area|hub|side|group|only|crowd|lot))*", _I)
_DEPT_SUFFIX = re.compile(r"\s+(?:team|department|dept|function|org|division|unit)\b", _I)
_CHAIN = re.compile(r"^\s*(?:,|/|&)?\s*(?:or|and|nor|,)?\s*(?:the\s+)?$", _I)
_EXCLUDE_NAME_CUE = re.compile(
    r"\b(?:not|except(?:\s+for)?|excluding|exclude|other\s+than|but\s+not|anyone\s+but|"
    r"anybody\s+but|apart\s+from|besides|without|skip|drop|rule\s+out|remove|no\s+to|"
    r"(?:do|does)\s+not\s+(?:want|like|fancy)|rather\s+not(?:\s+have)?|not\s+keen\s+on|"
    r"not\s+interested\s+in|no\s+more)\s+(?:with\s+|the\s+)?", _I)
_NAME_CHAIN = re.compile(r"\s*(?:,|or|and|nor|,\s*or|,\s*and)\s+", _I)

_PEOPLE_NOUN = (r"(?:people|staff|leaders?|leadership|colleagues|folks|managers?|persons?|ones|"
                r"employees|mentors?|mentees?|partners?|level|members?|only|talent|hires?|"
                r"person|team|crowd)")
_STAGE_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\bearly[-\s]?careers?\b|\bearly\s+in\s+(?:their|his|her)\s+careers?\b|"
                r"\bjuniors?\b|\bentry[-\s]level\b|\bgraduates?\b|\bgrads?\b|"
                r"\bnew\s+(?:joiners?|starters?|hires?)\b|\binterns?\b|\bapprentices?\b|"
                r"\btrainees?\b", _I), ("early",)),
    (re.compile(r"\bmid[-\s]?(?:career|level)\b|\bmiddle\s+managers?\b|"
                r"\bmiddle\s+management\b", _I), ("mid",)),
    (re.compile(rf"\bseniors\b|\bsenior[-\s]+{_PEOPLE_NOUN}\b|\b(?:someone|somebody|anyone|"
                r"anybody|only|more|people|colleagues|folks|who\s+is|who\s+are)\s+senior\b|"
                r"^senior$", _I), ("senior", "executive")),
    (re.compile(rf"\bsenior\s+executives?\b|\bexecutives\b|\bexecs?\b|\bexecutive[-\s]+"
                rf"{_PEOPLE_NOUN}\b|\bc-?suite\b|\bc-?level\b|\bvps?\b|"
                r"\bvice[-\s]presidents?\b|\bdirectors\b|\bdirector[-\s]level\b|"
                r"\bboard\s+members?\b|\bleadership\s+team\b|\bexec\s+team\b", _I),
     ("executive",)),
)
#: "presenting to executives", "emails to directors": the stage is who the skill is
#: for, part of the skill, not a wish about the partner
_AUDIENCE_CUE = re.compile(
    r"\b(?:present\w*|pitch\w*|speak\w*|talk\w*|writ\w*|emails?|emailing|report\w*|"
    r"brief\w*|sell\w*|influenc\w*|manag\w*|negotiat\w*|deal\w*|communicat\w*|"
    r"handl\w*|updat\w*|explain\w*|network\w*|stand\w*\s+up|push\w*\s+back)\s+"
    r"(?:(?:up\s+)?to|with|for|in\s+front\s+of|at)?\s*"
    r"(?:the\s+|our\s+|my\s+|a\s+room\s+of\s+|a\s+panel\s+of\s+)?$", _I)
_STAGE_NEGATION = re.compile(
    r"(?:\bno|\bnot|\bnon-?|\bexcept(?:\s+for)?|\bexcluding|\bwithout|\banyone\s+but|"
    r"\bother\s+than|\bnobody)\s*(?:a\s+|an\s+|the\s+|too\s+|very\s+|that\s+|any\s+)?$", _I)


@dataclass
class _FilterScan:
    """Filters found so far and the spans they came from (blanked before reading skills)."""

    text: str
    filters: Filters = field(default_factory=Filters)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.spans)

    def take(self, start: int, end: int) -> None:
        self.spans.append((start, end))

    def blanked(self) -> str:
        out = self.text
        for start, end in sorted(self.spans, reverse=True):
            out = out[:start] + " \u00a6 " + out[end:]
        return out


def _scan_flags(scan: _FilterScan) -> None:
    for pattern, attr in ((_SAME_TZ, "same_timezone"), (_NOT_MY_DEPT, "not_my_department")):
        for m in pattern.finditer(scan.text):
            setattr(scan.filters, attr, True)
            scan.take(m.start(), m.end())


def _scan_timezones(scan: _FilterScan, ctx: _Ctx) -> None:
    for pattern, zones in ctx.timezones:
        for m in pattern.finditer(scan.text):
            if scan.free(m.start(), m.end()):
                scan.filters.timezones = _union(scan.filters.timezones, list(zones))
                scan.take(m.start(), m.end())


def _scan_excluded_names(scan: _FilterScan, ctx: _Ctx) -> None:
    if not ctx.full:
        return
    for cue in _EXCLUDE_NAME_CUE.finditer(scan.text):
        pos = cue.end()
        while True:
            hit = _find_name(scan.text[pos:pos + 60], ctx, anchored=True)
            if not hit:
                break
            scan.filters.exclude_names = _union(scan.filters.exclude_names, [hit[0]])
            scan.take(cue.start(), pos + hit[1])
            chain = _NAME_CHAIN.match(scan.text, pos + hit[1])
            if not chain:
                break
            pos = chain.end()


def _entity_hits(text: str, ents: _Entities) -> list[tuple[int, int, str]]:
    hits: list[tuple[int, int, str]] = []
    for pattern in (ents.pattern, ents.exact):
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            value = ents.lookup.get(m.group()) or ents.lookup.get(_squash(m.group()))
            if value:
                hits.append((m.start(), m.end(), value))
    return sorted(hits)


def _scan_entities(scan: _FilterScan, ents: _Entities, is_dept: bool) -> None:
    """Locations or departments with polarity from the words around each mention."""
    text = scan.text
    prev: tuple[int, bool] | None = None  # (end, excluded) of the previous accepted mention
    for start, end, value in _entity_hits(text, ents):
        if not scan.free(start, end):
            continue
        before = text[max(0, start - 40):start]
        after = text[end:end + 30]
        suffix = _ENTITY_SUFFIX.match(after)
        tail = end + (suffix.end() if suffix else 0)
        excl = _EXCLUDE_CUE.search(before)
        incl = _INCLUDE_CUE.search(before)
        chained = prev is not None and bool(_CHAIN.match(text[prev[0]:start]))
        if is_dept and not _dept_cued(text, start, end, value, excl, incl, chained):
            continue
        excluded = bool(excl) or (chained and prev is not None and prev[1] and not incl)
        cue = excl or incl
        begin = start - (len(before) - cue.start()) if cue else start
        attr = ("exclude_" if excluded else "") + ("departments" if is_dept else "locations")
        setattr(scan.filters, attr, _union(getattr(scan.filters, attr), [value]))
        scan.take(begin, tail)
        prev = (tail, excluded)


def _dept_cued(text: str, start: int, end: int, value: str,
               excl: re.Match[str] | None, incl: re.Match[str] | None, chained: bool) -> bool:
    """Whether a department-name mention is a department filter rather than a skill."""
    mention = text[start:end]
    suffix = bool(_DEPT_SUFFIX.match(text, end))
    whole = text[:start].strip() == "" and text[end:].strip(" ?.!").lower() in ("", "only")
    if mention.casefold() == "people" and not suffix:
        initial = not text[:start].strip() or text[:start].rstrip()[-1:] in ".!?:;"
        if mention.islower() or (initial and not whole):
            return False
    if excl or suffix or chained or whole:
        return True
    if incl:
        return not _SKILL_CONTEXT.search(text[max(0, start - 40):start])
    return bool(re.match(r"\s+(?:people|folks|colleagues|staff|only)\b", text[end:], _I))


def _scan_stages(scan: _FilterScan) -> None:
    included: set[str] = set()
    excluded: set[str] = set()
    for pattern, stages in _STAGE_PATTERNS:
        for m in pattern.finditer(scan.text):
            if not scan.free(m.start(), m.end()) or _AUDIENCE_CUE.search(
                    scan.text[max(0, m.start() - 40):m.start()]):
                continue
            negated = _STAGE_NEGATION.search(scan.text[max(0, m.start() - 25):m.start()])
            (excluded if negated else included).update(stages)
            scan.take(m.start(), m.end())
    if included or excluded:
        keep = included or set(CAREER_STAGES)
        scan.filters.career_stages = [s for s in CAREER_STAGES if s in keep - excluded]


def _scan_filters(text: str, ctx: _Ctx) -> _FilterScan:
    scan = _FilterScan(text)
    _scan_flags(scan)
    _scan_timezones(scan, ctx)
    _scan_excluded_names(scan, ctx)
    _scan_entities(scan, ctx.locations, is_dept=False)
    _scan_entities(scan, ctx.departments, is_dept=True)
    _scan_stages(scan)
    return scan


# =====================================================================================
# skills: the trigger table
# =====================================================================================
_TEACH, _LEARN = "teach", "learn"
_SELF, _OTHER = "self", "other"


@dataclass(frozen=True)
class _Trigger:
    """A verb phrase whose object is a skill.

    ``role``: does its subject teach or learn the object.  ``subject``: fixed subject, or
    None to look it up in the sentence; ``default`` is used when nothing is found.
    ``strict``: only counts right after an explicit subject word (``I excel at``).
    """

    pattern: re.Pattern[str]
    role: str
    subject: str | None = None
    default: str = _SELF
    strict: bool = False


_ME = r"(?:me|us)"
_PEOPLE = (r"(?:someone|somebody|anyone|anybody|people|others|folks|colleagues|you|them|him|"
           r"her|a\s+colleague|a\s+partner|my\s+partner)")
_HOWTO = r"(?:\s+(?:more\s+about|about|how\s+to\s+use|how\s+to|how|to))?"
_WANTISH = (r"(?:wants?|wanting|would\s+(?:really\s+)?(?:like|love)|like|likes|love|loves|"
            r"need|needs|needing|hoping|hopes?|keen|eager|looking|trying|aiming|planning|"
            r"desperate|excited|ready|going|motivated|meaning|means)")
_LEARN_VERB = (
    r"(?:learn(?:ing|s|t)?(?:\s+(?:more\s+about|about|how\s+to\s+use|how\s+to|to|how|"
    r"the\s+basics\s+of))?|get(?:ting)?\s+(?:properly\s+)?(?:better\s+(?:at|with|in)|"
    r"good\s+at|into|started\s+(?:with|in|on)|set\s+up\s+(?:on|with|in)|"
    r"up\s+to\s+speed\s+(?:on|with)|to\s+grips\s+with|my\s+head\s+(?:a?round)|"
    r"(?:less|more)\s+\w+\s+(?:on|at|with|in|about)|comfortable\s+with)|"
    r"improv(?:e|es|ing)(?:\s+(?:at|on|in))?|pick(?:ing)?\s+up|brush(?:ing)?\s+up(?:\s+on)?|"
    r"upskill(?:ing)?\s+(?:in|on)|level(?:ling)?\s+up(?:\s+(?:in|on|at))?|"
    r"sharpen(?:ing)?|strengthen(?:ing)?|develop(?:ing)?\s+(?:my|our))")
_LEARN_TO_VERB = (r"(?:understand|master|develop|explore|try|know\s+more\s+about|"
                  r"be\s+better\s+at|dive\s+into|dig\s+into|study|figure\s+out|"
                  r"find\s+out\s+about|work\s+on|build|grow|start|begin|practi[cs]e)")
_HELPISH = (r"(?:help|support|guidance|advice|mentoring|coaching|tips|pointers|input|training|"
            r"tutoring|a\s+hand)")


def _t(pattern: str, role: str, subject: str | None = None, default: str = _SELF,
       strict: bool = False) -> _Trigger:
    return _Trigger(re.compile(r"\b(?:" + pattern + r")\b", _I), role, subject, default, strict)


_TRIGGERS: tuple[_Trigger, ...] = (
    # --- the partner teaches me (fixed subject: other) -----------------------------
    _t(rf"teach(?:es|ing)?\s+{_ME}{_HOWTO}", _TEACH, _OTHER),
    _t(rf"show(?:s|ing)?\s+{_ME}(?:\s+(?:how\s+to\s+use|how\s+to|how|where|what|"
       r"the\s+ropes(?:\s+(?:of|with|in|on))?|around))?", _TEACH, _OTHER),
    _t(rf"help(?:s|ing)?\s+{_ME}(?:\s+out)?(?:\s+(?:with|on|in|learn(?:\s+about|\s+to)?|"
       r"understand|get\s+better\s+at|get\s+into|get\s+started\s+with|excel\s+at|"
       r"improve(?:\s+(?:at|on|my))?|master|figure\s+out|use|to))?", _TEACH, _OTHER),
    _t(rf"(?:mentor|coach|train|tutor|guide|upskill|prep|prepare|brief)(?:s|es|ing|ping)?\s+"
       rf"{_ME}(?:\s+(?:on|in|with|about|through|for))?", _TEACH, _OTHER),
    _t(rf"walks?\s+{_ME}\s+through|gives?\s+{_ME}(?:\s+some)?(?:\s+(?:feedback|advice|tips|"
       r"pointers|guidance|a\s+hand)\s+(?:on|with|about|in))?|"
       rf"gets?\s+{_ME}\s+(?:going|started|up\s+to\s+speed)\s+(?:on|with|in)", _TEACH, _OTHER),
    _t(r"(?:does|do)\s+(?:anyone|anybody|someone|somebody)(?:\s+(?:here|around))?\s+"
       r"(?:know(?:\s+about)?|do|keep|speak|play|use|make|run|understand|teach)", _TEACH, _OTHER),
    # "anyone on Threads who could show me how it works?": the skill is where they are
    _t(r"(?:anyone|anybody|someone|somebody)(?:\s+(?:here|around|else))?\s+(?:who(?:'s|\s+is)\s+)?"
       r"(?:on|into|using|active\s+on|big\s+on)(?!\s+(?:my|our|the|a|an|this|that|their|his|"
       r"her|your|it|board|leave|holiday|vacation|call|site|shift|time|hand|top|me|us)\b)",
       _TEACH, _OTHER),
    _t(r"(?<=who\s)(?:does|speaks|plays|keeps|makes|uses|runs|gets|practi[cs]es|"
       r"has\s+experience\s+(?:with|in))", _TEACH, _OTHER),
    # --- the speaker offers (fixed subject: self) ----------------------------------
    _t(r"in\s+(?:exchange|return)(?:\s+for\s+that)?\s*,?\s*(?:i|we)\s+(?:can|could|will|"
       r"would|am\s+happy\s+to)(?:\s+(?:offer|teach|share|give|provide|"
       r"help(?:\s+out)?(?:\s+(?:with|on))?))?", _TEACH, _SELF),
    # --- learning, subject from the sentence ---------------------------------------
    _t(rf"(?:{_WANTISH}\s+to\s+)?{_LEARN_VERB}", _LEARN),
    _t(rf"{_WANTISH}\s+to\s+{_LEARN_TO_VERB}", _LEARN),
    _t(r"(?:need|needs|needing|want|wants|wanting|would\s+like|like|looking\s+for|"
       rf"could\s+use|after|seeking|seeks?)\s+(?:some\s+|a\s+bit\s+of\s+|a\s+little\s+|more\s+|"
       rf"extra\s+)?{_HELPISH}\s+(?:with|on|in|for|about|around|using)", _LEARN),
    _t(r"(?:interested|interest)\s+in(?:\s+(?:learning(?:\s+about)?|getting\s+better\s+at|"
       r"improving|picking\s+up))?|curious\s+about", _LEARN, default=_OTHER),
    _t(r"(?:not|never)\s+(?:very\s+|that\s+|so\s+|too\s+|particularly\s+|really\s+)?"
       r"(?:good|great|strong|confident|comfortable|experienced|skilled|familiar)\s+"
       r"(?:at|in|with)|(?:weak|weaker|rusty|bad|terrible|rubbish|hopeless|useless|clueless)\s+"
       r"(?:at|in|with|on)|struggl(?:e|es|ing)\s+(?:with|on|at)|stuck\s+(?:with|on)|new\s+to|"
       r"(?:a\s+)?(?:beginner|novice|newbie)\s+(?:at|in|with)|(?:do|does|did)\s+not\s+"
       r"(?:really\s+)?(?:know|understand|get)(?:\s+(?:much\s+about|anything\s+about|about|"
       r"how\s+to\s+use|how\s+to))?|never\s+(?:written|used|done|tried|learned|learnt|"
       r"touched|worked\s+with)|(?:be\s+|being\s+|get\s+)?(?:mentored|coached|trained|"
       r"tutored|taught)\s+(?:on|in|with|about)", _LEARN),
    _t(r"(?:wants|want|wanting|needs|need|needing|would\s+like)(?!\s+(?:to|some\s+help)\b)",
       _LEARN),
    # --- teaching, subject from the sentence ---------------------------------------
    _t(rf"(?:teach(?:es|ing)?|coach(?:es)?|tutors?|mentors?|trains?|guides?|shows?|"
       rf"explains?)(?!\s+{_ME}\b|\s+in\s+(?:exchange|return)\b)(?:\s+{_PEOPLE})?"
       rf"(?:\s+(?:on|in|with|about|around)|{_HOWTO})", _TEACH),
    _t(rf"(?:coaching|tutoring|mentoring|training|guiding|showing|explaining)"
       rf"(?:\s+{_PEOPLE})?\s+(?:on|with|about|around|in(?!\s+(?:exchange|return)\b))",
       _TEACH),
    _t(rf"(?:give|gives|giving|provide|provides|providing)(?!\s+{_ME}\b)", _TEACH),
    _t(r"offer(?:s|ing)?(?:\s+(?:some\s+)?(?:help|support|guidance|advice|mentoring|"
       r"coaching|tips|sessions|training|expertise|knowledge)(?:\s+(?:with|on|in|for|around|"
       r"about))?)?", _TEACH),
    _t(r"(?:(?:happy|glad|willing|able|ready|more\s+than\s+happy)\s+to\s+)?(?:help|helps|"
       rf"helping|support|supports|supporting|assist|assists|assisting)(?!\s+{_ME}\b)"
       rf"(?:\s+out)?(?:\s+{_PEOPLE})?(?:\s+out)?\s+(?:with|on|in|learn|understand|"
       r"get\s+(?:better\s+at|set\s+up\s+(?:in|on|with)|started\s+(?:in|on|with)|going\s+"
       r"(?:in|on|with))|improve)", _TEACH, default=_OTHER),
    _t(r"shares?\s+(?:my\s+|their\s+|his\s+|her\s+)?(?:knowledge|expertise|experience|skills|"
       r"tips|know-how)\s+(?:of|in|on|with|about|around)", _TEACH),
    _t(r"(?:knows|know|knowing|understands|understand)(?!\s+(?:of|what|if|whether|who|"
       r"when|why|where|how\s+to\s+(?:find|get|reach|contact)|me|you|them|him|her)\b)"
       r"(?:\s+(?:a\s+lot\s+about|a\s+lot\s+of|a\s+bit\s+about|about|how\s+to\s+use|"
       r"how\s+to|their\s+way\s+around|the\s+ins\s+and\s+outs\s+of|all\s+about))?", _TEACH),
    _t(r"(?:(?:really|very|pretty|quite|super|genuinely|extremely)\s+)?(?:good|great|strong|"
       r"solid|skilled|skillful|proficient|fluent|experienced|(?:an?\s+)?experts?|(?:a\s+)?pro|"
       r"(?:a\s+)?specialists?|confident|brilliant|excellent|savvy|handy|comfortable|amazing|"
       r"competent|well[-\s]versed|knowledgeable|(?:a\s+)?(?:ninja|wizard|whiz|whizz|guru))\s+"
       r"(?:at|in|with|on)", _TEACH, default=_OTHER),
    _t(r"(?:experience|expertise|a\s+background|background|skills?|knowledge)\s+"
       r"(?:in|with|of|using)", _TEACH, default=_OTHER),
    _t(r"excel(?:s|led|ling)?\s+at", _TEACH, strict=True),
    _t(r"(?:can|could)(?=\s+(?!(?:teach|offer|help|coach|mentor|tutor|show|share|give|be|"
       r"i|you|we|they|he|she|someone|somebody|anyone|anybody|not|never|also|meet|pair|find|"
       r"see|get|ask|join|talk|chat|start|switch|change|cancel|have|learn|go|take|pick|"
       r"choose|tell|explain|still|really|just|use)\b)[a-z])", _TEACH, strict=True),
)
_THIRD_PERSON = _words(
    "teaches knows wants needs helps offers mentors coaches excels shares hopes likes loves "
    "understands seeks gets shows explains trains tutors guides supports assists")


# =====================================================================================
# skills: reading and cleaning objects
# =====================================================================================
_SCAN_TOKEN = re.compile(r"[a-z][a-z'\-]*|[.,;:!?\u00a6]", _I)
_WILLING = frozenset({"happy", "glad", "willing", "able", "ready", "more"})  # "happy to help"
_SELF_WORDS = frozenset({"i", "we", "myself", "ourselves", "me"})
_OTHER_WORDS = _words(
    "someone somebody anyone anybody who whoever whom person people partner partners mentor "
    "mentors colleague colleagues they he she folks expert experts peer peers buddy match "
    "others everyone candidate candidates")
_CLAUSE_STOP = frozenset({",", "and", "but", "or", ";", ".", "!", "?", ":", "because", "so",
                          "while", "whereas", "then"})
_SENTENCE_STOP = frozenset({";", ".", "!", "?", ":"})
_ADVERBS = _words(
    "really also truly genuinely absolutely definitely totally particularly especially just "
    "actually")
_NEGATORS = frozenset({"not", "never", "no"})

_OBJECT_STOP = re.compile(
    r"[;!?:\u00a6()\[\]{}]|\.(?:\s|$)|\s-+\s|"
    r",\s*(?:and\s+|but\s+)?(?:i|we|who|someone|somebody|anyone|anybody|happy|keen|"
    r"in\s+exchange|in\s+return|please|thanks|if|so|because|ideally|preferably)\b|"
    r"\s(?:and|or|but)\s+(?:i|we|would|could|can|will|is|am|are|has|have|wants?|needs?|"
    r"knows?|then|who|maybe|in\s+exchange|in\s+return|they|he|she|someone|somebody|anyone|"
    r"their|happy|keen|looking|interested)\b|"
    r"\s(?:who|whom|which|whose|but|so|because|since|while|whereas|although|though|if|when|"
    r"unless|preferably|ideally|maybe|perhaps|then|someone|somebody|anyone|anybody|"
    r"in\s+exchange|in\s+return|to\s+help\s+me|please|thanks|thank\s+you|i|we|before|after|"
    r"during|ahead\s+of|without|actually|instead)\b|"
    r"\s(?:that|who)\s+(?:is|are|can|could|would|will|has|have|wants?|knows?|do|does|did)\b|"
    r"\s(?:for|to)\s+(?:me|my|us|our|myself|them|him|her|work|the\s+team)\b|\sat\s+work\b",
    _I)
_IDIOMS = re.compile(
    r"\b(?:pros|research|mergers|profit|diversity|equity|health|learning|trial|terms|supply|"
    r"rock|black|q|b|r|p|m|d|f|s)\s+and\s+(?:cons|development|acquisitions|loss|inclusion|"
    r"safety|error|conditions|demand|roll|white|a|b|d|l|e|i|p)\b", _I)
_SPLIT = re.compile(
    r"\s*(?:,|;|\s&\s|\bplus\b|\bas\s+well\s+as\b|\band\s+also\b|\band\b|\bor\b|"
    r"\balong\s+with\b|\bnor\b)\s*|(?<=[^\W\d_]{4})\s*/\s*(?=[^\W\d_]{4})", _I)
_LEAD_FILLER = re.compile(
    r"^(?:how\s+to\s+use|how\s+to|how|what|where|when|help\s+(?:with|on|in)|some|my|our|their|"
    r"his|her|your|a\s+bit\s+(?:of|about|more\s+about)|a\s+bit|a\s+little\s+(?:bit\s+)?(?:of|"
    r"about|more\s+about)?|a\s+lot\s+(?:of|about)|(?:the\s+)?(?:basics|fundamentals|"
    r"foundations)\s+of|the\s+ins\s+and\s+outs\s+of|(?:get\s+)?better\s+at|more\s+about|"
    r"about|more|the|a|an|with|on|in|at|of|into|up\s+on|to\s+use|use|using|to|do|doing|"
    r"stuff\s+like|things\s+like|skills\s+in|knowledge\s+of|understanding\s+of|also|really|"
    r"just|even|basically|like|say|any|other|things)\s+", _I)
_TRAIL_FILLER = re.compile(
    r"\s+(?:help|support|advice|guidance|tips|pointers|coaching|mentoring|well|really\s+well|"
    r"very\s+well|properly|skills?|expertise|know-how|in\s+exchange|in\s+return|please|too|"
    r"also|as\s+well|stuff|things|etc|and\s+stuff|better|a\s+bit|a\s+little|a\s+lot|lots|"
    r"daily|every\s+day|at\s+all|now|"
    r"soon|then|from\s+scratch|from\s+me|from\s+you|from\s+them|to\s+me|to\s+us|and|or|but|"
    r"who|can|could|would|will|i|to|with|is|are|the|a|an|me|more|basics|fast|quickly|asap|"
    r"together|back|especially|in\s+particular|first|here|around|for|fits?|works?|"
    r"gets\s+made|day\s+to\s+day)$", _I)
_EDGE_PUNCT = re.compile(r"^[\s\"'`(\[,.\-]+|[\s\"'`)\],.?!:;\-]+$")
_STOP_OBJECTS = _words(
    "it this that them him her me you us more others other something anything everything "
    "stuff things someone somebody anyone anybody people person partner partners mentor "
    "mentors one ones all what how help support skills skill learning better well some any "
    "match mentoring program programme scheme everyone feedback advice tips guidance "
    "coaching") | frozenset({
    "a partner", "a mentor", "a lot", "each other", "it all", "the program", "reverse mentoring",
    "reciprocal mentoring", "this program", "the programme", "my partner", "anything else",
    "that one", "this one", "new things", "your help", "someone else", "a match", "the scheme",
    "a good partner", "a good match", "second one", "first one", "last one",
})
_BAD_FIRST = _words(
    "to be someone somebody anyone anybody who which whom whose why i you we they he she "
    "it that this if is are was were am from find pick choose pair match meet decide not no "
    "partner partners here there")


@dataclass(frozen=True)
class _Hit:
    """One trigger occurrence."""

    start: int
    end: int
    trigger: _Trigger
    first_word: str


def _trigger_hits(text: str) -> list[_Hit]:
    """Non-overlapping trigger matches, leftmost then longest then table order."""
    found: list[tuple[int, int, int, _Hit]] = []
    for order, trig in enumerate(_TRIGGERS):
        for m in trig.pattern.finditer(text):
            if _looks_like_a_name(text, m.start()):
                continue
            word = m.group().split()[0].casefold() if m.group().strip() else ""
            found.append((m.start(), -(m.end() - m.start()), order,
                          _Hit(m.start(), m.end(), trig, word)))
    found.sort(key=lambda f: f[:3])
    hits: list[_Hit] = []
    for _, _, _, hit in found:
        if not hits or hit.start >= hits[-1].end:
            hits.append(hit)
    return hits


def _looks_like_a_name(text: str, start: int) -> bool:
    """A Title-case word mid-sentence ("Excel at", "Teams") is a name, not a verb."""
    word = text[start:start + 20].split()[0] if text[start:].strip() else ""
    if not (word[:1].isupper() and word[1:2].islower()) or word == "I":
        return False
    before = text[:start].rstrip()
    if not before or before[-1] in ".!?:;\u00a6-":
        return False
    words = re.findall(r"[^\W\d_]+", text)
    titled = sum(1 for w in words if w[:1].isupper())
    return titled * 2 < len(words)


def _tokens_before(text: str, start: int) -> list[str]:
    return [t.casefold() for t in _SCAN_TOKEN.findall(text[:start])]


def _last_subject(tokens: list[str], stops: frozenset[str],
                  selves: frozenset[str]) -> str | None:
    """The subject word closest before the end of ``tokens``, not past a ``stops`` token."""
    for tok in reversed(tokens):
        if tok in stops:
            return None
        if tok in selves:
            return _SELF
        if tok in _OTHER_WORDS:
            return _OTHER
    return None


def _near_subject(tokens: list[str], window: int = 6) -> str | None:
    """Subject word closest before a trigger, within its clause ("me" counts)."""
    return _last_subject(tokens[-window:], _CLAUSE_STOP, _SELF_WORDS)


def _sentence_subject(tokens: list[str]) -> str | None:
    """Subject word closest before a trigger, within its sentence."""
    return _last_subject(tokens, _SENTENCE_STOP, _SELF_WORDS - {"me"})


def _adjacent_subject(tokens: list[str]) -> str | None:
    for tok in reversed(tokens):
        if tok in _ADVERBS:
            continue
        if tok in _SELF_WORDS - {"me"}:
            return _SELF
        if tok in _OTHER_WORDS or tok in ("that", "which"):
            return _OTHER
        return None
    return None


def _negated(tokens: list[str]) -> bool:
    for tok in reversed(tokens[-3:]):
        if tok in _NEGATORS:
            return True
        if tok not in _ADVERBS and tok not in ("do", "does", "did", "am", "is", "are", "be"):
            return False
    return False


def _same_sentence(text: str, a: int, b: int) -> bool:
    return not re.search(r"[.;!?:]", text[a:b])


def _subject(text: str, hit: _Hit, prev: tuple[_Hit, str] | None) -> str | None:
    """Who does the trigger's verb: _SELF, _OTHER, or None to drop the trigger."""
    trig = hit.trigger
    if trig.subject:
        return trig.subject
    floor = prev[0].end if prev else 0
    tokens = _tokens_before(text, hit.start)
    if trig.strict:
        return _adjacent_subject(tokens)
    near = _near_subject(_tokens_before(text[floor:], hit.start - floor))
    if near:
        return near
    if prev and _same_sentence(text, prev[0].end, hit.start):
        return prev[1]
    default = (_OTHER if hit.first_word in _THIRD_PERSON
               else _SELF if hit.first_word in _WILLING else trig.default)
    return _sentence_subject(tokens) or default


def _object_text(text: str, start: int, end: int) -> str:
    chunk = text[start:end]
    stop = _OBJECT_STOP.search(chunk)
    return chunk[: stop.start()] if stop else chunk


def _clean(phrase: str) -> str | None:
    """Strip filler from one skill phrase; None if nothing skill-like is left."""
    out = _EDGE_PUNCT.sub("", phrase.strip())
    for _ in range(8):
        new = _EDGE_PUNCT.sub("", _LEAD_FILLER.sub("", out))
        if new == out or not new:
            break
        out = new
    for _ in range(8):
        new = _EDGE_PUNCT.sub("", _TRAIL_FILLER.sub("", out))
        if new == out or not new or new.casefold() in _STOP_OBJECTS:
            break
        out = new
    words = out.split()
    if not words or not re.search(r"[^\W_]", out) or len(words) > 7:
        return None
    if out.casefold() in _STOP_OBJECTS or words[0].casefold() in _BAD_FIRST:
        return None
    return out


def _split(phrase: str) -> list[str]:
    guarded = _IDIOMS.sub(lambda m: re.sub(r"\s+and\s+", "\u0001", m.group()), phrase)
    parts = [p.replace("\u0001", " and ") for p in _SPLIT.split(guarded) if p]
    return [c for c in (_clean(p) for p in parts) if c]


def _extract_skills(text: str) -> tuple[list[str], list[str]]:
    """(wants, offers) read from ``text`` (filters already blanked out)."""
    wants: list[str] = []
    offers: list[str] = []
    hits = _trigger_hits(text)
    prev: tuple[_Hit, str] | None = None
    for i, hit in enumerate(hits):
        subject = _subject(text, hit, prev)
        if subject is None or _negated(_tokens_before(text, hit.start)):
            continue
        prev = (hit, subject)
        stop = hits[i + 1].start if i + 1 < len(hits) else len(text)
        skills = _split(_object_text(text, hit.end, stop))
        into_wants = (hit.trigger.role == _TEACH) == (subject == _OTHER)
        target = wants if into_wants else offers
        target.extend(s for s in skills if s.casefold() not in {t.casefold() for t in target})
    return wants, offers


# =====================================================================================
# intents
# =====================================================================================
@dataclass
class _Msg:
    """A message prepared for the intent rules."""

    raw: str
    text: str          # normalised, original casing
    core: str          # text without pleasantries and end punctuation
    ctx: _Ctx
    has_candidates: bool
    filters: Filters
    wants: list[str]
    offers: list[str]

    @property
    def skills(self) -> bool:
        return bool(self.wants or self.offers)

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?") or bool(_QUESTION_START.match(self.core))


@dataclass
class _Decision:
    """A rule's verdict."""

    intent: str
    target: str | None = None
    question: str | None = None
    wants: list[str] | None = None


_Rule = Callable[[_Msg], "_Decision | None"]

_QUESTION_START = re.compile(
    r"(?:how|what|when|where|why|who|which|can|could|should|would|will|is|are|am|do|does|did|"
    r"may|might|must|shall|if|any)\b", _I)
_RESET = re.compile(
    r"(?:let\s+us\s+|can\s+we\s+|i\s+want\s+to\s+|i\s+would\s+like\s+to\s+|please\s+)?"
    r"(?:start\s+(?:over|again|afresh|from\s+scratch)|reset|restart|clear(?:\s+(?:everything|"
    r"all|(?:the\s+|my\s+|all\s+)?filters|(?:the\s+|my\s+)?search))?|begin\s+again|new\s+search|"
    r"forget\s+(?:everything|all\s+that|all\s+of\s+that)|from\s+the\s+top)\b", _I)
_HELP = re.compile(
    r"(?:help|\?+|h|(?:i\s+)?need\s+help|help\s+me|can\s+you\s+help(?:\s+me)?|"
    r"what\s+can\s+(?:you|i)\s+(?:do|ask|say)(?:\s+here)?|what\s+do\s+you\s+do|"
    r"how\s+(?:does\s+this|do\s+i\s+use\s+this|does\s+this\s+bot|do\s+you)\s+work|"
    r"how\s+do\s+i\s+use\s+(?:this|you)|commands|options|menu|instructions|usage|"
    r"what\s+are\s+(?:you|my\s+options)|who\s+are\s+you|what\s+is\s+this)", _I)
_SMALLTALK_WORDS = _words(
    "hi hello hey hiya yo there thanks thank you so much a lot ok okay cool great nice awesome "
    "perfect bye goodbye cheers ta thx morning good afternoon evening yes yeah yep sure lovely "
    "brilliant got it sounds see ya later how are doing lol haha wow all again very "
    "appreciated np no worries fine alright right gotcha understood welcome everyone "
    "excellent amazing wonderful hmm oh ah well noted")
_BARE_NO = re.compile(r"(?:no|nope|nah|no\s+thanks?|no\s+thank\s+you|not\s+really)", _I)
_AGENDA_STRONG = re.compile(
    r"\bagenda\b|\btalking\s+points\b|\bice-?breakers?\b|\bsession\s+plan\b|"
    r"\b(?:plan|draft|outline|structure|write|create|make)\b.{0,30}\b(?:session|meeting|call|"
    r"catch-?up)\b|\b(?:first|next|opening|initial|kick-?off|1st)\s+(?:session|meeting|call|"
    r"catch-?up|chat)\b.{0,40}\b(?:do|cover|discuss|talk|plan|topics?|start)\b", _I)
_AGENDA_WEAK = re.compile(
    r"\bwhat\s+(?:should|shall|could|can|do)\s+we\s+(?:do|cover|discuss|talk\s+about|"
    r"work\s+on|start\s+with)\b|\btopics?\s+(?:for|to\s+cover|to\s+discuss)\b|"
    r"\bwhat\s+(?:topics?|things)\s+(?:should|shall|could|can|do)\s+we\b|"
    r"\b(?:first|next|opening|initial|kick-?off)\s+(?:session|meeting)\b", _I)
_WHY = re.compile(
    r"^(?:and\s+|but\s+|so\s+)?why\b|\bwhat\s+makes\s+.+\s+a\s+good\s+(?:fit|match|partner)|"
    r"\bhow\s+(?:is|are|does|do)\s+.+\s+(?:a\s+good\s+)?(?:fit|match)\b|"
    r"\bexplain\s+(?:the\s+|this\s+|that\s+|your\s+)?(?:match|choice|pick|suggestion|"
    r"recommendation|pairing|why)\b|\breason(?:s|ing)?\s+(?:for|behind)\b", _I)
_WHY_TARGETED = re.compile(  # needs an explicit target: "would Sam be a good fit?"
    r"^(?:would|is|are|was|will|could)\s+.+?\s+(?:be\s+)?(?:a\s+|the\s+)?(?:good|great|"
    r"right|best|better|strong)\s+(?:fit|match|partner|choice|pick)\b", _I)
_REJECT_TARGETED = re.compile(
    r"\b(?:not|skip|pass\s+on|drop|rule\s+out|exclude|remove|hide|no\s+to|anyone\s+but|"
    r"anybody\s+but|except(?:\s+for)?|other\s+than|apart\s+from|besides|"
    r"(?:do|does)\s+not\s+(?:want|like|fancy)|rather\s+not(?:\s+(?:have|go\s+with|pair\s+with|"
    r"work\s+with))?|not\s+keen\s+on|not\s+interested\s+in|not\s+sure\s+about)\s+", _I)
_REJECT_STANDALONE = re.compile(
    r"\b(?:some(?:one|body)\s+(?:else|different)|a\s+different\s+(?:person|one|partner|match)|"
    r"another\s+(?:person|partner|match)|not\s+(?:a\s+)?(?:good|great|right)\s+(?:fit|match)|"
    r"not\s+(?:for\s+me|suitable|quite\s+right)|(?:does|do)\s+not\s+(?:suit|fit|work\s+for)|"
    r"no\s+good)\b", _I)
_ABOUT = re.compile(
    r"^(?:and\s+|so\s+|ok\s+|okay\s+)?(?:what|how)\s+about\b|\btell\s+me\s+(?:more\s+|"
    r"a\s+bit\s+(?:more\s+)?)?about\b|\b(?:more|details|info|information|background)\s+"
    r"(?:about|on)\b|^who\s+(?:is|was)\b|\bwhat\s+(?:is|are)\s+.+\s+like\b|"
    r"\bwhat\s+do\s+(?:you|we)\s+know\s+about\b|\bdescribe\b|\bprofile\s+(?:of|for)\b|"
    r"\bwhat\s+(?:does|do)\s+.+\s+(?:do|teach|offer|know|want)\b", _I)
_AUX_QUESTION = re.compile(  # "does Jonas want strategy help?" asks about Jonas
    r"(?:does|do|did|is|was|can|could|would|will|has)\s+", _I)
_ABOUT_LOOSE = re.compile(r"^(?:and\s+|so\s+|ok\s+|okay\s+)?(?:what|how)\s+about\b", _I)
_SELECT = re.compile(
    r"\b(?:pair|match|connect|team|link|hook|book)\s+(?:me\s+)?(?:up\s+)?(?:with|to)\b|"
    r"\bintroduce\s+(?:me|us)\s+to\b|\b(?:go|going|proceed)\s+(?:ahead\s+)?with\b|"
    r"\b(?:take|pick|choose|select|book|confirm|opt\s+for)\b|"
    r"\b(?:i|we)\s+(?:would\s+|will\s+|do\s+|really\s+)?(?:like|prefer|want|fancy)\b|"
    r"\b(?:can|could|may)\s+(?:i|we)\s+(?:meet|have|get|go\s+with|pair\s+with|work\s+with)\b|"
    r"\blet\s+us\s+(?:do|go\s+for|try|book|have)\b|\bgo\s+for\b|"
    r"\b(?:sounds|looks|seems|is)\s+(?:perfect|great|good|ideal|right)\b|\bit\s+is\b", _I)
_LIKE_SOMEONE = re.compile(
    r"\b(?:someone|somebody|anyone|anybody|people|partners?|others?|more)\s+(?:just\s+)?"
    r"(?:like|similar\s+to)\b", _I)
_MORE = re.compile(
    r"(?:(?:can|could)\s+(?:you|i)\s+)?(?:(?:show|give|send|get|find|see|load)\s+(?:me\s+|us\s+)?)?"
    r"(?:some\s+|a\s+few\s+|any\s+|\d{1,2}\s+)?(?:more|others|other\s+ones|other\s+options|"
    r"another\s+(?:one|few|batch|option|page)|different\s+options)(?:\s+(?:options|people|"
    r"candidates|matches|suggestions|results|names|ones|like\s+(?:this|that|these|those)))?|"
    r"(?:any|got\s+any|are\s+there\s+any)\s+(?:others|more|other\s+(?:options|people|"
    r"candidates|matches|suggestions|ones))|(?:who|anyone|anybody|what)\s+else|"
    r"next(?:\s+(?:one|ones|few|batch|page))?|keep\s+going|another|others|"
    r"more\s+(?:options|people|candidates|matches|suggestions|results)|"
    r"(?:more\s+)?(?:people|ones|candidates|partners)?\s*like\s+(?:this|that|these|those|them|"
    r"her|him)(?:\s+(?:one|person))?", _I)
_GUIDANCE_STRONG = re.compile(
    r"\b(?:cancel\w*|confidential\w*|privacy|private|secret|coordinator|organi[sz]er|"
    r"programmes?|programs?|scheme|cohort|how\s+often|how\s+long|how\s+many\s+(?:times|"
    r"sessions|meetings|hours|weeks|months)|frequency|cadence|fortnightly|weekly|monthly|"
    r"rules?|policy|policies|guidelines?|expectations?|expected|commitment|feedback|"
    r"(?:do|does|did)\s+not\s+get\s+(?:on|along)|not\s+getting\s+(?:on|along)|get\s+along|"
    r"clash\w*|conflict|re-?pair\w*|re-?match\w*|new\s+partner|(?:change|switch|swap)\w*\s+"
    r"(?:my\s+)?partners?|different\s+partner|drop\s+out|quit|withdraw|leave\s+the|"
    r"end\s+early|no-?show\w*|ghost\w*|reschedul\w*|complain\w*|escalat\w*|report\s+(?:a|an|"
    r"my)|boundar\w*|ground\s+rules|certificate|evaluation|objectives?|goals?|duration|"
    r"reverse\s+mentoring|reciprocal\s+mentoring|sign\s*up|enrol\w*|deadline|time\s+off|"
    r"holiday|unresponsive|not\s+respond\w*|late|hr|manager|allowed|okay\s+to|ok\s+to)\b", _I)
_GUIDANCE_WEAK = re.compile(
    r"\b(?:meet|meeting|meetings|session|sessions|partner|partners|mentor|mentors|mentee|"
    r"mentees|mentoring|pair|pairing|prepare|preparation|online|in\s+person|remote|virtual|"
    r"video|zoom|call|calls|topics?)\b", _I)
_GUIDANCE_OPENER = re.compile(
    r"(?:tell\s+me|explain|i\s+am\s+(?:worried|unsure|not\s+sure|confused|wondering)|"
    r"i\s+wonder|my\s+partner|what\s+happens|i\s+(?:want|would\s+like)\s+to\s+know)\b", _I)
_PARTNER_SEEK = re.compile(
    r"\b(?:good|great|best|ideal|right|suitable|perfect|possible|potential|strong|likely)\s+"
    r"(?:mentoring\s+)?(?:partners?|match(?:es)?|fit|mentors?|mentees?|pairings?)\b|"
    r"\b(?:find|suggest|recommend|show)\s+(?:me\s+)?(?:a\s+|some\s+|my\s+)?(?:partners?|"
    r"match(?:es)?|mentors?|mentees?|someone|somebody|people|candidates|options)\b|"
    r"\b(?:pair|match|connect)\s+me\b|\bwho\s+(?:should|could|would|can|might|do)\s+i\s+"
    r"(?:be\s+)?(?:pair|partner|match|meet|work|learn|team)\w*|\bwho\s+(?:would|could|should|"
    r"might)\s+(?:suit|be\s+good\s+for)\s+me\b|\bsuit\s+me\b|\blooking\s+for\s+(?:a\s+)?"
    r"(?:partner|match|mentor|mentee|someone|somebody)\b|\bwho\s+(?:can|could|would|might)\s+"
    r"(?:teach|mentor|help|coach|show)\b|\b(?:any\s+)?suggestions\s+for\s+who\b|"
    r"\bwho\s+(?:is|are|would\s+be)\s+(?:my|a)\s+(?:best\s+)?(?:match|partner)\b|"
    r"\b(?:someone|somebody|anyone|people|partners?)\s+(?:like|similar\s+to)\b", _I)


def _rule_empty(m: _Msg) -> _Decision | None:
    if m.core.strip(" ?.!,"):
        return None
    return _Decision("help" if "?" in m.text else "smalltalk")


def _rule_reset(m: _Msg) -> _Decision | None:
    return _Decision("reset") if _RESET.match(m.core) else None


def _rule_help(m: _Msg) -> _Decision | None:
    return _Decision("help") if _HELP.fullmatch(m.core) else None


def _rule_bare_no(m: _Msg) -> _Decision | None:
    if m.has_candidates and _BARE_NO.fullmatch(m.core):
        return _Decision("reject", target="previous")
    return None


def _rule_smalltalk(m: _Msg) -> _Decision | None:
    words = re.findall(r"[a-z']+", m.text.casefold())
    return _Decision("smalltalk") if words and set(words) <= _SMALLTALK_WORDS else None


def _rule_agenda(m: _Msg) -> _Decision | None:
    if _AGENDA_STRONG.search(m.core) and not (
            _GUIDANCE_STRONG.search(m.core) and not re.search(r"\bagenda\b", m.core, _I)):
        return _Decision("agenda")
    if _AGENDA_WEAK.search(m.core) and not _GUIDANCE_STRONG.search(m.core) and not m.skills \
            and not re.match(r"how\b", m.core, _I):
        return _Decision("agenda")
    return None


def _rule_why(m: _Msg) -> _Decision | None:
    if _WHY_TARGETED.search(m.core):
        target = _find_target(m.core, m.ctx)
        return _Decision("why", target=target) if target else None
    if not _WHY.search(m.core):
        return None
    target = _find_target(m.core, m.ctx)
    if target is None and _GUIDANCE_STRONG.search(m.core):
        return None
    return _Decision("why", target=target or "previous")


def _rule_reject(m: _Msg) -> _Decision | None:
    for hit in _REJECT_TARGETED.finditer(m.core):
        words = " ".join(m.core[hit.end():].split()[:4])
        target = _find_target(words, m.ctx)
        if target and m.skills and hit.start() > 0:
            continue  # "someone who knows Excel but not Jonas" is a find with an exclusion
        if target:
            return _Decision("reject", target=target)
    if _REJECT_STANDALONE.search(m.core):
        return _Decision("reject", target=_find_target(m.core, m.ctx) or "previous")
    return None


def _rule_about(m: _Msg) -> _Decision | None:
    hit = _ABOUT.search(m.core)
    if hit:
        target = _find_target(m.core, m.ctx)
        if target and not (target == "previous" and m.skills):
            return _Decision("about", target=target)
    name = _find_name(m.core, m.ctx, anchored=True)
    if name and not m.core[name[1]:].strip(" ?!.,"):
        return _Decision("about", target=name[0])
    aux = _AUX_QUESTION.match(m.core)
    name = _find_name(m.core[aux.end():], m.ctx, anchored=True) if aux else None
    return _Decision("about", target=name[0]) if name else None


def _rule_select(m: _Msg) -> _Decision | None:
    if _BARE_ORDINAL.fullmatch(m.core):
        digits = re.sub(r"\D", "", m.core)
        return _Decision("select", target=_find_ordinal(m.core) or f"ordinal:{int(digits)}")
    hit = _SELECT.search(m.core)
    if not hit:
        return None
    target = _find_target(m.core, m.ctx)
    if _LIKE_SOMEONE.search(m.core):
        return None  # "someone like Priya" asks for others
    if target is None or (target == "previous" and m.skills):
        return None
    return _Decision("select", target=target)


def _rule_more(m: _Msg) -> _Decision | None:
    return _Decision("more") if _MORE.fullmatch(m.core) else None


def _rule_guidance(m: _Msg) -> _Decision | None:
    if m.skills or not (m.is_question or _GUIDANCE_OPENER.match(m.core)):
        return None
    strong = _GUIDANCE_STRONG.search(m.core)
    weak = _GUIDANCE_WEAK.search(m.core) and not _PARTNER_SEEK.search(m.core)
    if strong or (weak and m.filters.is_empty()):
        return _Decision("guidance", question=m.raw.strip())
    return None


def _rule_find(m: _Msg) -> _Decision | None:
    return _Decision("find") if m.skills or _PARTNER_SEEK.search(m.core) else None


def _rule_refine(m: _Msg) -> _Decision | None:
    return _Decision("refine") if not m.filters.is_empty() else None


def _rule_about_unknown(m: _Msg) -> _Decision | None:
    return _Decision("about") if _ABOUT_LOOSE.match(m.core) else None


def _rule_bare_skill(m: _Msg) -> _Decision | None:
    """A short fragment with a capital, digit or symbol ("Power BI", "C++?") names a skill."""
    words = m.core.split()
    if not 1 <= len(words) <= 4 or _QUESTION_START.match(m.core):
        return None
    if not re.search(r"[A-Z0-9+#]", m.core) or _PRONOUN_RE.search(m.core):
        return None
    skills = _split(m.core)
    return _Decision("find", wants=skills) if skills else None


def _rule_fallback(m: _Msg) -> _Decision | None:
    return _Decision("help")


_RULES: tuple[_Rule, ...] = (
    _rule_empty, _rule_reset, _rule_help, _rule_bare_no, _rule_smalltalk, _rule_agenda,
    _rule_why, _rule_reject, _rule_about, _rule_select, _rule_more, _rule_guidance,
    _rule_find, _rule_refine, _rule_about_unknown, _rule_bare_skill, _rule_fallback,
)
_KEEPS_SKILLS = frozenset({"find", "reject"})


# =====================================================================================
# entry point
# =====================================================================================
def parse(text: str, context: ParseContext | None = None,
          has_candidates: bool = False) -> ParsedRequest:
    """Turn one chat message into a :class:`ParsedRequest` (see the module docstring)."""
    ctx = _context(context)
    normal = _normalise(text or "")
    scan = _scan_filters(normal, ctx)
    wants, offers = _extract_skills(scan.blanked())
    msg = _Msg(text or "", normal, _core(normal), ctx, has_candidates, scan.filters,
               wants, offers)
    decision = _Decision("help")
    for rule in _RULES:
        verdict = rule(msg)
        if verdict is not None:
            decision = verdict
            break
    keep = decision.intent in _KEEPS_SKILLS
    if decision.wants is not None:
        wants = decision.wants
    filters = scan.filters
    if decision.intent == "reject" and decision.target and ":" not in decision.target \
            and decision.target != "previous":
        filters.exclude_names = _union(filters.exclude_names, [decision.target])
    return ParsedRequest(
        intent=decision.intent,
        wants=wants if keep else [],
        offers=offers if keep else [],
        filters=filters,
        target=decision.target,
        question=decision.question,
        raw=text,
    )
