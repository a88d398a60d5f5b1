"""``pairing bench``: timings and memory on a synthetic but realistic cohort.

The cohort is generated from a vocabulary of about 130 digital and business
skills, each with several natural wordings, put into varied sentences ("happy to
walk anyone through pivot tables in Excel", "I'd like to get better at business
strategy", ...). People sit in a real manager tree (about seven reports a
manager, departments under the leadership team), with locations, IANA timezones
and career stages; early-career people mostly offer digital skills and want
business ones, executives the other way round, as in a reverse-mentoring program.

Measured, each with :func:`time.perf_counter`:

1. the raw encode rate of the embedding model on every unique statement text
   (model load timed separately and excluded);
2. ingest of the cohort CSV through :meth:`PairingService.ingest` into a fresh data
   folder with an empty embedding cache (nothing is shared with step 1);
3. re-ingest of the unchanged cohort by a newly opened service (0 statements embedded);
4. ``ask`` latency (p50/p95) over varied requests, after 3 warm-up requests;
5. cohort pairing (:meth:`PairingService.pair_cohort`), with the solver's statistics;
6. peak resident memory of the process (``ru_maxrss``), also after each step.
"""

from __future__ import annotations

import csv
import gc
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings

# ---------------------------------------------------------------------------------------
# vocabulary: "## category group | departments" then "label | wording | wording ..."
_VOCABULARY = """
## digital social | Marketing, Communications
Snapchat | Snapchat stories and filters | using Snapchat | Snapchat for reaching younger customers
TikTok | making TikToks | TikTok videos | TikTok trends and sounds
Instagram | Instagram Reels | growing an Instagram account | Instagram stories and posts
LinkedIn | LinkedIn posts people actually read | a good LinkedIn profile | LinkedIn networking
YouTube | making YouTube videos | running a YouTube channel | YouTube Shorts
X | posting on X (Twitter) | Twitter threads | using X to follow industry news
Pinterest | Pinterest boards for inspiration | Pinterest marketing
Reddit | finding answers on Reddit | Reddit communities
Discord | running a Discord server | Discord communities
WhatsApp | WhatsApp groups and communities | WhatsApp Business
Twitch | live streaming on Twitch | streaming and gaming culture
memes | internet memes and humour | what Gen Z finds funny online | internet culture
influencers | working with influencers | influencer marketing | creator partnerships
social scheduling | social media content calendars | scheduling posts with Buffer | Hootsuite
podcasts | starting a podcast | podcast recording and editing
short video | short-form video | filming vertical video on a phone | editing shorts in CapCut
## digital creative | Marketing, Product, Communications
Canva | Canva designs | making graphics in Canva | Canva templates for social posts
Figma | Figma prototypes | designing screens in Figma | Figma for wireframes
photo editing | editing photos in Lightroom | photo editing on a phone | Photoshop basics
video editing | video editing in Premiere Pro | cutting videos together | editing social video
phone photography | taking good photos on a smartphone | product photos with a phone
slide design | making slides look modern | PowerPoint design | slide templates that don't look dated
AI images | AI image generation | Midjourney and DALL-E | making images with AI tools
## digital data | Finance, Operations, Technology, Strategy
pivot tables | pivot tables in Excel | Excel pivot tables and slicers | summarising data in pivots
Excel formulas | XLOOKUP and INDEX MATCH | Excel formulas | advanced Excel
Excel macros | Excel macros and VBA | automating spreadsheets with macros
Power BI | Power BI dashboards | building reports in Power BI | Power BI and DAX
Tableau | Tableau dashboards | data visualisation in Tableau
Google Sheets | Google Sheets | sharing spreadsheets in Google Sheets | Google Sheets formulas
SQL | writing SQL queries | SQL for pulling data | databases and SQL
Python | Python scripting | Python for data analysis | pandas
R | R for statistics | data analysis in R
data visualisation | data visualisation | charts that tell a story | making charts people understand
Looker Studio | Looker Studio reports | Google Data Studio dashboards
Google Analytics | Google Analytics | website analytics | tracking web traffic
machine learning | machine learning basics | how machine learning models work
## digital tools | Technology, Operations, People, Customer Service, Legal
ChatGPT | prompting ChatGPT | using ChatGPT at work | writing good prompts for AI
Copilot | Microsoft Copilot | Copilot in Word and Outlook | AI assistants in Office
AI writing | using AI to draft documents | generative AI for writing | AI tools for summaries
automation | Power Automate flows | automating boring tasks | Zapier automations
Power Apps | building apps in Power Apps | no-code apps
Notion | Notion for notes and planning | organising work in Notion
task boards | Trello boards | Asana for team tasks | Jira for tracking work
Teams | Microsoft Teams channels | getting the most out of Teams | Teams meetings
Slack | Slack etiquette | Slack workflows and channels
Miro | Miro whiteboards | running workshops on Miro
SharePoint | SharePoint sites | finding things in SharePoint | OneDrive and SharePoint
Outlook | managing my Outlook inbox | inbox zero | email rules and folders
video calls | running good video calls | Zoom features | hybrid meeting tech
smartphone | phone productivity apps | getting more out of my smartphone | iPhone shortcuts
online safety | password managers | staying safe online | spotting phishing emails
cybersecurity | cybersecurity basics | two-factor authentication
## digital web | Technology, Product, Marketing, Sales
SEO | SEO | getting found on Google | search engine optimisation
Google Ads | Google Ads | paid search campaigns | pay-per-click advertising
email marketing | Mailchimp campaigns | email newsletters | email marketing tools
WordPress | building a WordPress site | WordPress websites
HTML | HTML and CSS | basic web design | coding a simple web page
Shopify | setting up a Shopify store | selling online | e-commerce platforms
Git | Git and GitHub | version control
APIs | how APIs work | connecting apps with APIs
cloud | cloud computing basics | AWS and Azure basics
accessibility | digital accessibility | making documents accessible | accessible websites
CRM | Salesforce | using our CRM properly | HubSpot CRM
## business strategy | Strategy, Product, Marketing
strategy | business strategy | turning strategy into a plan | strategic thinking
business cases | writing a business case | building an investment case
OKRs | setting OKRs | goal setting for teams | objectives and key results
competitor analysis | competitor analysis | understanding our market | market research
business plans | writing a business plan | planning a new venture
decision making | making decisions with incomplete information | decision making under pressure
product management | product management | writing a product roadmap | prioritising a backlog
customer research | customer interviews | understanding what customers need | user research
pricing | pricing strategy | setting prices | pricing and discounting
marketing strategy | marketing strategy | marketing planning | positioning a brand
branding | brand strategy | building a brand | brand guidelines
M&A | mergers and acquisitions | due diligence | integrating an acquired company
innovation | running innovation sprints | design thinking | turning ideas into products
## business finance | Finance, Strategy
financial modelling | financial modelling | building a three-statement model | forecasting in Excel
budgeting | budgeting | managing a budget | annual budget planning
reading accounts | reading a P&L | understanding a balance sheet | how company finances work
forecasting | cash flow forecasting | scenario planning | forecasting demand
investor relations | investor relations | talking to investors | explaining results to shareholders
personal finance | personal finance | pensions and saving | investing for beginners
procurement | procurement | running a tender | buying from suppliers
## business communication | Communications, Marketing, Sales, Strategy
client emails | writing emails to clients | professional emails | writing clear emails
business writing | business writing | writing reports | writing concise board papers
presenting | presenting to senior leaders | presenting to the board | pitching to executives
public speaking | public speaking | speaking at conferences | presenting without notes
storytelling | storytelling | telling a compelling story | storytelling with data
media | media interviews | talking to journalists | crisis communications
meetings | running effective meetings | chairing meetings | facilitating workshops
cross-cultural | working across cultures | cross-cultural communication | working with global teams
executive presence | executive presence | confidence in senior meetings | speaking up in meetings
## business leadership | People, Operations, Customer Service
managing people | managing people | first-time management | leading a team
feedback | giving feedback | giving and receiving feedback | feedback that lands
difficult conversations | difficult conversations | handling conflict | conflict resolution
coaching | coaching skills | coaching my team | asking good questions
hiring | hiring | interviewing candidates | building a strong team
performance reviews | performance reviews | setting team objectives | managing underperformance
delegation | delegation | letting go of tasks | delegating effectively
remote teams | leading remote teams | managing a hybrid team | keeping a distributed team connected
change management | change management | leading change | bringing people along with change
team culture | building team culture | keeping morale up | team engagement
wellbeing | wellbeing at work | avoiding burnout | resilience
inclusion | diversity and inclusion | inclusive leadership | allyship
stakeholders | stakeholder management | managing stakeholders | keeping senior stakeholders happy
influencing | influencing without authority | persuading people | getting buy-in
managing up | managing up | working with my manager | handling a demanding boss
office politics | office politics | how decisions really get made | organisational politics
## business career | People
career planning | career planning | career advice | planning my next move
networking | networking | networking at industry events | building a professional network
mentoring | mentoring | being a mentor | mentoring junior colleagues
personal brand | personal brand | building a personal brand | getting visibility for my work
pay negotiation | negotiating a pay rise | salary negotiation | asking for a promotion
time management | time management | prioritising my work | managing a busy diary
## business commercial | Sales, Customer Service, Legal
negotiation | negotiating contracts | contract negotiation | negotiating with suppliers
sales | closing deals | building a sales pipeline | selling
account management | account management | managing key accounts | growing client relationships
customer service | customer service | handling complaints | keeping customers happy
enterprise sales | consultative selling | selling to senior buyers | enterprise sales
partnerships | building partnerships | working with agencies | managing partners
## business operations | Operations, Legal, Technology
project management | project management | running projects | managing a project plan
agile | agile ways of working | Scrum | running sprints
process improvement | process improvement | Lean and continuous improvement | streamlining processes
supply chain | supply chain | logistics | inventory planning
risk | risk management | managing risk | risk registers
compliance | compliance | regulation | GDPR and data protection
governance | corporate governance | how boards work | board papers
contracts | reading contracts | commercial law basics | contract law
"""


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


def _asker(service: Any) -> tuple[str, Callable[[AskSpec], str]]:
    """How to ask: through the chat (Conversation.send) when it is importable, else find."""
    try:
        from assistant.converse.conversation import Conversation
    except ImportError:
        from assistant.match import Request

        def find(spec: AskSpec) -> str:
            result = service.find(Request(spec.wants, spec.offers, spec.asker), k=5)
            return "abstain" if result.abstained else "candidates"

        return "service.find", find

    def send(spec: AskSpec) -> str:
        # a new conversation per request, as `pairing ask` does
        return str(Conversation(service, spec.asker, page=5).send(spec.text).kind)

    return "Conversation.send", send


# ---------------------------------------------------------------------------------------
def _rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _folder(data_dir: Path | str | None) -> tuple[Path, bool]:
    """A fresh folder for the run, and whether it is temporary (removed afterwards)."""
    base = data_dir or os.environ.get("PAIRING_DATA_DIR")
    if not base:
        return Path(tempfile.mkdtemp(prefix="pairing-bench-")), True
    root = Path(base).expanduser()
    if root.exists() and any(root.iterdir()):  # never touch what is already there
        root = root / time.strftime("bench-%Y%m%d-%H%M%S")
        suffix = 1
        while root.exists():
            root = root.with_name(f"{root.name.split('.')[0]}.{suffix}")
            suffix += 1
    root.mkdir(parents=True, exist_ok=True)
    return root, False


def _say(verbose: bool, text: str) -> None:
    if verbose:
        print(f"[bench] {text}", file=sys.stderr, flush=True)


def run(
    n: int = 1000, requests: int = 100, seed: int = 7, data_dir: Path | str | None = None,
    verbose: bool = False,
) -> dict[str, Any]:
    """Run the benchmark on a synthetic cohort of ``n`` people; returns every figure."""
    from assistant.embed import make_embeddings
    from assistant.service import PairingService

    root, temporary = _folder(data_dir)
    out: dict[str, Any] = {"people": n, "requests": requests, "seed": seed, "folder": str(root)}
    # timings are only comparable on an otherwise idle machine: record how busy it was
    out["machine"] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    memory: dict[str, float] = {"start": _rss_mib()}
    service: Any = None
    try:
        # cohort -------------------------------------------------------------------------
        started = time.perf_counter()
        people = generate_cohort(n, seed)
        csv_path = write_cohort_csv(people, root / "participants.csv")
        texts = [t for p in people for t in (*p["offers"], *p["wants"])]
        unique = list(dict.fromkeys(texts))
        out["generate_seconds"] = time.perf_counter() - started
        out["statements"] = len(texts)
        out["unique_statements"] = len(unique)
        settings = Settings(chroma_url="").with_data_dir(root / "data")  # never a server
        out["store"] = settings.store
        out["embedding"] = settings.embedding
        _say(verbose, f"{n} people, {len(texts)} statements ({len(unique)} unique) in {root}")

        # 1. raw encode rate -------------------------------------------------------------
        model, model_name = make_embeddings(settings.embedding)
        out["model"] = model_name
        while getattr(model, "inner", None) is not None:  # the bare model under any wrapper
            model = model.inner  # type: ignore[attr-defined]
        out["raw_model"] = str(getattr(model, "name", model_name))
        started = time.perf_counter()
        _ = getattr(model, "model", None)  # sentence-transformers loads lazily
        model.embed_documents(["warm up"])
        out["model_load_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        model.embed_documents(unique)
        seconds = time.perf_counter() - started
        out["raw_encode"] = {"texts": len(unique), "seconds": seconds,
                             "statements_per_s": len(unique) / seconds}
        del model
        gc.collect()
        memory["raw_encode"] = _rss_mib()
        _say(verbose, f"raw encode: {len(unique) / seconds:.0f} statements/s")

        # 2. ingest into a fresh folder, empty cache, own model instance -------------------
        started = time.perf_counter()
        service = PairingService(settings, mode="exclusive", command="pairing bench")
        inner = getattr(service.embeddings, "inner", None)
        if inner is not None:  # load the service's own model (and vocabulary) before timing
            _ = getattr(inner, "model", None)
            inner.embed_documents(["warm up"])  # straight to the model: the cache stays empty
        out["service_open_seconds"] = time.perf_counter() - started
        cache_before = len(service.embeddings) if hasattr(service.embeddings, "__len__") else 0
        report = service.ingest([csv_path])
        out["ingest"] = {
            "seconds": report.seconds, "people": len(report.added),
            "rejected": report.rejected, "statements": len(texts),
            "statements_embedded": report.embedded, "cache_entries_before": cache_before,
            "statements_per_s": len(texts) / report.seconds,
            "embedded_per_s": report.embedded / report.seconds,
        }
        if report.rejected:
            raise RuntimeError(f"generated rows were rejected: {report.problems[:3]}")
        service.close()
        service = None
        gc.collect()
        memory["ingest"] = _rss_mib()
        _say(verbose, f"ingest: {report.seconds:.1f}s, {report.embedded} embedded")

        # 3. re-ingest the unchanged cohort, as a new `pairing ingest` would ----------------
        started = time.perf_counter()
        service = PairingService(settings, mode="exclusive", command="pairing bench")
        reopen = time.perf_counter() - started
        again = service.ingest([csv_path])
        out["reingest"] = {
            "seconds": again.seconds, "open_seconds": reopen,
            "statements_embedded": again.embedded, "unchanged": len(again.unchanged),
            "added": len(again.added), "updated": len(again.updated),
        }
        memory["reingest"] = _rss_mib()
        _say(verbose, f"re-ingest: {again.seconds:.2f}s, {again.embedded} embedded")

        # 4. ask latency -----------------------------------------------------------------
        via, ask = _asker(service)
        warm = make_requests(people, 3, seed + 1)
        started = time.perf_counter()
        for spec in warm:
            ask(spec)
        warmup = time.perf_counter() - started
        latencies: list[float] = []
        kinds: Counter[str] = Counter()
        by_kind: dict[str, list[float]] = {}
        for spec in make_requests(people, requests, seed):
            computed = getattr(service.embeddings, "computed", 0)
            started = time.perf_counter()
            kinds[ask(spec)] += 1
            latencies.append(time.perf_counter() - started)
            if spec.kind == "text":  # did the request send new text to the model?
                fresh = getattr(service.embeddings, "computed", 0) > computed
                spec.kind = "text-new" if fresh else "text-cached"
            by_kind.setdefault(spec.kind, []).append(latencies[-1] * 1000)
        ms = np.asarray(latencies) * 1000
        out["ask"] = {
            "via": via, "requests": len(latencies), "warmup_seconds": warmup,
            "p50_ms": float(np.percentile(ms, 50)) if len(ms) else 0.0,
            "p95_ms": float(np.percentile(ms, 95)) if len(ms) else 0.0,
            "mean_ms": float(ms.mean()) if len(ms) else 0.0,
            "max_ms": float(ms.max()) if len(ms) else 0.0,
            "outcomes": dict(sorted(kinds.items())),
            # profile: stored vectors only; text-new: sent new text to the model
            "by_request": {k: {"requests": len(v), "p50_ms": float(np.percentile(v, 50)),
                               "p95_ms": float(np.percentile(v, 95))}
                           for k, v in sorted(by_kind.items())},
        }
        memory["ask"] = _rss_mib()
        _say(verbose, f"ask: p50 {out['ask']['p50_ms']:.0f} ms via {via}")

        # 5. cohort pairing --------------------------------------------------------------
        snap = service.matcher.snapshot
        started = time.perf_counter()
        service.cohort_scores()
        scores_seconds = time.perf_counter() - started
        gc.collect()
        started = time.perf_counter()
        result = service.pair_cohort()
        seconds = time.perf_counter() - started
        available = sum(1 for p in snap.people.values() if not p.at_capacity)
        matched = len(result.matched_ids)
        out["pairing"] = {
            "seconds": seconds, "scores_seconds": scores_seconds, "pairs": len(result.pairs),
            "matched": matched, "matched_fraction": matched / n,
            "matched_of_available": matched / available if available else 0.0,
            "available": available, "total_score": result.total_score,
            "optimal": result.optimal, "solver": dict(result.stats),
        }
        memory["pairing"] = _rss_mib()
        _say(verbose, f"pairing: {seconds:.1f}s, {len(result.pairs)} pairs")
    finally:
        if service is not None:
            service.close()
        if temporary:
            shutil.rmtree(root, ignore_errors=True)
            out["folder"] = f"{root} (removed)"
    out["machine"]["load_after"] = os.getloadavg()[0]
    torch = sys.modules.get("torch")
    if torch is not None:
        out["machine"]["torch_threads"] = torch.get_num_threads()
    out["peak_rss_mib"] = _rss_mib()
    out["peak_rss_mib_after"] = memory
    return out


# ---------------------------------------------------------------------------------------
def format_report(r: dict[str, Any]) -> str:
    """The figures as a readable table."""
    raw, ing, re_, ask, pair = r["raw_encode"], r["ingest"], r["reingest"], r["ask"], r["pairing"]
    solver = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                       for k, v in pair["solver"].items())
    outcomes = ", ".join(f"{k} {v}" for k, v in ask["outcomes"].items())
    m = r["machine"]
    mem = ", ".join(f"{k} {v:.0f}" for k, v in r["peak_rss_mib_after"].items())
    rows = [
        ("cohort", f"{r['people']} people, {r['statements']} statements "
                   f"({r['unique_statements']} unique texts), seed {r['seed']}, "
                   f"generated in {r['generate_seconds']:.2f} s"),
        ("backends", f"{r['model']}; store {r['store']}"),
        ("machine", f"{m['cpus']} CPUs, {m.get('torch_threads', '?')} torch threads, load "
                    f"average {m['load_before']:.2f} before / {m['load_after']:.2f} after "
                    "(other work on the machine slows every figure)"),
        ("model load", f"{r['model_load_seconds']:.2f} s; the service's own model and any "
                       f"vocabulary {r['service_open_seconds']:.2f} s (both excluded below)"),
        ("raw encode", f"{raw['statements_per_s']:.0f} statements/s "
                       f"({raw['texts']} unique texts in {raw['seconds']:.2f} s, "
                       f"bare {r['raw_model']})"),
        ("ingest", f"{ing['statements_per_s']:.0f} statements/s "
                   f"({ing['statements']} statements in {ing['seconds']:.2f} s; "
                   f"{ing['statements_embedded']} embedded = "
                   f"{ing['embedded_per_s']:.0f} embedded/s, empty cache)"),
        ("re-ingest", f"{re_['seconds']:.2f} s, {re_['statements_embedded']} statements "
                      f"embedded, {re_['unchanged']} people unchanged "
                      f"(+{re_['open_seconds']:.2f} s to construct the service; the store "
                      "opens lazily, inside the timed re-ingest)"),
        ("ask latency", f"p50 {ask['p50_ms']:.0f} ms, p95 {ask['p95_ms']:.0f} ms, "
                        f"max {ask['max_ms']:.0f} ms over {ask['requests']} requests via "
                        f"{ask['via']} (after 3 warm-ups, {ask['warmup_seconds']:.1f} s)"),
        ("", f"outcomes: {outcomes}; " + ", ".join(
            f"{k} requests ({v['requests']}) p50 {v['p50_ms']:.0f} / p95 {v['p95_ms']:.0f} ms"
            for k, v in ask["by_request"].items())),
        ("cohort pairing", f"{pair['seconds']:.2f} s (pair scores alone "
                           f"{pair['scores_seconds']:.2f} s): {pair['pairs']} pairs, "
                           f"{pair['matched_fraction']:.1%} of people matched "
                           f"({pair['matched_of_available']:.1%} of {pair['available']} "
                           f"with open slots), total {pair['total_score']:.2f}, "
                           f"{'optimal' if pair['optimal'] else 'NOT optimal'}"),
        ("", f"solver: {solver}"),
        ("peak memory", f"{r['peak_rss_mib']:.0f} MiB (after each step: {mem})"),
        ("folder", r["folder"]),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main(args: Any) -> int:
    """Entry point of ``pairing bench``: print the table, and JSON if ``args.json`` is set."""
    result = run(
        int(getattr(args, "people", 1000)), int(getattr(args, "requests", 100)),
        int(getattr(args, "seed", 7)), getattr(args, "data_dir", None), verbose=True,
    )
    print(format_report(result))
    target = getattr(args, "json", None)
    if target:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"JSON written to {path}")
    return 0
