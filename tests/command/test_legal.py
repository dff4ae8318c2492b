"""The legal-basis matrix: place x time x kind x agency, and what a valid decree is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import box

from kuntur.command import legal
from kuntur.command.legal import (
    Authorization,
    basis_for,
    closest,
    problems,
    refusal,
    refusal_texts,
)
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
        (INSIDE, T0 + timedelta(days=10), decree(forces_role="none"), False, "armed-forces"),
        (INSIDE, T0 + timedelta(days=10), decree(revoked=True), False, "revoked"),
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
        assert rec.excluded[0].reason.startswith("sin base legal")  # Spanish, then English
        assert " / no legal basis" in rec.excluded[0].reason
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
    # Each reason from the catalogue: in one language, or both ("es / en") without one.
    spanish = problems(**rs_rights, lang="es")  # type: ignore[arg-type]
    assert "restricted_rights: una Resolución Suprema no restringe derechos" in spanish
    english = problems(**rs_rights, lang="en")  # type: ignore[arg-type]
    assert "restricted_rights: a Resolución Suprema restricts no rights" in english
    assert problems(**rs_rights) == [  # type: ignore[arg-type]
        f"{es} / {en}" for es, en in zip(spanish, english, strict=True)
    ]
    assert legal.MAX_EMERGENCY_DAYS == 60


# --- the refusal cites the closest basis and what it lacks (hand-worked cases) -----------

OCT_2025 = decree(
    id=10,
    number="Estado de emergencia oct. 2025 (ref.)",
    area_label="Lima Metropolitana y Callao",
    starts_at=datetime(2025, 10, 27, 5, tzinfo=UTC),  # midnight in Lima (UTC-5)
    ends_at=datetime(2025, 12, 26, 5, tzinfo=UTC),
)
EXTENSION = decree(
    id=11,
    number="DS demo-2026-PCM (prórroga)",
    area_label="Lima Metropolitana y Callao",
    starts_at=datetime(2026, 11, 11, 5, tzinfo=UTC),
    ends_at=datetime(2027, 1, 10, 5, tzinfo=UTC),
)


def test_an_active_extension_is_cited_not_the_expired_decree() -> None:
    # A tasking from 5 Jan 2027 for ten days: the extension covers the place, the start and
    # armed-forces participation; only its end (10 Jan) falls short. The decree that
    # expired in December 2025 is farther off and must not be cited.
    start = datetime(2027, 1, 5, 12, tzinfo=UTC)
    end = start + timedelta(days=10)
    assert basis_for([OCT_2025, EXTENSION], *INSIDE, start, end) is None
    es, en = refusal_texts([OCT_2025, EXTENSION], *INSIDE, start, end)
    assert es == (
        "la base legal más cercana, Estado de emergencia DS demo-2026-PCM (prórroga) "
        "(Lima Metropolitana y Callao, del 2026-11-11 al 2027-01-10), no cubre el plazo "
        "(vence el 2027-01-10 00:00, antes de que termine la tarea, el 2027-01-15 07:00, "
        "hora de Lima)"
    )
    assert en == (
        "the closest legal basis, State of emergency DS demo-2026-PCM (prórroga) "
        "(Lima Metropolitana y Callao, 2026-11-11 to 2027-01-10), lacks the time "
        "(it ends before the tasking would: on 2027-01-10 00:00; the tasking ends on "
        "2027-01-15 07:00, Lima time)"
    )
    line = refusal([OCT_2025, EXTENSION], *INSIDE, start, end)
    assert line == f"{es} / {en}"  # Spanish first
    assert "oct. 2025" not in line and "expired" not in line


def test_a_number_that_names_its_kind_is_not_doubled() -> None:
    assert OCT_2025.label("es").startswith("Estado de emergencia oct. 2025 (ref.) (Lima")
    assert "Estado de emergencia Estado de emergencia" not in OCT_2025.label("es")
    assert OCT_2025.label("en").startswith("Estado de emergencia oct. 2025 (ref.) (Lima")
    assert EXTENSION.label("en").startswith("State of emergency DS demo-2026-PCM")
    only_expired = refusal([OCT_2025], *INSIDE, T0, T0 + timedelta(hours=4))
    assert "Estado de emergencia Estado de emergencia" not in only_expired
    assert "venció el 2025-12-26" in only_expired and "expired on 2025-12-26" in only_expired


def test_in_force_without_the_armed_forces_beats_expired_with_them() -> None:
    # Both lack one thing: the first, armed-forces participation; the second, time. A
    # decree in force for the place and the time is the closer: it is the one to amend.
    police_only = decree(id=2, number="DS 2-2026-PCM", forces_role="none")
    expired = decree(
        id=3,
        number="DS 3-2026-PCM",
        starts_at=T0 - timedelta(days=90),
        ends_at=T0 - timedelta(days=30),
    )
    when = T0 + timedelta(days=10)
    best = closest([expired, police_only], *INSIDE, when, when + timedelta(hours=4))
    assert best is not None and best.authorization.id == 2
    es, en = refusal_texts([expired, police_only], *INSIDE, when, when + timedelta(hours=4))
    assert "DS 2-2026-PCM" in es and "DS 3-2026-PCM" not in es
    assert es.endswith(
        "no cubre la participación de las Fuerzas Armadas (no la dispone: el "
        "orden interno queda a cargo de la Policía)"
    )
    assert en.endswith(
        "lacks armed-forces participation (it does not include the armed "
        "forces: the police keep internal order alone)"
    )


def test_a_basis_here_beats_one_elsewhere_and_every_lack_is_named() -> None:
    # Trujillo: in force, with the armed forces, but elsewhere; Lima: expired, police only.
    trujillo = decree(
        id=4, number="DS 4-2026-PCM", area=box(-79.2, -8.3, -78.9, -8.0), area_label="Trujillo"
    )
    lima_old = decree(
        id=5,
        number="DS 5-2026-PCM",
        forces_role="none",
        starts_at=T0 - timedelta(days=90),
        ends_at=T0 - timedelta(days=30),
    )
    when = T0 + timedelta(days=10)
    es, en = refusal_texts([trujillo, lima_old], *INSIDE, when, when + timedelta(hours=4))
    assert "DS 5-2026-PCM" in es and "Trujillo" not in es
    assert "el plazo (venció el " in es and "la participación de las Fuerzas Armadas" in es
    assert "the time (it expired on " in en and "armed-forces participation" in en
    # In Trujillo's neighbour, Lima's decrees cover nothing: the place is what is missing.
    far = (-78.5, -8.1)
    es, en = refusal_texts([lima_old], *far, when, when + timedelta(hours=4))
    assert es.startswith("ningún estado de emergencia ni Resolución Suprema cubre este lugar: ")
    assert "el lugar (el punto queda fuera de su área: Lima)" in es
    assert en.startswith("no state of emergency or Resolución Suprema covers this place: ")


def test_among_terms_that_miss_the_nearest_is_cited() -> None:
    ended_long_ago = decree(
        id=6, number="DS 6", starts_at=T0 - timedelta(days=200), ends_at=T0 - timedelta(days=150)
    )
    starts_soon = decree(
        id=7, number="DS 7", starts_at=T0 + timedelta(days=2), ends_at=T0 + timedelta(days=40)
    )
    best = closest([ended_long_ago, starts_soon], *INSIDE, T0, T0 + timedelta(hours=4))
    assert best is not None and best.authorization.id == 7
    assert "rige recién desde el " in refusal(
        [ended_long_ago, starts_soon], *INSIDE, T0, T0 + timedelta(hours=4)
    )
    # A revoked decree is farther than one that merely expired yesterday.
    revoked = decree(id=8, number="DS 8", revoked=True)
    yesterday = decree(
        id=9, number="DS 9", starts_at=T0 - timedelta(days=60), ends_at=T0 - timedelta(days=1)
    )
    best = closest([revoked, yesterday], *INSIDE, T0, T0 + timedelta(hours=4))
    assert best is not None and best.authorization.id == 9
