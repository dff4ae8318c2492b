"""Forecasts through the API and the CLI, on both stores: run, serve, explain, fairness."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.audit.models import AuditEvent
from kuntur.cli import app
from kuntur.config import Settings
from kuntur.demo import service as demo
from kuntur.forecasting import fairness
from kuntur.forecasting.files import load_history
from kuntur.forecasting.grid import project
from kuntur.incidents.importing.normalise import ColumnMapping
from kuntur.incidents.importing.options import ReadOptions

runner = CliRunner()
SF = Path(__file__).parent / "data" / "san_francisco_robbery.csv"


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    demo.seed(engine, days=45, seed=3)
    return engine


def test_run_serve_and_explain(seeded: Engine, client: TestClient) -> None:
    r = client.post("/api/forecasts", json={"method": "auto"})
    assert r.status_code == 201, r.text
    f = r.json()
    assert f["cell_size"] == 250 and f["crs"] == "EPSG:32718"
    assert f["chosen"] and len(f["data_version"]) == 16 and f["events_used"] > 1000
    assert f["valid_from"].endswith("05:00:00+00:00")  # Lima midnight
    assert client.get("/api/forecasts/latest").json()["id"] == f["id"]
    cells = client.get(f"/api/forecasts/{f['id']}/cells").json()
    feats = cells["features"]
    assert 0 < len(feats) <= round(0.05 * f["area_cells"])
    ranks = [c["properties"]["rank"] for c in feats]
    assert ranks == sorted(ranks) and ranks[0] == 1
    levels = [c["properties"]["level"] for c in feats]
    assert levels.count("very_high") == max(1, round(0.01 * f["area_cells"]))
    ring = feats[0]["geometry"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1] and -78 < ring[0][0] < -76
    why = client.get(f"/api/forecasts/{f['id']}/cells/{feats[0]['properties']['cell']}").json()
    assert why["rank"] == 1 and why["level"] == "very_high"
    assert why["year_events"] >= why["recent_events"] > 0
    assert why["long_term_per_year"] > why["area_mean_events_per_cell"]
    # the fairness report covers every flagged cell placed in a district
    fr = f["fairness"]
    placed = sum(d["flagged_cells"] for d in fr["districts"])
    assert placed + fr["flagged_cells_outside_districts"] == len(feats)
    assert sum(d["flagged_share"] for d in fr["districts"]) == pytest.approx(1.0, abs=1e-3)
    with Session(seeded) as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.type == "forecast.created")).all()
    assert len(events) == 1 and json.loads(events[0].details)["data_version"] == f["data_version"]


def test_a_past_weeks_forecast_made_afterwards_is_not_the_latest(
    seeded: Engine, client: TestClient
) -> None:
    today = client.post("/api/forecasts", json={"method": "naive"}).json()
    start = today["valid_from"][:10]
    past = client.post(
        "/api/forecasts", json={"method": "naive", "at": f"{start}T00:00:00-05:00"}
    ).json()
    made_later = client.post(
        "/api/forecasts",
        json={"method": "naive", "at": _days_before(today["valid_from"], 14)},
    ).json()  # a backfill: two weeks back, made last
    assert made_later["id"] > past["id"] > today["id"]
    assert made_later["valid_from"] < today["valid_from"]
    latest = client.get("/api/forecasts/latest").json()
    assert latest["valid_from"] == today["valid_from"]
    assert latest["id"] == past["id"]  # same day: the one made last
    listed = [f["valid_from"] for f in client.get("/api/forecasts").json()]
    assert listed == sorted(listed, reverse=True)


def _days_before(iso: str, days: int) -> str:
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(iso) - timedelta(days=days)).isoformat()


def test_same_data_same_forecast(seeded: Engine, client: TestClient) -> None:
    body = {"method": "smoothing", "categories": ["aggravated_robbery", "theft"]}
    a = client.post("/api/forecasts", json=body).json()
    b = client.post("/api/forecasts", json=body).json()
    assert a["data_version"] == b["data_version"]
    ca = client.get(f"/api/forecasts/{a['id']}/cells").json()["features"]
    cb = client.get(f"/api/forecasts/{b['id']}/cells").json()["features"]
    assert [c["properties"] for c in ca] == [c["properties"] for c in cb]


def test_leaving_out_patrol_discovered_incidents(seeded: Engine, client: TestClient) -> None:
    every = client.post("/api/forecasts", json={"method": "naive"}).json()
    victim = client.post(
        "/api/forecasts", json={"method": "naive", "exclude_discovered": True}
    ).json()
    with Session(seeded) as db:
        from kuntur.incidents.models import Incident

        found = db.scalar(
            select(__import__("sqlalchemy").func.count()).where(
                Incident.category.in_(sorted(fairness.PATROL_DISCOVERED))
            )
        )
    assert found and victim["events_used"] == every["events_used"] - found
    assert victim["fairness"]["excluded_categories"] == sorted(fairness.PATROL_DISCOVERED)


def test_bad_requests_are_explained(seeded: Engine, client: TestClient) -> None:
    for body, word in [
        ({"method": "crystal_ball"}, "method"),
        ({"region": "15a"}, "region"),
        ({"categories": ["parking"]}, "categories"),
        ({"cell_size": 5}, "cell_size"),
    ]:
        r = client.post("/api/forecasts", json=body)
        assert r.status_code == 422 and word in r.text, (body, r.text)
    r = client.post("/api/forecasts", json={"region": "990101"})
    assert r.status_code == 422 and "at least 50" in r.text
    assert client.get("/api/forecasts/999999").status_code == 404
    assert client.get("/api/forecasts/1/cells/5").status_code == 404


def test_dispatcher_reads_but_may_not_run(
    seeded: Engine, engine: Engine, settings: Settings
) -> None:
    from kuntur.app import create_app
    from tests.conftest import make_user

    token, _ = make_user(engine, "solo_despacho", ["dispatcher"])
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        assert c.post("/api/forecasts", json={}).status_code == 403
        assert c.get("/api/forecasts").status_code == 200
    with Session(engine) as db:
        denied = db.scalars(select(AuditEvent).where(AuditEvent.type == "authz.denied")).all()
    assert any("forecasts.run" in (e.details or "") for e in denied)


def test_cli_run_and_list(seeded: Engine, cli_env: Settings) -> None:
    r = runner.invoke(app, ["forecast", "run", "--method", "naive", "--region", "1501", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["region"] == "1501" and out["method"] == "naive"
    rows = out["fairness"]["districts"]
    # cells on the province's edge may have their centre just across it
    inside = sum(d["flagged_share"] for d in rows if d["ubigeo"].startswith("1501"))
    assert inside > 0.95
    listed = json.loads(runner.invoke(app, ["forecast", "list", "--json"]).stdout)
    assert listed[0]["id"] == out["id"]
    bad = runner.invoke(app, ["forecast", "run", "--method", "tarot"])
    assert bad.exit_code != 0 and "tarot" in bad.output


def _naive_bounds(coverage: float) -> tuple[float, float, int]:
    """Independent computation: naive 365-day PAI with the worst and best tie order."""
    df = pd.read_csv(SF)
    t = pd.to_datetime(df["date_time"], utc=True)
    x, y = project(df["longitude"].to_numpy(), df["latitude"].to_numpy(), "EPSG:32610")
    col = np.floor((x - np.floor(x.min() / 250) * 250) / 250).astype(int)
    row = np.floor((y - np.floor(y.min() / 250) * 250) / 250).astype(int)
    df = df.assign(
        cell=row * 10_000 + col, day=(t - pd.Timestamp(0, tz="UTC")).dt.total_seconds() / 86400
    )
    area = df["cell"].nunique()
    k = max(1, round(area * coverage / 100))
    end = np.floor(df["day"].max()) + 1
    start = end - 175  # half the 363-day span, in whole weeks (the CLI says so)
    lo = hi = total = 0
    for o in np.arange(start, end - 7 + 1e-9, 7):
        past = df[(df.day >= o - 365) & (df.day < o)]["cell"].value_counts()
        now = df[(df.day >= o) & (df.day < o + 7)]["cell"].value_counts()
        total += int(now.sum())
        scores = past.reindex(df["cell"].unique(), fill_value=0)
        cut = np.sort(scores.to_numpy())[::-1][k - 1]
        sure = scores[scores > cut].index
        tied = scores[scores == cut].index
        need = k - len(sure)
        base = int(now.reindex(sure, fill_value=0).sum())
        tied_hits = np.sort(now.reindex(tied, fill_value=0).to_numpy())
        lo += base + int(tied_hits[:need].sum())
        hi += base + int(tied_hits[::-1][:need].sum())
    share = k / area
    return lo / total / share, hi / total / share, total


def test_cli_evaluate_matches_an_independent_computation() -> None:
    r = runner.invoke(
        app,
        [
            "forecast",
            "evaluate",
            str(SF),
            "--json",
            "--timezone",
            "UTC",
            "--methods",
            "naive,kde,prospective,etas,smoothing,auto",
        ],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {"cell_size", "area_cells", "windows", "methods", "seconds"} <= set(out)
    assert out["cell_size"] == 250 and out["windows"] == 25 and out["test_days"] == 175
    assert set(out["methods"]) == {"naive", "kde", "prospective", "etas", "smoothing", "auto"}
    for per in out["methods"].values():
        assert set(per) == {"0.5", "1", "5"}
        assert {"hit_rate", "pai", "pei"} <= set(per["1"])
    for cov in (1.0, 5.0):
        lo, hi, total = _naive_bounds(cov)
        assert out["test_events"] == total
        assert lo - 1e-3 <= out["methods"]["naive"][f"{cov:g}"]["pai"] <= hi + 1e-3  # rounded
    assert any("half" in w for w in out["warnings"])


def test_cli_evaluate_refuses_bad_options(tmp_path: Path) -> None:
    r = runner.invoke(app, ["forecast", "evaluate", str(SF), "--methods", "naive,magic"])
    assert r.exit_code != 0 and "magic" in r.output
    r = runner.invoke(app, ["forecast", "evaluate", str(SF), "--coverage", "0,1"])
    assert r.exit_code != 0 and "coverage" in r.output
    r = runner.invoke(app, ["forecast", "evaluate", str(SF), "--test-days", "350"])
    assert r.exit_code != 0 and "test-days" in r.output
    missing = runner.invoke(app, ["forecast", "evaluate", str(tmp_path / "none.csv")])
    assert missing.exit_code != 0 and "no such file" in " ".join(missing.output.split())


def test_boundary_file_sets_the_study_area(tmp_path: Path) -> None:
    poly = {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [-122.45, 37.74],
                    [-122.38, 37.74],
                    [-122.38, 37.81],
                    [-122.45, 37.81],
                    [-122.45, 37.74],
                ]
            ],
        },
    }
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps(poly))
    r = runner.invoke(
        app,
        ["forecast", "evaluate", str(SF), "--json", "--methods", "naive", "--boundary", str(path)],
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    # about 6.2 km x 7.8 km of 250 m cells, whether or not they saw an event
    assert 700 < out["area_cells"] < 820
    bad = tmp_path / "bad.geojson"
    bad.write_text("{}")
    r = runner.invoke(app, ["forecast", "evaluate", str(SF), "--boundary", str(bad)])
    assert r.exit_code != 0 and "GeoJSON" in r.output


def test_placeholder_coordinates_are_left_out_with_a_warning(tmp_path: Path) -> None:
    """Boston-style (-1, -1) placeholders: reported and left out, not a planet-wide grid."""
    frame = pd.read_csv(SF)
    frame.loc[frame.index[::50], ["latitude", "longitude"]] = -1.0
    path = tmp_path / "placeholders.csv"
    frame.to_csv(path, index=False)
    placeholders = len(frame.index[::50])
    r = runner.invoke(app, ["forecast", "evaluate", str(path), "--json", "--methods", "naive"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["rejected"] == placeholders and out["rows_read"] == len(frame)
    said = [w for w in out["warnings"] if f"{placeholders} rows lie far beyond" in w]
    assert len(said) == 1 and "(-1, -1)" in said[0]
    assert said[0].startswith(f"{placeholders} filas quedan muy lejos")  # Spanish first
    # When the wrong rows are too many to be told apart, the answer is a clear error.
    frame.loc[frame.index[::3], ["latitude", "longitude"]] = -1.0
    frame.to_csv(path, index=False)
    r = runner.invoke(app, ["forecast", "evaluate", str(path), "--methods", "naive"])
    assert r.exit_code != 0 and "spread too far" in " ".join(r.output.split())
    assert "Traceback" not in r.output


def test_an_incident_on_several_rows_counts_once(tmp_path: Path) -> None:
    """Rows repeating an id (one per victim) fold into one event, as the importer stores them."""
    frame = pd.read_csv(SF)
    extra = frame.iloc[::10].assign(offense_type="second victim")
    path = tmp_path / "victims.csv"
    pd.concat([frame, extra]).to_csv(path, index=False)
    args = ["forecast", "evaluate", "--json", "--methods", "naive"]
    once = json.loads(runner.invoke(app, [*args[:2], str(SF), *args[2:]]).stdout)
    r = runner.invoke(app, [*args[:2], str(path), *args[2:]])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["duplicates"] == len(extra) and out["rows_read"] == len(frame) + len(extra)
    assert out["events"] == once["events"] == len(frame)
    assert out["methods"]["naive"] == once["methods"]["naive"]


def test_crs_chooses_the_grid_projection() -> None:
    """--crs lays the cells in that projection (metres); feet or degrees fall back to UTM."""

    def evaluate(crs: str) -> tuple[int, dict[str, Any]]:
        r = runner.invoke(
            app, ["forecast", "evaluate", str(SF), "--json", "--methods", "naive", "--crs", crs]
        )
        return r.exit_code, json.loads(r.stdout) if r.exit_code == 0 else {"output": r.output}

    code, out = evaluate("EPSG:7131")  # San Francisco's own metric projection
    assert code == 0 and out["crs"] == "EPSG:7131"
    code, out = evaluate("EPSG:3435")  # Illinois State Plane, in US feet
    assert code == 0 and out["crs"] == "EPSG:32610"
    assert any("EPSG:3435 does not measure in metres" in w for w in out["warnings"])
    code, out = evaluate("EPSG:99999")
    assert code != 0 and "not a coordinate reference system" in out["output"]


def test_a_distant_minority_of_real_points_is_kept(tmp_path: Path) -> None:
    """A second city 500 km away (5 % of rows) fits a grid: nothing is left out."""
    frame = pd.read_csv(SF)
    frame.loc[frame.index[::20], "latitude"] -= 4.5
    path = tmp_path / "two_cities.csv"
    frame.to_csv(path, index=False)
    r = runner.invoke(app, ["forecast", "evaluate", str(path), "--json", "--methods", "naive"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["rejected"] == 0 and not any("far beyond" in w for w in out["warnings"])


def test_shifted_grid_moves_every_cell_edge() -> None:
    """``shift_m`` re-cuts the same events into cells whose edges lie 125 m further east."""
    mapping = ColumnMapping(timezone="UTC")
    frame = pd.read_csv(SF)
    counts = []
    for shift in (0.0, 125.0):
        loaded = load_history(SF, mapping=mapping, read=ReadOptions(), shift_m=(shift, 0.0))
        g = loaded.history.grid
        x, y = project(frame["longitude"].to_numpy(), frame["latitude"].to_numpy(), g.crs)
        col = np.floor((x - shift - g.x0) / 250.0).astype(int)
        row = np.floor((y - g.y0) / 250.0).astype(int)
        by_hand = np.bincount(row * g.nx + col, minlength=g.n_cells)
        assert len(loaded.history) == len(frame) and loaded.rejected == 0
        assert np.array_equal(np.bincount(loaded.history.cells, minlength=g.n_cells), by_hand)
        counts.append(np.sort(by_hand[by_hand > 0]))
    assert not np.array_equal(counts[0], counts[1])  # the cells really changed


def test_fairness_shares_by_hand() -> None:
    rep = fairness.report(
        ["A", "A", "A", "B", None],
        {"A": 100, "B": 300, "C": 600},
        {"A": 1, "B": 2, "C": 1},
        {"A": "Ate", "B": "Breña", "C": "Comas"},
    )
    rows = {r["ubigeo"]: r for r in rep["districts"]}
    assert rows["A"]["flagged_share"] == 0.75 and rows["A"]["population_share"] == 0.1
    assert rows["A"]["victim_report_share"] == 0.25 and rows["A"]["ratio_to_reports"] == 3.0
    assert rows["C"]["flagged_cells"] == 0 and rows["C"]["ratio_to_population"] == 0.0
    assert rep["flagged_cells_outside_districts"] == 1
    assert rep["over_reports"] == ["A"]


def test_points_stored_far_outside_the_served_area_do_not_break_a_forecast(
    seeded: Engine, client: TestClient
) -> None:
    """Stored before intake refused them (or written straight into the store): left out."""
    from sqlalchemy import text

    with seeded.begin() as conn:
        conn.execute(
            text(
                "UPDATE incidents SET latitude = 0.5, longitude = 140.0 WHERE id IN "
                "(SELECT id FROM incidents ORDER BY id LIMIT 18)"
            )
        )
    r = client.post("/api/forecasts", json={"method": "auto"})
    assert r.status_code == 201, r.text
    assert r.json()["area_cells"] < 200_000  # Lima's grid, not one stretched to the Pacific
