"""What the border domain declares (issue 17): screening travellers and vehicles at the
border posts against the watchlists, the officers' decisions on each hit, and the
watchlists themselves (imported from CSV and FollowTheMoney JSON).

Every screening and every decision is on record through the actor; traveller data is
kept only as long as ``border_retention_days`` says (Ley 29733, ``kuntur border sweep``)."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

SCREEN = Permission(
    "border.screen",
    "Consultar viajeros y vehículos contra las listas de control fronterizo",
    roles=(Role.BORDER_OFFICER,),
)
DECIDE = Permission(
    "border.decide",
    "Decidir sobre una coincidencia de frontera (descartar, confirmar, derivar)",
    roles=(Role.BORDER_OFFICER,),
)
WATCHLIST = Permission(
    "border.watchlist",
    "Importar y dar de baja entradas de las listas de control fronterizo",
    roles=(Role.COMMANDER, Role.INTEL_ANALYST),
)

SEIZE = Permission(
    "border.seize",
    "Registrar incautaciones en un puesto de frontera (armas, municiones, drogas, dinero, "
    "personas rescatadas)",
    roles=(Role.BORDER_OFFICER,),
)
COMMAND = Permission(
    "border.command",
    "Ver el resumen de los puestos de frontera y las estadísticas de trata de personas",
    roles=(Role.COMMANDER, Role.INTEL_ANALYST),
)

SCREENED = EventType("border.screened", "Consulta de frontera (viajero o vehículo)")
MANIFEST_SCREENED = EventType("border.manifest", "Lista de pasajeros consultada en lote")
DECIDED = EventType("border.decided", "Decisión sobre una coincidencia de frontera")
WATCHLIST_IMPORTED = EventType("border.watchlist.imported", "Lista de control importada")
WATCHLIST_EXPIRED = EventType("border.watchlist.expired", "Entrada de lista de control vencida")
SEIZED = EventType("border.seizure", "Incautación registrada en un puesto de frontera")
INTEL_LINKED = EventType(
    "border.intel_linked",
    "Coincidencia de frontera vinculada a inteligencia por un identificador compartido",
)
QUEUE_VIEWED = EventType(
    "border.queue", "Cola del turno de un puesto de frontera consultada (conteos y pendientes)"
)
SWEPT = EventType("border.swept", "Datos de viajeros borrados al vencer su plazo (Ley 29733)")

TEXTS: dict[str, Label] = {
    "border_post": N_("Puesto de frontera"),
    "object_border_screening": N_("Consulta de frontera"),
    "object_border_hit": N_("Coincidencia de frontera"),
    "object_border_entry": N_("Entrada de lista de control"),
    "object_border_seizure": N_("Incautación en frontera"),
    "border_command": N_("Frontera: mando"),
}

MANIFEST = declare(
    Manifest(
        domain="border",
        permissions=(SCREEN, DECIDE, WATCHLIST, SEIZE, COMMAND),
        events=(
            SCREENED,
            MANIFEST_SCREENED,
            DECIDED,
            WATCHLIST_IMPORTED,
            WATCHLIST_EXPIRED,
            SEIZED,
            SWEPT,
            INTEL_LINKED,
            QUEUE_VIEWED,
        ),
        pages=(
            Page(
                "/frontera",
                "border_post.html",
                SCREEN,
                nav="border_post",
                nav_order=45,
                active="border_post",
            ),
            Page(
                "/frontera/mando",
                "border_command.html",
                COMMAND,
                nav="border_command",
                nav_order=46,
                active="border_command",
            ),
        ),
        texts=TEXTS,
        cli_group=(
            "border",
            N_("Control fronterizo: listas de control, consultas de viajeros y vehículos."),
        ),
    )
)
