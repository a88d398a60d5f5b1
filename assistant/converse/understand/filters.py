"""Filters asked for in a message: places, departments, career stages, zones, names to skip.

Rules, because these are exact: the values come from the cohort (the parse context), and
the words around a mention decide whether it includes or excludes. Every match is a span
the skill tagger is told about, so a place is never read as a skill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.converse.understand.context import Ctx, Entities, find_name, squash
from assistant.converse.understand.situations import (
    CLAUSE_START,
    PARTNER_NOUN,
    PARTNER_WORD,
    PEOPLE_NOUN,
    modifier,
    situation,
)
from assistant.converse.understand.types import CAREER_STAGES, Filters, union

_I = re.IGNORECASE
_SAME_TZ = re.compile(
    r"\b(?:(?:in|within|on|from|share|sharing|shares|with)\s+)?(?:my|our|the\s+same|same|"
    r"a\s+similar|similar|a\s+compatible|compatible|overlapping|a\s+close|close|nearby|"
    r"matching)\s+(?:time\s*-?\s*zones?|tz|working\s+hours|hours)\b", _I)
_NOT_MY_DEPT = re.compile(
    r"\b(?:not|isn'?t|aren'?t|outside|except|excluding|never|nobody|no\s+one|anyone\s+but|"
    r"away)\s+"
    r"(?:(?:in|from|of|within)\s+)?(?:my|our)\s+(?:own\s+)?(?:department|dept|team|function|"
    r"division|business\s+unit|org|area)\b|\b(?:a\s+)?(?:different|other|another|separate)\s+"
    r"(?:departments?|depts?|teams?|functions?|divisions?|business\s+units?)\b|"
    r"\bcross[-\s]?(?:departmental|department|functional|team)\b", _I)
#: a wish that the partner learn from the asker too ("someone I can teach back", "they'd
#: want something I know", "a two-way exchange"): words about the exchange, never a
#: skill; "in return" before "for" is a swap's ("teach X in return for Y") and stays
_ANY = r"(?:something|anything|stuff|whatever|what|things?)"
_MINE = (r"(?:i|that\s+i|which\s+i)\s*(?:can|could|'d|would|might)?\s*"
         r"(?:teach|offer|know|bring|give|share|do|help\s+with)")
_TWO_WAY = re.compile(
    r"\b(?:two[-\s]?way|both\s+ways|mutual(?:ly)?|reciprocal|each\s+other|one\s+another)"
    r"(?:\s+(?:exchange|swap|thing|arrangement|match|pairing|benefit))?\b"
    r"(?!\s+(?:mentor|reverse|programme|program|scheme))"
    r"|\b(?:want|wants|wanted|wanting|keen\s+on|interested\s+in|like|love|learn|learning|"
    r"benefit\s+from|get\s+something\s+out\s+of)\s+(?:to\s+learn\s+)?" + _ANY + r"\s+" + _MINE
    + r"(?:\s+(?:back|in\s+return|too|as\s+well|also))?\b(?!\s+for\b)"
    r"|\b(?:learn|learning|benefit)\s+(?:something\s+|a\s+lot\s+)?from\s+(?:me|my\s+skills|"
    r"what\s+i\s+(?:know|teach|offer)|my\s+side)\b(?:\s+(?:too|as\s+well|also|in\s+return))?"
    r"|\bget\s+something\s+out\s+of\s+it(?:\s+(?:too|as\s+well|also))?"
    r"|\bbenefit\s+from\s+my\s+(?:skills|experience|side)(?:\s+(?:too|as\s+well|also))?"
    r"|\b(?:i|we)\s*(?:can|could|'d|would)?\s*(?:teach|help|give)\s+(?:them\s+|something\s+)?"
    r"(?:back|in\s+return)\b(?=\s*(?:too|as\s+well|please|then|though)?\s*(?:[.,;:!?)]|$))"
    r"|\bkeen\s+on\s+what\s+i\s+(?:can|could)?\s*(?:offer|teach|bring)\b", _I)
_EXCLUDE_CUE = re.compile(
    r"(?:(?:\bbut\s+)?\bnot\s+(?:any(?:one|body)\s+|some(?:one|body)\s+|people\s+|folks\s+)?"
    r"(?:based\s+|located\s+)?(?:in|from|at|within)?|\boutside(?:\s+of)?|"
    r"\bexcept(?:\s+for)?|\bexcluding|\bexclude|\bother\s+than|\banywhere\s+but|"
    r"\banyone\s+but|\bapart\s+from|\bbesides|\bbut\s+not|\bno(?:\s+one|body|one)\s+"
    r"(?:in|from|at|based\s+in)|\bwithout|\bavoid(?:ing)?|\bnon-?|\bno)\s*(?:the\s+)?$", _I)
_INCLUDE_CUE = re.compile(
    r"\b(?:in|into|from|within|at|near|around|inside|only|just|based\s+in|located\s+in|"
    r"based\s+out\s+of)\s+(?:the\s+)?$", _I)
_SKILL_CONTEXT = re.compile(
    r"\b(?:interested|interest|experts?|skilled|experience|experienced|background|skills?|"
    r"good|better|great|knowledge|qualified|specialist|speciali[sz]\w*|career|degree|courses?|"
    r"training|certified|help|support|advice|guidance|tips|fluent|proficient|strong|confident|"
    r"learn|learning|study|studying|studied|get|getting|improve|improving|knows?|teach\w*|"
    r"me|work\s+on|role|job)\s+(?:in|into|at|from|within|around)\s+(?:the\s+)?$", _I)
_ENTITY_SUFFIX = re.compile(
    r"(?:\s*-?\s*based|\s+(?:office|team|department|dept|function|org|division|unit|people|"
    r"folks|colleagues|staff|area|hub|side|group|only|crowd|lot))*", _I)
_DEPT_SUFFIX = re.compile(r"\s+(?:team|department|dept|function|org|division|unit)\b", _I)
#: a department or career stage named in the writer's description of themselves ("I work
#: in HR", "I'm in finance", "I build the reports for the sales team", "I'm the grad who
#: fixes everyone's LinkedIn", "as a new starter") says who they are, not who the partner
#: should be: a first-person subject with a verb of being or doing, "my"/"our", or "as
#: a", in the clause before the mention ...
_SELF_CLAUSE = re.compile(
    r"\b(?:(?:i|we)\s*(?:'m|'re|am|are|was|were|work|worked|working|sit|run|manage|lead|"
    r"build|do|handle|look\s+after|head|own|joined|support|cover|report)|im|my|our|"
    r"as\s+an?|as\s+some(?:one|body)|being\s+an?|"
    r"i\s*(?:'ve|have|had)\s+(?:just\s+|recently\s+|only\s+)?(?:moved|joined|started|been|"
    r"worked|spent|come|transferred|switched))\b"
    # or a chat message's dropped subject at the clause's start: "just joined the IT team"
    r"|^\s*(?:just\s+|recently\s+|only\s+)?(?:joined|started|moved|work|working|new)\b", _I)
#: ... unless the clause, the mention or the word after it is about the partner
_PARTNER_AFTER = re.compile(rf"(?:{PARTNER_NOUN})\b", _I)
#: "as someone in Operations" is the writer, whatever "someone" says elsewhere
_AS_SOMEONE = re.compile(r"\bas\s+some(?:one|body)\b", _I)
#: "... here," after a mention introduces the writer: "Customer service team lead here",
#: "Senior person in Ops here"; unless the clause is looking for someone
_HERE_INTRO = re.compile(r"\s*(?:[\w'-]+\s+){0,2}?here\b\s*(?:[,.;:!-]|$)", _I)
_SEEKING = re.compile(r"\b(?:some(?:one|body)|any(?:one|body)|who|whoever|looking|need|want|"
                      r"find|seek\w*|after)\b", _I)
_CHAIN = re.compile(r"^\s*(?:,|/|&)?\s*(?:or|and|nor|,)?\s*(?:the\s+)?$", _I)
_EXCLUDE_NAME_CUE = re.compile(
    r"\b(?:not|except(?:\s+for)?|excluding|exclude|other\s+than|but\s+not|anyone\s+but|"
    r"anybody\s+but|apart\s+from|besides|without|skip|drop|rule\s+out|remove|no\s+to|"
    r"(?:do|does)\s+not\s+(?:want|like|fancy)|rather\s+not(?:\s+have)?|not\s+keen\s+on|"
    r"not\s+interested\s+in|no\s+more)\s+(?:with\s+|the\s+)?", _I)
_NAME_CHAIN = re.compile(r"\s*(?:,|or|and|nor|,\s*or|,\s*and)\s+", _I)

_STAGE_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\bearly[-\s]?careers?\b|\bearly\s+in\s+(?:their|his|her)\s+careers?\b|"
                r"\bjuniors?\b|\bentry[-\s]level\b|\bgraduates?\b|\bgrads?\b|"
                r"\bnew\s+(?:joiners?|starters?|hires?)\b|\binterns?\b|\bapprentices?\b|"
                r"\btrainees?\b", _I), ("early",)),
    (re.compile(r"\b(?:from|with|by)\s+an?\s+senior\b(?![-\s]+(?:executive|exec|leader))",
                _I), ("senior", "executive")),
    (re.compile(r"\b(?:from|with|by)\s+an?\s+executive\b", _I), ("executive",)),
    (re.compile(r"\bmid[-\s]?(?:career|level)\b|\bmiddle\s+managers?\b|"
                r"\bmiddle\s+management\b", _I), ("mid",)),
    (re.compile(rf"\bseniors\b|\bsenior[-\s]+{PEOPLE_NOUN}\b|\b(?:someone|somebody|anyone|"
                r"anybody|only|more|people|colleagues|folks|who\s+is|who\s+are)\s+senior\b|"
                r"^senior$", _I), ("senior", "executive")),
    (re.compile(rf"\bsenior\s+executives?\b|\bexecutives\b|\bexecs?\b|\bexecutive[-\s]+"
                rf"{PEOPLE_NOUN}\b|\bc-?suite\b|\bc-?level\b|\bvps?\b|"
                r"\bvice[-\s]presidents?\b|\bdirectors\b|\bdirector[-\s]level\b|"
                r"\bboard\s+members?\b|\bleadership\s+team\b|\bexec\s+team\b", _I),
     ("executive",)),
)
#: "presenting to executives", "emails to directors": the stage is who the skill is
#: for, part of the skill, not a wish about the partner
_AUDIENCE_CUE = re.compile(
    r"\b(?:present\w*|pitch\w*|speak\w*|talk\w*|writ\w*|emails?|emailing|report\w*|"
    r"brief\w*|sell\w*|influenc\w*|manag\w*|negotiat\w*|deal\w*|communicat\w*|"
    r"handl\w*|updat\w*|explain\w*|network\w*|stand\w*\s+up|push\w*\s+back|"
    # what one does to or for them: "onboard a new starter", "hiring graduates"
    r"onboard\w*|hir\w*|recruit\w*|interview\w*|train\w*|induct\w*|welcom\w*|retain\w*|"
    r"motivat\w*|supervis\w*)\s+"
    r"(?:(?:up\s+)?to|with|for|in\s+front\s+of|at)?\s*"
    r"(?:the\s+|our\s+|my\s+|an?\s+|a\s+room\s+of\s+|a\s+panel\s+of\s+)?$"
    # "dashboards for a non-tech exec", "Python for a complete beginner": who it is for
    r"|(?<!looking\s)(?<!searching\s)(?<!hoping\s)(?<!asking\s)(?<!waiting\s)(?<!look\s)"
    r"(?<!search\s)(?<!ask\s)(?<!wait\s)(?<!hope\s)"
    r"\bfor\s+(?:a|an|the|someone\s+who\s+is\s+an?)\s+(?:[\w-]+\s+){0,2}$", _I)
_STAGE_NEGATION = re.compile(
    r"(?:\bno|\bnot|\bnon-?|\bexcept(?:\s+for)?|\bexcluding|\bwithout|\banyone\s+but|"
    r"\bother\s+than|\bnobody|\bno\s+one)\s*(?:a\s+|an\s+|the\s+|too\s+|very\s+|that\s+|any\s+|"
    r"at\s+(?:an?\s+|the\s+)?|in\s+(?:an?\s+|the\s+)?|from\s+(?:an?\s+|the\s+)?)?$", _I)


@dataclass
class FilterScan:
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


def _scan_flags(scan: FilterScan) -> None:
    for pattern, attr in ((_SAME_TZ, "same_timezone"), (_NOT_MY_DEPT, "not_my_department"),
                          (_TWO_WAY, "two_way")):
        for m in pattern.finditer(scan.text):
            setattr(scan.filters, attr, True)
            scan.take(m.start(), m.end())


def _scan_timezones(scan: FilterScan, ctx: Ctx) -> None:
    for pattern, zones in ctx.timezones:
        for m in pattern.finditer(scan.text):
            if scan.free(m.start(), m.end()):
                scan.filters.timezones = union(scan.filters.timezones, list(zones))
                scan.take(m.start(), m.end())


def _scan_excluded_names(scan: FilterScan, ctx: Ctx) -> None:
    if not ctx.full:
        return
    for cue in _EXCLUDE_NAME_CUE.finditer(scan.text):
        pos = cue.end()
        while True:
            hit = find_name(scan.text[pos:pos + 60], ctx, anchored=True)
            if not hit:
                break
            scan.filters.exclude_names = union(scan.filters.exclude_names, [hit[0]])
            scan.take(cue.start(), pos + hit[1])
            chain = _NAME_CHAIN.match(scan.text, pos + hit[1])
            if not chain:
                break
            pos = chain.end()


def _entity_hits(text: str, ents: Entities) -> list[tuple[int, int, str]]:
    hits: list[tuple[int, int, str]] = []
    for pattern in (ents.pattern, ents.exact):
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            value = ents.lookup.get(m.group()) or ents.lookup.get(squash(m.group()))
            if value:
                hits.append((m.start(), m.end(), value))
    return sorted(hits)


def _scan_entities(scan: FilterScan, ents: Entities, is_dept: bool) -> None:
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
        own = (_self_described(text, start, tail)
               if not excl and (is_dept or not _NEAR.search(text)) else None)
        if own is not None:
            scan.take(own, tail)  # not a skill either: where the writer works
            continue
        excluded = bool(excl) or (chained and prev is not None and prev[1] and not incl)
        cue = excl or incl
        begin = start - (len(before) - cue.start()) if cue else start
        attr = ("exclude_" if excluded else "") + ("departments" if is_dept else "locations")
        setattr(scan.filters, attr, union(getattr(scan.filters, attr), [value]))
        scan.take(begin, tail)
        prev = (tail, excluded)


def _self_described(text: str, start: int, tail: int) -> int | None:
    """Where the writer's description of themselves that holds the mention at ``start`` (a
    department with its suffix, or a career stage, ending at ``tail``) begins, or None
    when the mention is about the partner (see :data:`_SELF_CLAUSE`). The description is
    the mention alone, or from its subject on when only framing words come between
    ("I work in", "just joined the", "I'm new in"): those words name no skill either."""
    offset = max(0, start - 60)
    before = text[offset:start]
    cut = CLAUSE_START.match(before)
    clause_at = offset + (cut.end() if cut else 0)
    clause = text[clause_at:start]
    after = text[tail:tail + 12]
    if _HERE_INTRO.match(text[tail:tail + 30]) and not _SEEKING.search(clause):
        return clause_at + len(clause) - len(clause.lstrip())
    subject = _SELF_CLAUSE.search(clause)
    if (subject is None or PARTNER_WORD.search(_AS_SOMEONE.sub(" ", clause))
            or _PARTNER_AFTER.match(after.lstrip(" '"))
            or PARTNER_WORD.search(text[start:tail])):
        return None
    if _FRAMING.fullmatch(clause[subject.end():]):
        return clause_at + subject.start()
    return start


#: a wish to meet nearby makes the writer's own place the partner's ("I'm in Leeds - anyone
#: near me?")
_NEAR = re.compile(r"\bnear(?:by)?\b|\bclose\s+(?:to\s+(?:me|us)|by)\b|\blocal(?:ly)?\b|"
                   r"\bsame\s+(?:office|city|site|building|location|place|town)\b|"
                   r"\bin[-\s]person\b|\bface[-\s]to[-\s]face\b", _I)
#: words between a self-description's subject and the mention that say nothing more
_FRAMING = re.compile(r"\s*(?:(?:in|into|on|at|of|for|with|the|a|an|our|my|new|here|now|"
                      r"currently|still|part|one|just|recently|moved|joined|started|"
                      r"transferred|switched|came|come|from|been|worked|working|to)\s+)*",
                      _I)


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


def _scan_stages(scan: FilterScan) -> None:
    included: set[str] = set()
    excluded: set[str] = set()
    for pattern, stages in _STAGE_PATTERNS:
        for m in pattern.finditer(scan.text):
            if not scan.free(m.start(), m.end()) or _AUDIENCE_CUE.search(
                    scan.text[max(0, m.start() - 40):m.start()]):
                continue
            own = _self_described(scan.text, m.start(), m.end())
            if own is not None:
                scan.take(own, m.end())  # who the writer is, not a wish
                continue
            if situation(scan.text, m.start(), m.end()) or modifier(
                    scan.text, m.start(), m.end()):
                continue  # people in the writer's situation, or part of a skill's name
            negated = _STAGE_NEGATION.search(scan.text[max(0, m.start() - 25):m.start()])
            (excluded if negated else included).update(stages)
            scan.take(m.start(), m.end())
    if included or excluded:
        keep = included or set(CAREER_STAGES)
        scan.filters.career_stages = [s for s in CAREER_STAGES if s in keep - excluded]


def scan_filters(text: str, ctx: Ctx) -> FilterScan:
    scan = FilterScan(text)
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

