"""``pairing bench``: timings, ratios and memory on a synthetic cohort of any size.

Measured, each with :func:`time.perf_counter` (and CPU seconds where said):

1. the raw encode rate of the embedding model on every unique statement text (model
   load timed separately and excluded);
2. ingest of the cohort CSV into a fresh data folder with an empty embedding cache,
   as embedded statements per second against that raw rate;
3. a cold ``pairing ask`` (a new process) against loading the model and encoding one
   sentence, on the demo corpus (the repository's ``corpus/``, or a demo-sized
   synthetic cohort from an installed package) and once on the whole cohort;
4. re-ingest of the unchanged cohort by a newly opened service (0 statements embedded);
5. ``ask`` latency (p50/p95) over varied requests through the chat's conversation, after
   :meth:`PairingService.warm` and 3 warm-up requests;
6. cohort pairing (:meth:`PairingService.pair_cohort`): time, edges, the proven gap;
7. up to 2,000 people, ours against a plain MILP, greedy and networkx on the same graph
   (:mod:`benchmarks.peers`);
8. peak resident memory of the process (``ru_maxrss``), also after each step, and what
   the process holds resident at the end of each step (Linux): the gap between the two
   is what a step needed for a while and gave back.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from benchmarks import cold, peers
from benchmarks.report import format_report
from benchmarks.synthetic import generate_cohort, make_requests, write_cohort_csv

#: cohorts up to this size are also paired by the peers on the same graph
PEERS_UP_TO = 2000
#: texts a call of the raw model gets (the model sorts each call's texts by length);
#: the vectors come back as the model's float32 array (no conversion to Python lists), so
#: the reference is the model alone
RAW_STEP = 2048
#: texts (at most) of the raw encode measured again right after ingest
AFTER_SAMPLE = 4096


def _bare(model: Any) -> Any:
    """The bare model under any wrapper (vocabulary, cache)."""
    while getattr(model, "inner", None) is not None:
        model = model.inner
    return model


def _raw_encode(model: Any, texts: list[str]) -> dict[str, float]:
    """The library encoding ``texts`` in parts, as ingest calls the model, into its own
    float32 arrays (no conversion to Python lists). A sentence-transformers model is
    timed through the library's own ``encode`` (not this project's traced forward pass,
    :func:`assistant.embed.sentence.traced_forward`), so the reference is the model as
    anyone would run it; other backends through their embeddings."""
    from assistant.embed import SentenceTransformerModel

    if not isinstance(model, SentenceTransformerModel):
        return _own_encode(model, texts)  # no library of its own to call apart
    library = model.model
    return _timed_parts(lambda part: library.encode(
        part, batch_size=model.batch_size, normalize_embeddings=True,
        show_progress_bar=False, convert_to_numpy=True), texts)


def _own_encode(model: Any, texts: list[str]) -> dict[str, float]:
    """This project's encode path (:meth:`embed_array`, the traced forward pass where it
    is made) on ``texts``, timed like :func:`_raw_encode`."""
    from assistant.embed import embed_array

    return _timed_parts(lambda part: embed_array(model, part), texts)


def _timed_parts(encode: Callable[[list[str]], Any], texts: list[str]) -> dict[str, float]:
    """``encode`` over ``texts`` in parts of :data:`RAW_STEP`: texts, seconds and
    statements per second."""
    started = time.perf_counter()
    for start in range(0, len(texts), RAW_STEP):
        encode(texts[start : start + RAW_STEP])
    seconds = time.perf_counter() - started
    return {"texts": len(texts), "seconds": seconds, "statements_per_s": len(texts) / seconds}


def _rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _resident_mib() -> float | None:
    """What the process holds resident now (``/proc/self/statm``); None where there is no
    such file."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def _folder(data_dir: Path | None) -> tuple[Path, bool]:
    """A fresh folder for the run, and whether it is temporary (removed afterwards)."""
    base = data_dir or os.environ.get("PAIRING_DATA_DIR")
    if not base:
        return Path(tempfile.mkdtemp(prefix="pairing-bench-")), True
    root = Path(base).expanduser()
    if root.exists() and any(root.iterdir()):  # never touch what is already there
        root = root / time.strftime("bench-%Y%m%d-%H%M%S")
        suffix = 1
        while root.exists():
            root = root.with_name(f"{root.name.split('.')[0]}.{suffix}")
            suffix += 1
    root.mkdir(parents=True, exist_ok=True)
    return root, False


def _say(verbose: bool, text: str) -> None:
    if verbose:
        print(f"[bench] {text}", file=sys.stderr, flush=True)


def _demo_folder(root: Path, seed: int, derived: Path) -> tuple[Path, str]:
    """A data folder holding the demo corpus (or a demo-sized synthetic cohort); what is
    derived from the model (``derived``, same model and vocabulary) is shared."""
    folder = root / "demo"
    if derived.is_dir():
        shutil.copytree(derived, folder / derived.name)
    source = cold.demo_corpus()
    label = "demo corpus"
    if source is None:
        source = write_cohort_csv(generate_cohort(88, seed), root / "demo-participants.csv")
        label = "synthetic cohort of 88"
    env = dict(os.environ, PAIRING_DATA_DIR=str(folder), PAIRING_CHROMA_URL="")
    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "--quiet", str(source)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return folder, label


def run(n: int = 1000, requests: int = 100, seed: int = 7, data_dir: Path | None = None,
        cold_runs: int = 3, verbose: bool = False) -> dict[str, Any]:
    """Run the benchmark on a synthetic cohort of ``n`` people; returns every figure."""
    from assistant.converse.conversation import Conversation, parse_context
    from assistant.converse.understand import parse
    from assistant.embed import make_embeddings
    from assistant.service import DERIVED_DIR, PairingService

    root, temporary = _folder(data_dir)
    out: dict[str, Any] = {"people": n, "requests": requests, "seed": seed, "folder": str(root)}
    # timings are only comparable on an otherwise idle machine: record how busy it was
    out["machine"] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    memory: dict[str, float] = {}
    resident: dict[str, float] = {}

    def note(step: str) -> None:
        """Memory at the end of ``step``: resident now, then the peak so far."""
        now = _resident_mib()
        if now is not None:
            resident[step] = now
        memory[step] = _rss_mib()

    note("start")
    ratios: dict[str, float] = {}
    service: Any = None
    try:
        # cohort -------------------------------------------------------------------------
        started = time.perf_counter()
        people = generate_cohort(n, seed)
        csv_path = write_cohort_csv(people, root / "participants.csv")
        texts = [t for p in people for t in (*p["offers"], *p["wants"])]
        unique = list(dict.fromkeys(texts))
        out["generate_seconds"] = time.perf_counter() - started
        out["statements"] = len(texts)
        out["unique_statements"] = len(unique)
        settings = Settings(chroma_url="").with_data_dir(root / "data")  # never a server
        out["store"] = settings.store
        out["embedding"] = settings.embedding
        _say(verbose, f"{n} people, {len(texts)} statements ({len(unique)} unique) in {root}")

        # 1. raw encode rate -------------------------------------------------------------
        model, model_name = make_embeddings(settings.embedding)
        out["model"] = model_name
        model = _bare(model)
        out["raw_model"] = str(getattr(model, "name", model_name))
        started = time.perf_counter()
        model.embed_documents(["warm up"])  # sentence-transformers loads on first use
        out["model_load_seconds"] = time.perf_counter() - started
        out["raw_encode"] = _raw_encode(model, unique)
        del model
        gc.collect()
        note("raw_encode")
        _say(verbose, f"raw encode: {out['raw_encode']['statements_per_s']:.0f} statements/s")

        # 2. ingest into a fresh folder, empty cache, own model instance -------------------
        started = time.perf_counter()
        service = PairingService(settings, mode="exclusive", command="pairing bench")
        from assistant.embed import warm_up

        warm_up(service.embeddings)  # the model and vocabulary load before timing
        out["service_open_seconds"] = time.perf_counter() - started
        cache_before = len(service.embeddings) if hasattr(service.embeddings, "__len__") else 0
        report = service.ingest([csv_path])
        out["ingest"] = {
            "seconds": report.seconds, "people": len(report.added),
            "rejected": report.rejected, "statements": len(texts),
            "statements_embedded": report.embedded, "cache_entries_before": cache_before,
            "statements_per_s": len(texts) / report.seconds,
            "embedded_per_s": report.embedded / report.seconds,
        }
        ratios["ingest_vs_raw_encode"] = (out["ingest"]["embedded_per_s"]
                                          / out["raw_encode"]["statements_per_s"])
        if report.rejected:
            raise RuntimeError(f"generated rows were rejected: {report.problems[:3]}")
        # the machine's speed drifts (the raw rate alone moved 229-412/s between runs):
        # the raw rate again, right after, on an even sample of the same texts
        sample = unique[:: max(1, -(-len(unique) // AFTER_SAMPLE))]
        out["raw_encode_after"] = _raw_encode(_bare(service.embeddings), sample)
        ratios["ingest_vs_raw_encode_after"] = (out["ingest"]["embedded_per_s"]
                                                / out["raw_encode_after"]["statements_per_s"])
        # and this project's own encode path on the same sample: what the ingest's
        # model calls cost apart from the library (the traced forward pass)
        out["own_encode_after"] = _own_encode(_bare(service.embeddings), sample)
        ratios["own_encode_vs_raw_encode_after"] = (
            out["own_encode_after"]["statements_per_s"]
            / out["raw_encode_after"]["statements_per_s"])
        service.close()
        service = None
        gc.collect()
        note("ingest")
        _say(verbose, f"ingest: {report.seconds:.1f}s, {report.embedded} embedded")

        # 3. cold ask: a new process, against loading the model ---------------------------
        demo, label = _demo_folder(root, seed, settings.data_dir / DERIVED_DIR)
        out["cold_ask"] = {"corpus": label, **cold.measure(demo, cold_runs)}
        out["cold_ask_cohort"] = cold.measure(settings.data_dir, 1, start=cold_runs)
        ratios["cold_ask_vs_model_load_cpu"] = out["cold_ask"]["ratio_cpu"]
        ratios["cold_ask_vs_model_load_wall"] = out["cold_ask"]["ratio_wall"]
        ratios["cold_ask_cohort_vs_model_load_cpu"] = out["cold_ask_cohort"]["ratio_cpu"]
        _say(verbose, f"cold ask: {out['cold_ask']['ratio_cpu']:.2f}x the model load (CPU)")

        # 4. re-ingest the unchanged cohort, as a new `pairing ingest` would ----------------
        started = time.perf_counter()
        service = PairingService(settings, mode="exclusive", command="pairing bench")
        reopen = time.perf_counter() - started
        again = service.ingest([csv_path])
        out["reingest"] = {
            "seconds": again.seconds, "open_seconds": reopen,
            "statements_embedded": again.embedded, "unchanged": len(again.unchanged),
            "added": len(again.added), "updated": len(again.updated),
        }
        note("reingest")
        _say(verbose, f"re-ingest: {again.seconds:.2f}s, {again.embedded} embedded")

        # 5. ask latency, warm -------------------------------------------------------------
        started = time.perf_counter()
        service.warm()
        for spec in make_requests(people, 3, seed + 1):
            Conversation(service, spec.asker, page=5).send(spec.text)
        warmup = time.perf_counter() - started
        latencies: list[float] = []
        kinds: Counter[str] = Counter()
        by_kind: dict[str, list[float]] = {}
        for spec in make_requests(people, requests, seed):
            computed = service.embeddings.computed
            started = time.perf_counter()
            # a new conversation per request, as `pairing ask` does
            kinds[str(Conversation(service, spec.asker, page=5).send(spec.text).kind)] += 1
            latencies.append(time.perf_counter() - started)
            if spec.kind == "text":  # did the request send new text to the model?
                fresh = service.embeddings.computed > computed
                spec.kind = "text-new" if fresh else "text-cached"
            by_kind.setdefault(spec.kind, []).append(latencies[-1] * 1000)
        ms = np.asarray(latencies) * 1000
        out["ask"] = {
            "via": "Conversation.send", "requests": len(latencies), "warmup_seconds": warmup,
            "p50_ms": float(np.percentile(ms, 50)) if len(ms) else 0.0,
            "p95_ms": float(np.percentile(ms, 95)) if len(ms) else 0.0,
            "mean_ms": float(ms.mean()) if len(ms) else 0.0,
            "max_ms": float(ms.max()) if len(ms) else 0.0,
            "outcomes": dict(sorted(kinds.items())),
            # profile: stored vectors only; text-new: sent new text to the model
            "by_request": {k: {"requests": len(v), "p50_ms": float(np.percentile(v, 50)),
                               "p95_ms": float(np.percentile(v, 95))}
                           for k, v in sorted(by_kind.items())},
        }
        note("ask")
        _say(verbose, f"ask: p50 {out['ask']['p50_ms']:.0f} ms")
        # understanding alone: the parse of each request's message, warm
        context = parse_context(service)
        parse_ms = []
        for spec in make_requests(people, requests, seed):
            started = time.perf_counter()
            parse(spec.text, context)
            parse_ms.append((time.perf_counter() - started) * 1000)
        out["parse"] = {"messages": len(parse_ms),
                        "p50_ms": float(np.percentile(parse_ms, 50)) if parse_ms else 0.0,
                        "p95_ms": float(np.percentile(parse_ms, 95)) if parse_ms else 0.0}
        _say(verbose, f"parse: p50 {out['parse']['p50_ms']:.1f} ms")

        # 6. cohort pairing --------------------------------------------------------------
        snap = service.matcher.snapshot
        gc.collect()
        started = time.perf_counter()
        cpu = time.process_time()
        result = service.pair_cohort()
        seconds = time.perf_counter() - started
        available = sum(1 for p in snap.people.values() if not p.at_capacity)
        matched = len(result.matched_ids)
        out["pairing"] = {
            "seconds": seconds, "cpu_seconds": time.process_time() - cpu,
            "pairs": len(result.pairs), "matched": matched, "matched_fraction": matched / n,
            "matched_of_available": matched / available if available else 0.0,
            "available": available, "total_score": result.total_score,
            "bound": result.bound, "gap": result.gap, "optimal": result.optimal,
            "status": result.status, "optimality": result.optimality,
            "solver": dict(result.stats),
        }
        note("pairing")
        _say(verbose, f"pairing: {seconds:.1f}s, {len(result.pairs)} pairs, "
                      f"{result.optimality}")

        # 7. peers on the same graph -------------------------------------------------------
        if n <= PEERS_UP_TO:
            out["peers"] = peers.compare(service.cohort_scores(), service.config)
            ratios.update({f"peers_{k}": v for k, v in out["peers"]["ratios"].items()})
            one = out["peers"].get("one_partner")
            if one:
                ratios.update({f"peers_one_partner_{k}": v for k, v in one["ratios"].items()})
            note("peers")
            _say(verbose, "peers compared")
    finally:
        if service is not None:
            service.close()
        if temporary:
            shutil.rmtree(root, ignore_errors=True)
            out["folder"] = f"{root} (removed)"
    out["ratios"] = ratios
    out["machine"]["load_after"] = os.getloadavg()[0]
    torch = sys.modules.get("torch")
    if torch is not None:
        out["machine"]["torch_threads"] = torch.get_num_threads()
    out["peak_rss_mib"] = _rss_mib()
    out["peak_rss_mib_after"] = memory
    if resident:
        out["resident_mib_after"] = resident
    return out


def main(people: int = 1000, requests: int = 100, seed: int = 7, data_dir: Path | None = None,
         json_path: Path | None = None, cold_runs: int = 3) -> int:
    """Entry point of ``pairing bench``: print the table, and write JSON to ``json_path``."""
    result = run(people, requests, seed, data_dir, cold_runs, verbose=True)
    print(format_report(result))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        print(f"JSON written to {json_path}")
    return 0
