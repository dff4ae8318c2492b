"""Agencies, roles and clearance levels of the joint command."""

from __future__ import annotations

from enum import IntEnum, StrEnum


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
    ADMIN = "admin"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.DISPATCHER: ("Despachador", "Dispatcher"),
    Role.COMMANDER: ("Comandante", "Commander"),
    Role.CRIME_ANALYST: ("Analista criminal", "Crime analyst"),
    Role.INTEL_ANALYST: ("Analista de inteligencia", "Intelligence analyst"),
    Role.BORDER_OFFICER: ("Oficial de frontera", "Border officer"),
    Role.AUDITOR: ("Auditor de control", "Oversight auditor"),
    Role.OMBUDSMAN: ("Defensoría del Pueblo", "Ombudsman (Defensoría del Pueblo)"),
    Role.PROSECUTOR: ("Fiscalía (Ministerio Público)", "Prosecutor (Fiscalía)"),
    Role.INTERNAL_AFFAIRS: ("Inspectoría (asuntos internos)", "Internal affairs"),
    Role.ADMIN: ("Administrador", "Administrator"),
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


CLEARANCE_LABELS: dict[Clearance, tuple[str, str]] = {
    Clearance.PUBLIC: ("0 · Público", "0 · Public"),
    Clearance.RESTRICTED: ("1 · Reservado", "1 · Restricted"),
    Clearance.CONFIDENTIAL: ("2 · Confidencial", "2 · Confidential"),
    Clearance.SECRET: ("3 · Secreto", "3 · Secret"),
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
OPERATIONAL_AGENCIES = frozenset(
    code for code, (_name, kind) in AGENCIES.items() if kind in ("police", "military", "municipal")
)
