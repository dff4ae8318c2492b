"""The rules of a use-of-force report, one pure module for the server and the command line
(``kuntur oversight check``): what is missing, which deadline passed, where it must go;
and the early-intervention indicators against their thresholds. No web, no ORM.

The document (times ISO 8601 with an offset; ``null`` when not done yet)::

    incident_at, reported_at, force: [{member, agency, level, rounds}],
    affected: [{outcome, age, sex}], medical_aid_at, family_notified_at,
    supervisor_present, legal_basis, reviewed_by, reviewed_at

Semantics (Decreto Legislativo 1186, UN Basic Principles 1990, FBI National Use-of-Force
Data Collection):

- ``missing`` names each element the report still lacks, by its key:
  ``reported_at`` (not filed yet); ``legal_basis`` when any force entry is of an armed
  force (EP, MGP, FAP: army, navy, air force) and no basis is given; ``medical_aid_at``
  when anyone was injured, seriously injured or died; ``family_notified_at`` on a serious
  injury or a death; ``reviewed_by`` and ``reviewed_at`` when force was used (any entry)
  and the review is not done. A zero report (no force, nobody affected) needs only
  ``reported_at``. ``supervisor_present`` is a fact to state, never missing by itself.
- ``complete`` is ``missing == []``: every element is there, so the report may close.
  A deadline missed stays in ``overdue`` (the record that it was late), it does not make
  a finished report incomplete.
- ``overdue`` names each deadline passed as of ``at``: ``reported_at`` when the report
  was due ``incident_at + 24 h`` and, with ``at`` at or after that moment, it is still
  not filed or was filed after it; ``reviewed_at`` when a review is required and was due
  ``review_days`` days after the report was filed (after its deadline while unfiled) and,
  with ``at`` at or after that, it is not done or was done late. Deadlines are instants:
  ``2026-01-31T23:30-05:00`` plus 24 h is ``2026-02-01T23:30-05:00`` whatever the month.
- ``referrals``: ``fiscalia`` and ``defensoria`` at once on any death or serious injury
  (UN principle 22: administrative and judicial review).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kuntur.core.i18n import N_, gettext

LEVELS = ("presence", "verbal", "physical", "non_lethal", "firearm")
OUTCOMES = ("none", "injury", "serious_injury", "death")
FINDINGS = ("within_policy", "training", "disciplinary_referral", "criminal_referral")
ARMED_FORCES = frozenset({"EP", "MGP", "FAP"})  # Ejército, Marina de Guerra, Fuerza Aérea
HURT = frozenset({"injury", "serious_injury", "death"})
GRAVE = frozenset({"serious_injury", "death"})
REFERRAL_BODIES = ("fiscalia", "defensoria")
REPORT_WITHIN = timedelta(hours=24)
DEFAULT_REVIEW_DAYS = 15
TIME_KEYS = ("incident_at", "reported_at", "medical_aid_at", "family_notified_at", "reviewed_at")


def is_armed_force(agency: str) -> bool:
    return agency in ARMED_FORCES


class DocumentError(ValueError):
    """A document the rules cannot read: ``field`` names the key, the message says why
    (Spanish, then English)."""

    def __init__(self, field_name: str, es: str, en: str) -> None:
        super().__init__(f"{field_name}: {es} / {en}")
        self.field = field_name
        self.es, self.en = es, en


@dataclass(frozen=True)
class Force:
    member: str
    agency: str
    level: str
    rounds: int = 0


@dataclass(frozen=True)
class Affected:
    outcome: str
    age: int | None = None
    sex: str | None = None


@dataclass(frozen=True)
class Report:
    incident_at: datetime
    reported_at: datetime | None = None
    force: tuple[Force, ...] = ()
    affected: tuple[Affected, ...] = ()
    medical_aid_at: datetime | None = None
    family_notified_at: datetime | None = None
    supervisor_present: bool | None = None
    legal_basis: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None


@dataclass(frozen=True)
class Result:
    complete: bool
    missing: list[str]
    overdue: list[str]
    referrals: list[str]
    deadlines: dict[str, datetime] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The command line's answer: exactly these four keys."""
        return {
            "complete": self.complete,
            "missing": list(self.missing),
            "overdue": list(self.overdue),
            "referrals": list(self.referrals),
        }


def parse_time(value: Any, name: str) -> datetime:
    """An ISO 8601 instant with its offset (``Z`` is UTC)."""
    if not isinstance(value, str):
        raise DocumentError(
            name, "debe ser una fecha y hora ISO 8601 (texto)", "must be an ISO 8601 time (text)"
        )
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DocumentError(
            name,
            f"{value!r} no es una fecha y hora ISO 8601",
            f"{value!r} is not an ISO 8601 time",
        ) from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise DocumentError(
            name,
            f"{value!r} no lleva zona horaria (p. ej. -05:00)",
            f"{value!r} has no offset (e.g. -05:00)",
        )
    return at


def _opt_time(doc: Mapping[str, Any], name: str) -> datetime | None:
    value = doc.get(name)
    return None if value is None else parse_time(value, name)


def _opt_int(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DocumentError(
            name, "debe ser un entero no negativo o null", "must be a non-negative integer or null"
        )
    return value


def _list(doc: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = doc.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise DocumentError(name, "debe ser una lista de objetos", "must be a list of objects")
    return value


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DocumentError(name, "debe ser texto o null", "must be text or null")
    return str(value)


def _one_of(value: Any, allowed: Sequence[str], name: str) -> str:
    if value not in allowed:
        raise DocumentError(
            name,
            f"{value!r} no es uno de {', '.join(allowed)}",
            f"{value!r} is not one of {', '.join(allowed)}",
        )
    return str(value)


def parse(doc: Any) -> Report:
    """The report a document describes; ``DocumentError`` naming the first bad field."""
    if not isinstance(doc, dict):
        raise DocumentError("(documento)", "debe ser un objeto JSON", "must be a JSON object")
    if doc.get("incident_at") is None:
        raise DocumentError("incident_at", "es obligatorio", "is required")
    force = []
    for i, f in enumerate(_list(doc, "force")):
        where = f"force[{i}]"
        level = _one_of(f.get("level"), LEVELS, f"{where}.level")
        agency = _text(f.get("agency"), f"{where}.agency") or ""
        force.append(
            Force(
                member=_text(f.get("member"), f"{where}.member") or "",
                agency=agency.upper(),
                level=level,
                rounds=_opt_int(f.get("rounds"), f"{where}.rounds") or 0,
            )
        )
    affected = []
    for i, a in enumerate(_list(doc, "affected")):
        where = f"affected[{i}]"
        outcome = _one_of(a.get("outcome"), OUTCOMES, f"{where}.outcome")
        affected.append(
            Affected(
                outcome=outcome,
                age=_opt_int(a.get("age"), f"{where}.age"),
                sex=_text(a.get("sex"), f"{where}.sex"),
            )
        )
    present = doc.get("supervisor_present")
    if present is not None and not isinstance(present, bool):
        raise DocumentError(
            "supervisor_present", "debe ser true, false o null", "must be true, false or null"
        )
    return Report(
        incident_at=parse_time(doc["incident_at"], "incident_at"),
        reported_at=_opt_time(doc, "reported_at"),
        force=tuple(force),
        affected=tuple(affected),
        medical_aid_at=_opt_time(doc, "medical_aid_at"),
        family_notified_at=_opt_time(doc, "family_notified_at"),
        supervisor_present=present,
        legal_basis=_text(doc.get("legal_basis"), "legal_basis"),
        reviewed_by=_text(doc.get("reviewed_by"), "reviewed_by"),
        reviewed_at=_opt_time(doc, "reviewed_at"),
    )


def needs_review(report: Report) -> bool:
    return bool(report.force) or any(a.outcome in HURT for a in report.affected)


def report_due(report: Report) -> datetime:
    return report.incident_at + REPORT_WITHIN


def review_due(report: Report, review_days: int = DEFAULT_REVIEW_DAYS) -> datetime:
    base = report.reported_at if report.reported_at is not None else report_due(report)
    return base + timedelta(days=review_days)


def referrals(report: Report) -> list[str]:
    return list(REFERRAL_BODIES) if any(a.outcome in GRAVE for a in report.affected) else []


def missing(report: Report) -> list[str]:
    out = []
    if report.reported_at is None:
        out.append("reported_at")
    if report.legal_basis is None and any(f.agency in ARMED_FORCES for f in report.force):
        out.append("legal_basis")
    outcomes = {a.outcome for a in report.affected}
    if outcomes & HURT and report.medical_aid_at is None:
        out.append("medical_aid_at")
    if outcomes & GRAVE and report.family_notified_at is None:
        out.append("family_notified_at")
    if needs_review(report):
        if report.reviewed_by is None:
            out.append("reviewed_by")
        if report.reviewed_at is None:
            out.append("reviewed_at")
    return out


def _late(done: datetime | None, due: datetime, at: datetime) -> bool:
    return at >= due and (done is None or done > due)


def check(report: Report, at: datetime, review_days: int = DEFAULT_REVIEW_DAYS) -> Result:
    """The rules applied to ``report`` as of ``at`` (an aware time)."""
    lacking = missing(report)
    deadlines = {"reported_at": report_due(report)}
    overdue = []
    if _late(report.reported_at, deadlines["reported_at"], at):
        overdue.append("reported_at")
    if needs_review(report):
        deadlines["reviewed_at"] = review_due(report, review_days)
        if _late(report.reviewed_at, deadlines["reviewed_at"], at):
            overdue.append("reviewed_at")
    return Result(
        complete=not lacking,
        missing=lacking,
        overdue=overdue,
        referrals=referrals(report),
        deadlines=deadlines,
    )


def check_document(
    doc: Any, at: datetime, review_days: int = DEFAULT_REVIEW_DAYS
) -> dict[str, Any]:
    return check(parse(doc), at, review_days).as_dict()


# Words for each key, for the readable summary and the server's refusals (catalogue msgids).
KEY_LABELS: dict[str, str] = {
    "reported_at": N_("el informe escrito (plazo: 24 h)"),
    "legal_basis": N_("la base legal de las FF. AA."),
    "medical_aid_at": N_("el auxilio médico"),
    "family_notified_at": N_("el aviso a la familia"),
    "reviewed_by": N_("el revisor"),
    "reviewed_at": N_("la revisión"),
    "fiscalia": N_("Fiscalía (Ministerio Público)"),
    "defensoria": N_("Defensoría del Pueblo"),
}


def key_words(keys: Sequence[str], lang: str) -> str:
    """The keys in words, in ``lang`` (an unknown key as itself)."""
    return "; ".join(gettext(KEY_LABELS[k], lang) if k in KEY_LABELS else k for k in keys)


def summary(result: Mapping[str, Any]) -> str:
    """The readable answer of ``kuntur oversight check``: Spanish, then English."""

    def words(keys: Sequence[str], lang: str) -> str:
        return key_words(keys, lang) or "—"

    lines = [
        "Informe completo / Report complete"
        if result["complete"]
        else "Informe incompleto / Report incomplete",
        f"Falta: {words(result['missing'], 'es')} / Missing: {words(result['missing'], 'en')}",
        f"Plazos vencidos: {words(result['overdue'], 'es')} / "
        f"Overdue: {words(result['overdue'], 'en')}",
        f"Derivar a: {words(result['referrals'], 'es')} / "
        f"Refer to: {words(result['referrals'], 'en')}",
    ]
    return "\n".join(lines)


# --- early intervention ------------------------------------------------------------------
INDICATORS = ("complaints", "uof_reports", "injuries", "review_findings")
INDICATOR_LABELS: dict[str, str] = {
    "complaints": N_("quejas"),
    "uof_reports": N_("informes de uso de la fuerza"),
    "injuries": N_("personas lesionadas o fallecidas"),
    "review_findings": N_("revisiones con hallazgos (no «dentro de la norma»)"),
}


@dataclass(frozen=True)
class Crossing:
    indicator: str
    value: int
    threshold: int


def crossings(values: Mapping[str, int], thresholds: Mapping[str, int | None]) -> list[Crossing]:
    """Each indicator at or above its threshold (a threshold of None or 0 is not used)."""
    out = []
    for name in INDICATORS:
        limit = thresholds.get(name)
        if limit and values.get(name, 0) >= limit:
            out.append(Crossing(name, values.get(name, 0), limit))
    return out


def explain(found: Sequence[Crossing], window_days: int, version: int) -> tuple[str, str]:
    """Why a flag was raised, in Spanish and in English; a flag asks a supervisor for a
    documented response and never triggers discipline by itself."""
    es = "; ".join(
        f"{gettext(INDICATOR_LABELS[c.indicator], 'es')}: {c.value} en {window_days} días "
        f"(umbral {c.threshold})"
        for c in found
    )
    en = "; ".join(
        f"{gettext(INDICATOR_LABELS[c.indicator], 'en')}: {c.value} in {window_days} days "
        f"(threshold {c.threshold})"
        for c in found
    )
    return (
        f"{es}. Umbrales versión {version}. Pide la respuesta documentada de un supervisor; "
        "no es una sanción.",
        f"{en}. Thresholds version {version}. Asks for a supervisor's documented response; "
        "not a sanction.",
    )
