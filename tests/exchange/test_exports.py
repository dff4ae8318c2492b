"""Exports for analysts: every dataset in every format read back by GDAL (pyogrio) with the
stored values; formula injection neutralised in CSV; filters; each dataset's own read
permission (networks: an intelligence analyst with a checked purpose); on record without
the contents; the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from pyogrio import list_layers, raw
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.app import create_app
from kuntur.cli import app as cli
from kuntur.config import Settings
from kuntur.exchange import exports
from kuntur.forecasting.models import ForecastCell
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.models import Incident
from kuntur.incidents.schemas import IncidentCreate
from kuntur.patrol import service as patrol
from kuntur.patrol.models import PatrolPost
from tests.conftest import make_user
from tests.intelligence.support import open_case
from tests.patrol import world as patrol_world

SYSTEM = patrol_world.SYSTEM
HOSTILE = ['=HYPERLINK("http://x")', "+51 999 888 777", "-2+3", "@SUM(A1)"]
PHONE = "987654321"


def seed(engine: Engine) -> patrol_world.World:
    """The patrol world (units, a stored forecast), a plan built on it, and five incidents:
    two in Cercado naming the same phone (a network), one in Miraflores a week earlier,
    and labels and addresses a spreadsheet would run as formulas."""
    w = patrol_world.build(engine)
    start, end = patrol_world.shift()
    with Session(engine) as db, db.begin():
        actor = Actor(db, SYSTEM)
        patrol.build_plan(actor, starts_at=start, ends_at=end)
        base = datetime.fromisoformat("2026-11-20T21:00:00-05:00")
        for i, (lon, lat, days, label) in enumerate(
            [
                (-77.0300, -12.0460, 0, HOSTILE[0]),
                (-77.0290, -12.0450, 0, HOSTILE[1]),
                (-77.0300, -12.0465, 0, HOSTILE[2]),
                (-77.0300, -12.0470, 0, HOSTILE[3]),
                (-77.0300, -12.1190, -7, "Hurto de celular"),
            ]
        ):
            incidents.create(
                actor=actor,
                data=IncidentCreate(
                    source="police_report",
                    category="extortion",
                    category_label=label,
                    occurred_at=base + timedelta(days=days, minutes=i),
                    latitude=lat,
                    longitude=lon,
                    address=HOSTILE[i % 4],
                    narrative=f"Le exigen cupo al {PHONE}" if i < 2 else None,
                ),
            )
    return w


def run(engine: Engine, dataset: str, fmt: str, **kw: Any) -> exports.Export:
    with Session(engine) as db, db.begin():
        return exports.export(Actor(db, SYSTEM), dataset, fmt, exports.ExportFilter(**kw))


def read_back(content: bytes, suffix: str, tmp: Path, layer: str | None = None) -> Any:
    """(column names, columns by name, geometries) as GDAL reads the file."""
    path = tmp / f"read{suffix}"
    path.write_bytes(content)
    meta, _fids, geometry, columns = raw.read(str(path), layer=layer)
    names = list(meta["fields"])
    return names, dict(zip(names, columns, strict=True)), shapely.from_wkb(geometry)


def stored_incidents(engine: Engine) -> list[Incident]:
    with Session(engine) as db:
        return list(db.scalars(select(Incident).order_by(Incident.occurred_at, Incident.id)))


@pytest.mark.parametrize(("fmt", "suffix"), [("geojson", ".geojson"), ("gpkg", ".gpkg")])
def test_incidents_read_back_by_gdal(engine: Engine, tmp_path: Path, fmt: str, suffix: str) -> None:
    seed(engine)
    out = run(engine, "incidents", fmt)
    rows = stored_incidents(engine)
    assert out.rows == len(rows) == 5
    _names, cols, geoms = read_back(out.content, suffix, tmp_path)
    assert list(cols["id"]) == [r.id for r in rows]
    assert list(cols["category_label"]) == [r.category_label for r in rows]
    assert list(cols["address"]) == [r.address for r in rows]  # unchanged outside CSV
    # Times as GDAL DateTime fields, in UTC.
    assert list(cols["occurred_at"]) == [
        np.datetime64(r.occurred_at.replace(tzinfo=None), "ms") for r in rows
    ]
    assert list(cols["district_ubigeo"]) == [r.district_ubigeo for r in rows]
    np.testing.assert_allclose(shapely.get_x(geoms), [r.longitude for r in rows])
    np.testing.assert_allclose(shapely.get_y(geoms), [r.latitude for r in rows])
    assert "narrative" not in cols  # never travels in a GIS file


def test_csv_neutralises_formulas_and_keeps_numbers(engine: Engine) -> None:
    seed(engine)
    out = run(engine, "incidents", "csv")
    body = out.content.decode("utf-8")
    table = list(csv.DictReader(io.StringIO(body)))
    assert len(table) == 5
    labels = {r["category_label"] for r in table}
    assert {"'" + h for h in HOSTILE} <= labels
    for r in table:
        for key, value in r.items():
            assert not value.startswith(("=", "+", "@")), (key, value)
            if value.startswith("-"):  # only numbers may start so (a longitude)
                float(value)
        assert float(r["longitude"]) < 0 and r["wkt"].startswith("POINT (")


def test_filters_time_range_and_district(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    week = run(
        engine,
        "incidents",
        "geojson",
        start=datetime.fromisoformat("2026-11-20T00:00:00-05:00"),
        end=datetime.fromisoformat("2026-11-21T00:00:00-05:00"),
    )
    assert week.rows == 4
    cercado = run(engine, "incidents", "gpkg", districts=["lima"])
    _n, cols, _g = read_back(cercado.content, ".gpkg", tmp_path)
    assert set(cols["district_ubigeo"]) == {"150101"} and cercado.rows == 4
    with pytest.raises(Exception, match="distrito"):
        run(engine, "incidents", "csv", districts=["Atlantis"])


def test_forecast_cells_and_patrol_posts_read_back(engine: Engine, tmp_path: Path) -> None:
    w = seed(engine)
    out = run(engine, "forecasts", "gpkg")
    _n, cols, geoms = read_back(out.content, ".gpkg", tmp_path)
    with Session(engine) as db:
        cells = list(
            db.scalars(
                select(ForecastCell)
                .where(ForecastCell.forecast_id == w.forecast)
                .order_by(ForecastCell.rank)
            )
        )
        posts = list(db.scalars(select(PatrolPost).order_by(PatrolPost.plan_id, PatrolPost.rank)))
    assert list(cols["cell"]) == [c.cell for c in cells]
    np.testing.assert_allclose(cols["risk"], [c.risk for c in cells])
    assert set(shapely.get_type_id(geoms)) == {3}  # polygons
    # Each cell's centre is the cell's own place (the grid, read back through GDAL).
    centres = {c: (lon, lat) for c, lon, lat, _r, _d in w.cells}
    for cell, g in zip(cols["cell"], geoms, strict=True):
        lon, lat = centres[int(cell)]
        assert g.contains(shapely.Point(lon, lat))
    plans = run(engine, "patrol_plans", "geojson")
    _n, pcols, pgeoms = read_back(plans.content, ".geojson", tmp_path)
    assert posts and list(pcols["post_id"]) == [p.id for p in posts]
    np.testing.assert_allclose(shapely.get_x(pgeoms), [p.lon for p in posts])
    np.testing.assert_allclose(pcols["covered_risk"], [p.covered_risk for p in posts])


def test_networks_only_for_an_analyst_with_a_purpose(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    seed(engine)
    analyst, _ = make_user(engine, "analista", ["intel_analyst"])
    crime, _ = make_user(engine, "criminal", ["crime_analyst"])
    with TestClient(create_app(settings, engine)) as c:
        c.headers["Authorization"] = f"Bearer {analyst}"
        url = "/api/exchange/exports/networks.gpkg"
        assert c.get(url).status_code == 403  # no purpose stated
        first = min(r.id for r in stored_incidents(engine))
        open_case(c, "CASO-2026-0042", f"N-{first}")
        got = c.get(url, headers={"X-Purpose": "CASO-2026-0042"})
        assert got.status_code == 200, got.text
        assert got.headers["content-type"].startswith("application/geopackage+sqlite3")
        path = tmp_path / "net.gpkg"
        path.write_bytes(got.content)
        assert sorted(name for name, _ in list_layers(str(path))) == ["links", "nodes"]
        _n, links, lines = read_back(got.content, ".gpkg", tmp_path, layer="links")
        assert any(PHONE in str(e) for e in links["entity"])
        assert set(shapely.get_type_id(lines)) == {1}  # report -> entity lines
        _n, nodes, _g = read_back(got.content, ".gpkg", tmp_path, layer="nodes")
        assert set(nodes["node_type"]) == {"report", "entity"}
        gj = c.get(
            "/api/exchange/exports/networks.geojson", headers={"X-Purpose": "CASO-2026-0042"}
        )
        assert {f["properties"]["layer"] for f in gj.json()["features"]} == {"nodes", "links"}
        c.headers["Authorization"] = f"Bearer {crime}"
        assert c.get(url, headers={"X-Purpose": "CASO-2026-0042"}).status_code == 403
    with Session(engine) as db:
        logged = db.execute(
            text("SELECT purpose, details FROM audit_events WHERE type = 'exchange.exported'")
        ).all()
        assert logged and all(p == "case:CASO-2026-0042" for p, _ in logged)


def test_api_permission_per_dataset_and_audit_without_contents(
    engine: Engine, settings: Settings
) -> None:
    seed(engine)
    dispatcher, _ = make_user(engine, "despacho", ["dispatcher"])
    border, _ = make_user(engine, "frontera", ["border_officer"])
    with TestClient(create_app(settings, engine)) as c:
        ok = c.get(
            "/api/exchange/exports/incidents.csv",
            params={"district": "150101", "from": "2026-11-20T00:00:00"},
            headers={"Authorization": f"Bearer {dispatcher}"},
        )
        assert ok.status_code == 200, ok.text
        assert ok.headers["content-type"].startswith("text/csv")
        assert len(ok.text.strip().splitlines()) == 1 + 4
        refused = c.get(
            "/api/exchange/exports/incidents.geojson",
            headers={"Authorization": f"Bearer {border}"},
        )
        assert refused.status_code == 403
        unknown = c.get(
            "/api/exchange/exports/secrets.csv", headers={"Authorization": f"Bearer {dispatcher}"}
        )
        assert unknown.status_code == 422
    with Session(engine) as db:
        (details,) = db.execute(
            text("SELECT details FROM audit_events WHERE type = 'exchange.exported'")
        ).scalars()
    logged = json.loads(details) if isinstance(details, str) else details
    assert logged["rows"] == 4 and logged["dataset"] == "incidents"
    assert logged["districts"] == ["150101"]
    assert not any(h in json.dumps(logged) for h in HOSTILE)  # never the contents


def test_cli_export(engine: Engine, cli_env: Settings, tmp_path: Path) -> None:
    seed(engine)
    out = tmp_path / "inc.gpkg"
    result = CliRunner().invoke(
        cli, ["exchange", "export", "incidents", "--format", "gpkg", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    _n, cols, _g = read_back(out.read_bytes(), ".gpkg", tmp_path)
    assert sorted(cols["id"]) == sorted(r.id for r in stored_incidents(engine))
    bad = CliRunner().invoke(
        cli, ["exchange", "export", "incidents", "--format", "xlsx", "--out", str(out)]
    )
    assert bad.exit_code == 2 and "xlsx" in bad.stderr
    # Networks need a purpose, from the command line too: an open case.
    nets = tmp_path / "net.csv"
    refused = CliRunner().invoke(
        cli, ["exchange", "export", "networks", "--format", "csv", "--out", str(nets)]
    )
    assert refused.exit_code == 2 and not nets.exists()
