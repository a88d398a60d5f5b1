"""How the C allocator returns memory, for processes that hold a whole cohort.

numpy's large temporaries (a block of pair scores, a page of vectors) are allocated and
freed many times; glibc's malloc keeps what is freed for reuse, in one arena per thread,
and raises its own mmap threshold after the first large free, so a process's resident
memory grows well past what it holds (measured at 10,000 people: `pairing match` held
232 MB of Python-visible data at its peak and kept 870 MB resident). Two settings put
that back: large blocks get their own pages, returned when freed, and two arenas serve
every thread. Elsewhere than glibc this does nothing.

Small blocks freed in the middle of the heap are kept even so: HiGHS allocates about
150 MB of them for the LP of a 10,000-person pairing and frees them all, and the process
kept them (RSS 224 MB after an LP that started from 87 MB). :func:`release_freed` hands
such memory back (``malloc_trim``); the pairing calls it between its phases.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: mallopt parameters (glibc's malloc.h)
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: whether :func:`lean_allocator` took its settings (then :func:`release_freed` works)
_lean = False


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def lean_allocator(mmap_threshold: int = 4 << 20, arena_max: int = 2) -> bool:
    """Ask glibc to return large freed blocks at once and to keep few arenas; True
    when it took both settings (False elsewhere, or when asked for nothing)."""
    libc = _libc() if mmap_threshold > 0 else None
    mallopt = getattr(libc, "mallopt", None)  # not glibc (musl has no mallopt)
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    global _lean
    _lean = bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
        mallopt(_M_ARENA_MAX, arena_max))
    return _lean


def release_freed() -> bool:
    """Return the memory the C allocator keeps from freed blocks to the system (glibc's
    ``malloc_trim``); True when some was returned. Costs a few milliseconds for a heap of
    a gigabyte. Only after :func:`lean_allocator` took its settings (the same switch,
    ``PAIRING_LEAN_MEMORY``); otherwise, and elsewhere than glibc, it does nothing."""
    trim = getattr(_libc(), "malloc_trim", None) if _lean else None
    if trim is None:
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))
