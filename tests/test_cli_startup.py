"""`kuntur --help` starts fast: it lists every domain's group without importing any of them
(no numpy, pandas, numba, igraph, SQLAlchemy). Checked by what is imported, not by a clock
(timings belong in benchmarks); the figure is in docs/benchmarks.md."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "pandas", "numba", "igraph", "sqlalchemy", "shapely", "scipy", "alembic")
PROBE = """
import json, sys
from typer.testing import CliRunner
from kuntur.cli import app
result = CliRunner().invoke(app, ["--help"])
heavy = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps({"code": result.exit_code, "out": result.output, "heavy": heavy}))
""".replace("HEAVY", repr(HEAVY))


def test_help_lists_every_group_and_imports_no_domain() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    for group in ("incidents", "geo", "demo", "audit", "users", "forecast", "dispatch", "intel"):
        assert group in report["out"]
    assert report["heavy"] == []


def test_a_group_still_runs_its_commands() -> None:
    from typer.testing import CliRunner

    from kuntur.cli import app

    result = CliRunner().invoke(app, ["geo", "find", "san juan de lurigancho"])
    assert result.exit_code == 0 and "150132" in result.output


def test_help_is_spanish_first_then_english() -> None:
    from typer.testing import CliRunner

    from kuntur.cli import app

    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    assert "Incidentes: importar, listar, estadísticas. / Incidents: import, list" in out
    assert "Base de datos: migraciones. / Database: migrations." in out


def test_a_command_help_is_spanish_first() -> None:
    from typer.testing import CliRunner

    from kuntur.cli import app

    result = CliRunner().invoke(app, ["incidents", "import", "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    assert "Importar archivos de incidentes." in result.output
    assert "/ Import incident files." in result.output
    assert "carpeta de los archivos de rechazos / folder for rejects files" in result.output


def test_every_documented_command_of_every_group_is_reachable() -> None:
    """`kuntur GROUP COMMAND` for every command a domain declares, including a domain with
    a single command (`kuntur citizens keygen`, which the deployment guide and
    deploy/make-secrets.sh run): Typer would otherwise make that group the command itself,
    and `kuntur citizens keygen` would fail with "unexpected extra argument". Each command's
    help is a message in Spanish with its English, not the docstring."""
    import importlib

    import typer
    import typer._click as click
    from typer.core import TyperGroup

    from kuntur import domains
    from kuntur.cli import app

    root = typer.main.get_command(app)
    ctx = click.Context(root)
    checked = []
    for m in domains.manifests():
        if not m.cli_group:
            continue
        group = root.get_command(ctx, m.cli_group[0])  # type: ignore[attr-defined]
        assert isinstance(group, TyperGroup), m.cli_group[0]
        sub = importlib.import_module(f"kuntur.{m.domain}.cli").app
        for command in sub.registered_commands:
            name = command.name or command.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
            assert group.get_command(ctx, name) is not None, (m.cli_group[0], name)
            # Spanish first: the help is a message (help=_(...)), not the English docstring.
            assert command.help, f"kuntur {m.cli_group[0]} {name}: no help=_(...)"
            checked.append(f"{m.cli_group[0]} {name}")
    assert "citizens keygen" in checked
