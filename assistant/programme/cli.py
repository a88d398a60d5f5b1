"""Programme subcommands of ``pairing``: a thin shell over :class:`Programme`.

``pairing match --round N|--repair``, ``pairs``, ``session``, ``feedback``,
``dismiss``, ``report``, ``export`` and ``learn``. Wording is made here and in
:mod:`assistant.programme.text`; the library returns typed values.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.programme.models import PairRecord, ProgrammeSettings, Status

if TYPE_CHECKING:
    from assistant.programme.api import Programme

Common = Callable[[argparse.ArgumentParser], None]
SHIPPED_SUITES = Path(__file__).resolve().parents[2] / "evals" / "suites"


def pairs_arg(values: list[str], service: Any) -> list[tuple[str, str]]:
    """``A,B`` arguments (``--lock``, ``--exclude``) as pairs of resolved ids."""
    from assistant.errors import UsageError

    out = []
    for value in values:
        a, sep, b = value.partition(",")
        if not sep:
            raise UsageError(f"expected A,B but got {value!r}")
        out.append((service.resolve(a.strip()).id, service.resolve(b.strip()).id))
    return out


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _days(p: argparse.ArgumentParser) -> None:
    p.add_argument("--at-risk-days", type=int, default=ProgrammeSettings().at_risk_days,
                   metavar="N", help="an active pair with no session for more than N days "
                   "is at risk (default %(default)s)")


def add_match_options(p: argparse.ArgumentParser) -> None:
    """``--round`` and ``--repair`` on ``pairing match``."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--round", type=int, metavar="N", help="start round N of the programme: "
                       "earlier rounds' pairs end and are not made again (unless locked); "
                       "the pairs are recorded as proposed")
    group.add_argument("--repair", action="store_true", help="mid-round: keep the pairs that "
                       "work, re-pair only people whose pair ended or is at risk")
    _days(p)


def add_commands(sub: Any, common: Common) -> None:
    p = sub.add_parser("pairs", help="the programme's pairs: list, propose, confirm, decline, end")
    common(p)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser("list", help="pairs with status, sessions and fit")
    common(q)
    q.add_argument("--status", action="append", choices=[s.value for s in Status],
                   help="only pairs in this status; repeat")
    q.add_argument("--round", type=int, help="only this round")
    q.add_argument("--person", help="only pairs of this participant")
    q.add_argument("--at-risk", action="store_true", help="only active pairs at risk")
    _days(q)
    for name, text in (("propose", "record a proposed pair (a coordinator's, or --as one side's "
                                    "choice)"),
                       ("confirm", "confirm a proposed pair (as coordinator, or --as one side)"),
                       ("decline", "turn a proposed pair down"),
                       ("end", "end a proposed or active pair")):
        q = actions.add_parser(name, help=text)
        common(q)
        q.add_argument("ids", nargs="*", metavar="ID", help="the two participants")
        if name != "end":
            q.add_argument("--as", dest="who", metavar="ID", help="one of the two, speaking "
                           "for themselves (default: the coordinator)")
        if name == "confirm":
            q.add_argument("--all", action="store_true", help="every proposed pair")

    p = sub.add_parser("session", help="log a session a pair held")
    common(p)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--on", type=_day, help="date held, YYYY-MM-DD (default today)")

    p = sub.add_parser("feedback", help="record a 1-5 fit rating after a session")
    common(p)
    p.add_argument("rater", metavar="ID", help="who rates")
    p.add_argument("partner", metavar="PARTNER")
    p.add_argument("--fit", type=int, required=True, choices=range(1, 6), metavar="N",
                   help="1 (poor) to 5 (great); 2 or less marks the pair at risk")
    p.add_argument("--note", default="", help="one line")
    p.add_argument("--on", type=_day, help="date, YYYY-MM-DD (default today)")

    p = sub.add_parser("dismiss", help="remember that a participant turned someone down")
    common(p)
    p.add_argument("participant", metavar="ID")
    p.add_argument("other", nargs="?", metavar="OTHER")
    p.add_argument("--reset", action="store_true", help="forget every dismissal of ID")

    p = sub.add_parser("report", help="programme health with charts (HTML or Markdown)")
    common(p)
    p.add_argument("--out", type=Path, help="FILE.html or FILE.md (+ PNG files beside it); "
                   "without it, a summary is printed")
    _days(p)

    p = sub.add_parser("export", help="pair history or feedback as CSV")
    common(p)
    p.add_argument("table", choices=["pairs", "feedback"])
    p.add_argument("--out", type=Path, help="CSV file (default: standard output)")
    _days(p)

    p = sub.add_parser("learn", help="fit score weights to the fit ratings; apply them if "
                       "the evaluation suites do not get worse")
    common(p)
    p.add_argument("--suites", type=Path, nargs="+", default=[SHIPPED_SUITES],
                   help="suites that must not get worse (default: the shipped evals/suites)")
    p.add_argument("--min-ratings", type=int, default=20, metavar="N")
    p.add_argument("--fit-only", action="store_true", help="show the weights, apply nothing")


def _open(args: argparse.Namespace) -> Any:
    from assistant.service import PairingService

    settings = Settings().with_data_dir(getattr(args, "data_dir", None))
    service = PairingService(settings, mode="shared", command=f"pairing {args.command}")
    days = getattr(args, "at_risk_days", None)
    if days is not None:
        service.programme.settings = ProgrammeSettings(at_risk_days=days)
    return service


def _names(programme: Programme) -> dict[str, str]:
    return {pid: p.name for pid, p in programme.service.matcher.snapshot.people.items()}


def _two(args: argparse.Namespace) -> tuple[str, str]:
    if len(args.ids) != 2:
        raise SystemExit(f"pairing pairs {args.action}: give the two participants' ids")
    return args.ids[0], args.ids[1]


def _show(pairs: list[PairRecord], programme: Programme) -> None:
    names = _names(programme)
    for pair in pairs:
        from assistant.programme.text import describe_pair

        print(f"  {describe_pair(pair, names, programme.risk(pair))}")


def cmd_match(args: argparse.Namespace) -> int:
    from assistant.match import SolverOptions
    from assistant.programme.rounds import repair, start_round
    from assistant.programme.text import describe_reason, describe_risk

    with _open(args) as service:
        programme: Programme = service.programme
        names = _names(programme)
        options = SolverOptions(time_limit=getattr(args, "time_limit", None))
        if args.repair:
            if args.lock or args.exclude:
                raise SystemExit("pairing match --repair: locks and exclusions belong to a round")
            out = repair(programme, args.min_score, options)
            print(f"round {out.round} repair: {len(out.kept)} pair(s) kept, {len(out.new)} new, "
                  f"{len(out.replaced)} re-paired")
            for pair in out.new:
                why = "; ".join(describe_reason(r, names) for r in pair.reasons)
                print(f"  new: {names.get(pair.a)} ({pair.a}) <-> {names.get(pair.b)} "
                      f"({pair.b}): {why}")
            for pair, risk in out.still_at_risk:
                print(f"  still at risk ({describe_risk(risk, names)}), nobody better free: "
                      f"{names.get(pair.a)} <-> {names.get(pair.b)}")
            for pid, reason in out.unmatched.items():
                print(f"  no new partner for {names.get(pid)} ({pid}): {reason}")
            pairs = out.new
        else:
            result = start_round(programme, args.round, pairs_arg(args.lock, service),
                                 pairs_arg(args.exclude, service), args.min_score, options)
            print(f"round {result.round}: {len(result.pairs)} pair(s) proposed "
                  f"({len(result.kept)} made before the round kept), {len(result.ended)} "
                  f"earlier pair(s) ended, {result.avoided} earlier pair(s) not repeated")
            _show(result.pairs, programme)
            for pid, reason in result.unmatched.items():
                print(f"  unmatched {names.get(pid)} ({pid}): {reason}")
            print("confirm with `pairing pairs confirm A B` or `pairing pairs confirm --all`")
            pairs = result.pairs
        if args.out:
            _export(programme, "pairs", args.out, pairs)
    return 0


def cmd_pairs(args: argparse.Namespace) -> int:
    with _open(args) as service:
        programme: Programme = service.programme
        who = getattr(args, "who", None)
        if args.action == "list":
            statuses = [Status(s) for s in args.status] if args.status else None
            person = service.resolve(args.person).id if args.person else None
            pairs = programme.pairs(statuses, args.round, person)
            if args.at_risk:
                pairs = [p for p in pairs if programme.risk(p)]
            print(f"{len(pairs)} pair(s); current round {programme.current_round() or '-'}")
            _show(pairs, programme)
            return 0
        if args.action == "confirm" and args.all:
            if args.ids or who:
                raise SystemExit("pairing pairs confirm --all takes no ids and no --as")
            done = programme.confirm_all()
            print(f"confirmed {len(done)} pair(s)")
            _show(done, programme)
            return 0
        a, b = _two(args)
        if args.action == "propose":
            from assistant.programme.models import Origin

            pair = programme.propose(a, b, Origin.CHAT if who else Origin.LOCK,
                                     service.resolve(who).id if who else None)
        elif args.action == "confirm":
            pair = programme.confirm(a, b, service.resolve(who).id if who else None)
        elif args.action == "decline":
            pair = programme.decline(a, b, service.resolve(who).id if who else None)
        else:
            pair = programme.end(a, b)
        _show([pair], programme)
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    with _open(args) as service:
        pair = service.programme.log_session(args.a, args.b, args.on)
        _show([pair], service.programme)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    with _open(args) as service:
        pair = service.programme.feedback(args.rater, args.partner, args.fit, args.note, args.on)
        _show([pair], service.programme)
    return 0


def cmd_dismiss(args: argparse.Namespace) -> int:
    with _open(args) as service:
        programme: Programme = service.programme
        if args.reset == bool(args.other):
            raise SystemExit("pairing dismiss: give ID OTHER, or ID --reset")
        if args.reset:
            print(f"forgot {programme.reset_dismissals(args.participant)} dismissal(s)")
            return 0
        item = programme.dismiss(args.participant, args.other)
        print(f"{item.participant} turned {item.dismissed} down on {item.on}: never suggested "
              "to them again (undo with --reset)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from assistant.programme.health import health
    from assistant.programme.report import risk_lines, summary_lines, write_report

    with _open(args) as service:
        programme: Programme = service.programme
        found = health(programme)
        names = _names(programme)
        if args.out:
            files = write_report(found, args.out, names)
            print("written: " + ", ".join(str(f) for f in files))
            return 0
        for line in summary_lines(found, names) + risk_lines(found, names):
            print(line)
    return 0


def _export(programme: Programme, table: str, out: Path | None,
            pairs: list[PairRecord] | None = None) -> None:
    from assistant.programme.export import (
        FEEDBACK_COLUMNS,
        PAIR_COLUMNS,
        feedback_rows,
        pair_rows,
        write_csv,
    )

    chosen = programme.pairs() if pairs is None else pairs
    names = _names(programme)
    if table == "pairs":
        risks = {p.id: r for p, r in programme.at_risk()}
        write_csv(PAIR_COLUMNS, pair_rows(chosen, names, risks), out or sys.stdout)
    else:
        write_csv(FEEDBACK_COLUMNS, feedback_rows(chosen, names), out or sys.stdout)
    if out:
        print(f"written to {out}")


def cmd_export(args: argparse.Namespace) -> int:
    with _open(args) as service:
        _export(service.programme, args.table, args.out)
    return 0


def cmd_learn(args: argparse.Namespace) -> int:
    from assistant.programme.learning import learn

    with _open(args) as service:
        out = learn(service.programme, args.suites, apply=not args.fit_only,
                    min_ratings=args.min_ratings)
    print(f"{out.ratings} rating(s)")
    rows = [("before", out.before, out.spearman_before)]
    if out.after is not None:
        rows.append(("learned", out.after, out.spearman_after))
    print(f"  {'':8} {'teach':>6} {'learn':>6} {'prefs':>6}  fit correlation (Spearman)")
    for label, w, rho in rows:
        shown = "-" if rho is None else f"{rho:.3f}"
        print(f"  {label:8} {w.teach:6.3f} {w.learn:6.3f} {w.preferences:6.3f}  {shown}")
    if out.evaluated:
        print(f"checked on: {', '.join(out.evaluated)}")
    for problem in out.problems:
        print(f"  worse: {problem}")
    print("applied: the next commands score with the learned weights" if out.applied
          else f"not applied: {out.reason}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "pairs": cmd_pairs, "session": cmd_session, "feedback": cmd_feedback,
    "dismiss": cmd_dismiss, "report": cmd_report, "export": cmd_export, "learn": cmd_learn,
}
