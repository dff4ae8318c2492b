"""Write deploy/constraints.txt: the exact versions of Kuntur's runtime dependencies (the
package's own requirements and theirs, no development extras) as installed in this
environment, the one the test suite ran in. The container image installs with these
constraints (Dockerfile), so two builds of one commit hold the same packages.

Usage: python scripts/freeze_constraints.py [--check]
(--check: exit 1 when the file differs from what this environment would write)
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

OUT = Path(__file__).resolve().parent.parent / "deploy" / "constraints.txt"
HEADER = (
    "# Exact versions of Kuntur's runtime dependencies, as the test suite ran them.\n"
    "# Written by scripts/freeze_constraints.py; the Dockerfile installs with them.\n"
)


def runtime_closure(root: str = "kuntur") -> dict[str, str]:
    """Canonical name -> installed version for every package ``root`` needs at run time."""
    env = {k: str(v) for k, v in default_environment().items()}
    seen: dict[str, str] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        dist = metadata.distribution(name)
        key = canonicalize_name(dist.metadata["Name"])
        if key != canonicalize_name(root):
            seen[key] = dist.version
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is not None and not any(
                req.marker.evaluate({**env, "extra": e}) for e in (extras or {""})
            ):
                continue
            if canonicalize_name(req.name) not in seen:
                todo.append((req.name, frozenset(req.extras)))
    return seen


def render() -> str:
    pins = runtime_closure()
    return HEADER + "".join(f"{name}=={pins[name]}\n" for name in sorted(pins))


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is not what this environment would write; run {sys.argv[0]}")
            return 1
        return 0
    OUT.write_text(text)
    print(f"{OUT}: {text.count('==')} packages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
