"""Whether a career-stage word in a message is about the partner wished for.

A stage word can name people in the writer's situation ("I freeze in meetings with the
VP", "when execs ask hard questions", "grilled by execs") or be part of a skill's name
("exec presence", "graduate recruitment"); then it is no filter. Words that tie it to
the partner ("learn from the senior leaders", "a VP who knows budgeting") keep it one.
The regular expressions of people and partner words are shared with :mod:`.filters`.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
#: words for the partner, for a clause about them, and for people of a stage ("senior
#: people", "exec team"); where a clause starts
PARTNER_NOUN = (r"people|person|folks|colleagues?|mentors?|partners?|buddy|buddies|match|"
                r"coach|tutor|expert|only")
PARTNER_WORD = re.compile(
    rf"\b(?:some(?:one|body)|any(?:one|body)|who|whoever|them|they|he|she|somewhere|"
    rf"{PARTNER_NOUN})\b", _I)
_PEOPLE_WORDS = (r"people|staff|leaders?|leadership|colleagues|folks|managers?|persons?|ones|"
                 r"employees|mentors?|mentees?|partners?|level|members?|only|talent|hires?|"
                 r"person|team|crowd")
PEOPLE_NOUN = rf"(?:{_PEOPLE_WORDS})"
CLAUSE_START = re.compile(r".*(?:[.;!?:]|\s-\s|\bbut\b|\band\b|,)", _I | re.S)


#: a stage word that names people in the writer's situation, not the partner wished for
#: ("I freeze in meetings with the VP", "when execs ask hard questions I go blank",
#: "directors keep asking me for updates", "tongue-tied around senior people", "got
#: grilled by execs"): a preposition of presence before it, the agent of a passive
#: verb, or the subject of a verb after it ...
_PRESENCE_BEFORE = re.compile(
    r"\b(?:around|among|amongst|in\s+front\s+of|(?:meetings?|calls?|conversations?)\s+with)"
    r"\s+(?:(?:the|my|our|their|other|some|all\s+the)\s+)?(?:[a-z]+\s+)?$", _I)
_AGENT_BEFORE = re.compile(
    r"\b(?!(?:mentored|coached|taught|trained|guided|supported|helped|matched|paired|"
    r"partnered|inspired|shown|shadowed)\b)[a-z]+(?:ed|en)\s+by\s+(?:(?:the|my|our)\s+)?"
    r"(?:[a-z]+\s+)?$", _I)
SUBJECT_VERB = re.compile(
    r"\s+(?:(?:always|never|often|usually|just|still|really|also|all|constantly|"
    r"sometimes|now)\s+)?"
    r"(?:keeps?|kept|asks?|asked|wants?|wanted|thinks?|thought|expects?|expected|says?|said|"
    r"ignores?|ignored|do|does|did|don't|doesn't|didn't|won't|can't|are|is|were|was|"
    r"seems?|seemed|hates?|hated|loves?|loved|gets?|got|makes?|made|reads?|needs?|"
    r"tends?|pushe?s?|pushed|prefers?|grill\w*|fires?|fired|skims?|zones?\s+out|"
    r"demands?|demanded|complain\w*|question\w*|interrupt\w*|challeng\w*|"
    r"scare\w*|intimidat\w*|stares?|stared|judge\w*|rejected|rejects?|looks?|looked|"
    r"watch(?:es|ed)?|sees?|saw|reviews?|reviewed|calls?|called|joins?|joined|"
    r"turns?|turned|shoots?|shot|tells?|told|gives?|gave|sends?|sent|walks?|walked)\b", _I)
#: ... unless the words around it tie it to the partner ("a mentor from the leadership
#: team", "learn from our senior staff", "one of the directors", "the exec who ran sales")
_PARTNER_BEFORE = re.compile(
    rf"(?:\b(?:some(?:one|body)|any(?:one|body)|{PARTNER_NOUN}|one)\s+(?:[a-z]+\s+)?"
    r"(?:from|on|in|at|of|within|among)\s+(?:the|our|my)\s+"
    r"|\b(?:an?|some|any|with|from|to|of)\s+)(?:[a-z]+\s+)?$", _I)
_PARTNER_OPENING = re.compile(r"(?:some(?:one|body)|any(?:one|body)|who)\b", _I)
_PARTNER_NEXT = re.compile(
    r"\s*(?:who|that|to\s+(?:teach|mentor|coach|help|show|guide)|level|only|please|"
    r"mentors?|preferred|ideally)\b", _I)


def situation(text: str, start: int, end: int) -> bool:
    """Whether the stage mention at ``start:end`` names people in the writer's situation
    (see :data:`_PRESENCE_BEFORE`)."""
    before = text[max(0, start - 60):start]
    cut = CLAUSE_START.match(before)
    clause = before[cut.end() if cut else 0:]
    if _PARTNER_NEXT.match(text, end) or _PARTNER_OPENING.match(text, start):
        return False
    if _PRESENCE_BEFORE.search(clause) or _AGENT_BEFORE.search(clause):
        return True
    return not _PARTNER_BEFORE.search(clause) and bool(SUBJECT_VERB.match(text, end))


#: a singular stage word with no article before it and a word after it that names no
#: person is part of a skill's name, not a stage: "exec presence", "exec comms",
#: "graduate recruitment" (but "a junior developer", "junior devs only", "exec who...")
_MODIFIER = re.compile(r"(?:execs?|executive|graduate|grad|junior|intern|trainee|apprentice)",
                       _I)
_ARTICLE_BEFORE = re.compile(r"\b(?:a|an|the|one|some|any|each|every|my|our)\s+$", _I)
_PERSON_AFTER = re.compile(
    rf"\s+(?:{_PEOPLE_WORDS}|{PARTNER_NOUN}|developers?|devs?|engineers?|analysts?|"
    r"designers?|marketers?|accountants?|consultants?|associates?|officers?|sponsors?|"
    r"coaches|tutors|experts|who|that|to|for|with|in|on|at|from|please|and|or|here|"
    r"like|would|could|can|might|help|support|advice|perspective|input|view|eyes)\b", _I)


def modifier(text: str, start: int, end: int) -> bool:
    """Whether the stage word at ``start:end`` is part of a skill's name (see
    :data:`_MODIFIER`)."""
    return (bool(_MODIFIER.fullmatch(text[start:end]))
            and not text[end:end + 1].isalpha() and bool(re.match(r"\s+[a-z]", text[end:]))
            and not _ARTICLE_BEFORE.search(text[max(0, start - 12):start])
            and not _PERSON_AFTER.match(text, end))
