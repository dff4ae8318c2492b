"""Incident API on both stores: create, get, list with filters, stats, map layer."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import INCIDENT

BASE = {
    "source": "emergency_call",
    "category": "aggravated_robbery",
    "occurred_at": "2026-11-20T21:15:00",
    "latitude": -12.0464,
    "longitude": -77.0300,
}

PLACES = {  # lat, lon, ubigeo
    "cercado": (-12.0464, -77.0300, "150101"),
    "miraflores": (-12.1211, -77.0297, "150122"),
    "sjl": (-11.9760, -77.0050, "150132"),
    "callao": (-12.0566, -77.1181, "070101"),
}


def make(client: TestClient, **kw: Any) -> dict[str, Any]:
    r = client.post("/api/incidents", json={**BASE, **kw})
    assert r.status_code in (200, 201), r.text
    data: dict[str, Any] = r.json()
    return data


def test_create_geocodes_and_shows_lima_time(client: TestClient) -> None:
    r = client.post("/api/incidents", json={**BASE, "narrative": "  Dos sujetos en moto  "})
    assert r.status_code == 201
    body = r.json()
    assert body["district_ubigeo"] == "150101" and body["district_name"] == "Lima"
    assert body["occurred_at"] == "2026-11-20T21:15:00-05:00"  # naive input = Lima time
    assert body["priority"] == 2 and body["status"] == "received"
    assert body["narrative"] == "Dos sujetos en moto"
    assert len(body["h3_cell"]) == 15
    assert client.get(f"/api/incidents/{body['id']}").json() == body


def test_offsets_are_respected(client: TestClient) -> None:
    body = make(client, occurred_at="2026-11-20T21:15:00Z")
    assert body["occurred_at"] == "2026-11-20T16:15:00-05:00"


def test_same_external_id_is_stored_once(client: TestClient) -> None:
    first = client.post("/api/incidents", json={**BASE, "external_id": "105-778"})
    again = client.post(
        "/api/incidents", json={**BASE, "external_id": "105-778", "category": "theft"}
    )
    assert (first.status_code, again.status_code) == (201, 409)
    # The caller may read the stored one (own agency): it is named, nothing more.
    assert again.json()["existing_id"] == first.json()["id"]
    assert "category" not in again.json()
    other_source = client.post(
        "/api/incidents", json={**BASE, "external_id": "105-778", "source": "citizen_tip"}
    )
    assert other_source.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": 95}, "latitude"),
        ({"longitude": "oeste"}, "longitude"),
        ({"category": "burglary"}, "category"),
        ({"source": "twitter"}, "source"),
        ({"priority": 0}, "priority"),
        ({"occurred_at": "ayer"}, "occurred_at"),
        ({"unexpected": 1}, "unexpected"),
        ({"narrative": "x" * 20_001}, "narrative"),
    ],
)
def test_bad_input_is_refused_with_the_field(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    r = client.post("/api/incidents", json={**BASE, **change})
    assert r.status_code == 422
    assert any(field in err["loc"] for err in r.json()["detail"])
    assert client.get("/api/incidents").json()["total"] == 0


def test_oversized_bodies_are_refused_unread(client: TestClient) -> None:
    huge = {**BASE, "narrative": "x" * (2 * 1024 * 1024)}
    r = client.post("/api/incidents", json=huge)
    assert r.status_code == 413 and "larger than" in r.json()["detail"]
    assert client.get("/api/incidents").json()["total"] == 0


def test_missing_incident_is_404(client: TestClient) -> None:
    r = client.get("/api/incidents/999999")
    assert r.status_code == 404 and "999999" in r.json()["detail"]


@pytest.fixture
def seeded(client: TestClient) -> TestClient:
    make(client, **_at("cercado"), category="theft", occurred_at="2026-11-01T10:00:00")
    make(
        client,
        **_at("miraflores"),
        category="theft",
        occurred_at="2026-11-10T10:00:00",
        source="police_report",
    )
    make(
        client,
        **_at("sjl"),
        category="extortion",
        occurred_at="2026-11-15T10:00:00",
        source="citizen_tip",
        status="triaged",
    )
    make(client, **_at("callao"), category="homicide", occurred_at="2026-10-01T10:00:00")
    return client


def _at(place: str) -> dict[str, float]:
    lat, lon, _ = PLACES[place]
    return {"latitude": lat, "longitude": lon}


def ids(client: TestClient, query: str) -> list[str]:
    r = client.get(f"/api/incidents?{query}")
    assert r.status_code == 200, r.text
    return [i["district_ubigeo"] for i in r.json()["items"]]


def test_list_is_newest_first_and_filters(seeded: TestClient) -> None:
    c = seeded
    assert ids(c, "") == ["150132", "150122", "150101", "070101"]
    assert ids(c, "category=theft") == ["150122", "150101"]
    assert ids(c, "category=theft&category=homicide") == ["150122", "150101", "070101"]
    assert ids(c, "district=san%20juan%20de%20lurigancho") == ["150132"]
    assert ids(c, "district=070101&district=Miraflores") == ["150122", "070101"]
    assert ids(c, "start=2026-11-05&end=2026-11-12") == ["150122"]
    assert ids(c, "source=police_report") == ["150122"]
    assert ids(c, "status=triaged") == ["150132"]
    assert ids(c, "bbox=-77.05,-12.13,-77.0,-12.1") == ["150122"]


def test_pagination(seeded: TestClient) -> None:
    page = seeded.get("/api/incidents?limit=2&offset=1").json()
    assert page["total"] == 4 and page["limit"] == 2 and page["offset"] == 1
    assert [i["district_ubigeo"] for i in page["items"]] == ["150122", "150101"]


@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=10,0,0,10",
        "district=Gotham",
        "limit=0",
        "limit=100000",
        "category=burglary",
        "start=mañana",
    ],
)
def test_bad_filters_are_422(seeded: TestClient, query: str) -> None:
    r = seeded.get(f"/api/incidents?{query}")
    assert r.status_code == 422, r.text


def test_stats(seeded: TestClient) -> None:
    s = seeded.get("/api/incidents/stats").json()
    assert s["count"] == 4
    assert s["by_category"] == {"extortion": 1, "homicide": 1, "theft": 2}
    assert s["by_source"] == {"citizen_tip": 1, "emergency_call": 2, "police_report": 1}
    assert s["bbox"] == pytest.approx([-77.1181, -12.1211, -77.0050, -11.9760])
    assert s["first_occurred_at"] == "2026-10-01T10:00:00-05:00"
    assert seeded.get("/api/incidents/stats?category=theft").json()["count"] == 2


def test_map_layer_cells_when_wide_points_when_close(seeded: TestClient) -> None:
    wide = seeded.get("/api/incidents/map?bbox=-77.4,-12.6,-76.6,-11.5").json()
    assert wide["kind"] == "cells" and wide["resolution"] == 8 and wide["total"] == 4
    assert sum(f["properties"]["count"] for f in wide["features"]) == 4
    very_wide = seeded.get("/api/incidents/map?bbox=-82,-19,-68,0").json()
    assert very_wide["resolution"] == 7 and very_wide["total"] == 4
    close = seeded.get("/api/incidents/map?bbox=-77.05,-12.13,-77.0,-12.1").json()
    assert close["kind"] == "points" and close["total"] == 1
    (feat,) = close["features"]
    assert feat["geometry"]["coordinates"] == pytest.approx([-77.0297, -12.1211])
    # The same ISO 8601 UTC text from either store (each formats it its own way).
    assert feat["properties"]["occurred_utc"] == "2026-11-10T15:00:00Z"
    compact = seeded.get("/api/incidents/map?format=compact&bbox=-77.05,-12.13,-77.0,-12.1")
    assert compact.json()["occurred_utc"] == ["2026-11-10T15:00:00Z"]
    theft = seeded.get("/api/incidents/map?bbox=-77.4,-12.6,-76.6,-11.5&category=homicide")
    assert theft.json()["total"] == 1


def test_map_layer_compact_encoding(seeded: TestClient) -> None:
    import h3

    wide = seeded.get("/api/incidents/map?bbox=-77.4,-12.6,-76.6,-11.5&format=compact").json()
    assert wide["kind"] == "cells" and wide["total"] == 4 and sum(wide["counts"]) == 4
    assert all(h3.get_resolution(c) == 8 for c in wide["cells"])
    assert h3.latlng_to_cell(-11.9760, -77.0050, 8) in wide["cells"]
    close = seeded.get("/api/incidents/map?bbox=-77.05,-12.13,-77.0,-12.1&format=compact").json()
    assert close["kind"] == "points" and close["lon"] == [pytest.approx(-77.0297)]
    assert close["category"] == ["theft"] and len(close["ids"]) == 1
    assert seeded.get("/api/incidents/map?format=kml").status_code == 422


def test_map_layer_geojson_text_is_the_geojson_document() -> None:
    """The GeoJSON the API writes from cached per-cell text is the document geojson() builds."""
    import json

    import h3

    from kuntur.incidents.service import MapLayer

    cells = [h3.str_to_int(h3.latlng_to_cell(-12.05 + i / 50, -77.04, 8)) for i in range(3)]
    layer = MapLayer(kind="cells", total=7, resolution=8, cells=cells, counts=[1, 2, 4])
    assert json.loads(layer.geojson_text()) == layer.geojson()
    assert json.loads(layer.geojson_text()) == layer.geojson()  # second time from the cache
    empty = MapLayer(kind="cells", total=0, resolution=8)
    assert json.loads(empty.geojson_text()) == empty.geojson()
    points = MapLayer(
        kind="points",
        total=None,
        truncated=True,
        ids=[5],
        lons=[-77.03],
        lats=[-12.05],
        categories=["theft"],
        times_utc=["2026-11-20T02:15:00Z"],
    )
    assert json.loads(points.geojson_text()) == points.geojson()


def test_map_layer_trims_cells_outside_the_view(seeded: TestClient) -> None:
    north = seeded.get("/api/incidents/map?bbox=-77.1,-12.0,-76.9,-11.9").json()
    assert north["kind"] == "cells" and north["total"] == 1  # only San Juan de Lurigancho


def test_points_are_capped_and_say_so(client: TestClient) -> None:
    client.app.state.settings.map_points_limit = 2  # type: ignore[attr-defined]
    for minute in range(3):
        make(client, occurred_at=f"2026-11-20T21:1{minute}:00")
    layer = client.get("/api/incidents/map?bbox=-77.05,-12.06,-77.02,-12.03").json()
    assert layer["truncated"] is True and layer["total"] is None
    assert len(layer["features"]) == 2


def test_geography_endpoints(client: TestClient) -> None:
    assert client.get("/api/geography/districts?q=brena").json()[0]["ubigeo"] == "150105"
    assert len(client.get("/api/geography/districts?lima_callao=true").json()) == 50
    assert client.get("/api/geography/districts/150122").json()["name"] == "Miraflores"
    assert client.get("/api/geography/districts/999999").status_code == 404
    loc = client.get("/api/geography/locate?lat=-12.1211&lon=-77.0297").json()
    assert loc["ubigeo"] == "150122"
    assert client.get("/api/geography/locate?lat=100&lon=0").status_code == 422
    geo = client.get("/api/geography/boundaries/lima-callao").json()
    assert len(geo["features"]) == 50
    assert client.get("/api/geography/boundaries/departments").status_code == 200
    assert client.get("/api/geography/boundaries/planets").status_code == 404


def test_openapi_is_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/incidents" in spec["paths"] and "/api/incidents/map" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_times_at_the_edge_of_the_calendar_are_refused(client: TestClient) -> None:
    """Found by schemathesis: year 1 with a positive offset cannot be turned into UTC."""
    r = client.get("/api/incidents", params={"end": "0001-01-01T00:00:00+00:01"})
    assert r.status_code == 422 and "out of range" in r.text


def test_implausible_incident_times_are_refused(client: TestClient) -> None:
    """Found by schemathesis: year 1 could be stored but not shown in Lima time."""
    for when in ("0001-01-01T00:00:00Z", "2999-01-01T00:00:00Z"):
        r = client.post("/api/incidents", json={**INCIDENT, "occurred_at": when})
        assert r.status_code == 422 and "occurred_at" in r.text


@pytest.mark.parametrize(
    ("lat", "lon", "fields"),
    [
        (0.5, 140.0, ["latitude", "longitude"]),
        (35.0, -77.0, ["latitude"]),
        (-12.0, -60.0, ["longitude"]),
    ],
)
def test_incidents_outside_the_served_area_are_refused(
    client: TestClient, lat: float, lon: float, fields: list[str]
) -> None:
    """18 incidents at (0.5, 140) once made every forecast fail with a 500."""
    r = client.post("/api/incidents", json={**BASE, "latitude": lat, "longitude": lon})
    assert r.status_code == 422
    errors = r.json()["detail"]
    assert [e["loc"][-1] for e in errors] == fields
    assert "fuera del área que atiende el comando" in errors[0]["msg"]
