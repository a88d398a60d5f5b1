"""The chat UI in a real browser: Debian chromium driven by playwright (sync API).

A participant signs in, asks the Snapchat question, asks why, drafts the agenda and
downloads it; a coordinator pairs the cohort; hostile profile text stays text. Each
step leaves a screenshot in artifacts/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_support import serve

from assistant.embed import CachedEmbeddings

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHOTS = ROOT / "artifacts" / "screenshots"
SNAPCHAT = "who can teach me Snapchat and wants strategy help"
HOSTILE_NAME = "<script>alert(1)</script> Eve ${alert(2)}"
HOSTILE_OFFER = ("Snapchat <img src=x onerror=alert(1)>; [click me](javascript:alert(1)) "
                 "![pic](http://127.0.0.1:9/x.png)")
HOSTILE_ROWS = (
    "id,name,offers,wants,department,location\n"
    f'x1,"{HOSTILE_NAME}","{HOSTILE_OFFER}","business strategy","Ops <b>bold</b>",'
    '"<svg onload=alert(3)>"\n'
    "x2,Sam Senior,business strategy,Snapchat stories,Sales,London\n"
)
TIMEOUT = 20_000  # ms for one answer to appear


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbeddings) -> Iterator[str]:
    for url, _, _ in serve(tmp_path_factory.mktemp("browser-demo"), [CORPUS], embedder):
        yield url


@pytest.fixture(scope="module")
def shared_url(
    tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbeddings
) -> Iterator[str]:
    for url, _, _ in serve(tmp_path_factory.mktemp("browser-logins"), [CORPUS], embedder,
                           auth=[("pat", "pat-pw"), ("cora", "cora-pw"), ("hf002", "raj-pw")],
                           coordinators={"cora"}):
        yield url


@pytest.fixture(scope="module")
def hostile_url(
    tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbeddings
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser-hostile")
    source = folder / "hostile.csv"
    source.write_text(HOSTILE_ROWS, encoding="utf-8")
    for url, _, _ in serve(folder / "data", [source], embedder):
        yield url


def wait_for_text(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => (document.querySelector(sel)?.innerText || '').includes(text)",
        arg=[selector, text], timeout=TIMEOUT)


class Page:
    """The app's page with the few gestures a person makes, and screenshots."""

    def __init__(self, browser: Any, url: str, login: tuple[str, str] | None = None) -> None:
        self.context = browser.new_context(viewport={"width": 1440, "height": 1000},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.page.goto(url)
        if login is not None:  # Gradio's own login form
            self.page.locator("input[type=text]").fill(login[0])
            self.page.locator("input[type=password]").fill(login[1])
            self.page.get_by_role("button", name="Login").click()
        self.page.wait_for_selector("#who input", timeout=TIMEOUT)

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def sign_in(self, typed: str, option: str) -> None:
        box = self.page.locator("#who input")
        box.click()
        box.fill(typed)
        self.page.get_by_role("option", name=option).first.click()
        self.page.wait_for_function(
            "() => document.querySelector('#who input').getAttribute('aria-expanded') "
            "=== 'false'", timeout=TIMEOUT)
        self.page.wait_for_timeout(400)  # let the option list fade out before screenshots

    def messages(self) -> int:
        return self.page.locator("#conversation .message-row").count()

    def ask(self, text: str) -> str:
        """Send a message; return the assistant's answer as rendered text."""
        before = self.page.locator("#conversation [data-testid='bot']").count()
        self.page.locator("#message textarea").fill(text)
        self.page.locator("#send").click()
        answers = self.page.locator("#conversation [data-testid='bot']")
        answers.nth(before).wait_for(timeout=TIMEOUT)
        self.page.wait_for_function(
            "() => !document.querySelector('#conversation .pending')", timeout=TIMEOUT)
        return str(answers.nth(before).inner_text())

    def close(self) -> None:
        self.context.close()


def test_participant_journey(browser: Any, demo_url: str, tmp_path: Path) -> None:
    ui = Page(browser, demo_url)
    page = ui.page
    try:
        ui.sign_in("Rajesh", "Rajesh Menon (hf002)")
        page.locator("#profile .pa-name", has_text="Rajesh Menon").wait_for(timeout=TIMEOUT)
        ui.shot("01-signed-in.png")

        answer = ui.ask(SNAPCHAT)
        first = page.locator("#cards .pa-card").first
        first.wait_for(timeout=TIMEOUT)
        top_id = first.get_attribute("data-id")
        top_text = first.inner_text()
        names = {"hf013": "Jonas", "hf024": "Marcus", "hf053": "Tiana"}
        assert top_id in names, top_text
        name = names[top_id]
        assert f"{name} can teach you" in top_text
        assert f"{name} wants help with" in top_text and "which you offer" in top_text
        # the same figures with the same words in the card and the chat, explained once
        figures = re.search(r"pair score (\d\.\d\d) · teaches you (\d\.\d\d)", top_text)
        assert figures is not None, top_text
        assert f"{name}" in answer and figures.group(0) in answer
        assert "pair score" in page.locator("#cards .pa-legend").inner_text()
        assert "can teach you" in answer and "which you offer" in answer
        ui.shot("02-candidates.png")

        answer = ui.ask("why?")
        assert f"{name} → you" in answer and f"You → {name}" in answer
        page.locator("#cards .pa-card.pa-focus").wait_for(timeout=TIMEOUT)
        ui.shot("03-why.png")

        ui.ask("draft our first session agenda")
        agenda = page.locator("#agenda")
        agenda.get_by_text("First reciprocal mentoring session").wait_for(timeout=TIMEOUT)
        button = page.locator("#agenda-md")
        page.wait_for_function(
            "() => !document.querySelector('#agenda-md').disabled", timeout=TIMEOUT)
        ui.shot("04-agenda.png")
        with page.expect_download(timeout=TIMEOUT) as info:
            button.click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        assert target.name == f"first-session-hf002-{top_id}.md"
        content = target.read_text(encoding="utf-8")
        assert content.startswith("# First reciprocal mentoring session: Rajesh Menon")
        assert name in content and re.search(r"^## \d\d-\d\d min", content, re.MULTILINE)
        assert not ui.dialogs
    finally:
        ui.close()


def test_coordinator_pairs_the_cohort(browser: Any, demo_url: str) -> None:
    ui = Page(browser, demo_url)
    page = ui.page
    try:
        page.get_by_role("tab", name="Coordinator").click()
        page.locator("#pair-cohort").click()
        page.locator("#cohort-summary", has_text="matched").wait_for(timeout=TIMEOUT)
        wait_for_text(page, "#pairs", " teaches ")
        page.wait_for_function(
            "() => !document.querySelector('#pairs-csv').disabled", timeout=TIMEOUT)
        ui.shot("05-coordinator.png")
        assert re.search(r"\d+ pairs", page.locator("#cohort-summary").inner_text())
    finally:
        ui.close()


def test_only_a_coordinator_login_sees_the_coordinator_tab(browser: Any, shared_url: str) -> None:
    participant = Page(browser, shared_url, ("pat", "pat-pw"))
    try:
        participant.page.get_by_role("tab", name="Chat").wait_for(timeout=TIMEOUT)
        participant.page.wait_for_timeout(500)  # the load event has settled the tabs
        assert participant.page.get_by_role("tab", name="Coordinator").count() == 0
        assert participant.page.locator("#pair-cohort").count() == 0 or not \
            participant.page.locator("#pair-cohort").is_visible()
    finally:
        participant.close()
    coordinator = Page(browser, shared_url, ("cora", "cora-pw"))
    try:
        coordinator.page.get_by_role("tab", name="Coordinator").click()
        coordinator.page.locator("#pair-cohort").click()
        wait_for_text(coordinator.page, "#pairs", " teaches ")
    finally:
        coordinator.close()


def test_a_participant_login_is_signed_in_as_that_participant(
    browser: Any, shared_url: str
) -> None:
    ui = Page(browser, shared_url, ("hf002", "raj-pw"))
    try:
        ui.page.locator("#profile .pa-name", has_text="Rajesh Menon").wait_for(timeout=TIMEOUT)
        assert ui.page.locator("#who input").is_disabled()
        assert ui.page.get_by_role("tab", name="Coordinator").count() == 0
        ui.ask(SNAPCHAT)
        ui.page.locator("#cards .pa-card").first.wait_for(timeout=TIMEOUT)
        assert "Rajesh" not in ui.page.locator("#cards .pa-name").all_inner_texts()
    finally:
        ui.close()


def test_hostile_profile_text_stays_text(browser: Any, hostile_url: str) -> None:
    ui = Page(browser, hostile_url)
    page = ui.page
    try:
        ui.sign_in("Sam", "Sam Senior (x2)")
        page.locator("#profile .pa-name", has_text="Sam Senior").wait_for(timeout=TIMEOUT)
        answer = ui.ask("who would be a good partner for me?")
        card = page.locator("#cards .pa-card").first
        card.wait_for(timeout=TIMEOUT)
        ui.ask("why?")
        page.locator("#cards .pa-card.pa-focus").wait_for(timeout=TIMEOUT)
        ui.shot("06-hostile-chat.png")

        shown = page.locator("#cards .pa-name").first.inner_text()
        assert shown == HOSTILE_NAME  # literally, template syntax included
        assert "<script>alert(1)</script>" in answer
        assert "<img src=x onerror=alert(1)>" in page.locator("#cards").inner_text()
        for scope in ("#cards", "#conversation", "#profile"):
            area = page.locator(scope)
            assert area.locator("script, img[src='x'], svg[onload], a[href^='javascript']"
                                ).count() == 0, scope
        ui.ask("draft our first session agenda")
        agenda = page.locator("#agenda")
        agenda.get_by_text("First reciprocal mentoring session").wait_for(timeout=TIMEOUT)
        assert "<script>alert(1)</script> Eve" in agenda.inner_text()
        assert agenda.locator("script, img, svg[onload], a[href^='javascript']").count() == 0

        typed = "[click me](javascript:alert(1)) <img src=x onerror=alert(1)> **not bold**"
        ui.ask(typed)
        user_bubbles = page.locator("#conversation [data-testid='user']")
        assert user_bubbles.last.inner_text().strip() == typed
        assert page.locator("#conversation a[href^='javascript'], #conversation img[src='x'], "
                            "#conversation strong:text-is('not bold')").count() == 0

        ui.sign_in("Eve", "<script>alert(1)</script> Eve ${alert(2)} (x1)")
        page.locator("#profile .pa-name", has_text="Eve").wait_for(timeout=TIMEOUT)
        assert "<svg onload=alert(3)>" in page.locator("#profile").inner_text()
        assert "Ops <b>bold</b>" in page.locator("#profile").inner_text()
        assert "[click me](javascript:alert(1))" in page.locator("#profile").inner_text()
        assert page.locator("#profile img, #profile a, #profile svg[onload]").count() == 0

        page.get_by_role("tab", name="Coordinator").click()
        page.locator("#pair-cohort").click()
        page.locator("#cohort-summary", has_text="matched").wait_for(timeout=TIMEOUT)
        wait_for_text(page, "#pairs", "Sam Senior (x2)")
        assert page.locator("#pairs script, #pairs img, #pairs svg[onload]").count() == 0
        assert "<script>alert(1)</script> Eve" in page.locator("#pairs").inner_text()
        ui.shot("07-hostile-coordinator.png")
        page.wait_for_timeout(300)  # give any injected handler a chance to fire
        assert ui.dialogs == []
    finally:
        ui.close()
