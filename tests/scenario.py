"""A store with one record behind every route: the joint command of ``build_world``, incidents
(enough for a forecast), a forecast, an extortion network and its open case, an order, a spare
legal basis, a signed checkpoint with a registered witness, and a colleague (an intelligence
analyst with an API token: someone to add to the case, a token for users.manage to list and
revoke). Built as the system, so that building it leaves no trace of any test user in the log.

A purpose is checked, not trusted (``identity.purposes``): ``PURPOSE`` is the open case, and
it holds only for its members; ``join_case`` makes a test's analyst one.

Used by the role matrix, the per-record matrix and the API fuzz.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit import keys
from kuntur.audit import service as audit
from kuntur.command import service as command
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.core.timeutil import utcnow
from kuntur.forecasting import service as forecasting
from kuntur.forecasting.models import ForecastCell
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Category, Source
from kuntur.incidents.schemas import IncidentCreate
from kuntur.intelligence import cases
from kuntur.patrol import service as patrol
from kuntur.public import service as public
from tests.command.conftest import World, build_world
from tests.conftest import PASSWORD

SYSTEM = RequestContext.system("test", purpose="CASO-2026-0001")
PURPOSE = "CASO-2026-0001"
# Two reports that share a phone: one network of two.
NARRATIVES = (
    "Me llamaron del 987 654 321 exigiendo S/ 5,000. Que yapee al 955 111 222.",
    "Amenazas desde el +51 987-654-321; piden yapear al 955111222.",
)
WITNESS = "Defensoría"
# Countersigns through the signed-in route: a witness of the callers' own institution (the
# matrix's users are PNP; the Inspectoría General is the PNP's internal affairs).
DESK_WITNESS = "Inspectoría General PNP"
COLLEAGUE = "colega"  # a PNP intelligence analyst, not yet on the case


@dataclass
class Scenario:
    world: World
    a: int  # an open PNP theft: detail, recommendation, dispatch, status, timeline
    b: int  # two open incidents: b merges into c
    c: int
    ext: int  # an extortion report with a narrative, in a network
    network: str
    entity: str
    case: int  # PURPOSE, open, owned by PNP; members: see join_case
    forecast: int
    cell: int
    order: int  # issued by the joint command to station A: acknowledged, then completed
    spare_auth: int  # a legal basis nothing depends on: revoked
    checkpoint: int
    witness_signature: str  # base64, the witness's countersignature of that checkpoint
    colleague: str
    colleague_token: int  # the id of the colleague's API token
    audit_size: int
    # Oversight (issue 14): an army member, a filed report on them (follow-up, review), a
    # reviewed report ready to close, a complaint, an open flag, and a second witness's
    # signature of the checkpoint (countersigned by a signed-in oversight user).
    soldier: int
    uof_report: int
    uof_closable: int
    complaint: int
    flag: int
    desk_witness_signature: str
    patrol_plan: int = 0  # a draft for the Lima front's units (the forecast counts all)
    # Citizens (issue 16): an anonymous tip with a contact (read, answered, converted), a
    # spare one (closed), and the first one's receipt (followed, written to).
    tip: int = 0
    tip_spare: int = 0
    tip_receipt: str = ""
    tip_photo: int = 0
    tip_challenge_key: bytes = b""
    public_alert: int = 0  # a public CAP alert (an exercise) for the Rímac
    border_hit: int = 0  # a border screening's hit (a listed person), to decide on
    intervention: int = 0  # an intervention on record (issue 18), in the Rímac
    field_device: int = 0  # a phone signed in for a shift as PNP-A-P1: listed, revoked
    # An evidence photo of the filed report (read by oversight); and an incident PNP-A-P1
    # went to, cleared with force, its report filed from the phone (FIELD_UOF_CLIENT): a
    # photo for it may be sent.
    uof_photo: int = 0


def incident(
    db: Session,
    *,
    category: Category = Category.THEFT,
    days_ago: float = 1.0,
    lon: float = -77.03,
    lat: float = -12.0464,
    narrative: str | None = None,
) -> int:
    data = IncidentCreate(
        source=Source.EMERGENCY_CALL,
        category=category,
        occurred_at=utcnow() - timedelta(days=days_ago),
        latitude=lat,
        longitude=lon,
        narrative=narrative,
    )
    row = incidents.create(actor=Actor(db, SYSTEM), data=data)
    db.flush()
    return row.id


def build(engine: Engine, settings: Settings) -> Scenario:
    world = build_world(engine)
    now = utcnow()
    with Session(engine, expire_on_commit=False) as db, db.begin():
        a, b, c = (incident(db, days_ago=0.1 * (i + 1)) for i in range(3))
        ext = incident(db, category=Category.EXTORTION, narrative=NARRATIVES[0])
        incident(db, category=Category.EXTORTION, narrative=NARRATIVES[1])
        for i in range(56):  # a forecast needs 50 incidents: a month of thefts in the centre
            incident(
                db,
                days_ago=2 + i % 28,
                lon=-77.03 + 0.002 * (i % 7),
                lat=-12.0464 + 0.002 * (i % 8),
            )
    with Session(engine, expire_on_commit=False) as db, db.begin():
        network = f"N-{ext}"
        case = cases.open_case(Actor(db, SYSTEM), number=PURPOSE, title="Red", network=network)
        f = forecasting.run(actor=Actor(db, SYSTEM), req=forecasting.RunRequest(method="naive"))
        cell = db.scalar(select(ForecastCell.cell).where(ForecastCell.forecast_id == f.id).limit(1))
        assert cell is not None
        order = command.issue_order(
            Actor(db, SYSTEM),
            issuer_node_id=world.joint,
            target_node_id=world.station_a,
            kind="patrol",
            text="Patrullaje preventivo",
            starts_at=now,
            ends_at=now + timedelta(hours=6),
        )
        plan = patrol.build_plan(
            Actor(db, SYSTEM),
            starts_at=now,
            ends_at=now + timedelta(hours=6),
            include_discovered=True,
            node_id=world.front,
        )
        spare = command.create_authorization(
            Actor(db, SYSTEM),
            kind="state_of_emergency",
            number="DS 2-2026-PCM",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=20),
            forces_role="support",
            districts=["150101"],
            restricted_rights=["movement"],
        )
        alert = public.issue_alert(
            Actor(db, SYSTEM),
            district="150128",
            event="Simulacro",
            headline="SIMULACRO: alerta de prueba",
            description="Ejercicio ficticio.",
            instruction="Ninguna.",
        )
        witness = Ed25519PrivateKey.generate()
        audit.add_witness(db, SYSTEM, WITNESS, keys.public_bytes(witness))
        signing = keys.signing_key(settings.effective_audit_key_path, settings.environment)
        cp = audit.create_checkpoint(db, SYSTEM, signing)
        signature = witness.sign(keys.checkpoint_note(cp.size, cp.root, cp.at))
        colleague, _ = identity.create_user(
            db,
            SYSTEM,
            username=COLLEAGUE,
            password=PASSWORD,
            display_name="Colega",
            agency="PNP",
            roles=["intel_analyst"],
            clearance=3,
        )
        _raw, token = identity.open_session(db, colleague, "api", label="guion")
        desk_witness = Ed25519PrivateKey.generate()
        audit.add_witness(db, SYSTEM, DESK_WITNESS, keys.public_bytes(desk_witness), "PNP")
        desk_signature = desk_witness.sign(keys.checkpoint_note(cp.size, cp.root, cp.at))
        ids = (case.id, f.id, order.id, spare.id, cp.id, token.id, plan.id)
        alert_id = alert.id
        ov = _oversight(Actor(db, SYSTEM), world)
    with Session(engine) as db:
        size = audit.size(db)
    return Scenario(
        world=world,
        a=a,
        b=b,
        c=c,
        ext=ext,
        network=network,
        entity="phone:+51955111222",
        case=ids[0],
        forecast=ids[1],
        cell=int(cell),
        order=ids[2],
        spare_auth=ids[3],
        checkpoint=ids[4],
        witness_signature=base64.b64encode(signature).decode(),
        colleague=COLLEAGUE,
        colleague_token=ids[5],
        audit_size=size,
        desk_witness_signature=base64.b64encode(desk_signature).decode(),
        **ov,
        patrol_plan=ids[6],
        **_tips(engine, settings),
        public_alert=alert_id,
        border_hit=_border(engine),
        intervention=_intervention(engine),
        field_device=_field_device(engine, world),
        uof_photo=_field_uof(engine, world, ov["uof_report"]),
    )


def _intervention(engine: Engine) -> int:
    """A patrol plan in the Rímac on record (issue 18)."""
    from datetime import date

    from kuntur.identity.actor import system
    from kuntur.results import service as results

    with Session(engine, expire_on_commit=False) as db, db.begin():
        item = results.record(
            system(db, "guion"),
            kind="patrol_plan",
            title="Plan de patrullaje del guion",
            districts=["150128"],
            starts_on=date.today().replace(day=1),
        )
    return int(item.id)


def _field_device(engine: Engine, world: World) -> int:
    """A field officer of station A signed in on a phone for the shift (kuntur.field)."""
    from kuntur.field import service as field
    from kuntur.identity import service as identity

    with Session(engine, expire_on_commit=False) as db, db.begin():
        user, _ = identity.create_user(
            db,
            SYSTEM,
            username="agente_guion",
            password=PASSWORD,
            display_name="Agente",
            agency="PNP",
            roles=["field_officer"],
        )
        user.unit_id = world.station_a
        officer = Actor(db, identity.context_for(user, None, request_id="guion"))
        _raw, dev, _unit = field.start_shift(
            officer, user, device_key="g" * 32, label="guion", call_sign=None, hours=8
        )
        return dev.id


FIELD_UOF_CLIENT = "guion-informe-uof"


def _field_uof(engine: Engine, world: World, report_id: int) -> int:
    """A photo on the filed report; and PNP-A-P1's cleared incident, with its use-of-force
    report filed from the scenario's phone (its client id ``FIELD_UOF_CLIENT``)."""
    from kuntur.dispatch.models import Assignment
    from kuntur.field.models import FieldDevice, FieldReport
    from kuntur.oversight.models import UofPhoto, UofReport

    now = utcnow()
    with Session(engine, expire_on_commit=False) as db, db.begin():
        photo = UofPhoto(
            report_id=report_id,
            data=b"\xff\xd8\xff\xd9",
            size_bytes=4,
            width=1,
            height=1,
            sha256="0" * 64,
            original_sha256="0" * 64,
            attached_by="system",
            attached_at=now,
        )
        db.add(photo)
        iid = incident(db, days_ago=0.05)
        db.add(
            Assignment(
                incident_id=iid,
                unit_id=world.patrol,
                dispatched_at=now - timedelta(hours=1),
                dispatched_by="system",
                released_at=now - timedelta(minutes=10),
            )
        )
        r = UofReport(
            kind="incident",
            status="filed",
            incident_id=iid,
            unit_id=world.patrol,
            command_unit_id=world.station_a,
            incident_at=now - timedelta(hours=1),
            reported_at=now,
            owner_agency="PNP",
            created_by="system",
            created_at=now,
        )
        db.add(r)
        db.flush()
        device = db.scalar(select(FieldDevice.id).where(FieldDevice.unit_id == world.patrol))
        assert device is not None
        db.add(
            FieldReport(
                unit_id=world.patrol,
                device_id=device,
                client_id=FIELD_UOF_CLIENT,
                kind="uof",
                value=str(r.id),
                incident_id=iid,
                recorded_at=now,
                received_at=now,
                outcome="applied",
            )
        )
        db.flush()
        return photo.id


def _border(engine: Engine) -> int:
    """A watchlist of one person and a screening that hits it (issue 17)."""
    from kuntur.border import files
    from kuntur.border import service as border
    from kuntur.border.matching import BirthDate, Traveller
    from kuntur.identity.actor import system

    rows, _ = files.read_watchlist_csv(
        "id,name,birth_date,nationality,document_number,list\n"
        "G1,José Luis Quispe Mamani,1985-03-12,PE,41234567,requisitoria\n",
        "guion.csv",
    )
    with Session(engine, expire_on_commit=False) as db, db.begin():
        actor = system(db, "guion")
        border.import_entries(actor, rows, source="guion")
        out = border.screen_person(
            actor,
            Traveller("X", "José Luis Quispe Mamani", BirthDate(1985, 3, 12), "PE", "41234567"),
            post="Desaguadero",
        )
    return int(out["hits"][0]["hit_id"])


def _tips(engine: Engine, settings: Settings) -> dict[str, object]:
    from kuntur.citizens import keys
    from kuntur.citizens import service as citizens
    from kuntur.citizens.models import TipPhoto

    k = keys.for_settings(settings)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        tip, receipt = citizens.submit(
            db,
            k,
            citizens.TipInput(
                category="extortion",
                summary="Cobro de cupos en una bodega",
                narrative="Llaman del 987 654 321",
                district="150132",
                contact="999 000 111",
            ),
        )
        spare, _ = citizens.submit(
            db, k, citizens.TipInput(category="other", summary="Ruidos", district="150101")
        )
        photo = TipPhoto(tip_id=tip.id, data=b"\xff\xd8\xff\xd9", width=1, height=1)
        db.add(photo)
        db.flush()
    return {
        "tip": tip.id,
        "tip_spare": spare.id,
        "tip_receipt": receipt,
        "tip_photo": photo.id,
        "tip_challenge_key": k.challenges,
    }


def _oversight(actor: Actor, world: World) -> dict[str, int]:
    from kuntur.oversight import service as oversight
    from kuntur.oversight.schemas import ComplaintIn, ForceIn, ReportIn, ThresholdsIn

    soldier = oversight.create_personnel(
        actor,
        service_number="EP-ESC-1",
        name="Soldado Sintético",
        rank="Cabo",
        agency="EP",
        command_unit_id=world.army_div,
    ).id
    at = utcnow() - timedelta(hours=3)

    def report(level: str) -> int:
        return oversight.file_report(
            actor,
            ReportIn(
                incident_at=at,
                unit_id=world.platoon,
                latitude=-12.0464,  # Cercado de Lima, in the state of emergency
                longitude=-77.03,
                force=[ForceIn(personnel_id=soldier, level=level)],  # type: ignore[arg-type]
                legal_basis_id=world.emergency,
            ),
        ).id

    filed, closable = report("firearm"), report("verbal")
    oversight.review(actor, closable, finding="within_policy", text="Conforme")
    complaint = oversight.file_complaint(
        actor, ComplaintIn(summary="Queja sintética", personnel_id=soldier)
    ).id
    oversight.set_thresholds(actor, ThresholdsIn(window_days=30, uof_reports=1))
    (flag,) = oversight.compute_flags(actor)
    return {
        "soldier": soldier,
        "uof_report": filed,
        "uof_closable": closable,
        "complaint": complaint,
        "flag": flag.id,
    }


def join_case(engine: Engine, scenario: Scenario, username: str) -> None:
    """Make ``username`` (an intelligence analyst) a member of the scenario's case, as the
    system adds one: only members may state the case as their purpose."""
    with Session(engine) as db, db.begin():
        cases.add_member(Actor(db, SYSTEM), scenario.case, username)
