"""``pairing bench --chat N``: the turns per second the chat holds with N concurrent sessions.

The app is served on loopback over a synthetic cohort and driven through
``gradio_client``, one client per session (as one browser each): first one session
alone, then N at once, each signing in as someone else and asking, filtering and paging.
"""

from __future__ import annotations

import os
import shutil
import statistics
import threading
import time
from typing import Any

from assistant.config import Settings
from benchmarks.run import _folder
from benchmarks.synthetic import generate_cohort, write_cohort_csv


def _session(url: str, me: dict[str, Any], turns: int, out: list[float],
             errors: list[str]) -> None:
    from gradio_client import Client

    messages = ["who would be a good partner for me?", f"only people in {me['location']}",
                "more", "why?", "not in my department"]
    try:
        client = Client(url, verbose=False, download_files=False)
        client.predict(me["id"], api_name="/sign_in")
        for message in (messages * turns)[:turns]:
            started = time.perf_counter()
            client.predict(message, api_name="/send")
            out.append(time.perf_counter() - started)
    except Exception as exc:  # counted and shown: a benchmark reports failures
        errors.append(f"{me['id']}: {exc!r}")


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run_chat(sessions: int = 30, turns: int = 4, people: int = 300, seed: int = 7,
             data_dir: Any = None) -> dict[str, Any]:
    from assistant.service import PairingService
    from assistant.ui import gradio_app

    root, temporary = _folder(data_dir)
    cohort = generate_cohort(people, seed)
    source = write_cohort_csv(cohort, root / "participants.csv")
    settings = Settings(chroma_url="").with_data_dir(root / "data")  # never a server
    out: dict[str, Any] = {"sessions": sessions, "turns_each": turns, "people": people,
                           "cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    try:
        with PairingService(settings, mode="exclusive") as service:
            service.ingest([source])
        with PairingService(settings, mode="shared") as service:
            import socket

            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = int(sock.getsockname()[1])
            demo = gradio_app.launch(service, port=port, prevent_thread_lock=True, quiet=True)
            url = f"http://127.0.0.1:{port}/"
            try:
                serial: list[float] = []
                errors: list[str] = []
                _session(url, cohort[0], turns * 2, serial, errors)
                latencies: list[float] = []
                threads = [threading.Thread(target=_session, args=(
                    url, cohort[1 + i % (people - 1)], turns, latencies, errors))
                    for i in range(sessions)]
                started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                wall = time.perf_counter() - started
            finally:
                demo.close()
        out.update({
            "errors": len(errors), "first_errors": errors[:3],
            "serial_p50_s": round(statistics.median(serial), 3) if serial else None,
            "serial_p95_s": round(_quantile(serial, 0.95), 3),
            "concurrent_p50_s": round(statistics.median(latencies), 3) if latencies else None,
            "concurrent_p95_s": round(_quantile(latencies, 0.95), 3),
            "turns": len(latencies), "wall_s": round(wall, 1),
            "turns_per_second": round(len(latencies) / wall, 2) if wall else None,
        })
    finally:
        if temporary:
            shutil.rmtree(root, ignore_errors=True)
    return out


def main(args: Any) -> int:
    result = run_chat(int(args.chat), int(getattr(args, "turns", 4)),
                      int(getattr(args, "people", 300)), int(getattr(args, "seed", 7)),
                      getattr(args, "data_dir", None))
    width = max(len(k) for k in result)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in result.items()))
    return 0 if not result.get("errors") else 1
