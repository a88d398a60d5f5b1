"""The command line's arguments: every ``pairing`` command and its options (the
programme's commands add theirs through :mod:`assistant.programme.cli`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.config import default_data_dir
from assistant.programme import cli as programme_cli


def _common(parser: argparse.ArgumentParser, server: bool = True) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS,
        help=f"data folder (default: $PAIRING_DATA_DIR or {default_data_dir()})",
    )
    if server:  # eval and bench always use throw-away stores of their own
        parser.add_argument(
            "--chroma-url", metavar="URL", default=argparse.SUPPRESS,
            help="use the Chroma server at URL (e.g. http://127.0.0.1:8000, started with "
            "`chroma run`) instead of the data folder's own store (default: "
            "$PAIRING_CHROMA_URL)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pairing",
        description="Reciprocal mentoring pairing assistant: find partners who teach what you "
        "want AND want what you teach.",
    )
    _common(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="import participants (CSV/JSONL/survey) and guidance (.md)")
    _common(p)
    p.add_argument("paths", nargs="+", type=Path, help="files or folders")
    p.add_argument("--map", action="append", metavar="'COLUMN=FIELD'",
                   help="map a survey column to a field (offers, wants, name, id, ...); repeat")
    p.add_argument("--map-file", type=Path, help="TOML or JSON file of column mappings")
    p.add_argument("--strict", action="store_true", help="fail the whole import on any bad row")
    p.add_argument("--rejects", type=Path, help="where to write rejected rows (.csv or .jsonl)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("ask", help="ask for partners in plain words")
    _common(p)
    p.add_argument("text", help='e.g. "who can teach me Snapchat and wants strategy help"')
    p.add_argument("--as", dest="asker", help="participant id or name asking (fills in profile)")
    p.add_argument("-k", type=int, default=5, help="how many candidates (default 5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--markdown", action="store_true", help="print the answer as Markdown")

    p = sub.add_parser("explain", help="explain how two participants fit, both directions")
    _common(p)
    p.add_argument("a", help="participant id or full name")
    p.add_argument("b", help="participant id or full name")
    p.add_argument("--markdown", action="store_true", help="print the answer as Markdown")

    p = sub.add_parser("agenda", help="draft a first-session agenda for two participants")
    _common(p)
    p.add_argument("a", help="participant id or full name (the invite uses their timezone)")
    p.add_argument("b", help="participant id or full name")
    p.add_argument("--md", type=Path, metavar="FILE", help="write the agenda as Markdown")
    p.add_argument("--ics", type=Path, metavar="FILE", help="write a calendar invite (.ics)")
    p.add_argument("--start", metavar="'YYYY-MM-DD HH:MM'",
                   help="start of the session (default: 10:00 on the first Tuesday a week "
                   "or more away)")
    p.add_argument("--tz", metavar="ZONE", help="timezone of --start, e.g. Europe/London "
                   "(default: A's timezone, else B's, else UTC)")

    p = sub.add_parser("match", help="pair the whole cohort (exact maximum total score)")
    _common(p)
    p.add_argument("--out", type=Path, help="write pairs (and unmatched) to this CSV")
    p.add_argument("--lock", action="append", default=[], metavar="A,B",
                   help="keep these two together; repeat")
    p.add_argument("--exclude", action="append", default=[], metavar="A,B",
                   help="never pair these two; repeat")
    p.add_argument("--min-score", type=float, help="lowest acceptable pair reciprocity "
                   "(default: the pair floor, 0.30)")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="stop the solver's search after this long and report how far the "
                   "pairing may be from the best (default: search until proven optimal)")
    programme_cli.add_match_options(p)

    programme_cli.add_commands(sub, _common)

    p = sub.add_parser("forget", help="erase a participant from every store and cache")
    _common(p)
    p.add_argument("participant_id", metavar="PERSON", help="participant id or full name")

    p = sub.add_parser("stats", help="what is in the data folder")
    _common(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("chat", help="open the Gradio chat UI")
    _common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--share", action="store_true", help="create a public share link")
    p.add_argument("--auth", action="append", default=[], metavar="USER:PASSWORD",
                   help="require a login (shared deployment); repeat for more people")
    p.add_argument("--coordinator", action="append", default=[], metavar="USER:PASSWORD",
                   help="a login that may pair the whole cohort; once any is given, only "
                   "these see the Coordinator tab; repeat")
    p.add_argument("--auth-file", type=Path, metavar="FILE",
                   help="logins, one 'USER:PASSWORD' a line (':coordinator' at the end "
                   "for coordinators); keeps passwords off the command line")
    p.add_argument("--llm", help="optional chat model, e.g. ollama:llama3.1 or "
                   "openai:gpt-4o-mini (OpenAI-compatible; OPENAI_BASE_URL honoured)")

    p = sub.add_parser("eval", help="run evaluation suites (folder of suites or one suite)")
    _common(p, server=False)
    p.add_argument("suites", nargs="+", type=Path)
    p.add_argument("--json", type=Path, help="write metrics JSON here")
    p.add_argument("--html", type=Path, help="write an HTML report here")
    p.add_argument("--split", choices=["all", "dev", "heldout"], default="all")
    p.add_argument("--baseline-file", type=Path,
                   help="compare against committed metrics; fail on a drop beyond tolerance")
    p.add_argument("--tolerance", type=float, default=0.02)
    p.add_argument("--reporting-levels", default="all", metavar="N|all",
                   help="reporting-line rule of the run: 'all' (the whole management chain, "
                   "the suite format's rule; default) or a number of levels, e.g. 2 (the "
                   "assistant's default)")

    p = sub.add_parser("bench", help="benchmark on a synthetic cohort")
    _common(p, server=False)
    p.add_argument("--people", type=int, default=1000)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--chat", type=int, metavar="SESSIONS",
                   help="instead: serve the chat on loopback and measure the turns per "
                   "second it holds with SESSIONS concurrent sessions (--people 300 is plenty)")
    p.add_argument("--json", type=Path, metavar="FILE",
                   help="also write every figure (and the ratios) to this JSON file")
    p.add_argument("--cold-runs", type=int, default=3, metavar="N",
                   help="cold `pairing ask` processes timed against the model load")
    return parser
