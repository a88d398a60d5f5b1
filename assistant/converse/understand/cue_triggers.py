"""The rule reading's trigger table: verb phrases whose object is a skill, with their role.

Part of :mod:`.cues` (evidence for the learned models, never the decision). ``teach``:
the subject teaches the object ("teaches", "good at", "can help with"); ``learn``: the
subject wants to learn it ("learn", "keen to pick up", "need help with"). The subject is
``self`` (the writer) or ``other`` (the partner), fixed for some triggers ("teach me",
"in exchange I can") and otherwise read from the sentence (:mod:`.cue_reading`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.converse.understand.types import words as _words

_I = re.IGNORECASE
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
    # "nothing to offer but X", "can not offer much beyond X", "no expert at anything
    # except maybe X": the exception is what the writer offers
    _t(r"(?:not|no|nothing|little|hardly)\s+(?:[\w']+\s+){0,4}?(?:offer|give|teach|share|"
       r"bring|expert|good\s+at|skills?)\w*(?:\s+[\w']+){0,4}?\s+(?:beyond|except(?:\s+for)?|"
       r"apart\s+from|other\s+than|besides|but|save\s+for|outside\s+of)(?:\s+(?:maybe|"
       r"perhaps|probably|possibly|really|a\s+(?:bit|little)\s+of|some))*", _TEACH, _SELF),
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

