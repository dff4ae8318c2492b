"""`kuntur patrol solve`: the contract outside evaluation relies on (JSON keys, ids kept as
strings, the objective of exactly the sites returned, exit code 2 with file, line and
field for a bad file)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuntur.cli import app
from tests.patrol.helpers import city, cover_sets, covered_weight

runner = CliRunner()
KEYS = {"objective", "bound", "gap", "seconds", "sites", "status"}


def write(path: Path, header: str, rows: list[tuple[object, ...]]) -> Path:
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, list, list, list]:
    lat, lon, w, s_lat, s_lon = city(60, 8, 2)
    demand = [(f"d{i}", lat[i], lon[i], round(float(w[i]), 6)) for i in range(60)]
    sites = [(f"{j:03d}", s_lat[j], s_lon[j]) for j in range(8)]  # "000": kept as written
    return (
        write(tmp_path / "demand.csv", "id,lat,lon,weight", demand),
        write(tmp_path / "sites.csv", "id,lat,lon", sites),
        demand,
        sites,
        [d[3] for d in demand],
    )


def solve(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["patrol", "solve", *args], env={"COLUMNS": "300"})
    assert r.exception is None or isinstance(r.exception, SystemExit)  # never a traceback
    return r.exit_code, r.output


def solve_on(demand: Path, sites: Path, *extra: str, radius_m: str, p: str) -> tuple[int, str]:
    """``kuntur patrol solve`` on two files with a radius and a count, then ``extra``."""
    return solve(
        "--demand", str(demand), "--sites", str(sites), "--radius-m", radius_m, "--p", p, *extra
    )


def test_json_contract_and_objective_recomputed(files: tuple) -> None:
    demand_csv, sites_csv, demand, sites, weights = files
    code, out = solve_on(demand_csv, sites_csv, "--json", radius_m="1200", p="3")
    assert code == 0, out
    got = json.loads(out)
    assert set(got) == KEYS
    assert got["status"] == "optimal"
    assert len(got["sites"]) == 3 and all(isinstance(s, str) for s in got["sites"])
    ids = [s[0] for s in sites]
    sets = cover_sets([(d[1], d[2]) for d in demand], [(s[1], s[2]) for s in sites], 1200)
    chosen = {ids.index(s) for s in got["sites"]}
    assert got["objective"] == pytest.approx(covered_weight(sets, weights, chosen))
    best = max(covered_weight(sets, weights, set(c)) for c in itertools.combinations(range(8), 3))
    assert got["objective"] == pytest.approx(best)
    assert got["bound"] >= got["objective"] and got["gap"] == pytest.approx(0, abs=1e-5)


def test_fixed_sites_are_in_the_answer(files: tuple) -> None:
    demand_csv, sites_csv, *_ = files
    code, out = solve_on(
        demand_csv, sites_csv, "--fixed", "007,000", "--json", radius_m="1200", p="2"
    )
    assert code == 0, out
    assert sorted(json.loads(out)["sites"]) == ["000", "007"]


def test_readable_summary_spanish_first(files: tuple) -> None:
    demand_csv, sites_csv, *_ = files
    code, out = solve(
        "--demand", str(demand_csv), "--sites", str(sites_csv), "--radius-m", "1200", "--p", "2"
    )
    assert code == 0
    assert out.startswith("Estado: óptimo demostrado / Status: proven optimal")
    assert "Riesgo cubierto:" in out and "/ Risk covered:" in out


def test_bad_weight_names_file_line_and_field(files: tuple, tmp_path: Path) -> None:
    _, sites_csv, *_ = files
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lat,lon,weight\na,-12.05,-77.03,1\nb,-12.06,-77.03,mucho\n")
    code, out = solve(
        "--demand", str(bad), "--sites", str(sites_csv), "--radius-m", "500", "--p", "1", "--json"
    )
    assert code == 2
    assert str(bad) in out and "línea 3" in out and "line 3" in out and "weight" in out
    assert out.index("línea 3") < out.index("line 3")  # Spanish first
    assert "Traceback" not in out


def test_missing_column_names_file_line_and_field(files: tuple, tmp_path: Path) -> None:
    demand_csv, _, *_ = files
    bad = tmp_path / "sitios.csv"
    bad.write_text("id,lat\ns1,-12.05\n")
    code, out = solve(
        "--demand", str(demand_csv), "--sites", str(bad), "--radius-m", "500", "--p", "1"
    )
    assert code == 2
    assert str(bad) in out and "línea 1" in out and "line 1" in out and "«lon»" in out


def test_unknown_fixed_id(files: tuple) -> None:
    demand_csv, sites_csv, *_ = files
    code, out = solve_on(
        demand_csv, sites_csv, "--fixed", "000,nope", "--json", radius_m="500", p="2"
    )
    assert code == 2
    assert "nope" in out and str(sites_csv) in out and "id" in out


def test_more_posts_than_sites_is_infeasible(files: tuple) -> None:
    demand_csv, sites_csv, *_ = files
    code, out = solve_on(demand_csv, sites_csv, "--json", radius_m="500", p="9")
    assert code == 1
    assert json.loads(out.splitlines()[0])["status"] == "infeasible"


def test_the_command_prints_only_json_on_stdout(files: tuple) -> None:
    """The real process: HiGHS's banner must not reach standard output."""
    demand_csv, sites_csv, *_ = files
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kuntur.cli import main; main()",
            "patrol",
            "solve",
            "--demand",
            str(demand_csv),
            "--sites",
            str(sites_csv),
            "--radius-m",
            "900",
            "--p",
            "4",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == KEYS


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("id,lat,lon,weight\na,-12.05,-77.03,1\na,-12.06,-77.03,1\n", 3, "id"),
        ("id,lat,lon,weight\na,-95,-77.03,1\n", 2, "lat"),
        ("id,lat,lon,weight\na,-12.05,-77.03,-1\n", 2, "weight"),
        ("id,lat,lon,weight\na,-12.05\n", 2, "lon"),
        ("", 1, "id"),
    ],
)
def test_each_bad_row_is_named(
    files: tuple, tmp_path: Path, text: str, line: int, field: str
) -> None:
    _, sites_csv, *_ = files
    bad = tmp_path / "demanda.csv"
    bad.write_text(text)
    code, out = solve(
        "--demand", str(bad), "--sites", str(sites_csv), "--radius-m", "500", "--p", "1", "--json"
    )
    assert code == 2
    assert f"línea {line}, campo «{field}»" in out and f"line {line}, field “{field}”" in out


def test_no_demand_covers_nothing(files: tuple, tmp_path: Path) -> None:
    _, sites_csv, *_ = files
    empty = tmp_path / "vacia.csv"
    empty.write_text("id,lat,lon,weight\n")
    code, out = solve(
        "--demand", str(empty), "--sites", str(sites_csv), "--radius-m", "500", "--p", "2", "--json"
    )
    assert code == 0, out
    got = json.loads(out)
    assert got["objective"] == 0 and len(got["sites"]) == 2 and got["status"] == "optimal"


def test_bom_extra_columns_and_quoted_ids(tmp_path: Path) -> None:
    demand = tmp_path / "d.csv"
    demand.write_text(
        '\ufeffweight,Id,lat,lon,nota\n2,"a,1",-12.05,-77.03,x\n1, b ,-12.0,-77.0,y\n',
        encoding="utf-8",
    )
    sites = tmp_path / "s.csv"
    sites.write_text('id,lat,lon\n"S 1",-12.0501,-77.0301\nS2,-12.0,-77.0\n')
    code, out = solve(
        "--demand", str(demand), "--sites", str(sites), "--radius-m", "100", "--p", "1", "--json"
    )
    assert code == 0, out
    got = json.loads(out)
    assert got["sites"] == ["S 1"] and got["objective"] == pytest.approx(2.0)
