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
from typing import Any

from assistant.allocator import lean_allocator
from assistant.cli_args import build_parser
from assistant.config import Settings, lean_memory
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
