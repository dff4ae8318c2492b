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
    ACCESS_DENIED = "authz.denied"
    SENSITIVE_READ = "record.read.sensitive"
    INCIDENT_CREATED = "incident.created"
    INCIDENTS_IMPORTED = "incident.import"
    DEMO_SEEDED = "demo.seed"
    FORECAST_CREATED = "forecast.created"
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
    EventType.ACCESS_DENIED: ("Acceso denegado", "Access denied"),
    EventType.SENSITIVE_READ: ("Lectura de dato sensible", "Sensitive record read"),
    EventType.INCIDENT_CREATED: ("Incidente registrado", "Incident created"),
    EventType.INCIDENTS_IMPORTED: ("Importación de incidentes", "Incidents imported"),
    EventType.FORECAST_CREATED: ("Pronóstico generado", "Forecast created"),
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
