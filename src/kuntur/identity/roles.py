"""Agencies, roles and clearance levels of the joint command."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from kuntur.core.i18n import N_


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    COMMANDER = "commander"
    CRIME_ANALYST = "crime_analyst"
    INTEL_ANALYST = "intel_analyst"
    BORDER_OFFICER = "border_officer"
    AUDITOR = "auditor"
    # Oversight bodies (issue 14): read-only over operations, their own review notes, and
    # they countersign audit checkpoints.
    OMBUDSMAN = "ombudsman"  # Defensoría del Pueblo
    PROSECUTOR = "prosecutor"  # Ministerio Público - Fiscalía
    INTERNAL_AFFAIRS = "internal_affairs"  # Inspectoría General (asuntos internos)
    # The desk that reads anonymous citizen tips, answers the tipsters and turns a tip into
    # an incident (issue 16, kuntur.citizens); it alone opens their contact details.
    CITIZEN_LIAISON = "citizen_liaison"
    # The officer of a unit in the street, on the field app (issue 20, kuntur.field): sees
    # and answers only the dispatches and orders of the unit signed in for the shift.
    FIELD_OFFICER = "field_officer"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.DISPATCHER: N_("Despachador"),
    Role.COMMANDER: N_("Comandante"),
    Role.CRIME_ANALYST: N_("Analista criminal"),
    Role.INTEL_ANALYST: N_("Analista de inteligencia"),
    Role.BORDER_OFFICER: N_("Oficial de frontera"),
    Role.AUDITOR: N_("Auditor de control"),
    Role.OMBUDSMAN: N_("Defensoría del Pueblo"),
    Role.PROSECUTOR: N_("Fiscalía (Ministerio Público)"),
    Role.INTERNAL_AFFAIRS: N_("Inspectoría (asuntos internos)"),
    Role.CITIZEN_LIAISON: N_("Enlace ciudadano"),
    Role.FIELD_OFFICER: N_("Oficial de campo (aplicación móvil)"),
    Role.ADMIN: N_("Administrador"),
}

# A second factor is mandatory for these: their accounts reach commands, intelligence,
# the audit log or other people's permissions.
TOTP_REQUIRED = frozenset(
    {
        Role.COMMANDER,
        Role.INTEL_ANALYST,
        Role.AUDITOR,
        Role.OMBUDSMAN,
        Role.PROSECUTOR,
        Role.INTERNAL_AFFAIRS,
        Role.CITIZEN_LIAISON,  # opens tipsters' contact details
        Role.ADMIN,
    }
)
# The oversight bodies' roles: they read operations and write only their own notes.
OVERSIGHT_ROLES = (Role.OMBUDSMAN, Role.PROSECUTOR, Role.INTERNAL_AFFAIRS)


class Clearance(IntEnum):
    PUBLIC = 0
    RESTRICTED = 1  # reservado
    CONFIDENTIAL = 2  # confidencial
    SECRET = 3  # secreto


CLEARANCE_LABELS: dict[Clearance, str] = {
    Clearance.PUBLIC: N_("0 · Público"),
    Clearance.RESTRICTED: N_("1 · Reservado"),
    Clearance.CONFIDENTIAL: N_("2 · Confidencial"),
    Clearance.SECRET: N_("3 · Secreto"),
}


AGENCIES: dict[str, tuple[str, str]] = {  # code: (Spanish name, kind)
    "PNP": ("Policía Nacional del Perú", "police"),
    "EP": ("Ejército del Perú", "military"),
    "MGP": ("Marina de Guerra del Perú", "military"),
    "FAP": ("Fuerza Aérea del Perú", "military"),
    "SERENAZGO": ("Serenazgo municipal", "municipal"),
    "MP": ("Ministerio Público - Fiscalía", "prosecutor"),
    "DP": ("Defensoría del Pueblo", "ombudsman"),
}

# Agencies that own operational records; oversight bodies (prosecutor, ombudsman) read only.

# Agencies that own operational records; oversight bodies (prosecutor, ombudsman) read only.
OPERATIONAL_AGENCIES = frozenset(
    code for code, (_name, kind) in AGENCIES.items() if kind in ("police", "military", "municipal")
)
