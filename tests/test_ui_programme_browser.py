"""Programme memory in a real browser (Debian chromium through playwright): a chat
selection proposes a pair, the coordinator confirms it in the Pairs tab, the feedback
form records a bad fit (the pair is at risk), a repair re-pairs it, and the health tab
shows the charts. Screenshots go to ``$PAIRING_SCREENSHOTS`` (default: the test's
temporary folder)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_ui_browser import SNAPCHAT, TIMEOUT, Page, wait_for_text
from ui_support import serve

from assistant.embed import CachedEmbeddings
from assistant.programme import Origin, RiskKind, Status

pytestmark = pytest.mark.browser
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def programme_app(
    tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbeddings
) -> Iterator[tuple[str, Any]]:
    for url, _, service in serve(tmp_path_factory.mktemp("browser-programme"), [CORPUS],
                                 embedder):
        yield url, service


class Shots:
    def __init__(self, page: Any, folder: Path) -> None:
        self.page = page
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def __call__(self, name: str) -> None:
        path = self.folder / name
        self.page.wait_for_timeout(300)  # let transitions settle
        self.page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)


def rows_text(page: Any) -> str:
    return str(page.locator("#programme-pairs").inner_text())


def test_chat_proposal_confirmation_feedback_repair_and_health(
    browser: Any, programme_app: tuple[str, Any], tmp_path: Path
) -> None:
    url, service = programme_app
    programme = service.programme
    shots_dir = Path(os.environ.get("PAIRING_SCREENSHOTS") or tmp_path / "screenshots")
    ui = Page(browser, url)
    page = ui.page
    shot = Shots(page, shots_dir)
    try:
        # the chat: Rajesh chooses his first suggestion, which proposes the pair
        ui.sign_in("Rajesh", "Rajesh Menon (hf002)")
        ui.ask(SNAPCHAT)
        first = page.locator("#cards .pa-card").first
        first.wait_for(timeout=TIMEOUT)
        partner_id = first.get_attribute("data-id")
        partner = service.get(partner_id).name
        answer = ui.ask("pair me with the first one")
        assert "proposed" in answer and f"{partner} confirms" in answer, answer
        shot("01-chat-proposes.png")
        [pair] = programme.pairs()
        assert (pair.status, pair.origin) == (Status.PROPOSED, Origin.CHAT)

        # the coordinator confirms it in the Pairs tab
        page.get_by_role("tab", name="Pairs").click()
        wait_for_text(page, "#programme-pairs", f"waiting for {partner}")
        assert "Rajesh Menon" in rows_text(page) and "chat selection" in rows_text(page)
        page.locator("#confirm-pair").click()
        wait_for_text(page, "#programme-outcome", "Confirmed")
        wait_for_text(page, "#programme-pairs", "active")
        shot("02-coordinator-confirms.png")
        assert programme.pairs()[0].status is Status.ACTIVE

        # the feedback form: Rajesh rates the fit 2, and the pair is at risk
        page.wait_for_function("() => document.querySelector('#feedback-rater input')?.value "
                               "=== 'Rajesh Menon'", timeout=TIMEOUT)
        page.locator("#feedback-fit label", has_text=re.compile(r"^\s*2\s*$")).click()
        page.locator("#feedback-note textarea, #feedback-note input").first.fill(
            "we never find a slot that suits us both")
        page.locator("#record-feedback").click()
        wait_for_text(page, "#programme-outcome", "at risk")
        wait_for_text(page, "#programme-pairs", "at risk: fit rated 2/5 by Rajesh Menon")
        shot("03-feedback-bad-fit.png")
        [(risky, risk)] = programme.at_risk()
        assert risky.ids == pair.ids and risk.kind is RiskKind.LOW_FIT

        # a repair re-pairs them, each with someone new, and says why
        page.locator("#repair").click()
        wait_for_text(page, "#programme-outcome", "Repair of round 1")
        outcome = page.locator("#programme-outcome").inner_text()
        assert "1 at-risk pair(s) re-paired" in outcome, outcome
        assert "Rajesh Menon's pair with" in outcome and "was rated 2/5" in outcome
        shot("04-repair.png")
        old = next(p for p in programme.pairs() if p.id == pair.id)
        assert old.status is Status.REPAIRED
        new = [p for p in programme.pairs() if p.origin is Origin.REPAIR]
        assert any(p.has("hf002") for p in new)
        assert all(p.ids != pair.ids for p in new)
        # the re-paired pair is the reason of one new pair of each of its people; a further
        # new pair of someone with two places fills the place that was free anyway
        for pid in pair.ids:
            mine = [p for p in new if p.has(pid)]
            assert mine and sum(pair.id in p.replaces for p in mine) == 1, (pid, mine)

        # programme health: the counts and the charts
        page.get_by_role("tab", name="Programme health").click()
        wait_for_text(page, "#health-summary", "Programme health")
        page.locator("#health-charts img").first.wait_for(timeout=TIMEOUT)
        charts = page.locator("#health-charts figure").evaluate_all(
            "els => els.map(e => e.dataset.chart)")
        assert {"status", "fit"} <= set(charts), charts
        assert "re-paired" in page.locator("#health-summary").inner_text()
        shot("05-health.png")
        assert not ui.dialogs
    finally:
        ui.close()
    assert [p.name for p in shot.taken] == ["01-chat-proposes.png", "02-coordinator-confirms.png",
                                           "03-feedback-bad-fit.png", "04-repair.png",
                                           "05-health.png"]
    assert all(p.stat().st_size > 10_000 for p in shot.taken)
