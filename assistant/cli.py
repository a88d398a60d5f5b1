"""Command line: ``pairing ingest|ask|explain|match|forget|stats|chat|eval|bench``.

Library errors are worded for people here (:mod:`assistant.edge`) and mapped to
exit codes: 0 ok, 1 other error, 2 usage, 3 bad input, 4 data folder busy,
5 unknown participant, 6 nothing ingested, 7 configuration, 8 conflicting locks.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings, default_data_dir
from assistant.edge import describe_error, exit_code
from assistant.errors import InputFormatError, PairingError
from assistant.store.lock import Mode


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS,
        help=f"data folder (default: $PAIRING_DATA_DIR or {default_data_dir()})",
    )


def _parse_map(values: list[str] | None, file: Path | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    if file:
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".json":
            mapping.update(json.loads(text))
        else:
            import tomllib

            data = tomllib.loads(text)
            mapping.update(data.get("columns", data))
    for item in values or []:
        column, sep, target = item.rpartition("=")
        if not sep or not column:
            raise SystemExit(f"pairing: --map wants 'Column title=field', got {item!r}")
        mapping[column.strip()] = target.strip()
    return mapping


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
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--markdown", action="store_true", help="print the answer as Markdown")

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

    p = sub.add_parser("forget", help="erase a participant from every store and cache")
    _common(p)
    p.add_argument("participant_id")

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
    _common(p)
    p.add_argument("suites", nargs="+", type=Path)
    p.add_argument("--json", type=Path, help="write metrics JSON here")
    p.add_argument("--html", type=Path, help="write an HTML report here")
    p.add_argument("--split", choices=["all", "dev", "heldout"], default="all")
    p.add_argument("--baseline-file", type=Path,
                   help="compare against committed metrics; fail on a drop beyond tolerance")
    p.add_argument("--tolerance", type=float, default=0.02)

    p = sub.add_parser("bench", help="benchmark on a synthetic cohort")
    _common(p)
    p.add_argument("--people", type=int, default=1000)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", type=Path, metavar="FILE",
                   help="also write every figure (and the ratios) to this JSON file")
    p.add_argument("--cold-runs", type=int, default=3, metavar="N",
                   help="cold `pairing ask` processes timed against the model load")
    return parser


def _service(args: argparse.Namespace, mode: Mode) -> Any:
    from assistant.service import PairingService

    settings = Settings().with_data_dir(getattr(args, "data_dir", None))
    return PairingService(settings, mode=mode, command=f"pairing {args.command}")


def cmd_ingest(args: argparse.Namespace) -> int:
    mapping = _parse_map(args.map, args.map_file)
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

    with _service(args, "exclusive") as service:
        report = service.ingest(args.paths, mapping, args.strict, args.rejects, progress)
    if bar is not None:
        bar.close()
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
    if report.rejects_file:
        print(f"rejected rows written whole to {report.rejects_file}; fix them and ingest that "
              "file again", file=sys.stderr)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.converse.conversation import Conversation

    with _service(args, "shared") as service:
        asker = service.resolve(args.asker).id if args.asker else None
        convo = Conversation(service, asker, page=args.k, follow_ups=False)
        reply = convo.send(args.text)
        if args.json:
            print(json.dumps(_reply_json(reply), indent=2, ensure_ascii=False))
            return 0
        print(_answer(reply.text, args.markdown))
        if reply.kind == "candidates" and asker and not args.markdown:
            first = reply.candidates[0].id if reply.candidates else "ID"
            print(f"\nWhy someone fits: pairing explain {asker} {first}. More: -k "
                  f"{args.k * 2}.")
    return 0


def _answer(markdown: str, raw: bool) -> str:
    """Chat answers are Markdown; a terminal gets plain text (bold where it can show it)."""
    if raw:
        return markdown
    from assistant.converse.text import plain

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return plain(markdown, ("\033[1m", "\033[0m") if color else ("", ""))


def _reply_json(reply: Any) -> dict[str, Any]:
    parsed = reply.parsed
    return {
        "kind": reply.kind,
        "parsed": {"intent": parsed.intent, "wants": parsed.wants, "offers": parsed.offers}
        if parsed else None,
        "abstained": bool(reply.result and reply.result.abstained),
        "candidates": [
            {"id": c.id, "name": c.person.name, "score": round(c.score, 4),
             "reciprocal": round(c.reciprocal, 4), "teaches": round(c.teaches, 4),
             "learns": round(c.learns, 4), "weak": c.weak, "one_sided": c.one_sided,
             "to_asker": [vars(link) for link in c.to_asker],
             "to_candidate": [vars(link) for link in c.to_candidate], "notes": c.notes,
             "flags": c.flags}
            for c in reply.candidates
        ],
        "text": reply.text,
    }


def cmd_explain(args: argparse.Namespace) -> int:
    from assistant.converse.conversation import Conversation

    with _service(args, "shared") as service:
        a, b = service.resolve(args.a), service.resolve(args.b)
        convo = Conversation(service, a.id)
        print(_answer(convo.explain_text(service.explain(a.id, b.id)), args.markdown))
    return 0


def _pairs_arg(values: list[str], service: Any) -> list[tuple[str, str]]:
    out = []
    for value in values:
        a, sep, b = value.partition(",")
        if not sep:
            raise SystemExit(f"pairing: expected A,B but got {value!r}")
        out.append((service.resolve(a.strip()).id, service.resolve(b.strip()).id))
    return out


def cmd_match(args: argparse.Namespace) -> int:
    from assistant.match.solver import SolverOptions

    with _service(args, "shared") as service:
        result = service.pair_cohort(
            _pairs_arg(args.lock, service), _pairs_arg(args.exclude, service), args.min_score,
            SolverOptions(time_limit=args.time_limit),
        )
    people = len(result.matched_ids) + len(result.unmatched)
    print(f"{len(result.pairs)} pairs, {len(result.matched_ids)}/{people} people matched, "
          f"total score {result.total_score:.2f} ({result.optimality})")
    for pair in result.pairs:
        lock = " [locked]" if pair.locked else ""
        print(f"  {pair.score:.2f}  {pair.a.name} ({pair.a.id}) <-> {pair.b.name} ({pair.b.id})"
              f"{lock}")
    if result.unmatched:
        print("unmatched:")
        for pid, why in result.unmatched.items():
            print(f"  {pid}: {why}")
    if args.out:
        write_pairs_csv(result, args.out)
        print(f"written to {args.out}")
    return 0


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_pairs_csv(result: Any, target: Path) -> Path:
    """Pairs then unmatched people, one row each, for the coordinator's spreadsheet."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["a_id", "a_name", "b_id", "b_name", "score", "reciprocal", "locked",
                         "status"])
        for p in result.pairs:
            writer.writerow([p.a.id, _safe_cell(p.a.name), p.b.id, _safe_cell(p.b.name),
                             f"{p.score:.4f}",
                             f"{p.reciprocal:.4f}", "yes" if p.locked else "", "paired"])
        for pid, why in result.unmatched.items():
            writer.writerow([pid, "", "", "", "", "", "", _safe_cell(f"unmatched: {why}")])
    return target


def cmd_forget(args: argparse.Namespace) -> int:
    with _service(args, "exclusive") as service:
        report = service.forget(args.participant_id)
    print(f"forgot {report.name} ({report.participant_id}): {report.statements} statements, "
          f"{report.cache_entries} cached vectors, {report.reject_rows} rejected rows; "
          "the store was rebuilt so no deleted text remains on disk")
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
    from assistant.ui.gradio_app import launch, warm_up_chat

    auth, coordinators = logins(args.auth, args.coordinator, args.auth_file)
    if auth and coordinators is None:
        print("pairing: every login may use the Coordinator tab; give coordinators their "
              "own login (--coordinator, or :coordinator in --auth-file) to keep it from "
              "participants", file=sys.stderr)
    if not auth and (args.share or args.host not in LOOPBACK):
        print("pairing: anyone who can reach this address may chat as any participant and "
              "pair the whole cohort; add logins with --auth-file", file=sys.stderr)
    with _service(args, "shared") as service:
        # everything a first answer needs is loaded before the address is given out
        warm_up_chat(service)
        if not args.share:  # Gradio's own banner speaks of launch(share=True)
            shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
            print(f"Chat UI on http://{shown}:{args.port}/ (Ctrl+C to stop)", flush=True)
        launch(service, host=args.host, port=args.port, share=args.share,
               auth=auth or None, llm=args.llm, coordinators=coordinators,
               quiet=not args.share)
    return 0


LOOPBACK = ("127.0.0.1", "localhost", "::1")
COORDINATOR_ROLE = ":coordinator"


def logins(
    auth: Sequence[str], coordinator: Sequence[str], auth_file: Path | None = None
) -> tuple[list[tuple[str, str]], set[str] | None]:
    """Logins for the chat UI and who among them may coordinate (None: every login).

    ``auth`` and ``coordinator`` hold ``USER:PASSWORD``; ``auth_file`` has one a line,
    ending in ``:coordinator`` for coordinators, ``#`` for comments. A user name has no
    ``:``; a password may, but does not start or end with a space.
    """
    entries = [(value, False, "--auth") for value in auth]
    entries += [(value, True, "--coordinator") for value in coordinator]
    if auth_file is not None:
        try:
            lines = auth_file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InputFormatError(f"cannot read {auth_file}: {why}") from exc
        before = len(entries)
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if line and not line.startswith("#"):
                role = line.casefold().endswith(COORDINATOR_ROLE)
                entries.append((line[: -len(COORDINATOR_ROLE)] if role else line, role,
                                f"{auth_file} line {number}"))
        if len(entries) == before:
            raise InputFormatError(f"{auth_file} has no logins (one USER:PASSWORD a line)")
    found: dict[str, str] = {}
    chosen: set[str] = set()
    for value, is_coordinator, where in entries:
        user, sep, password = value.partition(":")
        user = user.strip()
        if not sep or not user or not password:
            raise InputFormatError(f"{where}: a login is USER:PASSWORD")
        if password != password.strip():
            raise InputFormatError(f"{where}: the password of '{user}' starts or ends with a "
                                   "space")
        if where == "--auth" and password.casefold().endswith(COORDINATOR_ROLE):
            raise InputFormatError(f"{where}: give coordinators with --coordinator "
                                   f"{user}:PASSWORD")
        if found.get(user, password) != password:
            raise InputFormatError(f"{where}: '{user}' is given two different passwords")
        found[user] = password
        if is_coordinator:
            chosen.add(user)
    return list(found.items()), (chosen or None)


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.runner import main as eval_main

    return int(eval_main(args))


def cmd_bench(args: argparse.Namespace) -> int:
    from benchmarks.run import main as bench_main

    return bench_main(args.people, args.requests, args.seed, getattr(args, "data_dir", None),
                      args.json, args.cold_runs)


COMMANDS = {
    "ingest": cmd_ingest, "ask": cmd_ask, "explain": cmd_explain, "match": cmd_match,
    "forget": cmd_forget, "stats": cmd_stats, "chat": cmd_chat, "eval": cmd_eval,
    "bench": cmd_bench,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except PairingError as exc:
        print(f"pairing: {describe_error(exc)}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
