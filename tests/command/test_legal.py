"""The legal-basis matrix: place x time x kind x agency, and what a valid decree is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import box

from kuntur.command import legal
from kuntur.command.legal import Authorization, basis_for, problems, refusal
from kuntur.dispatch.recommend import UnitView, recommend

T0 = datetime(2026, 11, 1, tzinfo=UTC)
LIMA = box(-77.2, -12.3, -76.8, -11.8)
INSIDE = (-77.03, -12.05)
OUTSIDE = (-79.03, -8.11)  # Trujillo


def decree(**kw: object) -> Authorization:
    base: dict[str, object] = dict(
        id=1,
        kind="state_of_emergency",
        number="DS 1-2026-PCM",
        area=LIMA,
        area_label="Lima",
        starts_at=T0,
        ends_at=T0 + timedelta(days=60),
        forces_role="support",
        restricted_rights=frozenset({"movement"}),
        purpose=None,
    )
    base.update(kw)
    return Authorization(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("where", "when", "auth", "covered", "why"),
    [
        (INSIDE, T0 + timedelta(days=10), decree(), True, None),
        (OUTSIDE, T0 + timedelta(days=10), decree(), False, "no state of emergency"),
        (INSIDE, T0 - timedelta(days=1), decree(), False, "starts only"),
        (INSIDE, T0 + timedelta(days=61), decree(), False, "expired"),
        (INSIDE, T0 + timedelta(days=59, hours=22), decree(), False, "ends before"),
        (INSIDE, T0 + timedelta(days=10), decree(forces_role="none"), False, "do not include"),
        (INSIDE, T0 + timedelta(days=10), decree(revoked=True), False, "do not include"),
        (
            INSIDE,
            T0 + timedelta(days=10),
            decree(
                kind="resolucion_suprema",
                restricted_rights=frozenset(),
                purpose="police_capacity_exceeded",
            ),
            True,
            None,
        ),
    ],
)
def test_basis_matrix(
    where: tuple[float, float], when: datetime, auth: Authorization, covered: bool, why: str | None
) -> None:
    end = when + timedelta(hours=4)
    got = basis_for([auth], where[0], where[1], when, end)
    assert (got is not None) == covered
    if why:
        assert why in refusal([auth], where[0], where[1], when, end)


def test_no_basis_at_all() -> None:
    assert basis_for([], *INSIDE, T0, T0 + timedelta(hours=1)) is None
    assert "no state of emergency" in refusal([], *INSIDE, T0, T0 + timedelta(hours=1))


def unit(uid: int, military: bool) -> UnitView:
    return UnitView(
        uid,
        f"U{uid}",
        "EP" if military else "PNP",
        military,
        "patrol_car",
        frozenset(),
        "available",
        INSIDE[0] + 0.001 * uid,
        INSIDE[1],
    )


@pytest.mark.parametrize("military", [False, True])
@pytest.mark.parametrize("with_basis", [False, True])
def test_police_always_military_only_with_basis(military: bool, with_basis: bool) -> None:
    rec = recommend(
        lon=INSIDE[0],
        lat=INSIDE[1],
        category="homicide",
        priority=1,
        units=[unit(1, military)],
        authorizations=[decree()] if with_basis else [],
        now=T0 + timedelta(days=5),
    )
    eligible = not military or with_basis
    assert bool(rec.ranked) == eligible
    if not eligible:
        assert rec.excluded[0].reason.startswith("no legal basis")
    if military and with_basis:
        assert rec.ranked[0].legal_basis_id == 1
        assert any("base legal" in r for r in rec.ranked[0].reasons)


def test_invalid_authorizations_are_refused_with_reasons() -> None:
    ok = dict(
        kind="state_of_emergency",
        number="DS 1",
        area=LIMA,
        starts_at=T0,
        ends_at=T0 + timedelta(days=60),
        forces_role="support",
        restricted_rights={"movement", "assembly"},
        purpose=None,
    )
    assert problems(**ok) == []  # type: ignore[arg-type]
    too_long = problems(**{**ok, "ends_at": T0 + timedelta(days=61)})  # type: ignore[arg-type]
    assert any("60 days" in p for p in too_long)
    rights = problems(**{**ok, "restricted_rights": {"vote", "movement"}})  # type: ignore[arg-type]
    assert any("vote" in p for p in rights)
    backwards = problems(**{**ok, "ends_at": T0})  # type: ignore[arg-type]
    assert any("after starts_at" in p for p in backwards)
    no_area = problems(**{**ok, "area": None})  # type: ignore[arg-type]
    assert any("area" in p for p in no_area)
    rs = dict(ok, kind="resolucion_suprema", restricted_rights=set(), purpose="parades")
    assert any("DL 1095" in p for p in problems(**rs))  # type: ignore[arg-type]
    rs_rights = dict(rs, purpose="terrorism", restricted_rights={"movement"})
    assert any("restricts no rights" in p for p in problems(**rs_rights))  # type: ignore[arg-type]
    assert legal.MAX_EMERGENCY_DAYS == 60
