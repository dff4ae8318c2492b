"""Wide map layers kept for a second (incidents/layer_cache.py): never shared between
readers who may see different records, and never older than the setting says."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kuntur.app import create_app
from kuntur.config import Settings
from kuntur.incidents.layer_cache import TtlCache
from tests.conftest import make_user

LIMA = "/api/incidents/map?bbox=-77.4,-12.6,-76.6,-11.5&format=compact"
BASE = {
    "source": "emergency_call",
    "category": "theft",
    "occurred_at": "2026-11-20T21:15:00",
    "latitude": -12.0464,
    "longitude": -77.0300,
}


def test_an_answer_is_kept_for_its_time_and_no_longer() -> None:
    now = [100.0]
    cache = TtlCache(ttl_s=1.0, size=2, clock=lambda: now[0])
    calls: list[str] = []

    def compute(v: str) -> str:
        calls.append(v)
        return v

    assert cache.get("a", lambda: compute("a1")) == "a1"
    now[0] += 0.9
    assert cache.get("a", lambda: compute("a2")) == "a1"  # within its second
    now[0] += 0.2
    assert cache.get("a", lambda: compute("a3")) == "a3"  # older than that: computed anew
    cache.get("b", lambda: compute("b"))
    cache.get("c", lambda: compute("c"))  # the oldest key goes when full
    assert cache.get("a", lambda: compute("a4")) == "a4"
    assert calls == ["a1", "a3", "b", "c", "a4"]
    assert TtlCache(ttl_s=0).get("x", lambda: compute("off")) == "off"  # 0: never kept


def test_a_reader_never_gets_a_layer_made_for_another_scope(
    engine: Engine, settings: Settings
) -> None:
    chief, _ = make_user(engine, "jefe_mapa", ["dispatcher"], agency="PNP", clearance=2)
    clerk, _ = make_user(engine, "auxiliar_mapa", ["dispatcher"], agency="PNP", clearance=0)
    soldier, _ = make_user(engine, "soldado_mapa", ["dispatcher"], agency="EP", clearance=2)
    kept = settings.model_copy(update={"map_cells_cache_s": 60.0})  # all within its time
    with TestClient(create_app(kept, engine)) as c:
        as_ = {
            k: {"Authorization": f"Bearer {t}"}
            for k, t in {"chief": chief, "clerk": clerk, "soldier": soldier}.items()
        }
        made = c.post(
            "/api/incidents",
            json={**BASE, "category": "kidnapping", "classification": 2},
            headers=as_["chief"],
        )
        assert made.status_code == 201, made.text
        c.post("/api/incidents", json=BASE, headers=as_["chief"])
        assert c.get(LIMA, headers=as_["chief"]).json()["total"] == 2
        assert c.get(LIMA, headers=as_["clerk"]).json()["total"] == 1  # not the chief's layer
        c.app.state.map_cells_cache.hits = 0  # type: ignore[attr-defined]
        assert c.get(LIMA, headers=as_["chief"]).json()["total"] == 2
        assert c.app.state.map_cells_cache.hits == 1  # type: ignore[attr-defined]
        # Sharing rules are part of the scope: the army reads PNP records through one.
        assert c.get(LIMA, headers=as_["soldier"]).json()["total"] == 2
        with engine.begin() as conn:
            from sqlalchemy import text

            conn.execute(text("DELETE FROM sharing_rules WHERE owner_agency = 'PNP'"))
        assert c.get(LIMA, headers=as_["soldier"]).json()["total"] == 0  # at once


def test_a_new_incident_reaches_the_wide_layer_within_its_time(
    engine: Engine, settings: Settings
) -> None:
    token, _ = make_user(engine, "operador_mapa", ["dispatcher"])
    short = settings.model_copy(update={"map_cells_cache_s": 0.5})
    with TestClient(create_app(short, engine), headers={"Authorization": f"Bearer {token}"}) as c:
        c.post("/api/incidents", json=BASE)
        assert c.get(LIMA).json()["total"] == 1
        c.post("/api/incidents", json={**BASE, "latitude": -12.05})
        # Within the half second the wide layer may still say 1 (the trade made);
        # after it, the new incident is counted.
        time.sleep(0.6)
        assert c.get(LIMA).json()["total"] == 2
