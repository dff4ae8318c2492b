"""Authorization: deny by default; roles grant permissions; every denial is audited.

Checks run on the server, in the service layer's entry points, against the request
context (roles read from the store on every request). Per-record rules (agency,
clearance, stated purpose) build on ``require`` as the records that need them arrive.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from kuntur.audit import service as audit
from kuntur.audit.catalogue import EventType
from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden, Unauthenticated
from kuntur.identity.roles import Role


class Permission(StrEnum):
    INCIDENTS_READ = "incidents.read"
    INCIDENTS_WRITE = "incidents.write"
    INCIDENTS_IMPORT = "incidents.import"
    AUDIT_READ = "audit.read"
    AUDIT_CHECKPOINT = "audit.checkpoint"
    USERS_MANAGE = "users.manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DISPATCHER: frozenset({Permission.INCIDENTS_READ, Permission.INCIDENTS_WRITE}),
    Role.COMMANDER: frozenset({Permission.INCIDENTS_READ, Permission.INCIDENTS_WRITE}),
    Role.CRIME_ANALYST: frozenset({Permission.INCIDENTS_READ, Permission.INCIDENTS_IMPORT}),
    Role.INTEL_ANALYST: frozenset({Permission.INCIDENTS_READ}),
    Role.BORDER_OFFICER: frozenset(),
    # Oversight reads operations and the log; it changes nothing operational.
    Role.AUDITOR: frozenset(
        {Permission.INCIDENTS_READ, Permission.AUDIT_READ, Permission.AUDIT_CHECKPOINT}
    ),
    Role.ADMIN: frozenset(
        {Permission.USERS_MANAGE, Permission.AUDIT_CHECKPOINT, Permission.INCIDENTS_IMPORT}
    ),
}


def permissions(ctx: RequestContext) -> frozenset[Permission]:
    if "system" in ctx.roles:  # the CLI and scheduled work act as the system itself
        return frozenset(Permission)
    out: set[Permission] = set()
    for role in ctx.roles:
        if role in Role.__members__.values():
            out |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(out)


def can(ctx: RequestContext, permission: Permission) -> bool:
    return permission in permissions(ctx)


def require(
    db: Session,
    ctx: RequestContext,
    permission: Permission,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
) -> None:
    """Raise unless ``ctx`` holds ``permission``; a denial is logged in its own transaction
    (the request's own work is rolled back, the record of the attempt is not)."""
    if not ctx.authenticated and "system" not in ctx.roles:
        raise Unauthenticated("log in first: a session cookie or an Authorization: Bearer token")
    if can(ctx, permission):
        return
    with Session(db.get_bind()) as side, side.begin():
        audit.record(
            side,
            ctx,
            EventType.ACCESS_DENIED,
            object_type=object_type,
            object_id=object_id,
            outcome="denied",
            details={"permission": permission.value},
        )
    raise Forbidden(f"your roles do not allow {permission.value}")
