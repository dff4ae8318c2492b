"""What the audit log declares: permissions, event types (its own and the access checks'),
its page, texts, CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

AUDIT_READ = Permission(
    "audit.read", "Consultar el registro de auditoría", "Read the audit log", roles=(Role.AUDITOR,)
)
AUDIT_CHECKPOINT = Permission(
    "audit.checkpoint",
    "Firmar puntos de control y registrar testigos",
    "Sign checkpoints and register witnesses",
    roles=(Role.AUDITOR, Role.ADMIN),
)

# Access decisions are logged by the kernel's actor for every domain, so they live here.
ACCESS_DENIED = EventType("authz.denied", "Acceso denegado", "Access denied")
SENSITIVE_READ = EventType(
    "record.read.sensitive", "Lectura de dato sensible", "Sensitive record read"
)
AUDIT_LOG_READ = EventType("audit.read", "Consulta del registro de auditoría", "Audit log read")
AUDIT_CHECKPOINT_SIGNED = EventType(
    "audit.checkpoint", "Punto de control firmado", "Checkpoint signed"
)
AUDIT_COUNTERSIGNED = EventType(
    "audit.countersigned", "Contrafirma de testigo", "Witness countersignature"
)
AUDIT_WITNESS_ADDED = EventType("audit.witness.added", "Testigo registrado", "Witness registered")
AUDIT_VERIFIED = EventType("audit.verified", "Verificación del registro", "Audit log verified")

TEXTS: dict[str, Label] = {
    "audit": ("Auditoría", "Audit"),
    "audit_search": ("Buscar en el registro", "Search the log"),
    "actor": ("Quién", "Who"),
    "object": ("Objeto", "Object"),
    "event_type": ("Tipo de evento", "Event type"),
    "events": ("eventos", "events"),
    "when": ("Cuándo (Lima)", "When (Lima)"),
    "outcome": ("Resultado", "Outcome"),
    "checkpoints": ("Puntos de control firmados", "Signed checkpoints"),
    "witnesses": ("testigos", "witnesses"),
    "proof": ("Prueba de inclusión", "Inclusion proof"),
    "tree_size": ("Tamaño del árbol", "Tree size"),
    "root": ("Raíz", "Root"),
    "verified": ("Verificada en este navegador", "Checked in this browser"),
    "proof_ok": ("Sí: el evento está en el registro firmado", "Yes: the event is in the log"),
    "proof_bad": ("NO: la prueba no cuadra", "NO: the proof does not match"),
}

MANIFEST = declare(
    Manifest(
        domain="audit",
        permissions=(AUDIT_READ, AUDIT_CHECKPOINT),
        events=(
            ACCESS_DENIED,
            SENSITIVE_READ,
            AUDIT_LOG_READ,
            AUDIT_CHECKPOINT_SIGNED,
            AUDIT_COUNTERSIGNED,
            AUDIT_WITNESS_ADDED,
            AUDIT_VERIFIED,
        ),
        pages=(
            # Oversight auditors only.
            Page("/auditoria", "audit.html", AUDIT_READ, nav="audit", nav_order=70, active="audit"),
        ),
        texts=TEXTS,
        cli_group=("audit", "Registro de auditoría a prueba de manipulación."),
    )
)
