"""Query workers may not open network connections: a seccomp filter on socket creation.

Why: user SPARQL is checked before it runs (`safety.py`: read-only, no SERVICE), but a check
that reads a query differently from the engine that runs it turns into a server-side request
forgery the moment the two disagree (SERVICE makes Oxigraph send an HTTP request to any
address, including services on the loopback or the internal network). So, as a second wall
that does not depend on any parser, each query worker installs a seccomp-BPF filter before it
opens the store: from then on `socket()` fails with EACCES for every address family except
AF_UNIX in that process and all its threads. The worker's pipe to the web process (an AF_UNIX
socket pair made by the parent and inherited) keeps working; a SERVICE call fails inside
Oxigraph with a connection error, which the worker answers as a 400.

Also blocked: `io_uring_setup` (io_uring can create sockets without the `socket` system call)
and system calls of a foreign ABI (x32, 32-bit), which a filter keyed on system call numbers
cannot judge. The filter is irrevocable and inherited by child processes; it needs no
privileges (`PR_SET_NO_NEW_PRIVS` first, as the kernel requires).

Only Linux on x86_64 and aarch64 is supported. Elsewhere `install` raises `Unavailable`; the
worker then logs an error and keeps answering (the query check still refuses SERVICE), the web
process warns at start and `/health` reports `"no_network": false`.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys

# <linux/audit.h>, <asm/unistd.h>: (audit arch, socket, io_uring_setup, seccomp) per machine.
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425, 317),
    "aarch64": (0xC00000B7, 198, 425, 277),
}
_X32_SYSCALL_BIT = 0x40000000
_AF_UNIX = 1

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000

# Classic BPF opcodes.
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K

# Offsets in struct seccomp_data: nr (int), arch (u32), instruction_pointer (u64), args[6].
_NR, _ARCH, _ARG0_LOW = 0, 4, 16


class Unavailable(RuntimeError):
    """The filter cannot be installed on this platform or by this process."""


def _machine() -> str:
    return platform.machine().lower().replace("arm64", "aarch64").replace("amd64", "x86_64")


def supported() -> tuple[bool, str]:
    """Whether this platform can install the filter, and if not, why."""
    if not sys.platform.startswith("linux"):
        return False, f"seccomp needs Linux, this is {sys.platform}"
    if _machine() not in _ARCHES:
        return False, f"no seccomp filter for the machine type {platform.machine()}"
    if sys.byteorder != "little":
        return False, "the filter assumes a little-endian machine"
    return True, "query workers cannot open network sockets (seccomp filter)"


def _program(arch: int, socket_nr: int, io_uring_nr: int) -> bytes:
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    # (code, jump if true, jump if false, k); jumps count the instructions to skip.
    program = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),  # a foreign ABI: deny
        (_RET_K, 0, 0, deny),
        (_LD_W_ABS, 0, 0, _NR),
        (_JSET_K, 5, 0, _X32_SYSCALL_BIT),  # x32 system calls: deny
        (_JEQ_K, 4, 0, io_uring_nr),  # deny
        (_JEQ_K, 0, 2, socket_nr),  # not socket(): allow
        (_LD_W_ABS, 0, 0, _ARG0_LOW),  # the address family
        (_JEQ_K, 0, 1, _AF_UNIX),  # not AF_UNIX: deny
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


def install() -> None:
    """Forbid network sockets in this process and all its threads, for good."""
    ok, reason = supported()
    if not ok:
        raise Unavailable(reason)
    arch, socket_nr, io_uring_nr, seccomp_nr = _ARCHES[_machine()]
    code = _program(arch, socket_nr, io_uring_nr)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]  # unused ones must be 0
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise Unavailable(f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")
    instructions = ctypes.create_string_buffer(code, len(code))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(code) // 8, ctypes.addressof(instructions))
    # seccomp(2) with TSYNC puts every thread of the process under the filter, not only this one.
    result = libc.syscall(
        ctypes.c_long(seccomp_nr),
        ctypes.c_ulong(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_ulong(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    if result != 0:
        raise Unavailable(f"seccomp(SECCOMP_SET_MODE_FILTER): {os.strerror(ctypes.get_errno())}")
