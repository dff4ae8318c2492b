"""Per-record matrix: agency x clearance x stated purpose over every route that returns
incidents (list, detail, stats, map, dispatch queue, timeline, recommendation, KPIs, the live
stream, forecasts built on them, the duplicate check).

The records belong to the Army (EP). Readers are dispatchers of the Army or the police (PNP)
at every clearance, with the Army's sharing rule in place or removed (as in
``test_records``). What each reader should see comes from the rules of decision 0005 written
out here, not from ``authz``: own agency or a sharing rule, and the record's classification
at most the reader's clearance; sensitive narratives only for a purpose the store confirms,
which for a dispatcher is ``INC-<id>`` of an incident it dispatched a unit to (a case number
counts only for a case's members, who are intelligence analysts: see test_purposes).
(Intelligence routes filter records on their own: not covered here.)
"""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.command import service as command
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.core.timeutil import utcnow
from kuntur.dispatch import service as dispatch
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Category, Source
from kuntur.incidents.schemas import IncidentCreate
from tests.command.conftest import build_world
from tests.conftest import make_user
from tests.dispatch.test_live import listen

OWNER = "EP"
NARRATIVE = "Me llaman del 987654321 exigiendo S/ 2.000 por Yape"
PURPOSE = "Caso 2026-0457"  # typed, but no case of the reader's: refused
SENSITIVE = {"extortion", "kidnapping", "human_trafficking"}


def as_agency(agency: str) -> RequestContext:
    """The system filing records for ``agency`` (no clearance limit)."""
    return RequestContext(actor="system:test", agency=agency, roles=frozenset({"system"}))


@dataclass(frozen=True)
class Rec:
    name: str
    category: str
    classification: int
    narrative: str | None = None


RECORDS = (
    Rec("public theft", "theft", 0, "Le quitaron el celular"),
    Rec("restricted theft", "theft", 1),
    Rec("confidential extortion", "extortion", 2, NARRATIVE),
    Rec("secret kidnapping", "kidnapping", 3, NARRATIVE),
    Rec("public trafficking", "human_trafficking", 0, NARRATIVE),
)


@dataclass(frozen=True)
class Reader:
    agency: str
    clearance: int

    @property
    def name(self) -> str:
        return f"{self.agency.lower()}_c{self.clearance}"

    def sees(self, rec: Rec, shared: bool) -> bool:
        return (self.agency == OWNER or shared) and rec.classification <= self.clearance


READERS = [Reader("EP", c) for c in (0, 1, 2, 3)] + [Reader("PNP", 0), Reader("PNP", 3)]
CASES = [(r, shared) for r in READERS for shared in (False, True) if r.agency != OWNER or shared]


def store_records(engine: Engine) -> dict[str, int]:
    ids = {}
    with Session(engine, expire_on_commit=False) as db, db.begin():
        for i, rec in enumerate(RECORDS):
            data = IncidentCreate(
                source=Source.POLICE_REPORT,
                external_id=f"EP-2026-{i:04d}",
                category=Category(rec.category),
                occurred_at=utcnow() - timedelta(hours=2 + i),
                latitude=-12.0464 + 0.001 * i,
                longitude=-77.03 + 0.001 * i,
                narrative=rec.narrative,
                classification=rec.classification,
            )
            row = incidents.create(actor=Actor(db, as_agency(OWNER)), data=data)
            # Dispatched a minute after the call, on scene eight minutes later: KPI material.
            row.dispatched_at = row.received_at + timedelta(minutes=1)
            row.on_scene_at = row.received_at + timedelta(minutes=9)
            db.flush()
            ids[rec.name] = row.id
    return ids


def unshare(engine: Engine, agency: str = OWNER) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM sharing_rules WHERE owner_agency = :a"), {"a": agency})


def spare_units(engine: Engine, station: int, n: int) -> list[int]:
    """Police patrols free to dispatch, one per sensitive record (trained for what those
    records need: a unit without it goes only as a first response, with a reason)."""
    with Session(engine) as db, db.begin():
        return [
            command.create_unit(
                Actor(db, as_agency("PNP")),
                command.UnitSpec(
                    f"PNP-A-R{i}",
                    "PNP",
                    "patrol_car",
                    station,
                    -77.031,
                    -12.047,
                    ("hostage", "extortion"),
                ),
            ).id
            for i in range(n)
        ]


def events_of(engine: Engine, type_: str, actor: str) -> list[Any]:
    with Session(engine) as db:
        return list(
            db.execute(
                text("SELECT object_id, purpose FROM audit_events WHERE type = :t AND actor = :a"),
                {"t": type_, "a": actor},
            )
        )


def reader_client(engine: Engine, settings: Settings, reader: Reader) -> TestClient:
    token, _ = make_user(
        engine, reader.name, ["dispatcher"], agency=reader.agency, clearance=reader.clearance
    )
    return TestClient(create_app(settings, engine), headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    ("reader", "shared"), CASES, ids=[f"{r.name}-{'shared' if s else 'unshared'}" for r, s in CASES]
)
def test_each_route_shows_a_reader_only_what_it_may_see(
    engine: Engine, settings: Settings, reader: Reader, shared: bool
) -> None:
    world = build_world(engine)  # units for the recommendation
    ids = store_records(engine)
    if not shared:
        unshare(engine)
    visible = {ids[r.name] for r in RECORDS if reader.sees(r, shared)}
    hidden = set(ids.values()) - visible
    by_id = {ids[r.name]: r for r in RECORDS}
    told_of = sorted(i for i in visible if by_id[i].category in SENSITIVE)
    units = dict(zip(told_of, spare_units(engine, world.station_a, len(told_of)), strict=True))
    with reader_client(engine, settings, reader) as c:
        listed = c.get("/api/incidents").json()
        assert {i["id"] for i in listed["items"]} == visible and listed["total"] == len(visible)
        for item in listed["items"]:  # lists never carry a sensitive narrative
            if item["category"] in SENSITIVE:
                assert item["narrative"] is None and item["narrative_withheld"] is True
        assert NARRATIVE not in json.dumps(listed)
        assert c.get("/api/incidents/stats").json()["count"] == len(visible)
        points = c.get("/api/incidents/map?bbox=-77.04,-12.05,-77.02,-12.04").json()
        assert points["kind"] == "points" and {f["id"] for f in points["features"]} == visible
        cells = c.get("/api/incidents/map?bbox=-77.4,-12.6,-76.6,-11.5&format=compact").json()
        assert cells["kind"] == "cells" and cells["total"] == len(visible)
        queue_ = c.get("/api/dispatch/queue").json()
        assert {q["id"] for q in queue_} == visible
        assert NARRATIVE not in json.dumps(queue_)
        kpis = c.get("/api/dispatch/kpis?group=agency").json()["rows"]
        assert sum(r["call_to_dispatch"]["n"] for r in kpis) == len(visible)
        for iid in visible:
            rec = by_id[iid]
            plain = c.get(f"/api/incidents/{iid}").json()
            if rec.category in SENSITIVE:
                assert plain["narrative"] is None and plain["narrative_withheld"] is True
                # A purpose is checked, not trusted: a case the reader is no member of, and
                # this incident before the reader dispatched a unit to it, are refused.
                for stated in (PURPOSE, f"INC-{iid}"):
                    r = c.get(f"/api/incidents/{iid}", headers={"X-Purpose": stated})
                    assert r.status_code == 403 and NARRATIVE not in r.text, (stated, r.text)
                sent = c.post(
                    f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": units[iid]}
                )
                assert sent.status_code == 201, sent.text
                told = c.get(f"/api/incidents/{iid}", headers={"X-Purpose": f"INC-{iid}"})
            else:
                assert plain["narrative"] == rec.narrative
                # Nothing withheld, nothing to justify: no purpose is checked.
                told = c.get(f"/api/incidents/{iid}", headers={"X-Purpose": PURPOSE})
            assert told.status_code == 200 and told.json()["narrative"] == rec.narrative
            assert c.get(f"/api/dispatch/incidents/{iid}/timeline").status_code == 200
            rec_ = c.get(f"/api/dispatch/incidents/{iid}/recommendation")
            assert rec_.status_code == 200 and rec_.json()["incident_id"] == iid
        for iid in hidden:  # not even "exists": 404, and the attempt on record
            for path in (
                f"/api/incidents/{iid}",
                f"/api/dispatch/incidents/{iid}/timeline",
                f"/api/dispatch/incidents/{iid}/recommendation",
            ):
                r = c.get(path, headers={"X-Purpose": PURPOSE})
                assert r.status_code == 404 and r.json().keys() == {"detail"}, (path, r.text)
            r = c.post(f"/api/dispatch/incidents/{iid}/status", json={"status": "triaged"})
            assert r.status_code == 404
        # The duplicate check: 409 to all; the stored id only to who may read it; nothing else.
        for i, rec in enumerate(RECORDS):
            probe = c.post(
                "/api/incidents",
                json={
                    "source": "police_report",
                    "external_id": f"EP-2026-{i:04d}",
                    "category": "theft",
                    "occurred_at": utcnow().isoformat(),
                    "latitude": -12.05,
                    "longitude": -77.03,
                },
            )
            assert probe.status_code == 409
            if ids[rec.name] in visible:
                assert probe.json()["existing_id"] == ids[rec.name]
            else:
                assert probe.json().keys() == {"detail"}
                assert str(ids[rec.name]) not in probe.text and NARRATIVE not in probe.text
    with Session(engine) as db:
        statuses = dict(db.execute(text("SELECT id, status FROM incidents")).all())
    # Refused writes changed nothing; only the reader's own dispatches moved an incident.
    assert statuses == {i: "dispatched" if i in units else "received" for i in ids.values()}
    actor = f"user:{reader.name}"
    assert len(events_of(engine, "authz.denied", actor)) == 4 * len(hidden)
    assert len(events_of(engine, "purpose.refused", actor)) == 2 * len(told_of)
    read = events_of(engine, "record.read.sensitive", actor)  # with the checked reference
    assert sorted(int(i) for i, _p in read) == told_of
    assert all(p.startswith("assignment:") for _i, p in read)


# ------------------------------------------------------------------ the live stream


def drain(q: queue.Queue[dict[str, Any]], until_id: int, timeout: float = 5.0) -> set[int]:
    """Ids of the incident events received, up to the one for ``until_id``."""
    got: set[int] = set()
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            ev = q.get(timeout=max(0.01, deadline - time.time()))
        except queue.Empty:
            break
        if ev.get("kind") == "incident":
            if ev["id"] == until_id:
                return got
            got.add(ev["id"])
    raise AssertionError(f"the closing event for {until_id} never came")


def triage_all(engine: Engine, ids: list[int]) -> None:
    with Session(engine) as db, db.begin():
        for iid in ids:
            dispatch.move(Actor(db, as_agency(OWNER)), iid, "triaged")


def police_theft(engine: Engine) -> int:
    """A public police record every reader may see (its event marks the end of a stream)."""
    with Session(engine, expire_on_commit=False) as db, db.begin():
        return incidents.create(
            actor=Actor(db, as_agency("PNP")),
            data=IncidentCreate(
                source=Source.EMERGENCY_CALL,
                category=Category.THEFT,
                occurred_at=utcnow(),
                latitude=-12.05,
                longitude=-77.03,
            ),
        ).id


@pytest.mark.parametrize("shared", [False, True], ids=["unshared", "shared"])
def test_live_incident_events_reach_only_readers_who_may_see_them(
    engine: Engine, live_url: str, shared: bool
) -> None:
    ids = store_records(engine)
    closing = police_theft(engine)  # a record everyone sees: it closes each stream
    if not shared:
        unshare(engine)
    stop = threading.Event()
    streams: dict[Reader, queue.Queue[dict[str, Any]]] = {}
    try:
        for reader in READERS:
            token, _ = make_user(
                engine,
                reader.name,
                ["dispatcher"],
                agency=reader.agency,
                clearance=reader.clearance,
            )
            q: queue.Queue[dict[str, Any]] = queue.Queue()
            threading.Thread(target=listen, args=(live_url, token, q, stop), daemon=True).start()
            assert q.get(timeout=10)["status"] == 200
            streams[reader] = q
        time.sleep(0.3)  # every stream is subscribed before the first event
        triage_all(engine, [*ids.values(), closing])
        for reader, q in streams.items():
            expected = {ids[r.name] for r in RECORDS if reader.sees(r, shared)}
            assert drain(q, closing) == expected, reader
    finally:
        stop.set()


def test_a_sharing_rule_removed_while_a_stream_is_open_stops_its_events(
    engine: Engine, live_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stream read the reader's visibility once, when it opened: a sharing rule withdrawn
    (or a clearance lowered) afterwards kept delivering the other agency's incidents."""
    from kuntur.dispatch import views

    monkeypatch.setattr(views, "SESSION_RECHECK_S", 0.2)
    ids = store_records(engine)
    reader = Reader("PNP", 3)
    token, _ = make_user(engine, reader.name, ["dispatcher"], agency="PNP", clearance=3)
    q: queue.Queue[dict[str, Any]] = queue.Queue()
    stop = threading.Event()
    threading.Thread(target=listen, args=(live_url, token, q, stop), daemon=True).start()
    try:
        assert q.get(timeout=10)["status"] == 200
        time.sleep(0.3)
        first = ids["public theft"]
        triage_all(engine, [first])
        assert drain_one(q) == first  # shared: seen
        unshare(engine)
        time.sleep(1.0)  # a few re-checks
        closing = police_theft(engine)
        triage_all(engine, [ids["restricted theft"], closing])
        assert drain(q, closing) == set()
    finally:
        stop.set()


def drain_one(q: queue.Queue[dict[str, Any]]) -> int:
    deadline = time.time() + 5
    while time.time() < deadline:
        ev = q.get(timeout=max(0.01, deadline - time.time()))
        if ev.get("kind") == "incident":
            return int(ev["id"])
    raise AssertionError("no incident event")


# ------------------------------------------------------------------ forecasts


def store_many(engine: Engine, agency: str, classification: int, n: int = 60) -> None:
    with Session(engine) as db, db.begin():
        for i in range(n):
            incidents.create(
                actor=Actor(db, as_agency(agency)),
                data=IncidentCreate(
                    source=Source.POLICE_REPORT,
                    category=Category.THEFT,
                    occurred_at=utcnow() - timedelta(days=2 + i % 28),
                    latitude=-12.0464 + 0.002 * (i % 8),
                    longitude=-77.03 + 0.002 * (i % 7),
                    classification=classification,
                ),
            )


@pytest.mark.parametrize(
    ("reader", "shared"), CASES, ids=[f"{r.name}-{'shared' if s else 'unshared'}" for r, s in CASES]
)
def test_a_forecast_is_read_only_by_who_may_see_every_record_it_counts(
    engine: Engine, settings: Settings, reader: Reader, shared: bool
) -> None:
    """Forecasts were readable by every forecast reader, whoever ran them: cells, per-cell
    counts of recent events and the fairness report's victim reports per district, from
    another agency's confidential incidents, reached a clearance-0 reader of any agency."""
    store_many(engine, OWNER, classification=2)
    token, _ = make_user(engine, "analista_ep", ["crime_analyst"], agency=OWNER, clearance=2)
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as runner:
        made = runner.post("/api/forecasts", json={"method": "naive"})
        assert made.status_code == 201, made.text
        fid = made.json()["id"]
        cell = runner.get(f"/api/forecasts/{fid}/cells").json()["features"][0]["id"]
    if not shared:
        unshare(engine)
    may = reader.sees(Rec("forecast", "theft", 2), shared)
    with reader_client(engine, settings, reader) as c:
        listed = c.get("/api/forecasts").json()
        assert [f["id"] for f in listed] == ([fid] if may else [])
        for path in (
            f"/api/forecasts/{fid}",
            f"/api/forecasts/{fid}/cells",
            f"/api/forecasts/{fid}/cells/{cell}",
            f"/api/forecasts/{fid}/cells/{cell}/incidents",
            "/api/forecasts/latest",
        ):
            r = c.get(path)
            assert r.status_code == (200 if may else 404), (path, r.text)
            if not may:
                assert r.json().keys() == {"detail"}
        if may:  # the incidents behind the cell: the reader's own, by the incident rules
            behind = c.get(f"/api/forecasts/{fid}/cells/{cell}/incidents").json()
            assert len(behind["incidents"]) == min(behind["readable"], 50)
            assert behind["readable"] >= 1 and sum(behind["by_hour"]) == behind["readable"]
