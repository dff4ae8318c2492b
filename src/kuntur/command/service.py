"""Command: the tree, units, legal authorizations and orders, in one place for callers.

Each subdomain has its module (``tree``, ``fleet``, ``authorizations``, ``orders``); this
one re-exports them. Every state change goes through the actor (``actor.require``) and
lands in the audit log in the same transaction (``actor.record``); every change a map
shows is announced with ``events.emit``. A refused military tasking is audited in a
transaction of its own.
"""

from __future__ import annotations

from kuntur.command.authorizations import (  # noqa: F401
    EXPIRY_WARNING,
    as_legal,
    authorization_out,
    authorizations,
    check_military,
    create_authorization,
    list_authorizations,
    refuse_military,
    revoke_authorization,
)
from kuntur.command.fleet import (  # noqa: F401
    CAPABILITIES,
    POSITIONS_PER_EVENT,
    UnitSpec,
    count_units,
    create_unit,
    district_name,
    get_unit,
    is_military,
    list_units,
    readiness,
    report_positions,
    set_unit_status,
    unit_out,
)
from kuntur.command.orders import (  # noqa: F401
    acknowledge_order,
    complete_order,
    issue_order,
    list_orders,
    order_out,
)
from kuntur.command.tree import (  # noqa: F401
    LEVELS,
    TreeRow,
    create_node,
    create_tree,
    subtree,
    tree,
)
