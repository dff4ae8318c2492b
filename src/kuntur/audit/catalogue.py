"""Every auditable event type, declared once: code, Spanish and English titles.

Services record events only by these codes; the audit page and the API describe
them from here. An event never carries the sensitive data itself: only who did
what to which object, with which purpose and outcome.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    LOGIN_SUCCESS = "auth.login.success"
    LOGIN_FAILURE = "auth.login.failure"
    LOGOUT = "auth.logout"
    LOGIN_RATE_LIMITED = "auth.rate_limited"
    STEP_UP_FAILURE = "auth.step_up.failure"
    TOKEN_REJECTED = "auth.token_rejected"  # noqa: S105 (an event code, no secret)
    CSRF_FAILED = "auth.csrf_failed"
    TOKEN_CREATED = "auth.token.created"  # noqa: S105 (an event code, no secret)
    TOKEN_REVOKED = "auth.token.revoked"  # noqa: S105
    ACCESS_DENIED = "authz.denied"
    SENSITIVE_READ = "record.read.sensitive"
    PURPOSE_MISSING = "purpose.missing"
    PURPOSE_REFUSED = "purpose.refused"
    INCIDENT_CREATED = "incident.created"
    INCIDENT_DUPLICATE = "incident.duplicate_refused"
    INCIDENTS_IMPORTED = "incident.import"
    DEMO_SEEDED = "demo.seed"
    FORECAST_CREATED = "forecast.created"
    UNIT_CREATED = "unit.created"
    COMMAND_NODE_CREATED = "command.node.created"
    UNIT_STATUS = "unit.status"
    UNIT_POSITIONS = "unit.positions"
    AUTHORIZATION_CREATED = "legal.authorization.created"
    AUTHORIZATION_REFUSED = "legal.authorization.refused"
    AUTHORIZATION_REVOKED = "legal.authorization.revoked"
    MILITARY_REFUSED = "legal.military.refused"
    ORDER_ISSUED = "order.issued"
    ORDER_ACKNOWLEDGED = "order.acknowledged"
    ORDER_COMPLETED = "order.completed"
    INCIDENT_STATUS = "incident.status"
    INCIDENT_DISPATCHED = "incident.dispatched"
    INCIDENT_MERGED = "incident.merged"
    INTEL_SEARCH = "intel.search"
    INTEL_VIEW = "intel.view"
    INTEL_INDEXED = "intel.indexed"
    INTEL_CASE_OPENED = "intel.case.opened"
    INTEL_CASE_READ = "intel.case.read"
    INTEL_CASE_CHANGED = "intel.case.changed"
    INTEL_CASE_EXPORTED = "intel.case.exported"
    USER_CREATED = "user.created"
    USER_DISABLED = "user.disabled"
    PERMISSION_GRANTED = "permission.granted"
    PERMISSION_REVOKED = "permission.revoked"
    AUDIT_READ = "audit.read"
    AUDIT_CHECKPOINT = "audit.checkpoint"
    AUDIT_COUNTERSIGNED = "audit.countersigned"
    AUDIT_WITNESS_ADDED = "audit.witness.added"
    AUDIT_VERIFIED = "audit.verified"


TITLES: dict[EventType, tuple[str, str]] = {
    EventType.LOGIN_SUCCESS: ("Inicio de sesión", "Logon"),
    EventType.LOGIN_FAILURE: ("Inicio de sesión fallido", "Failed logon"),
    EventType.LOGOUT: ("Cierre de sesión", "Logoff"),
    EventType.LOGIN_RATE_LIMITED: (
        "Intentos de inicio de sesión frenados (demasiados)",
        "Logon attempts throttled (too many)",
    ),
    EventType.STEP_UP_FAILURE: (
        "Reautenticación fallida (contraseña o código)",
        "Step-up authentication failed (password or code)",
    ),
    EventType.TOKEN_REJECTED: (
        "Credencial rechazada (token o sesión no válidos, vencidos o revocados)",
        "Credential rejected (token or session invalid, expired or revoked)",
    ),
    EventType.CSRF_FAILED: ("Token CSRF ausente o incorrecto", "Missing or wrong CSRF token"),
    EventType.TOKEN_CREATED: ("Token de API emitido", "API token issued"),
    EventType.TOKEN_REVOKED: ("Token de API revocado", "API token revoked"),
    EventType.ACCESS_DENIED: ("Acceso denegado", "Access denied"),
    EventType.SENSITIVE_READ: ("Lectura de dato sensible", "Sensitive record read"),
    EventType.PURPOSE_MISSING: ("Consulta sin motivo rechazada", "Request without purpose refused"),
    EventType.PURPOSE_REFUSED: ("Motivo no válido rechazado", "Invalid purpose refused"),
    EventType.INCIDENT_CREATED: ("Incidente registrado", "Incident created"),
    EventType.INCIDENT_DUPLICATE: (
        "Incidente duplicado rechazado",
        "Duplicate incident refused",
    ),
    EventType.INCIDENTS_IMPORTED: ("Importación de incidentes", "Incidents imported"),
    EventType.FORECAST_CREATED: ("Pronóstico generado", "Forecast created"),
    EventType.COMMAND_NODE_CREATED: ("Nodo de mando creado", "Command node created"),
    EventType.UNIT_CREATED: ("Unidad registrada", "Unit created"),
    EventType.UNIT_STATUS: ("Cambio de estado de unidad", "Unit status changed"),
    EventType.UNIT_POSITIONS: ("Posiciones de unidades informadas", "Unit positions reported"),
    EventType.AUTHORIZATION_CREATED: ("Base legal registrada", "Legal authorization recorded"),
    EventType.AUTHORIZATION_REFUSED: ("Base legal rechazada", "Legal authorization refused"),
    EventType.AUTHORIZATION_REVOKED: ("Base legal revocada", "Legal authorization revoked"),
    EventType.MILITARY_REFUSED: (
        "Empleo militar rechazado (sin base legal)",
        "Military tasking refused (no legal basis)",
    ),
    EventType.ORDER_ISSUED: ("Orden emitida", "Order issued"),
    EventType.ORDER_ACKNOWLEDGED: ("Orden acusada", "Order acknowledged"),
    EventType.ORDER_COMPLETED: ("Orden cumplida", "Order completed"),
    EventType.INCIDENT_STATUS: ("Cambio de estado de incidente", "Incident status changed"),
    EventType.INCIDENT_DISPATCHED: ("Unidad despachada", "Unit dispatched"),
    EventType.INCIDENT_MERGED: ("Incidentes fusionados", "Incidents merged"),
    EventType.INTEL_SEARCH: ("Consulta de redes (inteligencia)", "Network search (intelligence)"),
    EventType.INTEL_VIEW: ("Vista de red (inteligencia)", "Network viewed (intelligence)"),
    EventType.INTEL_INDEXED: (
        "Reportes vinculados (inteligencia)",
        "Reports linked (intelligence)",
    ),
    EventType.INTEL_CASE_OPENED: ("Caso abierto (inteligencia)", "Case opened (intelligence)"),
    EventType.INTEL_CASE_READ: ("Caso consultado (inteligencia)", "Case read (intelligence)"),
    EventType.INTEL_CASE_CHANGED: ("Caso actualizado (inteligencia)", "Case updated"),
    EventType.INTEL_CASE_EXPORTED: ("Informe de caso exportado", "Case report exported"),
    EventType.DEMO_SEEDED: ("Escenario de demostración cargado", "Demo scenario seeded"),
    EventType.USER_CREATED: ("Usuario creado", "User created"),
    EventType.USER_DISABLED: ("Usuario deshabilitado", "User disabled"),
    EventType.PERMISSION_GRANTED: ("Permiso otorgado", "Permission granted"),
    EventType.PERMISSION_REVOKED: ("Permiso revocado", "Permission revoked"),
    EventType.AUDIT_READ: ("Consulta del registro de auditoría", "Audit log read"),
    EventType.AUDIT_CHECKPOINT: ("Punto de control firmado", "Checkpoint signed"),
    EventType.AUDIT_COUNTERSIGNED: ("Contrafirma de testigo", "Witness countersignature"),
    EventType.AUDIT_WITNESS_ADDED: ("Testigo registrado", "Witness registered"),
    EventType.AUDIT_VERIFIED: ("Verificación del registro", "Audit log verified"),
}
