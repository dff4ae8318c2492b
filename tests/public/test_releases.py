"""Releases on the store: the noise over a month's cells has the published spread around
the known true counts, the ledger adds up, a release past the year's budget or inside the
holdback is refused with nothing written, a month is released once, and the public API
serves what was released (and nothing else) to anyone."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.core.context import RequestContext
from kuntur.identity.actor import Actor
from kuntur.public import privacy, service
from kuntur.public.models import PrivacyBudget, StatCell, StatRelease
from tests.public.helpers import month_start, period, put_incidents

NOW = datetime(2026, 10, 20, 15, tzinfo=UTC)  # September 2026 is releasable, October is not
SEPT = datetime(2026, 9, 15, 17, tzinfo=UTC)
Z = 4.5


def known_counts() -> dict[tuple[str, str], int]:
    """A different true count in every cell of the histogram (0 to 12)."""
    cells = [(d, c) for d, _n in service.districts() for c in service.CATEGORIES]
    return {cell: (i * 7) % 13 for i, cell in enumerate(cells)}


def release(engine: Engine, p: str, eps: float, now: datetime = NOW, **policy: object) -> int:
    with Session(engine) as db, db.begin():
        actor = Actor(db, RequestContext.system("test"))
        made = service.make_release(
            actor, period=p, epsilon=eps, policy=service.Policy(**policy), now=now
        )  # type: ignore[arg-type]
        return made.id


def stored(engine: Engine) -> tuple[int, int, int, int]:
    with Session(engine) as db:
        return (
            db.scalar(select(func.count()).select_from(StatRelease)) or 0,
            db.scalar(select(func.count()).select_from(StatCell)) or 0,
            db.scalar(select(func.count()).select_from(PrivacyBudget)) or 0,
            db.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def test_the_noise_over_a_months_cells_matches_the_published_scale(engine: Engine) -> None:
    truth = known_counts()
    put_incidents(engine, truth, SEPT)
    # Outside September: the day before it, and the last days before "now" (never released).
    put_incidents(engine, dict.fromkeys(list(truth)[:40], 5), datetime(2026, 9, 1, 4, tzinfo=UTC))
    put_incidents(engine, dict.fromkeys(list(truth)[:40], 5), NOW - timedelta(days=2))
    # Another agency's restricted records count too: the release is about every incident.
    put_incidents(engine, {("150101", "theft"): 3}, SEPT, owner="EP", classification=2)
    truth[("150101", "theft")] += 3
    rid = release(engine, "2026-09", 0.5)
    with Session(engine) as db:
        r = db.get(StatRelease, rid)
        assert r is not None
        cells = service.cells_of(db, r)
    assert len(cells) == len(truth) == r.cells
    errors = [c.noisy_count - truth[(c.district_ubigeo, c.category)] for c in cells]
    n = len(errors)
    scale = r.scale
    assert scale == 2.0 and r.mechanism == "discrete_laplace" and r.sensitivity == 1
    mae, var = privacy.mean_abs_noise(scale), privacy.noise_variance(scale)
    se_mae = math.sqrt((var - mae**2) / n)
    assert abs(sum(abs(e) for e in errors) / n - mae) < Z * se_mae
    assert abs(sum(errors) / n) < Z * math.sqrt(var / n)
    assert r.ci95 == privacy.interval_halfwidth(scale)
    covered = sum(abs(e) <= r.ci95 for e in errors) / n
    assert covered >= 0.95 - Z * math.sqrt(0.05 * 0.95 / n)
    # Had the incidents outside September been counted, the errors would be +5 in 40 cells.
    assert sum(errors[:40]) / 40 < 5 - Z * math.sqrt(var / 40)


def test_the_ledger_adds_up_and_a_release_past_the_budget_is_refused(
    engine: Engine, anonymous_client: TestClient
) -> None:
    put_incidents(engine, {("150101", "theft"): 4}, datetime(2026, 5, 10, tzinfo=UTC))
    for p, eps in (("2026-05", 0.5), ("2026-06", 1.25), ("2026-07", 1.75)):
        release(engine, p, eps)
    ledger = anonymous_client.get("/api/public/ledger").json()
    assert [e["cumulative"] for e in ledger["releases"]] == [0.5, 1.75, 3.5]
    assert ledger["years"] == [{"year": 2026, "budget": 4.0, "spent": 3.5, "left": 0.5}]
    assert sum(e["epsilon"] for e in ledger["releases"]) == ledger["years"][0]["spent"]
    before = stored(engine)
    with pytest.raises(privacy.ReleaseRefused, match=r"quedan ε = 0\.5 de 4"):
        release(engine, "2026-08", 0.75)
    assert stored(engine) == before  # nothing written, nothing on record
    # The rest of the budget is still there, exactly; and another year has its own.
    release(engine, "2026-08", 0.5)
    release(engine, "2025-12", 4.0)
    ledger = anonymous_client.get("/api/public/ledger").json()
    assert {y["year"]: y["left"] for y in ledger["years"]} == {2025: 0.0, 2026: 0.0}
    with pytest.raises(privacy.ReleaseRefused, match="presupuesto de privacidad agotado"):
        release(engine, "2026-09", 0.01)
    # The budget is a setting: a larger one lets the same release through.
    release(engine, "2026-09", 0.01, epsilon_year=5.0)


def test_a_month_not_over_plus_the_holdback_is_refused(engine: Engine) -> None:
    put_incidents(engine, {("150101", "theft"): 4}, datetime(2026, 10, 2, tzinfo=UTC))
    before = stored(engine)
    for p, now in (
        ("2026-10", NOW),  # the current month
        ("2026-09", datetime(2026, 10, 5, tzinfo=UTC)),  # over three days ago
        ("2026-11", NOW),  # the future
    ):
        with pytest.raises(privacy.ReleaseRefused, match="aún no puede publicarse"):
            release(engine, p, 0.5, now=now)
    assert stored(engine) == before


def test_a_month_is_released_once_and_served_again_for_free(
    engine: Engine, anonymous_client: TestClient
) -> None:
    put_incidents(engine, {("150101", "theft"): 9, ("070101", "extortion"): 2}, SEPT)
    release(engine, "2026-09", 1.0)
    first = anonymous_client.get("/api/public/statistics?period=2026-09").json()
    with pytest.raises(privacy.ReleaseRefused, match="ya se publicó"):
        release(engine, "2026-09", 1.0)
    again = anonymous_client.get("/api/public/statistics?period=2026-09").json()
    assert first == again  # the same noisy values, no new noise
    assert anonymous_client.get("/api/public/ledger").json()["years"][0]["spent"] == 1.0


def test_the_public_api_serves_the_release_to_anyone(
    engine: Engine, anonymous_client: TestClient
) -> None:
    put_incidents(engine, {("150101", "theft"): 30}, SEPT)
    rid = release(engine, "2026-09", 1.0)
    body = anonymous_client.get("/api/public/statistics").json()
    (r,) = body["releases"]
    assert r["id"] == rid and r["period"] == "2026-09"
    assert r["epsilon"] == 1.0 and r["scale"] == 1.0 and r["ci95"] == 3 and r["min_count"] == 5
    assert r["left"] == 3.0 and r["holdback_days"] == 7
    cell = next(c for c in r["cells"] if (c["district"], c["category"]) == ("150101", "theft"))
    assert abs(cell["noisy_count"] - 30) <= 15  # 15 scales: one in 3 million
    for c in r["cells"]:
        assert c["shown"] == ("<5" if c["noisy_count"] < 5 else c["noisy_count"])
    assert set(r["cells"][0]) == {"district", "district_name", "category", "noisy_count", "shown"}
    totals = {d["district"]: d["noisy_total"] for d in r["districts"]}
    assert totals["150101"] == sum(
        c["noisy_count"] for c in r["cells"] if c["district"] == "150101"
    )
    # The CSV: every cell, with its release's epsilon, scale and interval.
    got = anonymous_client.get("/api/public/statistics.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert len(rows) == len(r["cells"])
    assert tuple(rows[0]) == service.CSV_COLUMNS
    assert {row["epsilon"] for row in rows} == {"1.0"}
    # The audit event says what was spent, never a true count.
    with Session(engine) as db:
        (event,) = db.scalars(select(AuditEvent).where(AuditEvent.type == "public.release"))
    details = json.loads(event.details)
    assert details == {"period": "2026-09", "epsilon": 1.0, "scale": 1.0, "spent": 1.0, "left": 3.0}


def test_releases_through_the_api_need_their_permission(
    engine: Engine,
    anonymous_client: TestClient,
    commander: TestClient,
    dispatcher: TestClient,
) -> None:
    body = {"period": period(2), "epsilon": 0.5}
    assert anonymous_client.post("/api/public/releases", json=body).status_code == 401
    assert dispatcher.post("/api/public/releases", json=body).status_code == 403
    made = commander.post("/api/public/releases", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["created_by"] == "user:comandante_pub"
    again = commander.post("/api/public/releases", json=body)
    assert again.status_code == 422 and "ya se publicó" in again.text
    late = commander.post("/api/public/releases", json={"period": period(0), "epsilon": 0.5})
    assert late.status_code == 422 and "aún no puede publicarse" in late.text
    bad = commander.post("/api/public/releases", json={"period": period(3), "epsilon": -1})
    assert bad.status_code == 422 and "épsilon no válido" in bad.text


def test_results_are_aggregates_with_small_groups_withheld(
    engine: Engine, anonymous_client: TestClient
) -> None:
    at = month_start(2) + timedelta(days=3)
    put_incidents(engine, {("150101", "theft"): 12}, at, response_s=(40, 300))
    put_incidents(engine, {("150103", "theft"): 3}, at, response_s=(40, 300))  # too few
    put_incidents(engine, {("150105", "theft"): 20}, datetime.now(UTC), response_s=(40, 300))
    body = anonymous_client.get("/api/public/results").json()
    assert body["min_n"] == 10
    (row,) = body["response_times"]
    assert (row["district"], row["month"]) == ("150101", period(2))
    assert 40 <= row["call_to_dispatch"]["p50_s"] <= 45
    assert row["dispatch_to_arrival"]["p50_s"] == 300.0
    assert row["dispatch_to_arrival"]["within_target"] == 1.0
    assert '"n"' not in json.dumps(body)  # no group says how many it has


def test_results_are_kept_until_an_incident_is_added(
    engine: Engine, anonymous_client: TestClient
) -> None:
    """Anyone may ask for the results without a login: each process keeps them while the
    incidents and forecasts stay the same, and computes them again once one is added."""
    at = month_start(2) + timedelta(days=3)
    put_incidents(engine, {("150101", "theft"): 12}, at, response_s=(40, 300))
    service.RESULTS_CACHE.hits = service.RESULTS_CACHE.misses = 0
    first = anonymous_client.get("/api/public/results").json()
    assert anonymous_client.get("/api/public/results").json() == first
    assert (service.RESULTS_CACHE.misses, service.RESULTS_CACHE.hits) == (1, 1)
    put_incidents(engine, {("150103", "theft"): 12}, at, response_s=(40, 300))
    after = anonymous_client.get("/api/public/results").json()
    assert service.RESULTS_CACHE.misses == 2
    assert {r["district"] for r in after["response_times"]} == {"150101", "150103"}
