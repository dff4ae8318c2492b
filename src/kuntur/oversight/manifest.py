"""What oversight declares (issue 14): personnel, use-of-force reports that cannot be
skipped, reviews on deadline, complaints, early intervention, and the oversight desk of
the Defensoría del Pueblo, the Fiscalía and internal affairs."""

from __future__ import annotations

from kuntur.core.i18n import N_, Np_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import OVERSIGHT_ROLES, Role

OVERSIGHT_READ = Permission(
    "oversight.read",
    "Ver personal, informes de uso de la fuerza, quejas, alertas y la mesa de supervisión",
    roles=(Role.COMMANDER, Role.AUDITOR, *OVERSIGHT_ROLES),
)
PERSONNEL_MANAGE = Permission(
    "personnel.manage",
    "Registrar personal y sus turnos en unidades",
    roles=(Role.COMMANDER,),
)
UOF_REPORT = Permission(
    "uof.report",
    "Registrar informes de uso de la fuerza (y reportes en cero)",
    roles=(Role.DISPATCHER, Role.COMMANDER),
)
UOF_REVIEW = Permission(
    "uof.review",
    "Revisar informes de uso de la fuerza (fuera de la cadena de mando)",
    roles=(Role.COMMANDER, Role.INTERNAL_AFFAIRS),
)
COMPLAINTS_WRITE = Permission(
    "complaints.write",
    "Registrar quejas y su resultado",
    roles=(Role.COMMANDER, Role.INTERNAL_AFFAIRS),
)
EI_MANAGE = Permission(
    "ei.manage",
    "Fijar umbrales de intervención temprana y calcular alertas",
    roles=(Role.INTERNAL_AFFAIRS,),
)
FLAGS_RESPOND = Permission(
    "flags.respond",
    "Responder alertas de intervención temprana (supervisor)",
    roles=(Role.COMMANDER,),
)
OVERSIGHT_NOTE = Permission(
    "oversight.note",
    "Escribir notas de revisión propias (órganos de control)",
    roles=OVERSIGHT_ROLES,
)

PERSONNEL_CREATED = EventType("personnel.created", "Personal registrado")
PERSONNEL_READ = EventType("personnel.read", "Lectura de datos de personal")
SHIFT_ASSIGNED = EventType("personnel.shift", "Turno asignado")
UOF_OBLIGATION = EventType(
    "uof.obligation",
    "Informe de uso de la fuerza exigido (incidente cerrado con fuerza)",
)
UOF_FILED = EventType("uof.filed", "Informe de uso de la fuerza presentado")
UOF_EVIDENCE = EventType(
    "uof.evidence", "Foto adjuntada como evidencia a un informe de uso de la fuerza"
)
UOF_ZERO = EventType("uof.zero", "Reporte en cero (mes sin uso de la fuerza)")
UOF_UPDATED = EventType(
    "uof.updated",
    "Informe de uso de la fuerza completado (auxilio, aviso a la familia)",
)
UOF_REFERRED = EventType(
    "uof.referred",
    "Informe derivado a la Fiscalía y la Defensoría",
)
UOF_REVIEWED = EventType("uof.reviewed", "Informe de uso de la fuerza revisado")
UOF_REVIEW_REFUSED = EventType(
    "uof.review.refused",
    "Revisión rechazada (revisor implicado o en la cadena de mando)",
)
UOF_CLOSED = EventType("uof.closed", "Informe de uso de la fuerza cerrado")
UOF_READ = EventType("uof.read", "Lectura de informes de uso de la fuerza")
UOF_OVERDUE = EventType(
    "uof.overdue",
    "Plazo vencido señalado al comandante y a los órganos de control",
)
COMPLAINT_FILED = EventType("complaint.filed", "Queja registrada")
COMPLAINT_UPDATED = EventType("complaint.updated", "Queja actualizada")
EI_THRESHOLDS = EventType(
    "ei.thresholds",
    "Nueva versión de umbrales de intervención temprana",
)
EI_RUN = EventType("ei.run", "Cálculo de alertas de intervención temprana")
EI_FLAGGED = EventType("ei.flagged", "Alerta de intervención temprana")
EI_RESPONDED = EventType("ei.responded", "Respuesta del supervisor a una alerta")
OVERSIGHT_NOTED = EventType("oversight.note", "Nota de un órgano de control")
OVERSIGHT_DESK_READ = EventType("oversight.desk.read", "Consulta de la mesa de supervisión")

TEXTS: dict[str, Label] = {
    "oversight": N_("Supervisión"),
    "use_of_force": N_("Uso de la fuerza"),
    "object_personnel": N_("Personal"),
    "object_uof_report": N_("Informe de uso de la fuerza"),
    "object_complaint": N_("Queja"),
    "object_ei_flag": N_("Alerta de intervención temprana"),
    "object_ei_thresholds": N_("Umbrales de intervención temprana"),
    "object_oversight_desk": N_("Mesa de supervisión"),
    "object_oversight_note": N_("Nota de supervisión"),
    "uof_level_presence": N_("presencia"),
    "uof_level_verbal": N_("verbalización"),
    "uof_level_physical": N_("control físico"),
    "uof_level_non_lethal": N_("armas no letales"),
    "uof_level_firearm": N_("arma de fuego"),
    "uof_outcome_none": N_("sin lesiones"),
    "uof_outcome_injury": N_("lesión"),
    "uof_outcome_serious_injury": N_("lesión grave"),
    "uof_outcome_death": N_("muerte"),
    "uof_missing": N_("Falta"),
    "uof_overdue": N_("Plazo vencido"),
    "uof_referrals": N_("Derivar a"),
    "uof_complete": N_("Completo"),
    "uof_new": N_("Nuevo informe de uso de la fuerza"),
    "uof_incident": N_("Incidente (cerrado)"),
    "uof_file": N_("Presentar informe"),
    "uof_pending": N_("Informes exigidos, pendientes"),
    "uof_reports": N_("Informes"),
    "uof_when": N_("Fecha y hora"),
    "uof_place": N_("Lugar"),
    "uof_location_type": N_("Tipo de lugar"),
    "uof_reason": N_("Motivo del contacto"),
    "uof_members": N_("Quién usó la fuerza (n.º de servicio, nivel, disparos)"),
    "uof_affected": N_("Personas afectadas (resultado, edad, sexo)"),
    "uof_supervisor": N_("Supervisor presente"),
    "uof_bodycam": N_("Cámara corporal / evidencias"),
    "desk_by_agency": N_("Uso de la fuerza por institución"),
    "desk_by_district": N_("por distrito"),
    "desk_by_month": N_("por mes"),
    "desk_taskings": N_("Empleo militar por base legal"),
    "desk_deadlines": N_("Plazos cumplidos y vencidos"),
    "desk_flags": N_("Alertas abiertas"),
    "desk_missing_zero": N_("Unidades sin informe ni reporte en cero (meses cerrados)"),
    "desk_missing_zero_hint": N_(
        "Cada unidad informa cada mes: sus informes de uso de la fuerza o un reporte en cero. "
        "El silencio no se cuenta como cero."
    ),
    "desk_due_unfiled": N_("informes exigidos sin presentar"),
    "desk_csv": N_("Exportar CSV"),
    "desk_print": N_("Imprimir informe"),
    "desk_report_title": N_("Informe de la mesa de supervisión"),
    "desk_period": N_("Periodo"),
    "desk_generated": N_("generado"),
    "desk_other": N_("Derivaciones y reportes en cero"),
    "desk_referred": N_("Derivados a la Fiscalía y la Defensoría"),
    "desk_zero_reports": N_("Reportes en cero"),
    "desk_countersign": N_("Contrafirmar un punto de control"),
    "desk_witness": Np_("desk_witness", "Testigo registrado"),
    "desk_signature": N_("Firma (base64) de la nota"),
    "desk_met": N_("cumplidos"),
    "desk_missed": N_("vencidos"),
    "desk_pending": N_("en plazo"),
    "desk_records": N_("registros"),
    "desk_intro": N_(
        "Cada cifra enlaza los registros que la componen. Solo lectura: las notas propias y "
        "la contrafirma son lo único que esta mesa escribe."
    ),
    "uof_deadline_report": N_("Informe (24 h)"),
    "uof_deadline_review": N_("Revisión"),
    "uof_form_hint": N_(
        "Busque a cada agente por su n.º de servicio o su nombre y elija el nivel de fuerza "
        "que usó. Una línea por persona afectada: resultado (none, injury, serious_injury, "
        "death), edad, sexo (F, M, X). Sin nombres."
    ),
    "uof_medical_at": N_("Auxilio médico (cuándo)"),
    "uof_medical_by": N_("Auxilio médico (quién)"),
    "uof_family_at": N_("Aviso a la familia (cuándo)"),
    "uof_key_reported_at": N_("el informe (24 h)"),
    "uof_key_legal_basis": N_("la base legal de las FF. AA."),
    "uof_key_medical_aid_at": N_("el auxilio médico"),
    "uof_key_family_notified_at": N_("el aviso a la familia"),
    "uof_key_reviewed_by": N_("el revisor"),
    "uof_key_reviewed_at": N_("la revisión"),
    "uof_kind_incident": N_("Informe de un hecho"),
    "uof_kind_zero": N_("Reporte en cero (mes sin uso de la fuerza)"),
    "uof_status_pending": N_("exigido, sin presentar"),
    "uof_status_filed": N_("presentado"),
    "uof_status_closed": N_("cerrado"),
    "uof_finding_within_policy": N_("conforme a las normas"),
    "uof_finding_training": N_("reentrenamiento"),
    "uof_finding_disciplinary_referral": N_("derivación disciplinaria"),
    "uof_finding_criminal_referral": N_("derivación penal"),
    "uof_member_search": N_("Buscar agente (n.º de servicio o nombre)"),
    "uof_member_pick": N_("Añadir"),
    "uof_member_remove": N_("Quitar"),
    "uof_member_none": N_("Nadie aún: busque y añada a cada agente que usó la fuerza."),
    "uof_member_prefilled": N_(
        "Agentes de turno en la unidad a la hora del hecho: quite a quien no usó la fuerza y "
        "elija el nivel de cada uno."
    ),
    "uof_level_choose": N_("— nivel —"),
    "uof_level_needed": N_("Elija el nivel de fuerza de cada agente (o quítelo)."),
    "uof_rounds": N_("Disparos"),
    "uof_open": N_("Ver el informe"),
    "uof_key_fiscalia": N_("Fiscalía"),
    "uof_key_defensoria": Np_("uof_key_defensoria", "Defensoría del Pueblo"),
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
            UOF_EVIDENCE,
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
        cli_group=("oversight", N_("Supervisión: informes de uso de la fuerza, plazos, alertas.")),
    )
)
