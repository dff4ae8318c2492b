"""What the audit log declares: permissions, event types (its own and the access checks'),
its page, texts, CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import OVERSIGHT_ROLES, Role

AUDIT_READ = Permission(
    "audit.read",
    "Consultar el registro de auditoría",
    "Read the audit log",
    roles=(Role.AUDITOR, *OVERSIGHT_ROLES),
)
# A signed-in oversight user countersigns a checkpoint with the key of a registered witness
# (the signature is the proof; the login puts a person's name on the act).
AUDIT_COUNTERSIGN = Permission(
    "audit.countersign",
    "Contrafirmar puntos de control (testigo)",
    "Countersign checkpoints (witness)",
    roles=(Role.AUDITOR, *OVERSIGHT_ROLES),
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
    # What an event is about (its object type), in words.
    "object_incident": ("Incidente", "Incident"),
    "object_unit": ("Unidad", "Unit"),
    "object_user": ("Usuario", "User"),
    "object_order": ("Orden", "Order"),
    "object_legal_authorization": ("Base legal", "Legal basis"),
    "object_forecast": ("Pronóstico", "Forecast"),
    "object_case": ("Caso", "Case"),
    "object_token": ("Token de API", "API token"),
    "object_session": ("Sesión", "Session"),
    "object_intel": ("Inteligencia", "Intelligence"),
    "object_command_unit": ("Nodo de mando", "Command node"),
    "object_command_node": ("Nodo de mando", "Command node"),
    "object_checkpoint": ("Punto de control", "Checkpoint"),
    "object_audit_log": ("Registro de auditoría", "Audit log"),
    "object_import_batch": ("Importación", "Import"),
    "object_witness": ("Testigo", "Witness"),
    "object_live": ("Cuadro en vivo", "Live picture"),
    "object_kpi": ("Indicadores", "KPIs"),
    "object_client": ("Cliente (dirección)", "Client (address)"),
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
    "proof_ok": (
        "Sí: el evento está en el árbol que firmó el punto de control",
        "Yes: the event is in the tree the checkpoint signed",
    ),
    "proof_bad": ("NO: la prueba no cuadra", "NO: the proof does not match"),
    # The event's own fields, in the detail panel.
    "event": ("Evento", "Event"),
    "agency": ("Institución", "Agency"),
    "purpose": ("Motivo", "Purpose"),
    "request": ("Solicitud", "Request"),
    "details": ("Detalles", "Details"),
    "leaf": ("Hoja (hash)", "Leaf (hash)"),
    # Outcomes as the log records them.
    "outcome_success": ("Correcto", "Succeeded"),
    "outcome_failure": ("Fallido", "Failed"),
    "outcome_denied": ("Denegado", "Denied"),
    "outcome_refused": ("Rechazado", "Refused"),
    "actor_hint": ("usuario, nombre o código", "username, name or code"),
    # What the browser checked against a signed checkpoint, and what it did not.
    "cp_used": ("Punto de control", "Checkpoint"),
    "cp_line": (
        "n.º {id}: {size} eventos, firmado el {at}",
        "no. {id}: {size} events, signed {at}",
    ),
    "signature": ("Firma Ed25519 del punto de control", "The checkpoint's Ed25519 signature"),
    "sig_ok": (
        "Válida con la clave del registro (id {key})",
        "Valid under the log's key (id {key})",
    ),
    "sig_bad": ("NO válida: no confíe en este punto de control", "NOT valid: do not trust it"),
    "sig_unsupported": (
        "Este navegador no verifica Ed25519: firma no comprobada",
        "This browser cannot check Ed25519: signature not checked",
    ),
    "key_pin": (
        "Clave pública obtenida de este mismo servidor: compare su id con el publicado",
        "Public key fetched from this same server: compare its id with the published one",
    ),
    "witnessed": ("Contrafirmas de testigos", "Witness countersignatures"),
    "witnessed_note": (
        "{names} (comprobadas por el servidor al recibirlas, no en este navegador)",
        "{names} (checked by the server on receipt, not in this browser)",
    ),
    "no_witness": (
        "ninguna: ningún testigo externo lo contrafirmó aún",
        "none: no outside witness has countersigned it yet",
    ),
    "not_checked": ("No comprobado aquí", "Not checked here"),
    "not_checked_text": (
        "que el contenido del evento coincida con su hoja (lo hace «kuntur audit verify»)",
        "that the event's content matches its leaf (`kuntur audit verify` does)",
    ),
    "uncovered": (
        "Aún no cubierto por un punto de control firmado: este evento es más reciente que el "
        "último punto de control. No se verificó nada contra una firma.",
        "Not yet covered by a signed checkpoint: this event is newer than the last "
        "checkpoint. Nothing was checked against a signature.",
    ),
    "log_status": (
        "{size} eventos; el último punto de control firmado cubre {covered}; {uncovered} aún "
        "sin cubrir",
        "{size} events; the last signed checkpoint covers {covered}; {uncovered} not covered yet",
    ),
    "no_checkpoint": ("ningún punto de control firmado aún", "no signed checkpoint yet"),
    "sign_now": ("Firmar un punto de control ahora", "Sign a checkpoint now"),
    "signed_now": (
        "Punto de control n.º {id} firmado: {size} eventos",
        "Checkpoint no. {id} signed: {size} events",
    ),
}

MANIFEST = declare(
    Manifest(
        domain="audit",
        permissions=(AUDIT_READ, AUDIT_CHECKPOINT, AUDIT_COUNTERSIGN),
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
