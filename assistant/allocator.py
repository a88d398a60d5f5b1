"""How the C allocator returns memory, for processes that hold a whole cohort.

numpy's large temporaries (a block of pair scores, a page of vectors) are allocated and
freed many times; glibc's malloc keeps what is freed for reuse, in one arena per thread,
and raises its own mmap threshold after the first large free, so a process's resident
memory grows well past what it holds (measured at 10,000 people: `pairing match` held
232 MB of Python-visible data at its peak and kept 870 MB resident). Two settings put
that back: large blocks get their own pages, returned when freed, and two arenas serve
every thread. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: mallopt parameters (glibc's malloc.h)
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def lean_allocator(mmap_threshold: int = 4 << 20, arena_max: int = 2) -> bool:
    """Ask glibc to return large freed blocks at once and to keep few arenas; True
    when it took both settings (False elsewhere, or when asked for nothing)."""
    if not sys.platform.startswith("linux") or mmap_threshold <= 0:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
        mallopt(_M_ARENA_MAX, arena_max))
