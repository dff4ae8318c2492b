"""Request references (core.ids): uuid4-shaped hex, distinct, and not repeated by a fork."""

from __future__ import annotations

import os
import re

from kuntur.core.ids import new_request_id


def test_references_are_32_hex_digits_and_distinct() -> None:
    refs = [new_request_id() for _ in range(50_000)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", r) for r in refs[:100])
    assert len(set(refs)) == len(refs)


def test_a_forked_process_does_not_repeat_its_parents_references() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next references, to the parent
        os.close(read)
        os.write(write, ",".join(new_request_id() for _ in range(5)).encode())
        os._exit(0)
    os.close(write)
    parent = {new_request_id() for _ in range(5)}
    with os.fdopen(read) as fh:
        child = set(fh.read().split(","))
    os.waitpid(pid, 0)
    assert len(child) == 5 and not child & parent
