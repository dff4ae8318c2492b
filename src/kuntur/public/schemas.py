"""The public API's answers and the alert form."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field


class ReleaseBrief(BaseModel):
    """A release's parameters: enough to compute any interval from its scale."""

    id: int
    period: str = Field(description="YYYY-MM, months in America/Lima")
    year: int = Field(description="the year whose budget the release spends")
    epsilon: float
    mechanism: str = Field(description="discrete_laplace (OpenDP make_laplace on integers)")
    scale: float = Field(description="noise scale b = sensitivity / epsilon, per cell")
    sensitivity: int
    unit: str = Field(description="the unit of privacy: one incident per person")
    noise_variance: float = Field(description="2a/(1-a)^2 with a = exp(-1/scale)")
    ci95: int = Field(description="a cell's 95 % interval is noisy_count +/- ci95")
    min_count: int = Field(description='noisy counts below this are shown as "menos de k"')
    holdback_days: int
    covers_from: str
    covers_until: str
    cells_count: int
    year_budget: float
    spent: float = Field(description="the year's spend after this release")
    left: float
    created_at: str
    created_by: str


class CellOut(BaseModel):
    district: str
    district_name: str
    category: str
    noisy_count: int = Field(description="the noisy value as released (may be negative)")
    shown: int | str = Field(description='what the page shows: the value or "<k"')


class DistrictTotal(BaseModel):
    district: str
    district_name: str
    noisy_total: int
    shown: int | str
    ci95: float = Field(description="95 % half-width of the sum (variance adds)")


class CategoryTotal(BaseModel):
    category: str
    label: str
    noisy_total: int
    shown: int | str
    ci95: float


class ReleaseOut(ReleaseBrief):
    cells: list[CellOut]
    districts: list[DistrictTotal]
    categories: list[CategoryTotal]


class Statistics(BaseModel):
    releases: list[ReleaseOut]


class LedgerEntry(BaseModel):
    id: int
    period: str
    year: int
    epsilon: float
    scale: float
    mechanism: str
    cumulative: float = Field(description="the year's spend after this release")
    created_at: str
    created_by: str


class LedgerYear(BaseModel):
    year: int
    budget: float
    spent: float
    left: float


class Ledger(BaseModel):
    epsilon_year: float
    holdback_days: int
    min_count: int
    mechanism: str
    sensitivity: int
    unit: str
    releases: list[LedgerEntry]
    years: list[LedgerYear]


class Timing(BaseModel):
    p50_s: float | None
    p90_s: float | None
    target_s: float | None = None
    within_target: float | None = None


class ResponseTimes(BaseModel):
    district: str
    district_name: str
    month: str
    call_to_dispatch: Timing | None
    dispatch_to_arrival: Timing | None


class Accuracy(BaseModel):
    forecast_id: int
    month: str
    first_day: str = Field(description="the forecast window's first day (Lima), YYYY-MM-DD")
    last_day: str = Field(description="its last day (Lima), included")
    district: str = Field(description='ubigeo, or "*" for the forecast\'s whole area')
    district_name: str
    flagged_share: float
    hit_rate: float
    pai: float


class Results(BaseModel):
    min_n: int = Field(description="groups with fewer measurements are withheld")
    until: str | None
    response_times: list[ResponseTimes]
    forecast_accuracy: list[Accuracy]


class AlertIn(BaseModel):
    district: str = Field(pattern=r"^\d{6}$")
    event: str = Field(min_length=3, max_length=200)
    headline: str = Field(min_length=3, max_length=160)
    description: str = Field(min_length=3, max_length=4000)
    instruction: str = Field(min_length=3, max_length=4000)
    status: Literal["Actual", "Exercise", "Test"] = "Exercise"
    urgency: Literal["Immediate", "Expected", "Future", "Past", "Unknown"] = "Expected"
    severity: Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"] = "Moderate"
    certainty: Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"] = "Likely"
    expires: AwareDatetime | None = None


class AlertOut(BaseModel):
    id: int
    identifier: str
    sender: str
    sent: str | None
    status: str
    msg_type: str
    district: str
    district_name: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    instruction: str
    expires: str | None
    references: int | None
    cap_url: str
