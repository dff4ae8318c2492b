"""Public API (no login): the released statistics (JSON and CSV), the privacy ledger, the
results (response times, forecast hit rates), the alerts (JSON, CAP 1.2, Atom); and the
acts that need a permission: making a release, issuing and cancelling an alert. The public
page itself (``/estadisticas``) is served here too, with its own plain layout: it shows
nothing that the public API does not."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kuntur.core.errors import InvalidInput
from kuntur.core.web import MAX_ID, SessionDep, UnitOfWorkRoute
from kuntur.identity.web import ActorDep
from kuntur.public import cap, privacy, service
from kuntur.public.schemas import AlertIn, AlertOut, Ledger, ReleaseOut, Results, Statistics

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/public", tags=["public"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Period = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")]
# Public answers may be cached a little by anyone in between: they change only when a
# release or an alert is made.
CACHE = {"Cache-Control": "public, max-age=60"}


def _policy(request: Request) -> service.Policy:
    return service.Policy.of(request.app.state.settings)


@router.get("/statistics", response_model=Statistics)
def statistics(db: SessionDep, response: Response, period: Period = None) -> dict[str, Any]:
    """Every published release (or one ``period``) with its noisy counts by district and
    category. Serving them again spends no privacy budget."""
    response.headers.update(CACHE)
    return {
        "releases": [
            service.release_out(r, service.cells_of(db, r)) for r in service.releases(db, period)
        ]
    }


@router.get(
    "/statistics.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "every published cell"}},
)
def statistics_csv(db: SessionDep) -> Response:
    return Response(
        service.statistics_csv(db),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kuntur-estadisticas.csv"', **CACHE},
    )


@router.get("/ledger", response_model=Ledger)
def ledger(request: Request, db: SessionDep, response: Response) -> dict[str, Any]:
    """The release ledger: each release's epsilon and the year's cumulative spend."""
    response.headers.update(CACHE)
    return service.ledger(db, _policy(request))


@router.get("/results", response_model=Results)
def results(request: Request, db: SessionDep, response: Response) -> dict[str, Any]:
    """Response times and forecast hit rates by district and month (aggregates of at least
    the policy's minimum number of measurements; no counts)."""
    response.headers.update(CACHE)
    return service.results(db, _policy(request))


class ReleaseIn(BaseModel):
    period: str = Field(max_length=20, description="YYYY-MM")
    epsilon: float = Field(description="> 0; the year's budget must cover it")


@router.post("/releases", response_model=ReleaseOut, status_code=status.HTTP_201_CREATED)
def make_release(data: ReleaseIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """Make a release (``statistics.release``): refused, with what is allowed, for a
    month not yet over plus the holdback, one already released, or past the budget."""
    try:
        r = service.make_release(
            actor, period=data.period, epsilon=data.epsilon, policy=_policy(request)
        )
    except privacy.ReleaseRefused as exc:
        raise InvalidInput(str(exc)) from exc
    return service.release_out(r, service.cells_of(actor.db, r))


@router.get("/alerts", response_model=list[AlertOut])
def list_alerts(db: SessionDep, response: Response) -> list[dict[str, Any]]:
    response.headers.update(CACHE)
    return [service.alert_out(a) for a in service.alerts(db)]


@router.get(
    "/alerts.atom",
    response_class=Response,
    responses={200: {"content": {cap.ATOM_MEDIA_TYPE: {}}, "description": "Atom 1.0 feed"}},
)
def alerts_atom(request: Request, db: SessionDep) -> Response:
    return Response(
        service.alerts_atom(db, str(request.base_url)),
        media_type=f"{cap.ATOM_MEDIA_TYPE}; charset=utf-8",
        headers=CACHE,
    )


@router.get(
    "/alerts/{alert_id}.cap",
    response_class=Response,
    responses={200: {"content": {cap.CAP_MEDIA_TYPE: {}}, "description": "CAP 1.2 alert"}},
)
def alert_cap(alert_id: Id, db: SessionDep) -> Response:
    """One alert's CAP 1.2 document, exactly as issued."""
    return Response(
        service.get_alert(db, alert_id).document,
        media_type=f"{cap.CAP_MEDIA_TYPE}; charset=utf-8",
        headers=CACHE,
    )


@router.post("/alerts", response_model=AlertOut, status_code=status.HTTP_201_CREATED)
def issue_alert(data: AlertIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """Issue a CAP alert for one district (``alerts.issue``), checked against the schema."""
    a = service.issue_alert(actor, **data.model_dump(), policy=_policy(request))
    return service.alert_out(a)


@router.post(
    "/alerts/{alert_id}/cancel", response_model=AlertOut, status_code=status.HTTP_201_CREATED
)
def cancel_alert(alert_id: Id, actor: ActorDep) -> dict[str, Any]:
    """Cancel an alert: a CAP Cancel message that references it."""
    return service.alert_out(service.cancel_alert(actor, alert_id))
