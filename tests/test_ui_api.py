"""The Gradio UI driven through its API with gradio_client, on the real demo corpus.

The app is launched for real (loopback, free port) over a data folder ingested once per
module; each ``Client`` is one browser session.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from ui_support import serve

from assistant.embed import CachedEmbeddings
from assistant.errors import ConfigError, InputFormatError
from assistant.present import EMPTY_CARDS
from assistant.service import PairingService
from assistant.ui import gradio_app

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SNAPCHAT = "who can teach me Snapchat and wants strategy help"
INSTAGRAM = "who can teach me Instagram and wants strategy help"  # more than a page
HOSTILE_ROWS = (
    "id,name,offers,wants,department,location\n"
    'x1,"<script>alert(1)</script> Eve ${alert(2)}","Snapchat <img src=x onerror=alert(1)>; '
    '[click me](javascript:alert(1)) ![pic](http://127.0.0.1:9/x.png)","business strategy",'
    '"Ops <b>bold</b>","<svg onload=alert(3)>"\n'
    "x2,Sam Senior,business strategy,Snapchat stories,Sales,London\n"
)
#: a tag a browser would run: not one escaped for Markdown with a backslash (``\<script>``)
LIVE_TAG = re.compile(r"(?<!\\)<\s*/?\s*(script|img|svg|iframe|a)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbeddings
) -> Iterator[tuple[str, Any, PairingService]]:
    yield from serve(tmp_path_factory.mktemp("ui-demo"), [CORPUS], embedder)


@pytest.fixture(scope="module")
def hostile_app(
    tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbeddings
) -> Iterator[tuple[str, Any, PairingService]]:
    folder = tmp_path_factory.mktemp("ui-hostile")
    source = folder / "hostile.csv"
    source.write_text(HOSTILE_ROWS, encoding="utf-8")
    yield from serve(folder / "data", [source], embedder)


@pytest.fixture(scope="module")
def shared_app(
    tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbeddings
) -> Iterator[tuple[str, Any, PairingService]]:
    """A shared deployment: participants and a coordinator, each with a login."""
    yield from serve(tmp_path_factory.mktemp("ui-logins"), [CORPUS], embedder,
                     auth=[("pat", "pat-pw"), ("cora", "cora-pw"), ("hf002", "raj-pw")],
                     coordinators={"cora"})


@pytest.fixture
def connect(tmp_path: Path) -> Callable[..., Client]:
    """A new browser-like session (its own session hash) on a running app."""

    def make(url: str, auth: tuple[str, str] | None = None) -> Client:
        return Client(url, verbose=False, analytics_enabled=False, auth=auth,
                      download_files=str(tmp_path / "downloads"))

    return make


def texts(history: list[dict[str, Any]]) -> list[str]:
    """Message texts of a Chatbot value as the API returns it."""
    out = []
    for message in history:
        content = message["content"]
        if isinstance(content, list):
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        out.append(str(content))
    return out


def file_value(value: Any) -> str | None:
    """The local path of a DownloadButton output (a path or an update carrying one)."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, dict):
        value = value.get("path")
    return value


def card_ids(cards_html: str) -> list[str]:
    return re.findall(r'class="pa-card[^"]*" data-id="([^"]+)"', cards_html)


def send(client: Client, text: str) -> tuple[Any, ...]:
    return tuple(client.predict(text, api_name="/send"))


# -----------------------------------------------------------------------------------
def test_app_is_local_private_and_exposes_named_endpoints(app: Any, connect: Any) -> None:
    url, demo, _ = app
    assert demo.server_name == "127.0.0.1"
    assert demo.share is False or demo.share is None
    assert demo.analytics_enabled is False
    endpoints = connect(url).view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/sign_in", "/send", "/pair_cohort"} <= set(endpoints)


def test_snapchat_question_why_and_agenda(app: Any, connect: Any) -> None:
    url, _, service = app
    client = connect(url)
    history, _, cards, _, _, _, profile = client.predict("hf002", api_name="/sign_in")
    assert history == [] and cards == EMPTY_CARDS
    assert "Rajesh Menon" in profile and "Chief Marketing Officer" in profile

    history, box, cards, _, md, ics = send(client, SNAPCHAT)
    assert box == ""
    ids = card_ids(cards)
    assert ids, cards
    top = service.get(ids[0])
    assert "snap" in " ".join(top.offers).lower()
    assert "strateg" in " ".join(top.wants).lower()
    assert ids[0] in {"hf013", "hf024", "hf053"}
    lines = service.matcher.snapshot.lines  # nobody within two levels of Rajesh's line
    assert not [pid for pid in ids if lines.conflict("hf002", pid)]
    assert "hf002" not in ids
    first_card = cards.split('data-id="')[1]
    assert f"{top.first_name} can teach you" in first_card
    assert f"{top.first_name} wants help with" in first_card and "which you offer" in first_card
    assert re.search(r"fit \d\.\d\d", first_card)
    assert re.search(r"pair score \d\.\d\d · teaches you \d\.\d\d · learns from you", first_card)
    assert file_value(md) is None and file_value(ics) is None

    history, _, cards, _, _, _ = send(client, "why?")
    why = texts(history)[-1]
    assert f"Why {top.name}?" in why
    assert f"{top.first_name} → you" in why and f"You → {top.first_name}" in why
    assert card_ids(cards) == [top.id]

    history, _, _, agenda, md, ics = send(client, "draft our first session agenda")
    assert len(history) == 6
    assert agenda.startswith("# First reciprocal mentoring session: Rajesh Menon")
    md_path, ics_path = Path(file_value(md) or ""), Path(file_value(ics) or "")
    assert md_path.name == f"first-session-hf002-{top.id}.md" and md_path.is_file()
    content = md_path.read_text(encoding="utf-8")
    assert content.strip() == agenda.strip()
    assert "Rajesh" in content and top.first_name in content and "## " in content
    calendar = ics_path.read_text(encoding="utf-8")
    assert ics_path.suffix == ".ics"
    assert "BEGIN:VCALENDAR" in calendar and "BEGIN:VEVENT" in calendar


def test_every_example_prompt_answers(app: Any, connect: Any) -> None:
    url, _, service = app
    client = connect(url)
    client.predict("hf002", api_name="/sign_in")
    answers = {}
    for prompt in gradio_app.EXAMPLES:
        history, _, cards, agenda, md, _ = send(client, prompt)
        answers[prompt] = (texts(history)[-1], card_ids(cards), agenda, file_value(md))
    assert answers[gradio_app.EXAMPLES[0]][1][0] in {"hf013", "hf024", "hf053"}
    assert answers["who would be a good partner for me?"][1]
    london = answers["only people in London"][1]
    # only Londoners, or nobody and the assistant says so
    assert all(service.get(pid).location == "London" for pid in london)
    assert "London" in answers["only people in London"][0]
    assert len(answers["why?"][1]) == 1 and answers["why?"][0].startswith("**Why ")
    assert answers["draft our first session agenda"][2].startswith("# First reciprocal")
    assert answers["draft our first session agenda"][3]
    assert "Source:" in answers["how often should we meet?"][0]

    _, _, cards, *_ = send(client, "pair me with the first one")
    assert "Your partner" in cards and len(card_ids(cards)) == 1


def test_sessions_are_isolated(app: Any, connect: Any) -> None:
    url, _, service = app
    alice, bob, fresh = connect(url), connect(url), connect(url)
    alice.predict("hf002", api_name="/sign_in")
    bob.predict("hf004", api_name="/sign_in")
    a_first = card_ids(send(alice, INSTAGRAM)[2])
    b_history, _, b_cards, *_ = send(bob, "who would be a good partner for me?")
    assert a_first and card_ids(b_cards)

    a_history, _, a_more, *_ = send(alice, "more")
    a_text = texts(a_history)
    assert len(a_text) == 4 and a_text[0] == INSTAGRAM
    assert "instagram" in a_text[-1].lower()  # still Rajesh's Instagram search
    assert not set(card_ids(a_more)) & set(a_first)  # the next page, not a restart
    lines = service.matcher.snapshot.lines
    assert "hf002" not in card_ids(a_more)
    assert not [pid for pid in card_ids(a_more) if lines.conflict("hf002", pid)]
    assert all("good partner" not in t for t in a_text)

    b_after, *_ = bob.predict("why?", api_name="/send")
    b_text = texts(b_after)
    assert len(b_text) == 4 and all(INSTAGRAM not in t for t in b_text)
    assert len(texts(b_history)) == 2

    f_history, _, f_cards, *_ = send(fresh, "why?")
    assert len(f_history) == 2 and f_cards == EMPTY_CARDS
    assert "Ask me for partners first" in texts(f_history)[-1]

    cleared, _, cards, agenda, *_ = alice.predict("hf002", api_name="/sign_in")
    assert cleared == [] and cards == EMPTY_CARDS and agenda == gradio_app.NO_AGENDA


def test_unknown_sign_in_is_worded_for_people(app: Any, connect: Any) -> None:
    url, _, _ = app
    history, *_, profile = connect(url).predict("Nobody Atall", api_name="/sign_in")
    message = texts(history)[-1]
    assert "I don't know" in message and "anonymous" in message
    assert "Asking anonymously" in profile


def test_coordinator_pairs_the_cohort_with_csv(app: Any, connect: Any) -> None:
    url, _, service = app
    summary, pairs, unmatched, csv_file = connect(url).predict(api_name="/pair_cohort")
    rows = pairs["data"]
    assert pairs["headers"] == gradio_app.PAIR_HEADERS
    assert re.match(r"\d+ pairs, \d+ of \d+ people matched, mean pair score \d\.\d\d", summary)
    assert rows
    ids = [(re.findall(r"\((\w+)\)$", r[0])[0], re.findall(r"\((\w+)\)$", r[1])[0]) for r in rows]
    lines = service.matcher.snapshot.lines
    assert not [pair for pair in ids if lines.conflict(*pair)]
    seen = Counter(x for pair in ids for x in pair)
    assert all(n <= service.get(pid).capacity for pid, n in seen.items())
    assert all(" teaches " in r[5] for r in rows)
    assert all(0 < float(r[2]) <= 1 for r in rows)  # pair score, 0 to 1
    assert all(0 <= float(r[3]) <= 1 and 0 <= float(r[4]) <= 1 for r in rows)
    assert all(row[1] for row in unmatched["data"])  # every unmatched person has a reason
    path = Path(file_value(csv_file) or "")
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    paired = [r for r in table if r["status"] == "paired"]
    assert len(paired) == len(rows)
    assert {(r["a_id"], r["b_id"]) for r in paired} == set(ids)
    alone = {re.findall(r"\((\w+)\)$", row[0])[0] for row in unmatched["data"]}
    assert alone and not alone & set(seen)
    assert alone | set(seen) == {p.id for p in service.participants()}


def test_only_coordinator_logins_pair_the_cohort(shared_app: Any, connect: Any) -> None:
    url, _, _ = shared_app
    with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies
        connect(url, ("pat", "wrong"))
    participant = connect(url, ("pat", "pat-pw"))
    summary, pairs, unmatched, csv_file = participant.predict(api_name="/pair_cohort")
    assert summary == f"⚠ {gradio_app.COORDINATORS_ONLY}"
    assert not pairs["data"] and not unmatched["data"] and file_value(csv_file) is None
    participant.predict("hf002", api_name="/sign_in")
    _, _, cards, *_ = send(participant, SNAPCHAT)
    assert card_ids(cards)  # participants still chat
    summary, pairs, _, csv_file = connect(url, ("cora", "cora-pw")).predict(
        api_name="/pair_cohort")
    assert pairs["data"] and file_value(csv_file), summary


def test_coordinator_tab_is_hidden_until_a_coordinator_loads_the_page(
    app: Any, shared_app: Any
) -> None:
    def tab_visible(demo: Any) -> bool:
        tabs = [c for c in demo.config["components"] if c.get("type") == "tabitem"
                and c["props"].get("id") == "coordinator"]
        assert len(tabs) == 1
        return bool(tabs[0]["props"]["visible"])

    assert tab_visible(app[1])  # no coordinators named: everyone may pair
    assert not tab_visible(shared_app[1])


def test_a_login_named_after_a_participant_chats_as_them(shared_app: Any, connect: Any) -> None:
    url, _, _ = shared_app
    rajesh = connect(url, ("hf002", "raj-pw"))
    _, _, cards, *_ = send(rajesh, SNAPCHAT)  # no sign-in: the login says who it is
    assert card_ids(cards) and "hf002" not in card_ids(cards)
    cards += send(rajesh, "more")[2]
    ids = card_ids(cards)
    # a weaker match is worded as what comes closest, never as a teacher
    assert cards.count("Closest to</b>") >= 1
    assert cards.count("Closest to</b>") + cards.count("can teach you</b>") == len(ids)
    *_, profile = rajesh.predict("hf004", api_name="/sign_in")  # cannot become someone else
    assert "Rajesh Menon" in profile
    *_, profile = connect(url, ("cora", "cora-pw")).predict("hf004", api_name="/sign_in")
    assert "Rajesh Menon" not in profile and "Asking anonymously" not in profile


def test_logins_from_flags_and_a_file(tmp_path: Path) -> None:
    from assistant.cli import logins

    assert logins([], []) == ([], None)
    assert logins(["pat:a:b"], []) == ([("pat", "a:b")], None)  # every login coordinates
    file = tmp_path / "logins.txt"
    file.write_text("# who may sign in\nsam:s-pw\n\ncora:c-pw:coordinator\n", encoding="utf-8")
    users, coordinators = logins(["pat:p-pw"], ["lee:l-pw"], file)
    assert users == [("pat", "p-pw"), ("lee", "l-pw"), ("sam", "s-pw"), ("cora", "c-pw")]
    assert coordinators == {"lee", "cora"}
    # a byte-order mark, Windows line ends, a capitalised role, spaces around the name
    file.write_bytes("\ufeff# comment: not a login\r\n  sam :s-pw \r\ncora:c:pw:Coordinator\r\n"
                     .encode())
    assert logins(["sam:s-pw"], ["sam:s-pw"], file) == (
        [("sam", "s-pw"), ("cora", "c:pw")], {"sam", "cora"})
    for bad in (["pat"], ["pat:"], [":pw"], ["pat:a", "pat:b"], ["pat: a"],
                ["cora:pw:coordinator"]):
        with pytest.raises(InputFormatError):
            logins(bad, [])
    with pytest.raises(InputFormatError, match="line 2"):
        file.write_text("ok:pw\nbroken\n", encoding="utf-8")
        logins([], [], file)
    with pytest.raises(InputFormatError, match="no logins"):
        file.write_text("# nobody yet\n\n", encoding="utf-8")
        logins([], [], file)
    with pytest.raises(InputFormatError, match="UTF-8"):
        file.write_bytes(b"caf\xe9:pw\n")
        logins([], [], file)


def test_chat_command_passes_logins_and_warns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    data_dir: Path,
) -> None:
    from assistant.cli import main

    data_dir.mkdir(parents=True)  # chat serves an existing data folder, never a new one
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(gradio_app, "launch", lambda service, **kw: calls.append(kw))
    file = tmp_path / "logins.txt"
    file.write_text("pat:p-pw\ncora:c-pw:coordinator\n", encoding="utf-8")
    assert main(["chat", "--auth-file", str(file), "--auth", "sam:s-pw"]) == 0
    assert calls[-1]["auth"] == [("sam", "s-pw"), ("pat", "p-pw"), ("cora", "c-pw")]
    assert calls[-1]["coordinators"] == {"cora"}
    assert capsys.readouterr().err == ""
    assert main(["chat", "--auth", "sam:s-pw"]) == 0
    assert calls[-1]["auth"] == [("sam", "s-pw")] and calls[-1]["coordinators"] is None
    assert "every login may use the Coordinator tab" in capsys.readouterr().err
    assert main(["chat", "--host", "0.0.0.0"]) == 0
    assert calls[-1]["auth"] is None and "add logins" in capsys.readouterr().err
    assert main(["chat", "--auth-file", str(tmp_path / "missing.txt")]) == 3
    assert len(calls) == 3


def test_hostile_profile_text_is_shown_literally(hostile_app: Any, connect: Any) -> None:
    url, _, _ = hostile_app
    client = connect(url)
    *_, profile = client.predict("x1", api_name="/sign_in")
    *_, profile2 = client.predict("x2", api_name="/sign_in")
    history, _, cards, *_ = send(client, "who would be a good partner for me?")
    assert card_ids(cards) == ["x1"]
    html_panels = [profile, profile2, cards]
    history, _, cards, *_ = send(client, "why?")
    html_panels.append(cards)
    history, _, _, agenda, md, _ = send(client, "draft our first session agenda")
    markdown = [*texts(history), agenda, Path(file_value(md) or "").read_text(encoding="utf-8")]
    summary, pairs, _, _ = client.predict(api_name="/pair_cohort")
    assert pairs["data"], summary

    for text in html_panels + markdown:  # no tag survives, in HTML or in Markdown
        assert not LIVE_TAG.search(text), text
        assert "<b>bold</b>" not in text
    for text in html_panels:  # HTML: shown literally, attributes inert
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or "Sam Senior" in text
        assert "onerror=" not in text.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in profile
    assert "[click me](javascript:alert(1))" in profile  # literal text in HTML, not a link
    assert "${alert(2)}" in profile  # passed through as text; the browser test checks it stays
    for text in markdown:  # Markdown: link and image syntax neutralised (escaped brackets)
        assert not re.search(r"(?<!\\)\]\((?:javascript|http)", text), text
    assert any("&lt;script&gt;alert" in text for text in markdown)


def test_llm_option_is_passed_on_not_required() -> None:
    assert gradio_app._chat_model(None) is None
    assert gradio_app._chat_model("") is None
    model = GenericFakeChatModel(messages=iter([AIMessage(content="hi")]))
    assert gradio_app._chat_model(model) is model
    with pytest.raises(ConfigError):
        gradio_app._chat_model("nonsense:model")
