"""Role x route matrix: every route the app serves has a row here (a new route fails this file
until it gets one), each row a valid request on real records and the permission its service
requires; every role is asserted allowed (2xx) or refused (403, audited as ``authz.denied``),
and an anonymous caller 401 (or, on a page, a redirect to the login).

Every 403 is on record: as ``authz.denied`` when roles, records or the chain of command
refuse, or as one of the security events decision 0005 documents for what is refused before
any permission is asked (``SECURITY_REFUSALS``: a CSRF failure, a refused purpose)."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session
from starlette.routing import Mount, Route

from kuntur.app import create_app
from kuntur.audit.manifest import ACCESS_DENIED, AUDIT_CHECKPOINT, AUDIT_COUNTERSIGN, AUDIT_READ
from kuntur.audit.models import AuditEvent
from kuntur.border.manifest import COMMAND as BORDER_COMMAND
from kuntur.border.manifest import DECIDE as BORDER_DECIDE
from kuntur.border.manifest import SCREEN as BORDER_SCREEN
from kuntur.border.manifest import SEIZE as BORDER_SEIZE
from kuntur.border.manifest import WATCHLIST as BORDER_WATCHLIST
from kuntur.citizens import pow
from kuntur.citizens.manifest import TIPS_CONTACT, TIPS_TRIAGE
from kuntur.command.manifest import COMMAND_READ, LEGAL_WRITE, ORDERS_ISSUE, UNITS_REPORT
from kuntur.config import Settings
from kuntur.core import registry
from kuntur.core.registry import Permission
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.core.web import SESSION_COOKIE
from kuntur.dispatch.manifest import DISPATCH
from kuntur.exchange import eido
from kuntur.exchange.manifest import EIDO_EXPORT, EIDO_IMPORT
from kuntur.field.manifest import DEVICES as FIELD_DEVICES
from kuntur.field.manifest import USE as FIELD_USE
from kuntur.forecasting.manifest import FORECASTS_READ, FORECASTS_RUN
from kuntur.identity import service as identity
from kuntur.identity.authz import role_permissions
from kuntur.identity.manifest import (
    CSRF_FAILED,
    PURPOSE_MISSING,
    PURPOSE_REFUSED,
    STEP_UP_FAILURE,
    TOKEN_REJECTED,
    USERS_MANAGE,
)
from kuntur.identity.models import User
from kuntur.identity.roles import Role
from kuntur.incidents.manifest import INCIDENTS_READ, INCIDENTS_WRITE
from kuntur.intelligence.manifest import INTEL_OVERSEE, INTEL_READ
from kuntur.oversight.manifest import (
    COMPLAINTS_WRITE,
    EI_MANAGE,
    FLAGS_RESPOND,
    OVERSIGHT_NOTE,
    OVERSIGHT_READ,
    PERSONNEL_MANAGE,
    UOF_REPORT,
    UOF_REVIEW,
)
from kuntur.patrol.manifest import PATROL_APPROVE, PATROL_READ
from kuntur.public.manifest import ALERTS_ISSUE, STATISTICS_RELEASE
from kuntur.results.manifest import MANAGE as RESULTS_MANAGE
from kuntur.results.manifest import VIEW as RESULTS_VIEW
from tests.conftest import INCIDENT, PASSWORD, make_user
from tests.scenario import (
    DESK_WITNESS,
    FIELD_UOF_CLIENT,
    PURPOSE,
    WITNESS,
    Scenario,
    build,
    join_case,
)

PUBLIC = "public"  # no login needed
USER = "user"  # any logged-in user, whatever the roles
Body = Callable[[Scenario], Any]


@dataclass(frozen=True)
class Row:
    needs: Permission | str
    url: str = ""  # str.format(s=scenario); empty: the route's own path
    json: Body | None = None
    content: Body | None = None
    files: Body | None = None  # multipart: (form fields, files)
    headers: dict[str, str] = field(default_factory=dict)
    stream: bool = False
    # Sent from a page session (cookie and CSRF token, no bearer token), with the step-up
    # the route asks for: the caller's password again and a new TOTP code where it has one.
    web_step_up: bool = False
    # Called from a field device (kuntur.field): a caller allowed the route signs in on the
    # phone first and sends that device token with its device key.
    field_device: bool = False


FIELD_DEVICE_KEY = "m" * 32  # the phone's own id, as the field app makes one
FIELD_HEADERS = {"X-Device-Key": FIELD_DEVICE_KEY}


def _png() -> bytes:
    """A small photo, as a phone's camera would send one."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def _cot(_s: Scenario) -> bytes:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f'<event uid="PNP-B-M1" time="{now}"><point lat="-12.03" lon="-77.02"/></event>'.encode()


def _eido() -> dict[str, Any]:
    """An EIDO document from another centre: one incident in Cercado."""
    now = utcnow()
    return eido.write(
        eido.IncidentRecord(
            id=1,
            tracking_id="urn:emergency:uid:incidentid:1:psap.example.org",
            category="theft",
            category_label=None,
            status="received",
            priority=3,
            occurred_at=now - timedelta(minutes=5),
            received_at=now - timedelta(minutes=4),
            latitude=-12.05,
            longitude=-77.03,
            address=None,
            narrative=None,
            owner_agency="PNP",
            source="police_report",
        )
    )


def _window() -> dict[str, str]:
    now = utcnow()
    return {"starts_at": now.isoformat(), "ends_at": (now + timedelta(hours=6)).isoformat()}


def _months_ago(n: int) -> str:
    """A month over long enough to be released (the holdback is 7 days)."""
    local = utcnow().astimezone(LIMA)
    y, m = divmod(local.year * 12 + local.month - 1 - n, 12)
    return f"{y:04d}-{m + 1:02d}"


def _last_month() -> str:
    first = utcnow().astimezone(LIMA).replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def _tip(s: Scenario) -> dict[str, Any]:
    """An anonymous tip with its proof of work (a challenge under this store's key)."""
    challenge = pow.issue(s.tip_challenge_key, time.time(), 8)
    return {
        "category": "extortion",
        "summary": "Cobro de cupos",
        "challenge": challenge,
        "nonce": pow.solve(challenge),
    }


INTEL = {"X-Purpose": PURPOSE}  # the scenario's open case: its members' purpose (join_case)
# (method, path as the router declares it) -> row. Run in this order, one role at a time on a
# fresh store: requests that change state come in an order that keeps the next one valid
# (triage before dispatch, acknowledge before complete), and logout comes last.
ROUTES: dict[tuple[str, str], Row] = {
    # incidents
    ("POST", "/api/incidents"): Row(INCIDENTS_WRITE, json=lambda s: INCIDENT),
    ("GET", "/api/incidents"): Row(INCIDENTS_READ),
    ("GET", "/api/incidents/stats"): Row(INCIDENTS_READ),
    ("GET", "/api/incidents/map"): Row(
        INCIDENTS_READ, "/api/incidents/map?bbox=-77.1,-12.1,-77.0,-12.0"
    ),
    ("GET", "/api/incidents/{incident_id}"): Row(INCIDENTS_READ, "/api/incidents/{s.a}"),
    # geography: public reference data (INEI)
    ("GET", "/api/geography/districts"): Row(PUBLIC, "/api/geography/districts?q=rimac"),
    ("GET", "/api/geography/districts/{ubigeo}"): Row(PUBLIC, "/api/geography/districts/150101"),
    ("GET", "/api/geography/boundaries/lima-callao"): Row(PUBLIC),
    ("GET", "/api/geography/boundaries/{level}"): Row(
        PUBLIC, "/api/geography/boundaries/departments"
    ),
    ("GET", "/api/geography/locate"): Row(PUBLIC, "/api/geography/locate?lat=-12.05&lon=-77.03"),
    # forecasts
    ("GET", "/api/forecasts"): Row(FORECASTS_READ),
    ("POST", "/api/forecasts"): Row(FORECASTS_RUN, json=lambda s: {"method": "naive"}),
    ("GET", "/api/forecasts/latest"): Row(FORECASTS_READ),
    ("GET", "/api/forecasts/{forecast_id}"): Row(FORECASTS_READ, "/api/forecasts/{s.forecast}"),
    ("GET", "/api/forecasts/{forecast_id}/cells"): Row(
        FORECASTS_READ, "/api/forecasts/{s.forecast}/cells"
    ),
    ("GET", "/api/forecasts/{forecast_id}/cells/{cell}"): Row(
        FORECASTS_READ, "/api/forecasts/{s.forecast}/cells/{s.cell}"
    ),
    ("GET", "/api/forecasts/{forecast_id}/cells/{cell}/incidents"): Row(
        FORECASTS_READ, "/api/forecasts/{s.forecast}/cells/{s.cell}/incidents"
    ),
    # command
    ("GET", "/api/command/tree"): Row(COMMAND_READ),
    ("POST", "/api/command/tree"): Row(
        ORDERS_ISSUE,
        json=lambda s: {
            "name": "Comisaría Breña",
            "agency": "PNP",
            "level": "station",
            "parent_id": s.world.front,
        },
    ),
    ("GET", "/api/command/units"): Row(COMMAND_READ),
    ("POST", "/api/command/units"): Row(
        ORDERS_ISSUE,
        json=lambda s: {
            "call_sign": "PNP-A-P9",
            "agency": "PNP",
            "unit_type": "patrol_car",
            "command_unit_id": s.world.station_a,
            "home_lon": -77.03,
            "home_lat": -12.05,
        },
    ),
    ("POST", "/api/command/units/{unit_id}/status"): Row(
        UNITS_REPORT,
        "/api/command/units/{s.world.moto}/status",
        json=lambda s: {"status": "out_of_service"},
    ),
    ("POST", "/api/command/positions"): Row(
        UNITS_REPORT,
        json=lambda s: {"positions": [{"call_sign": "PNP-A-P1", "lon": -77.04, "lat": -12.05}]},
    ),
    ("POST", "/api/command/positions/cot"): Row(
        UNITS_REPORT, content=_cot, headers={"Content-Type": "application/xml"}
    ),
    ("GET", "/api/command/readiness"): Row(COMMAND_READ),
    ("GET", "/api/command/authorizations"): Row(COMMAND_READ),
    ("POST", "/api/command/authorizations"): Row(
        LEGAL_WRITE,
        json=lambda s: {
            "kind": "state_of_emergency",
            "number": "DS 9-2026-PCM",
            **_window(),
            "forces_role": "support",
            "districts": ["150128"],
            "restricted_rights": ["movement"],
        },
    ),
    ("POST", "/api/command/authorizations/{auth_id}/revoke"): Row(
        LEGAL_WRITE, "/api/command/authorizations/{s.spare_auth}/revoke"
    ),
    ("GET", "/api/command/orders"): Row(COMMAND_READ),
    ("POST", "/api/command/orders"): Row(  # every user sits at the Lima front
        ORDERS_ISSUE,
        json=lambda s: {
            "issuer_node_id": s.world.front,
            "target_node_id": s.world.station_b,
            "kind": "patrol",
            "text": "Patrullaje en el Rímac",
            **_window(),
        },
    ),
    # Answering an order is an operational report by the receiving chain (the front is
    # above station A, the order came from the joint command): units.report.
    ("POST", "/api/command/orders/{order_id}/acknowledge"): Row(
        UNITS_REPORT, "/api/command/orders/{s.order}/acknowledge"
    ),
    ("POST", "/api/command/orders/{order_id}/complete"): Row(
        UNITS_REPORT, "/api/command/orders/{s.order}/complete"
    ),
    # patrol plans: commanders and dispatchers read and prepare, commanders approve
    ("GET", "/api/patrol/plans/latest"): Row(PATROL_READ),
    ("GET", "/api/patrol/plans/{plan_id}"): Row(PATROL_READ, "/api/patrol/plans/{s.patrol_plan}"),
    ("POST", "/api/patrol/plans"): Row(
        PATROL_READ,
        json=lambda s: {**_window(), "include_discovered": True, "reach_minutes": 2},
    ),
    ("POST", "/api/patrol/plans/{plan_id}/approve"): Row(
        PATROL_APPROVE, "/api/patrol/plans/{s.patrol_plan}/approve"
    ),
    # public statistics and alerts (issue 16): read by anyone; a release spends the privacy
    # budget and an alert speaks for the command, each with its permission
    ("GET", "/health/live"): Row(PUBLIC),
    ("GET", "/health/ready"): Row(PUBLIC),
    ("GET", "/metrics"): Row(PUBLIC),  # outside production, without a scraper's token
    ("GET", "/api/public/statistics"): Row(PUBLIC),
    ("GET", "/api/public/statistics.csv"): Row(PUBLIC),
    ("GET", "/api/public/ledger"): Row(PUBLIC),
    ("GET", "/api/public/results"): Row(PUBLIC),
    ("POST", "/api/public/releases"): Row(
        STATISTICS_RELEASE, json=lambda s: {"period": _months_ago(2), "epsilon": 0.5}
    ),
    ("GET", "/api/public/alerts"): Row(PUBLIC),
    ("GET", "/api/public/alerts.atom"): Row(PUBLIC),
    ("GET", "/api/public/alerts/{alert_id}.cap"): Row(
        PUBLIC, "/api/public/alerts/{s.public_alert}.cap"
    ),
    ("POST", "/api/public/alerts"): Row(
        ALERTS_ISSUE,
        json=lambda s: {
            "district": "150128",
            "event": "Simulacro",
            "headline": "SIMULACRO: prueba",
            "description": "Ejercicio ficticio.",
            "instruction": "Ninguna.",
        },
    ),
    ("POST", "/api/public/alerts/{alert_id}/cancel"): Row(
        ALERTS_ISSUE, "/api/public/alerts/{s.public_alert}/cancel"
    ),
    # border control (issue 17): the posts screen and decide; the watchlists are imported
    # by the command and intelligence
    ("POST", "/api/border/screenings"): Row(
        BORDER_SCREEN, json=lambda s: {"post": "Desaguadero", "name": "José Quispe Mamani"}
    ),
    ("POST", "/api/border/manifests"): Row(
        BORDER_SCREEN,
        json=lambda s: {"post": "Desaguadero", "travellers": [{"id": "1", "name": "Ana Poma"}]},
    ),
    ("POST", "/api/border/things"): Row(
        BORDER_SCREEN, json=lambda s: {"post": "Desaguadero", "kind": "plate", "value": "ABC-123"}
    ),
    ("GET", "/api/border/screenings"): Row(BORDER_SCREEN),
    ("GET", "/api/border/queue"): Row(BORDER_SCREEN, "/api/border/queue?post=Desaguadero"),
    ("POST", "/api/border/hits/{hit_id}/decision"): Row(
        BORDER_DECIDE,
        "/api/border/hits/{s.border_hit}/decision",
        json=lambda s: {"outcome": "referred", "reason": "a la fiscalía"},
    ),
    ("POST", "/api/border/watchlist"): Row(
        BORDER_WATCHLIST, json=lambda s: {"csv": "id,name,list\nM1,Ana Poma Calle,interpol\n"}
    ),
    ("POST", "/api/border/seizures"): Row(
        BORDER_SEIZE,
        json=lambda s: {"post": "Iñapari", "kind": "drugs", "quantity": 1.5, "unit": "kg"},
    ),
    ("GET", "/api/border/seizures"): Row(BORDER_SEIZE),
    ("GET", "/api/border/summary"): Row(BORDER_COMMAND),
    ("GET", "/api/border/trafficking"): Row(BORDER_COMMAND),
    # exchange (issue 19): EIDO both ways, exports with their dataset's own read permission
    ("GET", "/api/exchange/eido/incidents/{incident_id}"): Row(
        EIDO_EXPORT, "/api/exchange/eido/incidents/{s.a}"
    ),
    ("POST", "/api/exchange/eido"): Row(EIDO_IMPORT, json=lambda s: _eido()),
    ("GET", "/api/exchange/exports/{dataset}.{fmt}"): Row(
        INCIDENTS_READ, "/api/exchange/exports/incidents.csv"
    ),
    # results (issue 18): interventions and what they changed
    ("GET", "/api/results/interventions"): Row(RESULTS_VIEW),
    ("GET", "/api/results/trends"): Row(RESULTS_VIEW),
    ("GET", "/api/results/trends.svg"): Row(RESULTS_VIEW),
    ("GET", "/api/results/trends/weekly"): Row(RESULTS_VIEW),
    ("GET", "/api/results/interventions/{intervention_id}"): Row(
        RESULTS_VIEW, "/api/results/interventions/{s.intervention}"
    ),
    ("GET", "/api/results/interventions/{intervention_id}/chart.svg"): Row(
        RESULTS_VIEW, "/api/results/interventions/{s.intervention}/chart.svg"
    ),
    ("POST", "/api/results/interventions"): Row(
        RESULTS_MANAGE,
        json=lambda s: {
            "kind": "operation",
            "title": "Operativo de la matriz",
            "districts": ["150101"],
            "starts_on": "2026-01-05",
        },
    ),
    ("POST", "/api/results/interventions/{intervention_id}/close"): Row(
        RESULTS_MANAGE,
        "/api/results/interventions/{s.intervention}/close",
        json=lambda s: {"ends_on": "2030-01-05"},
    ),
    # after the close above: a withdrawn one is closed no more
    ("POST", "/api/results/interventions/{intervention_id}/withdraw"): Row(
        RESULTS_MANAGE,
        "/api/results/interventions/{s.intervention}/withdraw",
        json=lambda s: {"reason": "registrado en el distrito equivocado"},
    ),
    # the field app (issue 20): the phone acts as the unit its device token is bound to; the
    # desks list the devices and their deliveries and revoke a device
    ("POST", "/api/field/signin"): Row(FIELD_USE, headers=FIELD_HEADERS),
    ("GET", "/api/field/state"): Row(FIELD_USE, headers=FIELD_HEADERS, field_device=True),
    ("POST", "/api/field/ack"): Row(
        FIELD_USE,
        json=lambda s: {"kind": "order", "id": s.order},
        headers=FIELD_HEADERS,
        field_device=True,
    ),
    ("POST", "/api/field/reports"): Row(
        FIELD_USE,
        json=lambda s: {
            "items": [
                {
                    "client_id": "matriz-posicion-1",
                    "kind": "position",
                    "lon": -77.031,
                    "lat": -12.046,
                    "at": utcnow().isoformat(),
                }
            ]
        },
        headers=FIELD_HEADERS,
        field_device=True,
    ),
    ("GET", "/api/field/live"): Row(
        FIELD_USE, headers=FIELD_HEADERS, field_device=True, stream=True
    ),
    ("GET", "/api/field/uof"): Row(FIELD_USE, headers=FIELD_HEADERS, field_device=True),
    ("POST", "/api/field/uof/photos"): Row(
        FIELD_USE,
        files=lambda s: (
            {
                "client_id": "matriz-foto-1",
                "at": utcnow().isoformat(),
                "report_client_id": FIELD_UOF_CLIENT,
            },
            {"photo": ("foto.png", _png(), "image/png")},
        ),
        headers=FIELD_HEADERS,
        field_device=True,
    ),
    ("GET", "/api/field/devices"): Row(FIELD_DEVICES),
    ("GET", "/api/field/deliveries"): Row(FIELD_DEVICES),
    ("POST", "/api/field/devices/{device_id}/revoke"): Row(
        FIELD_DEVICES, "/api/field/devices/{s.field_device}/revoke"
    ),
    # dispatch
    ("GET", "/api/dispatch/queue"): Row(DISPATCH),
    ("GET", "/api/dispatch/incidents/{incident_id}/recommendation"): Row(
        DISPATCH, "/api/dispatch/incidents/{s.a}/recommendation"
    ),
    ("POST", "/api/dispatch/incidents/{incident_id}/status"): Row(
        DISPATCH,
        "/api/dispatch/incidents/{s.a}/status",
        json=lambda s: {"status": "triaged", "priority": 2},
    ),
    ("POST", "/api/dispatch/incidents/{incident_id}/dispatch"): Row(
        DISPATCH,
        "/api/dispatch/incidents/{s.a}/dispatch",
        json=lambda s: {"unit_id": s.world.patrol},
    ),
    ("POST", "/api/dispatch/incidents/{incident_id}/priority"): Row(
        DISPATCH, "/api/dispatch/incidents/{s.a}/priority", json=lambda s: {"priority": 1}
    ),
    ("POST", "/api/dispatch/incidents/{incident_id}/notes"): Row(
        DISPATCH,
        "/api/dispatch/incidents/{s.a}/notes",
        json=lambda s: {"text": "El llamante confirma la dirección."},
    ),
    ("POST", "/api/dispatch/incidents/{incident_id}/merge"): Row(
        DISPATCH, "/api/dispatch/incidents/{s.b}/merge", json=lambda s: {"into_id": s.c}
    ),
    # The timeline names the units assigned and their legal bases: command information.
    ("GET", "/api/dispatch/incidents/{incident_id}/timeline"): Row(
        COMMAND_READ, "/api/dispatch/incidents/{s.a}/timeline"
    ),
    ("GET", "/api/dispatch/kpis"): Row(COMMAND_READ),
    ("GET", "/api/dispatch/live"): Row(COMMAND_READ, stream=True),
    # intelligence: analysts, always with a stated purpose
    ("GET", "/api/intel/networks"): Row(INTEL_READ, headers=INTEL),
    ("GET", "/api/intel/networks/{name}"): Row(
        INTEL_READ, "/api/intel/networks/{s.network}", headers=INTEL
    ),
    ("GET", "/api/intel/reports/{incident_id}/network"): Row(
        INTEL_READ, "/api/intel/reports/{s.ext}/network", headers=INTEL
    ),
    ("GET", "/api/intel/cases"): Row(INTEL_READ, headers=INTEL),
    ("POST", "/api/intel/cases"): Row(
        INTEL_READ,
        json=lambda s: {"number": "CASO-2026-0002", "title": "Otra", "network": s.network},
        headers=INTEL,
    ),
    ("GET", "/api/intel/cases/{case_id}"): Row(
        INTEL_READ, "/api/intel/cases/{s.case}", headers=INTEL
    ),
    ("POST", "/api/intel/cases/{case_id}/notes"): Row(
        INTEL_READ,
        "/api/intel/cases/{s.case}/notes",
        json=lambda s: {"text": "Se pidió el registro de llamadas."},
        headers=INTEL,
    ),
    ("POST", "/api/intel/cases/{case_id}/entities"): Row(
        INTEL_READ,
        "/api/intel/cases/{s.case}/entities",
        json=lambda s: {"key": s.entity},
        headers=INTEL,
    ),
    # Members add analysts of the case's agency (or of one it shares with); inside a case
    # the case is the purpose.
    ("POST", "/api/intel/cases/{case_id}/members"): Row(
        INTEL_READ, "/api/intel/cases/{s.case}/members", json=lambda s: {"username": s.colleague}
    ),
    ("GET", "/api/intel/cases/{case_id}/report"): Row(
        INTEL_READ, "/api/intel/cases/{s.case}/report", headers=INTEL
    ),
    # audit: proofs and checkpoints reveal no event contents (witnesses fetch them); a
    # countersignature is authenticated by the witness's own signature
    ("GET", "/api/audit/public-key"): Row(PUBLIC),
    ("GET", "/api/audit/checkpoints"): Row(PUBLIC),
    ("GET", "/api/audit/checkpoints/latest"): Row(PUBLIC),
    ("GET", "/api/audit/checkpoints/covering"): Row(
        PUBLIC, "/api/audit/checkpoints/covering?index=0"
    ),
    ("GET", "/api/audit/status"): Row(AUDIT_READ),
    ("POST", "/api/audit/checkpoints"): Row(AUDIT_CHECKPOINT),
    # A signed-in oversight user countersigns for a registered witness (its signature).
    ("POST", "/api/audit/checkpoints/{checkpoint_id}/countersign"): Row(
        AUDIT_COUNTERSIGN,
        "/api/audit/checkpoints/{s.checkpoint}/countersign",
        json=lambda s: {"witness": DESK_WITNESS, "signature": s.desk_witness_signature},
    ),
    ("POST", "/api/audit/checkpoints/{checkpoint_id}/countersignatures"): Row(
        PUBLIC,
        "/api/audit/checkpoints/{s.checkpoint}/countersignatures",
        json=lambda s: {"witness": WITNESS, "signature": s.witness_signature},
    ),
    ("GET", "/api/audit/proofs/inclusion"): Row(
        PUBLIC, "/api/audit/proofs/inclusion?index=0&size={s.audit_size}"
    ),
    ("GET", "/api/audit/proofs/consistency"): Row(
        PUBLIC, "/api/audit/proofs/consistency?first=1&second={s.audit_size}"
    ),
    ("GET", "/api/audit/events"): Row(AUDIT_READ),
    # oversight (issue 14): the oversight bodies read; commanders, dispatchers and internal
    # affairs write what their role does
    ("GET", "/api/oversight/personnel"): Row(OVERSIGHT_READ),
    ("POST", "/api/oversight/personnel"): Row(
        PERSONNEL_MANAGE,
        json=lambda s: {
            "service_number": "PNP-NUEVO-1",
            "name": "Agente Nuevo (sintético)",
            "rank": "Suboficial",
            "agency": "PNP",
            "command_unit_id": s.world.station_a,
        },
    ),
    ("GET", "/api/oversight/personnel/{personnel_id}"): Row(
        OVERSIGHT_READ, "/api/oversight/personnel/{s.soldier}"
    ),
    ("POST", "/api/oversight/personnel/{personnel_id}/shifts"): Row(
        PERSONNEL_MANAGE,
        "/api/oversight/personnel/{s.soldier}/shifts",
        json=lambda s: {"unit_id": s.world.platoon, **_window()},
    ),
    ("GET", "/api/oversight/units/{unit_id}/on-duty"): Row(
        OVERSIGHT_READ, "/api/oversight/units/{s.world.platoon}/on-duty"
    ),
    ("GET", "/api/oversight/uof"): Row(OVERSIGHT_READ),
    ("GET", "/api/oversight/uof/pending"): Row(UOF_REPORT),
    # The report form names members by service number or name (readable ones).
    ("GET", "/api/oversight/uof/members"): Row(UOF_REPORT, "/api/oversight/uof/members?q=EP-ESC"),
    ("POST", "/api/oversight/uof"): Row(
        UOF_REPORT,
        json=lambda s: {
            "incident_at": utcnow().isoformat(),
            "latitude": -12.0464,  # Cercado de Lima, in the state of emergency
            "longitude": -77.03,
            "force": [{"personnel_id": s.soldier, "level": "verbal"}],
            "legal_basis_id": s.world.emergency,
        },
    ),
    ("POST", "/api/oversight/uof/zero"): Row(
        UOF_REPORT,
        json=lambda s: {"command_unit_id": s.world.station_b, "period": _last_month()},
    ),
    ("GET", "/api/oversight/uof/{report_id}"): Row(
        OVERSIGHT_READ, "/api/oversight/uof/{s.uof_report}"
    ),
    ("GET", "/api/oversight/uof/{report_id}/photos/{photo_id}"): Row(
        OVERSIGHT_READ, "/api/oversight/uof/{s.uof_report}/photos/{s.uof_photo}"
    ),
    ("POST", "/api/oversight/uof/{report_id}/follow-up"): Row(
        UOF_REPORT,
        "/api/oversight/uof/{s.uof_report}/follow-up",
        json=lambda s: {"supervisor_present": True},
    ),
    # Every caller sits at the Lima front: outside the army member's chain of command.
    ("POST", "/api/oversight/uof/{report_id}/review"): Row(
        UOF_REVIEW,
        "/api/oversight/uof/{s.uof_report}/review",
        json=lambda s: {"finding": "training", "text": "Reentrenamiento en tiro"},
    ),
    ("POST", "/api/oversight/uof/{report_id}/close"): Row(
        UOF_REPORT, "/api/oversight/uof/{s.uof_closable}/close"
    ),
    ("GET", "/api/oversight/deadlines"): Row(OVERSIGHT_READ),
    ("GET", "/api/oversight/deadlines/zero-reports"): Row(OVERSIGHT_READ),
    ("GET", "/api/oversight/complaints"): Row(OVERSIGHT_READ),
    ("POST", "/api/oversight/complaints"): Row(
        COMPLAINTS_WRITE,
        json=lambda s: {"summary": "Queja (sintética)", "personnel_id": s.soldier},
    ),
    ("POST", "/api/oversight/complaints/{complaint_id}/status"): Row(
        COMPLAINTS_WRITE,
        "/api/oversight/complaints/{s.complaint}/status",
        json=lambda s: {"status": "closed", "outcome": "unfounded"},
    ),
    ("GET", "/api/oversight/ei/thresholds"): Row(OVERSIGHT_READ),
    ("POST", "/api/oversight/ei/thresholds"): Row(
        EI_MANAGE, json=lambda s: {"window_days": 90, "complaints": 3, "uof_reports": 4}
    ),
    ("POST", "/api/oversight/ei/flags"): Row(EI_MANAGE, json=lambda s: {}),
    ("GET", "/api/oversight/ei/flags"): Row(OVERSIGHT_READ),
    ("POST", "/api/oversight/ei/flags/{flag_id}/response"): Row(
        FLAGS_RESPOND,
        "/api/oversight/ei/flags/{s.flag}/response",
        json=lambda s: {"response": "Entrevista con el supervisor programada."},
    ),
    ("GET", "/api/oversight/notes"): Row(OVERSIGHT_NOTE),
    ("POST", "/api/oversight/notes"): Row(
        OVERSIGHT_NOTE,
        json=lambda s: {"object_type": "uof_report", "object_id": s.uof_report, "text": "Visto"},
    ),
    ("GET", "/api/oversight/dashboard"): Row(OVERSIGHT_READ),
    ("GET", "/api/oversight/dashboard.csv"): Row(OVERSIGHT_READ),
    # identity
    ("POST", "/api/auth/login"): Row(PUBLIC),  # the body is the caller's own credentials
    # Any user mints a token for their programs, but only from a page session after a
    # step-up (a token cannot mint tokens: tests/identity/test_hardening.py).
    ("POST", "/api/auth/tokens"): Row(USER, json=lambda s: {"label": "script"}, web_step_up=True),
    # Owners list and revoke their own tokens whatever their roles
    # (test_owners_list_and_revoke_their_own_tokens); another user's need users.manage.
    ("GET", "/api/auth/tokens"): Row(USERS_MANAGE, "/api/auth/tokens?user={s.colleague}"),
    ("DELETE", "/api/auth/tokens/{token_id}"): Row(
        USERS_MANAGE, "/api/auth/tokens/{s.colleague_token}"
    ),
    ("GET", "/api/auth/me"): Row(USER),
    # The administrator's screen; widening access needs the step-up from a page session.
    ("GET", "/api/users"): Row(USERS_MANAGE),
    ("POST", "/api/users"): Row(
        USERS_MANAGE,
        json=lambda s: {
            "username": "nuevo.agente",
            "display_name": "Nuevo Agente",
            "agency": "PNP",
            "roles": ["dispatcher"],
            "initial_password": "una-clave-inicial-larga-7",
            "password": PASSWORD,  # the step-up (a fresh code is added from a page session)
        },
        web_step_up=True,
    ),
    ("POST", "/api/users/{username}/roles"): Row(
        USERS_MANAGE,
        "/api/users/{s.colleague}/roles",
        json=lambda s: {"role": "dispatcher", "password": PASSWORD},
        web_step_up=True,
    ),
    ("DELETE", "/api/users/{username}/roles/{role}"): Row(
        USERS_MANAGE, "/api/users/{s.colleague}/roles/intel_analyst"
    ),
    ("POST", "/api/users/{username}/disable"): Row(
        USERS_MANAGE, "/api/users/{s.colleague}/disable"
    ),
    # service accounts for integrators (issue 19): the administrator's, with the step-up
    ("GET", "/api/service-accounts/scopes"): Row(USER),
    ("POST", "/api/service-accounts"): Row(
        USERS_MANAGE,
        json=lambda s: {
            "name": "cad.matriz",
            "agency": "PNP",
            "roles": ["dispatcher"],
            "password": PASSWORD,
        },
        web_step_up=True,
    ),
    ("POST", "/api/service-accounts/{name}/tokens"): Row(
        USERS_MANAGE,
        "/api/service-accounts/cad.matriz/tokens",
        json=lambda s: {"scopes": ["eido:read"], "password": PASSWORD},
        web_step_up=True,
    ),
    ("GET", "/api/service-accounts"): Row(USERS_MANAGE),
    # Last: it ends the caller's own session.
    # citizens (issue 16): the tipster's routes need no login and leave no audit event
    # (UNAUDITED); the desk's are the citizen liaison's.
    ("GET", "/api/citizens/public/challenge"): Row(PUBLIC),
    ("GET", "/api/citizens/public/cell"): Row(
        PUBLIC, "/api/citizens/public/cell?lat=-11.98&lon=-77.0"
    ),
    ("POST", "/api/citizens/public/tips"): Row(PUBLIC, json=_tip),
    ("POST", "/api/citizens/public/follow"): Row(PUBLIC, json=lambda s: {"receipt": s.tip_receipt}),
    ("POST", "/api/citizens/public/follow/messages"): Row(
        PUBLIC, json=lambda s: {"receipt": s.tip_receipt, "body": "Siguen llamando"}
    ),
    ("GET", "/api/citizens/catalogue"): Row(PUBLIC),
    ("GET", "/api/citizens/desk-key"): Row(PUBLIC),
    ("GET", "/api/citizens/tips"): Row(TIPS_TRIAGE),
    ("GET", "/api/citizens/tips/{tip_id}"): Row(TIPS_TRIAGE, "/api/citizens/tips/{s.tip}"),
    ("GET", "/api/citizens/tips/{tip_id}/photos/{photo_id}"): Row(
        TIPS_TRIAGE, "/api/citizens/tips/{s.tip}/photos/{s.tip_photo}"
    ),
    ("POST", "/api/citizens/tips/{tip_id}/contact"): Row(
        TIPS_CONTACT, "/api/citizens/tips/{s.tip}/contact", json=lambda s: {"reason": "call_back"}
    ),
    ("POST", "/api/citizens/tips/{tip_id}/messages"): Row(
        TIPS_TRIAGE, "/api/citizens/tips/{s.tip}/messages", json=lambda s: {"body": "Gracias"}
    ),
    ("POST", "/api/citizens/tips/{tip_id}/convert"): Row(
        TIPS_TRIAGE, "/api/citizens/tips/{s.tip}/convert", json=lambda s: {}
    ),
    ("POST", "/api/citizens/tips/{tip_id}/close"): Row(
        TIPS_TRIAGE, "/api/citizens/tips/{s.tip_spare}/close", json=lambda s: {"reason": "abuse"}
    ),
    ("POST", "/api/auth/logout"): Row(USER),
}

# The tipster's writes leave no audit event on purpose: the log would keep the exact time of
# a submission (docs/decisions/0012-anonymous-tips.md).
UNAUDITED = {
    ("POST", "/api/citizens/public/tips"),
    ("POST", "/api/citizens/public/follow"),
    ("POST", "/api/citizens/public/follow/messages"),
}

# Pages (HTML, outside the API schema): who may open which. A page declared with a
# permission (in its domain's manifest) answers 403, in words and with the navigation of what
# the caller may use, to those without it; every page sends an anonymous caller to the login;
# "/" sends each user to the first page they may use. Data on every page comes from the API
# above, which checks (and audits) its own permissions.
OPEN, TO_MAP, TO_LOGIN = "open", "to /mapa", "to /login"
PAGES: dict[tuple[str, str], tuple[str, Permission | str]] = {
    ("GET", "/"): ("/", PUBLIC),  # a redirect to the first page the user may use
    ("GET", "/login"): ("/login", PUBLIC),
    ("POST", "/login"): ("/login", PUBLIC),  # the form logon, without JavaScript
    ("GET", "/docs"): ("/docs", PUBLIC),
    ("GET", "/openapi.json"): ("/openapi.json", PUBLIC),
    ("GET", "/mapa"): ("/mapa", INCIDENTS_READ),
    ("GET", "/incidentes"): ("/incidentes", INCIDENTS_READ),
    ("GET", "/pronostico"): ("/pronostico", FORECASTS_READ),
    ("GET", "/despacho"): ("/despacho", DISPATCH),
    ("GET", "/indicadores"): ("/indicadores", COMMAND_READ),
    ("GET", "/ordenes"): ("/ordenes", COMMAND_READ),
    ("GET", "/inteligencia"): ("/inteligencia", INTEL_READ),
    ("GET", "/auditoria"): ("/auditoria", AUDIT_READ),
    ("GET", "/usuarios"): ("/usuarios", USERS_MANAGE),
    ("GET", "/supervision"): ("/supervision", OVERSIGHT_READ),
    ("GET", "/uso-fuerza"): ("/uso-fuerza", UOF_REPORT),
    # One report in words: oversight readers, reviewers and the filing unit's chain (every
    # caller sits at the Lima front, outside the army report's chain); a refusal on record.
    ("GET", "/uso-fuerza/{report_id}"): ("/uso-fuerza/{s.uof_report}", OVERSIGHT_READ),
    # The printable case report, for the case's members (and oversight): the case is the
    # purpose, so a plain link works.
    ("GET", "/casos/{case_id}"): ("/casos/{s.case}", INTEL_READ),
    ("GET", "/patrullaje"): ("/patrullaje", PATROL_READ),
    ("GET", "/estadisticas"): ("/estadisticas", PUBLIC),  # the public statistics page
    # The public weekly brief (results.public_site): released figures only, for anyone.
    ("GET", "/estadisticas/informe-semanal"): ("/estadisticas/informe-semanal", PUBLIC),
    ("GET", "/alertas-publicas"): ("/alertas-publicas", ALERTS_ISSUE),
    ("GET", "/frontera"): ("/frontera", BORDER_SCREEN),
    ("GET", "/frontera/mando"): ("/frontera/mando", BORDER_COMMAND),
    ("GET", "/resultados"): ("/resultados", RESULTS_VIEW),
    ("GET", "/patrullaje/planes/{plan_id}/hoja/{unit_id}"): (
        "/patrullaje/planes/{s.patrol_plan}/hoja/{s.world.patrol}",
        PATROL_READ,
    ),
    # The tipster's pages: open to everyone, logged in or not (see PUBLIC_FORMS).
    ("GET", "/denuncia"): ("/denuncia", PUBLIC),
    ("POST", "/denuncia"): ("/denuncia", PUBLIC),
    ("GET", "/denuncia/recibo"): ("/denuncia/recibo", PUBLIC),
    ("POST", "/denuncia/recibo"): ("/denuncia/recibo", PUBLIC),
    ("GET", "/seguimiento"): ("/seguimiento", PUBLIC),
    ("POST", "/seguimiento"): ("/seguimiento", PUBLIC),
    ("POST", "/seguimiento/mensaje"): ("/seguimiento/mensaje", PUBLIC),
    ("GET", "/enlace-ciudadano"): ("/enlace-ciudadano", TIPS_TRIAGE),
    # The field app's shell, its service worker and web manifest: no data in them (the
    # phone signs in by itself), so they open for everyone and the phone keeps them offline.
    ("GET", "/campo"): ("/campo", PUBLIC),
    ("GET", "/campo/inicio"): ("/campo/inicio", FIELD_USE),  # the officer's landing page
    ("GET", "/campo/sw.js"): ("/campo/sw.js", PUBLIC),
    ("GET", "/campo/manifest.webmanifest"): ("/campo/manifest.webmanifest", PUBLIC),
}

# What the tipster's pages answer to anyone, whatever the roles: an empty tip form is
# refused in words (422), no receipt to show sends on to the follow-up page, an empty
# receipt is the one "not found" of every receipt that is not known.
PUBLIC_FORMS = {
    ("POST", "/denuncia"): "422",
    ("GET", "/denuncia/recibo"): "to /seguimiento",
    ("POST", "/denuncia/recibo"): "to /seguimiento",
    ("POST", "/seguimiento"): "404",
    ("POST", "/seguimiento/mensaje"): "404",
}

# Control auditors (intel.oversee without intel.read: the auditor role) read intelligence cases
# and their reports, and change nothing (decision 0005, intelligence.cases): these rows are
# open to them as well as to the permission they name. The oversight bodies hold audit.read
# but not intel.oversee: intelligence is outside their mandate, so these rows refuse them.
OVERSEEN = {
    ("GET", "/api/intel/cases"),
    ("GET", "/api/intel/cases/{case_id}"),
    ("GET", "/api/intel/cases/{case_id}/report"),
    ("GET", "/casos/{case_id}"),
}

# Refusals decided before any permission is asked, each audited as its own documented event
# (decision 0005, "Refusals are evidence"; the CSRF failure is also rate-limited per client,
# so that a flood of forged writes cannot fill the log).
SECURITY_REFUSALS = {
    CSRF_FAILED,
    TOKEN_REJECTED,
    STEP_UP_FAILURE,
    PURPOSE_MISSING,
    PURPOSE_REFUSED,
}


def served_routes(settings: Settings) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (HEAD aside), walking included routers."""
    out: set[tuple[str, str]] = set()

    def walk(routes: list[Any]) -> None:
        for r in routes:
            if hasattr(r, "original_router"):  # FastAPI 0.165: an included router
                walk(r.original_router.routes)
            elif isinstance(r, APIRoute | Route):
                out.update((m, r.path) for m in (r.methods or ()) if m != "HEAD")
            elif isinstance(r, Mount) and (r.path == "/static" or r.path.startswith("/static/")):
                continue  # files
            else:
                raise AssertionError(f"a route of an unknown kind: {r!r}")

    walk(create_app(settings).routes)
    return out


def test_every_route_has_a_row(settings: Settings) -> None:
    served = served_routes(settings)
    missing = served - ROUTES.keys() - PAGES.keys()
    assert not missing, f"routes without a row in the role matrix: {sorted(missing)}"
    stale = (ROUTES.keys() | PAGES.keys()) - served
    assert not stale, f"rows for routes the app no longer serves: {sorted(stale)}"
    assert len(served) >= 60
    assert served >= OVERSEEN


# A reporting desk acts on a report only from the filing unit's chain of command: every
# caller sits at the Lima front, outside the army member's, so only oversight readers pass.
OUTSIDE_CHAIN = {
    ("POST", "/api/oversight/uof/{report_id}/follow-up"),
    ("POST", "/api/oversight/uof/{report_id}/close"),
}

# The flag is the army member's: a supervisor at the Lima front is outside its chain.
FLAG_OUTSIDE_CHAIN = ("POST", "/api/oversight/ei/flags/{flag_id}/response")


def allowed(role: Role | None, needs: Permission | str, key: tuple[str, str] | None = None) -> bool:
    if needs == PUBLIC:
        return True
    if role is None:
        return False
    held = role_permissions(role)
    if key in OVERSEEN and INTEL_OVERSEE in held:
        return True
    if key in OUTSIDE_CHAIN and OVERSIGHT_READ not in held:
        return False
    if key == FLAG_OUTSIDE_CHAIN:
        return False
    return needs == USER or needs in held


@dataclass
class Caller:
    role: Role | None
    username: str
    token: str | None
    totp: str | None
    # The page session (cookie, CSRF token) once signed in: one logon serves every step-up
    # row, so that a second-factor user spends one code per row, not two.
    page: tuple[str, str] | None = None
    field_token: str | None = None  # signed in on a phone (kuntur.field), once
    engine: Engine | None = None  # the store, to let it forget a spent code (``code``)

    def code(self) -> str | None:
        """A TOTP code the server takes: the current one, after the store forgets the last
        code this user spent. Each code is good once (tests/identity/test_hardening.py
        holds that rule); this suite is about who may do what, and waiting out the 30 s
        windows for fresh codes made it minutes longer."""
        if not self.totp:
            return None
        assert self.engine is not None
        with Session(self.engine) as db, db.begin():
            db.execute(
                update(User).where(User.username == self.username).values(totp_last_step=None)
            )
        return pyotp.TOTP(self.totp).now()


def caller(engine: Engine, scenario: Scenario, role: Role | None) -> Caller:
    """A PNP user of ``role`` (all clearances), sitting at the Lima front of the command;
    an intelligence analyst is a member of the scenario's case (its purpose)."""
    name = f"u_{role.value}" if role else "u_anonymous"
    token, secret = make_user(engine, name, [role.value] if role else ["dispatcher"], clearance=3)
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.username == name).values(unit_id=scenario.world.front))
    if role is not None and INTEL_READ in role_permissions(role):
        join_case(engine, scenario, name)
    return Caller(role, name, token if role else None, secret, engine=engine)


def request(c: TestClient, s: Scenario, key: tuple[str, str], row: Row, who: Caller) -> int:
    method, path = key
    url = (row.url or path).format(s=s)
    kw: dict[str, Any] = {"headers": row.headers}
    if row.json is not None:
        kw["json"] = row.json(s)
    if row.content is not None:
        kw["content"] = row.content(s)
    if row.files is not None:
        kw["data"], kw["files"] = row.files(s)
    if key == ("POST", "/api/auth/login"):
        kw["json"] = {"username": who.username, "password": PASSWORD, "totp": who.code()}
    if key == ("POST", "/api/field/signin"):
        kw["json"] = field_sign_in(who)
    if row.field_device and who.role is not None and allowed(who.role, row.needs, key):
        kw["headers"] = {**row.headers, **field_device(c, who)}
    if row.web_step_up and who.role is not None and allowed(who.role, row.needs, key):
        return from_page_session(c, url, kw, who)
    if row.stream:
        with c.stream(method, url, **kw) as r:
            if r.status_code == 200:
                assert next(r.iter_lines()) == "retry: 2000"  # the stream is open
            return r.status_code
    r = c.request(method, url, **kw)
    c.cookies.clear()  # a login's cookie must not make the next request someone else's
    return r.status_code


def field_sign_in(who: Caller) -> dict[str, Any]:
    """The caller's own credentials for the field app's sign-in, as PNP-A-P1 (a unit below
    the caller's desk); anonymous: a wrong password (refused, 401)."""
    return {
        "username": who.username,
        "password": PASSWORD if who.role is not None else "no-es-la-clave",
        "totp": who.code(),
        "device_key": FIELD_DEVICE_KEY,
        "call_sign": "PNP-A-P1",
    }


def field_device(c: TestClient, who: Caller) -> dict[str, str]:
    """The headers of ``who`` signed in on a phone (signed in once, on first use)."""
    if who.field_token is None:
        r = c.post("/api/field/signin", json=field_sign_in(who))
        c.cookies.clear()
        assert r.status_code == 201, r.text
        who.field_token = r.json()["token"]
    return {"Authorization": f"Bearer {who.field_token}", "X-Device-Key": FIELD_DEVICE_KEY}


def from_page_session(c: TestClient, url: str, kw: dict[str, Any], who: Caller) -> int:
    """POST ``url`` as ``who`` signed in on the page (a cookie session, its CSRF token and
    no bearer token), with the step-up: the password again and a new code."""
    bearer = c.headers.pop("Authorization")
    try:
        if who.page is None:
            login = {"username": who.username, "password": PASSWORD, "totp": who.code()}
            signed = c.post("/api/auth/login", json=login)
            assert signed.status_code == 200, signed.text
            who.page = (signed.cookies[SESSION_COOKIE], signed.json()["csrf_token"])
        cookie, csrf = who.page
        c.cookies.set(SESSION_COOKIE, cookie)
        body = {**kw.pop("json"), "password": PASSWORD, "totp": who.code()}
        headers = {**kw.pop("headers"), "X-CSRF-Token": csrf}
        return c.post(url, json=body, headers=headers, **kw).status_code
    finally:
        c.cookies.clear()
        c.headers["Authorization"] = bearer


def denials(engine: Engine, actor: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(
            db.scalars(
                select(AuditEvent).where(
                    AuditEvent.type == "authz.denied", AuditEvent.actor == actor
                )
            )
        )


def refusals(engine: Engine, actor: str) -> list[AuditEvent]:
    """Every refusal on record for ``actor``: ``authz.denied`` and the security events."""
    kinds = [ACCESS_DENIED, *SECURITY_REFUSALS]
    with Session(engine) as db:
        return list(
            db.scalars(
                select(AuditEvent)
                .where(AuditEvent.type.in_(kinds), AuditEvent.actor == actor)
                .order_by(AuditEvent.idx)
            )
        )


@pytest.fixture
def scenario(engine: Engine, settings: Settings) -> Scenario:
    return build(engine, settings)


@pytest.fixture
def client_of(engine: Engine, settings: Settings) -> Iterator[Callable[[Caller], TestClient]]:
    opened: list[TestClient] = []

    def open_(who: Caller) -> TestClient:
        headers = {"Authorization": f"Bearer {who.token}"} if who.token else {}
        c = TestClient(create_app(settings, engine), headers=headers)
        c.__enter__()
        opened.append(c)
        return c

    yield open_
    for c in opened:
        c.__exit__(None, None, None)


WRITES = {"POST", "PUT", "PATCH", "DELETE"}
EVERY_ROLE_AND_ANONYMOUS = pytest.mark.parametrize(
    "role", [*Role, None], ids=[*(r.value for r in Role), "anonymous"]
)


def log_size(engine: Engine) -> int:
    from kuntur.audit import service as audit

    with Session(engine) as db:
        return audit.size(db)


@EVERY_ROLE_AND_ANONYMOUS
def test_role_matrix(
    engine: Engine,
    scenario: Scenario,
    client_of: Callable[[Caller], TestClient],
    role: Role | None,
) -> None:
    who = caller(engine, scenario, role)
    c = client_of(who)
    wrong = []
    expected_denials: Counter[str] = Counter()
    for key, row in ROUTES.items():
        before = log_size(engine)
        status = request(c, scenario, key, row, who)
        if allowed(role, row.needs, key):
            ok = 200 <= status < 300
            # A change of state that leaves no audit event is a defect by construction.
            if ok and key[0] in WRITES and key not in UNAUDITED and log_size(engine) == before:
                wrong.append((*key, "changed state without an audit event"))
        elif role is None:
            ok = status == 401
        else:
            ok = status == 403
            # A desk outside the chain holds the route's permission: the read rule refuses.
            chain = key in OUTSIDE_CHAIN and row.needs in role_permissions(role)
            expected_denials[str(OVERSIGHT_READ if chain else row.needs)] += 1
        if not ok:
            wrong.append((*key, status))
    assert not wrong, f"{role}: unexpected answers {wrong}"
    logged = denials(engine, f"user:{who.username}")
    assert all(e.outcome == "denied" for e in logged)
    got = Counter(json.loads(e.details).get("permission") for e in logged)
    assert got == expected_denials, "each refusal is audited once, naming the permission"
    # Every row is a valid request: nothing refused before the permission was asked.
    assert [e.type for e in refusals(engine, f"user:{who.username}")] == ["authz.denied"] * len(
        logged
    )


def first_page(role: Role | None) -> str:
    """Where "/" sends ``role``: the login, the first declared page it may use, or a 403
    that says it has none."""
    if role is None:
        return TO_LOGIN
    held = role_permissions(role)
    for page in registry.pages():
        if page.nav and (page.permission is None or page.permission in held):
            return f"to {page.path}"
    return "403"


@EVERY_ROLE_AND_ANONYMOUS
def test_page_matrix(
    engine: Engine,
    scenario: Scenario,
    client_of: Callable[[Caller], TestClient],
    role: Role | None,
) -> None:
    who = caller(engine, scenario, role)
    c = client_of(who)
    wrong = []
    expected_denials = 0
    for (method, path), (url, needs) in PAGES.items():
        url = url.format(s=scenario)
        if (method, path) in PUBLIC_FORMS:
            sent = {"Origin": "http://testserver"}
            r = c.request(method, url, data={}, headers=sent, follow_redirects=False)
            c.cookies.clear()
            location = r.headers.get("location", "")
            outcome = f"to {location}" if r.status_code == 303 else str(r.status_code)
            expected = PUBLIC_FORMS[(method, path)]
        elif method == "POST":  # the form logon: the caller's own credentials
            form = {"username": who.username, "password": PASSWORD, "next": "/mapa"}
            if who.totp:
                form["totp"] = who.code() or ""
            r = c.post(url, data=form, follow_redirects=False)
            c.cookies.clear()
            outcome = "to /mapa" if r.status_code == 303 else str(r.status_code)
            expected = TO_MAP
        else:
            r = c.get(url, follow_redirects=False)
            location = r.headers.get("location", "")
            if r.status_code in (303, 307):
                outcome = "to /login" if location.startswith("/login") else f"to {location}"
            else:
                outcome = OPEN if r.status_code == 200 else str(r.status_code)
            if url == "/":
                expected = first_page(role)
            elif allowed(role, needs, (method, path)):
                expected = OPEN
            elif role is None:
                expected = TO_LOGIN
            elif url.startswith(("/casos/", "/uso-fuerza/", "/patrullaje/planes/")):  # their data
                expected, expected_denials = "403", expected_denials + 1
            else:
                expected = "403"  # the page's refusal, in words (its data API audits)
        if outcome != expected:
            wrong.append((url, outcome, expected))
    assert not wrong, f"{role}: pages answered (url, got, expected) {wrong}"
    assert len(denials(engine, f"user:{who.username}")) == expected_denials


def test_a_write_without_its_csrf_token_is_a_refusal_on_record(
    engine: Engine, anonymous_client: TestClient
) -> None:
    """A cookie session's write without the CSRF token was refused (403) off the record. It
    is refused before any permission is asked, and on record once, as the security event
    decision 0005 names for it (``auth.csrf_failed``, rate-limited per client like the other
    refused credentials), not also as ``authz.denied``."""
    make_user(engine, "sesion_web", ["dispatcher"])
    c = anonymous_client
    me = c.post("/api/auth/login", json={"username": "sesion_web", "password": PASSWORD})
    assert me.status_code == 200
    assert c.post("/api/incidents", json=INCIDENT).status_code == 403
    (refused,) = refusals(engine, "user:sesion_web")
    assert refused.type == CSRF_FAILED and refused.outcome == "denied"
    assert refused.object_type == "session"
    assert json.loads(refused.details)["method"] == "POST"
    assert c.get("/api/incidents/stats").json()["count"] == 0  # and nothing was written


INTELLIGENCE_READS = (
    "/api/intel/cases",
    "/api/intel/cases/{s.case}",
    "/api/intel/cases/{s.case}/report",
    "/api/intel/networks",
    "/api/intel/networks/{s.network}",
    "/api/intel/reports/{s.ext}/network",
    "/casos/{s.case}",
)


@pytest.mark.parametrize(
    ("role", "agency"),
    [(Role.OMBUDSMAN, "DP"), (Role.PROSECUTOR, "MP"), (Role.INTERNAL_AFFAIRS, "PNP")],
)
def test_oversight_bodies_do_not_read_intelligence(
    engine: Engine, settings: Settings, scenario: Scenario, role: Role, agency: str
) -> None:
    """The oversight bodies hold audit.read, which an older rule let reach intelligence
    cases; intelligence is outside their mandate: every case, report and network is 403,
    each refusal on record. The control auditor keeps reading cases and case reports."""
    assert AUDIT_READ in role_permissions(role) and INTEL_OVERSEE not in role_permissions(role)
    name = f"control_{role.value}"
    token, _ = make_user(engine, name, [role.value], agency=agency, clearance=3)
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        for url in INTELLIGENCE_READS:
            r = c.get(url.format(s=scenario), headers=INTEL, follow_redirects=False)
            assert r.status_code == 403, (url, r.status_code)
    assert len(denials(engine, f"user:{name}")) == len(INTELLIGENCE_READS)
    token, _ = make_user(engine, "control_auditor", [Role.AUDITOR.value], clearance=3)
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        for url in INTELLIGENCE_READS[:3] + INTELLIGENCE_READS[-1:]:
            r = c.get(url.format(s=scenario))
            assert r.status_code == 200, (url, r.status_code)


def test_cot_checks_the_caller_before_reading_the_xml(
    engine: Engine, settings: Settings, anonymous_client: TestClient
) -> None:
    """The CoT endpoint parsed any body before asking who sent it: an anonymous caller's
    XML was read (and answered 422) before the 401."""
    bad = {"content": b"<event", "headers": {"Content-Type": "application/xml"}}
    assert anonymous_client.post("/api/command/positions/cot", **bad).status_code == 401
    token, _ = make_user(engine, "analista_cot", ["crime_analyst"])
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        assert c.post("/api/command/positions/cot", **bad).status_code == 403
    assert len(denials(engine, "user:analista_cot")) == 1


@pytest.mark.parametrize("role", [*Role], ids=[r.value for r in Role])
def test_owners_list_and_revoke_their_own_tokens(
    engine: Engine, settings: Settings, role: Role
) -> None:
    """The token rows above ask for another user's tokens (users.manage); one's own need no
    permission, whatever the roles."""
    token, _ = make_user(engine, f"dueno_{role.value}", [role.value])
    with Session(engine, expire_on_commit=False) as db, db.begin():
        user = db.scalar(select(User).where(User.username == f"dueno_{role.value}"))
        assert user is not None
        _raw, spare = identity.open_session(db, user, "api", label="de repuesto")
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        listed = c.get("/api/auth/tokens")
        assert listed.status_code == 200
        assert sorted(t["label"] for t in listed.json()) == ["de repuesto", "tests"]
        assert c.delete(f"/api/auth/tokens/{spare.id}").status_code == 204
        assert [t["label"] for t in c.get("/api/auth/tokens").json()] == ["tests"]
    assert refusals(engine, f"user:dueno_{role.value}") == []
