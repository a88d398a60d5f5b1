"""The benchmark's figures as a readable table (every figure is also in the JSON)."""

from __future__ import annotations

from typing import Any


def _solver(stats: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in stats.items())


def _cold(c: dict[str, Any]) -> str:
    return (f"{c['ratio_cpu']:.2f}x CPU, {c['ratio_wall']:.2f}x wall the model load "
            f"(ask {c['ask_cpu_seconds']:.1f} s CPU / {c['ask_wall_seconds']:.1f} s wall; "
            f"load + one sentence {c['model_load_cpu_seconds']:.1f} s CPU / "
            f"{c['model_load_wall_seconds']:.1f} s wall; median of {c['runs']}, "
            f"{c['asks_that_encoded']} asks encoded new text)")


def _peers(p: dict[str, Any]) -> list[tuple[str, str]]:
    def row(name: str, v: dict[str, Any]) -> str:
        status = f", {v['status']}" if "status" in v else ""
        return f"{name} {v['seconds']:.2f} s, weight {v['weight']:.2f}{status}"

    rows = [("peers", f"same graph: {p['people']} people, {p['edges']} acceptable pairs; "
                      + "; ".join(row(k, p[k]) for k in ("ours", "plain_milp", "greedy"))),
            ("", f"greedy reaches {p['ratios']['greedy_weight_vs_ours']:.1%} of our weight; "
                 f"plain MILP takes {p['ratios']['plain_milp_seconds_vs_ours']:.1f}x our time")]
    one = p.get("one_partner")
    if one:
        rows.append(("", "one partner each: " + "; ".join(
            row(k, one[k]) for k in ("ours", "networkx", "greedy"))
            + f"; networkx takes {one['ratios']['networkx_seconds_vs_ours']:.1f}x our time"))
    return rows


def _by_step(mib: dict[str, float]) -> str:
    """Memory figures by bench step: "start 119, raw_encode 657, ..."."""
    return ", ".join(f"{step} {value:.0f}" for step, value in mib.items())


def format_report(r: dict[str, Any]) -> str:
    raw, ing, re_, ask, pair = r["raw_encode"], r["ingest"], r["reingest"], r["ask"], r["pairing"]
    after = r["raw_encode_after"]
    outcomes = ", ".join(f"{k} {v}" for k, v in ask["outcomes"].items())
    m = r["machine"]
    mem = _by_step(r["peak_rss_mib_after"])
    solver = pair["solver"]
    rows = [
        ("cohort", f"{r['people']} people, {r['statements']} statements "
                   f"({r['unique_statements']} unique texts), seed {r['seed']}, "
                   f"generated in {r['generate_seconds']:.2f} s"),
        ("backends", f"{r['model']}; store {r['store']}"),
        ("machine", f"{m['cpus']} CPUs, {m.get('torch_threads', '?')} torch threads, load "
                    f"average {m['load_before']:.2f} before / {m['load_after']:.2f} after "
                    "(other work on the machine slows every figure)"),
        ("model load", f"{r['model_load_seconds']:.2f} s; the service's own model and any "
                       f"vocabulary {r['service_open_seconds']:.2f} s (both excluded below)"),
        ("raw encode", f"{raw['statements_per_s']:.0f} statements/s "
                       f"({raw['texts']} unique texts in {raw['seconds']:.2f} s, "
                       f"the library's own encode of {r['raw_model']})"),
        ("ingest", f"{ing['embedded_per_s']:.0f} embedded statements/s = "
                   f"{r['ratios']['ingest_vs_raw_encode']:.2f}x the raw encode rate "
                   f"({ing['statements_embedded']} embedded in {ing['seconds']:.2f} s, "
                   f"empty cache; {ing['statements_per_s']:.0f} statements/s counting "
                   f"all {ing['statements']})"),
        ("", f"raw encode again right after: {after['statements_per_s']:.0f} statements/s "
             f"on an even sample of {after['texts']}; ingest = "
             f"{r['ratios']['ingest_vs_raw_encode_after']:.2f}x that rate"),
        ("", f"this project's own encode path on that sample: "
             f"{r['own_encode_after']['statements_per_s']:.0f} statements/s = "
             f"{r['ratios']['own_encode_vs_raw_encode_after']:.2f}x the library's"),
        ("cold ask", f"{r['cold_ask']['corpus']}: " + _cold(r["cold_ask"])),
        ("", f"whole cohort: {_cold(r['cold_ask_cohort'])}"),
        ("re-ingest", f"{re_['seconds']:.2f} s, {re_['statements_embedded']} statements "
                      f"embedded, {re_['unchanged']} people unchanged "
                      f"(+{re_['open_seconds']:.2f} s to construct the service)"),
        ("ask latency", f"p50 {ask['p50_ms']:.0f} ms, p95 {ask['p95_ms']:.0f} ms, "
                        f"mean {ask['mean_ms']:.0f} ms, max {ask['max_ms']:.0f} ms over "
                        f"{ask['requests']} requests via {ask['via']} (warm: "
                        f"{ask['warmup_seconds']:.1f} s of warm-up first)"),
        ("", f"outcomes: {outcomes}; " + ", ".join(
            f"{k} requests ({v['requests']}) p50 {v['p50_ms']:.0f} / p95 {v['p95_ms']:.0f} ms"
            for k, v in ask["by_request"].items())),
        ("parse", f"p50 {r['parse']['p50_ms']:.1f} ms, p95 {r['parse']['p95_ms']:.1f} ms over "
                  f"{r['parse']['messages']} messages (understanding alone, warm)"),
        ("cohort pairing", f"{pair['seconds']:.2f} s ({pair['cpu_seconds']:.2f} s CPU): "
                           f"{pair['pairs']} pairs, {pair['matched_fraction']:.1%} of people "
                           f"matched ({pair['matched_of_available']:.1%} of "
                           f"{pair['available']} with open slots), total "
                           f"{pair['total_score']:.2f}, proven bound {pair['bound']:.2f}, "
                           f"gap {pair['gap']:.3%}: {pair['optimality']}"),
        ("", f"graph: {solver.get('graph_edges', 0):.0f} candidate edges "
             f"(k={solver.get('k', 0):g} partners each) of "
             f"{solver.get('eligible_edges', 0):.0f} acceptable pairs"),
        ("", f"solver: {_solver(solver)}"),
    ]
    if "peers" in r:
        rows += _peers(r["peers"])
    rows += [
        ("peak memory", f"{r['peak_rss_mib']:.0f} MiB (after each step: {mem})"),
        *([("resident", f"held at the end of each step: {_by_step(held)} MiB")]
          if (held := r.get("resident_mib_after")) else []),
        ("folder", r["folder"]),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
