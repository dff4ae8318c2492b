"""Intelligence reads follow the incident rules per record: a reader sees the entities,
links, networks and timelines of the reports they may read, and nothing of the others."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from kuntur.config import Settings
from tests.intelligence.support import open_case, report, user_client

PHONE_A, PHONE_B = "+51987654321", "+51955111222"
PHONE_X, PHONE_Y = "+51944333222", "+51933222111"  # only in reports the analyst may not read


def _world(engine: Engine, settings: Settings, client: TestClient) -> dict[str, int]:
    """Five reports in one network on the full graph; the analyst may read three of them."""
    with engine.begin() as conn:  # the army keeps its records to itself here
        conn.execute(text("DELETE FROM sharing_rules WHERE owner_agency = 'EP'"))
    pnp = user_client(engine, settings, "jefe_pnp", ("dispatcher",), clearance=2)
    army = user_client(engine, settings, "oficial_ep", ("dispatcher",), agency="EP")
    ids = {
        "r1": report(pnp, "Me llaman del 987 654 321 exigiendo S/ 5,000."),
        "r2": report(pnp, "Que yapee al 955 111 222 dijo el extorsionador."),
        "r3": report(army, "Llamadas del 987654321 y del 955111222; también del 944 333 222."),
        "r4": report(pnp, "Piden yapear al 955111222 y llamar al 933 222 111.", classification=2),
        "r5": report(pnp, "Amenaza desde el 987654321, que deposite."),
    }
    return ids


def _entities(detail: dict) -> set[str]:
    out = {link["entity"] for link in detail["links"]}
    for part in ("key_players", "payment_hubs", "brokers"):
        out |= {e["entity"] for e in detail[part]}
    return out


def test_networks_show_only_readable_reports(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    ids = _world(engine, settings, client)
    intel = user_client(engine, settings, "analista_pnp", clearance=1)
    case = open_case(intel, "CASO-2026-0500", f"N-{ids['r1']}")
    intel.headers["X-Purpose"] = case["number"]
    nets = intel.get("/api/intel/networks", params={"min_reports": 1}).json()
    # Ranked on what the analyst may read: r1 and r5 share phone A; r2 stands alone (it
    # met them only through the army's report).
    assert [(n["network"], n["reports"]) for n in nets] == [
        (f"N-{ids['r1']}", 2),
        (f"N-{ids['r2']}", 1),
    ]
    assert nets[0]["identifiers"] == 1
    detail = intel.get(f"/api/intel/networks/N-{ids['r1']}").json()
    assert {t["incident_id"] for t in detail["timeline"]} == {ids["r1"], ids["r5"]}
    assert {link["incident_id"] for link in detail["links"]} == {ids["r1"], ids["r5"]}
    seen = _entities(detail)
    assert f"phone:{PHONE_A}" in seen
    assert not {f"phone:{p}" for p in (PHONE_B, PHONE_X, PHONE_Y)} & seen
    alone = intel.get(f"/api/intel/reports/{ids['r2']}/network").json()
    assert alone["reports"] == 1 and {x["incident_id"] for x in alone["links"]} == {ids["r2"]}
    assert f"phone:{PHONE_X}" not in _entities(alone)
    # Unreadable reports: as if they had no links at all (existence not confirmed).
    for hidden in ("r3", "r4"):
        r = intel.get(f"/api/intel/reports/{ids[hidden]}/network")
        assert r.status_code == 404, r.text
    # An identifier seen only in unreadable reports is unknown to the analyst.
    added = intel.post(f"/api/intel/cases/{case['id']}/entities", json={"key": f"phone:{PHONE_X}"})
    assert added.status_code == 422
    page = intel.get(f"/api/intel/cases/{case['id']}/report").text
    for p in (PHONE_B, PHONE_X, PHONE_Y):
        assert p.removeprefix("+51") not in page


def test_clearance_widens_what_is_linked(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    ids = _world(engine, settings, client)
    chief = user_client(engine, settings, "analista_jefe", clearance=3)
    case = open_case(chief, "CASO-2026-0501", f"N-{ids['r1']}")
    chief.headers["X-Purpose"] = case["number"]
    nets = chief.get("/api/intel/networks").json()
    # The classified report joins r2 through phone B; the army's report stays out.
    assert sorted((n["network"], n["reports"]) for n in nets) == sorted(
        [(f"N-{ids['r1']}", 2), (f"N-{ids['r2']}", 2)]
    )
    detail = chief.get(f"/api/intel/networks/N-{ids['r2']}").json()
    assert f"phone:{PHONE_Y}" in _entities(detail)
    assert f"phone:{PHONE_X}" not in _entities(detail)
