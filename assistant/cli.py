"""Command line: ``pairing ingest|ask|explain|agenda|match|forget|stats|chat|eval|bench``
and the programme's ``pairs|session|feedback|dismiss|report|export|learn``.

Library errors are worded for people here (:mod:`assistant.edge`) and mapped to
exit codes: 0 ok, 1 other error, 2 usage, 3 bad input, 4 data folder busy,
5 unknown participant, 6 nothing ingested (or no such data folder, or an interrupted
write), 7 configuration, 8 conflicting locks or a pair the rules forbid, 9 the programme
record does not allow it (no such pair, round already started). Answers are rendered by
:mod:`assistant.present`, the same words and figures as the chat.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.allocator import lean_allocator
from assistant.config import Settings, default_data_dir, lean_memory
from assistant.edge import describe_error, exit_code
from assistant.errors import (
    EmptyStore,
    MissingDataDir,
    PairingError,
    UsageError,
)
from assistant.programme import cli as programme_cli
from assistant.store.lock import Mode
from assistant.ui.logins import LOOPBACK, logins


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


def _service(args: argparse.Namespace, mode: Mode, create: bool = False) -> Any:
    """The service over the command's data folder; only ``create`` (ingest) may make the
    folder: reading a folder that does not exist (a mistyped --data-dir) is refused."""
    from assistant.service import PairingService

    settings = Settings().with_data_dir(getattr(args, "data_dir", None))
    settings = settings.with_chroma_url(getattr(args, "chroma_url", None))
    # with a Chroma server the people live there: a new local folder (cache, lock) is fine
    if (not create and settings.store != "memory" and not settings.chroma_url
            and not settings.data_dir.is_dir()):
        raise MissingDataDir(str(settings.data_dir))
    service = PairingService(settings, mode=mode, command=f"pairing {args.command}")
    if mode == "shared" and args.command != "stats":
        try:  # an interrupted ingest or forget: say so (exit 6) rather than answer from it
            service.check_readable()
        except BaseException:
            service.close()
            raise
    return service


def _require_people(service: Any) -> None:
    if not service.participants():
        raise EmptyStore("no participants have been ingested yet")


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.ingest.mapping import combine

    mapping = combine(args.map_file, args.map)
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if args.quiet or total < 200:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="person", desc="embedding", file=sys.stderr)
        bar.n = done
        bar.refresh()

    with _service(args, "exclusive", create=True) as service:
        report = service.ingest(args.paths, mapping, args.strict, args.rejects, progress)
    if bar is not None:
        bar.close()
    if report.resumed:
        print(f"completing an interrupted write: {report.resumed.split(';')[0]}")
    print(f"participants: {len(report.added)} added, {len(report.updated)} updated, "
          f"{len(report.unchanged)} unchanged, {report.rejected} rejected "
          f"({report.embedded} statements embedded, {report.seconds:.1f}s)")
    if report.reembedded_people or report.reembedded_guidance:
        print(f"re-embedded {report.reembedded_people} stored people and "
              f"{report.reembedded_guidance} guidance sections: the embedding model changed")
    if report.guidance_files:
        print(f"guidance: {report.guidance_chunks} sections from {report.guidance_files} documents")
    for problem in report.problems[:20]:
        print(f"  rejected: {problem}", file=sys.stderr)
    if len(report.problems) > 20:
        print(f"  ... and {len(report.problems) - 20} more", file=sys.stderr)
    for written in report.rejects_files:
        print(f"rejected rows written whole to {written}; fix them and ingest that file "
              "again", file=sys.stderr)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.converse.conversation import Conversation
    from assistant.converse.reply import ReplyKind
    from assistant.present import reply_json

    with _service(args, "shared") as service:
        _require_people(service)
        asker = service.resolve(args.asker).id if args.asker else None
        convo = Conversation(service, asker, page=args.k)
        reply = convo.send(args.text)
        if args.json:
            print(json.dumps(reply_json(reply), indent=2, ensure_ascii=False))
        else:
            print(_answer(reply, args.markdown))
        if reply.kind is ReplyKind.ERROR and reply.error is not None:
            return exit_code(reply.error)
        if reply.kind is ReplyKind.CANDIDATES and asker and not (args.json or args.markdown):
            first = reply.candidates[0].id if reply.candidates else "ID"
            print(f"\nWhy someone fits: pairing explain {asker} {first}. More: -k "
                  f"{args.k * 2}.")
    return 0


def _answer(reply: Any, raw: bool) -> str:
    """Markdown as the chat shows it, or terminal text (bold where it can show it)."""
    from assistant.present import markdown, text

    if raw:
        return markdown(reply, follow_ups=False)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return text(reply, ("\033[1m", "\033[0m") if color else ("", ""))


def cmd_explain(args: argparse.Namespace) -> int:
    from assistant.converse.conversation import Conversation

    with _service(args, "shared") as service:
        _require_people(service)
        a, b = service.resolve(args.a), service.resolve(args.b)
        print(_answer(Conversation(service, a.id).explain(b), args.markdown))
    return 0


def cmd_agenda(args: argparse.Namespace) -> int:
    from assistant.converse.agenda import pair_agenda
    from assistant.present import agenda_ics, agenda_markdown, agenda_text
    from assistant.present.agenda import default_start, parse_start, zone

    with _service(args, "shared") as service:
        _require_people(service)
        a, b = service.resolve(args.a), service.resolve(args.b)
        if a.id == b.id:
            raise UsageError("an agenda needs two different participants")
        agenda = pair_agenda(service, a, b)
    tz = zone(args.tz or agenda.timezone)
    start = parse_start(args.start, tz) if args.start else default_start(tz)
    print(agenda_text(agenda))
    print(f"Proposed start: {start:%A %d %B %Y, %H:%M} ({tz.key})")
    if args.md:
        args.md.write_text(agenda_markdown(agenda), encoding="utf-8")
        print(f"Markdown written to {args.md}")
    if args.ics:
        args.ics.write_bytes(agenda_ics(agenda, start))
        print(f"Calendar invite written to {args.ics}")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    if args.round is not None or args.repair:  # the programme's rounds, recorded
        return programme_cli.cmd_match(args)
    from assistant.match import SolverOptions
    from assistant.present import cohort_view, write_pairs_csv
    from assistant.present.cohort import summary
    from assistant.present.figures import PAIR, fmt

    with _service(args, "shared") as service:
        _require_people(service)
        locks = programme_cli.pairs_arg(args.lock, service)
        excludes = programme_cli.pairs_arg(args.exclude, service)
        result = service.pair_cohort(locks, excludes, args.min_score,
                                     SolverOptions(time_limit=args.time_limit))
        view = cohort_view(service, result)
        floor = service.config.pair_floor if args.min_score is None else args.min_score
    print(summary(view))
    for row in view.pairs:
        lock = " [locked]" if row.locked else ""
        print(f"  {PAIR} {fmt(row.pair_score)}  {row.a_name} ({row.a_id}) <-> {row.b_name} "
              f"({row.b_id}){lock}")
        print(f"      {row.why}")
        if row.locked and row.pair_score < floor:
            print(f"pairing: warning: locked pair {row.a_id},{row.b_id} has {PAIR} "
                  f"{fmt(row.pair_score)}, below the pair floor {floor:.2f}: the pairing would "
                  "not have chosen it", file=sys.stderr)
    if view.unmatched:
        print("unmatched:")
        for u in view.unmatched:
            print(f"  {u.name} ({u.id}): {u.reason}")
    if args.out:
        write_pairs_csv(view, args.out)
        print(f"written to {args.out}")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    with _service(args, "exclusive") as service:
        report = service.forget(args.participant_id)
    print(f"forgot {report.name} ({report.participant_id}): {report.statements} statements, "
          f"{report.cache_entries} cached vectors, {report.reject_rows} rejected rows, "
          f"{report.programme_rows} programme record rows; the store was rebuilt"
          + ("" if report.residue else " so no deleted text remains on disk"))
    if report.residue:
        print(f"note: {report.residue}", file=sys.stderr)
    for where in report.unreachable:
        print(f"  could not clean the rejects file {where}: remove the person's rows there "
              "by hand", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _service(args, "shared") as service:
        stats = service.stats()
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
            print(f"{key.replace('_', ' ')}: {value}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    auth, coordinators = logins(args.auth, args.coordinator, args.auth_file)
    if auth and coordinators is None:
        print("pairing: every login may use the Coordinator tab; give coordinators their "
              "own login (--coordinator, or :coordinator in --auth-file) to keep it from "
              "participants", file=sys.stderr)
    if not auth and (args.share or args.host not in LOOPBACK):
        print("pairing: anyone who can reach this address may chat as any participant and "
              "pair the whole cohort; add logins with --auth-file", file=sys.stderr)
    with _service(args, "shared") as service:
        from assistant.ui.warm import warm_up_chat

        # everything a first answer needs is loaded before the address is given out
        warm_up_chat(service)
        from assistant.ui.gradio_app import launch  # after the lock: a busy folder fails fast

        if not args.share:  # Gradio's own banner speaks of launch(share=True)
            shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
            print(f"Chat UI on http://{shown}:{args.port}/ (Ctrl+C to stop)", flush=True)
        launch(service, host=args.host, port=args.port, share=args.share,
               auth=auth or None, llm=args.llm, coordinators=coordinators,
               quiet=not args.share)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.runner import main as eval_main

    return int(eval_main(args))


def cmd_bench(args: argparse.Namespace) -> int:
    if args.chat:
        from benchmarks.chat import main as chat_main

        return int(chat_main(args))
    from benchmarks.run import main as bench_main

    return bench_main(args.people, args.requests, args.seed, getattr(args, "data_dir", None),
                      args.json, args.cold_runs)


COMMANDS = {
    "ingest": cmd_ingest, "ask": cmd_ask, "explain": cmd_explain, "agenda": cmd_agenda,
    "match": cmd_match,
    "forget": cmd_forget, "stats": cmd_stats, "chat": cmd_chat, "eval": cmd_eval,
    "bench": cmd_bench, **programme_cli.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if lean_memory():  # before any thread starts: arenas are per thread
        lean_allocator()
    try:
        return COMMANDS[args.command](args)
    except PairingError as exc:
        print(f"pairing: {describe_error(exc)}", file=sys.stderr)
        return exit_code(exc)
    except OSError as exc:  # a file that cannot be read or written
        print(f"pairing: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
