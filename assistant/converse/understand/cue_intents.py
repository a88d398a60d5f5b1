"""The rule reading of intents: an ordered table of rules, the first that matches wins.

Part of :mod:`.cues`: its verdict is one feature of the intent classifier, which learned
from the examples how far to trust it (the table falls back to "help" for anything it
does not know, which is why it no longer decides).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.converse.understand.context import Ctx as _Ctx
from assistant.converse.understand.context import find_name as _find_name
from assistant.converse.understand.cue_reading import _split
from assistant.converse.understand.targets import BARE_ORDINAL as _BARE_ORDINAL
from assistant.converse.understand.targets import PRONOUN as _PRONOUN_RE
from assistant.converse.understand.targets import find_ordinal, find_target
from assistant.converse.understand.types import Filters, Named, Ordinal, Previous, Target
from assistant.converse.understand.types import words as _words

_I = re.IGNORECASE
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
    target: Target | None = None
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
        return _Decision("reject", target=Previous())
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
        target = find_target(m.core, m.ctx)
        return _Decision("why", target=target) if target else None
    if not _WHY.search(m.core):
        return None
    target = find_target(m.core, m.ctx)
    if target is None and _GUIDANCE_STRONG.search(m.core):
        return None
    return _Decision("why", target=target or Previous())


def _rule_reject(m: _Msg) -> _Decision | None:
    for hit in _REJECT_TARGETED.finditer(m.core):
        words = " ".join(m.core[hit.end():].split()[:4])
        target = find_target(words, m.ctx)
        if target and m.skills and hit.start() > 0:
            continue  # "someone who knows Excel but not Jonas" is a find with an exclusion
        if target:
            return _Decision("reject", target=target)
    if _REJECT_STANDALONE.search(m.core):
        return _Decision("reject", target=find_target(m.core, m.ctx) or Previous())
    return None


def _rule_about(m: _Msg) -> _Decision | None:
    hit = _ABOUT.search(m.core)
    if hit:
        target = find_target(m.core, m.ctx)
        if target and not (isinstance(target, Previous) and m.skills):
            return _Decision("about", target=target)
    name = _find_name(m.core, m.ctx, anchored=True)
    if name and not m.core[name[1]:].strip(" ?!.,"):
        return _Decision("about", target=Named(name[0]))
    aux = _AUX_QUESTION.match(m.core)
    name = _find_name(m.core[aux.end():], m.ctx, anchored=True) if aux else None
    return _Decision("about", target=Named(name[0])) if name else None


def _rule_select(m: _Msg) -> _Decision | None:
    if _BARE_ORDINAL.fullmatch(m.core):
        digits = re.sub(r"\D", "", m.core)
        return _Decision("select", target=find_ordinal(m.core) or Ordinal(int(digits)))
    hit = _SELECT.search(m.core)
    if not hit:
        return None
    target = find_target(m.core, m.ctx)
    if _LIKE_SOMEONE.search(m.core):
        return None  # "someone like Priya" asks for others
    if target is None or (isinstance(target, Previous) and m.skills):
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



def decide(raw: str, text: str, core: str, ctx: _Ctx, has_candidates: bool, filters: Filters,
           wants: list[str], offers: list[str]) -> str:
    """The intent the rule table gives a message (``find``, ``guidance``, ``help``...)."""
    msg = _Msg(raw, text, core, ctx, has_candidates, filters, wants, offers)
    for rule in _RULES:
        verdict = rule(msg)
        if verdict is not None:
            return verdict.intent
    return "help"
