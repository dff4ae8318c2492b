"""The one direction of imports holds, and the check would catch a forbidden import.

``make lint`` runs import-linter on the source; here it runs on the source as it is
(kept), and on a copy with one forbidden import added (broken), so the contracts are
known to bite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [str(LINT), "--config", str(project / "pyproject.toml"), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "kuntur",
        dest / "src" / "kuntur",
        ignore=shutil.ignore_patterns("__pycache__", "data", "static", "templates"),
    )
    return dest


def test_the_source_keeps_every_contract(copy: Path) -> None:
    result = _lint(copy)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("core/db.py", "from kuntur.incidents import models as _x  # noqa"),
        ("incidents/service.py", "from kuntur.intelligence import service as _x  # noqa"),
        ("dispatch/kpi.py", "import sqlalchemy as _x  # noqa"),
        ("forecasting/service.py", "from kuntur.dispatch import service as _x  # noqa"),
    ],
)
def test_a_forbidden_import_breaks_the_lint(copy: Path, module: str, forbidden: str) -> None:
    path = copy / "src" / "kuntur" / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + "\n" + forbidden + "\n", encoding="utf-8")
        result = _lint(copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout


def test_every_domain_has_its_place_in_the_layers() -> None:
    """A domain left out of the layers contract would go unchecked: each one's place is
    the one line of configuration a new domain adds (docs/decisions/0009)."""
    import tomllib

    from kuntur import domains

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layered = {
        name.strip().removeprefix("kuntur.")
        for contract in config["tool"]["importlinter"]["contracts"]
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for name in layer.replace("|", ":").split(":")
    }
    unplaced = sorted(set(domains.packages()) - layered - {"migrations"})
    assert unplaced == []
