"""`kuntur incidents ...` and `kuntur db ...` through Typer's runner, on both stores."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kuntur.cli import app
from kuntur.config import Settings
from tests.conftest import DATA

runner = CliRunner()
VANCOUVER = str(DATA / "vancouver_thefts_sample.csv.gz")


def test_import_json_summary_then_idempotent(cli_env: Settings, tmp_path: Path) -> None:
    path = str(DATA / "cincinnati_burglary_sample.csv")
    first = runner.invoke(app, ["incidents", "import", path, "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert {"imported", "rejected", "duplicates", "rejects_file"} <= set(summary)
    assert summary["rejected"] > 0 and Path(summary["rejects_file"]).exists()
    assert str(cli_env.var_dir) in summary["rejects_file"]
    again = json.loads(runner.invoke(app, ["incidents", "import", path, "--json"]).stdout)
    assert again["imported"] == 0
    assert again["duplicates"] == summary["imported"] + summary["duplicates"]


def test_import_summary_and_refusals_are_spanish_first(cli_env: Settings, tmp_path: Path) -> None:
    path = str(DATA / "cincinnati_burglary_sample.csv")
    done = runner.invoke(app, ["incidents", "import", path], env={"COLUMNS": "400"})
    assert done.exit_code == 0, done.output
    out = " ".join(done.output.split())
    assert "importados," in out and "rechazados," in out and "duplicados; rechazos en" in out
    assert " / " in out and "imported," in out and "duplicates; rejects in" in out
    assert out.index("importados") < out.index("imported")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    refused = runner.invoke(app, ["incidents", "import", str(empty)], env={"COLUMNS": "400"})
    said = " ".join(refused.output.split())
    assert "rechazado. / refused." in said
    assert "el archivo está vacío /" in said and "the file is empty" in said


def test_import_refusal_exits_non_zero_with_a_reason(cli_env: Settings, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = runner.invoke(app, ["incidents", "import", str(empty)])
    assert result.exit_code == 1 and "empty" in result.output
    result = runner.invoke(app, ["incidents", "import", VANCOUVER])
    assert result.exit_code == 1 and "--crs" in result.output
    result = runner.invoke(app, ["incidents", "import", str(empty), "--timezone", "Mars/Base"])
    assert result.exit_code != 0 and "time zone" in result.output


def test_import_with_projection_flags(cli_env: Settings) -> None:
    result = runner.invoke(
        app,
        [
            "incidents",
            "import",
            VANCOUVER,
            "--x-col",
            "X",
            "--y-col",
            "Y",
            "--crs",
            "EPSG:26910",
            "--timezone",
            "America/Vancouver",
            "--category-col",
            "TYPE",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] > 150


def test_list_and_stats(cli_env: Settings) -> None:
    runner.invoke(app, ["incidents", "import", str(DATA / "san_francisco_robbery_sample.csv")])
    stats = json.loads(runner.invoke(app, ["incidents", "stats", "--json"]).stdout)
    assert stats["count"] == 200
    assert stats["by_category"] == {"aggravated_robbery": 200}
    lon0, lat0, lon1, lat1 = stats["bbox"]
    assert -123 < lon0 <= lon1 < -122 and 37 < lat0 <= lat1 < 38.2
    listed = json.loads(runner.invoke(app, ["incidents", "list", "--limit", "5", "--json"]).stdout)
    assert listed["total"] == 200 and len(listed["items"]) == 5
    # Narrow (a pipe is 80 columns; PostgreSQL's ids can be long): the category is whole.
    table = runner.invoke(app, ["incidents", "list", "--limit", "3"], env={"COLUMNS": "60"})
    assert table.exit_code == 0 and "aggravated_robbery" in table.stdout


def test_db_upgrade_and_current(cli_env: Settings) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    current = runner.invoke(app, ["db", "current"])
    from kuntur.core import migrate
    from kuntur.core.db import make_engine

    head = migrate.head_revision(make_engine(cli_env.effective_database_url))
    assert current.exit_code == 0 and current.stdout.strip() == head
