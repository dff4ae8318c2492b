"""The files the container image is built from agree with the package: every runtime
dependency pinned in deploy/constraints.txt at a version its pyproject range allows (the
image installs exactly those), and the Dockerfile installs from that file as the user the
guide names. The image itself is built and exercised by scripts/image_check.py
(docs/operations.md, "Checked"): it needs a Docker daemon, which the test suite does not."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def pins() -> dict[str, Version]:
    out = {}
    for line in (ROOT / "deploy" / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            out[canonicalize_name(name)] = Version(version)
    return out


def test_every_runtime_dependency_is_pinned_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = pins()
    problems = []
    for line in project["dependencies"]:
        req = Requirement(line)
        names = [canonicalize_name(req.name)]
        if req.name == "psycopg" and "binary" in req.extras:
            names.append("psycopg-binary")
        for name in names:
            if name not in pinned:
                problems.append(f"{name}: not in deploy/constraints.txt")
            elif name == names[0] and not req.specifier.contains(pinned[name], prereleases=True):
                problems.append(f"{name}=={pinned[name]} outside {req.specifier}")
    assert not problems, "run scripts/freeze_constraints.py: " + "; ".join(problems)


def test_the_dockerfile_installs_the_pins_and_runs_unprivileged() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "-r constraints.txt" in dockerfile and "--no-deps ." in dockerfile
    assert "USER kuntur" in dockerfile and "--uid 10001" in dockerfile
    # What the build context leaves out: the local environment, data, screenshots.
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)
