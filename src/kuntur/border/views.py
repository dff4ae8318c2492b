"""The border API for the posts (docs/border.md): screen a traveller, a manifest or a
vehicle/phone/account, decide on a hit, import watchlist rows (CSV body), the latest
screenings. Thin: each route calls the service with the actor."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import BaseModel, Field

from kuntur.border import files, matching, service
from kuntur.core.errors import InvalidInput
from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/border", tags=["border"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Post = Annotated[str, Field(min_length=1, max_length=80)]


class TravellerIn(BaseModel):
    id: str = Field("", max_length=120)
    name: str = Field(min_length=1, max_length=300)
    birth_date: str | None = Field(None, max_length=10, description="YYYY-MM-DD or YYYY")
    nationality: str | None = Field(None, max_length=2, description="ISO 3166 alpha-2")
    document_number: str | None = Field(None, max_length=40)

    def traveller(self) -> matching.Traveller:
        try:
            birth = matching.parse_birth(self.birth_date)
        except ValueError as exc:
            raise InvalidInput(f"birth_date: {self.birth_date!r}") from exc
        nat = (self.nationality or "").strip().upper() or None
        if nat and not (len(nat) == 2 and nat.isalpha()):
            raise InvalidInput(f"nationality: {self.nationality!r}")
        if not any(c.isalnum() for c in self.name):
            raise InvalidInput("name")
        return matching.Traveller(
            self.id, self.name, birth, nat, matching.normalise_document(self.document_number)
        )


class ScreenIn(TravellerIn):
    post: Post
    threshold: float = Field(matching.THRESHOLD, ge=0.0, le=1.0)
    phone: str | None = Field(
        None,
        max_length=40,
        description="a phone the traveller carries: checked against intelligence",
    )
    plate: str | None = Field(
        None, max_length=20, description="the plate of the traveller's vehicle: the same"
    )


class ManifestIn(BaseModel):
    post: Post
    threshold: float = Field(matching.THRESHOLD, ge=0.0, le=1.0)
    travellers: list[TravellerIn] = Field(max_length=5000)


class ThingIn(BaseModel):
    post: Post
    kind: Literal["plate", "vin", "phone", "account"]
    value: str = Field(min_length=1, max_length=80)


class Remembered(BaseModel):
    decision_id: int
    by: str
    at: str
    reason: str
    text: str


class FeatureOut(BaseModel):
    feature: str
    weight: float
    text: str


class IntelLinkOut(BaseModel):
    """A hit's link to intelligence through a shared identifier: that it exists, by which
    identifier and whom to call; the network's name only for readers with ``intel.read``."""

    linked: bool
    via: list[str]
    agencies: list[str]
    contact: str
    networks: list[str] | None


class HitOut(BaseModel):
    hit_id: int
    watchlist_id: str
    score: float
    explanation: str
    features: list[FeatureOut]
    list: str
    owner_agency: str
    reason: str
    network: str | None
    alarm: bool
    remembered: Remembered | None
    intel: IntelLinkOut | None = None


class ScreeningOut(BaseModel):
    screening_id: int
    kind: str
    post: str
    traveller_id: str | None = None
    hits: list[HitOut]


class DecisionIn(BaseModel):
    outcome: Literal["cleared", "confirmed", "referred"]
    reason: str = Field(min_length=1, max_length=2000)


class DecisionOut(BaseModel):
    decision_id: int
    hit_id: int | None
    watchlist_id: str
    outcome: str
    reason: str
    post: str
    decided_at: str
    decided_by: str


class ImportOut(BaseModel):
    added: int
    replaced: int
    version: int
    errors: list[str]
    warnings: list[str] = Field(
        default_factory=list, description="rows kept without a bad field (a birth date)"
    )


class WatchlistCsvIn(BaseModel):
    csv: str = Field(min_length=1, max_length=1_000_000, description="the watchlist CSV")


class RecentOut(BaseModel):
    screening_id: int
    kind: str
    post: str
    hits: int
    best_score: float
    created_at: str
    created_by: str


def _clearance(request: Request) -> int:
    return int(request.app.state.settings.border_clearance_days)


@router.post("/screenings", response_model=ScreeningOut, status_code=status.HTTP_201_CREATED)
def screen(data: ScreenIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """Screen one traveller (``border.screen``): the hits at or above the threshold, best
    first, each with the explanation per feature; a hit cleared before for this traveller
    and entry comes with ``alarm: false`` and who cleared it, when and why."""
    return service.screen_person(
        actor,
        data.traveller(),
        post=data.post,
        threshold=data.threshold,
        clearance_days=_clearance(request),
        phone=data.phone,
        plate=data.plate,
    )


@router.post("/manifests", response_model=list[ScreeningOut], status_code=status.HTTP_201_CREATED)
def screen_manifest(data: ManifestIn, request: Request, actor: ActorDep) -> list[dict[str, Any]]:
    """Screen a passenger manifest (up to 5,000 travellers) in one request."""
    return service.screen_manifest(
        actor,
        [t.traveller() for t in data.travellers],
        post=data.post,
        threshold=data.threshold,
        clearance_days=_clearance(request),
    )


@router.post("/things", response_model=ScreeningOut, status_code=status.HTTP_201_CREATED)
def screen_thing(data: ThingIn, request: Request, actor: ActorDep) -> dict[str, Any]:
    """Screen a plate (with the reading confusions O/0, I/1, B/8, S/5), a VIN, a phone or
    an account (exactly, once normalised)."""
    return service.screen_thing(
        actor, data.kind, data.value, post=data.post, clearance_days=_clearance(request)
    )


@router.post("/hits/{hit_id}/decision", response_model=DecisionOut, status_code=201)
def decide(hit_id: Id, data: DecisionIn, actor: ActorDep) -> dict[str, Any]:
    """Record the officer's decision on a hit (``border.decide``)."""
    d = service.decide(actor, hit_id, outcome=data.outcome, reason=data.reason)
    return service.decision_out(d)


@router.get("/screenings", response_model=list[RecentOut])
def recent(actor: ActorDep, post: str | None = None) -> list[dict[str, Any]]:
    """The latest screenings (at one post): counts only, no traveller data."""
    return service.recent(actor, post=(post or None) and post[:80])


class QueueItemOut(BaseModel):
    hit_id: int
    screening_id: int
    screened_at: str
    screened_by: str
    kind: str
    subject: str = Field(description="what was screened: the traveller's name, date, document")
    watchlist_id: str
    score: float
    explanation: str
    list: str
    reason: str


class ShiftOut(BaseModel):
    start: str
    end: str


class QueueCountsOut(BaseModel):
    screenings: int
    with_hits: int
    pending: int
    cleared: int
    confirmed: int
    referred: int


class QueueOut(BaseModel):
    post: str
    shift: ShiftOut
    counts: QueueCountsOut
    pending: list[QueueItemOut]


@router.get("/queue", response_model=QueueOut)
def post_queue(
    actor: ActorDep, post: Annotated[str, Query(min_length=1, max_length=80)]
) -> dict[str, Any]:
    """This shift's queue at a post (``border.screen``): the counts, and every hit still
    waiting for a decision, oldest first, to decide from the list."""
    return service.queue(actor, post=post)


@router.post("/watchlist", response_model=ImportOut, status_code=201)
def import_watchlist(data: WatchlistCsvIn, actor: ActorDep) -> dict[str, Any]:
    """Import watchlist rows (the CSV of ``kuntur border watchlist import``;
    ``border.watchlist``): the good rows kept, each bad one reported."""
    try:
        rows, found = files.read_watchlist_csv(data.csv, "watchlist.csv")
    except files.Unusable as exc:
        raise InvalidInput(str(exc)) from exc
    errors, warnings = files.split_warnings(found)
    if not rows:
        raise InvalidInput("; ".join(str(e) for e in errors[:20]) or "no rows")
    r = service.import_entries(
        actor, rows, source="api", bad_rows=len(errors), warnings=len(warnings)
    )
    return {
        "added": r.added,
        "replaced": r.replaced,
        "version": r.version,
        "errors": [str(e) for e in errors[:1000]],
        "warnings": [str(e) for e in warnings[:1000]],
    }


class SeizureIn(BaseModel):
    post: Post
    kind: Literal["arms", "ammunition", "drugs", "cash", "people"]
    quantity: float = Field(gt=0, le=1e12)
    unit: Literal["units", "kg", "g", "PEN", "USD", "EUR", "BOB", "COP", "VES", "persons"]
    description: str = Field("", max_length=2000)
    serial: str | None = Field(None, max_length=60, description="an arm's serial number")
    incident_id: int | None = Field(None, ge=1, le=MAX_ID)
    screening_id: int | None = Field(None, ge=1, le=MAX_ID)
    network: str | None = Field(None, max_length=200)
    case_ref: str | None = Field(
        None, max_length=60, description="people rescued: the case that holds their identities"
    )


class SeizureOut(BaseModel):
    seizure_id: int
    kind: str
    post: str
    quantity: float
    unit: str
    description: str
    serial: str | None
    watchlist_hit: str | None
    incident_id: int | None
    screening_id: int | None
    network: str | None
    case_ref: str | None
    seized_at: str
    recorded_by: str


class SeizureRecorded(SeizureOut):
    serial_hits: list[str]


class PostSummary(BaseModel):
    post: str
    lat: float | None
    lon: float | None
    screenings: int
    hits: int
    decided: int
    seizures: dict[str, int]


class CommandSummary(BaseModel):
    posts: list[PostSummary]


class TraffickingYear(BaseModel):
    year: int
    complaints: int
    full_year: bool  # a year with all twelve months in the data


class TraffickingMonth(BaseModel):
    month: str  # YYYY-MM
    complaints: int


class TraffickingDistrict(BaseModel):
    district: str
    complaints: int


class TraffickingStation(BaseModel):
    district: str
    station: str
    complaints: int


class TraffickingPurpose(BaseModel):
    purpose: str
    complaints: int


class TraffickingTrend(BaseModel):
    years: list[int]  # the full years the trend is fitted on
    slope_per_year: float
    change: float | None  # first full year to last, as a share of the first


class Trafficking(BaseModel):
    source: str
    total: int
    by_year: list[TraffickingYear]
    by_month: list[TraffickingMonth]
    by_district: list[TraffickingDistrict]
    by_station: list[TraffickingStation]
    by_purpose: list[TraffickingPurpose]
    trend: TraffickingTrend


@router.post("/seizures", response_model=SeizureRecorded, status_code=201)
def record_seizure(data: SeizureIn, actor: ActorDep) -> dict[str, Any]:
    """Record a seizure at a post (``border.seize``): an arm's serial is checked against
    the arms watchlist; people rescued are a count and their case, never identities."""
    s, hits = service.register_seizure(actor, **data.model_dump())
    return {**service.seizure_out(s), "serial_hits": [h.entry_id for h in hits]}


@router.get("/seizures", response_model=list[SeizureOut])
def list_seizures(actor: ActorDep, post: str | None = None) -> list[dict[str, Any]]:
    return service.seizures(actor, post=(post or None) and post[:80])


@router.get("/summary", response_model=CommandSummary)
def summary(actor: ActorDep) -> dict[str, Any]:
    """Per post: screenings, hits, decisions and seizures by kind (``border.command``)."""
    return service.command_summary(actor)


@router.get("/trafficking", response_model=Trafficking)
def trafficking_statistics(actor: ActorDep) -> dict[str, Any]:
    """Human-trafficking complaints in Lambayeque, 2017-2023, by month, district, station
    and purpose, with the trend (Gobierno Regional de Lambayeque open data, ODbL)."""
    from kuntur.border import trafficking
    from kuntur.border.manifest import COMMAND

    actor.require(COMMAND)
    return trafficking.summary()
