"""The allocator settings the CLI applies before any work (assistant.allocator)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant.allocator import lean_allocator
from assistant.config import lean_memory


def test_lean_memory_is_on_unless_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAIRING_LEAN_MEMORY", raising=False)
    assert lean_memory() is True
    monkeypatch.setenv("PAIRING_LEAN_MEMORY", "0")
    assert lean_memory() is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_glibc_takes_the_settings_and_large_blocks_go_back_when_freed() -> None:
    """After lean_allocator, freeing large blocks lowers the resident size at once; with
    glibc's defaults, blocks freed below a live small object stay resident for reuse."""
    probe = """
import re, sys
from assistant.allocator import lean_allocator
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
if sys.argv[1] == "lean":
    assert lean_allocator()
import numpy as np
for _ in range(3):  # by default glibc raises its threshold after a large free
    a = np.ones(8 << 20 >> 3); del a
blocks, pins = [], []
for _ in range(30):  # 30 blocks of 5 MB, each followed by a small object that stays
    blocks.append(np.ones((5 << 20) >> 3))
    pins.append(bytearray(64 << 10))
before = rss()
del blocks
print(before - rss())
"""
    freed = {}
    for mode in ("lean", "default"):
        out = subprocess.run([sys.executable, "-c", probe, mode], capture_output=True,
                             text=True, check=True, timeout=60)
        freed[mode] = int(out.stdout.strip()) // 1024  # MiB returned by the free
    assert freed["lean"] >= 120, freed
    assert freed["default"] < freed["lean"], freed


def test_nothing_is_asked_for_a_zero_threshold() -> None:
    assert lean_allocator(mmap_threshold=0) is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_release_freed_returns_small_freed_blocks_after_lean_allocator() -> None:
    """Small blocks freed below a live one stay resident even with lean_allocator (as
    HiGHS's are after an LP); release_freed hands them back, and does nothing unless
    lean_allocator took its settings (PAIRING_LEAN_MEMORY=0 keeps glibc's behaviour)."""
    probe = """
import re, sys
from assistant.allocator import lean_allocator, release_freed
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
if sys.argv[1] == "lean":
    assert lean_allocator()
small = [bytearray(4096) for _ in range(40_000)]  # 160 MB of blocks malloc serves itself
pin = bytearray(4096)
del small
kept = rss()
took = release_freed()
print(took, kept - rss())
"""
    out = {}
    for mode in ("lean", "default"):
        done = subprocess.run([sys.executable, "-c", probe, mode], capture_output=True,
                              text=True, check=True, timeout=60)
        took, returned = done.stdout.split()
        out[mode] = (took, int(returned) // 1024)  # MiB returned by release_freed
    assert out["lean"][0] == "True" and out["lean"][1] >= 120, out
    assert out["default"] == ("False", 0), out
