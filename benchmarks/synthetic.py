"""The benchmark's synthetic but realistic cohort, and requests to ask it.

The cohort is generated from a vocabulary of about 130 digital and business skills
(``vocabulary.txt``), each with several natural wordings, put into varied sentences
("happy to walk anyone through pivot tables in Excel", "I'd like to get better at
business strategy", ...). People sit in a real manager tree (about seven reports a
manager, departments under the leadership team), with locations, IANA timezones and
career stages; early-career people mostly offer digital skills and want business ones,
executives the other way round, as in a reverse-mentoring program.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: "## category group | departments" then "label | wording | wording ..."; # comments
_VOCABULARY = Path(__file__).with_name("vocabulary.txt").read_text(encoding="utf-8")

@dataclass(frozen=True)
class Skill:
    label: str  # short form, as typed in a chat ("Power BI")
    category: str  # "digital" or "business"
    group: str
    departments: frozenset[str]
    wordings: tuple[str, ...]


def _parse_vocabulary(text: str) -> list[Skill]:
    skills: list[Skill] = []
    category = group = ""
    departments: frozenset[str] = frozenset()
    for line in text.strip().splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        if line.startswith("## "):
            head, _, depts = line[3:].partition("|")
            category, group = head.split()
            departments = frozenset(d.strip() for d in depts.split(","))
            continue
        label, *wordings = (part.strip() for part in line.split("|"))
        skills.append(Skill(label, category, group, departments, tuple(wordings)))
    return skills


SKILLS = _parse_vocabulary(_VOCABULARY)

# (template, weight): people mostly just list the skill, sometimes say more
OFFER_TEMPLATES = [
    ("{x}", 6), ("{X}", 6), ("happy to walk anyone through {x}", 2), ("I can teach {x}", 2),
    ("I'm good at {x}", 2), ("{X} - I do this every day", 1), ("years of experience with {x}", 1),
    ("I could show someone the basics of {x}", 1), ("{X}, which I use all the time at work", 1),
    ("helping people with {x}", 1), ("{X} (I taught myself)", 1),
]
WANT_TEMPLATES = [
    ("{x}", 6), ("{X}", 6), ("I'd like to get better at {x}", 2), ("I want to learn {x}", 2),
    ("{X} (complete beginner)", 1), ("how to get started with {x}", 1),
    ("understanding {x}", 1), ("I keep meaning to learn {x}", 1),
    ("more confidence with {x}", 1), ("{X} - I've never really got it", 1),
]
DEPARTMENTS = [
    "Marketing", "Sales", "Finance", "Operations", "People", "Technology", "Legal",
    "Customer Service", "Product", "Strategy", "Communications",
]
JOB = {
    "Marketing": "Marketing Executive", "Sales": "Account Executive",
    "Finance": "Financial Analyst", "Operations": "Operations Analyst", "People": "HR Advisor",
    "Technology": "Software Engineer", "Legal": "Legal Counsel",
    "Customer Service": "Customer Service Advisor", "Product": "Product Manager",
    "Strategy": "Strategy Analyst", "Communications": "Communications Officer",
}
# (city, IANA timezone, weight)
LOCATIONS = [
    ("London", "Europe/London", 25), ("Manchester", "Europe/London", 8),
    ("Edinburgh", "Europe/London", 4), ("Dublin", "Europe/Dublin", 5),
    ("New York", "America/New_York", 12), ("Chicago", "America/Chicago", 5),
    ("Toronto", "America/Toronto", 4), ("San Francisco", "America/Los_Angeles", 5),
    ("Berlin", "Europe/Berlin", 5), ("Paris", "Europe/Paris", 4), ("Warsaw", "Europe/Warsaw", 4),
    ("Bangalore", "Asia/Kolkata", 8), ("Singapore", "Asia/Singapore", 5),
    ("Sydney", "Australia/Sydney", 4), ("Johannesburg", "Africa/Johannesburg", 2),
    ("São Paulo", "America/Sao_Paulo", 2),
]
FIRST_NAMES = [
    "Aisha", "Alex", "Amara", "Ana", "Anil", "Astrid", "Ben", "Bilal", "Bridget", "Carlos",
    "Chen", "Chloe", "Daniel", "Deepa", "Diego", "Ebony", "Elena", "Emeka", "Emma", "Fatima",
    "Finn", "Gabriel", "Grace", "Hannah", "Hiroshi", "Ibrahim", "Imogen", "Isaac", "Jade",
    "James", "Javier", "Jia", "Joanna", "Jonas", "Kai", "Kavya", "Kemi", "Laura", "Leon", "Lila",
    "Lucas", "Maya", "Mei", "Mohammed", "Nadia", "Naledi", "Niamh", "Noah", "Olga", "Oliver",
    "Omar", "Priya", "Rafael", "Rajesh", "Rosa", "Ruth", "Sam", "Sara", "Sean", "Sofia", "Sunil",
    "Tariq", "Tess", "Thandiwe", "Tomasz", "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zainab",
    "Zoe",
]
SURNAMES = [
    "Abara", "Ahmed", "Andersson", "Bakker", "Banerjee", "Bianchi", "Brennan", "Campbell",
    "Chatterjee", "Chen", "Costa", "Dlamini", "Dubois", "Evans", "Fernandes", "Fischer", "Garcia",
    "Gupta", "Haddad", "Hughes", "Ivanova", "Jansen", "Kaur", "Kelly", "Kim", "Kowalczyk",
    "Larsen", "Li", "Lopez", "Mahlangu", "Martin", "Mensah", "Menon", "Moreau", "Murphy",
    "Nakamura", "Nguyen", "Novak", "Nowak", "O'Brien", "Okafor", "Okonkwo", "Olsen", "Patel",
    "Pereira", "Popescu", "Quinn", "Rahman", "Reyes", "Rossi", "Santos", "Schmidt", "Shah",
    "Silva", "Singh", "Smith", "Sokolova", "Suzuki", "Tanaka", "Taylor", "Thompson", "Tran",
    "Van Dijk", "Wagner", "Walsh", "Wang", "Williams", "Wilson", "Wong", "Yilmaz", "Zhang",
]
DIGITAL_OFFER = {"early": 0.85, "mid": 0.55, "senior": 0.3, "executive": 0.15}
DIGITAL_WANT = {"early": 0.2, "mid": 0.5, "senior": 0.7, "executive": 0.85}
CSV_FIELDS = (
    "id", "name", "role", "department", "manager_id", "location", "timezone", "career_stage",
    "offers", "wants", "capacity", "current_pairs", "goals",
)


def _cap(text: str) -> str:
    if text[:1].isupper() or (len(text) > 1 and text[1].isupper()):
        return text  # "iPhone", "SQL"
    return text[:1].upper() + text[1:]


# people add context to a third of their statements, which makes most texts unique
OFFER_CONTEXT = [
    " for our team", " for client work", " at a basic level", " from my last job",
    " on a tight budget", " for reporting", " in a big organisation", " for small projects",
]
WANT_CONTEXT = [
    " for my team", " so I can keep up with my kids", " for our next campaign",
    " before my next promotion", " to save time", " for board reporting", " for my side project",
    " at work",
]


def _phrase(
    rng: random.Random, skill: Skill, templates: list[tuple[str, int]], context: list[str]
) -> str:
    wording = rng.choice(skill.wordings)
    template = rng.choices([t for t, _ in templates], [w for _, w in templates])[0]
    text = template.format(x=wording, X=_cap(wording))
    if rng.random() < 0.35:
        extra = rng.choice([*context, " ({n} years)" if context is OFFER_CONTEXT else " ({n})"])
        text += extra.format(n=rng.randint(2, 15) if context is OFFER_CONTEXT else
                             rng.choice(["beginner", "some basics", "rusty", "never tried"]))
    return text


def _pick_skill(rng: random.Random, category: str, department: str, taken: set[str]) -> Skill:
    pool = [s for s in SKILLS if s.category == category and s.label not in taken]
    weights = [3.0 if department in s.departments else 1.0 for s in pool]
    return rng.choices(pool, weights)[0]


def _manager_tree(n: int, rng: random.Random) -> list[int]:
    """Manager index of each person (-1 for the CEO): always an earlier person.

    The CEO leads one head a department; below that the tree is filled level by level,
    each manager taking 4 to 10 reports (about 7). Managers of a level take their reports
    in shuffled order, so a partly filled bottom level is spread over every department.
    """
    heads = min(n - 1, len(DEPARTMENTS))
    managers = [-1] + [0] * heads
    level = list(range(1, heads + 1))
    below: list[int] = []
    room = 0
    while len(managers) < n:
        if not level:
            level, below = below, []
            rng.shuffle(level)
        if room == 0:
            room = rng.randint(4, 10)
        managers.append(level[-1])
        below.append(len(managers) - 1)
        room -= 1
        if room == 0:
            level.pop()
    return managers


def generate_cohort(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` realistic participants (participants-format rows); deterministic for ``seed``."""
    if n < 2:
        raise ValueError("a cohort needs at least 2 people")
    rng = random.Random(seed)
    managers = _manager_tree(n, rng)
    reports = Counter(managers)
    depth = [0] * n
    dept = [""] * n
    place: list[tuple[str, str]] = [("", "")] * n
    cities = [(c, tz) for c, tz, _ in LOCATIONS]
    city_weights = [w for _, _, w in LOCATIONS]
    names: set[str] = set()
    people: list[dict[str, Any]] = []
    for i in range(n):
        m = managers[i]
        if m < 0:
            dept[i], place[i] = "Executive Office", ("London", "Europe/London")
        else:
            depth[i] = depth[m] + 1
            dept[i] = DEPARTMENTS[(i - 1) % len(DEPARTMENTS)] if m == 0 else dept[m]
            same_site = m != 0 and rng.random() < 0.7
            place[i] = place[m] if same_site else rng.choices(cities, city_weights)[0]
        if depth[i] <= 1:
            stage = "executive"
        elif reports[i]:
            stage = "senior" if depth[i] == 2 or rng.random() < 0.6 else "mid"
        else:
            stage = rng.choices(["early", "mid", "senior"], [50, 40, 10])[0]

        job = JOB.get(dept[i], "Analyst")
        if m < 0:
            role = "Chief Executive Officer"
        elif stage == "executive":
            role = f"Director of {dept[i]}"
        elif stage == "senior":
            role = f"Head of {dept[i]}" if reports[i] else f"Principal {job}"
        elif stage == "mid":
            role = f"{dept[i]} Manager" if reports[i] else rng.choice([job, f"Senior {job}"])
        else:
            role = f"{rng.choice(['Graduate', 'Junior', 'Trainee', 'Associate'])} {job}"

        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        while name in names:
            first, last = name.split(" ", 1)
            name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
            if name in names:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        names.add(name)

        taken: list[str] = []  # skill labels, offers first: nobody offers what they want
        offers: list[str] = []
        wants: list[str] = []
        for count, target, probs, templates, context in (
            (rng.choices([1, 2, 3, 4], [25, 40, 25, 10])[0], offers, DIGITAL_OFFER,
             OFFER_TEMPLATES, OFFER_CONTEXT),
            (rng.choices([1, 2, 3], [35, 45, 20])[0], wants, DIGITAL_WANT, WANT_TEMPLATES,
             WANT_CONTEXT),
        ):
            for _ in range(count):
                category = "digital" if rng.random() < probs[stage] else "business"
                skill = _pick_skill(rng, category, dept[i], set(taken))
                taken.append(skill.label)
                target.append(_phrase(rng, skill, templates, context))

        capacity = rng.choices([1, 2, 3], [68, 27, 5])[0]
        roll = rng.random()
        current = capacity if roll < 0.03 else (1 if roll < 0.08 and capacity > 1 else 0)
        goals = ""
        if rng.random() < 0.6:
            goals = rng.choice([
                "Get comfortable with {w} and share what I know about {o}.",
                "Learn {w} from someone who uses it every day.",
                "Swap {o} for {w} with someone outside my team.",
                "Build confidence with {w} before my next review.",
            ]).format(w=taken[len(offers)], o=taken[0])
        people.append({
            "id": f"p{i + 1:05d}", "name": name, "role": role, "department": dept[i],
            "manager_id": f"p{m + 1:05d}" if m >= 0 else "", "location": place[i][0],
            "timezone": place[i][1], "career_stage": stage, "offers": offers, "wants": wants,
            "capacity": capacity, "current_pairs": current, "goals": goals,
        })
    return people


def write_cohort_csv(people: list[dict[str, Any]], path: Path) -> Path:
    """Write the cohort in the participants CSV format (statements joined by '; ')."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for person in people:
            writer.writerow({
                k: "; ".join(v) if isinstance(v, list) else v for k, v in person.items()
            })
    return path


# ---------------------------------------------------------------------------------------
@dataclass
class AskSpec:
    """One benchmark question: chat text, and the same request in structured form."""

    text: str
    asker: str | None
    wants: list[str]
    offers: list[str]
    kind: str = "text"  # "profile": the asker's own profile, no skills in the text


def make_requests(people: list[dict[str, Any]], count: int, seed: int) -> list[AskSpec]:
    """Varied natural requests, some anonymous, some as a random participant."""
    rng = random.Random(seed * 7919 + 1)
    labels = {c: [s.label for s in SKILLS if s.category == c] for c in ("digital", "business")}
    specs: list[AskSpec] = []
    for _ in range(count):
        person = rng.choice(people)
        stage = person["career_stage"]
        want_cat = "digital" if rng.random() < DIGITAL_WANT[stage] else "business"
        offer_cat = "business" if want_cat == "digital" else "digital"
        w, o = rng.choice(labels[want_cat]), rng.choice(labels[offer_cat])
        kind = rng.choices(["profile", "teach", "exchange", "learn"], [30, 35, 20, 15])[0]
        if kind == "profile":
            text = rng.choice(["who would be a good partner for me?", "find me a partner",
                               "who should I pair with?"])
            specs.append(AskSpec(text, person["id"], [], [], "profile"))
        elif kind == "teach":
            asker = person["id"] if rng.random() < 0.5 else None
            specs.append(AskSpec(f"who can teach me {w} and wants {o} help", asker, [w], [o]))
        elif kind == "exchange":
            asker = person["id"] if rng.random() < 0.5 else None
            text = f"I'm keen to pick up {w} and could offer help with {o} in exchange"
            specs.append(AskSpec(text, asker, [w], [o]))
        else:
            text = rng.choice([f"anyone who can help me with {w}?", f"I want to learn {w}"])
            specs.append(AskSpec(text, person["id"], [w], []))
    return specs
