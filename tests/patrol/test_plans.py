"""Patrol plans (issue 15): built from a small seeded world, coverage recomputed here by
brute force; armed-forces posts only where a legal basis covers post and shift; approval
into orders (one per post) and the audit; the hot-spot schedules; the feedback loop; the
command line's JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.models import AuditEvent
from kuntur.cli import app as cli_app
from kuntur.command import service as command
from kuntur.command.models import Order
from kuntur.command.units import TYPE_SPEED_KMH
from kuntur.config import Settings
from kuntur.core.errors import Forbidden, InvalidInput
from kuntur.identity.actor import Actor
from kuntur.identity.models import User
from kuntur.patrol import planning, service
from kuntur.patrol.models import PatrolPost
from tests.conftest import make_user
from tests.patrol import world as W
from tests.patrol.helpers import haversine


def _actor(db: Session) -> Actor:
    return Actor(db, W.SYSTEM)


def _client(engine: Engine, settings: Settings, name: str, roles: list[str], node: int):
    token, _ = make_user(engine, name, roles)
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.username == name).values(unit_id=node))
    return TestClient(create_app(settings, engine), headers={"Authorization": f"Bearer {token}"})


def _build(engine: Engine, **kw):  # type: ignore[no-untyped-def]
    s, e = W.shift()
    with Session(engine, expire_on_commit=False) as db, db.begin():
        a = _actor(db)
        plan = service.build_plan(a, starts_at=s, ends_at=e, **kw)
        return service.plan_out(a, plan)


def test_a_plan_covers_what_its_posts_reach(engine: Engine) -> None:
    w = W.build(engine)
    out = _build(engine, reach_minutes=2.0)
    share = 8 / 24 / 7  # the shift's part of the seven-day horizon
    demand = [(lon, lat, risk * share) for _c, lon, lat, risk, _d in w.cells]
    assert out["total"] == pytest.approx(sum(r for *_x, r in demand))
    covered = set()
    for p in out["posts"]:
        mine = {
            i
            for i, (lon, lat, _r) in enumerate(demand)
            if haversine(lat, lon, p["lat"], p["lon"]) <= p["reach_m"]
        }
        assert p["covered_risk"] == pytest.approx(sum(demand[i][2] for i in mine))
        covered |= mine
    assert out["objective"] == pytest.approx(sum(demand[i][2] for i in covered))
    uncovered = set(range(len(demand))) - covered
    assert out["uncovered_risk"] == pytest.approx(sum(demand[i][2] for i in uncovered))
    assert {c["cell"] for c in out["uncovered"]} == {w.cells[i][0] for i in uncovered}
    assert out["bound"] >= out["objective"] - 1e-9 and 0 <= out["gap"] <= 1
    # Where the units are now, with the same reach: recomputed the same way.
    now = set()
    with Session(engine) as db:
        for u in command.list_units(_actor(db)):
            reach = TYPE_SPEED_KMH[u.unit_type] * 1000 / 60 * 2.0  # km/h for two minutes
            now |= {
                i
                for i, (lon, lat, _r) in enumerate(demand)
                if haversine(lat, lon, u.home_lat, u.home_lon) <= reach
            }
    assert out["current"]["covered"] == pytest.approx(sum(demand[i][2] for i in now))
    assert out["objective"] >= out["current"]["covered"] - 1e-9
    # No busy history: the expected coverage is the coverage itself.
    assert out["expected"] == pytest.approx(out["objective"])
    # Every post's unit is a distinct unit; nobody is both posted and in reserve.
    posted = [p["unit_id"] for p in out["posts"]]
    assert len(posted) == len(set(posted))
    assert not set(posted) & {r["unit_id"] for r in out["reserve"]}


def test_an_armed_forces_post_names_its_basis_and_lies_inside_it(engine: Engine) -> None:
    W.build(engine)
    out = _build(engine, reach_minutes=2.0)
    military = [p for p in out["posts"] if p["military"]]
    assert military, out["reserve"]
    for p in military:
        assert p["legal_basis"] is not None and p["legal_basis"]["number"] == "DS 9-2026-PCM"
        assert p["kind"] == "deploy"


def test_no_armed_forces_post_outside_any_basis(engine: Engine) -> None:
    """The platoon based in Miraflores, where no decree reaches, and the emergency's area
    then revoked: it is never posted, and the plan says why (Spanish first)."""
    w = W.build(engine, army_home=(-77.0510, -12.0910))
    with Session(engine) as db, db.begin():
        command.revoke_authorization(_actor(db), w.emergency)
    out = _build(engine, reach_minutes=2.0)
    assert not [p for p in out["posts"] if p["military"]]
    (kept,) = [r for r in out["reserve"] if r["call_sign"] == "EP-PEL-1"]
    assert kept["why"] == "no_legal_site"
    assert (
        kept["reason"]["es"].startswith("ningún estado de emergencia")
        or "revocada" in (kept["reason"]["es"])
    )


def test_approval_refused_when_the_basis_lapsed(engine: Engine) -> None:
    w = W.build(engine)
    out = _build(engine, reach_minutes=2.0)
    assert [p for p in out["posts"] if p["military"]]
    with Session(engine) as db, db.begin():
        command.revoke_authorization(_actor(db), w.emergency)
    with Session(engine) as db, db.begin(), pytest.raises(Forbidden) as exc:
        service.approve_plan(_actor(db), out["id"])
    said = str(exc.value)
    assert said.startswith(f"El plan {out['id']} no puede aprobarse: EP-PEL-1")
    assert "revocada" in said and " / Plan " in said
    with Session(engine) as db:
        assert db.scalar(select(Order.id).limit(1)) is None
        refused = db.scalars(
            select(AuditEvent).where(AuditEvent.type == "patrol.plan.refused")
        ).all()
        assert len(refused) == 1


def test_approval_makes_one_order_per_post_and_is_audited(
    engine: Engine, settings: Settings
) -> None:
    w = W.build(engine)
    out = _build(engine, reach_minutes=2.0)
    with _client(engine, settings, "desp", ["dispatcher"], w.front) as desk:
        assert desk.get("/api/patrol/plans/latest").json()["plan"]["id"] == out["id"]
        refused = desk.post(f"/api/patrol/plans/{out['id']}/approve")
        assert refused.status_code == 403
    with _client(engine, settings, "cmdte", ["commander"], w.joint) as boss:
        ok = boss.post(f"/api/patrol/plans/{out['id']}/approve")
        assert ok.status_code == 200, ok.text
        plan = ok.json()
        assert plan["status"] == "approved"
        again = boss.post(f"/api/patrol/plans/{out['id']}/approve")
        assert again.status_code in (400, 422)
    with Session(engine) as db:
        orders = db.scalars(select(Order).order_by(Order.id)).all()
        assert len(orders) == len(out["posts"])
        by_unit = {o.target_unit_id: o for o in orders}
        for p in plan["posts"]:
            o = by_unit[p["unit_id"]]
            assert p["order_id"] == o.id and o.issuer_node_id == out["node_id"]
            assert (o.lon, o.lat) == (p["lon"], p["lat"])
            assert o.kind == p["kind"] and o.status == "issued"
            assert o.legal_basis_id == (p["legal_basis"]["id"] if p["legal_basis"] else None)
        events = [e.type for e in db.scalars(select(AuditEvent))]
        assert events.count("order.issued") == len(orders)
        assert "patrol.plan.approved" in events and "patrol.plan.built" in events


def test_plans_leave_out_what_patrols_discover_unless_asked(engine: Engine) -> None:
    W.build(engine, exclude_discovered=False)
    with pytest.raises(InvalidInput, match="descubre el propio patrullaje"):
        _build(engine)
    out = _build(engine, include_discovered=True)
    assert out["include_discovered"] and not out["forecast"]["exclude_discovered"]


def test_hot_spot_visits_are_short_unpredictable_and_come_back_within_two_hours(
    engine: Engine,
) -> None:
    W.build(engine)
    out = _build(engine, reach_minutes=2.0)
    patrols = [p for p in out["posts"] if p["kind"] == "patrol" and p["stops"]]
    assert patrols
    with Session(engine) as db:
        for p in patrols:
            post = db.scalar(select(PatrolPost).where(PatrolPost.id == p["id"]))
            assert post is not None
            stops = json.loads(post.schedule)
            last: dict[int, datetime] = {}
            start = datetime.fromisoformat(out["starts_at"])
            for s in stops:
                arrive, leave = (datetime.fromisoformat(s[k]) for k in ("arrive", "leave"))
                assert timedelta(minutes=10) <= leave - arrive <= timedelta(minutes=15)
                assert haversine(s["lat"], s["lon"], p["lat"], p["lon"]) <= p["reach_m"]
                assert arrive - last.get(s["cell"], start) <= timedelta(hours=2)
                last[s["cell"]] = leave
            assert leave <= datetime.fromisoformat(out["ends_at"])
    # Seeded: the same plan and unit give the same order; another seed another one.
    spots = [(-77.03, -12.046), (-77.028, -12.044), (-77.036, -12.050), (-77.027, -12.040)]
    s, e = W.shift()
    one = planning.visit_schedule((-77.031, -12.045), spots, 30, s, e, seed=1)[1]
    same = planning.visit_schedule((-77.031, -12.045), spots, 30, s, e, seed=1)[1]
    other = planning.visit_schedule((-77.031, -12.045), spots, 30, s, e, seed=2)[1]
    assert [x.spot for x in one] == [x.spot for x in same]
    assert [x.spot for x in one] != [x.spot for x in other]
    rounds = {tuple(x.spot for x in one[i : i + 4]) for i in range(0, 16, 4)}
    assert len(rounds) > 1  # the order changes from round to round


def test_busy_fraction_is_time_assigned_over_time_on_shift() -> None:
    t0 = datetime(2026, 11, 1, tzinfo=W.utcnow().tzinfo)
    day = timedelta(days=1)
    spans = [(t0 + timedelta(hours=1), t0 + timedelta(hours=3)), (t0 - day, t0 + day / 4)]
    # 2 h + 6 h (clipped at the window's start) over 2 units x 24 h.
    assert planning.busy_fraction(spans, 2, t0, t0 + day) == pytest.approx(8 / 48)
    open_one = [(t0, None)]
    assert planning.busy_fraction(open_one, 1, t0, t0 + day, now=t0 + day / 2) == 0.5


def test_the_planning_loop_does_not_run_away_on_its_own_discoveries() -> None:
    """Ensign et al.'s urn: fed what its patrols find, the plan sends nearly every patrol
    to the district that started ahead; fed only what victims report (discoveries left
    out, as plans are by default), it sends them in proportion to the true rates."""
    rates = [0.6, 0.4]
    for seed in (1, 2, 3):
        naive = planning.feedback_loop(rates, days=3000, include_discovered=True, seed=seed)
        fair = planning.feedback_loop(rates, days=3000, include_discovered=False, seed=seed)
        assert naive.max() > 0.8
        assert abs(fair[0] - 0.6) < 0.05 and abs(fair[1] - 0.4) < 0.05


def test_cli_plan_json_contract(engine: Engine, cli_env: Settings) -> None:
    from typer.testing import CliRunner

    W.build(engine)
    s, e = W.shift()
    lima = timedelta(hours=-5)
    args = [
        "patrol",
        "plan",
        "--start",
        s.astimezone(__import__("datetime").timezone(lima)).isoformat(),
        "--end",
        e.isoformat(),
        "--region",
        "1501",
        "--reach-min",
        "2",
        "--json",
    ]
    got = CliRunner().invoke(cli_app, args)
    assert got.exit_code == 0, got.output
    out = json.loads(got.stdout)
    assert {
        "plan_id",
        "posts",
        "total",
        "uncovered",
        "current",
        "bound",
        "gap",
        "legal_bases",
        "expected",
    } <= set(out)
    assert {"unit", "site", "covered_risk", "lon", "lat", "legal_basis"} <= set(out["posts"][0])
    assert {"risk", "cells", "top", "by_district"} <= set(out["uncovered"])
    assert {"covered", "expected"} <= set(out["current"])
    for b in out["legal_bases"]:
        assert {"unit", "id", "number", "label_es"} <= set(b)
    bad = CliRunner().invoke(
        cli_app, ["patrol", "plan", "--start", "2026-12-01T20:00", "--end", "x"]
    )
    assert bad.exit_code == 2 and "desfase" in bad.output


def test_an_approval_that_read_a_stale_draft_issues_nothing(engine: Engine) -> None:
    """Two commanders approving at once: the second read the plan as a draft before the
    first committed. It must be refused without issuing a second set of orders."""
    W.build(engine)
    out = _build(engine, reach_minutes=2.0)
    with Session(engine) as late:
        stale = late.get(service.PatrolPlan, out["id"])
        assert stale is not None and stale.status == "draft"  # read before the other commits
        with Session(engine) as first, first.begin():
            service.approve_plan(_actor(first), out["id"])
        with pytest.raises(InvalidInput), late.begin_nested():
            service.approve_plan(_actor(late), out["id"])
        late.rollback()
    with Session(engine) as db:
        assert len(db.scalars(select(Order)).all()) == len(out["posts"])  # one set only
