"""What oversight declares (issue 14): personnel, use-of-force reports that cannot be
skipped, reviews on deadline, complaints, early intervention, and the oversight desk of
the Defensoría del Pueblo, the Fiscalía and internal affairs."""

from __future__ import annotations

from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import OVERSIGHT_ROLES, Role

OVERSIGHT_READ = Permission(
    "oversight.read",
    "Ver personal, informes de uso de la fuerza, quejas, alertas y la mesa de supervisión",
    "Read personnel, use-of-force reports, complaints, flags and the oversight desk",
    roles=(Role.COMMANDER, Role.AUDITOR, *OVERSIGHT_ROLES),
)
PERSONNEL_MANAGE = Permission(
    "personnel.manage",
    "Registrar personal y sus turnos en unidades",
    "Record personnel and their shifts on units",
    roles=(Role.COMMANDER,),
)
UOF_REPORT = Permission(
    "uof.report",
    "Registrar informes de uso de la fuerza (y reportes en cero)",
    "File use-of-force reports (and zero reports)",
    roles=(Role.DISPATCHER, Role.COMMANDER),
)
UOF_REVIEW = Permission(
    "uof.review",
    "Revisar informes de uso de la fuerza (fuera de la cadena de mando)",
    "Review use-of-force reports (outside the chain of command)",
    roles=(Role.COMMANDER, Role.INTERNAL_AFFAIRS),
)
COMPLAINTS_WRITE = Permission(
    "complaints.write",
    "Registrar quejas y su resultado",
    "Record complaints and their outcome",
    roles=(Role.COMMANDER, Role.INTERNAL_AFFAIRS),
)
EI_MANAGE = Permission(
    "ei.manage",
    "Fijar umbrales de intervención temprana y calcular alertas",
    "Set early-intervention thresholds and compute flags",
    roles=(Role.INTERNAL_AFFAIRS,),
)
FLAGS_RESPOND = Permission(
    "flags.respond",
    "Responder alertas de intervención temprana (supervisor)",
    "Respond to early-intervention flags (supervisor)",
    roles=(Role.COMMANDER,),
)
OVERSIGHT_NOTE = Permission(
    "oversight.note",
    "Escribir notas de revisión propias (órganos de control)",
    "Write one's own review notes (oversight bodies)",
    roles=OVERSIGHT_ROLES,
)

PERSONNEL_CREATED = EventType("personnel.created", "Personal registrado", "Personnel recorded")
PERSONNEL_READ = EventType("personnel.read", "Lectura de datos de personal", "Personnel data read")
SHIFT_ASSIGNED = EventType("personnel.shift", "Turno asignado", "Shift assigned")
UOF_OBLIGATION = EventType(
    "uof.obligation",
    "Informe de uso de la fuerza exigido (incidente cerrado con fuerza)",
    "Use-of-force report required (incident closed with force)",
)
UOF_FILED = EventType(
    "uof.filed", "Informe de uso de la fuerza presentado", "Use-of-force report filed"
)
UOF_ZERO = EventType(
    "uof.zero", "Reporte en cero (mes sin uso de la fuerza)", "Zero report (no force in a month)"
)
UOF_UPDATED = EventType(
    "uof.updated",
    "Informe de uso de la fuerza completado (auxilio, aviso a la familia)",
    "Use-of-force report completed (medical aid, family notice)",
)
UOF_REFERRED = EventType(
    "uof.referred",
    "Informe derivado a la Fiscalía y la Defensoría",
    "Report referred to the Fiscalía and the Defensoría",
)
UOF_REVIEWED = EventType(
    "uof.reviewed", "Informe de uso de la fuerza revisado", "Use-of-force report reviewed"
)
UOF_REVIEW_REFUSED = EventType(
    "uof.review.refused",
    "Revisión rechazada (revisor implicado o en la cadena de mando)",
    "Review refused (reviewer involved or in the chain of command)",
)
UOF_CLOSED = EventType(
    "uof.closed", "Informe de uso de la fuerza cerrado", "Use-of-force report closed"
)
UOF_READ = EventType(
    "uof.read", "Lectura de informes de uso de la fuerza", "Use-of-force reports read"
)
UOF_OVERDUE = EventType(
    "uof.overdue",
    "Plazo vencido señalado al comandante y a los órganos de control",
    "Missed deadline flagged to the commander and oversight",
)
COMPLAINT_FILED = EventType("complaint.filed", "Queja registrada", "Complaint recorded")
COMPLAINT_UPDATED = EventType("complaint.updated", "Queja actualizada", "Complaint updated")
EI_THRESHOLDS = EventType(
    "ei.thresholds",
    "Nueva versión de umbrales de intervención temprana",
    "New early-intervention thresholds",
)
EI_RUN = EventType(
    "ei.run", "Cálculo de alertas de intervención temprana", "Early-intervention flags computed"
)
EI_FLAGGED = EventType("ei.flagged", "Alerta de intervención temprana", "Early-intervention flag")
EI_RESPONDED = EventType(
    "ei.responded", "Respuesta del supervisor a una alerta", "Supervisor's response to a flag"
)
OVERSIGHT_NOTED = EventType(
    "oversight.note", "Nota de un órgano de control", "Oversight body's note"
)
OVERSIGHT_DESK_READ = EventType(
    "oversight.desk.read", "Consulta de la mesa de supervisión", "Oversight desk read"
)

TEXTS: dict[str, Label] = {
    "oversight": ("Supervisión", "Oversight"),
    "use_of_force": ("Uso de la fuerza", "Use of force"),
    "object_personnel": ("Personal", "Personnel"),
    "object_uof_report": ("Informe de uso de la fuerza", "Use-of-force report"),
    "object_complaint": ("Queja", "Complaint"),
    "object_ei_flag": ("Alerta de intervención temprana", "Early-intervention flag"),
    "object_ei_thresholds": ("Umbrales de intervención temprana", "Early-intervention thresholds"),
    "object_oversight_desk": ("Mesa de supervisión", "Oversight desk"),
    "object_oversight_note": ("Nota de supervisión", "Oversight note"),
    "uof_level_presence": ("presencia", "presence"),
    "uof_level_verbal": ("verbalización", "verbal"),
    "uof_level_physical": ("control físico", "physical"),
    "uof_level_non_lethal": ("armas no letales", "non-lethal"),
    "uof_level_firearm": ("arma de fuego", "firearm"),
    "uof_outcome_none": ("sin lesiones", "none"),
    "uof_outcome_injury": ("lesión", "injury"),
    "uof_outcome_serious_injury": ("lesión grave", "serious injury"),
    "uof_outcome_death": ("muerte", "death"),
    "uof_missing": ("Falta", "Missing"),
    "uof_overdue": ("Plazo vencido", "Overdue"),
    "uof_referrals": ("Derivar a", "Refer to"),
    "uof_complete": ("Completo", "Complete"),
    "uof_new": ("Nuevo informe de uso de la fuerza", "New use-of-force report"),
    "uof_incident": ("Incidente (cerrado)", "Incident (closed)"),
    "uof_file": ("Presentar informe", "File report"),
    "uof_pending": ("Informes exigidos, pendientes", "Required reports, pending"),
    "uof_reports": ("Informes", "Reports"),
    "uof_when": ("Fecha y hora", "Date and time"),
    "uof_place": ("Lugar", "Place"),
    "uof_location_type": ("Tipo de lugar", "Location type"),
    "uof_reason": ("Motivo del contacto", "Reason for contact"),
    "uof_members": (
        "Quién usó la fuerza (n.º de servicio, nivel, disparos)",
        "Who used force (service no., level, rounds)",
    ),
    "uof_affected": (
        "Personas afectadas (resultado, edad, sexo)",
        "People affected (outcome, age, sex)",
    ),
    "uof_supervisor": ("Supervisor presente", "Supervisor present"),
    "uof_bodycam": ("Cámara corporal / evidencias", "Body camera / evidence"),
    "desk_by_agency": ("Uso de la fuerza por institución", "Use of force by agency"),
    "desk_by_district": ("por distrito", "by district"),
    "desk_by_month": ("por mes", "by month"),
    "desk_taskings": ("Empleo militar por base legal", "Military taskings by legal basis"),
    "desk_deadlines": ("Plazos cumplidos y vencidos", "Deadlines met and missed"),
    "desk_flags": ("Alertas abiertas", "Open flags"),
    "desk_csv": ("Exportar CSV", "Export CSV"),
    "desk_countersign": ("Contrafirmar un punto de control", "Countersign a checkpoint"),
    "desk_witness": ("Testigo registrado", "Registered witness"),
    "desk_signature": ("Firma (base64) de la nota", "Signature (base64) of the note"),
    "desk_met": ("cumplidos", "met"),
    "desk_missed": ("vencidos", "missed"),
    "desk_pending": ("en plazo", "pending"),
    "desk_records": ("registros", "records"),
    "desk_intro": (
        "Cada cifra enlaza los registros que la componen. Solo lectura: las notas propias y "
        "la contrafirma son lo único que esta mesa escribe.",
        "Every figure links the records behind it. Read-only: the desk writes only its own "
        "notes and countersignatures.",
    ),
    "uof_deadline_report": ("Informe (24 h)", "Report (24 h)"),
    "uof_deadline_review": ("Revisión", "Review"),
    "uof_form_hint": (
        "Una línea por agente: n.º de registro del personal, nivel (presence, verbal, physical, "
        "non_lethal, firearm), disparos. Una línea por persona afectada: resultado (none, "
        "injury, serious_injury, death), edad, sexo (F, M, X). Sin nombres.",
        "One line per member: personnel record no., level (presence, verbal, physical, "
        "non_lethal, firearm), rounds. One line per person affected: outcome (none, injury, "
        "serious_injury, death), age, sex (F, M, X). No names.",
    ),
    "uof_medical_at": ("Auxilio médico (cuándo)", "Medical aid (when)"),
    "uof_medical_by": ("Auxilio médico (quién)", "Medical aid (who)"),
    "uof_family_at": ("Aviso a la familia (cuándo)", "Family notified (when)"),
    "uof_key_reported_at": ("el informe (24 h)", "the report (24 h)"),
    "uof_key_legal_basis": ("la base legal de las FF. AA.", "the armed forces' legal basis"),
    "uof_key_medical_aid_at": ("el auxilio médico", "medical aid"),
    "uof_key_family_notified_at": ("el aviso a la familia", "the family notice"),
    "uof_key_reviewed_by": ("el revisor", "the reviewer"),
    "uof_key_reviewed_at": ("la revisión", "the review"),
    "uof_key_fiscalia": ("Fiscalía", "Prosecutor (Fiscalía)"),
    "uof_key_defensoria": ("Defensoría del Pueblo", "Ombudsman (Defensoría)"),
}

MANIFEST = declare(
    Manifest(
        domain="oversight",
        permissions=(
            OVERSIGHT_READ,
            PERSONNEL_MANAGE,
            UOF_REPORT,
            UOF_REVIEW,
            COMPLAINTS_WRITE,
            EI_MANAGE,
            FLAGS_RESPOND,
            OVERSIGHT_NOTE,
        ),
        events=(
            PERSONNEL_CREATED,
            PERSONNEL_READ,
            SHIFT_ASSIGNED,
            UOF_OBLIGATION,
            UOF_FILED,
            UOF_ZERO,
            UOF_UPDATED,
            UOF_REFERRED,
            UOF_REVIEWED,
            UOF_REVIEW_REFUSED,
            UOF_CLOSED,
            UOF_READ,
            UOF_OVERDUE,
            COMPLAINT_FILED,
            COMPLAINT_UPDATED,
            EI_THRESHOLDS,
            EI_RUN,
            EI_FLAGGED,
            EI_RESPONDED,
            OVERSIGHT_NOTED,
            OVERSIGHT_DESK_READ,
        ),
        pages=(
            # The oversight desk: figures with their records, CSV, deadlines, flags, and
            # countersigning a checkpoint.
            Page(
                "/supervision",
                "oversight.html",
                OVERSIGHT_READ,
                nav="oversight",
                nav_order=65,
                active="oversight",
            ),
            # The use-of-force report form, reached from a closed incident (dispatch).
            Page(
                "/uso-fuerza",
                "uof.html",
                UOF_REPORT,
                nav="use_of_force",
                nav_order=38,
                active="uof",
            ),
        ),
        texts=TEXTS,
        cli_group=("oversight", "Supervisión: informes de uso de la fuerza, plazos, alertas."),
    )
)
