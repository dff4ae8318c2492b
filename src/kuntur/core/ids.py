"""Request references: 32 random hex digits, as uuid4's hex, without its system call.

``uuid4`` reads the kernel's random source, and that call lets go of the interpreter lock:
on the event loop's thread, under load, each request's reference then waited up to a
switch interval (5 ms) for the lock to come back while the worker threads held it, and
every connection of the process waited with it. A reference only tells requests apart in
the logs and the audit trail (it guards nothing), so a generator seeded from the system's
randomness, once per process, will do.
"""

from __future__ import annotations

import os
import random

_ids = random.Random()  # seeded from os.urandom
_pid = os.getpid()


def new_request_id() -> str:
    global _pid
    if os.getpid() != _pid:  # a forked process must not repeat its parent's references
        _ids.seed()
        _pid = os.getpid()
    return f"{_ids.getrandbits(128):032x}"
