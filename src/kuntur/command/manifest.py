"""What joint command declares: permissions, audit events (units, legal bases, orders),
texts."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import OVERSIGHT_ROLES, Role

COMMAND_READ = Permission(
    "command.read",
    "Ver unidades, disponibilidad, bases legales, órdenes y el cuadro en vivo",
    # Oversight bodies read orders and legal bases (issue 14), and write none.
    roles=(Role.DISPATCHER, Role.COMMANDER, Role.AUDITOR, *OVERSIGHT_ROLES),
)
UNITS_REPORT = Permission(
    "units.report",
    "Informar posición y estado de unidades",
    roles=(Role.DISPATCHER, Role.COMMANDER),
)
ORDERS_ISSUE = Permission("orders.issue", "Emitir órdenes", roles=(Role.COMMANDER,))
LEGAL_WRITE = Permission(
    "legal.write",
    "Registrar estados de emergencia y Resoluciones Supremas",
    roles=(Role.COMMANDER,),
)

UNIT_CREATED = EventType("unit.created", "Unidad registrada")
COMMAND_NODE_CREATED = EventType("command.node.created", "Nodo de mando creado")
UNIT_STATUS = EventType("unit.status", "Cambio de estado de unidad")
UNIT_POSITIONS = EventType("unit.positions", "Posiciones de unidades informadas")
AUTHORIZATION_CREATED = EventType("legal.authorization.created", "Base legal registrada")
AUTHORIZATION_REFUSED = EventType("legal.authorization.refused", "Base legal rechazada")
AUTHORIZATION_REVOKED = EventType("legal.authorization.revoked", "Base legal revocada")
MILITARY_REFUSED = EventType(
    "legal.military.refused",
    "Empleo militar rechazado (sin base legal)",
)
ORDER_ISSUED = EventType("order.issued", "Orden emitida")
ORDER_ACKNOWLEDGED = EventType("order.acknowledged", "Orden acusada")
ORDER_COMPLETED = EventType("order.completed", "Orden cumplida")

TEXTS: dict[str, Label] = {
    "units": N_("Unidades"),
    "authorizations": N_("Bases legales (FF. AA.)"),
    "expires_soon": N_("vence pronto"),
    "units_overlay": N_("Unidades en vivo"),
    # The orders screen: issue, acknowledge, complete, with the chain and the legal basis.
    "orders": N_("Órdenes"),
    "order_list": N_("Órdenes recientes"),
    "issue_order": N_("Emitir una orden"),
    "issue": N_("Emitir"),
    "issuer_node": N_("Desde (su nodo o uno bajo él)"),
    "target_node": N_("Hacia el nodo"),
    "target_unit": N_("o hacia la unidad"),
    "order_kind": N_("Tipo"),
    "order_text": N_("Texto de la orden"),
    "order_place": N_("Lugar (clic en el mapa; obligatorio para FF. AA.)"),
    "starts": N_("Inicio"),
    "ends": N_("Fin"),
    "acknowledge": N_("Acusar recibo"),
    "complete": N_("Cumplida"),
    "chain": N_("Cadena de mando"),
    "legal_basis": N_("Base legal"),
    "no_basis": N_("no requerida (sin FF. AA.)"),
    "order_issued": N_("emitida"),
    "order_acknowledged": N_("acusada"),
    "order_completed": N_("cumplida"),
    "order_kind_patrol": N_("patrullaje"),
    "order_kind_checkpoint": N_("control"),
    "order_kind_support": N_("apoyo"),
    "order_kind_deploy": N_("despliegue"),
    "order_label": N_("Orden"),
    "issue_needs": N_("Emitir órdenes requiere el permiso «Emitir órdenes» (comandantes)."),
    "none_yet": N_("Ninguna todavía"),
    "by": N_("por"),
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
