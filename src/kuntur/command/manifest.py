"""What joint command declares: permissions, audit events (units, legal bases, orders),
texts."""

from __future__ import annotations

from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import OVERSIGHT_ROLES, Role

COMMAND_READ = Permission(
    "command.read",
    "Ver unidades, disponibilidad, bases legales, órdenes y el cuadro en vivo",
    "Read units, readiness, legal bases, orders and the live picture",
    # Oversight bodies read orders and legal bases (issue 14), and write none.
    roles=(Role.DISPATCHER, Role.COMMANDER, Role.AUDITOR, *OVERSIGHT_ROLES),
)
UNITS_REPORT = Permission(
    "units.report",
    "Informar posición y estado de unidades",
    "Report unit positions and status",
    roles=(Role.DISPATCHER, Role.COMMANDER),
)
ORDERS_ISSUE = Permission("orders.issue", "Emitir órdenes", "Issue orders", roles=(Role.COMMANDER,))
LEGAL_WRITE = Permission(
    "legal.write",
    "Registrar estados de emergencia y Resoluciones Supremas",
    "Record states of emergency and Resoluciones Supremas",
    roles=(Role.COMMANDER,),
)

UNIT_CREATED = EventType("unit.created", "Unidad registrada", "Unit created")
COMMAND_NODE_CREATED = EventType(
    "command.node.created", "Nodo de mando creado", "Command node created"
)
UNIT_STATUS = EventType("unit.status", "Cambio de estado de unidad", "Unit status changed")
UNIT_POSITIONS = EventType(
    "unit.positions", "Posiciones de unidades informadas", "Unit positions reported"
)
AUTHORIZATION_CREATED = EventType(
    "legal.authorization.created", "Base legal registrada", "Legal authorization recorded"
)
AUTHORIZATION_REFUSED = EventType(
    "legal.authorization.refused", "Base legal rechazada", "Legal authorization refused"
)
AUTHORIZATION_REVOKED = EventType(
    "legal.authorization.revoked", "Base legal revocada", "Legal authorization revoked"
)
MILITARY_REFUSED = EventType(
    "legal.military.refused",
    "Empleo militar rechazado (sin base legal)",
    "Military tasking refused (no legal basis)",
)
ORDER_ISSUED = EventType("order.issued", "Orden emitida", "Order issued")
ORDER_ACKNOWLEDGED = EventType("order.acknowledged", "Orden acusada", "Order acknowledged")
ORDER_COMPLETED = EventType("order.completed", "Orden cumplida", "Order completed")

TEXTS: dict[str, Label] = {
    "units": ("Unidades", "Units"),
    "authorizations": ("Bases legales (FF. AA.)", "Legal bases (armed forces)"),
    "expires_soon": ("vence pronto", "expires soon"),
    "units_overlay": ("Unidades en vivo", "Live units"),
    # The orders screen: issue, acknowledge, complete, with the chain and the legal basis.
    "orders": ("Órdenes", "Orders"),
    "order_list": ("Órdenes recientes", "Recent orders"),
    "issue_order": ("Emitir una orden", "Issue an order"),
    "issue": ("Emitir", "Issue"),
    "issuer_node": ("Desde (su nodo o uno bajo él)", "From (your node or one below it)"),
    "target_node": ("Hacia el nodo", "To the node"),
    "target_unit": ("o hacia la unidad", "or to the unit"),
    "order_kind": ("Tipo", "Kind"),
    "order_text": ("Texto de la orden", "Order text"),
    "order_place": (
        "Lugar (clic en el mapa; obligatorio para FF. AA.)",
        "Place (click the map; required for armed forces)",
    ),
    "starts": ("Inicio", "Starts"),
    "ends": ("Fin", "Ends"),
    "acknowledge": ("Acusar recibo", "Acknowledge"),
    "complete": ("Cumplida", "Complete"),
    "chain": ("Cadena de mando", "Chain of command"),
    "legal_basis": ("Base legal", "Legal basis"),
    "no_basis": ("no requerida (sin FF. AA.)", "not needed (no armed forces)"),
    "order_issued": ("emitida", "issued"),
    "order_acknowledged": ("acusada", "acknowledged"),
    "order_completed": ("cumplida", "completed"),
    "order_kind_patrol": ("patrullaje", "patrol"),
    "order_kind_checkpoint": ("control", "checkpoint"),
    "order_kind_support": ("apoyo", "support"),
    "order_kind_deploy": ("despliegue", "deploy"),
    "order_label": ("Orden", "Order"),
    "issue_needs": (
        "Emitir órdenes requiere el permiso «Emitir órdenes» (comandantes).",
        "Issuing orders needs the “Issue orders” permission (commanders).",
    ),
    "none_yet": ("Ninguna todavía", "None yet"),
    "by": ("por", "by"),
}

MANIFEST = declare(
    Manifest(
        domain="command",
        permissions=(COMMAND_READ, UNITS_REPORT, ORDERS_ISSUE, LEGAL_WRITE),
        events=(
            UNIT_CREATED,
            COMMAND_NODE_CREATED,
            UNIT_STATUS,
            UNIT_POSITIONS,
            AUTHORIZATION_CREATED,
            AUTHORIZATION_REFUSED,
            AUTHORIZATION_REVOKED,
            MILITARY_REFUSED,
            ORDER_ISSUED,
            ORDER_ACKNOWLEDGED,
            ORDER_COMPLETED,
        ),
        pages=(
            # Orders down the chain of command: issue, acknowledge, complete; each action
            # checks its own permission (orders.issue, units.report).
            Page(
                "/ordenes", "orders.html", COMMAND_READ, nav="orders", nav_order=35, active="orders"
            ),
        ),
        texts=TEXTS,
    )
)
