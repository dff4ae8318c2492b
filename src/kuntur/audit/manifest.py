"""What the audit log declares: permissions, event types (its own and the access checks'),
its page, texts, CLI group."""

from __future__ import annotations

from kuntur.core.i18n import N_, Np_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import OVERSIGHT_ROLES, Role

AUDIT_READ = Permission(
    "audit.read",
    "Consultar el registro de auditoría",
    roles=(Role.AUDITOR, *OVERSIGHT_ROLES),
)
# A signed-in oversight user countersigns a checkpoint with the key of a registered witness
# (the signature is the proof; the login puts a person's name on the act).
AUDIT_COUNTERSIGN = Permission(
    "audit.countersign",
    "Contrafirmar puntos de control (testigo)",
    roles=(Role.AUDITOR, *OVERSIGHT_ROLES),
)
AUDIT_CHECKPOINT = Permission(
    "audit.checkpoint",
    "Firmar puntos de control y registrar testigos",
    roles=(Role.AUDITOR, Role.ADMIN),
)

# Access decisions are logged by the kernel's actor for every domain, so they live here.
ACCESS_DENIED = EventType("authz.denied", "Acceso denegado")
SENSITIVE_READ = EventType("record.read.sensitive", "Lectura de dato sensible")
AUDIT_LOG_READ = EventType("audit.read", "Consulta del registro de auditoría")
AUDIT_CHECKPOINT_SIGNED = EventType("audit.checkpoint", "Punto de control firmado")
AUDIT_COUNTERSIGNED = EventType("audit.countersigned", "Contrafirma de testigo")
AUDIT_WITNESS_ADDED = EventType("audit.witness.added", "Testigo registrado")
AUDIT_COUNTERSIGN_REFUSED = EventType(
    "audit.countersign.refused",
    "Contrafirma rechazada (el testigo no es de la institución del usuario)",
)
AUDIT_VERIFIED = EventType("audit.verified", "Verificación del registro")

TEXTS: dict[str, Label] = {
    # What an event is about (its object type), in words.
    "object_incident": N_("Incidente"),
    "object_unit": N_("Unidad"),
    "object_user": Np_("object_user", "Usuario"),
    "object_order": N_("Orden"),
    "object_legal_authorization": N_("Base legal"),
    "object_forecast": N_("Pronóstico"),
    "object_case": N_("Caso"),
    "object_token": N_("Token de API"),
    "object_session": N_("Sesión"),
    "object_intel": N_("Inteligencia"),
    "object_command_unit": N_("Nodo de mando"),
    "object_command_node": N_("Nodo de mando"),
    "object_checkpoint": N_("Punto de control"),
    "object_audit_log": N_("Registro de auditoría"),
    "object_import_batch": N_("Importación"),
    "object_witness": N_("Testigo"),
    "object_live": N_("Cuadro en vivo"),
    "object_kpi": N_("Indicadores"),
    "object_client": N_("Cliente (dirección)"),
    "audit": N_("Auditoría"),
    "audit_search": N_("Buscar en el registro"),
    "actor": N_("Quién"),
    "object": N_("Objeto"),
    "event_type": N_("Tipo de evento"),
    "events": N_("eventos"),
    "when": N_("Cuándo (Lima)"),
    "outcome": N_("Resultado"),
    "checkpoints": N_("Puntos de control firmados"),
    "witnesses": N_("testigos"),
    "proof": N_("Prueba de inclusión"),
    "tree_size": N_("Tamaño del árbol"),
    "root": N_("Raíz"),
    "verified": N_("Verificada en este navegador"),
    "proof_ok": N_("Sí: el evento está en el árbol que firmó el punto de control"),
    "proof_bad": N_("NO: la prueba no cuadra"),
    # The event's own fields, in the detail panel.
    "event": N_("Evento"),
    "agency": N_("Institución"),
    "purpose": N_("Motivo"),
    "request": N_("Solicitud"),
    "details": N_("Detalles"),
    "leaf": N_("Hoja (hash)"),
    # Outcomes as the log records them.
    "outcome_success": N_("Correcto"),
    "outcome_failure": N_("Fallido"),
    "outcome_denied": N_("Denegado"),
    "outcome_refused": N_("Rechazado"),
    "actor_hint": N_("usuario, nombre o código"),
    # What the browser checked against a signed checkpoint, and what it did not.
    "cp_used": N_("Punto de control"),
    "cp_line": N_("n.º {id}: {size} eventos, firmado el {at}"),
    "signature": N_("Firma Ed25519 del punto de control"),
    "sig_ok": N_("Válida con la clave del registro (id {key})"),
    "sig_bad": N_("NO válida: no confíe en este punto de control"),
    "sig_unsupported": N_("Este navegador no verifica Ed25519: firma no comprobada"),
    "key_pin": N_("Clave pública obtenida de este mismo servidor: compare su id con el publicado"),
    "witnessed": N_("Contrafirmas de testigos"),
    "witnessed_note": N_(
        "{names} (comprobadas por el servidor al recibirlas, no en este navegador)"
    ),
    "no_witness": N_("ninguna: ningún testigo externo lo contrafirmó aún"),
    "not_checked": N_("No comprobado aquí"),
    "not_checked_text": N_(
        "que el contenido del evento coincida con su hoja (lo hace «kuntur audit verify»)"
    ),
    "uncovered": N_(
        "Aún no cubierto por un punto de control firmado: este evento es más reciente que el "
        "último punto de control. No se verificó nada contra una firma."
    ),
    "log_status": N_(
        "{size} eventos; el último punto de control firmado cubre {covered}; {uncovered} aún "
        "sin cubrir"
    ),
    "no_checkpoint": N_("ningún punto de control firmado aún"),
    "sign_now": N_("Firmar un punto de control ahora"),
    "signed_now": N_("Punto de control n.º {id} firmado: {size} eventos"),
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
            AUDIT_COUNTERSIGN_REFUSED,
            AUDIT_VERIFIED,
        ),
        pages=(
            # Oversight auditors only.
            Page("/auditoria", "audit.html", AUDIT_READ, nav="audit", nav_order=70, active="audit"),
        ),
        texts=TEXTS,
        cli_group=("audit", N_("Registro de auditoría a prueba de manipulación.")),
    )
)
