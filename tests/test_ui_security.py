"""The chat served with logins, probed like an attacker, and under 30+ concurrent sessions.

- Gradio's file routes, with traversal and encodings, for /etc/passwd, the data folder's
  chroma.sqlite3, the logins file and the embedding cache: all refused.
- Every API endpoint the app lists refuses a call without a login.
- A participant login cannot act as another participant, pair the cohort, or fetch a
  file that was served to the coordinator (nor another participant's agenda).
- Run history is off (the browser keeps no answers).
- 30+ sessions at once, each with its own identity and filters: no error, and no answer
  carries another session's identity, filters or messages.
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from gradio_client import Client
from ui_support import free_port

from assistant.config import Settings
from assistant.converse.conversation import Conversation
from assistant.embed import CachedEmbeddings
from assistant.present import markdown
from assistant.service import PairingService
from assistant.ui import gradio_app

pytestmark = pytest.mark.slow
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
LOGINS = {"cora": "cora-pw", "hf002": "raj-pw", "hf024": "tia-pw", "pat": "pat-pw"}


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory,
            embedder: CachedEmbeddings) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("secured")
    data = folder / "data"
    logins = folder / "logins.txt"
    logins.write_text("".join(f"{u}:{p}{':coordinator' if u == 'cora' else ''}\n"
                              for u, p in LOGINS.items()), encoding="utf-8")

    def open_service(mode: str) -> PairingService:  # with the on-disk embedding cache
        return PairingService(Settings(data_dir=data, store="chroma"), mode=mode,  # type: ignore[arg-type]
                              embeddings=CachedEmbeddings(embedder, data / "embed-cache.sqlite",
                                                          embedder.model_name))

    with open_service("exclusive") as service:
        service.ingest([CORPUS])
    service = open_service("shared")
    port = free_port()
    demo = gradio_app.launch(service, port=port, prevent_thread_lock=True, quiet=True,
                             auth=list(LOGINS.items()), coordinators={"cora"})
    try:
        yield {"url": f"http://127.0.0.1:{port}/", "demo": demo, "service": service,
               "data": data, "logins": logins}
    finally:
        demo.close()
        service.close()


def browser(url: str, user: str | None) -> httpx.Client:
    """An HTTP client with the login cookie of ``user`` (or none)."""
    client = httpx.Client(base_url=url, timeout=60, follow_redirects=False)
    if user is not None:
        response = client.post("login", data={"username": user, "password": LOGINS[user]})
        assert response.status_code == 200, response.text
    return client


def served(value: Any) -> str:
    """The URL of a file output returned with download_files=False."""
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    assert isinstance(value, dict) and value.get("url"), value
    return str(value["url"])


def test_file_routes_refuse_traversal_to_private_files(secured: dict[str, Any]) -> None:
    data: Path = secured["data"]
    downloads: Path = secured["demo"].pairing_downloads
    secrets = {
        Path("/etc/passwd"): b"root:",
        data / "chroma" / "chroma.sqlite3": b"SQLite format 3",
        data / "embed-cache.sqlite": b"SQLite format 3",
        secured["logins"]: b"raj-pw",
    }
    for target in secrets:
        assert target.exists(), target
    refused = 0
    for user in (None, "hf002", "cora"):
        client = browser(secured["url"], user)
        for target, marker in secrets.items():
            up = "/".join([".."] * len(downloads.parts))
            relative = f"{downloads}/{up}{target}"
            forms = [str(target), relative, quote(str(target), safe=""),
                     relative.replace("/", "%2f"), relative.replace("..", "%2e%2e"),
                     quote(quote(relative, safe=""), safe=""), relative.replace("/", "\\")]
            for form in forms:
                for route in ("gradio_api/file=", "file=", "gradio_api/file/"):
                    response = client.get(route + form)
                    assert response.status_code in (401, 403, 404), (route, form, user)
                    assert marker not in response.content
                    refused += 1
    print(f"file probes refused: {refused}")


def test_every_endpoint_refuses_calls_without_a_login(secured: dict[str, Any]) -> None:
    demo = secured["demo"]
    client = browser(secured["url"], None)
    names = [d["api_name"] for d in demo.config["dependencies"] if d.get("api_name")]
    assert {"sign_in", "send", "pair_cohort"} <= set(names)
    calls = [("get", "config"), ("get", "gradio_api/info"), ("post", "gradio_api/upload"),
             ("get", "gradio_api/queue/data?session_hash=x")]
    for name in names:
        calls += [("post", f"gradio_api/call/{name}"), ("post", f"gradio_api/run/{name}")]
    for index in range(len(demo.config["dependencies"])):
        calls.append(("post", "gradio_api/queue/join"))
        body = {"data": [], "fn_index": index, "session_hash": "attacker"}
        response = client.post("gradio_api/queue/join", json=body)
        assert response.status_code == 401, (index, response.text)
    for method, path in calls:
        response = client.request(method.upper(), path, json={"data": ["hf002"]})
        assert response.status_code == 401, (method, path, response.status_code)
    print(f"unauthenticated calls refused: {len(calls)}")


def test_a_participant_cannot_act_as_another_or_coordinate(secured: dict[str, Any],
                                                           tmp_path: Path) -> None:
    url = secured["url"]
    service = secured["service"]
    raj = Client(url, auth=("hf002", LOGINS["hf002"]), verbose=False, download_files=False)
    *_, profile = raj.predict("hf024", api_name="/sign_in")
    assert html.escape(service.get("hf002").name) in profile
    assert html.escape(service.get("hf024").name) not in profile
    summary, pairs, unmatched, csv_file = raj.predict(api_name="/pair_cohort")
    assert "Only programme coordinators" in summary
    assert not pairs["data"] and not unmatched["data"]
    assert not (isinstance(csv_file, dict) and csv_file.get("value"))

    cora = Client(url, auth=("cora", LOGINS["cora"]), verbose=False, download_files=False)
    *_, cohort_csv = cora.predict(api_name="/pair_cohort")
    link = served(cohort_csv)
    path = link.split("/file=", 1)[1]
    assert Path(path).is_relative_to(secured["data"])  # served from the data folder
    assert browser(url, "cora").get(link).status_code == 200
    for other in ("hf002", "pat"):
        response = browser(url, other).get(link)
        assert response.status_code == 403 and b"a_id" not in response.content

    # a participant's agenda is theirs alone
    raj.predict("hf002", api_name="/sign_in")
    raj.predict("who can teach me Snapchat and wants strategy help", api_name="/send")
    raj.predict("pair me with the first one", api_name="/send")
    *_, agenda_md, _agenda_ics = raj.predict("draft our first session agenda", api_name="/send")
    agenda = served(agenda_md)
    assert browser(url, "hf002").get(agenda).status_code == 200
    assert browser(url, "hf024").get(agenda).status_code == 403
    assert browser(url, "cora").get(agenda).status_code == 403


def test_run_history_is_off(secured: dict[str, Any]) -> None:
    config = browser(secured["url"], "pat").get("config").json()
    assert config["run_history"] is False


# concurrency ----------------------------------------------------------------------------
SESSIONS = 32
PLACES = ["London", "Manchester", "Toronto", "Singapore", "Chicago", "New York", "Berlin",
          "Sydney"]


@pytest.fixture(scope="module")
def open_app(tmp_path_factory: pytest.TempPathFactory,
             embedder: CachedEmbeddings) -> Iterator[tuple[str, PairingService]]:
    data = tmp_path_factory.mktemp("busy") / "data"
    settings = Settings(data_dir=data, store="chroma")

    def emb() -> CachedEmbeddings:
        return CachedEmbeddings(embedder, None, embedder.model_name)

    with PairingService(settings, mode="exclusive", embeddings=emb()) as service:
        service.ingest([CORPUS])
    service = PairingService(settings, mode="shared", embeddings=emb())
    port = free_port()
    demo = gradio_app.launch(service, port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/", service
    finally:
        demo.close()
        service.close()


def skeleton_text(content: Any) -> str:
    """A chat message's text (the API may give it as parts)."""
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


def skeleton(content: Any) -> str:
    """Letters and digits only: a message as sent and as shown (escaped) compare equal."""
    return re.sub(r"\W", "", skeleton_text(content))


def test_many_concurrent_sessions_keep_to_themselves(
        open_app: tuple[str, PairingService], tmp_path: Path) -> None:
    """Each session's replies are exactly what the same person gets alone (answers are
    deterministic), so nothing of another session's identity or filters can slip in."""
    url, service = open_app
    people = [p for p in service.participants() if p.location in PLACES][:SESSIONS]
    assert len(people) >= 30
    scripts = {}
    for number, me in enumerate(people):
        place = PLACES[number % len(PLACES)]
        messages = ["who would be a good partner for me?", f"only people in {place}", "more",
                    "why?"]
        alone = Conversation(service, me.id)
        scripts[number] = (me, messages, [markdown(alone.send(m)) for m in messages])
    errors: list[str] = []
    turns = [0]
    lock = threading.Lock()

    def session(number: int) -> None:
        me, messages, expected = scripts[number]
        try:
            client = Client(url, verbose=False, download_files=str(tmp_path / f"s{number}"),
                            httpx_kwargs={"timeout": 600})
            *_, profile = client.predict(me.id, api_name="/sign_in")
            assert html.escape(me.name) in profile, profile
            for index, message in enumerate(messages):
                history, _, cards, *_ = client.predict(message, api_name="/send")
                with lock:
                    turns[0] += 1
                asked = [skeleton(m["content"]) for m in history if m["role"] == "user"]
                assert asked == [skeleton(m) for m in messages[: index + 1]]
                assert skeleton_text(history[-1]["content"]) == expected[index], message
                assert me.id not in re.findall(r'data-id="([^"]+)"', cards)
        except Exception as exc:  # collected: every session's failure is reported
            with lock:
                errors.append(f"session {number} ({me.id}): {exc!r}")

    threads = [threading.Thread(target=session, args=(n,)) for n in range(len(people))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    assert not [t for t in threads if t.is_alive()]
    assert errors == [], "\n".join(errors)
    assert turns[0] == len(people) * 4
    print(f"sessions: {len(people)}, turns: {turns[0]}, "
          f"{turns[0] / (time.perf_counter() - started):.2f} turns/s")
