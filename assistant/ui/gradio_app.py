"""The Gradio chat UI: a thin adapter around :class:`~assistant.converse.conversation.Conversation`.

Gradio is imported only here, in the programme tabs and in :mod:`assistant.ui.style`
(theme and stylesheet). It holds no matching logic: every answer comes from a
per-browser-session ``Conversation`` (kept in ``gr.State``, never shared between
sessions) and from :class:`~assistant.service.PairingService`.

Two tabs:

* **Chat**: "Who am I" (a participant or anonymous), the dialogue, example prompts,
  candidate cards with both directions of each match, and the first-session agenda
  with .md and .ics downloads (files go to a per-session folder under the data folder,
  see :mod:`assistant.ui.files`).
* **Coordinator**: pair the whole cohort, see the rationale of each pair and who is
  unmatched and why, download the result as CSV.
* **Pairs** and **Programme health**: the programme record (rounds, repair, confirming
  and ending pairs, feedback, charts); see :mod:`assistant.ui.programme_tabs`.

Stable API endpoints for ``gradio_client`` (``Client.predict(..., api_name=...)``):

* ``/sign_in`` (who: participant id, name, or "anonymous") -> chat, message box,
  candidate cards HTML, agenda Markdown, agenda .md file, agenda .ics file, profile HTML.
  Starts the dialogue afresh. A login named after a participant id is always that
  participant (unless it is a coordinator login), whatever ``who`` says.
* ``/send`` (message) -> chat, message box, candidate cards HTML, agenda Markdown,
  agenda .md file, agenda .ics file.
* ``/pair_cohort`` () -> summary Markdown, pairs table, unmatched table, CSV file.
  With ``coordinators`` set, only those logins get pairs (others get a notice) and only
  they see the Coordinator tab.

File outputs are ``DownloadButton`` updates: through ``gradio_client`` each arrives as a
dict whose ``"value"`` is the downloaded local path (None while there is no file). For
an agenda the chat shows a short note; the full Markdown is the agenda output.

The default path needs no LLM. ``llm`` (a spec such as ``"ollama:llama3.1"`` or
``"openai:gpt-4o-mini"``, or a LangChain chat model) is handed to each session's
``Conversation`` through :class:`~assistant.converse.llm.LLMAssist`, which only
rephrases grounded answers and helps parse requests the rules could not.

Profile text is user input: every answer, card and agenda is rendered by
:mod:`assistant.present`, which escapes it for its format; the user's own messages are
escaped here the same way.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.converse.conversation import Conversation
from assistant.converse.llm import LLMAssist, make_chat_model
from assistant.converse.reply import Reply, ReplyKind
from assistant.errors import PairingError
from assistant.models import Participant
from assistant.present import (
    EMPTY_CARDS,
    agenda_ics,
    agenda_markdown,
    cohort_view,
    markdown,
    panel,
    phrased,
    profile_card,
    write_pairs_csv,
)
from assistant.present.cohort import PAIR_HEADERS, UNMATCHED_HEADERS, table_rows
from assistant.present.cohort import summary as cohort_summary
from assistant.present.escape import esc
from assistant.present.figures import PAIR_LEGEND
from assistant.service import PairingService
from assistant.ui import files
from assistant.ui.programme_tabs import build_programme_tabs
from assistant.ui.style import CSS, theme

ANONYMOUS = "anonymous"
TITLE = "Reciprocal mentoring pairing assistant"
EXAMPLES = [
    "who can teach me Snapchat and wants strategy help",
    "who would be a good partner for me?",
    "only people in London",
    "why?",
    "draft our first session agenda",
    "how often should we meet?",
]
NO_AGENDA = ("*No agenda yet.* Choose a partner (e.g. *pair me with the first one*), then "
             "ask *draft our first session agenda*.")
PLACEHOLDER = (
    "**Find a reciprocal mentoring partner.**\n\n"
    "Pick who you are above (or stay anonymous), then ask in plain words: what you'd "
    "like to learn, and what you can teach in return."
)
COORDINATORS_ONLY = ("Only programme coordinators can pair the whole cohort. Ask your "
                     "coordinator, or sign in with a coordinator login.")
_LABELLED_ID = re.compile(r"\(([A-Za-z0-9][A-Za-z0-9_.@+\-]*)\)\s*$")

Message = dict[str, str]


@dataclass
class Session:
    """Everything one browser session owns; lives in ``gr.State``."""

    conversation: Conversation
    folder: Path
    history: list[Message] = field(default_factory=list)
    cards: str = EMPTY_CARDS
    agenda_md: str = NO_AGENDA
    agenda_files: tuple[str | None, str | None] = (None, None)

    def clear(self) -> None:
        self.history = []
        self.cards = EMPTY_CARDS
        self.agenda_md = NO_AGENDA
        self.agenda_files = (None, None)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _drop_session(value: Any) -> None:
    if isinstance(value, Session):
        value.close()


def _chat_model(llm: Any) -> Any:
    """A LangChain chat model from a spec string or a model, or None (the default path)."""
    if llm is None or (isinstance(llm, str) and not llm.strip()):
        return None
    if isinstance(llm, LLMAssist):
        return llm.model
    if isinstance(llm, str):
        return make_chat_model(llm.strip())
    return llm


def who_choices(service: PairingService) -> list[tuple[str, str]]:
    """Dropdown choices: "Anonymous" then every participant as "Name (id)"."""
    people = sorted(service.participants(), key=lambda p: (p.name.casefold(), p.id))
    return [("Anonymous", ANONYMOUS)] + [(f"{p.name} ({p.id})", p.id) for p in people]


def resolve_who(service: PairingService, who: str | None) -> Participant | None:
    """The participant a "Who am I" value stands for (id, "Name (id)", name), or None."""
    value = (who or "").strip()
    if not value or value.casefold() == ANONYMOUS:
        return None
    labelled = _LABELLED_ID.search(value)
    if labelled and labelled.group(1) in {p.id for p in service.participants()}:
        return service.get(labelled.group(1))
    return service.resolve(value)


def _user(text: str) -> Message:
    return {"role": "user", "content": esc(text)}


def _bot(text: str) -> Message:
    return {"role": "assistant", "content": text}


def chat_text(reply: Reply, llm: LLMAssist | None = None) -> str:
    """What the chat shows for a reply (an agenda is only announced: it has its panel)."""
    return phrased(reply, markdown(reply, agenda_in_panel=True), llm)


def build_app(
    service: PairingService, llm: Any = None, coordinators: Collection[str] | None = None
) -> gr.Blocks:
    """The Gradio app over ``service``; launch it with :func:`launch` (or ``.launch()``).

    ``coordinators``: the logins that may pair the whole cohort (the Coordinator tab and
    ``/pair_cohort``); None lets everyone who can open the app do it.
    """
    model = _chat_model(llm)
    allowed = None if coordinators is None else frozenset(coordinators)

    root = files.download_root(service)

    def may_coordinate(request: gr.Request | None) -> bool:
        return allowed is None or getattr(request, "username", None) in allowed

    def own_profile(request: gr.Request | None) -> Participant | None:
        """A login named after a participant id always chats as that participant
        (coordinator logins excepted: they may help anyone)."""
        user = getattr(request, "username", None)
        if not user or (allowed is not None and user in allowed):
            return None
        return next((p for p in service.participants()
                     if p.id.casefold() == user.casefold()), None)

    def new_session(request: gr.Request | None) -> Session:
        assist = LLMAssist(model) if model is not None else None
        owner = files.owner_folder(root, getattr(request, "username", None))
        folder = Path(tempfile.mkdtemp(prefix="session-", dir=owner))
        me = own_profile(request)
        return Session(Conversation(service, me.id if me else None, llm=assist), folder)

    def ensure(session: Session | None, request: gr.Request | None) -> Session:
        return session if isinstance(session, Session) else new_session(request)

    def download(path: str | None) -> Any:
        return gr.DownloadButton(value=path, interactive=path is not None)

    def chat_view(s: Session) -> tuple[Any, ...]:
        md_file, ics_file = s.agenda_files
        return (list(s.history), "", s.cards, s.agenda_md, download(md_file),
                download(ics_file))

    # -- handlers ------------------------------------------------------------------
    def sign_in(who: str | None, session: Session | None,
                request: gr.Request) -> tuple[Any, ...]:
        s = ensure(session, request)
        s.clear()
        me = own_profile(request)
        try:
            person = me or resolve_who(service, who)
        except PairingError as exc:
            person = None
            notice = markdown(Reply(ReplyKind.ERROR, error=exc))
            s.history = [_bot(f"{notice} You are anonymous for now.")]
        s.conversation.sign_in(person.id if person else None)
        return (s, *chat_view(s), profile_card(person))

    def send(message: str | None, session: Session | None,
             request: gr.Request) -> tuple[Any, ...]:
        s = ensure(session, request)
        text = (message or "").strip()
        if not text:
            return (s, *chat_view(s))
        try:
            reply = s.conversation.send(text)
        except PairingError as exc:
            reply = Reply(ReplyKind.ERROR, error=exc)
        s.history += [_user(text), _bot(chat_text(reply, s.conversation.llm))]
        _update_panels(s, reply)
        return (s, *chat_view(s))

    def pair(session: Session | None, request: gr.Request) -> tuple[Any, ...]:
        s = ensure(session, request)
        if not may_coordinate(request):
            return (s, f"⚠ {COORDINATORS_ONLY}", [], [], download(None))
        try:
            view = cohort_view(service, service.pair_cohort())
        except PairingError as exc:
            return (s, markdown(Reply(ReplyKind.ERROR, error=exc)), [], [], download(None))
        rows, unmatched = table_rows(view)
        csv_path = write_pairs_csv(view, s.folder / "cohort-pairs.csv")
        return (s, esc(cohort_summary(view)), rows, unmatched, download(str(csv_path)))

    def _update_panels(s: Session, reply: Reply) -> None:
        ranks = {c.id: i for i, c in enumerate(s.conversation.state.shown, 1)}
        cards = panel(reply, ranks)
        if cards is not None:
            s.cards = cards
        elif not s.conversation.state.shown:  # started over, or nobody left to show
            s.cards = EMPTY_CARDS
        if reply.agenda is not None:
            agenda = reply.agenda
            md_path = s.folder / f"{agenda.stem}.md"
            ics_path = s.folder / f"{agenda.stem}.ics"
            s.agenda_md = agenda_markdown(agenda)
            md_path.write_text(s.agenda_md, encoding="utf-8")
            ics_path.write_bytes(agenda_ics(agenda))
            s.agenda_files = (str(md_path), str(ics_path))

    def on_load(request: gr.Request) -> tuple[Any, ...]:
        me = own_profile(request)
        who_update = gr.Dropdown(choices=who_choices(service)) if me is None else gr.Dropdown(
            choices=[(f"{me.name} ({me.id})", me.id)], value=me.id, interactive=False,
            info="You are signed in as yourself.")
        return who_update, *(gr.Tab(visible=may_coordinate(request)) for _ in range(3))

    # -- layout --------------------------------------------------------------------
    # served copies of agendas and CSVs name people: drop them after an hour
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        state = gr.State(None, delete_callback=_drop_session)
        gr.HTML(
            f'<div class="pa-header"><div class="pa-logo">⇄</div><div><h1>{TITLE}</h1>'
            "<p>Two-way matches: who can teach you what you want, and wants what you can "
            "teach.</p></div></div>", elem_id="pa-header")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    who = gr.Dropdown(
                        choices=who_choices(service), value=ANONYMOUS,
                        label="Who am I", allow_custom_value=True,
                        info="Sign in as a participant to use your profile; anyone can "
                        "also ask anonymously.", elem_id="who")
                    profile = gr.HTML(profile_card(None), elem_id="profile")
                    chatbot = gr.Chatbot(
                        label="Conversation", show_label=False, height=460,
                        placeholder=PLACEHOLDER,
                        elem_id="conversation", buttons=["copy"], feedback_options=None,
                        group_consecutive_messages=False)
                    with gr.Row(equal_height=True):
                        msg = gr.Textbox(
                            show_label=False, scale=6, lines=1, max_lines=4,
                            placeholder="e.g. who can teach me Snapchat and wants "
                            "strategy help", elem_id="message", autofocus=True)
                        send_btn = gr.Button("Send", variant="primary", scale=0,
                                             elem_id="send", min_width=100)
                        new_chat = gr.Button("New chat", scale=0, elem_id="new-chat",
                                             min_width=110)
                    gr.Examples(examples=[[e] for e in EXAMPLES], inputs=[msg],
                                label="Try", examples_per_page=len(EXAMPLES))
                with gr.Column(scale=2, min_width=360):
                    cards = gr.HTML(EMPTY_CARDS, elem_id="cards", js_on_load=None)
                    with gr.Group(elem_id="agenda-panel"):
                        gr.Markdown("### First-session agenda", padding=True)
                        with gr.Row():
                            md_btn = gr.DownloadButton(
                                "Download agenda (.md)", interactive=False,
                                elem_id="agenda-md", size="md")
                            ics_btn = gr.DownloadButton(
                                "Add to calendar (.ics)", interactive=False,
                                elem_id="agenda-ics", size="md")
                        agenda = gr.Markdown(NO_AGENDA, elem_id="agenda", padding=True,
                                             max_height=560)
            with gr.Tab("Coordinator", id="coordinator", visible=allowed is None) as coord_tab:
                gr.Markdown(
                    "Pair everyone at once: the best total two-way score, never within a "
                    "reporting line, respecting capacity. Each pair shows its top evidence "
                    "both ways.\n\n" + esc(PAIR_LEGEND), elem_id="cohort-help")
                pair_btn = gr.Button("Pair the whole cohort", variant="primary",
                                     elem_id="pair-cohort")
                summary = gr.Markdown(elem_id="cohort-summary")
                pairs = gr.Dataframe(headers=PAIR_HEADERS, label="Pairs", wrap=True,
                                     interactive=False, elem_id="pairs",
                                     column_widths=["15%", "15%", "7%", "7%", "7%", "49%"])
                unmatched = gr.Dataframe(headers=UNMATCHED_HEADERS, label="Unmatched",
                                         wrap=True, interactive=False, elem_id="unmatched",
                                         column_widths=["28%", "72%"])
                csv_btn = gr.DownloadButton("Download pairs (.csv)", interactive=False,
                                            elem_id="pairs-csv")
            # the programme record: pairs, rounds, repair, feedback, health (coordinators)
            programme_tabs = build_programme_tabs(service, may_coordinate, allowed is None)

        chat_out = [state, chatbot, msg, cards, agenda, md_btn, ics_btn]
        who.change(sign_in, [who, state], [*chat_out, profile], api_name="sign_in")
        new_chat.click(sign_in, [who, state], [*chat_out, profile],
                       api_visibility="undocumented")
        send_btn.click(send, [msg, state], chat_out, api_name="send")
        msg.submit(send, [msg, state], chat_out, api_visibility="undocumented")
        pair_btn.click(pair, [state], [state, summary, pairs, unmatched, csv_btn],
                       api_name="pair_cohort")
        demo.load(on_load, None, [who, coord_tab, *programme_tabs],
                  api_visibility="undocumented")
    demo.pairing_downloads = root
    return demo


def launch(
    service: PairingService, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
    auth: tuple[str, str] | list[tuple[str, str]] | None = None, llm: Any = None, *,
    coordinators: Collection[str] | None = None,
    prevent_thread_lock: bool = False, quiet: bool = False,
) -> gr.Blocks:
    """Serve the UI: loopback only unless ``host`` says otherwise, a public link only if
    ``share``, logins if ``auth`` (one ``(user, password)`` or a list), no analytics.
    ``coordinators`` names the logins that may pair the whole cohort (default: all).
    Returns the app (still running when ``prevent_thread_lock``; close it with
    ``.close()``)."""
    from starlette.middleware import Middleware

    demo = build_app(service, llm=llm, coordinators=coordinators)
    demo.queue(default_concurrency_limit=4)
    downloads: Path = demo.pairing_downloads  # type: ignore[attr-defined]
    demo.launch(
        server_name=host, server_port=port, share=share, auth=auth,
        auth_message="Sign in to the pairing assistant" if auth else None,
        prevent_thread_lock=prevent_thread_lock, quiet=quiet, show_error=True,
        theme=theme(), css=CSS, footer_links=["api", "settings"], ssr_mode=False,
        mcp_server=False, pwa=False, enable_monitoring=False,
        # no run history: the browser would keep every answer (others' profiles) in
        # localStorage; downloads are served from the data folder, each login's to it alone
        run_history=False, allowed_paths=[str(downloads)],
        app_kwargs={"middleware": [Middleware(files.OwnFilesOnly, root=downloads)]},
    )
    return demo


__all__: list[str] = ["build_app", "launch", "resolve_who", "who_choices"]
