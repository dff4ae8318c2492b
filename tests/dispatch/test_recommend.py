"""Recommendation ranking against travel times computed by hand on a small road graph."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from kuntur.dispatch.recommend import UnitView, recommend
from kuntur.dispatch.routing import CIRCUITY, RoadGraph, haversine_m, straight_line_seconds

NOW = datetime(2026, 11, 26, tzinfo=UTC)
# Four nodes on a line of longitude, about 111 m apart; A -> B -> C -> D one way (60 s each)
# and a slow direct road D -> A (30 s) the other way.
LON = np.array([-77.0000, -77.0010, -77.0020, -77.0030])
LAT = np.array([-12.05, -12.05, -12.05, -12.05])
EDGES = {(0, 1): 60.0, (1, 2): 60.0, (2, 3): 60.0, (3, 0): 30.0}


def graph() -> RoadGraph:
    u, v = zip(*EDGES, strict=True)
    m = csr_matrix((list(EDGES.values()), (list(u), list(v))), shape=(4, 4))
    return RoadGraph(LON, LAT, m, "EPSG:32718", max_snap_m=50.0)


def unit(uid: int, node: int, **kw: object) -> UnitView:
    base: dict[str, object] = dict(
        id=uid,
        call_sign=f"U{uid}",
        agency="PNP",
        military=False,
        unit_type="patrol_car",
        capabilities=frozenset(),
        status="available",
        lon=float(LON[node]),
        lat=float(LAT[node]),
    )
    base.update(kw)
    return UnitView(**base)  # type: ignore[arg-type]


def test_ranking_follows_road_times_not_distance() -> None:
    # Incident at node A (0). From B (1): B->C->D->A = 60 + 60 + 30 = 150 s, though B is
    # the nearest in a straight line. From D (3): D->A = 30 s. From C (2): C->D->A = 90 s.
    rec = recommend(
        lon=float(LON[0]),
        lat=float(LAT[0]),
        category="theft",
        priority=3,
        units=[unit(1, 1), unit(2, 2), unit(3, 3)],
        authorizations=[],
        now=NOW,
        roads=graph(),
    )
    assert [r.unit.call_sign for r in rec.ranked] == ["U3", "U2", "U1"]
    assert [round(r.eta_seconds, 6) for r in rec.ranked] == [30.0, 90.0, 150.0]
    assert all(r.by_road for r in rec.ranked)
    assert "por carretera" in rec.ranked[0].reasons[0]


def test_motorcycles_are_faster_on_the_same_road() -> None:
    rec = recommend(
        lon=float(LON[0]),
        lat=float(LAT[0]),
        category="theft",
        priority=3,
        units=[unit(1, 3, unit_type="motorcycle")],
        authorizations=[],
        now=NOW,
        roads=graph(),
    )
    assert rec.ranked[0].eta_seconds == pytest.approx(30.0 / 1.15)


def test_straight_line_fallback_by_hand() -> None:
    far = unit(1, 0, lon=-77.02, lat=-12.06)  # off the graph: beyond 50 m of any node
    rec = recommend(
        lon=-77.0,
        lat=-12.05,
        category="theft",
        priority=3,
        units=[far],
        authorizations=[],
        now=NOW,
        roads=graph(),
    )
    d = float(haversine_m(np.array([-77.02]), np.array([-12.06]), -77.0, -12.05)[0])
    assert rec.ranked[0].eta_seconds == pytest.approx(d * CIRCUITY / (30 / 3.6))
    assert not rec.ranked[0].by_road
    assert straight_line_seconds(np.array([1000.0]), np.array(["foot_patrol"]))[0] == (
        pytest.approx(1000 * CIRCUITY / (5 / 3.6))
    )


def test_eligibility_reasons() -> None:
    units = [
        unit(1, 3, status="on_scene"),
        unit(2, 2, lon=None, lat=None),
        unit(3, 1),  # no hostage capability
        unit(4, 2, capabilities=frozenset({"hostage", "firearms"})),
    ]
    rec = recommend(
        lon=float(LON[0]),
        lat=float(LAT[0]),
        category="kidnapping",
        priority=1,
        units=units,
        authorizations=[],
        now=NOW,
        roads=graph(),
    )
    assert [r.unit.call_sign for r in rec.ranked] == ["U4"]
    reasons = {e.unit.call_sign: e.reason for e in rec.excluded}
    assert reasons == {  # Spanish first, then English, from the catalogue
        "U1": "estado: En el lugar / status: On scene",
        "U2": "sin posición conocida / no known position",
        "U3": "no tiene capacidad: rescate de rehenes / lacks: hostage rescue",
    }
    assert rec.needs == {"hostage"}


def test_extortion_in_progress_needs_the_specialised_unit() -> None:
    plain = unit(1, 3)
    rec = recommend(
        lon=float(LON[0]),
        lat=float(LAT[0]),
        category="extortion",
        priority=1,
        units=[plain],
        authorizations=[],
        now=NOW,
    )
    assert not rec.ranked and rec.excluded[0].reason == (
        "no tiene capacidad: antiextorsión / lacks: anti-extortion"
    )
    later = recommend(
        lon=float(LON[0]),
        lat=float(LAT[0]),
        category="extortion",
        priority=3,
        units=[plain],
        authorizations=[],
        now=NOW,
    )
    assert later.ranked  # a report of past extortion: any unit takes the report


def test_graph_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    g = graph()
    g.save(tmp_path / "g.npz")
    again = RoadGraph.load(tmp_path / "g.npz")
    assert again.seconds.nnz == 4 and again.n_nodes == 4
