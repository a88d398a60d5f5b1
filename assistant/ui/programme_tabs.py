"""The programme tabs of the Gradio app: **Pairs** (start a round, run a repair, see the
proposed, active and at-risk pairs, confirm or end them, log a session, record a 1-5
fit) and **Programme health** (the counts and the charts of ``pairing report``).

Every action goes through :class:`~assistant.programme.api.Programme`; the views are
made by :mod:`assistant.ui.programme_view`. With coordinator logins set, only they see
these tabs and only they may act (the handlers check again).

API endpoints (``gradio_client``): ``/programme_pairs`` (filter) -> outcome, table,
pair pickers; ``/start_round`` (number, filter); ``/repair`` (filter);
``/confirm_pair`` (pair id, filter); ``/confirm_all`` (filter); ``/end_pair`` (pair id,
filter); ``/log_session`` (pair id, filter); ``/record_feedback`` (pair id, rater id,
fit, note, filter); ``/programme_health`` () -> summary Markdown, charts HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

import assistant.programme.rounds as rounds
from assistant.edge import describe_error
from assistant.errors import InputFormatError, PairingError, ProgrammeStateError
from assistant.present.escape import esc
from assistant.programme.models import Status
from assistant.programme.text import describe_risk
from assistant.service import PairingService
from assistant.ui import programme_view as pv

COORDINATORS_ONLY = "⚠ Only programme coordinators can change the programme's pairs."
NO_PAIR = "Choose a pair first."
OPEN = (Status.PROPOSED, Status.ACTIVE)


def build_programme_tabs(
    service: PairingService, may_coordinate: Callable[[gr.Request | None], bool],
    visible: bool = True,
) -> list[gr.Tab]:
    """Add the two tabs inside the app's ``gr.Tabs`` and wire them; returns the tabs (the
    app shows them to coordinators only when it has coordinator logins)."""
    programme = service.programme

    def view(outcome: str, show: str) -> tuple[Any, ...]:
        names = pv.names_of(programme)
        open_pairs = pv.pair_choices(programme, OPEN)
        active = [(pv.pair_label(p, names), str(p.id)) for p in programme.pairs((Status.ACTIVE,))]
        first = active[0][1] if active else None
        raters = pv.rater_choices(programme, pv.pair_by_id(programme, first))
        return (outcome, pv.pair_rows(programme, show),
                gr.Dropdown(choices=open_pairs, value=open_pairs[0][1] if open_pairs else None),
                gr.Dropdown(choices=active, value=first),
                gr.Dropdown(choices=raters, value=raters[0][1] if raters else None))

    def act(action: Callable[[], str], show: str, request: gr.Request | None) -> tuple[Any, ...]:
        if not may_coordinate(request):
            return view(COORDINATORS_ONLY, show)
        try:
            outcome = action()
        except PairingError as exc:
            outcome = "⚠ " + esc(describe_error(exc))
        return view(outcome, show)

    def chosen(pair_id: str | None) -> tuple[str, str]:
        pair = pv.pair_by_id(programme, pair_id)
        if pair is None:
            raise ProgrammeStateError(NO_PAIR)
        return pair.a, pair.b

    def named(a: str, b: str) -> str:
        names = pv.names_of(programme)
        return f"**{esc(names.get(a, a))}** & **{esc(names.get(b, b))}**"

    # -- actions -------------------------------------------------------------------------
    def refresh(show: str, request: gr.Request) -> tuple[Any, ...]:
        return act(lambda: "", show, request)

    def start_round(number: float | None, show: str, request: gr.Request) -> tuple[Any, ...]:
        def run() -> str:
            if number is None or int(number) != number or number < 1:
                raise InputFormatError("a round is a whole number from 1")
            out = rounds.start_round(programme, int(number))
            return pv.round_outcome(out, pv.names_of(programme))
        return act(run, show, request)

    def repair(show: str, request: gr.Request) -> tuple[Any, ...]:
        return act(lambda: pv.repair_outcome(rounds.repair(programme),
                                                   pv.names_of(programme)),
                   show, request)

    def confirm(pair_id: str | None, show: str, request: gr.Request) -> tuple[Any, ...]:
        def run() -> str:
            a, b = chosen(pair_id)
            pair = programme.confirm(a, b)
            return f"Confirmed {named(a, b)}: the pair is {pair.status.value}."
        return act(run, show, request)

    def confirm_all(show: str, request: gr.Request) -> tuple[Any, ...]:
        return act(lambda: f"Confirmed {len(programme.confirm_all())} proposed pair(s).",
                   show, request)

    def end(pair_id: str | None, show: str, request: gr.Request) -> tuple[Any, ...]:
        def run() -> str:
            a, b = chosen(pair_id)
            programme.end(a, b)
            return f"Ended {named(a, b)}. A repair can find them new partners."
        return act(run, show, request)

    def log_session(pair_id: str | None, show: str, request: gr.Request) -> tuple[Any, ...]:
        def run() -> str:
            a, b = chosen(pair_id)
            pair = programme.log_session(a, b)
            return f"Logged a session of {named(a, b)} ({len(pair.sessions)} in all)."
        return act(run, show, request)

    def feedback(pair_id: str | None, rater: str | None, fit: Any, note: str | None,
                 show: str, request: gr.Request) -> tuple[Any, ...]:
        def run() -> str:
            a, b = chosen(pair_id)
            if rater not in (a, b):
                raise InputFormatError("choose which partner gave the rating")
            if fit in (None, ""):
                raise InputFormatError("choose a fit from 1 to 5")
            pair = programme.feedback(rater, b if rater == a else a, int(fit), note or "")
            risk = programme.risk(pair)
            text = f"Recorded a fit of **{int(fit)}/5** for {named(a, b)}."
            if risk is not None:
                why = esc(describe_risk(risk, pv.names_of(programme)))
                text += (f" The pair is now **at risk** ({why}): check in with them, or run "
                         "a repair to re-pair them.")
            return text
        return act(run, show, request)

    def raters(pair_id: str | None) -> Any:
        choices = pv.rater_choices(programme, pv.pair_by_id(programme, pair_id))
        return gr.Dropdown(choices=choices, value=choices[0][1] if choices else None)

    def health(request: gr.Request) -> tuple[str, str]:
        if not may_coordinate(request):
            return COORDINATORS_ONLY, ""
        try:
            return pv.health_view(programme)
        except PairingError as exc:
            return "⚠ " + esc(describe_error(exc)), ""

    # -- layout --------------------------------------------------------------------------
    with gr.Tab("Pairs", id="programme", visible=visible) as pairs_tab:
        gr.Markdown(
            "The programme's pairs as recorded: chat selections, rounds and repairs are "
            "**proposed** until both people (or you) confirm them; a fit of 2 or less, or no "
            "session for three weeks, marks an active pair **at risk**. A repair keeps the "
            "pairs that work and re-pairs only the others.", elem_id="programme-help")
        with gr.Row(equal_height=True):
            number = gr.Number(label="Round", value=programme.current_round() + 1, precision=0,
                               minimum=1, elem_id="round-number", scale=1)
            start_btn = gr.Button("Start round", variant="primary", elem_id="start-round",
                                  scale=1)
            repair_btn = gr.Button("Run repair", elem_id="repair", scale=1)
            show = gr.Radio(list(pv.SHOW), value="open", label="Show", elem_id="pairs-show",
                            scale=3)
        outcome = gr.Markdown(elem_id="programme-outcome")
        table = gr.Dataframe(headers=pv.PAIR_HEADERS, label="Pairs", wrap=True,
                             interactive=False, elem_id="programme-pairs")
        with gr.Row(equal_height=True):
            pick = gr.Dropdown(label="Pair", choices=[], elem_id="pair-pick", scale=3)
            confirm_btn = gr.Button("Confirm pair", elem_id="confirm-pair", scale=1)
            all_btn = gr.Button("Confirm all proposed", elem_id="confirm-all", scale=1)
            session_btn = gr.Button("Log a session", elem_id="log-session", scale=1)
            end_btn = gr.Button("End pair", variant="stop", elem_id="end-pair", scale=1)
        with gr.Group(elem_id="feedback-form"):
            gr.Markdown("#### Feedback after a session", padding=True)
            with gr.Row(equal_height=True):
                fb_pair = gr.Dropdown(label="Active pair", choices=[], elem_id="feedback-pair",
                                      scale=3)
                fb_rater = gr.Dropdown(label="Rated by", choices=[], elem_id="feedback-rater",
                                       scale=2)
                fb_fit = gr.Radio([1, 2, 3, 4, 5], label="Fit (1 poor - 5 great)",
                                  elem_id="feedback-fit", scale=2)
            fb_note = gr.Textbox(label="One line on how it went", max_lines=1,
                                 elem_id="feedback-note")
            fb_btn = gr.Button("Record feedback", variant="primary", elem_id="record-feedback")
    with gr.Tab("Programme health", id="health", visible=visible) as health_tab:
        health_btn = gr.Button("Refresh", elem_id="health-refresh")
        summary = gr.Markdown(elem_id="health-summary")
        chart_html = gr.HTML(elem_id="health-charts")

    out = [outcome, table, pick, fb_pair, fb_rater]
    pairs_tab.select(refresh, [show], out, api_visibility="undocumented")
    show.change(refresh, [show], out, api_name="programme_pairs")
    start_btn.click(start_round, [number, show], out, api_name="start_round")
    repair_btn.click(repair, [show], out, api_name="repair")
    confirm_btn.click(confirm, [pick, show], out, api_name="confirm_pair")
    all_btn.click(confirm_all, [show], out, api_name="confirm_all")
    end_btn.click(end, [pick, show], out, api_name="end_pair")
    session_btn.click(log_session, [pick, show], out, api_name="log_session")
    fb_pair.input(raters, [fb_pair], [fb_rater], api_visibility="undocumented")
    fb_btn.click(feedback, [fb_pair, fb_rater, fb_fit, fb_note, show], out,
                 api_name="record_feedback")
    health_tab.select(health, None, [summary, chart_html], api_visibility="undocumented")
    health_btn.click(health, None, [summary, chart_html], api_name="programme_health")
    return [pairs_tab, health_tab]
