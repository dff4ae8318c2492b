"""Anonymous tips: taking them from the public, following them by receipt, and the citizen
liaison desk's work on them.

Two kinds of caller, two kinds of function:

- **The tipster** has no account and is never an actor: ``submit``, ``find`` and
  ``tipster_message`` take the store session and the keys, write no audit event and keep
  nothing about who called (no address, browser, request id or time of day: the day of
  arrival only). The anonymity is by construction: there is no column to leak into.
- **The desk** acts through the ``Actor`` like every other service: every read and every
  act is on record (``tips.triage``), contact details open only with ``tips.contact``, for
  a stated reason, as a sensitive read.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import h3.api.basic_int as h3_int
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kuntur.citizens import catalogue, photos, receipts
from kuntur.citizens.keys import CitizensKeyError, Keys
from kuntur.citizens.manifest import (
    TIP_CLOSED,
    TIP_CONTACT_READ,
    TIP_CONVERTED,
    TIP_PHOTO_READ,
    TIP_QUEUE_READ,
    TIP_READ,
    TIP_REPLIED,
    TIP_REVIEWING,
    TIPS_CONTACT,
    TIPS_TRIAGE,
)
from kuntur.citizens.models import Tip, TipMessage, TipPhoto
from kuntur.core.errors import Conflict, InvalidInput, NotFound
from kuntur.core.i18n import N_, _, render
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Source
from kuntur.incidents.schemas import IncidentCreate


class Refused(InvalidInput):
    """A refusal the tip pages show in the reader's language (``text``); the API answers
    it as every ``InvalidInput``, in both ("es / en")."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(render(msgid, None, **values))
        self.msgid, self.values = msgid, values

    def text(self, lang: str | None) -> str:
        return render(self.msgid, lang, **self.values)


CELL_RES = 8  # about 0.74 km² a cell (edge ~460 m): the tipster is shown the hexagon kept
MAX_SUMMARY = 200
MAX_NARRATIVE = 5000
MAX_CONTACT = 300
MAX_MESSAGE = 2000
MAX_MESSAGES_PER_TIP = 50  # from the tipster; a tip is not a chat room
CONTACT_REASONS = ("call_back", "clarify", "protect")


def today_lima() -> date:
    """The day (Lima) — the only time of submission the store keeps."""
    return utcnow().astimezone(LIMA).date()


# --- the location, blurred ---------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    cell: int
    lat: float
    lon: float
    boundary: list[tuple[float, float]]  # (lat, lon) of its corners
    district: str | None


def blur(lat: float, lon: float) -> Cell:
    """The H3 cell (resolution 8) holding the point: what is stored instead of the point,
    and what the tip page draws so the tipster sees what will be kept."""
    x0, y0, x1, y1 = geo.SERVED_AREA
    if not (y0 < lat < y1 and x0 < lon < x1):
        raise Refused(
            N_("el punto está fuera del Perú: marque en el mapa dónde pasó, o elija el distrito")
        )
    cell = int(h3_int.latlng_to_cell(lat, lon, CELL_RES))
    return cell_info(cell)


def cell_info(cell: int) -> Cell:
    clat, clon = h3_int.cell_to_latlng(cell)
    corners = [(round(a, 6), round(b, 6)) for a, b in h3_int.cell_to_boundary(cell)]
    return Cell(cell, clat, clon, corners, geo.locate_one(clon, clat))


# --- the tipster -------------------------------------------------------------------------
@dataclass
class TipInput:
    category: str
    summary: str
    narrative: str = ""
    danger_now: bool = False
    latitude: float | None = None
    longitude: float | None = None
    district: str | None = None
    occurred_on: date | None = None
    occurred_part: str | None = None
    contact: str = ""
    photos: list[bytes] = field(default_factory=list)


PHOTO_ERRORS = {
    "too_large": N_("la foto {n} pesa más de {mb} MB: envíe una más pequeña (o una captura)"),
    "empty": N_("la foto {n} está vacía: elíjala de nuevo"),
    "not_a_photo": N_("el archivo {n} no es una foto (JPEG, PNG o WebP): elija una foto"),
    "too_many_pixels": N_("la foto {n} es demasiado grande (más de 40 megapíxeles)"),
}


def _photo_error(code: str, n: int, max_bytes: int) -> Refused:
    msgid = PHOTO_ERRORS.get(code, PHOTO_ERRORS["not_a_photo"])
    return Refused(msgid, n=n, mb=max_bytes // (1024 * 1024))


def check(data: TipInput, *, max_photos: int, photo_max_bytes: int) -> list[photos.Clean]:
    """Refuse what cannot be taken, in words that say what to do; the cleaned photos."""
    if data.category not in catalogue.CATEGORIES:
        raise Refused(N_("elija qué tipo de hecho quiere denunciar"))
    if not data.summary.strip():
        raise Refused(N_("cuente en una línea qué pasó (el campo «¿Qué pasó?»)"))
    if len(data.summary) > MAX_SUMMARY:
        raise Refused(
            N_("«¿Qué pasó?» admite hasta {n} caracteres: siga en el detalle"), n=MAX_SUMMARY
        )
    if len(data.narrative) > MAX_NARRATIVE:
        raise Refused(N_("el detalle admite hasta {n} caracteres"), n=MAX_NARRATIVE)
    if len(data.contact) > MAX_CONTACT:
        raise Refused(N_("el contacto admite hasta {n} caracteres"), n=MAX_CONTACT)
    for text in (data.summary, data.narrative, data.contact):
        if "\x00" in text:
            raise Refused(N_("el texto no puede contener el carácter NUL"))
    if data.occurred_part and data.occurred_part not in catalogue.DAY_PARTS:
        raise Refused(N_("elija en qué parte del día pasó, o déjelo en blanco"))
    if data.occurred_on is not None:
        today = today_lima()
        if data.occurred_on > today:
            raise Refused(N_("la fecha del hecho no puede ser posterior a hoy"))
        if data.occurred_on < today - timedelta(days=3650):
            raise Refused(N_("la fecha del hecho es de hace más de diez años: revísela"))
    if data.district and (geo.get_district(data.district) is None or not data.district.isdigit()):
        raise Refused(N_("elija el distrito de la lista"))
    if (data.latitude is None) != (data.longitude is None):
        raise Refused(N_("marque el lugar en el mapa otra vez (falta una coordenada)"))
    if len(data.photos) > max_photos:
        raise Refused(N_("puede adjuntar hasta {n} fotos"), n=max_photos)
    cleaned = []
    for n, raw in enumerate(data.photos, start=1):
        try:
            cleaned.append(photos.clean(raw, photo_max_bytes))
        except photos.PhotoRejected as exc:
            raise _photo_error(str(exc), n, photo_max_bytes) from None
    return cleaned


def urgency(category: str, danger_now: bool) -> int:
    return 1 if danger_now else catalogue.CATEGORIES[category][2]


def submit(
    db: Session,
    keys: Keys,
    data: TipInput,
    *,
    max_photos: int = 3,
    photo_max_bytes: int = 5 * 1024 * 1024,
) -> tuple[Tip, str]:
    """Store a tip; returns it and its receipt (shown once to the tipster, stored only as
    a keyed hash). No audit event: the log would keep the exact time (decision 0012)."""
    cleaned = check(data, max_photos=max_photos, photo_max_bytes=photo_max_bytes)
    cell: Cell | None = None
    if data.latitude is not None and data.longitude is not None:
        cell = blur(data.latitude, data.longitude)
    code = receipts.new()
    tip = Tip(
        id=secrets.randbelow(2**53 - 1) + 1,  # random: a sequence would order arrivals
        receipt_hash=receipts.digest(keys.receipts, code),
        category=data.category,
        danger_now=data.danger_now,
        urgency=urgency(data.category, data.danger_now),
        summary=data.summary.strip(),
        narrative=data.narrative.strip(),
        h3_cell=cell.cell if cell else None,
        district_ubigeo=(cell.district if cell else None) or (data.district or None),
        occurred_on=data.occurred_on,
        occurred_part=data.occurred_part or None,
        received_on=today_lima(),
        contact_sealed=keys.desk.seal(data.contact.strip()) if data.contact.strip() else None,
        status="received",
    )
    db.add(tip)
    db.flush()
    db.add_all(
        TipPhoto(tip_id=tip.id, data=p.data, width=p.width, height=p.height) for p in cleaned
    )
    db.flush()
    return tip, code


# One digest to compare against when no tip matches, so that an unknown receipt costs the
# same work as a known one.
_NO_TIP = "0" * 64


def find(db: Session, keys: Keys, receipt: str) -> Tip | None:
    """The tip of ``receipt``, or None: for a malformed, unknown or wrong receipt alike
    (the caller answers all three the same way). The digest is looked up by its index
    and compared in constant time; a miss does the same work against a dummy."""
    code = receipts.normalise(receipt) or "0" * receipts.DIGITS
    wanted = receipts.digest(keys.receipts, code)
    tip = db.scalar(select(Tip).where(Tip.receipt_hash == wanted))
    stored = tip.receipt_hash if tip is not None else _NO_TIP
    if not receipts.same(stored, wanted) or tip is None:
        return None
    return tip


def tipster_message(db: Session, tip: Tip, body: str) -> TipMessage:
    body = body.strip()
    if not body:
        raise Refused(N_("escriba su mensaje antes de enviarlo"))
    if len(body) > MAX_MESSAGE:
        raise Refused(N_("el mensaje admite hasta {n} caracteres"), n=MAX_MESSAGE)
    if "\x00" in body:
        raise Refused(N_("el texto no puede contener el carácter NUL"))
    sent = db.scalar(
        select(func.count())
        .select_from(TipMessage)
        .where(TipMessage.tip_id == tip.id, TipMessage.author == "tipster")
    )
    if (sent or 0) >= MAX_MESSAGES_PER_TIP:
        raise Refused(
            N_("esta denuncia ya tiene {n} mensajes suyos: envíe una denuncia nueva"), n=sent
        )
    if tip.status == "closed":
        raise Refused(N_("esta denuncia está cerrada: si hay algo nuevo, envíe una denuncia nueva"))
    message = TipMessage(tip_id=tip.id, author="tipster", body=body, sent_on=today_lima())
    db.add(message)
    db.flush()
    return message


def messages(db: Session, tip: Tip) -> list[TipMessage]:
    return list(
        db.scalars(select(TipMessage).where(TipMessage.tip_id == tip.id).order_by(TipMessage.id))
    )


def public_out(db: Session, tip: Tip, lang: str | None = "es") -> dict[str, Any]:
    """What the tipster sees: the status, the reason phrased for the public, the messages
    (the desk's signed "Mesa de enlace ciudadano", never a name)."""
    reason = catalogue.CLOSE_REASONS.get(tip.close_reason or "")
    return {
        "status": tip.status,
        "status_label": render(catalogue.STATUSES[tip.status], lang),
        "status_hint": render(catalogue.STATUS_HINTS[tip.status], lang),
        "reason": render(reason[1], lang) if reason else None,
        "received_on": tip.received_on.isoformat(),
        "category_label": render(catalogue.CATEGORIES[tip.category][0], lang),
        "summary": tip.summary,
        "messages": [
            {"author": m.author, "body": m.body, "sent_on": m.sent_on.isoformat()}
            for m in messages(db, tip)
        ],
    }


# --- the desk ----------------------------------------------------------------------------
def _tip(actor: Actor, tip_id: int) -> Tip:
    tip = actor.db.get(Tip, tip_id)
    if tip is None:
        raise NotFound(_("la denuncia {id} no existe", id=tip_id))
    return tip


def queue(actor: Actor, *, status: str = "open", limit: int = 200) -> list[Tip]:
    """Tips by urgency (life at risk first, then extortion...), the oldest first within
    one urgency; open ones by default (``status`` "open", "all" or one status)."""
    actor.require(TIPS_TRIAGE, object_type="tip")
    q = select(Tip)
    if status == "open":
        q = q.where(Tip.status.in_(catalogue.OPEN_STATUSES))
    elif status != "all":
        if status not in catalogue.STATUSES:
            raise Refused(N_("estado desconocido: {status}"), status=status)
        q = q.where(Tip.status == status)
    open_first = case((Tip.status.in_(catalogue.OPEN_STATUSES), 0), else_=1)
    q = q.order_by(open_first, Tip.urgency, Tip.received_on, Tip.id).limit(limit)
    found = list(actor.db.scalars(q))
    actor.record(TIP_QUEUE_READ, object_type="tip", details={"status": status, "n": len(found)})
    return found


def photo_counts(actor: Actor, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = actor.db.execute(
        select(TipPhoto.tip_id, func.count())
        .where(TipPhoto.tip_id.in_(ids))
        .group_by(TipPhoto.tip_id)
    )
    return {int(t): int(n) for t, n in rows}


def open_tip(actor: Actor, tip_id: int) -> Tip:
    """One tip for the desk; the first desk reading moves it to "en revisión"."""
    actor.require(TIPS_TRIAGE, object_type="tip", object_id=str(tip_id))
    tip = _tip(actor, tip_id)
    actor.record(TIP_READ, object_type="tip", object_id=str(tip.id))
    if tip.status == "received":
        tip.status = "reviewing"
        _handled(actor, tip)
        actor.record(TIP_REVIEWING, object_type="tip", object_id=str(tip.id))
    return tip


def _handled(actor: Actor, tip: Tip) -> None:
    tip.handled_by = actor.who
    tip.handled_at = utcnow()


def photo_ids(actor: Actor, tip: Tip) -> list[int]:
    return list(
        actor.db.scalars(select(TipPhoto.id).where(TipPhoto.tip_id == tip.id).order_by(TipPhoto.id))
    )


def photo(actor: Actor, tip_id: int, photo_id: int) -> bytes:
    actor.require(TIPS_TRIAGE, object_type="tip", object_id=str(tip_id))
    found = actor.db.get(TipPhoto, photo_id)
    if found is None or found.tip_id != tip_id:
        raise NotFound(_("la foto {id} no existe", id=photo_id))
    actor.record(
        TIP_PHOTO_READ, object_type="tip", object_id=str(tip_id), details={"photo": photo_id}
    )
    return found.data


def contact(actor: Actor, keys: Keys, tip_id: int, reason: str) -> str | None:
    """The tipster's contact details, opened with the desk's private key: a sensitive read,
    with its reason and the tip as its purpose, on record (None when none were left)."""
    if reason not in CONTACT_REASONS:
        raise Refused(N_("diga para qué necesita el contacto (elija un motivo)"))
    actor.require(TIPS_CONTACT, object_type="tip", object_id=str(tip_id))
    tip = _tip(actor, tip_id)
    if tip.contact_sealed is None:
        return None
    try:
        opened = keys.desk.open(tip.contact_sealed)
    except CitizensKeyError as exc:
        raise Conflict(str(exc)) from None
    actor.with_purpose(f"tip:{tip.id}").record(
        TIP_CONTACT_READ, object_type="tip", object_id=str(tip.id), details={"reason": reason}
    )
    return opened


def reply(actor: Actor, tip_id: int, body: str) -> TipMessage:
    actor.require(TIPS_TRIAGE, object_type="tip", object_id=str(tip_id))
    tip = _tip(actor, tip_id)
    body = body.strip()
    if not body:
        raise Refused(N_("escriba el mensaje para el denunciante"))
    message = TipMessage(
        tip_id=tip.id, author="desk", body=body, sent_on=today_lima(), written_by=actor.who
    )
    actor.db.add(message)
    if tip.status == "received":
        tip.status = "reviewing"
    _handled(actor, tip)
    actor.db.flush()
    actor.record(TIP_REPLIED, object_type="tip", object_id=str(tip.id))
    return message


def _open_or_conflict(tip: Tip) -> None:
    if tip.status not in catalogue.OPEN_STATUSES:
        raise Conflict(
            _(
                "la denuncia {id} ya está {status}: no cambia más",
                id=tip.id,
                status=render(catalogue.STATUSES[tip.status]).lower(),
            )
        )


def where(tip: Tip) -> tuple[float, float] | None:
    """(lat, lon) to give an incident made from ``tip``: the centre of its cell, or of its
    district; None when the tipster said neither."""
    if tip.h3_cell is not None:
        lat, lon = h3_int.cell_to_latlng(tip.h3_cell)
        return lat, lon
    district = geo.get_district(tip.district_ubigeo) if tip.district_ubigeo else None
    if district and district.latitude is not None and district.longitude is not None:
        return district.latitude, district.longitude
    return None


def convert(
    actor: Actor,
    tip_id: int,
    *,
    narrative: str | None = None,
    classification: int = 0,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Tip:
    """Turn a tip into an incident through the incidents service (as this actor: it needs
    ``incidents.write`` too), linked both ways; an extortion, kidnapping or threat joins
    intelligence's networks in the same transaction (its phones and accounts are read
    from the narrative, ``intelligence.subscriptions``). The contact never goes along."""
    actor.require(TIPS_TRIAGE, object_type="tip", object_id=str(tip_id))
    tip = _tip(actor, tip_id)
    _open_or_conflict(tip)
    place = (latitude, longitude) if latitude is not None and longitude is not None else where(tip)
    if place is None:
        raise Refused(
            N_(
                "la denuncia no dice dónde pasó: indique latitud y longitud del incidente "
                "(por ejemplo, las de la comisaría del distrito)"
            )
        )
    category = catalogue.CATEGORIES[tip.category][1]
    text = narrative if narrative is not None else f"{tip.summary}\n\n{tip.narrative}".strip()
    when = datetime.combine(tip.occurred_on or tip.received_on, time(12, 0), tzinfo=LIMA)
    incident = incidents.create(
        actor=actor,
        data=IncidentCreate(
            source=Source.CITIZEN_TIP,
            external_id=f"tip:{tip.id}",
            category=category,
            category_label=render(catalogue.CATEGORIES[tip.category][0], "es"),
            priority=tip.urgency,
            occurred_at=when,
            latitude=place[0],
            longitude=place[1],
            narrative=text[:20_000],
            classification=classification,
        ),
    )
    tip.status = "converted"
    tip.incident_id = incident.id
    _handled(actor, tip)
    actor.db.flush()
    actor.record(
        TIP_CONVERTED,
        object_type="tip",
        object_id=str(tip.id),
        details={"incident": incident.id, "category": category.value},
    )
    return tip


def close(actor: Actor, tip_id: int, reason: str) -> Tip:
    actor.require(TIPS_TRIAGE, object_type="tip", object_id=str(tip_id))
    if reason not in catalogue.CLOSE_REASONS:
        raise Refused(N_("elija el motivo del cierre de la lista"))
    tip = _tip(actor, tip_id)
    _open_or_conflict(tip)
    tip.status = "closed"
    tip.close_reason = reason
    _handled(actor, tip)
    actor.db.flush()
    actor.record(TIP_CLOSED, object_type="tip", object_id=str(tip.id), details={"reason": reason})
    return tip


def brief_out(tip: Tip, photos_n: int, lang: str | None = "es") -> dict[str, Any]:
    today = today_lima()
    return {
        "id": tip.id,
        "category": tip.category,
        "category_label": render(catalogue.CATEGORIES[tip.category][0], lang),
        "urgency": tip.urgency,
        "danger_now": tip.danger_now,
        "summary": tip.summary,
        "status": tip.status,
        "status_label": render(catalogue.STATUSES[tip.status], lang),
        "received_on": tip.received_on.isoformat(),
        "age_days": (today - tip.received_on).days,
        "district": tip.district_ubigeo,
        "district_name": _district_name(tip.district_ubigeo),
        "has_contact": tip.contact_sealed is not None,
        "photos": photos_n,
        "incident_id": tip.incident_id,
    }


def _district_name(ubigeo: str | None) -> str | None:
    d = geo.get_district(ubigeo) if ubigeo else None
    return d.name if d else None


def detail_out(actor: Actor, tip: Tip, lang: str | None = "es") -> dict[str, Any]:
    ids = photo_ids(actor, tip)
    cell = cell_info(tip.h3_cell) if tip.h3_cell is not None else None
    reason = catalogue.CLOSE_REASONS.get(tip.close_reason or "")
    return {
        **brief_out(tip, len(ids), lang),
        "narrative": tip.narrative,
        "occurred_on": tip.occurred_on.isoformat() if tip.occurred_on else None,
        "occurred_part": tip.occurred_part,
        "occurred_part_label": render(catalogue.DAY_PARTS[tip.occurred_part], lang)
        if tip.occurred_part
        else None,
        "cell": str(cell.cell) if cell else None,
        "cell_boundary": [list(c) for c in cell.boundary] if cell else [],
        "close_reason": tip.close_reason,
        "close_reason_label": render(reason[0], lang) if reason else None,
        "photo_ids": ids,
        "handled_by": tip.handled_by,
        "messages": [
            {
                "author": m.author,
                "body": m.body,
                "sent_on": m.sent_on.isoformat(),
                "written_by": m.written_by,
            }
            for m in messages(actor.db, tip)
        ],
    }
