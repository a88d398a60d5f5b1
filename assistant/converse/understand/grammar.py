"""Examples of who a skill belongs to, made from a small grammar of role words.

The written examples (``examples.jsonl``) rarely put the role before or after the skill
("a sign language teacher", "Power BI tutor who'd like some negotiation tips in
return", "I'd be the mentee for Kubernetes", "I'm the one who runs our TikTok"), and a
classifier that has seen few such sentences reads the role word alone. These
sentences combine ways of asking for a person who has a skill, ways of saying that one
has a skill, and ways of joining the two, over skills of both sides of a programme, so
that each frame is seen with many skills and in both orders. They are generated
deterministically (a fixed seed) and added to the written examples when the model is
trained; nothing here was written from an evaluation suite. The same holds for
requests that say something about the writer and then ask for a partner without
naming a skill ("I'm new to the scheme - who's my match?"): the profile is the search;
and for form-like messages whose labels say the side ("can offer: SQL. looking for:
Figma, Canva").
"""

from __future__ import annotations

import hashlib
import random

from assistant.converse.understand.examples import EXAMPLES_FILE, Example, read_markup
from assistant.converse.understand.types import Intent

SOURCE = "grammar"
SEED = 20261127
COUNT = 900

SKILLS = (
    "Excel", "Power BI", "Tableau", "SQL", "Python", "dashboards", "data visualisation",
    "TikTok", "Instagram", "LinkedIn", "YouTube", "Snapchat", "Canva", "Figma", "Notion",
    "ChatGPT", "AI tools", "prompt writing", "video editing", "podcasting", "SEO",
    "Salesforce", "Jira", "Kubernetes", "cloud basics", "cyber security", "accessibility",
    "public speaking", "presenting", "negotiation", "budgeting", "forecasting", "strategy",
    "stakeholder management", "client communication", "networking", "people management",
    "hiring", "coaching", "storytelling", "business writing", "project management",
    "career planning", "pricing", "sales", "change management", "board reporting",
    "Spanish", "Mandarin", "French", "sign language", "first aid", "GDPR", "copywriting",
    "UX research", "running workshops", "difficult conversations", "time management",
)
ROLES = ("teacher", "tutor", "coach", "mentor", "expert", "person", "whizz", "guru", "pro",
         "buddy", "trainer", "specialist", "champion", "nerd")

#: asking for someone who has the skill: "{w}" is the wanted skill, "{r}" a role word
WANT_FRAMES = (
    "looking for a {w} {r}", "need a {w} {r}", "I need a {w} {r}", "searching for a {w} {r}",
    "anyone know a good {w} {r}?", "is there a {w} {r} here?", "any {w} {r}s out there?",
    "can you recommend a {w} {r}?", "I'd love a {w} {r}", "could really use a {w} {r}",
    "{w} {r} wanted", "{w} {r} needed", "{w} {r} please", "{w} {r}?", "{w} {r} sought",
    "{r} for {w} wanted", "{r} on {w} needed", "looking for a {r} for {w}",
    "looking for a {r} in {w}", "need a {r} who knows {w}", "who's a good {w} {r}?",
    "I'd be the mentee for {w}", "happy to be the mentee for {w}", "mentee for {w}",
    "want to be taught {w}", "would like to be coached on {w}", "keen to be mentored in {w}",
    "coaching for {w} needed", "mentoring on {w} wanted", "help with {w} wanted",
    "hoping to find someone strong in {w}", "after someone who really knows {w}",
    "does anyone here do {w}?", "who's the go-to {w} person?",
)
#: saying that one has the skill: "{o}" is the offered skill
OFFER_FRAMES = (
    "I'd be the mentor for {o}", "I can be the {o} {r}", "I'm a {o} {r}", "{o} {r} available",
    "{o} {r} here", "happy to coach {o}", "will teach {o}", "can mentor on {o}",
    "{o}: happy to teach", "I'm the {o} person on my team", "I'm the one who does all our {o}",
    "I run our {o}", "I look after the {o} for the whole office",
    "everyone comes to me for {o}", "I've done {o} for years", "mentor for {o}",
    "I can offer {o}", "I'll give {o} lessons", "{o} is my thing", "I know {o} inside out",
)
#: the offer put after an ask, as a return for it
RETURNS = (
    "{ask} who'd like some {o} tips in return", "{ask} who wants {o} in return",
    "{ask} who'd like help with {o}", "{ask} - I can teach {o} back",
    "{ask}; I can offer {o} in return", "{ask}, happy to teach {o} in exchange",
    "{ask} if I help them with {o}", "{ask} if I teach them {o}",
    "{ask} in exchange for {o}", "{ask} (I can give {o})", "{ask}, and I'll coach {o}",
    "{ask} - will trade for {o}",
)
#: what a participant says about themselves before asking for a partner on their profile
SITUATIONS = (
    "I'm in the programme", "I've just joined the programme", "I'm new to the scheme",
    "my manager signed me up", "I was told to sign up", "I joined the pilot last week",
    "first time doing reverse mentoring", "I'm one of the new grads", "I've been here ten years",
    "I started on Monday", "I'm on the mentoring list now", "HR put me forward",
    "I filled in my profile yesterday", "my profile is done", "I'm part of this cohort",
    "I'm a team lead", "I'm back from leave",
    "I volunteered for this", "I've got an hour a fortnight", "I'm keen to get going",
)
#: asking for a partner without naming a skill (the profile says what is wanted)
PROFILE_ASKS = (
    "who should I be talking to?", "who's my match?", "who suits me?", "any partner ideas?",
    "who would you pair me with?", "what do you suggest?", "find me someone",
    "who should I meet?", "recommend someone for me", "anyone for me?",
    "who fits my profile?", "who's a good match for me?", "pair me up", "what are my options?",
    "who could I work with?", "suggest a partner", "who do you reckon?", "match me please",
    "who's out there for me?", "where do I start with a partner?",
    "who would I get on with?", "show me who I'd gel with", "who might I hit it off with?",
    "who would I work well with?",
)
PROFILE_COUNT = 150
#: the labels of a form-like message ("can offer: SQL. looking for: Figma, Canva")
WANT_LABELS = (
    "looking for", "want to learn", "wanting", "learning goals", "wishlist", "help needed",
    "need", "needs", "seeking", "interested in", "would like", "goals", "to learn", "learn",
    "my ask", "what I need", "after", "keen on", "gaps", "want", "I'd like to learn",
    "hoping to learn", "areas to develop", "where I need help",
)
OFFER_LABELS = (
    "can offer", "offering", "I teach", "teaching", "skills I have", "I can help with",
    "my skills", "strengths", "can teach", "teach", "offer", "I bring", "what I can give",
    "in return", "happy to share", "good at", "I know", "I can coach", "have",
    "what I'm good at", "I can mentor", "expertise", "giving", "can help with",
)
LABELLED_COUNT = 240


def labelled(count: int = LABELLED_COUNT, seed: int = SEED) -> list[str]:
    """``count`` form-like messages: a label, a colon and a list of skills, the label
    saying which side they are on; one side alone or both, in either order."""
    rng = random.Random(seed + 2)

    def items(side: str, skills: list[str]) -> str:
        marked = [f"[{skill}]({side})" for skill in skills]
        if len(marked) == 1:
            return marked[0]
        return rng.choice((", ", " and ", " & ", ", ")).join(marked) if len(marked) == 2 \
            else ", ".join(marked[:-1]) + rng.choice((", ", " and ")) + marked[-1]

    out = []
    for _ in range(count):
        skills = rng.sample(SKILLS, 4)
        wants, offers = skills[: rng.randint(1, 2)], skills[2 : 2 + rng.randint(1, 2)]
        ask = f"{rng.choice(WANT_LABELS)}: {items('want', wants)}"
        give = f"{rng.choice(OFFER_LABELS)}: {items('offer', offers)}"
        shape = rng.random()
        joint = rng.choice((". ", " | ", " / ", "; ", " - ", ", "))
        if shape < 0.3:
            text = ask
        elif shape < 0.55:
            text = give
        elif shape < 0.8:
            text = f"{give}{joint}{ask}"
        else:
            text = f"{ask}{joint}{give}"
        out.append(text if rng.random() < 0.5 else _capital(text))
    return out


def profile_asks(count: int = PROFILE_COUNT, seed: int = SEED) -> list[str]:
    """``count`` requests that give a situation and ask for a partner on the profile."""
    rng = random.Random(seed + 1)
    out = []
    for _ in range(count):
        situation, ask = rng.choice(SITUATIONS), rng.choice(PROFILE_ASKS)
        joint = rng.choice((" - ", ", ", ". ", "; ", " so "))
        text = f"{situation}{joint}{ask if joint != '. ' else _capital(ask)}"
        out.append(text.lower() if rng.random() < 0.3 else text)
    return out


def _clause(frame: str, rng: random.Random, want: str = "", offer: str = "") -> str:
    role = rng.choice(ROLES)
    return frame.replace("{w}", f"[{want}](want)").replace("{o}", f"[{offer}](offer)") \
        .replace("{r}", role)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def generated(count: int = COUNT, seed: int = SEED) -> list[str]:
    """``count`` marked-up sentences (the examples file's markup), the same every call."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        want, offer = rng.sample(SKILLS, 2)
        shape = rng.random()
        ask = _clause(rng.choice(WANT_FRAMES), rng, want=want)
        give = _clause(rng.choice(OFFER_FRAMES), rng, offer=offer)
        if shape < 0.25:
            text = ask
        elif shape < 0.40:
            text = give
        elif shape < 0.60:
            frame = rng.choice(RETURNS).replace("{ask}", ask.rstrip("?"))
            text = _clause(frame, rng, offer=offer)
        elif shape < 0.80:
            text = f"{_capital(give)}. {_capital(ask)}"
        else:
            text = f"{_capital(ask)}, {give}" if rng.random() < 0.5 else f"{_capital(give)}; {ask}"
        if rng.random() < 0.3:
            text = text.lower()
        out.append(text)
    return out


def grammar_examples(count: int = COUNT, seed: int = SEED) -> list[Example]:
    """The generated sentences as training examples (intent: search)."""
    out = []
    for n, marked in enumerate(generated(count, seed) + profile_asks(seed=seed)
                               + labelled(seed=seed), 1):
        text, spans = read_markup(marked)
        out.append(Example(text, Intent.SEARCH, spans, n, SOURCE))
    return out


def training_hash() -> str:
    """A hash of the examples file and of the generated sentences (a stale model fails CI)."""
    digest = hashlib.sha256(EXAMPLES_FILE.read_bytes())
    digest.update("\n".join(generated() + profile_asks() + labelled()).encode("utf-8"))
    return digest.hexdigest()[:16]
