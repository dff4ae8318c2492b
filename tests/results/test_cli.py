"""`kuntur results evaluate FILE ...` as an outside evaluator runs it: the JSON contract,
the Spanish summary, and exit 2 with the file, line or field named when it cannot work."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from kuntur.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.fixture(scope="module")
def thinned(tmp_path_factory) -> tuple[Path, float]:
    df = pd.read_csv(DATA / "chicago_aggravated_assaults.csv.gz")
    df = df[(df["date"] >= "2016-01-01") & (df["date"] < "2019-01-01")].dropna(subset=["district"])
    df["district"] = df["district"].astype(int)
    rng = np.random.default_rng(7)
    post = df["district"].isin([3, 6, 7]).to_numpy() & (df["date"] >= "2017-07-03").to_numpy()
    drop = post & (rng.random(len(df)) < 0.2)
    truth = -drop.sum() / post.sum()
    path = tmp_path_factory.mktemp("results") / "assaults.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        df[~drop].to_csv(fh, index=False, sep=";")
    return path, float(truth)


ARGS = [
    "--time-col",
    "date",
    "--lat-col",
    "latitude",
    "--lon-col",
    "longitude",
    "--unit-col",
    "district",
]


def test_the_json_contract(thinned) -> None:
    path, truth = thinned
    out = runner.invoke(
        app,
        [
            "results",
            "evaluate",
            str(path),
            *ARGS,
            "--treated",
            "3,6,7",
            "--start",
            "2017-07-03",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for key in ("effect", "ci90", "ci95", "method", "pre_fit", "placebo_p"):
        assert key in result
    assert result["method"] == "synthetic_control"
    assert abs(result["effect"] - truth) < 0.04
    assert result["ci95"][0] <= truth <= result["ci95"][1]
    assert result["displacement"]["units"]  # neighbours by centroid distance
    assert set(result["treated"]) == {"3", "6", "7"}


def test_monthly_with_an_end_and_a_spanish_summary(thinned) -> None:
    path, _ = thinned
    out = runner.invoke(
        app,
        [
            "results",
            "evaluate",
            str(path),
            *ARGS,
            "--treated",
            "3,6,7",
            "--start",
            "2017-07-03",
            "--end",
            "2018-06-30",
            "--period",
            "month",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "intervalo de 95 %" in out.stdout and "Efecto (control sintético)" in out.stdout


def test_a_missing_column_is_named(thinned) -> None:
    path, _ = thinned
    args = [a if a != "district" else "distrito" for a in ARGS]
    out = runner.invoke(
        app, ["results", "evaluate", str(path), *args, "--treated", "3", "--start", "2017-07-03"]
    )
    assert out.exit_code == 2
    assert "distrito" in out.output and "assaults.csv.gz" in out.output


def test_an_unknown_treated_unit_and_a_bad_date(thinned) -> None:
    path, _ = thinned
    out = runner.invoke(
        app, ["results", "evaluate", str(path), *ARGS, "--treated", "99", "--start", "2017-07-03"]
    )
    assert out.exit_code == 2 and "99" in out.output
    out = runner.invoke(
        app, ["results", "evaluate", str(path), *ARGS, "--treated", "3", "--start", "2017-13-03"]
    )
    assert out.exit_code == 2 and "--start" in out.output


def test_an_unreadable_file_names_its_line(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,latitude,longitude,district\n2017-01-01 10:00,north,-87.6,3\n", encoding="utf-8"
    )
    out = runner.invoke(
        app, ["results", "evaluate", str(bad), *ARGS, "--treated", "3", "--start", "2017-07-03"]
    )
    assert out.exit_code == 2
    assert "bad.csv" in out.output and "línea 2" in out.output and "latitude" in out.output
    out = runner.invoke(
        app,
        [
            "results",
            "evaluate",
            str(tmp_path / "none.csv"),
            *ARGS,
            "--treated",
            "3",
            "--start",
            "2017-07-03",
        ],
    )
    assert out.exit_code == 2 and "none.csv" in out.output


TREATED = ["--treated", "3,6,7", "--start", "2017-07-03"]


def test_a_row_of_the_year_1016_is_one_rejected_row(thinned, tmp_path) -> None:
    """One mistyped year among 18,000 rows: that row is named, the rest are evaluated."""
    path, _ = thinned
    df = pd.read_csv(path, sep=";")
    df.loc[5, "date"] = "1016-07-23 22:40:36"
    typo = tmp_path / "typo.csv"
    df.to_csv(typo, index=False)
    out = runner.invoke(
        app,
        ["results", "evaluate", str(typo), *ARGS, *TREATED, "--json"],
    )
    assert out.exit_code == 0, out.output
    assert "typo.csv, línea 7, campo date: la hora es anterior a 1900" in out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1])["rows_rejected"] == 1
